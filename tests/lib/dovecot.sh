# dovecot.sh: a private Dovecot for tests, sourced by tests/integration/*.sh.
#
# Everything lives in a temporary directory and listens on 127.0.0.1 only,
# on free high ports chosen at start, so tests can run in parallel. Works as
# root on a fresh Debian 12 (installs dovecot-imapd through
# contrib/install-deps.sh --test when it is missing) and as an ordinary user.
#
#   dovecot_start          start the server; exports the variables below
#   dovecot_stop           stop it by PID and remove the directory; a test
#                          says: trap dovecot_stop EXIT; trap 'exit 1' INT TERM HUP
#   dovecot_kill           SIGKILL the master and its children (fault tests)
#   dovecot_freeze / dovecot_thaw  SIGSTOP / SIGCONT every child of the
#                          master: a server that stops answering
#   dovecot_restart        start again on the same ports, mail kept
#   dovecot_mkfolder F     create folder F
#   dovecot_rmfolder F     delete folder F and its messages
#   dovecot_deliver F FILE...  save each file as one message in folder F
#   dovecot_import F DIR   put every file of DIR into F at once (Maildir
#                          files and a resync: fast for thousands)
#   dovecot_status F       print "UIDVALIDITY UIDNEXT MESSAGES" of folder F
#   dovecot_reset_uidvalidity F  forget F's UIDs: new UIDVALIDITY, UIDs
#                          renumbered from 1 as after a lost dovecot-uidlist
#   dovecot_doveadm ARGS   doveadm against this instance
#   dovecot_free_port      a port nobody listens on (for "refused" tests)
#
# Exported: DOVECOT_DIR DOVECOT_CONF DOVECOT_LOG DOVECOT_USER DOVECOT_PASSWORD
#   DOVECOT_IMAP_PORT (IMAP, STARTTLS offered) DOVECOT_IMAPS_PORT (IMAPS)
#   DOVECOT_CA (certificate for localhost / 127.0.0.1, usable as ca_file)
#   DOVECOT_WRONG_IMAPS_PORT (IMAPS of a second instance over the same mail,
#   presenting DOVECOT_WRONG_CA, a certificate for wrong.example)
# Read at start: DOVECOT_IDLE_NOTIFY, Dovecot's imap_idle_notify_interval
#   ("1 secs": a keepalive a second to every idling client).

# Functions declare their variables local (dash and bash both have it):
# this file is sourced into tests whose own names must not change.
dovecot_srcdir=${LIAISONBOT_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}

dovecot_die()
{
	echo "Bail out! dovecot.sh: $*"
	exit 1
}

dovecot_ensure_installed()
{
	[ -x /usr/sbin/dovecot ] && [ -x /usr/bin/doveadm ] && return 0
	"$dovecot_srcdir/contrib/install-deps.sh" --test >/dev/null ||
		dovecot_die "dovecot-imapd is missing and could not be installed"
	[ -x /usr/sbin/dovecot ] || dovecot_die "dovecot-imapd still missing"
}

# A port nobody listens on now; dovecot_start retries if it is taken later.
dovecot_free_port()
{
	local p
	while :; do
		p=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
		p=$((20000 + p % 40000))
		if ! ss -Htln "sport = :$p" 2>/dev/null | grep -q .; then
			echo "$p"
			return
		fi
	done
}

dovecot_make_cert()
{
	# $1 file stem, $2 CN, $3 subjectAltName
	openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=$2" \
		-addext "subjectAltName=$3" -keyout "$1.key" -out "$1.pem" \
		2>/dev/null || dovecot_die "openssl req failed for $2"
}

