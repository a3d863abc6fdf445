#!/bin/sh
# profile.sh: where classify, ingest and an initial sync spend their
# instructions, on the benchmark's corpus. Not run by make bench.
#
#   tests/bench/profile.sh [COUNT]      (default 1000 messages)
#
# Runs each under valgrind --tool=callgrind (exact instruction counts,
# user space only: the kernel's share, i.e. the store's writes, is not in
# them; see README for perf) and prints the top inclusive entries with a
# name, liaisonbot's own functions and the libraries'. The callgrind files
# stay in the printed directory for callgrind_annotate or kcachegrind.
#   LIAISONBOT_BUILD   build directory (default build/default)
set -u
cd "$(dirname "$0")/../.."
srcdir=$PWD
build=${LIAISONBOT_BUILD:-build/default}
lb=$srcdir/$build/liaisonbot
count=${1:-1000}
top=${PROFILE_TOP:-40}

command -v valgrind >/dev/null && command -v callgrind_annotate >/dev/null ||
	{ echo "profile: needs valgrind (install-deps.sh --test)"; exit 1; }
for f in "$lb" "$srcdir/$build/tests/bench_corpus"; do
	[ -x "$f" ] || { echo "profile: $f missing: run 'make bench'"; exit 1; }
done
out=$(mktemp -d "${TMPDIR:-/tmp}/lb-profile.XXXXXX") || exit 1
. tests/lib/dovecot.sh
trap dovecot_stop EXIT
trap 'exit 130' INT TERM HUP

"$srcdir/$build/tests/bench_corpus" --count "$count" --mbox "$out/corpus.mbox" \
    2>/dev/null || exit 1
"$srcdir/$build/tests/bench_corpus" --count "$count" --dir "$out/corpus" \
    2>/dev/null || exit 1

conf()
{
	{
		echo "[store]"
		echo "path = $out/store.db"
		echo "[classify]"
		echo "rules = $srcdir/config/rules.conf"
		echo "[log]"
		echo "level = warn"
		if [ -n "${1:-}" ]; then
			echo "[imap]"
			echo "host = localhost"
			echo "port = $DOVECOT_IMAPS_PORT"
			echo "ca_file = $DOVECOT_CA"
			echo "user = $DOVECOT_USER"
			echo "password = $DOVECOT_PASSWORD"
		fi
	} >"$out/lb.conf"
	chmod 600 "$out/lb.conf"
}

# profile NAME CMD...: callgrind CMD, then its top entries.
profile()
{
	name=$1
	shift
	rm -f "$out/store.db" "$out/store.db-wal" "$out/store.db-shm"
	valgrind --tool=callgrind --callgrind-out-file="$out/$name.callgrind" \
	    "$@" >/dev/null 2>"$out/$name.err" ||
		{ tail -n 5 "$out/$name.err"; return 1; }
	total=$(sed -n 's/^==[0-9]*== Collected : //p' "$out/$name.err")
	echo
	echo "== $name: $total instructions for $count messages" \
	    "($((total / count)) per message); top $top inclusive"
	# Unnamed frames (JIT code, stripped library internals) are left out;
	# their cost shows in the named callers.
	callgrind_annotate --inclusive=yes --auto=no \
	    "$out/$name.callgrind" 2>/dev/null |
	    sed -n '/file:function/,$p' | sed '1,2d' |
	    grep -v -e '???:0x' -e 'below main' -e 'libc-start' \
	        -e 'libc_start_call_main' -e 'ld-linux' |
	    head -n "$top" |
	    sed -e 's|/[^ ]*/src/|src/|' -e 's| \[/[^]]*/\([^/]*\)\]$| [\1]|' \
	        -e 's/^/  /'
}

conf
profile classify "$lb" -c "$out/lb.conf" classify --mbox "$out/corpus.mbox"
profile ingest "$lb" -c "$out/lb.conf" ingest --mbox "$out/corpus.mbox"

dovecot_start
dovecot_import INBOX "$out/corpus" >/dev/null || exit 1
conf imap
# Warm Dovecot's index first, as make bench does.
"$lb" -c "$out/lb.conf" poll --once >/dev/null 2>&1
profile sync "$lb" -c "$out/lb.conf" poll --once
echo
echo "# callgrind files in $out"
