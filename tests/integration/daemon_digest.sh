#!/bin/bash
# daemon_digest: `run` drafts and delivers the digest when the schedule
# says, and on restart catches up on a digest that fell due while it was
# down, once. The schedule is "daily HH:MM UTC" for the next minute; the
# test hook LIAISONBOT_NOW starts the daemon's clock 3 s before it (and,
# for the catch-up, a day later), so nothing waits for the real minute.
. "$(dirname "$0")/../lib/tap.sh"
. "$LIAISONBOT_SRCDIR/tests/lib/drafts.sh"
drafts_folder=News
drafts_servers News

# The fire time: the first whole minute at least 10 s from now.
real=$(date +%s)
fire=$(( (real + 10 + 59) / 60 * 60 ))
hhmm=$(date -u -d "@$fire" +%H:%M)
stamp() { date -u -d "@$1" +%Y%m%dT%H%M%SZ; }
drafts_imap_config "[digest]" "schedule = daily $hhmm UTC" \
	"[breaking]" "enabled = false"
db=$tap_tmp/store.db
# The sample week, dated today (the digest looks two weeks back by date).
now=$(LC_ALL=C date -R)
for f in "$LIAISONBOT_SRCDIR"/contrib/sample-week/*.eml; do
	perl -0777 -pe "s/^Date: .*\$/Date: $now/m" "$f" >"$m/$(basename "$f")"
done
lb -q ingest "$m"/*.eml 2>/dev/null
received() { find "$SMTP_SINK_DIR" -type f | wc -l; }
has() { [ "$(received)" -ge "$1" ]; }
period() {
	sqlite3 "$db" "SELECT kind || ' ' || identity FROM drafts WHERE id = $1"
}

# At the schedule time.
drafts_daemon_start $((fire - 3))
wait_for 30 has 1
ok $? "the digest is delivered at the schedule time ($hhmm UTC)"
is "$(period 1)" "digest digest:$(stamp $((fire - 7 * 86400))):$(stamp $fire)" \
	"a regular digest of the week before the fire time"
smtp_body "$(find "$SMTP_SINK_DIR" -type f)" >"$tap_tmp/first.eml"
subject=$(drafts_header Subject "$tap_tmp/first.eml")
like "$subject" '^\[IESG liaison\] Digest ' "its subject"
unlike "$subject" "nothing of note" "with the week's news in it"
like "$(drafts_text "$tap_tmp/first.eml")" '^== IETF process ==$' \
	"and its threads"
drafts_daemon_stop
is "$daemon_status" 0 "the daemon stops cleanly"

# Down over the next fire time: started a day later, it catches up once.
drafts_daemon_start $((fire + 86400 + 5))
wait_for 30 has 2
ok $? "restarted after a missed digest: it catches up"
is "$(period 2)" "digest digest:$(stamp $fire):$(stamp $((fire + 86400)))" \
	"the missed period, from the last digest to the missed fire time"
mid=$(sqlite3 "$db" "SELECT message_id FROM drafts WHERE id = 2")
smtp_body "$(grep -l "^Message-Id: <$mid>" "$SMTP_SINK_DIR"/*)" \
	>"$tap_tmp/second.eml"
like "$(drafts_header Subject "$tap_tmp/second.eml")" "nothing of note" \
	"nothing new was stored in it: nothing of note"
like "$(LIAISONBOT_NOW=$((fire + 86400 + 10)) lb status)" \
	"next digest: $(date -u -d "@$((fire + 2 * 86400))" '+%Y-%m-%d %H:%M') UTC \\(daily $hhmm UTC\\)" \
	"status: the next digest a day later"
drafts_daemon_stop
is "$(received):$(sqlite3 "$db" 'SELECT count(*) FROM drafts')" 2:2 \
	"two digests in all, each delivered once"
is "$(grep -c 'digest due' "$tap_tmp/daemon.log")" 2 "two fired, per the log"

# --dry-run over the next fire time: drafted, left queued, not delivered.
logged() { grep -q "$1" "$tap_tmp/daemon.log"; }
drafts_daemon_start $((fire + 2 * 86400 + 5)) --dry-run
wait_for 30 logged 'dry run: draft 3 <'
ok $? "run --dry-run drafts the digest and says it stays queued"
drafts_daemon_stop
is "$daemon_status" 0 "the dry run stops cleanly"
is "$(received):$(sqlite3 "$db" 'SELECT state FROM drafts WHERE id = 3')" \
	2:queued "nothing was delivered; the draft is queued"
LIAISONBOT_NOW=$((fire + 2 * 86400 + 10)) lb -q outbox --deliver
is "$?:$(received)" 0:3 "a later delivery sends it"
tap_done
