#!/bin/sh
# confidential: no secret marker of contrib/sample-week/EXPECTED reaches a
# digest (text and HTML, decoded), a breaking draft, `status`, `status
# --json` or the `outbox` listing; and confidential messages are not even
# counted: the drafts and counts of a store with them equal those of a
# store without them. Also with rules that would report everything.
. "$(dirname "$0")/../lib/tap.sh"
. "$LIAISONBOT_SRCDIR/tests/lib/drafts.sh"
src=$LIAISONBOT_SRCDIR
week=$src/contrib/sample-week
markers=$(sed -n 's/^# secret-markers: *//p' "$week/EXPECTED")
[ -n "$markers" ] || { echo "Bail out! no secret-markers in EXPECTED"; exit 1; }
public=$(awk '!/^#/ && $4 == "no" { print $1 }' "$week/EXPECTED")
secret=$(awk '!/^#/ && $4 == "yes" { print $1 }' "$week/EXPECTED")
[ -n "$secret" ] || { echo "Bail out! no confidential message in EXPECTED"; exit 1; }

# The same week, dated today, for breaking news (old mail is no news).
fresh=$tap_tmp/fresh
mkdir -p "$fresh"
now=$(LC_ALL=C date -R)
for f in "$week"/*.eml; do
	perl -0777 -pe "s/^Date: .*\$/Date: $now/m" "$f" >"$fresh/$(basename "$f")"
done
# A confidential liaison statement: breaking news, were it not secret.
drafts_liaison "$fresh/zz-secret-liaison.eml" secret-ls@test.example \
	"LS on Tamarind-Halyard" iesg-only.ietf.org

# check_clean WHAT TEXT: no marker in TEXT.
check_clean() {
	_found=
	for _marker in $markers; do
		case $2 in *"$_marker"*) _found="$_found $_marker" ;; esac
	done
	is "$_found" "" "$1: no secret marker"
}

# store NAME: conf names a config with a store of its own.
store() {
	conf=$tap_tmp/$1.conf
	write_config "$conf"
	sed -i "s|^path = .*|path = $tap_tmp/$1.db|" "$conf"
}
# ingest DIR [FILE...]: the week's public messages from DIR, and with
# $with = with its confidential ones and the FILEs too.
ingest() {
	_dir=$1
	shift
	if [ "$with" = with ]; then
		# shellcheck disable=SC2086
		set -- $secret "$@"
	else
		set --
	fi
	for _f in $public "$@"; do
		printf '%s\n' "$_dir/$_f"
	done | xargs "$LIAISONBOT" -c "$conf" -q ingest 2>/dev/null
}

# A template showing the counts (and what a custom template could show).
counts=$tap_tmp/counts
mkdir -p "$counts"
printf '%s\n' 'messages {{message_count}} threads {{thread_count}}' \
	'left out {{left_out.total}}{{#left_out.kinds}} {{kind}}={{count}}{{/left_out.kinds}}' \
	>"$counts/digest.txt.mustache"
printf '<p>{{message_count}}</p>\n' >"$counts/digest.html.mustache"

for with in with without; do
	# The week as it is, for the digest.
	store "$with"
	ingest "$week"
	"$LIAISONBOT" -c "$conf" digest --dry-run --since 2026-11-16 \
		--until 2026-11-23 >"$tap_tmp/$with.digest"
	ok $? "$with: digest --dry-run"
	check_clean "$with: digest, raw" "$(cat "$tap_tmp/$with.digest")"
	check_clean "$with: digest, text" "$(drafts_text "$tap_tmp/$with.digest")"
	check_clean "$with: digest, HTML" "$(drafts_html "$tap_tmp/$with.digest")"
	perl "$drafts_pl" normalise "$tap_tmp/$with.digest" >"$tap_tmp/$with.norm"
	"$LIAISONBOT" -c "$conf" status >"$tap_tmp/$with.status"
	"$LIAISONBOT" -c "$conf" status --json >"$tap_tmp/$with.json"
	check_clean "$with: status" "$(cat "$tap_tmp/$with.status")"
	check_clean "$with: status --json" "$(cat "$tap_tmp/$with.json")"
	perl -MJSON::PP -0777 -ne '$m = decode_json($_)->{messages};
	    print join(" ", map { "$_=$m->{$_}" } sort keys %$m), "\n"' \
		"$tap_tmp/$with.json" >"$tap_tmp/$with.counts"
	sed -n '/^this period/{n;p;}' "$tap_tmp/$with.status" \
		>>"$tap_tmp/$with.counts"
	"$LIAISONBOT" -c "$conf" digest --queue --since 2026-11-16 \
		--until 2026-11-23 >/dev/null
	"$LIAISONBOT" -c "$conf" outbox >"$tap_tmp/$with.outbox"
	check_clean "$with: outbox" "$(cat "$tap_tmp/$with.outbox")"
	# The counts a template sees.
	sed -i "s|^template_dir = .*|template_dir = $counts|" "$conf"
	"$LIAISONBOT" -c "$conf" digest --dry-run --since 2026-11-16 \
		--until 2026-11-23 | drafts_text - >"$tap_tmp/$with.model"

	# Rules that would report everything: still nothing secret.
	store "$with-loud"
	{
		cat "$src/config/rules.conf"
		echo "loud-telechat process +50 subject phrase \"Agenda and Package\""
		echo "loud-nomcom process +50 any word NomCom"
		echo "loud-liaison external +50 subject phrase \"liaison statement\" breaking"
	} >"$tap_tmp/loud.rules"
	sed -i "s|^rules = .*|rules = $tap_tmp/loud.rules|" "$conf"
	ingest "$week"
	"$LIAISONBOT" -c "$conf" digest --dry-run --since 2026-11-16 \
		--until 2026-11-23 >"$tap_tmp/$with.loud"
	like "$(drafts_text "$tap_tmp/$with.loud")" \
		"^\* Agenda and Package for November 19, 2026 Telechat" \
		"$with, loud rules: the telechat package is reported"
	check_clean "$with, loud rules: digest, text" \
		"$(drafts_text "$tap_tmp/$with.loud")"
	check_clean "$with, loud rules: digest, HTML" \
		"$(drafts_html "$tap_tmp/$with.loud")"
	perl "$drafts_pl" normalise "$tap_tmp/$with.loud" >"$tap_tmp/$with.loud.norm"

	# The week dated today, and a secret liaison statement: breaking news.
	store "$with-fresh"
	ingest "$fresh" zz-secret-liaison.eml
	"$LIAISONBOT" -c "$conf" breaking --dry-run >"$tap_tmp/$with.breaking"
	like "$(drafts_header Subject "$tap_tmp/$with.breaking")" \
		"Breaking: " "$with: a breaking draft of the fresh week"
	check_clean "$with: breaking, raw" "$(cat "$tap_tmp/$with.breaking")"
	check_clean "$with: breaking, text" "$(drafts_text "$tap_tmp/$with.breaking")"
	check_clean "$with: breaking, HTML" "$(drafts_html "$tap_tmp/$with.breaking")"
	perl "$drafts_pl" normalise "$tap_tmp/$with.breaking" \
		>"$tap_tmp/$with.breaking.norm"
	"$LIAISONBOT" -c "$conf" breaking --queue >/dev/null
	check_clean "$with: outbox with breaking news" \
		"$("$LIAISONBOT" -c "$conf" outbox)"
	check_clean "$with: status with breaking news" \
		"$("$LIAISONBOT" -c "$conf" status; "$LIAISONBOT" -c "$conf" status --json)"
done

# With and without the confidential messages: the same drafts, counts.
for what in norm loud.norm breaking.norm counts model; do
	if diff -u "$tap_tmp/without.$what" "$tap_tmp/with.$what" \
	    >"$tap_tmp/diff"; then
		ok 0 "$what: the same with and without confidential messages"
	else
		ok 1 "$what: the same with and without confidential messages"
		head -20 "$tap_tmp/diff" | sed 's/^/#   /'
	fi
done
is "$(sed -n 1p "$tap_tmp/with.model")" "messages 34 threads 7" \
	"message_count: the 34 public messages of the week"
like "$(sed -n 2p "$tap_tmp/with.model")" "^left out 11 " \
	"left-out total without the confidential one"
is "$(head -1 "$tap_tmp/with.counts" | tr ' ' '\n' | cut -d= -f2 |
	paste -sd+ | bc)" 34 "status --json counts 34 messages"
tap_done
