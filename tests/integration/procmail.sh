#!/bin/sh
# contrib/procmailrc under real procmail: list mail is stored and filed by
# category with the X-Liaison-* headers; other mail is left alone; a
# broken filter delivers the message untouched; a busy store makes
# procmail exit 75 so the MTA retries; simultaneous deliveries all land.
. "$(dirname "$0")/../lib/tap.sh"
command -v procmail >/dev/null || skip_all "procmail not installed"
command -v sqlite3 >/dev/null || skip_all "sqlite3 not installed"
data=$LIAISONBOT_SRCDIR/tests/data/cli
conf=$tap_tmp/lb.conf
write_config "$conf"
db=$tap_tmp/store.db
mail=$tap_tmp/Mail
mkdir -p "$mail"

# As documented: a ~/.procmailrc that includes the shipped file.
cat >"$tap_tmp/procmailrc" <<EOF
LOGFILE=$tap_tmp/procmail.log
INCLUDERC=$LIAISONBOT_SRCDIR/contrib/procmailrc
LOG="shell after: \$SHELL
"
EOF

# deliver MESSAGE [NAME=VALUE...]: one delivery, as an MTA would run it.
deliver() {
	_msg=$1
	shift
	procmail -m MAILDIR="$mail" DEFAULT="$mail/inbox/" HOME="$tap_tmp" \
	    LIAISONBOT="$LIAISONBOT" LIAISONBOT_CONFIG="$conf" "$@" \
	    "$tap_tmp/procmailrc" <"$_msg"
}
# The one file in a Maildir's new/, or nothing.
only() {
	set -- "$mail/$1/new/"*
	[ $# -eq 1 ] && [ -f "$1" ] && echo "$1"
}
delivered() {
	find "$mail" -path '*/new/*' -type f | wc -l | tr -d ' '
}
count() { sqlite3 "$db" "$1"; }
clear_mail() { rm -rf "$mail"; mkdir -p "$mail"; }

deliver "$data/process.eml"
is $? 0 "process: procmail exits 0"
got=$(only liaison.process)
ok $? "filed into liaison.process/"
like "$(cat "$got")" '^X-Liaison-Category: process$' "with X-Liaison-Category"
like "$(cat "$got")" '^X-Liaison-Breaking: yes$' "and X-Liaison-Breaking"
grep -v '^X-Liaison-' "$got" | cmp -s - "$data/process.eml"
ok $? "otherwise byte for byte"
is "$(count "SELECT category FROM messages WHERE \
message_id = 'statement-2026-11@ietf.org'")" process "a copy is in the store"
count "SELECT writefile('$tap_tmp/raw', raw) FROM raw_messages r JOIN messages m \
ON m.id = r.message WHERE m.message_id = 'statement-2026-11@ietf.org'" >/dev/null
cmp -s "$tap_tmp/raw" "$data/process.eml"
ok $? "the stored copy is the message as it arrived"
test ! -e "$tap_tmp/.liaisonbot-ingest.lock"
ok $? "the ingest lock file is gone after delivery"

deliver "$data/routine.eml"
ok "$(test -n "$(only liaison.routine)"; echo $?)" \
	"routine: filed into liaison.routine/"
deliver "$data/confidential.eml"
got=$(only liaison.confidential)
ok $? "iesg-only, confidential: filed into liaison.confidential/"
like "$(cat "$got")" '^X-Liaison-Confidential: yes$' "marked confidential"
is "$(count "SELECT confidential FROM messages WHERE \
message_id = 'exec-2026-11-19@ietf.org'")" 1 "stored as confidential"

deliver "$data/crlf.eml"
got=$(only inbox)
ok $? "not IESG list mail: default delivery"
cmp -s "$got" "$data/crlf.eml"
ok $? "untouched, CRLF and 8-bit bytes included"
is "$(count "SELECT count(*) FROM messages WHERE \
message_id = 'crlf@example.org'")" 0 "and not stored"

# The same message again: a duplicate for the store, filed again.
deliver "$data/process.eml"
is $? 0 "a redelivery exits 0"
is "$(count "SELECT count(*) FROM messages WHERE \
message_id = 'statement-2026-11@ietf.org'")" 1 "and is stored once"

# A filter that fails: rules that cannot be read. Both commands fail;
# ingest with 78 (configuration), which must not hold the mail back.
write_config "$tap_tmp/broken.conf"
sed -i "s|^rules = .*|rules = $tap_tmp/no-such-rules.conf|" "$tap_tmp/broken.conf"
clear_mail
: >"$tap_tmp/procmail.log"
deliver "$data/process.eml" LIAISONBOT_CONFIG="$tap_tmp/broken.conf"
is $? 0 "broken rules: procmail still exits 0"
got=$(only inbox)
ok $? "the message goes to the default mailbox"
cmp -s "$got" "$data/process.eml"
ok $? "unmodified, byte for byte"
is "$(delivered)" 1 "delivered once"
log=$(cat "$tap_tmp/procmail.log")
like "$log" 'Program failure \(75\) of "[^"]*liaisonbot"' \
	"procmail logs the filter's exit 75"
like "$log" 'Rescue of unfiltered data succeeded' \
	"and that it kept the unfiltered message"

# Forged X-Liaison headers must not steer the filing when the filter
# cannot replace them.
clear_mail
{
	printf 'X-Liaison-Category: process\n'
	cat "$data/routine.eml"
} >"$tap_tmp/forged.eml"
deliver "$tap_tmp/forged.eml" LIAISONBOT_CONFIG="$tap_tmp/broken.conf"
got=$(only inbox)
ok $? "forged category, failed filter: not filed by the forged header"

# A busy store: ingest exits 75, procmail exits 75 and delivers nothing,
# so the MTA keeps the message and tries again.
clear_mail
sed 's/<statement-2026-11@/<busy@/' "$data/process.eml" >"$tap_tmp/busy.eml"
mkfifo "$tap_tmp/hold"
sqlite3 "$db" "BEGIN EXCLUSIVE; SELECT 1;" ".read $tap_tmp/hold" >/dev/null &
holder=$!
wait_for 5 sh -c "! sqlite3 '$db' 'BEGIN IMMEDIATE; COMMIT;' 2>/dev/null"
deliver "$tap_tmp/busy.eml"
is $? 75 "store locked: procmail exits 75 (EX_TEMPFAIL) for the MTA"
is "$(delivered)" 0 "and delivers nothing yet"
echo "COMMIT;" >"$tap_tmp/hold"
wait "$holder"
deliver "$tap_tmp/busy.eml"
is $? 0 "the MTA's retry succeeds"
ok "$(test -n "$(only liaison.process)"; echo $?)" "filed once"
is "$(count "SELECT count(*) FROM messages WHERE \
message_id = 'busy@example.org' OR message_id = 'busy@ietf.org'")" 1 \
	"and stored once"

# Simultaneous deliveries, as an MTA makes them. They queue on the ingest
# lock, retried every LOCKSLEEP seconds (8 unless told).
clear_mail
n=8
pids=
for i in $(seq 1 $n); do
	sed "s/<statement-2026-11@/<burst-$i@/" "$data/process.eml" \
	    >"$tap_tmp/burst-$i.eml"
	deliver "$tap_tmp/burst-$i.eml" LOCKSLEEP=1 &
	pids="$pids $!"
done
failed=0
for pid in $pids; do
	wait "$pid" || failed=$((failed + 1))
done
is "$failed" 0 "$n simultaneous deliveries all exit 0"
is "$(find "$mail/liaison.process/new" -type f | wc -l | tr -d ' ')" "$n" \
	"all filed"
is "$(count "SELECT count(*) FROM messages WHERE message_id LIKE 'burst-%'")" \
	"$n" "all stored"

# A user whose login shell is no Bourne shell (procmail takes SHELL from
# the passwd entry): the recipes still work, and SHELL is given back.
clear_mail
: >"$tap_tmp/procmail.log"
sed 's/<statement-2026-11@/<oddshell@/' "$data/process.eml" >"$tap_tmp/odd.eml"
deliver "$tap_tmp/odd.eml" SHELL=/bin/false
ok "$(test -n "$(only liaison.process)"; echo $?)" "SHELL=/bin/false: filed"
is "$(count "SELECT count(*) FROM messages WHERE \
message_id = 'oddshell@ietf.org'")" 1 "and stored"
deliver "$data/crlf.eml" SHELL=/bin/false
like "$(cat "$tap_tmp/procmail.log")" '^shell after: /bin/false$' \
	"the user's SHELL is back for the recipes after"

# The halves apart.
clear_mail
sed 's/<statement-2026-11@/<fileonly@/' "$data/process.eml" >"$tap_tmp/fo.eml"
deliver "$tap_tmp/fo.eml" LIAISON_INGEST=no
ok "$(test -n "$(only liaison.process)"; echo $?)" "LIAISON_INGEST=no: filed"
is "$(count "SELECT count(*) FROM messages WHERE \
message_id = 'fileonly@ietf.org'")" 0 "and not stored"
clear_mail
sed 's/<statement-2026-11@/<storeonly@/' "$data/process.eml" >"$tap_tmp/so.eml"
deliver "$tap_tmp/so.eml" LIAISON_FILE=no
got=$(only inbox)
ok $? "LIAISON_FILE=no: default delivery"
cmp -s "$got" "$tap_tmp/so.eml"
ok $? "untouched"
is "$(count "SELECT count(*) FROM messages WHERE \
message_id = 'storeonly@ietf.org'")" 1 "and stored"
tap_done
