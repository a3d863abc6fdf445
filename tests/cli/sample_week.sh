#!/bin/sh
# The demo's sample week is classified as contrib/sample-week/EXPECTED says,
# with the default rules: category, breaking and confidential per message.
. "$(dirname "$0")/../lib/tap.sh"
week=$LIAISONBOT_SRCDIR/contrib/sample-week
conf=$tap_tmp/lb.conf
write_config "$conf"

"$LIAISONBOT" -c "$conf" classify "$week"/*.eml >"$tap_tmp/got"
ok $? "classify the sample week"
grep -v '^#' "$week/EXPECTED" >"$tap_tmp/expected"
while IFS="$(printf '\t')" read -r file category breaking confidential; do
	[ -n "$file" ] || continue
	got=$(awk -F'\t' -v f="$week/$file" '$1 == f { print $2, $4, $5 }' "$tap_tmp/got")
	is "$got" "$category $breaking $confidential" "$file"
done <"$tap_tmp/expected"
tap_done
