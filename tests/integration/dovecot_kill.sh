#!/bin/bash
# dovecot_kill: one `liaisonbot run` syncs a large folder while Dovecot is
# SIGKILLed and restarted at random points, ten rounds. In each round the
# daemon runs until the stored count reaches a random target in the
# round's slice of the folder (then a further random 0-50 ms, cut short by
# the next commit), in steps of about a millisecond (imap_step), and is
# held still (SIGSTOP) while the server dies: a fast or loaded machine
# cannot finish the folder between the count and the kill. Then it goes
# on (SIGCONT), finds the connection gone, and reconnects once Dovecot is
# back (backoff_max = 1s). At every kill the store is consistent (count =
# last UID, integrity ok, read in one transaction while the daemon is held;
# where it was stopped holding a lock of the WAL index the reader needs,
# it steps on until the read is answered: imap_held_query_into); at the
# end every message is stored exactly once and the daemon stops cleanly on
# SIGTERM.
# LB_TEST_SEED=N replays the targets and delays (not the timing).
set -u
. "$(dirname "$0")/../lib/tap.sh"
. "$LIAISONBOT_SRCDIR/tests/lib/imap.sh"
imap_test_init Big
dovecot_import Big "$mail" || dovecot_die "import"
big=$imap_big
rounds=10
# Under valgrind fewer rounds (see daemon_kill.sh); plain and ASan do ten.
[ "$imap_mode" = valgrind ] && rounds=3
batch=$((big / 100))
slice=$((big / (rounds + 3)))
seed=${LB_TEST_SEED:-$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}
RANDOM=$seed
diag "seed $seed: $big messages, batch_size $batch, $rounds rounds"

db=$tap_tmp/store.db
conf=$tap_tmp/run.conf
imap_config "$conf" "$db" "folders = Big" "batch_size = $batch" \
    "backoff_max = 1s" "[log]" "debug = daemon"
imap_reader_open "$conf" "$db" || dovecot_die "cannot create the store"
imap_daemon_start run "$conf" -v
pid=$daemon_pid

# One snapshot, one read transaction: count, whether it is the last UID,
# and the integrity check.
snapshot="SELECT (SELECT count(*) FROM messages) || ' ' || \
((SELECT count(*) FROM messages) = \
(SELECT last_uid FROM sync_state WHERE folder = 'Big')) || ' ' || \
(SELECT group_concat(integrity_check, ',') FROM pragma_integrity_check);"

before=0
for r in $(seq 1 $rounds); do
	target=$((r * slice + RANDOM % slice))
	[ "$target" -le "$before" ] && target=$((before + 1))
	delay=$((RANDOM % 51))
	imap_step $((60000 * imap_slow)) "$pid" "$target"
	reached=$?
	imap_step "$delay" "$pid" $(($(imap_fast_count) + 1))
	# Held still, whatever imap_step left it as.
	kill -STOP "$pid"
	dovecot_kill
	count=-1 same= integrity=
	imap_held_query_into snap "$pid" "$snapshot" &&
	    read -r count same integrity <<<"$snap"
	kill -CONT "$pid"
	dovecot_restart
	diag "round $r: target $target (+$delay ms), $before -> $count stored" \
	    "(count = last UID: $same, integrity $integrity)"
	[ "$reached" = 0 ] && [ "$count" -ge "$target" ] &&
	    [ "$count" -lt $big ] && [ "$same" = 1 ] && [ "$integrity" = ok ]
	imap_ok_log $? "round $r: Dovecot killed mid-folder; count = last UID, \
integrity ok" run
	# What the server had sent before it died may still be read and
	# stored; the next round starts on a new connection, held on the
	# way lest it run far ahead.
	imap_step_until $((30000 * imap_slow)) "$pid" \
	    imap_log_has run "Big: connected" $((r + 1))
	imap_ok_log $? "... the daemon reconnects" run
	before=$count
done

kill -CONT "$pid"
imap_wait 60 imap_stored "$db" $big
imap_ok_log $? "the sync resumes and completes" run
retries=$(grep -c "retrying in" "$tap_tmp/run.err")
diag "$retries reconnections logged"
[ "$retries" -ge $rounds ]
imap_ok_log $? "... after at least one logged retry per kill" run
imap_wait 30 imap_log_has run "Big: idling"
imap_ok_log $? "... and then idles" run
kill -TERM "$pid"
imap_wait_exit "$pid" 15
is "$imap_status" 0 "SIGTERM: exit 0"

imap_rounds_check "$db" Big $rounds $big

tap_done
