#!/bin/sh
# breaking: which stored messages make breaking news from the command line:
# fresh breaking mail, merged into one draft; never routine or confidential
# mail, never old mail a backfill stored just now; once per thread within
# [breaking] min_interval; a message is in one breaking draft at most.
. "$(dirname "$0")/../lib/tap.sh"
. "$LIAISONBOT_SRCDIR/tests/lib/drafts.sh"
drafts_setup

# A backfill: a liaison statement a month old, stored now, is no news.
drafts_liaison "$m/old.eml" old-1@test.example "LS on old business" \
	iesg.ietf.org "$(LC_ALL=C date -R -d '30 days ago')"
lb -q ingest "$m/old.eml" 2>/dev/null
out=$(lb breaking --dry-run 2>"$tap_tmp/err")
ok $? "old mail: exit 0"
is "$out" "" "a breaking message dated a month ago makes no news"
like "$(cat "$tap_tmp/err")" "no breaking news pending" "and says so"

# Fresh: two liaison statements (two threads), a routine message and a
# confidential liaison statement.
drafts_burst "$m" ls
lb -q ingest "$m/a.eml" "$m/b.eml" "$m/c.eml" "$m/r.eml" 2>/dev/null
is "$(sqlite3 "$tap_tmp/store.db" "SELECT message_id, breaking, confidential \
FROM messages WHERE message_id LIKE 'ls-%' ORDER BY 1")" "ls-a@test.example|1|0
ls-b@test.example|1|0
ls-c@test.example|0|1
ls-r@test.example|0|0" "classified: two breaking, one confidential"
lb breaking --dry-run >"$tap_tmp/burst.eml"
ok $? "breaking --dry-run: exit 0"
is "$(drafts_header Subject "$tap_tmp/burst.eml")" \
	"[IESG liaison] Breaking: 2 items" "both statements in one draft"
is "$(drafts_header X-Liaison-Draft "$tap_tmp/burst.eml")" breaking \
	"marked as breaking news"
text=$(drafts_text "$tap_tmp/burst.eml")
like "$text" "identifier-based networking" "first statement in it"
like "$text" "quantum-safe transition" "second statement in it"
unlike "$text" "SECRET-MARKER|ROUTINE-MARKER" \
	"no confidential and no routine message in it"
unlike "$(drafts_html "$tap_tmp/burst.eml")" "SECRET-MARKER|ROUTINE-MARKER" \
	"nor in its HTML part"

# Queued, the messages are done with: no second draft of them.
out=$(lb breaking --queue)
like "$out" "^breaking:[0-9a-f]{32} <liaisonbot\.[0-9a-f]+@example\.org>: queued$" \
	"breaking --queue stores the draft"
out=$(lb breaking --dry-run 2>&1)
like "$out" "no breaking news pending" "its messages are in no second draft"

# min_interval (default 6h): more in a thread just reported waits for
# the digest; another thread is news.
drafts_liaison "$m/a2.eml" ls-a2@test.example \
	"LS on identifier-based networking" iesg.ietf.org "" \
	"In-Reply-To: <ls-a@test.example>" "References: <ls-a@test.example>"
drafts_liaison "$m/d.eml" ls-d@test.example "LS on routing registries"
lb -q ingest "$m/a2.eml" "$m/d.eml" 2>/dev/null
lb breaking --dry-run >"$tap_tmp/next.eml"
is "$(drafts_header Subject "$tap_tmp/next.eml")" \
	"[IESG liaison] Breaking: New Liaison Statement, \"LS on routing registries\"" \
	"a new thread is news; one just reported is not, within min_interval"
write_config "$conf" "[breaking]" "min_interval = 0s"
is "$(lb breaking --dry-run | drafts_header Subject -)" \
	"[IESG liaison] Breaking: 2 items" "with min_interval 0 both are news"
tap_done
