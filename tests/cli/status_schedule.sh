#!/bin/sh
# status_schedule: `status` names the next digest, exactly, for a fixed
# "now" (the test hook LIAISONBOT_NOW): the default weekly rule, and
# "before-iab 24h, after-iesg 2h" over tests/data/calendar/iab-iesg.ics,
# whose meetings recur in America/Los_Angeles (across the end of DST), one
# is a one-off, one cancelled and one moved. A calendar that cannot be
# read is shown, not fatal.
. "$(dirname "$0")/../lib/tap.sh"
. "$LIAISONBOT_SRCDIR/tests/lib/drafts.sh"
calendar=$LIAISONBOT_SRCDIR/tests/data/calendar/iab-iesg.ics
at() { date -u -d "$1" +%s; }
next() {	# next NOW: status's "next digest" line at NOW
	LIAISONBOT_NOW=$(at "$1") lb status | sed -n 's/^next digest: //p'
}

drafts_setup
is "$(next 2026-11-23T00:00Z)" "2026-11-26 18:00 UTC (thu 18:00 UTC)" \
	"default schedule: Thursday 18:00 UTC"

drafts_setup "[digest]" "schedule = before-iab 24h, after-iesg 2h" \
	"calendar = $calendar"
tab=$(printf '\t')
while IFS=$tab read -r now want why; do
	is "$(next "$now")" "$want" "now $now: $why"
done <<'EOF'
2026-10-22T00:00Z	2026-10-22 18:00 UTC (after-iesg 2h)	telechat ends 09:00 PDT
2026-11-05T00:00Z	2026-11-05 19:00 UTC (after-iesg 2h)	telechat ends 09:00 PST
2026-11-11T00:00Z	2026-11-12 18:00 UTC (after-iesg 2h)	a one-off informal telechat
2026-11-16T12:00Z	2026-11-17 18:00 UTC (before-iab 24h)	an IAB informal meeting
2026-11-17T18:00Z	2026-11-19 19:00 UTC (after-iesg 2h)	at a fire time: the next one
2026-11-20T00:00Z	2026-12-03 19:00 UTC (after-iesg 2h)	the IAB meeting of 25 Nov is cancelled
2026-12-04T00:00Z	2026-12-09 18:00 UTC (before-iab 24h)	the IAB meeting of 9 Dec moved to the 10th
EOF
json=$(LIAISONBOT_NOW=$(at 2026-11-16T12:00Z) lb status --json)
is "$(printf '%s' "$json" | perl -MJSON::PP -0777 -ne '$j = decode_json($_);
	print "$j->{next_digest} $j->{next_digest_rule}"')" \
	"$(at 2026-11-17T18:00Z) before-iab 24h" "status --json: the same, in seconds"

drafts_setup "[digest]" "schedule = before-iab 24h" \
	"calendar = $tap_tmp/missing.ics"
out=$(lb status 2>&1)
ok $? "a missing calendar: status still works"
like "$out" "^next digest: .*missing\.ics" "and says what is wrong"
tap_done
