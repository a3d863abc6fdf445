#!/bin/sh
# hostile: the real binary on hostile mail. Every case of
# tests/data/hostile/MANIFEST, and big cases generated here, goes through
# ingest, classify and filter under a timeout and a memory cap. None may
# crash (exit 0 or a documented sysexits code, never a signal); every
# message is stored, counted as a duplicate, or named on stderr as refused;
# the store passes integrity_check; filter gives the message back byte for
# byte around its own four headers. Then drafts made from hostile subjects
# must not be steered: template tags stay text, no header is injected.
. "$(dirname "$0")/../lib/tap.sh"
export LC_ALL=C
hostile=$LIAISONBOT_SRCDIR/tests/data/hostile
conf=$tap_tmp/lb.conf
write_config "$conf"
db=$tap_tmp/store.db

command -v sqlite3 >/dev/null || skip_all "sqlite3 is not installed"
command -v timeout >/dev/null || skip_all "timeout (coreutils) is missing"

# AddressSanitizer reserves terabytes of address space and runs slower:
# no ulimit -v there, and more time. Valgrind (tests/run-suite.sh with
# LIAISONBOT_VALGRIND=1) likewise, and the two largest inputs are left
# to the other runs: under it they take a quarter of an hour; so is
# classify, which parses and classifies as ingest does (under valgrind
# ingest and filter run every case).
huge=yes
classify=yes
if [ "${LIAISONBOT_VALGRIND:-}" = 1 ]; then
	mem_cap=
	limit=900
	huge=
	classify=
	diag "valgrind: no memory cap, timeout ${limit}s"
elif grep -q __asan_init "$LIAISONBOT" 2>/dev/null; then
	mem_cap=
	limit=300
	diag "ASan build: no memory cap, timeout ${limit}s"
else
	mem_cap=yes
	limit=60
fi
# Small cases get 512 MB of address space: far above what one message
# needs, far below what a copy per nesting level or per header would take.
small_kb=524288
# The 100 MB attachment: ~135 MB of base64 read whole, GMime's copy of the
# decoded part, SQLite writing the raw blob, plus the address space GLib's
# thread pools and the libraries reserve. 1.5 GB leaves room for that and
# still stops a run that copies the message several times over.
big_kb=1572864
time_bin=
[ -x /usr/bin/time ] && time_bin=/usr/bin/time

# run_lb KB INPUT ARGS...: liaisonbot -c CONF ARGS with stdin from INPUT,
# under the timeout and ulimit -v KB. Sets lb_status; output in
# $tap_tmp/out and $tap_tmp/err; lb_usage is "S s, peak RSS K KB".
run_lb() {
	_kb=$1
	_in=$2
	shift 2
	rm -f "$tap_tmp/usage"
	(
		if [ -n "$mem_cap" ]; then
			ulimit -v "$_kb" || exit 99
		fi
		if [ -n "$time_bin" ]; then
			exec timeout "$limit" "$time_bin" \
			    -f '%e s, peak RSS %M KB' -o "$tap_tmp/usage" \
			    "$LIAISONBOT" -c "$conf" "$@"
		fi
		exec timeout "$limit" "$LIAISONBOT" -c "$conf" "$@"
	) <"$_in" >"$tap_tmp/out" 2>"$tap_tmp/err"
	lb_status=$?
	lb_usage=
	[ -s "$tap_tmp/usage" ] && lb_usage=$(tail -n 1 "$tap_tmp/usage")
}

# status_ok DESCRIPTION ALLOWED...: lb_status is one of ALLOWED.
status_ok() {
	_what=$1
	shift
	for _code in "$@"; do
		if [ "$lb_status" -eq "$_code" ]; then
			ok 0 "$_what: exit $lb_status"
			return
		fi
	done
	ok 1 "$_what: exit $lb_status"
	if [ "$lb_status" -eq 124 ]; then
		diag "timed out after ${limit}s"
	elif [ "$lb_status" -gt 128 ]; then
		diag "killed by signal $((lb_status - 128))"
	fi
	head -5 "$tap_tmp/err" | sed 's/^/#   /'
}

