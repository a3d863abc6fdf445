#!/bin/bash
# `liaisonbot run` against a private Dovecot on 127.0.0.1: every folder
# idles on its own connection and new mail arrives within seconds; idle
# cost (CPU, RSS); a wrong password is retried slowly; one daemon per
# store; SIGHUP with a broken and with a good config; SIGTERM when idle and
# in the middle of a large folder; bounded memory on large messages; a
# server without IDLE is polled.
set -u
. "$(dirname "$0")/../lib/tap.sh"
. "$LIAISONBOT_SRCDIR/tests/lib/imap.sh"
imap_test_init Second Third Big
dovecot_import Big "$mail" || dovecot_die "import"

now_ms() { echo $(($(date +%s%N) / 1000000)); }
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }	# utime + stime
status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

# deliver_and_time FOLDER N DB COUNT: deliver message N to FOLDER, wait
# (bounded) until DB holds COUNT messages. $latency: ms from the start of
# the delivery (doveadm save) to the message in the store, polling
# granularity included; $saved: ms the delivery itself took.
deliver_and_time() {
	_t0=$(now_ms)
	dovecot_deliver "$1" "$(msg "$2")"
	saved=$(($(now_ms) - _t0))
	imap_wait 15 imap_stored "$3" "$4"
	_rc=$?
	latency=$(($(now_ms) - _t0))
	return $_rc
}

# ---- D1: INBOX and Second, each on its own IDLE connection ----
db=$tap_tmp/d1.db
conf=$tap_tmp/d1.conf
imap_config "$conf" "$db" "folders = INBOX, Second" "batch_size = 20" \
    "[log]" "debug = daemon"
imap_daemon_start d1 "$conf" -v
d1=$daemon_pid
imap_wait 30 imap_log_has d1 "INBOX: idling" &&
    imap_wait 30 imap_log_has d1 "Second: idling"
imap_ok_log $? "run: both folders idle" d1
unlike "$(cat "$tap_tmp/d1.err")" "tls_verify" \
    "no tls_verify warning when verifying"

# While D1 idles on an empty store, DW runs with a wrong password
# (auth_retry = 5s): the idle window doubles as DW's retry window.
imap_config "$tap_tmp/dw.conf" "$tap_tmp/dw.db" "auth_retry = 5s" \
    "password = Not-The-Secret-42"
auth_failures() { grep -c "auth failed" "$DOVECOT_LOG"; }
base_failures=$(auth_failures)
cpu0=$(ticks "$d1")
t0=$(now_ms)
imap_daemon_start dw "$tap_tmp/dw.conf" -v -v
dw=$daemon_pid
# The wait is measured on our side: Dovecot itself delays each answer to
# a client that failed before (anvil's auth penalty).
imap_wait 15 imap_log_has dw "authentication failed.*retrying in 5s"
first=$(now_ms)
imap_wait 20 imap_log_has dw "connected \(TLS\)" 2
ok $? "wrong password: run keeps retrying"
gap=$(($(now_ms) - first))
diag "wrong password: next connection ${gap} ms after the refusal"
[ "$gap" -ge 4500 ]
ok $? "... not before auth_retry (5s) has passed"
# The rest of a 10 s window with nothing to do: the idle-cost measurement.
left=$((10000 - ($(now_ms) - t0)))
[ "$left" -gt 0 ] && sleep "$(printf '%d.%03d' $((left / 1000)) \
    $((left % 1000)))"
cpu=$(($(ticks "$d1") - cpu0))
window=$(($(now_ms) - t0))
tries=$(($(auth_failures) - base_failures))
anon=$(status_kb "$d1" RssAnon)
diag "idle: $cpu CPU ticks in $window ms, VmRSS $(status_kb "$d1" VmRSS) kB" \
    "(RssAnon $anon kB, the rest shared library pages)," \
    "VmHWM $(status_kb "$d1" VmHWM) kB"
[ "$cpu" -le 50 ]
ok $? "idle: no busy loop ($cpu ticks of $(getconf CLK_TCK)/s in ${window} ms)"
if [ -n "$imap_mode" ]; then
	ok 0 "# SKIP private memory under $imap_mode"
else
	[ "$anon" -lt 10240 ]
	ok $? "idle: private memory (RssAnon) under 10 MB"
fi
diag "wrong password: $tries logins refused in $window ms"
[ "$tries" -le 3 ]
ok $? "wrong password: not hammered ($tries tries in $window ms)"
like "$(cat "$tap_tmp/dw.err")" "authentication failed.*retrying in 5s" \
    "wrong password: a clear message and the next try"
unlike "$(cat "$tap_tmp/dw.err")" "Not-The-Secret-42" \
    "wrong password: the password is not logged, even with -v -v"
kill -TERM "$dw"
imap_wait_exit "$dw" 10
is "$imap_status" 0 "wrong password: SIGTERM ends the retrying daemon (0)"

