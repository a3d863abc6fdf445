#!/bin/sh
# imap_conn.sh: src/imap_conn.c and src/tls.c against a real private Dovecot
# on 127.0.0.1, through tests/helpers/imap_probe. TAP.
set -u
cd "$(dirname "$0")/../.."
LIAISONBOT_SRCDIR=$PWD
export LIAISONBOT_SRCDIR
probe_bin=${LIAISONBOT_TESTS:-$PWD/build/default/tests}/imap_probe
. tests/lib/dovecot.sh
. tests/lib/messages.sh

if [ ! -x "$probe_bin" ]; then
	echo "1..0 # SKIP $probe_bin not built (make unit-tests)"
	exit 0
fi

n=0
ok()
{
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		for f in "$T/out" "$T/err"; do
			[ -s "$f" ] && sed 's/^/# /' "$f"
		done
	fi
}

# probe [options] COMMAND...: runs the probe as the test user, output in
# $T/out and $T/err, status in $rc. Bounded: a hang fails, never blocks.
probe()
{
	timeout 60 "$probe_bin" --user "$DOVECOT_USER" \
		--password-env DOVECOT_PASSWORD --timeout 10 "$@" \
		>"$T/out" 2>"$T/err"
	rc=$?
}
imaps()
{
	probe --port "$DOVECOT_IMAPS_PORT" --ca-file "$DOVECOT_CA" "$@"
}
has()
{
	grep -q -- "$1" "$2"
}

trap 'dovecot_stop' EXIT
trap 'exit 1' INT TERM HUP
dovecot_start
T=$DOVECOT_DIR/test
mkdir -p "$T"

# Three messages: one with 8-bit bytes, a lone "." line and a long line.
messages_generate "$T/msg" 2 3000
printf 'Subject: =?utf-8?q?caf=C3=A9?=\r\nMessage-ID: <eight@test>\r\n\r\ncaf\303\251 \377\r\n.\r\n%0999d\r\n' 7 \
	>"$T/msg/00003.eml"
dovecot_deliver INBOX "$T/msg"/0000*.eml
# INTERNALDATE of a Maildir message is its file time.
touch -d @1577934245 "$DOVECOT_DIR/mail/Maildir/new/"*

# --- IMAPS, select, fetch -------------------------------------------------
imaps select INBOX
[ $rc -eq 0 ] && has '^uidvalidity [1-9][0-9]* uidnext 4 exists 3$' "$T/out"
ok $? "IMAPS login and select: UIDVALIDITY, UIDNEXT, EXISTS"
uidvalidity=$(cut -d' ' -f2 "$T/out")

mkdir -p "$T/fetched"
imaps --batch 2 fetch INBOX "$T/fetched"
ok $rc "IMAPS fetch of 3 messages in batches of 2"
same=0
for i in 1 2 3; do
	cmp -s "$T/msg/0000$i.eml" "$T/fetched/$i" && same=$((same + 1))
done
[ $same -eq 3 ]
ok $? "fetched bytes are identical to what was delivered ($same of 3)"
[ "$(grep -c 'internaldate 1577934245$' "$T/out")" -eq 3 ]
ok $? "INTERNALDATE reported as Unix time"
dovecot_doveadm fetch -u "$DOVECOT_USER" flags mailbox INBOX all |
	grep -q Seen
[ $? -ne 0 ]
ok $? "fetch uses BODY.PEEK: no message got \\Seen"

imaps fetch INBOX "$T/fetched2" 2
[ $rc -ne 0 ] # no such directory: the callback's error stops the fetch
ok $? "a failing callback fails the fetch (status $rc)"
mkdir -p "$T/fetched2"
imaps --mark-seen fetch INBOX "$T/fetched2" 2
[ $rc -eq 0 ] && has '^fetched 1$' "$T/out" && [ -f "$T/fetched2/3" ] &&
	[ ! -f "$T/fetched2/2" ]
ok $? "fetch after UID 2 brings only UID 3"
[ "$(dovecot_doveadm fetch -u "$DOVECOT_USER" flags mailbox INBOX uid 3)" = \
	'flags: \Seen' ] &&
	! dovecot_doveadm fetch -u "$DOVECOT_USER" flags mailbox INBOX uid 2 |
	grep -q Seen
ok $? "mark_seen sets \\Seen on the fetched message only"

imaps fetch INBOX "$T/fetched2" 3
[ $rc -eq 0 ] && has '^fetched 0$' "$T/out"
ok $? "nothing above the highest UID (n:* quirk filtered)"

# --- TLS modes and verification -------------------------------------------
probe --port "$DOVECOT_IMAP_PORT" --tls starttls --ca-file "$DOVECOT_CA" \
	select INBOX
ok $rc "STARTTLS with verification"
probe --host localhost --port "$DOVECOT_IMAPS_PORT" --ca-file "$DOVECOT_CA" \
	login
ok $rc "IMAPS by host name (DNS subjectAltName)"

