#!/bin/sh
# run.sh SECONDS: build the libFuzzer targets (make fuzz) and run each
# tests/fuzz/fuzz_*.c for SECONDS on a copy of its seeds
# (tests/fuzz/corpus/<name>/, where the target is fuzz_<name>), so the
# repository is never written to. TAP, one test point per target: ok when
# it ran its time without a crash, leak, timeout or sanitizer report.
# Inputs that fail are kept in build/fuzz/artifacts/ to add as seeds.
# Skips (TAP) when clang or libFuzzer is unavailable.
set -u
seconds=${1:-60}
cd "$(dirname "$0")/../.." || exit 1
srcdir=$PWD

case $seconds in
'' | *[!0-9]*) echo "usage: tests/fuzz/run.sh SECONDS" >&2; exit 64 ;;
esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/liaisonbot-fuzz.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# Can this machine build a fuzzer at all?
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)' \
    '{ (void)d; (void)n; return 0; }' >"$tmp/probe.c"
if ! command -v clang >/dev/null 2>&1; then
	echo "1..0 # SKIP clang is not installed"
	exit 0
fi
if ! clang -fsanitize=fuzzer,address,undefined -o "$tmp/probe" \
    "$tmp/probe.c" >/dev/null 2>&1; then
	echo "1..0 # SKIP clang cannot link libFuzzer (-fsanitize=fuzzer)"
	exit 0
fi

targets=
for source in tests/fuzz/fuzz_*.c; do
	[ -e "$source" ] || continue
	name=${source#tests/fuzz/}
	targets="$targets ${name%.c}"
done
if [ -z "$targets" ]; then
	echo "1..0 # SKIP no fuzz targets in tests/fuzz/"
	exit 0
fi
set -- $targets
echo "1..$#"

jobs=$(nproc 2>/dev/null || echo 2)
if ! make -C "$srcdir" -j"$jobs" fuzz >"$tmp/build.log" 2>&1; then
	n=0
	for target; do
		n=$((n + 1))
		echo "not ok $n - $target: make fuzz failed"
	done
	grep -E 'error|Error' "$tmp/build.log" | tail -n 10 | sed 's/^/# /'
	exit 1
fi

# Leaks through GLib's slice allocator are leaks too.
export G_SLICE=always-malloc G_DEBUG=gc-friendly
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"
artifacts=$srcdir/build/fuzz/artifacts
mkdir -p "$artifacts"
n=0
failed=0
for target; do
	n=$((n + 1))
	corpus=$tmp/corpus-$target
	mkdir -p "$corpus"
	seeds=tests/fuzz/corpus/${target#fuzz_}
	[ -d "$seeds" ] && cp -R "$seeds"/. "$corpus"/
	# -timeout: one input running this long is a hang, reported as such.
	"build/fuzz/$target" -max_total_time="$seconds" -timeout=30 \
	    -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$artifacts/$target-" "$corpus" \
	    >"$tmp/$target.log" 2>&1
	status=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' \
	    "$tmp/$target.log")
	if [ "$status" -eq 0 ]; then
		echo "ok $n - $target: ${runs:-?} runs in ${seconds}s"
	else
		failed=$((failed + 1))
		echo "not ok $n - $target: exit $status after ${runs:-?} runs"
		grep -E 'ERROR|SUMMARY|runtime error|Test unit written' \
		    "$tmp/$target.log" | head -n 10 | sed 's/^/# /'
	fi
done
[ "$failed" -eq 0 ]
