#!/bin/bash
# New mail announced (EXISTS) in the middle of a sync, and never again: a
# scripted server (tests/lib/fake_imapd.pl) does what Dovecot does only
# now and then. Neither poll nor run may leave that message behind until
# the next IDLE refresh.
set -u
. "$(dirname "$0")/../lib/tap.sh"
. "$LIAISONBOT_SRCDIR/tests/lib/imap.sh"
fake_pids=
fake_stop() {
	for p in $fake_pids; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	return 0
}
tap_cleanup_hooks="imap_daemons_kill fake_stop"

command -v sqlite3 >/dev/null || skip_all "sqlite3 not installed"
command -v perl >/dev/null || skip_all "perl not installed"

# fake_start NAME: a fresh server (INBOX holds message 1 only); config
# $tap_tmp/NAME.conf, store $tap_tmp/NAME.db.
fake_start() {
	perl "$LIAISONBOT_SRCDIR/tests/lib/fake_imapd.pl" "$tap_tmp/$1.port" \
	    "$tap_tmp/$1.imap" &
	fake_pids="$fake_pids $!"
	imap_wait 10 test -s "$tap_tmp/$1.port" ||
	    { echo "Bail out! fake_imapd.pl did not start"; exit 1; }
	write_config "$tap_tmp/$1.conf" "[imap]" "host = 127.0.0.1" \
	    "port = $(cat "$tap_tmp/$1.port")" "tls = none" \
	    "allow_plaintext = true" "user = fake" "password = fake" \
	    "[log]" "debug = daemon"
	sed -i "s|^path = $tap_tmp/store.db\$|path = $tap_tmp/$1.db|" \
	    "$tap_tmp/$1.conf"
}

fake_start poll
"$LIAISONBOT" -c "$tap_tmp/poll.conf" poll --once >"$tap_tmp/poll.out" \
    2>"$tap_tmp/poll.err"
is "$?.$(cat "$tap_tmp/poll.out")" "0.INBOX: 2 new" \
    "poll --once: the message announced during the FETCH is synced too"
is "$(imap_count "$tap_tmp/poll.db")" 2 "... both stored"

fake_start run
imap_daemon_start run "$tap_tmp/run.conf" -v
imap_wait 15 imap_stored "$tap_tmp/run.db" 2
imap_ok_log $? "run: the announced message is stored before IDLE" run
imap_wait 10 imap_log_has run "INBOX: idling"
imap_ok_log $? "... and then the daemon idles" run
is "$(grep -c ' EXAMINE ' "$tap_tmp/run.imap")" 2 \
    "... after exactly one more look at the folder"
kill -TERM "$daemon_pid"
imap_wait_exit "$daemon_pid" 10
is "$imap_status" 0 "... SIGTERM: exit 0"
is "$(sqlite3 "$tap_tmp/run.db" "SELECT group_concat(message_id, ' ') \
FROM (SELECT message_id FROM messages ORDER BY 1)")" \
    "fake1@test.example fake2@test.example" "... each message once"

tap_done