# Write the configuration of one instance: $1 name, $2 cert stem, then the
# listeners as "name:port:ssl" words (port 0 turns a default listener off).
dovecot_write_conf()
{
	local cert dir l name s
	name=$1 cert=$2
	shift 2
	dir=$DOVECOT_DIR/$name
	mkdir -p "$dir/base" "$dir/state"
	{
		echo "base_dir = $dir/base"
		echo "state_dir = $dir/state"
		echo "instance_name = lbtest-$name-$$"
		echo "log_path = $dir/dovecot.log"
		echo "listen = 127.0.0.1"
		echo "protocols = imap"
		echo "ssl = yes"
		echo "ssl_cert = <$cert.pem"
		echo "ssl_key = <$cert.key"
		echo "auth_mechanisms = plain login xoauth2"
		echo "first_valid_uid = $dovecot_uid"
		echo "first_valid_gid = $dovecot_gid"
		echo "mail_uid = $dovecot_uid"
		echo "mail_gid = $dovecot_gid"
		echo "mail_location = maildir:$DOVECOT_DIR/mail/Maildir"
		echo "mailbox_idle_check_interval = 1 secs"
		# "* OK Still here" while idling: every two minutes by
		# default, more often for the keepalive test.
		[ -n "${DOVECOT_IDLE_NOTIFY:-}" ] &&
			echo "imap_idle_notify_interval = $DOVECOT_IDLE_NOTIFY"
		# Refused logins answer at once: tests try wrong passwords.
		# (The next login from 127.0.0.1 still waits Dovecot's auth
		# penalty, a few seconds per failure.)
		echo "auth_failure_delay = 0"
		if [ "$(id -u)" != 0 ]; then
			# Unprivileged: every service runs as us, nothing chroots.
			echo "default_login_user = $(id -un)"
			echo "default_internal_user = $(id -un)"
			echo "default_internal_group = $(id -gn)"
			for s in imap-login anvil; do
				echo "service $s {"
				echo "  chroot ="
				echo "}"
			done
		fi
		echo "passdb {"
		echo "  driver = passwd-file"
		echo "  args = $DOVECOT_DIR/users"
		echo "}"
		echo "userdb {"
		echo "  driver = passwd-file"
		echo "  args = $DOVECOT_DIR/users"
		echo "}"
		echo "service imap-login {"
		for l in "$@"; do
			echo "  inet_listener ${l%%:*} {"
			echo "    address = 127.0.0.1"
			l=${l#*:}
			echo "    port = ${l%%:*}"
			echo "    ssl = ${l#*:}"
			echo "  }"
		done
		echo "}"
	} >"$dir/dovecot.conf"
}

# Start one instance; fails (status 1) when a port was taken meanwhile.
dovecot_run()
{
	local dir i
	dir=$DOVECOT_DIR/$1
	if ! /usr/sbin/dovecot -c "$dir/dovecot.conf" 2>"$dir/start.err"; then
		grep -q "Address already in use" "$dir/start.err" && return 1
		sed 's/^/# /' "$dir/start.err"
		dovecot_die "dovecot $1 did not start"
	fi
	# The master binds its listeners before it detaches, then its child
	# writes master.pid: once that names a live process the ports accept
	# connections.
	i=0
	until [ -s "$dir/base/master.pid" ] &&
		kill -0 "$(cat "$dir/base/master.pid")" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 200 ] && dovecot_die "dovecot $1 wrote no master.pid"
		sleep 0.05
	done
}