# The message without the X-Liaison-* fields of its header block (and
# their continuation lines): what filter must give back around its own.
strip_liaison() {
	awk 'body { print; next }
	/^\r?$/ { body = 1; print; next }
	/^[ \t]/ { if (!drop) print; next }
	{ drop = tolower(substr($0, 1, 10)) == "x-liaison-"; if (!drop) print }' \
	    "$1"
}

count_liaison() {
	awk '/^\r?$/ { exit }
	tolower(substr($0, 1, 10)) == "x-liaison-" { n++ }
	END { print n + 0 }' "$1"
}

# check_case NAME FILE MESSAGES KB [big]
check_case() {
	_name=$1
	_file=$2
	_want=$3
	_kb=$4
	_big=${5:-}
	rm -f "$db" "$db-wal" "$db-shm"
	case $_file in
	*.mbox) _input=/dev/null; set -- --mbox "$_file" ;;
	*) _input=$_file; set -- - ;;	# as an MDA pipes it
	esac

	run_lb "$_kb" "$_input" ingest "$@"
	status_ok "$_name: ingest" 0 65 75
	[ -n "$_big" ] && [ -n "$lb_usage" ] && diag "$_name: ingest $lb_usage"
	_rows=$(sqlite3 "$db" "SELECT count(*) FROM messages" 2>&1)
	_dups=$(sed -n 's/^ingested [0-9]*, duplicates \([0-9]*\),.*/\1/p' \
	    "$tap_tmp/err")
	_refused=$((_want - _rows - ${_dups:-0}))
	if [ "$_refused" -eq 0 ]; then
		ok 0 "$_name: $_want message(s): $_rows stored, ${_dups:-0} duplicate(s)"
	elif [ "$_refused" -gt 0 ] && [ "$lb_status" -ne 0 ] &&
	    grep -v '^ingested ' "$tap_tmp/err" |
	    grep -q "$(basename "$_input")\|$(basename "$_file")"; then
		ok 0 "$_name: $_rows stored, $_refused refused and named on stderr"
	else
		ok 1 "$_name: $_want message(s), $_rows stored, ${_dups:-0} duplicate(s)"
		head -5 "$tap_tmp/err" | sed 's/^/#   /'
	fi
	is "$(sqlite3 "$db" "PRAGMA integrity_check" 2>&1)" ok \
	    "$_name: integrity_check"

	if [ -n "$classify" ]; then
		run_lb "$_kb" "$_input" classify "$@"
		status_ok "$_name: classify" 0 65
		[ -n "$_big" ] && [ -n "$lb_usage" ] &&
		    diag "$_name: classify $lb_usage"
		is "$(wc -l <"$tap_tmp/out" | tr -d ' ')" "$_want" \
		    "$_name: classify prints a line per message"
	fi

	# filter takes one message on stdin; an mbox is one odd message too.
	run_lb "$_kb" "$_file" filter
	status_ok "$_name: filter" 0 75
	[ -n "$_big" ] && [ -n "$lb_usage" ] && diag "$_name: filter $lb_usage"
	if [ "$lb_status" -eq 0 ]; then
		strip_liaison "$tap_tmp/out" >"$tap_tmp/out.stripped"
		strip_liaison "$_file" | cmp -s - "$tap_tmp/out.stripped"
		ok $? "$_name: filter output is the input plus our headers"
		is "$(count_liaison "$tap_tmp/out")" 4 \
		    "$_name: exactly our four X-Liaison-* headers"
	else
		cmp -s "$_file" "$tap_tmp/out"
		ok $? "$_name: filter failed but passed the message through"
	fi
}

# The committed cases.
while IFS='	' read -r name messages what; do
	case $name in '#'* | '') continue ;; esac
	check_case "$name" "$hostile/$name" "$messages" "$small_kb"
done <"$hostile/MANIFEST"

# The big ones, generated. Contents are deterministic.
big=$tap_tmp/big
mkdir "$big"
headers() {	# headers ID SUBJECT
	printf 'Date: Thu, 19 Nov 2026 10:00:00 +0000\n'
	printf 'From: Mallory <mallory@example.org>\nTo: iesg@ietf.org\n'
	printf 'Message-ID: <%s@example.org>\nSubject: %s\n' "$1" "$2"
}

