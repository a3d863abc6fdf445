# imap.sh: helpers for the IMAP tests of poll and run (tests/integration/
# imap_*.sh), over the private Dovecot of dovecot.sh. Source tap.sh first;
# this sources dovecot.sh and messages.sh. bash.
#
#   imap_test_init [FOLDER...]
#       skip without sqlite3; start Dovecot, stopped at exit after every
#       daemon started here (append more hooks to tap_cleanup_hooks
#       before it); $imap_big generated messages in $mail, `msg N` names
#       the Nth; creates each FOLDER
#   imap_wait SECONDS COMMAND...  wait_for, SECONDS scaled by $imap_slow
#
# How liaisonbot was built decides the sizes: $imap_big (messages in a
# "large" folder: 2000, 200 under valgrind, where a message costs fifty
# times more), $imap_slow (factor for bounded waits: 1, 3 under ASan, 10
# under valgrind) and $imap_mode ("", "asan" or "valgrind": measurements
# of time and memory mean nothing under the last two).
#   imap_config FILE DB [EXTRA-LINES...]
#       a config whose store is DB and whose [imap] section logs in to the
#       private Dovecot over IMAPS, trusting its CA; extra lines are added
#       to [imap] (a key given again overrides the earlier one)
#   imap_count DB [WHERE]      messages stored (optionally WHERE ...)
#   imap_stored DB N [WHERE]   succeeds when exactly N are stored
#   imap_at_least DB N [WHERE] succeeds when at least N are stored
#   imap_sync_field DB FOLDER FIELD   a column of sync_state
#   imap_integrity DB          PRAGMA integrity_check ("ok")
#   imap_exactly_once DB FIRST LAST [ORIGIN]  the stored Message-IDs are
#       exactly <FIRST.42@test.example> .. <LAST.42@test.example>
#   imap_daemon_start NAME CONF [ARGS...]  `liaisonbot run` in the
#       background; stderr in $tap_tmp/NAME.err; its PID in daemon_pid and
#       $tap_tmp/NAME.pid; stopped at exit by imap_daemons_kill
#   imap_wait_exit PID SECONDS   bounded wait (scaled) for PID's end; its
#       exit status in imap_status (KILLed and 255 when it outlived it)
#   imap_alive PID             PID runs (a zombie does not)
#   imap_log_has NAME PATTERN [COUNT]  NAME's log has at least COUNT
#       (default 1) lines matching the grep -E PATTERN
# For kills at chosen points (tests/*/*_kill.sh; the sizes above serve
# tests/cli/ingest_kill.sh too, which sources this file without Dovecot):
#   imap_reader_open CONF DB   keep a sqlite3 open on DB (first created
#       by an empty `ingest` with CONF when missing): a plain build stores
#       thousands of messages a second, and a sqlite3 per count takes
#       milliseconds to start
#   imap_fast_count            messages stored, through that reader
#   imap_held_query_into VAR PID SQL  SQL's one-line answer through it
#       while PID is held stopped (PID steps on where it holds a lock)
#   imap_held_count DB PID     imap_count DB, the same way (no reader)
#   imap_poll MS PID COUNT     poll until COUNT messages are stored
#       (status 0), or PID ended or MS milliseconds passed (status 1)
#   imap_step MS PID COUNT     the same, but PID runs in steps of about a
#       millisecond (SIGCONT, SIGSTOP) and is left stopped on success: a
#       poller starved on a loaded machine cannot let it run far past COUNT
#   imap_step_until MS PID COMMAND...  the same until COMMAND succeeds
#   imap_rounds_check DB FOLDER ROUNDS LAST  the figures of a test of
#       ROUNDS kills ("rounds R, messages N, lost L, duplicated D") and
#       its checks: messages <1..LAST.42@test.example> stored exactly once
#       with a raw copy each, FOLDER's last UID LAST, integrity ok

. "$LIAISONBOT_SRCDIR/tests/lib/dovecot.sh"
. "$LIAISONBOT_SRCDIR/tests/lib/messages.sh"

if [ "${LIAISONBOT_VALGRIND:-}" = 1 ]; then
	imap_mode=valgrind imap_big=200 imap_slow=10
elif grep -q __asan_init "$LIAISONBOT" 2>/dev/null; then
	imap_mode=asan imap_big=2000 imap_slow=3
else
	imap_mode= imap_big=2000 imap_slow=1
fi

imap_wait()
{
	_iw_limit=$(($1 * imap_slow))
	shift
	wait_for "$_iw_limit" "$@"
}