dovecot_start()
{
	dovecot_ensure_installed
	DOVECOT_DIR=$(mktemp -d "${TMPDIR:-/tmp}/lbtest-dovecot.XXXXXX") ||
		dovecot_die "mktemp failed"
	# Mail processes never run as root: use nobody when we are root.
	if [ "$(id -u)" = 0 ]; then
		dovecot_uid=$(id -u nobody) dovecot_gid=$(id -g nobody)
		chmod 711 "$DOVECOT_DIR"
	else
		dovecot_uid=$(id -u) dovecot_gid=$(id -g)
	fi
	mkdir -p "$DOVECOT_DIR/mail"
	chown "$dovecot_uid:$dovecot_gid" "$DOVECOT_DIR/mail" 2>/dev/null
	DOVECOT_USER=tester
	DOVECOT_PASSWORD="s3cret-Pa55word"
	echo "$DOVECOT_USER:{PLAIN}$DOVECOT_PASSWORD:$dovecot_uid:$dovecot_gid::$DOVECOT_DIR/mail::" \
		>"$DOVECOT_DIR/users"
	chmod 644 "$DOVECOT_DIR/users"
	dovecot_make_cert "$DOVECOT_DIR/localhost" localhost \
		"DNS:localhost,IP:127.0.0.1"
	dovecot_make_cert "$DOVECOT_DIR/wrong" wrong.example \
		"DNS:wrong.example"
	DOVECOT_CA=$DOVECOT_DIR/localhost.pem
	DOVECOT_WRONG_CA=$DOVECOT_DIR/wrong.pem
	DOVECOT_CONF=$DOVECOT_DIR/main/dovecot.conf
	DOVECOT_LOG=$DOVECOT_DIR/main/dovecot.log
	export DOVECOT_DIR DOVECOT_CONF DOVECOT_LOG DOVECOT_USER \
		DOVECOT_PASSWORD DOVECOT_CA DOVECOT_WRONG_CA
	dovecot_listen
}

# Choose ports, write both configurations and start both instances.
dovecot_listen()
{
	local tries
	tries=0
	while :; do
		tries=$((tries + 1))
		[ $tries -gt 10 ] && dovecot_die "no free ports after 10 tries"
		DOVECOT_IMAP_PORT=$(dovecot_free_port)
		DOVECOT_IMAPS_PORT=$(dovecot_free_port)
		DOVECOT_WRONG_IMAPS_PORT=$(dovecot_free_port)
		dovecot_write_conf main "$DOVECOT_DIR/localhost" \
			"imap:$DOVECOT_IMAP_PORT:no" "imaps:$DOVECOT_IMAPS_PORT:yes"
		dovecot_write_conf wrong "$DOVECOT_DIR/wrong" \
			"imap:0:no" "imaps:$DOVECOT_WRONG_IMAPS_PORT:yes"
		dovecot_run main || continue
		dovecot_run wrong && break
		dovecot_signal_instance main KILL
	done
	export DOVECOT_IMAP_PORT DOVECOT_IMAPS_PORT DOVECOT_WRONG_IMAPS_PORT
}

dovecot_pid()
{
	cat "$DOVECOT_DIR/$1/base/master.pid" 2>/dev/null
}

# Whether process $1 still runs (a zombie waiting for its parent counts as
# gone). /proc, not ps: minimal systems lack procps.
dovecot_alive()
{
	local st
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) || return 1
	case $st in "" | Z*) return 1 ;; esac
	return 0
}

# The PIDs whose parent is $1. Through cat: a process may end between the
# glob and the read, which cat shrugs off (mawk would stop).
dovecot_children()
{
	local parent
	cat /proc/[0-9]*/status 2>/dev/null | awk -v parent="$1" '
		/^Name:/ { pid = "" } /^Pid:/ { pid = $2 }
		/^PPid:/ && $2 == parent && pid != "" { print pid }'
}

# Wait (bounded, 10 s) until process $1 is gone.
dovecot_wait_gone()
{
	local i
	i=0
	while dovecot_alive "$1"; do
		i=$((i + 1))
		[ $i -gt 200 ] && return 1
		sleep 0.05
	done
	return 0
}

# Signal $2 (TERM or KILL) to the master of instance $1 and to its
# children (found by parent PID), then wait for them (bounded, falling back
# to KILL).
dovecot_signal_instance()
{
	local children p pid
	pid=$(dovecot_pid "$1")
	[ -n "$pid" ] || return 0
	children=$(dovecot_children "$pid")
	# Children first: the master must not restart them.
	kill -STOP "$pid" 2>/dev/null
	kill -"$2" $children 2>/dev/null
	kill -"$2" "$pid" 2>/dev/null
	kill -CONT "$pid" 2>/dev/null
	for p in $children $pid; do
		dovecot_wait_gone "$p" || { kill -9 "$p"; dovecot_wait_gone "$p"; }
	done
	rm -f "$DOVECOT_DIR/$1/base/master.pid"
}