{
	headers deep "5,000 nested multiparts"
	awk 'BEGIN {
		for (i = 0; i < 5000; i++)
			printf "Content-Type: multipart/mixed; boundary=\"b%d\"\n\n--b%d\n", i, i
		printf "Content-Type: text/plain\n\ninnermost\n"
		for (i = 4999; i >= 0; i--)
			printf "--b%d--\n", i
	}'
} >"$big/deep-5000.eml"
check_case deep-5000.eml "$big/deep-5000.eml" 1 "$small_kb" big

{
	headers longline "$(head -c 1048576 /dev/zero | tr '\0' x)"
	printf '\nbody\n'
} >"$big/header-line-1mb.eml"
check_case header-line-1mb.eml "$big/header-line-1mb.eml" 1 "$small_kb" big

{
	headers many "100,000 headers"
	awk 'BEGIN { for (i = 0; i < 100000; i++) printf "X-H%d: v\n", i }'
	printf '\nbody\n'
} >"$big/headers-100k.eml"
check_case headers-100k.eml "$big/headers-100k.eml" 1 "$small_kb" big

awk 'BEGIN {
	for (i = 0; i < 10000; i++) {
		printf "From a@example.org Thu Nov 19 10:00:00 2026\n"
		printf "Message-ID: <n%d@example.org>\nSubject: m%d\n\nb\n\n", i, i
	}
}' >"$big/mbox-10000.mbox"
check_case mbox-10000.mbox "$big/mbox-10000.mbox" 10000 "$small_kb" big

# 100 MB decoded: 1,754,386 lines of 57 bytes as base64.
attachment_100mb() {
	headers attachment "a 100 MB attachment"
	printf 'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=zz\n'
	printf '\n--zz\nContent-Type: text/plain\n\nsee attached\n--zz\n'
	printf 'Content-Type: application/octet-stream\n'
	printf 'Content-Transfer-Encoding: base64\n\n'
	yes QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0 |
	    head -n 1754386
	printf -- '--zz--\n'
}
if [ -n "$huge" ]; then
	attachment_100mb >"$big/attachment-100mb.eml"
	check_case attachment-100mb.eml "$big/attachment-100mb.eml" 1 \
	    "$big_kb" big
	rm -f "$big/attachment-100mb.eml"
else
	ok 0 "# SKIP the 100 MB attachment under valgrind"
fi

# More on stdin than any mail system sends: refused (65), not read until
# memory runs out; the MDA keeps the message.
rm -f "$db" "$db-wal" "$db-shm"
stdin_300mb() {
	(
		[ -n "$mem_cap" ] && ulimit -v "$big_kb"
		head -c 300000000 /dev/zero |
		    timeout "$limit" "$LIAISONBOT" -c "$conf" ingest - \
		    2>"$tap_tmp/err"
		echo $? >"$tap_tmp/status"
	)
	lb_status=$(cat "$tap_tmp/status")
}
if [ -n "$huge" ]; then
	stdin_300mb
	status_ok "300 MB on stdin: ingest refuses it" 65
	like "$(cat "$tap_tmp/err")" 'stdin: message larger than' \
	    "and says why"
	is "$(sqlite3 "$db" "SELECT count(*) FROM messages")" 0 \
	    "nothing stored"
	# filter cannot classify it either, but passes it through whole.
	out_bytes=$( (
		[ -n "$mem_cap" ] && ulimit -v "$big_kb"
		head -c 300000000 /dev/zero |
		    timeout "$limit" "$LIAISONBOT" -c "$conf" filter \
		    2>/dev/null | wc -c
	) )
	is "$(echo $out_bytes)" 300000000 \
	    "300 MB through filter: passed through whole, not lost"
else
	ok 0 "# SKIP 300 MB on stdin under valgrind"
	ok 0 "# SKIP 300 MB through filter under valgrind"
fi

