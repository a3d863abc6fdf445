#!/bin/sh
# Runs every test under prove (TAP): unit binaries, then command-line and
# integration scripts. LIAISONBOT_BUILD names the build directory.
#   LIAISONBOT_VALGRIND=1   run every test binary and liaisonbot itself
#                           under valgrind memcheck: an error or a leak
#                           "definitely lost" fails the test (exit 99);
#                           LIAISONBOT_THREADS=1 there, always
#   LIAISONBOT_SUITES       which parts: "unit cli integration" (default)
#   PROVE_FLAGS             extra flags for prove (e.g. -v)
set -eu
cd "$(dirname "$0")/.."
build=${LIAISONBOT_BUILD:-build/default}
export LIAISONBOT_BUILD=$build
export LIAISONBOT_SRCDIR="$PWD"
export LIAISONBOT="$PWD/$build/liaisonbot"
export LIAISONBOT_TESTS="$PWD/$build/tests"
suites=${LIAISONBOT_SUITES:-unit cli integration}

# Wraps a binary so whoever runs it runs it under valgrind. Always without
# parser threads, whatever a test asks: valgrind runs one thread at a time,
# they made the command-line tests a quarter slower, and a loaded machine
# made one threaded case flaky there (test_parse_pool still runs its
# threads under valgrind; the plain and ASan runs run them all).
# --vgdb=no: no gdbserver FIFOs in /tmp. The kill tests SIGKILL valgrind,
# which leaves its FIFOs behind; a later run as another user (sieve.sh runs
# as nobody) whose PID matches one could not create its own, and valgrind
# exits with "cannot create shared_mem file".
valgrind_wrap() {
	wrapper=$PWD/$build/valgrind/$(basename "$1")
	mkdir -p "$(dirname "$wrapper")"
	cat >"$wrapper" <<WRAP
#!/bin/sh
LIAISONBOT_THREADS=1 LIAISONBOT_REGEX_JIT=0 \\
	exec valgrind -q --vgdb=no --error-exitcode=99 --num-callers=40 \\
	--leak-check=full \\
	--errors-for-leak-kinds=definite --show-leak-kinds=definite \\
	--suppressions="$PWD/tests/valgrind.supp" \\
	--suppressions="$PWD/tests/lib/libetpan.supp" "$1" "\$@"
WRAP
	chmod +x "$wrapper"
	echo "$wrapper"
}

set --
for suite in $suites; do
	case $suite in
	unit)
		for t in "$build"/tests/test_*; do
			case "$t" in *.o|*.d) continue ;; esac
			[ -x "$t" ] || continue
			if [ "${LIAISONBOT_VALGRIND:-}" = 1 ]; then
				t=$(valgrind_wrap "$PWD/$t")
			fi
			set -- "$@" "$t"
		done
		;;
	cli|integration)
		for t in tests/"$suite"/*.sh; do
			[ -e "$t" ] && set -- "$@" "$t"
		done
		;;
	esac
done
if [ "${LIAISONBOT_VALGRIND:-}" = 1 ]; then
	LIAISONBOT=$(valgrind_wrap "$LIAISONBOT")
	export LIAISONBOT
fi
exec prove --timer -j"${LIAISONBOT_JOBS:-2}" ${PROVE_FLAGS:-} "$@"
