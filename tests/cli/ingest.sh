#!/bin/sh
# ingest: files, mbox (LF, CRLF, mboxrd), Maildir and stdin; replays are
# duplicates; a busy store is exit 75 and loses nothing.
. "$(dirname "$0")/../lib/tap.sh"
data=$LIAISONBOT_SRCDIR/tests/data/cli
conf=$tap_tmp/lb.conf
write_config "$conf"
db=$tap_tmp/store.db
count() { sqlite3 "$db" "$1"; }

err=$("$LIAISONBOT" -c "$conf" ingest "$data/process.eml" \
	"$data/routine.eml" "$data/confidential.eml" 2>&1)
ok $? "ingest files: exit 0"
is "$err" "ingested 3, duplicates 0, flagged 0" "summary on stderr"
err=$("$LIAISONBOT" -c "$conf" ingest "$data/process.eml" \
	"$data/routine.eml" "$data/confidential.eml" 2>&1)
is "$err" "ingested 0, duplicates 3, flagged 0" "replay: all duplicates"
is "$(count "SELECT category, breaking, confidential FROM messages WHERE \
message_id = 'statement-2026-11@ietf.org'")" "process|1|0" \
	"stored with its verdict"
is "$(count "SELECT count(*) FROM public_messages")" 2 \
	"the confidential message is stored but not public"
is "$(count "PRAGMA integrity_check")" ok "store passes integrity_check"
is "$(count "PRAGMA journal_mode")" wal "store in WAL mode"

# mbox, mboxrd-quoted, LF then CRLF.
mbox=$tap_tmp/box
{
	printf 'From x@y Thu Nov 19 10:00:00 2026\n'
	printf 'Message-ID: <m1@example.org>\nSubject: one\n'
	printf 'From: A <a@example.org>\nDate: Thu, 19 Nov 2026 10:00 +0000\n\n'
	printf '>From the start\n>>From twice\n\n'
	printf 'From x@y Thu Nov 19 11:00:00 2026\n'
	printf 'Message-ID: <m2@example.org>\nSubject: two\n'
	printf 'From: B <b@example.org>\nDate: Thu, 19 Nov 2026 11:00 +0000\n\nbody\n'
} >"$mbox"
err=$("$LIAISONBOT" -c "$conf" ingest --mbox "$mbox" 2>&1)
is "$err" "ingested 2, duplicates 0, flagged 0" "mbox: two messages"
raw=$(count "SELECT CAST(raw AS TEXT) FROM raw_messages r JOIN messages m \
ON m.id = r.message WHERE m.message_id = 'm1@example.org'")
like "$raw" '^From the start$' "mboxrd: >From unquoted"
like "$raw" '^>From twice$' "mboxrd: >>From loses one level"
sed 's/$/\r/' "$mbox" | sed 's/<m\([12]\)@/<c\1@/' >"$tap_tmp/crlf.box"
err=$("$LIAISONBOT" -c "$conf" ingest --mbox "$tap_tmp/crlf.box" 2>&1)
is "$err" "ingested 2, duplicates 0, flagged 0" "CRLF mbox: two messages"

# Maildir: cur/ and new/, nothing moved.
mkdir -p "$tap_tmp/md/cur" "$tap_tmp/md/new" "$tap_tmp/md/tmp"
sed 's/<statement-2026-11@/<md1@/' "$data/process.eml" >"$tap_tmp/md/new/1.x"
sed 's/<lc-draft/<md2/' "$data/routine.eml" >"$tap_tmp/md/cur/2.x:2,S"
err=$("$LIAISONBOT" -c "$conf" ingest --maildir "$tap_tmp/md" 2>&1)
is "$err" "ingested 2, duplicates 0, flagged 0" "Maildir: two messages"
test -e "$tap_tmp/md/new/1.x"
ok $? "Maildir left as it was"

# stdin, as procmail or Sieve pipe it.
sed 's/<m1@/<pipe@/' "$mbox" | tail -n +2 >"$tap_tmp/pipe.eml"
"$LIAISONBOT" -c "$conf" ingest - <"$tap_tmp/pipe.eml" 2>/dev/null
is $? 0 "ingest - : exit 0 when stored"
"$LIAISONBOT" -c "$conf" ingest - <"$tap_tmp/pipe.eml" 2>/dev/null
is $? 0 "ingest - : a duplicate is success too"

# No Message-ID: a stable hash, so a replay is still a duplicate.
printf 'From: a@example.org\nSubject: no id\nDate: Thu, 19 Nov 2026 10:00:00 +0000\n\nhello\n' >"$tap_tmp/noid.eml"
err=$("$LIAISONBOT" -c "$conf" ingest "$tap_tmp/noid.eml" 2>&1)
like "$err" "ingested 1, duplicates 0, flagged 1" "missing Message-ID: stored, flagged"
err=$("$LIAISONBOT" -c "$conf" ingest "$tap_tmp/noid.eml" 2>&1)
like "$err" "ingested 0, duplicates 1" "and recognised on replay"

# A store held by another writer: exit 75, and the message is not lost.
sed 's/<m1@/<busy@/' "$mbox" | tail -n +2 >"$tap_tmp/busy.eml"
mkfifo "$tap_tmp/hold"
sqlite3 "$db" "BEGIN EXCLUSIVE; SELECT 1;" ".read $tap_tmp/hold" >/dev/null &
holder=$!
wait_for 5 sh -c "! sqlite3 '$db' 'BEGIN IMMEDIATE; COMMIT;' 2>/dev/null"
"$LIAISONBOT" -c "$conf" ingest - <"$tap_tmp/busy.eml" 2>"$tap_tmp/err"
is $? 75 "store locked: exit 75 (EX_TEMPFAIL)"
like "$(cat "$tap_tmp/err")" "locked|busy" "the error says why"
echo "COMMIT;" >"$tap_tmp/hold"
wait "$holder"
"$LIAISONBOT" -c "$conf" ingest - <"$tap_tmp/busy.eml" 2>/dev/null
is $? 0 "the MDA's retry stores it"
is "$(count "SELECT count(*) FROM messages WHERE message_id = 'busy@example.org'")" 1 \
	"exactly once"

"$LIAISONBOT" -c "$conf" ingest "$tap_tmp/nonexistent.eml" 2>/dev/null
is $? 65 "unreadable input: exit 65"
"$LIAISONBOT" -c "$conf" ingest 2>/dev/null
is $? 64 "no arguments: exit 64"
tap_done