probe --port "$DOVECOT_IMAP_PORT" --tls none select INBOX
[ $rc -eq 78 ] && has "allow_plaintext" "$T/err" &&
	! has "$DOVECOT_PASSWORD" "$T/err"
ok $? "tls none refused without allow_plaintext (status $rc)"
probe --port "$DOVECOT_IMAP_PORT" --tls none --allow-plaintext select INBOX
ok $rc "tls none with allow_plaintext"

probe --port "$DOVECOT_WRONG_IMAPS_PORT" --ca-file "$DOVECOT_WRONG_CA" login
[ $rc -eq 1 ] && has "TLS certificate not trusted" "$T/err" &&
	has "name in the certificate does not match" "$T/err" &&
	! has "issuer is unknown" "$T/err"
ok $? "certificate for another host name refused"
probe --port "$DOVECOT_IMAPS_PORT" --ca-file "$DOVECOT_WRONG_CA" login
[ $rc -eq 1 ] && has "imap 127.0.0.1:$DOVECOT_IMAPS_PORT: TLS certificate not trusted" "$T/err" &&
	has "issuer is unknown" "$T/err"
ok $? "self-signed certificate not in ca_file refused"
probe --port "$DOVECOT_IMAPS_PORT" login
[ $rc -eq 1 ] && has "issuer is unknown" "$T/err"
ok $? "self-signed certificate refused by the system trust store"
probe --port "$DOVECOT_IMAP_PORT" --tls starttls --ca-file "$DOVECOT_WRONG_CA" \
	login
[ $rc -eq 1 ] && has "TLS certificate not trusted" "$T/err"
ok $? "STARTTLS verifies too"
probe --port "$DOVECOT_WRONG_IMAPS_PORT" --no-verify login
ok $rc "tls_verify = false accepts the wrong host name"
probe --port "$DOVECOT_IMAPS_PORT" --ca-file "$DOVECOT_WRONG_CA" --no-verify \
	login
ok $rc "tls_verify = false accepts an unknown issuer"

# --- authentication -------------------------------------------------------
imaps --password 'Wr0ng-Secret' login
[ $rc -eq 1 ] &&
	has "imap $DOVECOT_USER@127.0.0.1: authentication failed: " "$T/err" &&
	! has 'Wr0ng-Secret' "$T/err" && ! has 'Wr0ng-Secret' "$T/out"
ok $? "wrong password: permanent error without the password (status $rc)"
imaps -v login
[ $rc -eq 0 ] && ! has "$DOVECOT_PASSWORD" "$T/err"
ok $? "debug output never shows the password"
imaps --auth plain login
ok $rc "AUTHENTICATE PLAIN"
imaps --auth xoauth2 login
[ $rc -eq 0 ] && has "method=XOAUTH2" "$DOVECOT_LOG"
ok $? "AUTHENTICATE XOAUTH2 (Dovecot checks the token as a password)"
imaps --auth xoauth2 --password 'bad-token' login
[ $rc -eq 1 ] && has "authentication failed" "$T/err" &&
	! has 'bad-token' "$T/err"
ok $? "XOAUTH2 with a bad token: permanent error"

# --- folders, APPEND, SEARCH ----------------------------------------------
imaps select Nope
[ $rc -eq 1 ] && has "folder Nope: " "$T/err"
ok $? "missing folder: permanent error"
imaps append Drafts "$T/msg/00001.eml" draft,seen
[ $rc -eq 1 ] && has "append to folder Drafts" "$T/err" &&
	! dovecot_doveadm mailbox list -u "$DOVECOT_USER" | grep -q Drafts
ok $? "APPEND to a missing folder fails and creates nothing"
dovecot_mkfolder Drafts
imaps append Drafts "$T/msg/00001.eml" draft,seen
flags=$(dovecot_doveadm fetch -u "$DOVECOT_USER" flags mailbox Drafts uid 1)
[ $rc -eq 0 ] && has '^appended uid 1$' "$T/out" &&
	echo "$flags" | grep -q 'Draft' && echo "$flags" | grep -q 'Seen'
ok $? "APPEND with \\Draft and \\Seen reports the new UID"
imaps append Drafts "$T/msg/00002.eml"
ok $rc "APPEND without flags"
imaps search Drafts '<1.42@test.example>'
[ $rc -eq 0 ] && has '^uid 1$' "$T/out" && has '^found 1$' "$T/out"
ok $? "SEARCH HEADER Message-ID finds the appended draft"
imaps search Drafts '<nobody@test.example>'
[ $rc -eq 0 ] && has '^found 0$' "$T/out"
ok $? "SEARCH HEADER Message-ID for an unknown id finds nothing"
imaps search Drafts "$(printf '<bad\001@x>')"
[ $rc -eq 65 ]
ok $? "a Message-ID with control characters is refused as input"
dovecot_mkfolder "Entwürfe"
imaps select "Entwürfe"
ok $rc "folder with a non-ASCII name (modified UTF-7)"

