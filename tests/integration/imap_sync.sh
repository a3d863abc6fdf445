#!/bin/bash
# `liaisonbot poll --once` against a private Dovecot on 127.0.0.1: first and
# incremental sync, exit statuses, TLS refusals, STARTTLS, mark_seen,
# UIDVALIDITY reset, and a large folder interrupted at every kind of point
# (crash points at commits, SIGKILL, Dovecot killed): afterwards every
# message is stored exactly once and the store passes integrity_check.
set -u
. "$(dirname "$0")/../lib/tap.sh"
. "$LIAISONBOT_SRCDIR/tests/lib/imap.sh"
imap_test_init

# poll NAME CONF [OPTIONS]: stdout in $tap_tmp/NAME.out, stderr in .err,
# exit status in rc.
poll() {
	_name=$1 _conf=$2
	shift 2
	"$LIAISONBOT" -c "$_conf" "$@" poll --once >"$tap_tmp/$_name.out" \
	    2>"$tap_tmp/$_name.err"
	rc=$?
}
out() { cat "$tap_tmp/$1.out"; }
err() { cat "$tap_tmp/$1.err"; }

# ---- configuration errors and an unreachable server ----
db=$tap_tmp/main.db
conf=$tap_tmp/main.conf

imap_config "$tap_tmp/plain.conf" "$db" "tls = none" \
    "port = $DOVECOT_IMAP_PORT"
poll plain "$tap_tmp/plain.conf"
is "$rc" 78 "tls = none without allow_plaintext: configuration error (78)"
like "$(err plain)" "allow_plaintext" \
    "... and the message names allow_plaintext"
test ! -e "$db"
ok $? "... before the store is even created"

# RFC 2177: an IDLE must be renewed within 29 minutes.
imap_config "$tap_tmp/refresh.conf" "$db" "idle_refresh = 30m"
poll refresh "$tap_tmp/refresh.conf"
is "$rc" 78 "idle_refresh of 30 minutes: configuration error (78)"
like "$(err refresh)" "refresh.conf:[0-9]+: .*idle_refresh" \
    "... naming the file, line and key"

imap_config "$tap_tmp/down.conf" "$db" "port = $(dovecot_free_port)" \
    "timeout = 5s"
poll down "$tap_tmp/down.conf"
is "$rc" 75 "server unreachable: temporary failure (75)"
like "$(err down)" "connect" "... saying it could not connect"

# ---- first and incremental sync ----
imap_config "$conf" "$db"
dovecot_deliver INBOX "$(msg 1)" "$(msg 2)" "$(msg 3)" "$(msg 4)" "$(msg 5)"
poll first "$conf"
is "$rc" 0 "first sync: exit 0"
is "$(out first)" "INBOX: 5 new" "first sync: 'INBOX: 5 new'"
is "$(imap_count "$db")" 5 "first sync: 5 messages stored"
read -r uidvalidity uidnext _ <<<"$(dovecot_status INBOX)"
is "$(imap_sync_field "$db" INBOX "uidvalidity || ' ' || last_uid")" \
    "$uidvalidity 5" "first sync: UIDVALIDITY and last UID recorded"

dovecot_deliver INBOX "$(msg 6)" "$(msg 7)" "$(msg 8)"
poll incremental "$conf"
is "$rc.$(out incremental)" "0.INBOX: 3 new" "incremental sync: 3 new"
poll again "$conf"
is "$rc.$(out again)" "0.INBOX: 0 new" "nothing new: 0 new"
imap_exactly_once "$db" 1 8
ok $? "messages 1-8 stored exactly once"

# mark_seen = false (the default) fetched with BODY.PEEK[]: still unseen.
seen_count() {
	dovecot_doveadm fetch -u "$DOVECOT_USER" flags mailbox "$1" |
	    grep -c '\\Seen'
}
is "$(seen_count INBOX)" 0 "mark_seen = false: no message got \\Seen"

# ---- UIDVALIDITY reset: re-scan, dedupe, nothing skipped ----
# Message 9 arrives unseen by us, then the server renumbers everything.
dovecot_deliver INBOX "$(msg 9)"
dovecot_reset_uidvalidity INBOX
read -r newvalidity uidnext _ <<<"$(dovecot_status INBOX)"
poll reset "$conf"
is "$rc.$(out reset)" "0.INBOX: 1 new" \
    "UIDVALIDITY reset: the one new message stored, the rest deduplicated"
