#!/bin/bash
# `liaisonbot run` when things go wrong on the server side, on 127.0.0.1:
# a missing folder does not stop the others; Dovecot killed while idling
# (capped exponential backoff, mail delivered meanwhile arrives after the
# restart); Dovecot killed and restarted during the sync of a large
# folder; a server that stops answering (read timeout). Nothing is lost,
# nothing is stored twice.
set -u
. "$(dirname "$0")/../lib/tap.sh"
. "$LIAISONBOT_SRCDIR/tests/lib/imap.sh"
tap_cleanup_hooks=dovecot_thaw	# if a test stops halfway
imap_test_init Second Big
dovecot_import Big "$mail" || dovecot_die "import"
big=$imap_big

# ---- a missing folder does not stop the others ----
db=$tap_tmp/d1.db
imap_config "$tap_tmp/d1.conf" "$db" "folders = INBOX, Missing, Second" \
    "backoff_max = 3s" "auth_retry = 1h" "[log]" "debug = daemon"
imap_daemon_start d1 "$tap_tmp/d1.conf" -v
d1=$daemon_pid
imap_wait 30 imap_log_has d1 "INBOX: idling" &&
    imap_wait 30 imap_log_has d1 "Second: idling"
imap_ok_log $? "INBOX and Second idle" d1
imap_log_has d1 "Missing.*retrying in 3600s"
imap_ok_log $? "the missing folder is reported, retried after auth_retry" d1
dovecot_deliver Second "$(msg 1)"
imap_wait 15 imap_stored "$db" 1
ok $? "... and mail to the others still arrives"

# ---- Dovecot killed while idling; mail delivered while it is down ----
dovecot_kill
# Below 4s the jitter (a quarter, rounded down) is nil: 1, 2, 3, 3.
inbox_waits() {
	grep -o "folder INBOX); retrying in [0-9]*s" "$tap_tmp/d1.err" |
	    grep -o "[0-9]*s$" | tr -d s | head -4 | tr '\n' ' '
}
imap_wait 20 imap_log_has d1 "folder INBOX\); retrying in" 4
imap_ok_log $? "Dovecot down: INBOX keeps retrying" d1
is "$(inbox_waits)" "1 2 3 3 " \
    "... with exponential backoff capped by backoff_max (3s)"
# doveadm needs the running server: deliver as an MDA would, into new/.
maildir_deliver() {	# maildir_deliver FOLDER N
	_d=$(dovecot_maildir "$1")/new
	cp "$(msg "$2")" "$_d/down.$2.$$" &&
	    chown --reference="$_d" "$_d/down.$2.$$"
}
maildir_deliver INBOX 2
maildir_deliver Second 3
dovecot_restart
imap_wait 20 imap_stored "$db" 3
imap_ok_log $? "Dovecot back: what was delivered meanwhile arrives" d1
imap_exactly_once "$db" 1 3
ok $? "... exactly once"
imap_alive "$d1"
ok $? "... and the daemon is still running"

# ---- Dovecot killed, then restarted, during a large sync ----
db2=$tap_tmp/d2.db
imap_config "$tap_tmp/d2.conf" "$db2" "folders = Big" \
    "batch_size = $((big / 40))" "backoff_max = 2s"
imap_daemon_start d2 "$tap_tmp/d2.conf"
d2=$daemon_pid
imap_wait 60 imap_at_least "$db2" $((big * 3 / 20))
# Held still (SIGSTOP) while the server dies, so that a loaded machine
# cannot finish the folder between the count and the kill.
kill -STOP "$d2"
dovecot_kill
n1=$(imap_held_count "$db2" "$d2")
kill -CONT "$d2"
dovecot_restart
imap_wait 60 imap_at_least "$db2" $((n1 + big * 3 / 20))
# A graceful restart this time (SIGTERM to Dovecot); the sync may be
# near its end already on a fast machine.
n2=$(imap_count "$db2")
dovecot_restart
diag "interrupted at $n1 (killed) and about $n2 (restarted) of $big"
[ "$n1" -lt $big ]
ok $? "Dovecot killed in the middle of the folder, then restarted twice"
imap_wait 120 imap_stored "$db2" $big
imap_ok_log $? "the sync resumes and completes" d2
imap_exactly_once "$db2" 1 $big
ok $? "... every message stored exactly once"
is "$(imap_sync_field "$db2" Big last_uid)" $big "... last UID $big"
is "$(imap_integrity "$db2")" ok "... integrity_check ok"
imap_log_has d2 "retrying in" 2
imap_ok_log $? "... after logged retries" d2

# ---- a server that stops answering: read timeout, reconnect ----
db3=$tap_tmp/d3.db
imap_config "$tap_tmp/d3.conf" "$db3" "folders = Big" \
    "batch_size = $((big / 40))" "backoff_max = 2s" "timeout = 5s"
imap_daemon_start d3 "$tap_tmp/d3.conf"
d3=$daemon_pid
imap_wait 60 imap_at_least "$db3" $((big / 20))
# Every Dovecot process stops: the sync stalls mid-stream, and so do new
# connections, until the thaw. The daemon is held still meanwhile, lest
# it finish the folder before the freeze takes hold.
kill -STOP "$d3"
dovecot_freeze
n=$(imap_held_count "$db3" "$d3")
kill -CONT "$d3"
imap_wait 30 imap_log_has d3 "(timed out|timeout).*retrying in"
imap_ok_log $? "server silent during a sync: read timeout, reconnect" d3
dovecot_thaw
imap_wait 120 imap_stored "$db3" $big
imap_ok_log $? "... the sync completes over a new connection" d3
diag "froze at $n of $big"
imap_exactly_once "$db3" 1 $big
ok $? "... every message stored exactly once"
is "$(imap_integrity "$db3")" ok "... integrity_check ok"

for d in d1 d2 d3; do
	kill -TERM "$(cat "$tap_tmp/$d.pid")"
	imap_wait_exit "$(cat "$tap_tmp/$d.pid")" 15
	is "$imap_status" 0 "$d: SIGTERM after all that: exit 0"
done

tap_done
