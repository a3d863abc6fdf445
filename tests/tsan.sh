#!/bin/sh
# tests/tsan.sh: the parse pool and the commands that use it (ingest also
# starts the store's checkpoint thread), under
# ThreadSanitizer (clang; build/tsan). A hand run, not part of make check:
# it rebuilds everything instrumented. Speaks TAP; a report fails.
#   tests/tsan.sh [COUNT]     messages for classify and ingest (2000)
set -eu
cd "$(dirname "$0")/.."
build=build/tsan
count=${1:-2000}
echo "1..5"
make -s -j2 BUILD=$build CC=clang LDFLAGS=-fsanitize=thread \
	CFLAGS='-O1 -g -fsanitize=thread -fno-omit-frame-pointer' \
	$build/tests/test_parse_pool $build/liaisonbot \
	$build/tests/bench_corpus >/dev/null 2>&1
clang -shared -fPIC -o $build/tsan_glib.so tests/lib/tsan_glib.c -ldl
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tsan.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/conf" <<CONF
[store]
path = $tmp/store.db
[classify]
rules = $PWD/config/rules.conf
[log]
level = warn
CONF
"$build/tests/bench_corpus" --seed 42 --count "$count" \
	--mbox "$tmp/corpus.mbox" >/dev/null 2>&1

export G_SLICE=always-malloc LD_PRELOAD="$PWD/$build/tsan_glib.so"
export TSAN_OPTIONS="suppressions=$PWD/tests/lib/tsan.supp exitcode=66"
n=0
run() {
	name=$1
	shift
	n=$((n + 1))
	if "$@" >"$tmp/out" 2>"$tmp/err" &&
	    ! grep -q "WARNING: ThreadSanitizer" "$tmp/err"; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name"
		sed 's/^/# /' "$tmp/err" | head -60
	fi
}
run "test_parse_pool" "$build/tests/test_parse_pool"
for threads in 1 2 4; do
	run "classify, $threads threads" env LIAISONBOT_THREADS=$threads \
	    "$build/liaisonbot" -c "$tmp/conf" classify --mbox \
	    "$tmp/corpus.mbox"
	if [ "$threads" = 1 ]; then
		mv "$tmp/out" "$tmp/inline"
	elif ! cmp -s "$tmp/out" "$tmp/inline"; then
		echo "# the output differs from the inline one"
		echo "not ok $n - classify, $threads threads: same output"
		exit 1
	fi
done
run "ingest, 4 threads" env LIAISONBOT_THREADS=4 "$build/liaisonbot" \
    -c "$tmp/conf" ingest --mbox "$tmp/corpus.mbox"
