#!/bin/sh
# Parser threads change nothing but the speed: classify prints, and ingest
# stores, the same in the same order with 1, 2 and 4 threads; a crash at a
# commit keeps the batches committed before it, and a rerun stores the
# rest once.
. "$(dirname "$0")/../lib/tap.sh"
conf=$tap_tmp/lb.conf
write_config "$conf"
db=$tap_tmp/store.db
count=600 more="2 4"
# The valgrind wrapper holds every run to one thread: there, one run.
[ "${LIAISONBOT_VALGRIND:-}" = 1 ] && count=60 more=
box=$tap_tmp/box
"$LIAISONBOT_TESTS/bench_corpus" --seed 7 --count "$count" --mbox "$box" \
    2>/dev/null
ok $? "a corpus of $count messages"

# The columns a store holds of a message, in the order stored.
dump() {
	sqlite3 "$1" "SELECT m.id, message_id, thread_key, subject, date,
	    category, score, kind, reasons, breaking, confidential, flags,
	    length(text), length(own_text), hex(substr(r.raw, 1, 64))
	    FROM messages m JOIN raw_messages r ON r.message = m.id
	    ORDER BY m.id"
}

for threads in 1 $more; do
	LIAISONBOT_THREADS=$threads "$LIAISONBOT" -c "$conf" classify \
	    --explain --mbox "$box" >"$tap_tmp/classify.$threads"
	ok $? "classify, $threads threads: exit 0"
	rm -f "$db" "$db-wal" "$db-shm"
	err=$(LIAISONBOT_THREADS=$threads "$LIAISONBOT" -c "$conf" ingest \
	    --batch 7 --mbox "$box" 2>&1)
	is "$err" "ingested $count, duplicates 0, flagged 0" \
	    "ingest, $threads threads: all of them"
	dump "$db" >"$tap_tmp/store.$threads"
done
is "$(wc -l <"$tap_tmp/classify.1")" "$count" "classify: a line each"
for threads in $more; do
	cmp -s "$tap_tmp/classify.1" "$tap_tmp/classify.$threads"
	ok $? "classify, $threads threads: the lines of one, in order"
	cmp -s "$tap_tmp/store.1" "$tap_tmp/store.$threads"
	ok $? "ingest, $threads threads: the store of one, in order"
done
is "$(wc -l <"$tap_tmp/store.1")" "$count" "the store: a row each"

# Files too: one source each, the output in argument order.
set -- "$LIAISONBOT_SRCDIR"/tests/data/corpus/*.eml
LIAISONBOT_THREADS=1 "$LIAISONBOT" -c "$conf" classify "$@" \
    >"$tap_tmp/files.1"
LIAISONBOT_THREADS=4 "$LIAISONBOT" -c "$conf" classify "$@" \
    "$tap_tmp/missing.eml" "$1" >"$tap_tmp/files.4" 2>"$tap_tmp/files.err"
is $? 65 "classify files, 4 threads: a missing file is exit 65"
printf '%s\n' "$1" >"$tap_tmp/first"
{ cat "$tap_tmp/files.1"; grep -F -f "$tap_tmp/first" "$tap_tmp/files.1"; } \
    >"$tap_tmp/files.want"
cmp -s "$tap_tmp/files.want" "$tap_tmp/files.4"
ok $? "... the others classified, in argument order"
like "$(cat "$tap_tmp/files.err")" "missing.eml" "... the missing one named"

# A crash at the 3rd commit, 4 threads reading ahead: two batches kept,
# and the rerun stores the rest, each message once.
rm -f "$db" "$db-wal" "$db-shm"
LIAISONBOT_THREADS=4 LIAISONBOT_CRASH_AT=3 LIAISONBOT_CRASH_ONLY=store-commit \
    "$LIAISONBOT" -c "$conf" ingest --batch 7 --mbox "$box" 2>/dev/null
is $? 99 "crash at the 3rd commit"
is "$(sqlite3 "$db" "SELECT count(*) FROM messages")" 14 \
    "... the two batches before it kept"
err=$(LIAISONBOT_THREADS=4 "$LIAISONBOT" -c "$conf" ingest --batch 7 \
    --mbox "$box" 2>&1)
is "$err" "ingested $((count - 14)), duplicates 14, flagged 0" \
    "rerun: the rest, once"
dump "$db" | cut -d'|' -f2- >"$tap_tmp/after"
cut -d'|' -f2- "$tap_tmp/store.1" >"$tap_tmp/want"
cmp -s "$tap_tmp/want" "$tap_tmp/after"
ok $? "... the same store as without the crash"
tap_done