# ---- IDLE latency, one folder after the other ----
deliver_and_time INBOX 1 "$db" 1
ok $? "IDLE: a message delivered to INBOX is stored"
diag "IDLE latency INBOX: $latency ms (doveadm save: $saved ms)"
deliver_and_time Second 2 "$db" 2
ok $? "IDLE: a message delivered to Second is stored (it idles too)"
diag "IDLE latency Second: $latency ms (doveadm save: $saved ms)"
deliver_and_time INBOX 3 "$db" 3
ok $? "IDLE: again in INBOX (IDLE re-issued after a sync)"
diag "IDLE latency INBOX again: $latency ms (doveadm save: $saved ms)"

# ---- one daemon per store ----
imap_daemon_start d1b "$conf"
imap_wait_exit "$daemon_pid" 15
is "$imap_status" 75 "a second run on the same store: refused (75)"
like "$(cat "$tap_tmp/d1b.err")" "another liaisonbot \(pid $d1\) is running" \
    "... naming the running one"
"$LIAISONBOT" -c "$conf" poll --once >/dev/null 2>"$tap_tmp/poll.err"
is "$?" 75 "poll --once on the same store: refused too (75)"

# ---- SIGHUP ----
cp "$conf" "$tap_tmp/d1.good"
echo "poll_interval = banana" >>"$conf"
kill -HUP "$d1"
imap_wait 15 imap_log_has d1 "reload refused"
imap_ok_log $? "SIGHUP with a broken config: refused" d1
like "$(cat "$tap_tmp/d1.err")" "d1.conf:[0-9]+: .*poll_interval" \
    "... with the file, line and key"
imap_alive "$d1"
ok $? "... and the daemon keeps running"
deliver_and_time INBOX 4 "$db" 4
ok $? "... with the old config in force: still ingesting"
# A good config naming a rules file that is not there: refused as well,
# and none of it applies, not even its [log] level.
{
	sed "s|^rules = .*|rules = $tap_tmp/no-such-rules.conf|" \
	    "$tap_tmp/d1.good"
	printf '[log]\nlevel = error\n'
} >"$conf"
kill -HUP "$d1"
imap_wait 15 imap_log_has d1 "reload refused" 2
imap_ok_log $? "SIGHUP with a missing rules file: refused too" d1
like "$(cat "$tap_tmp/d1.err")" "no-such-rules.conf" "... naming it"

imap_config "$conf" "$db" "folders = INBOX, Second, Third" \
    "batch_size = 20" "[log]" "debug = daemon"
sed -i 's/^\[classify\]$/&\nthreads = 3/' "$conf"
kill -HUP "$d1"
imap_wait 20 imap_log_has d1 "Third: idling"
imap_ok_log $? "SIGHUP with a good config: the new folder is followed" d1
# (The valgrind wrapper holds every run to one thread.)
want_threads=3
[ "$imap_mode" = valgrind ] && want_threads=1
last_threads=$(grep -o 'parse threads: [0-9]*' "$tap_tmp/d1.err" | tail -n 1)
is "$last_threads" "parse threads: $want_threads" \
    "... and its [classify] threads"
is "$(grep -c 'reloading' "$tap_tmp/d1.err")" 3 \
    "... its 'reloading' line at level info: the refused [log] never applied"
deliver_and_time Third 5 "$db" 5
ok $? "... and its mail arrives"
deliver_and_time Second 6 "$db" 6
ok $? "... and the old folders still do"

# ---- mail delivered while a sync is under way ----
# 300 messages arrive at once (15 batches); one more comes in the middle
# of their sync. It must not wait for the next IDLE refresh (see also
# imap_exists.sh, which makes this happen every time).
burst=$((imap_big * 3 / 20))
mkdir -p "$tap_tmp/burst"
for i in $(seq 101 $((100 + burst))); do
	cp "$(msg "$i")" "$tap_tmp/burst/"
done
dovecot_import INBOX "$tap_tmp/burst"
imap_wait 30 imap_at_least "$db" 26
n=$(imap_count "$db")
dovecot_deliver INBOX "$(msg $((101 + burst)))"
stored=$((7 + burst))
imap_wait 30 imap_stored "$db" $stored
imap_ok_log $? "a message delivered during a sync (at $n of $((stored - 1)))\
 arrives too" d1
rm -rf "$tap_tmp/burst"

