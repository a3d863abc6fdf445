#!/bin/bash
# drafts_e2e: the whole path with real servers on 127.0.0.1. The sample
# week in a private Dovecot -> poll --once -> digest --send -> smtp-sink:
# the message as received (headers, multipart/alternative, UTF-8,
# Message-ID, envelope sender and recipients) is the draft; a copy lands
# in the Drafts folder with \Draft exactly once, however often delivery
# runs. Then the daemon (run --allow-root) idling on a folder: breaking
# news arriving is drafted and delivered, a burst as one draft, nothing
# for routine or confidential mail, and a thread just reported waits for
# [breaking] min_interval.
. "$(dirname "$0")/../lib/tap.sh"
. "$LIAISONBOT_SRCDIR/tests/lib/drafts.sh"
drafts_servers Drafts News
week=$LIAISONBOT_SRCDIR/contrib/sample-week
period="--since 2026-11-16 --until 2026-11-23"

# In the Drafts folder: one "flags message-id" line per message.
drafts_copies() {
	dovecot_doveadm -f flow fetch -u "$DOVECOT_USER" "flags hdr.message-id" \
	    mailbox Drafts
}
received() { find "$SMTP_SINK_DIR" -type f | sort; }

# ---- the sample week, by hand ----
drafts_imap_config "envelope_from = bounces@example.org" "[drafts]" \
	"imap_folder = Drafts"
sed -i 's|^to = .*|to = IAB Liaison <liaison@example.org>, backup@example.org|' \
	"$conf"