like "$(err reset)" "UIDVALIDITY changed from $uidvalidity to $newvalidity" \
    "... and the change is logged"
is "$(imap_sync_field "$db" INBOX "uidvalidity || ' ' || last_uid")" \
    "$newvalidity $((uidnext - 1))" "... new UIDVALIDITY and last UID kept"
imap_exactly_once "$db" 1 9
ok $? "... messages 1-9 stored exactly once"
dovecot_deliver INBOX "$(msg 10)"
poll after_reset "$conf"
is "$rc.$(out after_reset)" "0.INBOX: 1 new" \
    "after the reset: incremental again"

# ---- several folders; one missing does not stop the others ----
dovecot_mkfolder Second
dovecot_mkfolder Seen
dovecot_deliver Second "$(msg 11)" "$(msg 12)"
imap_config "$tap_tmp/multi.conf" "$db" "folders = INBOX, Missing, Second"
poll multi "$tap_tmp/multi.conf"
is "$rc" 1 "a missing folder: permanent failure (1)"
is "$(out multi | tr '\n' ' ')" "INBOX: 0 new Missing: 0 new Second: 2 new " \
    "... and the folder after it is still synced"
like "$(err multi)" "Missing" "... the error names the folder"

# mark_seen = true sets \Seen on what was fetched.
dovecot_deliver Seen "$(msg 13)" "$(msg 14)"
imap_config "$tap_tmp/seen.conf" "$db" "folders = Seen" "mark_seen = true"
poll seen "$tap_tmp/seen.conf"
is "$rc.$(out seen)" "0.Seen: 2 new" "mark_seen = true: synced"
is "$(seen_count Seen)" 2 "mark_seen = true: both messages have \\Seen"
is "$(seen_count Second)" 0 "... and only those of that folder"

# ---- TLS ----
imap_config "$tap_tmp/wrong.conf" "$db" "port = $DOVECOT_WRONG_IMAPS_PORT"
poll wrongcert "$tap_tmp/wrong.conf"
is "$rc" 1 "certificate for another name: refused (1)"
like "$(err wrongcert)" "certificate" "... saying why"
grep -v '^ca_file' "$conf" >"$tap_tmp/noca.conf"
poll noca "$tap_tmp/noca.conf"
is "$rc" 1 "self-signed certificate not in ca_file: refused (1)"
like "$(err noca)" "certificate" "... saying why"
unlike "$(err noca)" "tls_verify = false" "... with no tls_verify warning"
imap_config "$tap_tmp/noverify.conf" "$db" \
    "port = $DOVECOT_WRONG_IMAPS_PORT" "tls_verify = false"
poll noverify "$tap_tmp/noverify.conf"
is "$rc.$(out noverify)" "0.INBOX: 0 new" \
    "tls_verify = false: the wrong certificate is accepted"
like "$(err noverify)" "warn: .*tls_verify = false" "... with a warning"

imap_config "$tap_tmp/starttls.conf" "$db" "tls = starttls" \
    "port = $DOVECOT_IMAP_PORT"
dovecot_deliver INBOX "$(msg 15)"
poll starttls "$tap_tmp/starttls.conf" -v -v
is "$rc.$(out starttls)" "0.INBOX: 1 new" "STARTTLS on the plain port: synced"
like "$(err starttls)" "connected \(TLS\)" "... over TLS"

# ---- wrong password: exit 1, a clear message, the password nowhere ----
sed "s/^password = .*/password = Not-The-Secret-42/" "$conf" \
    >"$tap_tmp/badpass.conf"
poll badpass "$tap_tmp/badpass.conf" -v -v
is "$rc" 1 "wrong password: permanent failure (1)"
like "$(err badpass)" "authentication failed" "... saying authentication failed"
unlike "$(out badpass; err badpass)" "Not-The-Secret-42" \
    "... the password is in no output, even with -v -v"
unlike "$(sqlite3 "$db" "SELECT last_error FROM sync_state")" \
    "Not-The-Secret-42" "... nor in the store"
unlike "$(out starttls; err starttls)" "$DOVECOT_PASSWORD" \
    "the right password is in no output either (-v -v)"

