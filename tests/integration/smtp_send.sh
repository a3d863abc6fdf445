#!/bin/bash
# smtp_send against real receivers on 127.0.0.1: Postfix's smtp-sink for
# delivery and faults, a private Postfix for STARTTLS, AUTH and per-recipient
# refusals. Speaks TAP. The helper tests/helpers/smtp_probe does the sending.
set -u
srcdir=${LIAISONBOT_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
tests=${LIAISONBOT_TESTS:-$srcdir/build/default/tests}
probe=$tests/smtp_probe
# shellcheck source=tests/lib/smtp.sh
. "$srcdir/tests/lib/smtp.sh"

count=0
failed=0
ok() {
	count=$((count + 1))
	if [ "$1" = 0 ]; then
		echo "ok $count - $2"
	else
		echo "not ok $count - $2"
		failed=$((failed + 1))
	fi
	[ "$1" = 0 ]
}
check() {	# check DESCRIPTION COMMAND...
	local what=$1

	shift
	"$@" >/dev/null 2>&1
	ok $? "$what"
}
diag() {
	sed 's/^/# /' "$@"
}

if [ ! -x "$probe" ]; then
	echo "Bail out! $probe not built (make unit-tests)"
	exit 1
fi
if ! smtp_need_sink; then
	echo "1..0 # SKIP $SMTP_SKIP_REASON"
	exit 0
fi
smtp_init
T=$SMTP_TMP

# A message with LF line ends (smtp_send adds the CRs), dot-stuffing cases
# and a line that is a lone dot.
cat >"$T/message" <<'EOF'
From: IAB Liaison Bot <liaisonbot@example.net>
To: Liaison <liaison@example.org>
Subject: Draft digest, week 47
Message-ID: <digest-2026-47@liaisonbot.example.net>
Date: Mon, 23 Nov 2026 08:00:00 +0000
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

Process
.
..two dots
.one dot
 -- end
EOF
printf '\n' >"$T/empty-line"
cat "$T/message" "$T/empty-line" >"$T/expected"

# send NAME ARGS...: run the probe, output in $T/NAME.out and .err, exit
# status in $T/NAME.rc. SMTP_PROBE_WRAPPER runs it under valgrind and such.
send() {
	local name=$1

	shift
	${SMTP_PROBE_WRAPPER:-} "$probe" "$@" >"$T/$name.out" 2>"$T/$name.err"
	echo $? >"$T/$name.rc"
}
rc() { cat "$T/$1.rc"; }
has() { grep -qx -- "$2" "$T/$1.out"; }
has_re() { grep -qE -- "$2" "$T/$1.out"; }
lines() { grep -c -- "$2" "$T/$1.out"; }
show() {	# on failure, the probe's output as TAP comments
	diag "$T/$1.out" "$T/$1.err"
}

from=liaisonbot-bounces@example.net
valgrind="valgrind -q --vgdb=no --leak-check=full --errors-for-leak-kinds=definite"
valgrind="$valgrind --error-exitcode=99"
sink_url() { echo "smtp://127.0.0.1:$SMTP_SINK_PORT"; }

# --- smtp-sink: delivery --------------------------------------------------
smtp_sink_start || { echo "Bail out! smtp-sink did not start"; exit 1; }
send plain --url "$(sink_url)" --starttls no --from "$from" \
    --to liaison@example.org --to iab-chair@example.org "$T/message"
ok "$(rc plain)" "delivered to smtp-sink" || show plain
check "outcome sent" has plain "outcome sent"
check "both recipients accepted" \
    test "$(lines plain '^rcpt .* accepted 250 ')" = 2
check "commit hook ran once" test "$(lines plain '^event committing$')" = 1
check "commit hook ran before the 250" test \
    "$(grep '^event ' "$T/plain.out" | cut -d' ' -f2 | tr '\n' ' ')" = \
    "committing accepted "
smtp_wait_files "$SMTP_SINK_DIR" 1
file=$(find "$SMTP_SINK_DIR" -type f | head -n 1)
check "one transaction stored" \
    test "$(find "$SMTP_SINK_DIR" -type f | wc -l)" = 1
smtp_body "$file" >"$T/plain.body"
check "message stored byte for byte" cmp "$T/expected" "$T/plain.body" ||
    diff "$T/expected" "$T/plain.body" | diag
check "envelope sender as configured" grep -qx "X-Mail-Args: <$from>" "$file"
check "envelope recipients as configured, in order" test \
    "$(grep '^X-Rcpt-Args:' "$file" | tr '\n' ' ')" = \
    "X-Rcpt-Args: <liaison@example.org> X-Rcpt-Args: <iab-chair@example.org> "
check "header From is not the envelope sender" \
    grep -q '^From: IAB Liaison Bot <liaisonbot@example.net>$' "$file"

# No line starts with a dot: libcurl sends exactly the size it was told.
printf 'Subject: no dots\n\nplain\n' >"$T/nodots"
send try --url "$(sink_url)" --starttls try --from "$from" \
    --to liaison@example.org "$T/nodots"
check "starttls=try sends in plaintext when STARTTLS is not offered" \
    test "$(rc try)" = 0
check "commit hook ran once without dot-stuffing too" \
    test "$(lines try '^event committing$')" = 1

before=$(find "$SMTP_SINK_DIR" -type f | wc -l)
send required --url "$(sink_url)" --starttls required --from "$from" \
    --to liaison@example.org "$T/message"
check "starttls=required without STARTTLS: permanent" test "$(rc required)" = 1
check "... says why" has_re required '^error .*STARTTLS'
check "... and sent nothing" test "$(lines required '^event ')" = 0
check "... no transaction stored" \
    test "$(find "$SMTP_SINK_DIR" -type f | wc -l)" = "$before"

send config --url "imap://127.0.0.1:$SMTP_SINK_PORT" --from "$from" \
    --to liaison@example.org "$T/message"
check "imap:// URL refused as config error" test "$(rc config)" = 78
send creds --url "smtp://u:p@127.0.0.1:$SMTP_SINK_PORT" --from "$from" \
    --to liaison@example.org "$T/message"
check "credentials in the URL refused" test "$(rc creds)" = 78
: >"$T/zero"
send empty --url "$(sink_url)" --starttls no --from "$from" \
    --to liaison@example.org "$T/zero"
check "empty message refused as input error" test "$(rc empty)" = 65
smtp_sink_stop

# --- smtp-sink: faults ----------------------------------------------------
# fault NAME WANT-EXIT WANT-COMMIT SINK-FLAGS...: one send against a sink
# started with those flags; WANT-COMMIT is how often the commit hook runs.
fault() {
	local name=$1 want=$2 commits=$3

	shift 3
	smtp_sink_start "$@" || { ok 1 "$name: smtp-sink $*"; return; }
	send "$name" --url "$(sink_url)" --starttls no --timeout 5 \
	    --from "$from" --to a@example.org --to b@example.org "$T/message"
	smtp_sink_stop
	ok "$([ "$(rc "$name")" = "$want" ]; echo $?)" \
	    "$name (smtp-sink $*): exit $want" || show "$name"
	check "$name: commit hook ran $commits times" \
	    test "$(lines "$name" '^event committing$')" = "$commits"
	check "$name: not accepted" \
	    test "$(lines "$name" '^event accepted')" = 0
}
fault rcpt-5xx 1 0 -f RCPT
check "rcpt-5xx: each recipient permanent" \
    test "$(lines rcpt-5xx '^rcpt .* permanent 500 ')" = 2
fault rcpt-4xx 75 0 -r RCPT
check "rcpt-4xx: each recipient temporary" \
    test "$(lines rcpt-4xx '^rcpt .* temporary 450 ')" = 2
fault mail-4xx 75 0 -r MAIL
fault mail-5xx 1 0 -f MAIL
fault mail-421 75 0 -Q MAIL
fault data-4xx 75 0 -r DATA
check "data-4xx: DATA reply recorded" has_re data-4xx '^data 450 '
fault data-5xx 1 0 -f DATA
fault dot-4xx 75 1 -r .
check "dot-4xx: end-of-data reply recorded" has_re dot-4xx '^data 450 '
fault dot-5xx 1 1 -f .
fault dot-hangup 75 1 -q .

port=$(smtp_free_port)
start=$(date +%s)
send down --url "smtp://127.0.0.1:$port" --starttls no --from "$from" \
    --to a@example.org "$T/message"
elapsed=$(($(date +%s) - start))
check "nothing listening: temporary" test "$(rc down)" = 75
check "nothing listening: fails within 5 s (took ${elapsed}s)" \
    test "$elapsed" -le 5

# stalled NAME SINK-FLAGS...: a send with a 2 s timeout to an smtp-sink
# that stalls somewhere; sets elapsed (seconds).
stalled() {
	local name=$1 start

	shift
	smtp_sink_start "$@" || ok 1 "$name: smtp-sink $*"
	start=$(date +%s)
	send "$name" --url "$(sink_url)" --starttls no --timeout 2 \
	    --from "$from" --to a@example.org "$T/message"
	elapsed=$(($(date +%s) - start))
	smtp_sink_stop
}
stalled slow -w 60
check "server stalls at DATA: temporary" test "$(rc slow)" = 75
check "server stalls: the 2 s timeout holds (took ${elapsed}s)" \
    test "$elapsed" -le 5
stalled slow-quit -W QUIT:60
check "server stalls at QUIT after accepting: sent" test "$(rc slow-quit)" = 0
check "server stalls at QUIT: bounded by the timeout (took ${elapsed}s)" \
    test "$elapsed" -le 6

smtp_sink_start || ok 1 "smtp-sink for commit hook failure"
send commit-fail --url "$(sink_url)" --starttls no --commit fail \
    --from "$from" --to a@example.org "$T/message"
smtp_sink_stop
check "commit hook refusing: temporary" test "$(rc commit-fail)" = 75
check "commit hook refusing: its error is reported" \
    has_re commit-fail '^error .*commit hook told to fail'
check "commit hook refusing: never accepted" \
    test "$(lines commit-fail '^event accepted')" = 0

# --- valgrind ---------------------------------------------------------------
if command -v valgrind >/dev/null && ! ldd "$probe" | grep -q libasan; then
	smtp_sink_start || ok 1 "smtp-sink for valgrind"
	SMTP_PROBE_WRAPPER=$valgrind \
	    send valgrind -v --url "$(sink_url)" --starttls no \
	    --from "$from" --to a@example.org --to b@example.org "$T/message"
	smtp_sink_stop
	ok "$(rc valgrind)" "valgrind: clean send to smtp-sink" || show valgrind
fi

# Under make SANITIZE=1 a report would otherwise pass for exit status 1.
sanitizer_clean() {
	local reports

	reports=$(grep -lE 'ERROR: [A-Za-z]+Sanitizer|runtime error:' \
	    "$T"/*.err)
	ok "$([ -z "$reports" ]; echo $?)" "no sanitizer report in any run" ||
	    echo "# see: $reports"
}

# --- a private Postfix: STARTTLS, AUTH, per-recipient refusals --------------
if ! smtp_postfix_start; then
	echo "ok $((count + 1)) # SKIP Postfix tests: $SMTP_SKIP_REASON"
	count=$((count + 1))
	sanitizer_clean
	echo "1..$count"
	[ "$failed" = 0 ]
	exit
fi
pf_url=smtp://localhost:$SMTP_PF_PORT
delivered() { find "$SMTP_PF_MAILDIR" -type f 2>/dev/null | wc -l; }
# The Maildir file holding what probe run NAME sent, found by the queue ID
# in Postfix's 250 (and its Received: header); waits for delivery. Only
# new/ and cur/: virtual(8) writes into tmp/ first, and a file found there
# is renamed away under the checks that read it.
delivered_file() {
	local id file

	id=$(sed -n 's/^data 250 .*queued as \([0-9A-F]*\)$/\1/p' "$T/$1.out")
	[ -n "$id" ] || return 1
	for _ in $(seq 100); do
		file=$(grep -rlF " id $id" "$SMTP_PF_MAILDIR/new" \
		    "$SMTP_PF_MAILDIR/cur" 2>/dev/null)
		[ -n "$file" ] && { echo "$file"; return 0; }
		sleep 0.1
	done
	return 1
}

send tls --url "$pf_url" --ca-file "$SMTP_CA" --from "$from" \
    --to liaison@example.org "$T/message"
ok "$(rc tls)" "STARTTLS with the right CA: sent" || show tls
tls_file=$(delivered_file tls)
check "STARTTLS: Postfix received it over TLS" \
    grep -q 'using TLS' "${tls_file:-/dev/null}"
check "STARTTLS: the body arrived intact" \
    grep -qx '..two dots' "${tls_file:-/dev/null}"

send wrong-ca --url "$pf_url" --ca-file "$SMTP_WRONG_CA" --from "$from" \
    --to liaison@example.org "$T/message"
check "STARTTLS with the wrong CA: permanent" test "$(rc wrong-ca)" = 1
check "wrong CA: says certificate" has_re wrong-ca '^error .*certificate'
check "wrong CA: nothing sent" test "$(lines wrong-ca '^event ')" = 0

send wrong-name --url "smtp://127.0.0.1:$SMTP_PF_PORT" --ca-file "$SMTP_CA" \
    --from "$from" --to liaison@example.org "$T/message"
check "right CA, wrong host name: permanent" test "$(rc wrong-name)" = 1

send no-verify --url "$pf_url" --ca-file "$SMTP_WRONG_CA" --no-verify \
    --from "$from" --to liaison@example.org "$T/message"
check "tls_verify=false with the wrong CA: sent" test "$(rc no-verify)" = 0

send smtps --url "smtps://localhost:$SMTP_PF_SMTPS_PORT" \
    --ca-file "$SMTP_CA" --from "$from" --to liaison@example.org "$T/message"
ok "$(rc smtps)" "smtps:// (TLS from the start): sent" || show smtps
send smtps-wrong --url "smtps://localhost:$SMTP_PF_SMTPS_PORT" \
    --ca-file "$SMTP_WRONG_CA" --from "$from" --to liaison@example.org \
    "$T/message"
check "smtps:// with the wrong CA: permanent" test "$(rc smtps-wrong)" = 1

send mixed --url "$pf_url" --ca-file "$SMTP_CA" --from "$from" \
    --to refused@example.org --to liaison@example.org \
    --to later@example.org "$T/message"
ok "$(rc mixed)" "one recipient refused, one deferred, one accepted: sent" ||
    show mixed
check "refused recipient recorded permanent, with the reply" \
    has_re mixed \
    '^rcpt refused@example.org permanent 550 5\.1\.1 .*refused by the test$'
check "accepted recipient recorded accepted" \
    has_re mixed '^rcpt liaison@example.org accepted 250 '
check "deferred recipient recorded temporary" \
    has_re mixed '^rcpt later@example.org temporary 450 4\.2\.1 .*try later$'
mixed_file=$(delivered_file mixed)
check "delivered to the accepted recipient only" test \
    "$(grep -h '^X-Original-To: ' "${mixed_file:-/dev/null}")" = \
    "X-Original-To: liaison@example.org"

send rcpt-all --url "$pf_url" --ca-file "$SMTP_CA" --from "$from" \
    --to refused@example.org --to later@example.org "$T/message"
check "no recipient accepted, one of them 4xx: temporary" \
    test "$(rc rcpt-all)" = 75

# AUTH: private@ takes mail from authenticated clients only.
send noauth --url "$pf_url" --ca-file "$SMTP_CA" --from "$from" \
    --to private@example.org "$T/message"
check "without AUTH the private recipient is refused" test "$(rc noauth)" = 1

for mech in PLAIN LOGIN; do
	send "auth-$mech" -v --url "$pf_url" --ca-file "$SMTP_CA" \
	    --user "$SMTP_AUTH_USER" \
	    --password-file "$SMTP_AUTH_PASSWORD_FILE" \
	    --login-options "AUTH=$mech" --from "$from" \
	    --to private@example.org "$T/message"
	ok "$(rc "auth-$mech")" "AUTH $mech: sent" || show "auth-$mech"
done
check "Postfix saw the authenticated sender" grep -qF \
    "(Authenticated sender: $SMTP_AUTH_USER)" "$(delivered_file auth-PLAIN)"

echo wrong-password >"$T/bad-password"
send badauth -v --url "$pf_url" --ca-file "$SMTP_CA" \
    --user "$SMTP_AUTH_USER" --password-file "$T/bad-password" \
    --from "$from" --to private@example.org "$T/message"
check "wrong password: permanent" test "$(rc badauth)" = 1
check "wrong password: the AUTH reply is reported" \
    has_re badauth '^error .*AUTH refused: 535 '

send auth-plaintext --url "$pf_url" --starttls no \
    --user "$SMTP_AUTH_USER" --password-file "$SMTP_AUTH_PASSWORD_FILE" \
    --from "$from" --to liaison@example.org "$T/message"
check "user set but AUTH not offered (no TLS): permanent, not sent" \
    test "$(rc auth-plaintext)" = 1 -a \
    "$(lines auth-plaintext '^event ')" = 0

# Nothing secret anywhere, at debug level: not the password, nor its base64
# forms (PLAIN's "\0user\0password", LOGIN's bare password).
secrets=("$SMTP_AUTH_PASSWORD" "wrong-password"
    "$(printf '\0%s\0%s' "$SMTP_AUTH_USER" "$SMTP_AUTH_PASSWORD" | base64 -w0)"
    "$(printf '%s' "$SMTP_AUTH_PASSWORD" | base64 -w0)"
    "$(printf '%s' "$SMTP_AUTH_PASSWORD" | base64 -w0 | tr -d =)")
leaks=0
for s in "${secrets[@]}"; do
	for f in "$T"/auth-*.out "$T"/auth-*.err "$T"/badauth.*; do
		grep -qF -- "$s" "$f" && { echo "# leak in $f"; leaks=1; }
	done
done
ok "$leaks" "no password in any output at debug level"
check "the debug transcript shows AUTH withheld" \
    grep -q 'AUTH PLAIN \[withheld\]' "$T/auth-PLAIN.err"
check "the debug transcript shows the envelope" \
    grep -q "> MAIL FROM:<$from>" "$T/auth-PLAIN.err"

# Crash at the commit point: the final "." never goes out, so the server
# must not accept the message.
before=$(delivered)
lost="lost connection after DATA ("
lost_before=$(grep -cF "$lost" "$SMTP_PF_LOG")
send crash --url "$pf_url" --ca-file "$SMTP_CA" --commit exit \
    --from "$from" --to liaison@example.org "$T/message"
check "crash at the commit point: the probe died there" \
    test "$(rc crash)" = 3 -a "$(lines crash '^event committing$')" = 1
smtp_wait_grep "$lost" "$SMTP_PF_LOG" $((lost_before + 1))
check "crash at the commit point: Postfix saw the session end inside DATA" \
    test "$(grep -cF "$lost" "$SMTP_PF_LOG")" -gt "$lost_before"
check "crash at the commit point: nothing delivered" \
    test "$(delivered)" = "$before"

send pf-commit-fail --url "$pf_url" --ca-file "$SMTP_CA" --commit fail \
    --from "$from" --to liaison@example.org "$T/message"
check "commit hook refusing against Postfix: temporary" \
    test "$(rc pf-commit-fail)" = 75

if command -v valgrind >/dev/null && ! ldd "$probe" | grep -q libasan; then
	SMTP_PROBE_WRAPPER=$valgrind \
	    send valgrind-tls -v --url "$pf_url" --ca-file "$SMTP_CA" \
	    --user "$SMTP_AUTH_USER" \
	    --password-file "$SMTP_AUTH_PASSWORD_FILE" \
	    --from "$from" --to private@example.org --to refused@example.org \
	    "$T/message"
	ok "$(rc valgrind-tls)" "valgrind: clean STARTTLS + AUTH send" ||
	    show valgrind-tls
fi

sanitizer_clean
echo "1..$count"
[ "$failed" = 0 ]
