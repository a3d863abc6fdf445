#!/bin/bash
# ingest_kill: `liaisonbot ingest --mbox` SIGKILLed at random points, many
# rounds on one store. Each round runs the ingest again on the same mbox
# (what was committed is skipped as duplicates) and kills it while it is
# storing new messages: once the stored count reaches a random target in
# this round's slice of the mbox, after a further random 0-50 ms, cut
# short by the next commit. Meanwhile the ingest runs in steps of about a
# millisecond (imap_step: SIGCONT, SIGSTOP), so that a loaded machine
# cannot let it run far past its target. Small transactions, so kills
# land between and inside commits. After every round the store passes
# integrity_check and keeps what was committed; a last run completes, and
# then every Message-ID of the mbox is stored exactly once, with its raw
# copy, and nothing else.
# LB_TEST_SEED=N replays the corpus and the targets of a failed run (the
# timing, and so the exact kill points, cannot be replayed).
set -u
. "$(dirname "$0")/../lib/tap.sh"
command -v sqlite3 >/dev/null || skip_all "sqlite3 not installed"
[ -x "$LIAISONBOT_TESTS/bench_corpus" ] ||
    skip_all "no $LIAISONBOT_TESTS/bench_corpus (make unit-tests)"

# The sizes of the IMAP tests: $imap_big messages (2000, 200 under
# valgrind), waits scaled by $imap_slow.
. "$LIAISONBOT_SRCDIR/tests/lib/imap.sh"
total=$imap_big
# Valgrind runs each round some twenty times slower: it looks for memory
# errors, which its first rounds meet as well as twenty; the plain and
# ASan runs do the twenty.
rounds=20
[ "$imap_mode" = valgrind ] && rounds=4
batch=$((total / 100))
# Targets stay within the first rounds+1 slices: the rest is left for
# the runs that overshoot their target and for the last, complete one.
slice=$((total / (rounds + 5)))
seed=${LB_TEST_SEED:-$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}
RANDOM=$seed
diag "seed $seed: $total messages, batches of $batch, $rounds rounds"

mbox=$tap_tmp/corpus.mbox
if ! "$LIAISONBOT_TESTS/bench_corpus" --seed "$seed" --count "$total" \
    --mbox "$mbox" 2>/dev/null; then
	echo "Bail out! bench_corpus failed"
	exit 1
fi
# The Message-IDs of the mbox's headers, as the store keeps them (no
# angle brackets; mime.c takes the first Message-ID header of each).
awk '/^From / { head = 1; seen = 0; next }
     head && /^$/ { head = 0 }
     head && !seen && tolower($1) == "message-id:" {
	seen = 1; id = $2; gsub(/^<|>$/, "", id); print id }' "$mbox" |
    sort >"$tap_tmp/want"
is "$(wc -l <"$tap_tmp/want" | tr -d ' ')" "$total" \
    "the corpus has $total Message-IDs"

conf=$tap_tmp/lb.conf
write_config "$conf"
db=$tap_tmp/store.db
imap_reader_open "$conf" "$db"
ok $? "an empty ingest creates the store"
ingest_start() {
	"$LIAISONBOT" -c "$conf" ingest --batch "$batch" --mbox "$mbox" \
	    >/dev/null 2>>"$tap_tmp/ingest.err" &
	pid=$!
}

killed=0
before=0
for r in $(seq 1 $rounds); do
	target=$((r * slice + RANDOM % slice))
	# At least one commit of new messages in every round.
	[ "$target" -le "$before" ] && target=$((before + 1))
	delay=$((RANDOM % 51))
	ingest_start
	reached=no
	imap_step $((30000 * imap_slow)) "$pid" "$target" && reached=yes
	# The random delay, cut short by the next commit: a fast machine
	# would otherwise run through the mbox in fewer rounds.
	imap_step "$delay" "$pid" $(($(imap_fast_count) + 1))
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	status=$?
	after=$(imap_fast_count)
	integrity=$(sqlite3 "$db" "PRAGMA integrity_check" 2>&1)
	[ "$status" = 137 ] && killed=$((killed + 1))
	diag "round $r: target $target (+$delay ms), $before -> $after" \
	    "stored, exit $status, integrity $integrity"
	# A kill that lands after the target keeps every committed message.
	[ "$reached" = yes ] && [ "$status" = 137 ] &&
	    [ "$integrity" = ok ] && [ "$after" -ge "$target" ]
	ok $? "round $r: killed while storing, integrity ok, commits kept"
	before=$after
done
is "$killed" "$rounds" "all $rounds runs died by SIGKILL mid-mbox"

"$LIAISONBOT" -c "$conf" ingest --batch "$batch" --mbox "$mbox" \
    >/dev/null 2>"$tap_tmp/last.err"
ok $? "the last run completes"
is "$(cat "$tap_tmp/last.err")" \
    "ingested $((total - before)), duplicates $before, flagged 0" \
    "... storing what the killed runs had not committed"

sqlite3 "$db" "SELECT message_id FROM messages" | sort >"$tap_tmp/got"
lost=$(comm -23 "$tap_tmp/want" "$tap_tmp/got" | wc -l)
# Anything beyond the mbox's ids, once each: repeats or strangers.
rows=$(sqlite3 "$db" "SELECT count(*) FROM messages")
duplicated=$((rows - (total - lost)))
diag "rounds $rounds, messages $total, lost $lost, duplicated $duplicated"
is "$lost" 0 "no message lost"
comm -23 "$tap_tmp/want" "$tap_tmp/got" | head -5 | sed 's/^/#   lost: /'
is "$duplicated" 0 "no message stored twice, nothing extra"
comm -13 "$tap_tmp/want" "$tap_tmp/got" | head -5 | sed 's/^/#   extra: /'
is "$(sqlite3 "$db" "SELECT count(*) FROM raw_messages r JOIN messages m \
ON m.id = r.message") $(sqlite3 "$db" "SELECT count(*) FROM raw_messages")" \
    "$total $total" "each message has its raw copy, no raw copy is left over"
is "$(sqlite3 "$db" "PRAGMA integrity_check")" ok "integrity_check ok"

tap_done
