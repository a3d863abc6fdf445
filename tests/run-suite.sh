#!/bin/sh
# Runs every test under prove (TAP): unit binaries, then command-line and
# integration scripts. LIAISONBOT_BUILD names the build directory.
# Extra arguments are passed to prove (e.g. -v).
set -eu
cd "$(dirname "$0")/.."
build=${LIAISONBOT_BUILD:-build/default}
export LIAISONBOT_BUILD=$build
export LIAISONBOT="$PWD/$build/liaisonbot"
export LIAISONBOT_TESTS="$PWD/$build/tests"
export LIAISONBOT_SRCDIR="$PWD"

set --
for t in "$build"/tests/test_*; do
	case "$t" in *.o|*.d) continue ;; esac
	[ -x "$t" ] && set -- "$@" "$t"
done
for t in tests/cli/*.sh tests/integration/*.sh; do
	[ -e "$t" ] && set -- "$@" "$t"
done
exec prove --timer -j"${LIAISONBOT_JOBS:-2}" ${PROVE_FLAGS:-} "$@"
