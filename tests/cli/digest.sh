#!/bin/sh
# digest: the sample week's digest against a golden file, then what it must
# show, checked one by one: sections by category, threads by References and
# by subject, most important first, participants, summaries of the
# authors' own words, links, the ballot tally, the "not reported" counts;
# an empty period; a stable Message-ID.
#
# After a deliberate change to the drafts, rewrite the golden file with
#   LIAISONBOT_GOLDEN=write tests/cli/digest.sh    (or: make golden)
# and review its diff.
. "$(dirname "$0")/../lib/tap.sh"
src=$LIAISONBOT_SRCDIR
draft() { perl "$src/tests/lib/draft.pl" "$@"; }
golden=$src/tests/data/golden/sample-week-digest.txt
week="--since 2026-11-16 --until 2026-11-23"
conf=$tap_tmp/lb.conf
write_config "$conf"

"$LIAISONBOT" -c "$conf" -q ingest "$src"/contrib/sample-week/*.eml 2>/dev/null
ok $? "sample week ingested"
# shellcheck disable=SC2086
"$LIAISONBOT" -c "$conf" digest --dry-run $week >"$tap_tmp/digest.eml"
ok $? "digest --dry-run: exit 0"
draft normalise "$tap_tmp/digest.eml" >"$tap_tmp/digest.txt"

if [ "${LIAISONBOT_GOLDEN:-}" = write ]; then
	mkdir -p "$(dirname "$golden")"
	cp "$tap_tmp/digest.txt" "$golden"
	diag "wrote $golden: review its diff before committing"
fi
if diff -u "$golden" "$tap_tmp/digest.txt" >"$tap_tmp/golden.diff"; then
	ok 0 "the draft matches $(basename "$golden") (Date, boundary and generation time aside)"
else
	ok 1 "the draft matches $(basename "$golden")"
	head -40 "$tap_tmp/golden.diff" | sed 's/^/#   /'
fi

text=$(draft text "$tap_tmp/digest.eml")
html=$(draft html "$tap_tmp/digest.eml")

# Sections in order: process, architecture, external; ballots; left out.
is "$(printf '%s\n' "$text" | grep '^== ')" "== IETF process ==
== Internet architecture ==
== Relations with other organizations ==
== IESG ballots ==
== Not reported ==" "sections by category, then ballots and left out"
# Within a section the most important thread (highest score) comes first.
is "$(printf '%s\n' "$text" |
	sed -n '/^== Relations/,/^== IESG/s/^\* \(.\{28\}\).*/\1/p')" \
	"New Liaison Statement, \"LS o
New Liaison Statement, \"Stat
3GPP coordination: SA2 Rel-2
IANA: draft 2027 SLA for the" \
	"external threads, most important first"
# Threads by References: the statement and its four replies; the
# out-of-office reply to it is no participant but counted as left out.
is "$(printf '%s\n' "$text" | grep -A2 '^  16 Nov – 19 Nov; 5 message')" \
"  16 Nov – 19 Nov; 5 message(s)
  by Helena Vasquez-Lind (2), Astrid Lindqvist (1),
  Ngozi Adeyemi-Clarke (1), Kenji Morioka (1)" \
	"thread by References, participants with counts, most active first"
unlike "$text" "Rafael Ibarra Solís \(1\)" \
	"the sender of an automatic reply is no participant"
like "$text" "^  1 automatic replies$" "the automatic reply is counted"
like "$(printf '%s\n' "$text" | grep -A1 '^  17 Nov – 21 Nov; 4 message(s)$')" \
	"^  by Marcus Delacroix-Weber \(2\)" \
	"the architecture thread holds its three replies"
# Summaries are the opener's own words.
like "$text" '^    As promised at the last telechat, here is a first draft of an IESG$' \
	"summary from the opener's own text"
unlike "$text" '^    .*(^|[[:space:]])>' "no quoted line in any summary"
unlike "$text" "Internet Area Director|ART Area Director" \
	"no signature in any summary"
# Links: Archived-At of each message, five at most.
is "$(printf '%s\n' "$text" | grep -c '^  <https://mailarchive.ietf.org/arch/msg/iesg/')" \
	17 "an Archived-At link per reported message"
# Ballots: one line per document, blocked ones first, with the names.
is "$(printf '%s\n' "$text" | sed -n '/^== IESG ballots/,/^== Not/s/^\* //p')" \
	"draft-ietf-ferret-flow-export: 1 Discuss (Priyanka Deshmane), 1 Yes, 1 No Objection
draft-ietf-strata-segment-manifest: 1 Discuss (Ngozi Adeyemi-Clarke), 1 Yes, 1 No Objection" \
	"one tally line per document, names behind each Discuss"
# What was left out, by kind, adds up.
like "$text" '^11 message\(s\) were routine' "11 messages not reported"
is "$(printf '%s\n' "$text" | sed -n '/^== Not reported/,/^-- $/s/^  \([0-9]*\) .*/\1/p' |
	paste -sd+ | bc)" 11 "the counts by kind add up to the total"
# HTML carries the same, escaped.
like "$html" '<li><a href="https://datatracker.ietf.org/doc/draft-ietf-ferret-flow-export/ballot/">draft-ietf-ferret-flow-export</a>: <strong>1 Discuss' \
	"HTML: ballot line with link, blocked in bold"