imap_test_init()
{
	command -v sqlite3 >/dev/null || skip_all "sqlite3 not installed"
	tap_cleanup_hooks="imap_daemons_kill $tap_cleanup_hooks dovecot_stop"
	dovecot_start
	mail=$tap_tmp/mail
	messages_generate "$mail" "$imap_big" 1500 ||
	    dovecot_die "messages_generate failed"
	for _folder in "$@"; do
		dovecot_mkfolder "$_folder" || dovecot_die "mkfolder $_folder"
	done
}

msg()
{
	echo "$mail/$(printf %05d "$1").eml"
}

imap_config()
{
	_ic_file=$1 _ic_db=$2
	shift 2
	write_config "$_ic_file" "[imap]" "host = localhost" \
	    "port = $DOVECOT_IMAPS_PORT" "ca_file = $DOVECOT_CA" \
	    "user = $DOVECOT_USER" "password = $DOVECOT_PASSWORD" "$@"
	sed -i "s|^path = $tap_tmp/store.db\$|path = $_ic_db|" "$_ic_file"
}

imap_count()
{
	[ -e "$1" ] || { echo 0; return; }
	sqlite3 "$1" "SELECT count(*) FROM messages ${2:+WHERE $2}" 2>/dev/null
}

imap_stored()
{
	[ "$(imap_count "$1" "${3:-}")" = "$2" ]
}

imap_at_least()
{
	_n=$(imap_count "$1" "${3:-}")
	[ -n "$_n" ] && [ "$_n" -ge "$2" ]
}

imap_integrity()
{
	sqlite3 "$1" "PRAGMA integrity_check"
}

imap_sync_field()
{
	sqlite3 "$1" "SELECT $3 FROM sync_state WHERE folder = '$2'" \
	    2>/dev/null
}

imap_exactly_once()
{
	_want=$(seq "$2" "$3" | sed 's/$/.42@test.example/' | sort)
	_got=$(sqlite3 "$1" "SELECT message_id FROM messages ${4:+WHERE \
origin = '$4'}" | sort)
	[ "$_got" = "$_want" ]
}

imap_daemon_pids=
imap_daemon_start()
{
	_name=$1
	shift
	"$LIAISONBOT" -c "$@" run --allow-root 2>"$tap_tmp/$_name.err" &
	daemon_pid=$!
	echo "$daemon_pid" >"$tap_tmp/$_name.pid"
	imap_daemon_pids="$imap_daemon_pids $daemon_pid"
}

imap_alive()
{
	dovecot_alive "$1"
}

imap_wait_exit()
{
	if ! imap_wait "$2" eval "! imap_alive $1"; then
		kill -9 "$1" 2>/dev/null
		wait "$1" 2>/dev/null
		imap_status=255
		return 1
	fi
	wait "$1" 2>/dev/null
	imap_status=$?
	return 0
}

imap_daemons_kill()
{
	for _p in $imap_daemon_pids; do
		imap_alive "$_p" && kill -9 "$_p" 2>/dev/null
		wait "$_p" 2>/dev/null
	done
	return 0
}

imap_log_has()
{
	[ "$(grep -Ec -- "$2" "$tap_tmp/$1.err" 2>/dev/null)" -ge "${3:-1}" ]
}

# Show a log as TAP comments (after a failure).
imap_show_log()
{
	tail -n "${2:-15}" "$tap_tmp/$1.err" 2>/dev/null | sed 's/^/#   /'
}

# imap_ok_log STATUS DESCRIPTION NAME: ok, and NAME's log on failure.
imap_ok_log()
{
	ok "$1" "$2"
	[ "$1" -eq 0 ] || imap_show_log "$3"
}

imap_reader_open()
{
	if [ ! -e "$2" ]; then
		: >"$tap_tmp/empty.mbox"
		"$LIAISONBOT" -c "$1" ingest --mbox "$tap_tmp/empty.mbox" \
		    2>/dev/null || return 1
	fi
	# A concurrent reader, as `liaisonbot status` would be; it holds no
	# lock between statements. Without tap.sh's busy timeout: a count
	# the lock refuses reads as -1 and is polled again, where waiting
	# could wait on a daemon the poll holds stopped.
	coproc imap_reader { command sqlite3 -batch "$2" 2>&1; }
	# A FIFO nobody writes to: `read -t` on it is a sleep without a
	# process (a sleep(1) can take tens of milliseconds to start on a
	# loaded machine).
	mkfifo "$tap_tmp/imap_nap" && exec {imap_nap}<>"$tap_tmp/imap_nap"
}