# A Maildir holding a FIFO and a directory: skipped and named, the
# message beside them stored, no read blocking forever.
maildir=$tap_tmp/maildir
mkdir -p "$maildir/new" "$maildir/cur/subdir" "$maildir/tmp"
mkfifo "$maildir/new/1.fifo"
cp "$hostile/no-message-id.eml" "$maildir/new/2.eml"
run_lb "$small_kb" /dev/null ingest --maildir "$maildir"
status_ok "Maildir with a FIFO: ingest" 0
like "$(cat "$tap_tmp/err")" '1\.fifo: not a regular file, skipped' \
    "the FIFO is named on stderr"
like "$(cat "$tap_tmp/err")" 'subdir: not a regular file, skipped' \
    "the directory too"
is "$(sqlite3 "$db" "SELECT count(*) FROM messages")" 1 \
    "the regular message is stored"

# Drafts built from hostile messages are not steered by them. Dated now,
# so the breaking-news window takes them.
rm -f "$db" "$db-wal" "$db-shm"
now=$(date -R)
for name in template-tags.eml encoded-crlf.eml control-chars.eml; do
	sed "s/^Date: .*/Date: $now/" "$hostile/$name" >"$tap_tmp/$name"
done
"$LIAISONBOT" -c "$conf" ingest "$tap_tmp/template-tags.eml" \
    "$tap_tmp/encoded-crlf.eml" "$tap_tmp/control-chars.eml" 2>"$tap_tmp/err"
ok $? "steering: hostile messages ingested"
# Quoted-printable soft line breaks undone, so tags can be searched for.
unfold() { sed -e ':a' -e '/=$/{N;s/=\n//;ba}' "$1"; }
header_block() { sed '/^\r\{0,1\}$/q' "$1"; }

"$LIAISONBOT" -c "$conf" digest --dry-run \
    --since "$(date -u -d '-2 days' +%F)" --until "$(date -u -d '+2 days' +%F)" \
    >"$tap_tmp/digest" 2>"$tap_tmp/err"
ok $? "steering: digest --dry-run"
is "$(header_block "$tap_tmp/digest" | grep -c '^Subject:')" 1 \
    "digest: one Subject header"
is "$(grep -ci '^bcc:' "$tap_tmp/digest")" 0 \
    "digest: no Bcc line smuggled in through encoded CRLF"
is "$(header_block "$tap_tmp/digest" | grep -ci '^x-liaison-category')" 0 \
    "digest: no X-Liaison-Category header smuggled in"
unfold "$tap_tmp/digest" >"$tap_tmp/digest.unfolded"
grep -qF '{{> digest.txt}}' "$tap_tmp/digest.unfolded"
ok $? "digest: a partial tag in a message stays text"
grep -qF '{{#x}}{{/x}}' "$tap_tmp/digest.unfolded"
ok $? "digest: a section tag in a subject stays text"
sed -n '/^Content-Type: text\/html/,$p' "$tap_tmp/digest.unfolded" \
    >"$tap_tmp/digest.html"
is "$(grep -c '<script>' "$tap_tmp/digest.html")" 0 \
    "digest: no raw <script> in the HTML part"
grep -qF '&lt;script&gt;' "$tap_tmp/digest.html"
ok $? "digest: the subject's <script> escaped in HTML"
size=$(wc -c <"$tap_tmp/digest" | tr -d ' ')
like "$size" '^[0-9]{1,5}$' "digest: small (no partial expanded): $size bytes"

"$LIAISONBOT" -c "$conf" breaking --dry-run >"$tap_tmp/breaking" \
    2>"$tap_tmp/err"
ok $? "steering: breaking --dry-run"
header_block "$tap_tmp/breaking" >"$tap_tmp/breaking.headers"
is "$(grep -c '^Subject:' "$tap_tmp/breaking.headers")" 1 \
    "breaking: one Subject header"
is "$(grep -ci '^bcc:' "$tap_tmp/breaking")" 0 "breaking: no Bcc line"
is "$(grep -ci '^x-liaison-category' "$tap_tmp/breaking.headers")" 0 \
    "breaking: no X-Liaison-Category header"
tap_done