# ---- a large folder, interrupted ----
# Big holds messages 1..$imap_big (2000; 1-15 are stored already from other
# folders: dedupe by Message-ID, so each test below uses a store of its
# own). Batches of a 40th, interruptions after a 20th.
big=$imap_big
batch=$((big / 40))
dovecot_mkfolder Big
dovecot_import Big "$mail" || dovecot_die "import"
big_conf() {	# big_conf NAME [EXTRA]: a store of its own, Big only
	imap_config "$tap_tmp/$1.conf" "$tap_tmp/$1.db" "folders = Big" \
	    "batch_size = ${2:-$batch}"
}
# The UID recorded is that of the last message stored: with UIDs 1..N in
# order, count == last_uid means nothing skipped and nothing ahead.
consistent() {	# consistent DB
	_uid=$(imap_sync_field "$1" Big last_uid)
	[ "$(imap_count "$1")" = "${_uid:-0}" ] &&
	    [ "$(imap_integrity "$1")" = ok ]
}

# Crash points: the first commit, then the 2nd, then the 3rd after each
# restart; the last run completes.
big_conf crash $((big / 8))
cdb=$tap_tmp/crash.db
for n in 1 2 3; do
	LIAISONBOT_CRASH_AT=$n LIAISONBOT_CRASH_ONLY=store-commit \
	    poll crash$n "$tap_tmp/crash.conf"
	is "$rc" 99 "crash at commit $n: the process died there"
	consistent "$cdb"
	ok $? "... store consistent ($(imap_count "$cdb") stored, last UID \
${_uid:-0}, integrity ok)"
done
is "$(imap_count "$cdb")" $((3 * big / 8)) \
    "crashes at commits 1, 2, 3: 0+1+2 batches kept"
poll crashdone "$tap_tmp/crash.conf" -v -v
is "$rc.$(out crashdone)" "0.Big: $((5 * big / 8)) new" \
    "after the crashes: the rest, once"
# A pass with over 200 messages to fetch is a bulk load (sync.c); under
# valgrind the folder is smaller and this pass is not.
if [ $((5 * big / 8)) -gt 200 ]; then
	like "$(err crashdone)" "bulk load: page cache 16384 KiB" \
	    "... as a bulk load (over 200 to fetch): a larger page cache"
	like "$(err crashdone)" "bulk load done: page cache back" \
	    "... given back after the pass"
else
	unlike "$(err crashdone)" "bulk load" \
	    "... not a bulk load ($((5 * big / 8)) to fetch, 200 at most)"
	unlike "$(err crashdone)" "page cache back" \
	    "... so nothing to give back"
fi
imap_exactly_once "$cdb" 1 $big
ok $? "... every message stored exactly once"
is "$(imap_integrity "$cdb")" ok "... integrity_check ok"

# SIGKILL in the middle of a sync.
big_conf kill
kdb=$tap_tmp/kill.db
"$LIAISONBOT" -c "$tap_tmp/kill.conf" poll --once >/dev/null 2>&1 &
poll_pid=$!
imap_wait 60 imap_at_least "$kdb" $((big / 20))
kill -9 $poll_pid
imap_wait_exit $poll_pid 10
is "$imap_status" 137 "SIGKILL during the sync of $big messages"
n=$(imap_count "$kdb")
[ "$n" -lt $big ]
ok $? "... it was mid-folder ($n stored)"
consistent "$kdb"
ok $? "... store consistent (count = last UID, integrity ok)"
poll killdone "$tap_tmp/kill.conf"
is "$rc.$(out killdone)" "0.Big: $((big - n)) new" "restart: the rest, once"
imap_exactly_once "$kdb" 1 $big
ok $? "... every message stored exactly once"

# Dovecot killed during a sync, then restarted.
big_conf server
sdb=$tap_tmp/server.db
"$LIAISONBOT" -c "$tap_tmp/server.conf" poll --once \
    >"$tap_tmp/server.out" 2>"$tap_tmp/server.err" &
poll_pid=$!
imap_wait 60 imap_at_least "$sdb" $((big / 20))
# Held still while the server dies, lest it finish the folder first.
kill -STOP $poll_pid
dovecot_kill
kill -CONT $poll_pid
imap_wait_exit $poll_pid 30
is "$imap_status" 75 "Dovecot killed during a sync: temporary failure (75)"
like "$(err server)" "imap .*(connection|lost|closed|reset)" \
    "... saying the connection was lost"
n=$(imap_count "$sdb")
consistent "$sdb"
ok $? "... what arrived whole is kept ($n), count = last UID, integrity ok"
dovecot_restart
poll serverdone "$tap_tmp/server.conf"
is "$rc.$(out serverdone)" "0.Big: $((big - n)) new" \
    "Dovecot back: the rest, once"
imap_exactly_once "$sdb" 1 $big
ok $? "... every message stored exactly once"

tap_done