# --- UIDVALIDITY reset helper ---------------------------------------------
dovecot_reset_uidvalidity INBOX
imaps select INBOX
[ $rc -eq 0 ] && ! has "^uidvalidity $uidvalidity " "$T/out"
ok $? "dovecot_reset_uidvalidity gives INBOX a new UIDVALIDITY"

# --- IDLE -----------------------------------------------------------------
imaps idle INBOX 1
[ $rc -eq 0 ] && has '^no new mail' "$T/out"
ok $? "IDLE ends quietly when nothing arrives"
# idle_in_background: the probe idles on INBOX (up to 30 s); returns once
# it says it is idling (bounded wait), its PID in $idle_pid.
idle_in_background()
{
	: >"$T/idle.out"
	timeout 60 "$probe_bin" --user "$DOVECOT_USER" \
		--password-env DOVECOT_PASSWORD --port "$DOVECOT_IMAPS_PORT" \
		--ca-file "$DOVECOT_CA" idle INBOX 30 >"$T/idle.out" \
		2>"$T/idle.err" &
	idle_pid=$!
	i=0
	until has '^idling' "$T/idle.out" || [ $i -ge 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}
idle_in_background
dovecot_deliver INBOX "$T/msg/00001.eml"
wait $idle_pid
rc=$?
[ $rc -eq 0 ] && has '^new mail after [0-9]' "$T/idle.out" &&
	awk '/^new mail after/ { exit !($4 < 10) }' "$T/idle.out"
ok $? "IDLE wakes on a delivery: $(tail -n1 "$T/idle.out")"

idle_in_background
start=$(date +%s)
dovecot_kill
wait $idle_pid
rc=$?
elapsed=$(($(date +%s) - start))
[ $rc -eq 75 ] && [ $elapsed -lt 10 ]
ok $? "server killed during IDLE: temporary error after ${elapsed} s: $(cat "$T/idle.err")"
dovecot_restart

# --- memory: once under valgrind (not for sanitizer builds) ---------------
if ! command -v valgrind >/dev/null || ldd "$probe_bin" | grep -q libasan; then
	n=$((n + 1))
	echo "ok $n # SKIP no valgrind, or a sanitizer build"
else
	mkdir -p "$T/vg"
	timeout 120 valgrind -q --vgdb=no --leak-check=full \
		--errors-for-leak-kinds=definite --error-exitcode=99 \
		--suppressions=tests/lib/libetpan.supp "$probe_bin" \
		--user "$DOVECOT_USER" --password-env DOVECOT_PASSWORD \
		--port "$DOVECOT_IMAP_PORT" --tls starttls --auth plain \
		--ca-file "$DOVECOT_CA" --batch 2 --mark-seen fetch INBOX \
		"$T/vg" >"$T/out" 2>"$T/err"
	rc=$?
	[ $rc -eq 0 ] && [ ! -s "$T/err" ]
	ok $? "valgrind: STARTTLS, PLAIN, fetch, mark_seen clean (status $rc)"
fi

# --- faults ---------------------------------------------------------------
port=$(dovecot_free_port)
probe --port "$port" login
[ $rc -eq 75 ] && has "connect: Connection refused" "$T/err"
ok $? "connection refused: temporary error (status $rc)"

dovecot_mkfolder Big
messages_generate "$T/big" 150 200000
dovecot_import Big "$T/big" >/dev/null
mkdir -p "$T/killed" "$T/stopped"
hook=". '$LIAISONBOT_SRCDIR/tests/lib/dovecot.sh' && dovecot_kill"
start=$(date +%s)
imaps --batch 50 --hook-after 3 --hook "$hook" fetch Big "$T/killed"
[ $rc -eq 75 ] && has "^imap_probe: imap 127.0.0.1:$DOVECOT_IMAPS_PORT: " "$T/err" &&
	[ "$(date +%s)" -lt $((start + 30)) ] &&
	[ "$(grep -c '^uid ' "$T/out")" -lt 150 ]
ok $? "server killed mid-fetch: temporary error, no hang (status $rc, $(grep -c '^uid ' "$T/out") fetched): $(cat "$T/err")"
dovecot_restart
imaps bench Big
[ $rc -eq 0 ] && has '^fetched 150$' "$T/out"
ok $? "after a restart the fetch completes"

# A server that stops answering: the read timeout ends the wait.
hook=". '$LIAISONBOT_SRCDIR/tests/lib/dovecot.sh' && dovecot_freeze"
start=$(date +%s)
imaps --timeout 2 --batch 50 --hook-after 3 --hook "$hook" fetch Big \
	"$T/stopped"
elapsed=$(($(date +%s) - start))
dovecot_thaw
[ $rc -eq 75 ] && has "timed out after 2 s" "$T/err" && [ $elapsed -lt 20 ]
ok $? "frozen server: read timeout, temporary error after ${elapsed} s"

echo "1..$n"