dovecot_stop()
{
	[ -n "${DOVECOT_DIR:-}" ] && [ -d "$DOVECOT_DIR" ] || return 0
	dovecot_signal_instance main TERM
	dovecot_signal_instance wrong TERM
	if [ -n "${LB_KEEP_TMP:-}" ]; then
		echo "# kept $DOVECOT_DIR"
	else
		rm -rf "$DOVECOT_DIR"
	fi
	DOVECOT_DIR=
}

# Kill the main instance without warning: the master and every process it
# started (imap, imap-login, auth...).
dovecot_kill()
{
	dovecot_signal_instance main KILL
}

dovecot_freeze()
{
	kill -STOP $(dovecot_children "$(dovecot_pid main)") 2>/dev/null
}

dovecot_thaw()
{
	kill -CONT $(dovecot_children "$(dovecot_pid main)") 2>/dev/null
}

# Start the main instance again on the same ports with the same mail.
dovecot_restart()
{
	local tries
	dovecot_signal_instance main TERM
	tries=0
	until dovecot_run main; do
		tries=$((tries + 1))
		[ $tries -gt 50 ] && dovecot_die "port $DOVECOT_IMAPS_PORT stays taken"
		sleep 0.1
	done
}

dovecot_doveadm()
{
	/usr/bin/doveadm -c "$DOVECOT_CONF" "$@"
}

dovecot_mkfolder()
{
	dovecot_doveadm mailbox create -u "$DOVECOT_USER" "$1"
}

dovecot_rmfolder()
{
	dovecot_doveadm mailbox delete -u "$DOVECOT_USER" -r -s "$1"
}

dovecot_deliver()
{
	local f folder
	folder=$1
	shift
	for f in "$@"; do
		dovecot_doveadm save -u "$DOVECOT_USER" -m "$folder" <"$f" ||
			return 1
	done
}

dovecot_maildir()
{
	case $1 in
	INBOX) echo "$DOVECOT_DIR/mail/Maildir" ;;
	*) echo "$DOVECOT_DIR/mail/Maildir/.$1" ;;
	esac
}

dovecot_import()
{
	local d
	dovecot_status "$1" >/dev/null || return 1	# creates the Maildir
	d=$(dovecot_maildir "$1")
	# One cp for all: the file names serve as unique Maildir names.
	find "$2" -type f -exec cp -t "$d/new" {} + || return 1
	chown -R "$dovecot_uid:$dovecot_gid" "$d" 2>/dev/null
	dovecot_doveadm force-resync -u "$DOVECOT_USER" "$1"
}

dovecot_status()
{
	dovecot_doveadm -f flow mailbox status -u "$DOVECOT_USER" \
		"uidvalidity uidnext messages" "$1" |
		awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		      print v["uidvalidity"], v["uidnext"], v["messages"] }'
}

# As if dovecot-uidlist were lost: the folder keeps its messages but gets a
# new UIDVALIDITY (old + 1, so it differs even within the same second) and
# UIDs renumbered from 1.
dovecot_reset_uidvalidity()
{
	local d old
	old=$(dovecot_status "$1" | cut -d' ' -f1)
	d=$(dovecot_maildir "$1")
	rm -f "$d/dovecot-uidlist" "$d"/dovecot.index*
	dovecot_doveadm force-resync -u "$DOVECOT_USER" "$1" || return 1
	dovecot_doveadm mailbox update -u "$DOVECOT_USER" \
		--uid-validity $((old + 1)) "$1"
}