like "$html" 'Handling Ballot Positions&quot; statement' "HTML: text escaped"
like "$(draft part-headers "$tap_tmp/digest.eml" | sort -u | tr '\n' ' ')" \
	'^Content-Transfer-Encoding Content-Type $' "parts carry type and encoding only"

# The Message-ID is the same for the same period, another for another one.
mid=$(draft header Message-Id "$tap_tmp/digest.eml")
# shellcheck disable=SC2086
"$LIAISONBOT" -c "$conf" digest --dry-run $week >"$tap_tmp/again.eml"
is "$(draft header Message-Id "$tap_tmp/again.eml")" "$mid" \
	"same period, same Message-ID"
"$LIAISONBOT" -c "$conf" digest --dry-run --since 2026-11-16 \
	--until 2026-11-22 >"$tap_tmp/other.eml"
other=$(draft header Message-Id "$tap_tmp/other.eml")
ok "$([ -n "$other" ] && [ "$other" != "$mid" ]; echo $?)" \
	"another period, another Message-ID"
# shellcheck disable=SC2086
"$LIAISONBOT" -c "$conf" digest --queue $week >"$tap_tmp/queue.out"
like "$(cat "$tap_tmp/queue.out")" "^digest-adhoc:[^ ]* $mid: queued$" \
	"queued with the Message-ID of the dry run"
# shellcheck disable=SC2086
"$LIAISONBOT" -c "$conf" digest --queue $week >"$tap_tmp/queue.out"
like "$(cat "$tap_tmp/queue.out")" "already in the outbox" \
	"queued twice: stored once"
is "$(sqlite3 "$tap_tmp/store.db" 'SELECT count(*) FROM drafts')" 1 \
	"one draft in the outbox"

# More mail: a reply that lost its references (grouped by subject, linked
# by Message-ID), a changed ballot position, an opener that quotes and
# signs.
"$LIAISONBOT" -c "$conf" -q ingest "$src"/tests/data/drafts/subject-fallback.eml \
	"$src"/tests/data/drafts/ballot-change.eml \
	"$src"/tests/data/drafts/quoted-opener.eml 2>/dev/null
# shellcheck disable=SC2086
text=$("$LIAISONBOT" -c "$conf" digest --dry-run $week | draft text -)
like "$(printf '%s\n' "$text" | grep -A2 '^  17 Nov – 21 Nov; 5 message(s)$')" \
	"Zoë Quiroga \(1\)$" \
	"a reply without references joins its thread by subject"
like "$text" '^  <mid:zq-20261121-lost-refs@quiroga.example>$' \
	"no Archived-At: a mid: link"
like "$text" '^\* draft-ietf-ferret-flow-export: 1 Yes, 2 No Objection$' \
	"a later ballot position replaces the earlier one"
like "$text" '^    Route origin validation is now deployed by most large networks, and$' \
	"the opener's own words are summarised"
unlike "$text" 'QUOTED-LINE-MARKER|SIGNATURE-MARKER|sidrops participant wrote' \
	"quoted lines, attribution and signature stay out of the summary"

# An empty period: a short draft saying so, or none with skip_empty.
"$LIAISONBOT" -c "$conf" digest --dry-run --since 2026-10-01 \
	--until 2026-10-08 >"$tap_tmp/empty.eml"
ok $? "empty period: exit 0"
like "$(draft header Subject "$tap_tmp/empty.eml")" \
	'Digest 01 Oct .* 08 Oct 2026: nothing of note' "subject says nothing of note"
text=$(draft text "$tap_tmp/empty.eml")
like "$text" '^Nothing of note for the IAB in this period.$' "body says so"
unlike "$text" '^== ' "and has no sections"
ok "$([ "$(printf '%s\n' "$text" | wc -l)" -lt 15 ]; echo $?)" "and is short"
write_config "$conf" "[digest]" "skip_empty = true"
out=$("$LIAISONBOT" -c "$conf" digest --queue --since 2026-10-01 \
	--until 2026-10-08 2>"$tap_tmp/skip.err")
ok $? "skip_empty: exit 0"
is "$out" "" "skip_empty: no draft"
is "$(sqlite3 "$tap_tmp/store.db" 'SELECT count(*) FROM drafts')" 1 \
	"skip_empty: nothing queued"
# A regular digest with nothing of note: nothing to send, but the period
# is recorded as covered, so the next one (and the daemon) start after it.
later=$(date -u -d '2030-01-01' +%s)
LIAISONBOT_NOW=$later "$LIAISONBOT" -c "$conf" digest --queue \
	>"$tap_tmp/regular.out" 2>/dev/null
ok $? "skip_empty, regular digest: exit 0"
is "$(sqlite3 "$tap_tmp/store.db" "SELECT state, period_end FROM drafts \
WHERE kind = 'digest'")" "skipped|$later" "the empty period is recorded as skipped"
LIAISONBOT_NOW=$((later + 3600)) "$LIAISONBOT" -c "$conf" digest --queue \
	>/dev/null 2>&1
is "$(sqlite3 "$tap_tmp/store.db" "SELECT min(period_start) FROM drafts \
WHERE kind = 'digest' AND period_end > $later")" "$later" \
	"the next regular digest starts where the skipped one ended"
tap_done