# ---- bounded memory: 24 messages of 1.4 MB in one FETCH ----
large_message() {	# large_message N: 1 MB of $tap_tmp/att attached
	printf 'From: a@example.org\r\nSubject: large %d\r\n' "$1"
	printf 'Message-ID: <large%d@test.example>\r\n' "$1"
	printf 'Date: Mon, 6 May 2024 10:00:00 +0000\r\nMIME-Version: 1.0\r\n'
	printf 'Content-Type: multipart/mixed; boundary=b\r\n\r\n'
	printf -- '--b\r\nContent-Type: text/plain\r\n\r\nAttached.\r\n'
	printf -- '--b\r\nContent-Type: application/octet-stream\r\n'
	printf 'Content-Transfer-Encoding: base64\r\n\r\n'
	cat "$tap_tmp/att"
	printf -- '--b--\r\n'
}
# (Not under valgrind: minutes for nothing, its figures are its own.)
if [ "$imap_mode" != valgrind ]; then
	big_dir=$tap_tmp/large
	mkdir -p "$big_dir"
	head -c 1048576 /dev/urandom | base64 -w 76 | sed 's/$/\r/' \
	    >"$tap_tmp/att"
	for i in $(seq 1 24); do
		large_message "$i" >"$big_dir/$i.eml"
	done
	rm -f "$tap_tmp/att"
	total_kb=$(du -sk "$big_dir" | cut -f1)
	hwm0=$(status_kb "$d1" VmHWM)
	dovecot_import Third "$big_dir"
	imap_wait 60 imap_stored "$db" $((stored + 24))
	ok $? "24 large messages (${total_kb} kB) stored"
	hwm1=$(status_kb "$d1" VmHWM)
	diag "peak RSS (VmHWM) $hwm0 kB before, $hwm1 kB after"
	if [ -n "$imap_mode" ]; then
		ok 0 "# SKIP peak RSS under $imap_mode (freed memory is kept)"
	else
		[ $((hwm1 - hwm0)) -lt $((total_kb / 2)) ]
		ok $? "bounded memory: the peak grew by less than half\
 the folder"
	fi
	rm -rf "$big_dir"
fi

# ---- quiet for 10 s: memory given back (memtrim.c) ----
# The amount is the benchmark's business (tests/bench); here only that an
# idling daemon does it, and again after new activity.
trims=$(grep -c "memory trimmed" "$tap_tmp/d1.err")
imap_wait 30 imap_log_has d1 "memory trimmed" $((trims + 1))
imap_ok_log $? "idle for 10 s: the daemon trims its memory" d1
imap_alive "$d1"
ok $? "... and keeps running"

# ---- SIGTERM when idle: exit 0, log out ----
logouts() { grep -c "Logged out" "$DOVECOT_LOG"; }
base_logouts=$(logouts)
kill -TERM "$d1"
imap_wait_exit "$d1" 10
is "$imap_status" 0 "SIGTERM while idling: exit 0"
imap_log_has d1 "stopped$"
ok $? "... logged"
imap_wait 5 eval '[ $(logouts) -ge $((base_logouts + 3)) ]'
ok $? "... each of the 3 connections logged out"

# ---- SIGTERM in the middle of a large folder ----
db2=$tap_tmp/d2.db
imap_config "$tap_tmp/d2.conf" "$db2" "folders = Big" \
    "batch_size = $((imap_big / 20))" "tls_verify = false"
imap_daemon_start d2 "$tap_tmp/d2.conf"
d2=$daemon_pid
imap_wait 10 imap_log_has d2 "warn: .*tls_verify = false"
ok $? "tls_verify = false: warned at start"
imap_wait 60 imap_at_least "$db2" $((imap_big / 20))
t0=$(now_ms)
kill -TERM "$d2"
imap_wait_exit "$d2" 15
is "$imap_status" 0 "SIGTERM during the sync of $imap_big messages: exit 0"
diag "stopped $(($(now_ms) - t0)) ms after SIGTERM"
n=$(imap_count "$db2")
[ "$n" -lt $imap_big ]
ok $? "... mid-folder ($n stored)"
is "$(imap_sync_field "$db2" Big last_uid)" "$n" \
    "... what was fetched is committed with its UID"
"$LIAISONBOT" -c "$tap_tmp/d2.conf" poll --once >"$tap_tmp/d2.out" \
    2>/dev/null
is "$?.$(cat "$tap_tmp/d2.out")" "0.Big: $((imap_big - n)) new" \
    "the next run resumes where it stopped"
imap_exactly_once "$db2" 1 $imap_big
ok $? "... every message stored exactly once"

# ---- a server without IDLE: polled every poll_interval ----
echo "imap_capability = IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE" \
    "LITERAL+ UIDPLUS" >>"$DOVECOT_CONF"
dovecot_restart
db3=$tap_tmp/d3.db
imap_config "$tap_tmp/d3.conf" "$db3" "poll_interval = 10s" "[log]" \
    "debug = daemon"
imap_daemon_start d3 "$tap_tmp/d3.conf" -v
d3=$daemon_pid
imap_wait 30 imap_log_has d3 "INBOX: no IDLE, polling every 10s"
imap_ok_log $? "no IDLE offered: polling every poll_interval" d3
n=$(imap_count "$db3")
t0=$(now_ms)
dovecot_deliver INBOX "$(msg 7)"
imap_wait 30 imap_stored "$db3" $((n + 1))
ok $? "... and new mail arrives by polling"
diag "polling latency: $(($(now_ms) - t0)) ms (poll_interval 10s)"
kill -INT "$d3"
imap_wait_exit "$d3" 10
is "$imap_status" 0 "... SIGINT: exit 0"

tap_done