# Builtins only, no subshell: each poll costs a fraction of a millisecond.
# (The reader's pipes are not inherited by subshells other than $(...).)
imap_fast_count_into()
{
	echo "SELECT count(*) FROM messages;" >&"${imap_reader[1]}"
	read -r "$1" <&"${imap_reader[0]}"
	case ${!1} in '' | *[!0-9]*) printf -v "$1" %s -1 ;; esac
}

imap_fast_count()
{
	local n
	imap_fast_count_into n
	echo "$n"
}

# imap_held_query_into VAR PID SQL: SQL's one-line answer, through the
# reader, while PID is held stopped. PID may have been stopped holding a
# lock of the WAL's index the reader needs (a checkpoint's, say): SQLite
# then answers "locking protocol" after some 10 s of retries, and only PID
# can let go. So PID runs one step (about a millisecond) and the question
# is asked again, five times at most; status 1 if every answer was refused.
imap_held_query_into()
{
	local tries
	for tries in 1 2 3 4 5; do
		echo "$3" >&"${imap_reader[1]}"
		read -r "$1" <&"${imap_reader[0]}"
		case ${!1} in "Runtime error"* | "Error"*) ;; *) return 0 ;; esac
		diag "reader refused (${!1}): one step of $2, then again"
		kill -CONT "$2" 2>/dev/null
		read -r -t 0.001 -u "$imap_nap" _
		kill -STOP "$2" 2>/dev/null
	done
	return 1
}

# imap_held_count DB PID: messages in DB while PID is held stopped, with
# the same steps as imap_held_query_into where the read is refused.
imap_held_count()
{
	local n tries
	for tries in 1 2 3 4 5; do
		n=$(imap_count "$1")
		case $n in '' | *[!0-9]*) ;; *) echo "$n"; return 0 ;; esac
		kill -CONT "$2" 2>/dev/null
		sleep 0.001
		kill -STOP "$2" 2>/dev/null
	done
	return 1
}

# imap_poll_loop MS PID STEP COMMAND...: poll until COMMAND succeeds; PID
# runs in steps when STEP is "step".
imap_poll_loop()
{
	local end state ms=$1 pid=$2 step=$3
	shift 3
	end=$((${EPOCHREALTIME//[!0-9]/} / 1000 + ms))
	[ -n "$step" ] && kill -STOP "$pid" 2>/dev/null
	until "$@"; do
		[ -n "$step" ] && kill -CONT "$pid" 2>/dev/null
		# PID's state, zombie included, without a process.
		read -r state <"/proc/$pid/stat" 2>/dev/null || return 1
		state=${state##*) }
		case $state in Z*) return 1 ;; esac
		[ $((${EPOCHREALTIME//[!0-9]/} / 1000)) -ge "$end" ] && return 1
		read -r -t 0.001 -u "$imap_nap" _
		[ -n "$step" ] && kill -STOP "$pid" 2>/dev/null
	done
	return 0
}

imap_reached()
{
	local n
	imap_fast_count_into n
	[ "$n" -ge "$1" ]
}

imap_poll()
{
	imap_poll_loop "$1" "$2" "" imap_reached "$3"
}

imap_step()
{
	imap_poll_loop "$1" "$2" step imap_reached "$3"
}

imap_step_until()
{
	imap_poll_loop "$1" "$2" step "${@:3}"
}

imap_rounds_check()
{
	local db=$1 folder=$2 rounds=$3 last=$4 lost rows
	lost=$(comm -23 <(seq 1 "$last" | sed 's/$/.42@test.example/' | sort) \
	    <(sqlite3 "$db" "SELECT message_id FROM messages" | sort) | wc -l)
	rows=$(imap_count "$db")
	# Beyond the expected ones, once each: repeats or strangers.
	diag "rounds $rounds, messages $last, lost $lost," \
	    "duplicated $((rows - (last - lost)))"
	is "$lost" 0 "no message lost"
	is $((rows - (last - lost))) 0 "no message stored twice, nothing extra"
	is "$(sqlite3 "$db" "SELECT count(*) FROM raw_messages")" "$last" \
	    "a raw copy of each"
	is "$(imap_sync_field "$db" "$folder" last_uid)" "$last" \
	    "$folder: last UID $last"
	is "$(imap_integrity "$db")" ok "integrity_check ok"
}