for f in "$week"/*.eml; do
	dovecot_deliver INBOX "$f" || { echo "Bail out! doveadm save"; exit 1; }
done
is "$(lb poll --once 2>/dev/null)" "INBOX: 35 new" "poll --once: the 35 messages"
is "$(sqlite3 "$tap_tmp/store.db" 'SELECT count(*) FROM messages')" 35 \
	"all of them stored"
# shellcheck disable=SC2086
lb digest --dry-run $period >"$tap_tmp/dry.eml"
mid=$(drafts_header Message-Id "$tap_tmp/dry.eml")
# shellcheck disable=SC2086
out=$(lb digest --send $period 2>"$tap_tmp/err")
ok $? "digest --send: exit 0"
like "$out" "^sent 1, deferred 0, failed 0$" "digest --send: sent"
smtp_wait_files "$SMTP_SINK_DIR" 1
got=$(received)
is "$(echo "$got" | wc -l)" 1 "smtp-sink received one message"
head=$(sed -n '1,/^Received:/p' "$got")
like "$head" "^X-Mail-Args: <bounces@example.org>" \
	"envelope sender: [smtp] envelope_from"
is "$(echo "$head" | sed -n 's/^X-Rcpt-Args: //p' | tr '\n' ' ')" \
	"<liaison@example.org> <backup@example.org> " "envelope recipients: both"
smtp_body "$got" >"$tap_tmp/got.eml"
is "$(drafts_header From "$tap_tmp/got.eml")" \
	"IESG liaisonbot <liaisonbot@example.org>" "From: [drafts] from"
is "$(drafts_header To "$tap_tmp/got.eml")" \
	"IAB Liaison <liaison@example.org>, backup@example.org" "To: both"
is "$(drafts_header Message-Id "$tap_tmp/got.eml")" "$mid" \
	"Message-ID: the dry run's"
like "$(drafts_header Content-Type "$tap_tmp/got.eml")" \
	'^multipart/alternative; boundary=' "multipart/alternative"
is "$(grep -ci '^Content-Type: text/\(plain\|html\); charset=utf-8' \
	"$tap_tmp/got.eml")" 2 "text and HTML parts, UTF-8"
like "$(drafts_header Subject "$tap_tmp/got.eml")" '=\?UTF-8\?B\?4oCT\?=' \
	"Subject: the en dash encoded"
like "$(drafts_text "$tap_tmp/got.eml")" '^  16 Nov – 19 Nov; 5 message' \
	"text part decodes to UTF-8"
like "$(drafts_header Date "$tap_tmp/got.eml")" \
	'^[A-Z][a-z]{2}, [0-9]{1,2} [A-Z][a-z]{2} 20[0-9]{2} [0-9:]{8} \+0000$' \
	"Date: RFC 5322"
perl "$drafts_pl" normalise "$tap_tmp/dry.eml" >"$tap_tmp/dry.norm"
perl "$drafts_pl" normalise "$tap_tmp/got.eml" >"$tap_tmp/got.norm"
diff -u "$tap_tmp/dry.norm" "$tap_tmp/got.norm" >"$tap_tmp/diff"
ok $? "received as drafted (Date and boundary aside)"
sed 's/^/#   /' "$tap_tmp/diff" | head -10
like "$(drafts_copies)" "^flags=.*\\\\Draft.* hdr.message-id=$mid\$" \
	"Drafts: the copy, flagged \\Draft"
is "$(drafts_copies | wc -l)" 1 "Drafts: one copy"

# Delivery again, and the same digest again: nothing twice.
lb outbox --deliver >/dev/null 2>&1
lb outbox --deliver >/dev/null 2>&1
# shellcheck disable=SC2086
like "$(lb digest --send $period 2>/dev/null)" "already in the outbox" \
	"the same digest again: already in the outbox"
is "$(received | wc -l):$(drafts_copies | wc -l)" 1:1 \
	"three more delivery rounds: still one message, one copy"
# A crash after the APPEND, before it was recorded: found, not copied again.
sqlite3 "$tap_tmp/store.db" "UPDATE drafts SET imap_state = 'pending'"
like "$(lb status)" "^  sent #1 digest-adhoc: .* \\(Drafts folder copy pending\\)\$" \
	"status: a sent draft whose Drafts copy is owed"
like "$(lb status --json)" '"drafts_copy" : "pending"' "status --json too"
lb outbox --deliver >/dev/null 2>&1
is "$(drafts_copies | wc -l):$(sqlite3 "$tap_tmp/store.db" \
	'SELECT imap_state FROM drafts')" 1:done \
	"copy not recorded: found by Message-ID, not appended again"

# A crash right after the receiver accepted a draft; the draft reached
# the followed INBOX: on restart a search by Message-ID over IMAP says it
# was sent.
LIAISONBOT_CRASH_AT=1 LIAISONBOT_CRASH_ONLY=outbox-accepted \
	lb digest --send --since 2026-11-16 --until 2026-11-22 >/dev/null 2>&1
is $? 99 "crash after the receiver accepted a second draft"
smtp_wait_files "$SMTP_SINK_DIR" 2
smtp_body "$(received | xargs grep -L "^Message-Id: $mid")" >"$tap_tmp/second.eml"
dovecot_deliver INBOX "$tap_tmp/second.eml"
lb outbox --deliver >/dev/null 2>"$tap_tmp/err"
is "$(sqlite3 "$tap_tmp/store.db" 'SELECT state FROM drafts WHERE id = 2')" \
	sent "found in INBOX over IMAP: sent"
like "$(cat "$tap_tmp/err")" "found delivered after a crash" "and logged so"
is "$(received | wc -l)" 2 "not sent twice"

# ---- the daemon and breaking news ----
drafts_folder=News drafts_imap_config "[breaking]" "burst_window = 5s" \
	"min_interval = 1h" "[digest]" "schedule ="
db=$tap_tmp/daemon.db
sed -i "s|^path = .*|path = $db|" "$conf"
sent_before=$(received | wc -l)
drafts_daemon_start
synced() {
	[ "$(sqlite3 "$db" "SELECT count(*) FROM sync_state WHERE \
folder = 'News' AND last_sync > 0 AND last_error IS NULL" 2>/dev/null)" = 1 ]
}
wait_for 20 synced
ok $? "the daemon synced News and idles"
stored() { [ "$(sqlite3 "$db" 'SELECT count(*) FROM messages')" -ge "$1" ]; }
# drafts_wait N: until the sink holds N messages in all (20 s at most)
drafts_wait() { wait_for 20 sh -c "[ \$(find '$SMTP_SINK_DIR' -type f | wc -l) -ge $1 ]"; }

# A burst: two liaison statements (breaking), a routine approval and a
# confidential liaison statement, delivered while the daemon idles.
# The first three at once (Maildir files and a resync); the second
# statement once the daemon has stored them, within the burst window.
mkdir -p "$m/burst1" "$m/burst2" "$m/late"
drafts_burst "$m/burst1" e2e
mv "$m/burst1/b.eml" "$m/late/"
dovecot_import News "$m/burst1"
wait_for 20 stored 3
dovecot_import News "$m/late"
drafts_wait $((sent_before + 1))
ok $? "breaking news delivered while the daemon ran"
wait_for 10 stored 4
first=$(received | tail -1)
smtp_body "$first" >"$tap_tmp/first.eml"
is "$(drafts_header Subject "$tap_tmp/first.eml")" \
	"[IESG liaison] Breaking: 2 items" "the burst merged into one draft"
text=$(drafts_text "$tap_tmp/first.eml")
like "$text" "LS on identifier-based networking" "first statement in it"
like "$text" "LS on quantum-safe transition" "second statement in it"
unlike "$text$(drafts_html "$tap_tmp/first.eml")" \
	"SECRET-MARKER|ROUTINE-MARKER" "no routine, no confidential mail"
is "$(sqlite3 "$db" "SELECT count(*) FROM draft_messages")" 2 \
	"the draft covers the two statements"
like "$(grep -E 'News: [0-9]+ new|drafted' "$tap_tmp/daemon.log" | head -3 |
	tr '\n' ' ')" "News: 3 new .*News: 1 new .*drafted breaking" \
	"they came in two syncs, merged by the burst window"

# More in the first thread (reported just now) and a new thread.
drafts_liaison "$m/burst2/a2.eml" e2e-a2@test.example \
	"LS on identifier-based networking" \
	iesg.ietf.org "" "In-Reply-To: <e2e-a@test.example>" \
	"References: <e2e-a@test.example>"
drafts_liaison "$m/burst2/d.eml" e2e-d@test.example "LS on routing registries"
dovecot_import News "$m/burst2"
drafts_wait $((sent_before + 2))
ok $? "a second breaking draft"
smtp_body "$(received | tail -1)" >"$tap_tmp/second.eml"
is "$(drafts_header Subject "$tap_tmp/second.eml")" \
	"[IESG liaison] Breaking: New Liaison Statement, \"LS on routing registries\"" \
	"only the new thread: the other was reported within min_interval"
is "$(sqlite3 "$db" "SELECT count(*) FROM draft_messages dm JOIN messages m \
ON m.id = dm.message WHERE m.message_id = 'e2e-a2@test.example'")" 0 \
	"the follow-up waits for the digest"
drafts_daemon_stop
is "$daemon_status" 0 "the daemon stops on SIGTERM, exit 0"
like "$(cat "$tap_tmp/daemon.log")" "drafted breaking:" "and logged its drafts"
is "$(received | wc -l)" $((sent_before + 2)) "two breaking drafts in all"
diag "breaking: $(grep -c 'drafted breaking' "$tap_tmp/daemon.log") drafts" \
	"for 6 messages (2 breaking in a burst, 1 routine, 1 confidential," \
	"1 follow-up within min_interval, 1 new thread)"
tap_done
