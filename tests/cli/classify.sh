#!/bin/sh
# classify: the tab-separated output format is a public interface.
. "$(dirname "$0")/../lib/tap.sh"
data=$LIAISONBOT_SRCDIR/tests/data/cli
conf=$tap_tmp/lb.conf
write_config "$conf"
tab=$(printf '\t')

out=$("$LIAISONBOT" -c "$conf" classify "$data/process.eml")
ok $? "classify exits 0"
is "$out" "$data/process.eml${tab}process${tab}23${tab}yes${tab}no" \
	"five columns: path, category, score, breaking, confidential"

out=$("$LIAISONBOT" -c "$conf" classify --explain "$data/routine.eml")
is "$(printf '%s\n' "$out" | awk -F'\t' '{print NF}')" 6 \
	"--explain adds a sixth column"
like "$(printf '%s\n' "$out" | cut -f6)" '^([a-z0-9-]+\([+-][0-9]+\) ?)+$' \
	"sixth column: rule(+weight) list"
is "$(printf '%s\n' "$out" | cut -f2)" routine "last call is routine"

out=$("$LIAISONBOT" -c "$conf" classify - <"$data/confidential.eml")
is "$(printf '%s\n' "$out" | cut -f1,5)" "-${tab}yes" \
	"stdin is path '-'; executive session is confidential"

out=$("$LIAISONBOT" -c "$conf" classify "$data/routine.eml" \
	"$tap_tmp/missing.eml" "$data/process.eml" 2>"$tap_tmp/err")
status=$?
is "$status" 65 "a missing file: exit 65 (EX_DATAERR)"
is "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 2 \
	"the other files are still classified"
like "$(cat "$tap_tmp/err")" "missing.eml" "the missing file is named"

printf 'From a@b Thu Nov 19 10:00:00 2026\n' >"$tap_tmp/box"
cat "$data/process.eml" >>"$tap_tmp/box"
printf '\nFrom c@d Thu Nov 19 11:00:00 2026\n' >>"$tap_tmp/box"
cat "$data/routine.eml" >>"$tap_tmp/box"
out=$("$LIAISONBOT" -c "$conf" classify --mbox "$tap_tmp/box")
is "$(printf '%s\n' "$out" | cut -f1,2 | tr '\t' ' ' | tr '\n' ';')" \
	"$tap_tmp/box:1 process;$tap_tmp/box:23 routine;" \
	"--mbox: one line per message, path FILE:LINE"

"$LIAISONBOT" -c "$conf" classify >/dev/null 2>&1
is $? 64 "no arguments: usage error 64"
tap_done
