#!/bin/bash
# `liaisonbot run` and the server's keepalives while it idles. Dovecot sends
# "* OK Still here" to an idling client every imap_idle_notify_interval
# (two minutes by default; a second here). A keepalive alone must not end
# the IDLE and start a sync (DONE, EXAMINE, UID SEARCH each time); new
# mail still must, at once; a server that goes away while the daemon reads
# its keepalives is reconnected to.
set -u
export DOVECOT_IDLE_NOTIFY="1 secs"
. "$(dirname "$0")/../lib/tap.sh"
. "$LIAISONBOT_SRCDIR/tests/lib/imap.sh"
imap_test_init

examined() { grep -c "examined INBOX" "$tap_tmp/$1.err"; }
keepalives() { grep -c "keepalive while idling" "$tap_tmp/$1.err"; }

# Over IMAPS and over plain IMAP: the two read paths of tls.c.
for mode in imaps plain; do
	db=$tap_tmp/$mode.db
	if [ "$mode" = imaps ]; then
		imap_config "$tap_tmp/$mode.conf" "$db" "[log]" \
		    "level = debug" "debug = imap, daemon"
	else
		imap_config "$tap_tmp/$mode.conf" "$db" "tls = none" \
		    "port = $DOVECOT_IMAP_PORT" "allow_plaintext = true" \
		    "[log]" "level = debug" "debug = imap, daemon"
	fi
	imap_daemon_start "$mode" "$tap_tmp/$mode.conf"
	pid=$daemon_pid
	imap_wait 30 imap_log_has "$mode" "INBOX: idling"
	imap_ok_log $? "$mode: idling" "$mode"
	before=$(examined "$mode")
	imap_wait 20 imap_log_has "$mode" "keepalive while idling" 3
	imap_ok_log $? "$mode: three keepalives read while idling" "$mode"
	is "$(examined "$mode")" "$before" \
	    "$mode: no sync for them ($(keepalives "$mode") keepalives, $before EXAMINE)"
	is "$(grep -c 'INBOX: idling' "$tap_tmp/$mode.err")" 1 \
	    "$mode: the first IDLE goes on"
	n=$(imap_count "$db")
	dovecot_deliver INBOX "$(msg "$((n + 1))")"
	imap_wait 15 imap_stored "$db" "$((n + 1))"
	ok $? "$mode: new mail among the keepalives is stored at once"
	imap_alive "$pid"
	ok $? "$mode: the daemon runs on"
	kill -TERM "$pid"
	imap_wait_exit "$pid" 15
	is "$imap_status" 0 "$mode: SIGTERM: exit 0"
done

# The server dies while the daemon idles on it and reads keepalives: the
# lost connection is noticed and, with the server back, made again.
db=$tap_tmp/restart.db
imap_config "$tap_tmp/restart.conf" "$db" "backoff_max = 2s" "[log]" \
    "level = debug" "debug = imap, daemon"
imap_daemon_start restart "$tap_tmp/restart.conf"
pid=$daemon_pid
imap_wait 20 imap_log_has restart "keepalive while idling" 2
imap_ok_log $? "restart: keepalives read" restart
dovecot_kill
imap_wait 15 imap_log_has restart "retrying in"
imap_ok_log $? "restart: the lost connection is noticed" restart
dovecot_restart
imap_wait 30 imap_log_has restart "INBOX: idling" 2
imap_ok_log $? "restart: idling again once Dovecot is back" restart
n=$(imap_count "$db")
dovecot_deliver INBOX "$(msg "$((n + 1))")"
imap_wait 15 imap_stored "$db" "$((n + 1))"
ok $? "restart: and new mail arrives"
tap_done
