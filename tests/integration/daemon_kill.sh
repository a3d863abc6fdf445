#!/bin/bash
# daemon_kill: `liaisonbot run` SIGKILLed at random points, many rounds on
# one store, against the private Dovecot on 127.0.0.1. Most rounds kill
# it during the first sync of a large folder (once the stored count
# reaches a random target in the round's slice, after a further random
# 0-50 ms, cut short by the next commit; meanwhile it runs in steps of
# about a millisecond, imap_step); each restart resumes from the stored
# UID. The other rounds kill it once the folder is synced, a random
# short time after a few batches of new messages start arriving. After
# every kill the store passes integrity_check and its count equals the
# last UID recorded (UIDs run 1..N: nothing skipped, nothing ahead). At
# the end every message is stored exactly once and the daemon stops
# cleanly on SIGTERM.
# LB_TEST_SEED=N replays the targets and delays (not the timing).
set -u
. "$(dirname "$0")/../lib/tap.sh"
. "$LIAISONBOT_SRCDIR/tests/lib/imap.sh"
imap_test_init Big
dovecot_import Big "$mail" || dovecot_die "import"
big=$imap_big
sync_rounds=15
mail_rounds=5
# Under valgrind (twenty times slower) fewer rounds: it looks for memory
# errors; the plain and ASan runs do the twenty.
[ "$imap_mode" = valgrind ] && sync_rounds=3 mail_rounds=2
rounds=$((sync_rounds + mail_rounds))
batch=$((big / 100))
slice=$((big / (sync_rounds + 4)))
seed=${LB_TEST_SEED:-$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}
RANDOM=$seed
diag "seed $seed: $big messages, batch_size $batch, $sync_rounds rounds" \
    "in the first sync, $mail_rounds with new mail"

db=$tap_tmp/store.db
conf=$tap_tmp/run.conf
imap_config "$conf" "$db" "folders = Big" "batch_size = $batch" \
    "backoff_max = 1s" "[log]" "debug = daemon"
imap_reader_open "$conf" "$db" || dovecot_die "cannot create the store"

# count == last UID, integrity ok; sets $count.
consistent() {
	local uid
	count=$(imap_count "$db")
	uid=$(imap_sync_field "$db" Big last_uid)
	[ "$count" = "${uid:-0}" ] && [ "$(imap_integrity "$db")" = ok ]
}
# kill_daemon DESCRIPTION: SIGKILL, then check the store.
kill_daemon() {
	kill -9 "$daemon_pid" 2>/dev/null
	imap_wait_exit "$daemon_pid" 10
	status=$imap_status
	consistent
	ok $? "round $r: $1; count = last UID ($count), integrity ok"
	[ "$status" = 137 ] && killed=$((killed + 1))
}
# Each start logs to $tap_tmp/$run.err.
starts=0
start() {
	starts=$((starts + 1))
	run=run$starts
	imap_daemon_start "$run" "$conf" -v
}

# ---- rounds in the first sync ----
killed=0
before=0
for r in $(seq 1 $sync_rounds); do
	target=$((r * slice + RANDOM % slice))
	[ "$target" -le "$before" ] && target=$((before + 1))
	delay=$((RANDOM % 51))
	start
	imap_step $((60000 * imap_slow)) "$daemon_pid" "$target"
	reached=$?
	# The random delay, cut short by the next commit: a fast machine
	# would otherwise run through the folder in fewer rounds.
	imap_step "$delay" "$daemon_pid" $(($(imap_fast_count) + 1))
	kill_daemon "killed at target $target (+$delay ms)"
	diag "round $r: $before -> $count stored, exit $status"
	[ "$reached" = 0 ] && [ "$count" -ge "$target" ] && [ "$count" -lt $big ]
	ok $? "... mid-folder, past its target"
	[ "$reached" = 0 ] || imap_show_log "$run"
	before=$count
done

# ---- rounds with new mail, once the folder is synced ----
# Each round imports two to four batches of new messages (copies of
# message 1 under Message-IDs big+1, ...) and kills the daemon either at
# a random time within 1.5 s (Dovecot announces the mail within a second:
# before, while or after the daemon fetches it), or 0-10 ms after the
# first new batch is committed (a batch takes about that long: mid-fetch
# or just after).
next=$big
start
imap_wait 60 imap_stored "$db" $big
imap_ok_log $? "restarted: the first sync completes" "$run"
for r in $(seq $((sync_rounds + 1)) $rounds); do
	imap_wait 30 imap_log_has "$run" "Big: idling"
	imap_ok_log $? "round $r: the daemon idles with all $next stored" \
	    "$run"
	before=$next
	n=$((2 * batch + RANDOM % (2 * batch)))
	fresh=$tap_tmp/fresh$r
	mkdir "$fresh"
	for i in $(seq 1 $n); do
		next=$((next + 1))
		sed "s/^Message-ID: <1\.42@/Message-ID: <$next.42@/" "$(msg 1)" \
		    >"$fresh/$next.eml"
	done
	dovecot_import Big "$fresh" >/dev/null &
	importer=$!
	if [ $((r % 2)) = 0 ]; then
		delay=$((RANDOM % 1500))
		# A wait of $delay ms (that count is never reached).
		imap_poll "$delay" "$daemon_pid" $((next + 1))
		how="$delay ms after the import began"
	else
		delay=$((RANDOM % 11))
		imap_step $((30000 * imap_slow)) "$daemon_pid" $((before + 1))
		imap_step "$delay" "$daemon_pid" $(($(imap_fast_count) + 1))
		how="$delay ms after the first new commit"
	fi
	kill_daemon "$n new, killed $how"
	wait "$importer"
	ok $? "... the $n messages were imported"
	diag "round $r: $n imported, $((count - before)) stored at the kill"
	start
	imap_wait 30 imap_stored "$db" $next
	imap_ok_log $? "... restarted: all $next stored" "$run"
done
is "$killed" $rounds "all $rounds daemons died by SIGKILL"

# ---- the end ----
# Idling: its signal handlers are in place.
imap_wait 30 imap_log_has "$run" "Big: idling"
last=$daemon_pid
kill -TERM "$last"
imap_wait_exit "$last" 15
is "$imap_status" 0 "SIGTERM: exit 0"
imap_rounds_check "$db" Big $rounds $next

tap_done
