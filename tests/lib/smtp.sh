# tests/lib/smtp.sh: real SMTP receivers on 127.0.0.1 for the test suite.
# Sourced by bash test scripts; needs no file outside this repository.
#
#   smtp_init                 private temp dir; a trap stops everything on exit
#   smtp_sink_start [FLAG...] Postfix's smtp-sink on a free port, one file per
#                             transaction; FLAGs go to smtp-sink (fault
#                             injection: -r/-f CMD soft/hard reject, -Q CMD
#                             421 and disconnect, -w N slow DATA; smtp-sink(1))
#                             sets SMTP_SINK_PORT SMTP_SINK_DIR SMTP_SINK_PID;
#                             with SMTP_SINK_FIXED_PORT set, on that port (a
#                             receiver that comes back where it was)
#   smtp_sink_stop
#   smtp_postfix_start        a private Postfix: STARTTLS (self-signed cert for
#                             "localhost"), SASL AUTH through a private Dovecot,
#                             delivery into one Maildir; needs root
#                             sets SMTP_PF_PORT SMTP_PF_SMTPS_PORT
#                             SMTP_PF_MAILDIR SMTP_PF_LOG SMTP_CA SMTP_WRONG_CA SMTP_AUTH_USER
#                             SMTP_AUTH_PASSWORD SMTP_AUTH_PASSWORD_FILE
#   smtp_postfix_stop
#   smtp_free_port            a TCP port nobody listens on, 20000-59999
#   smtp_wait_files DIR N     wait (10 s at most) until DIR holds N files
#   smtp_wait_grep TEXT FILE [N]  wait (10 s at most) until N lines of FILE
#                             contain TEXT (default 1)
#   smtp_body FILE            an smtp-sink capture without its own headers
#
# The Postfix instance accepts mail for @example.org only and delivers it to
# $SMTP_PF_MAILDIR, whoever the recipient. Its recipient checks: refused@ gets
# 550, later@ gets 450, private@ needs AUTH; other transports all fail, so
# nothing ever leaves the machine.
#
# Servers are stopped by PID. Set SMTP_KEEP=1 to keep the temp dir.

# Variables set here are read by the test scripts.
# shellcheck disable=SC2034
SMTP_PIDS=
SMTP_SINK_SEQ=0
SMTP_SKIP_REASON=

# Installs the servers on a fresh Debian when run as root; true when
# smtp-sink is there afterwards.
smtp_need_sink() {
	local srcdir=${LIAISONBOT_SRCDIR:-}

	[ -n "$srcdir" ] ||
	    srcdir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	if [ ! -x /usr/sbin/smtp-sink ] && [ "$(id -u)" = 0 ] &&
	    [ -x "$srcdir/contrib/install-deps.sh" ]; then
		"$srcdir/contrib/install-deps.sh" --test >&2 || true
	fi
	if [ ! -x /usr/sbin/smtp-sink ]; then
		SMTP_SKIP_REASON="smtp-sink not installed (package postfix)"
		return 1
	fi
}

smtp_init() {
	SMTP_TMP=$(mktemp -d "${TMPDIR:-/tmp}/lb-smtp.XXXXXX")
	# Daemons that drop privileges must reach their files below it.
	chmod 711 "$SMTP_TMP"
	trap smtp_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# Ends a process we started (not necessarily our child) and waits, 10 s at
# most, until it is gone.
smtp_stop_pid() {
	local pid=$1 i

	[ -n "$pid" ] || return 0
	kill "$pid" 2>/dev/null || return 0
	for i in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -9 "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null || true
}

smtp_cleanup() {
	local pid

	smtp_postfix_stop
	for pid in $SMTP_PIDS; do
		smtp_stop_pid "$pid"
	done
	SMTP_PIDS=
	if [ -n "${SMTP_TMP:-}" ] && [ -z "${SMTP_KEEP:-}" ]; then
		rm -rf "$SMTP_TMP"
	fi
}

smtp_port_busy() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
	command -v ss >/dev/null &&
	    [ -n "$(ss -Htan "( sport = :$1 )" 2>/dev/null)" ]
}

smtp_free_port() {
	local port i

	for i in $(seq 50); do
		port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
		if ! smtp_port_busy "$port"; then
			echo "$port"
			return 0
		fi
	done
	return 1
}

# The first line the server on PORT sends, or nothing after 2 s.
smtp_greeting() {
	( exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
	  IFS= read -r -t 2 line <&3 || exit 1
	  printf 'QUIT\r\n' >&3
	  printf '%s\n' "${line%$'\r'}" ) 2>/dev/null
}

# Waits, 10 s at most, for a greeting naming NAME on PORT while PID lives.
# A greeting from anyone else means the port is shared: give up at once.
smtp_wait_greeting() {
	local port=$1 name=$2 pid=$3 line i

	for i in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || return 1
		line=$(smtp_greeting "$port")
		case "$line" in
		"220 $name "*) return 0 ;;
		?*) return 1 ;;
		esac
		sleep 0.1
	done
	return 1
}

smtp_wait_files() {
	local dir=$1 want=$2 i

	for i in $(seq 100); do
		[ "$(find "$dir" -type f 2>/dev/null | wc -l)" -ge "$want" ] &&
		    return 0
		sleep 0.1
	done
	return 1
}

smtp_wait_grep() {
	local pattern=$1 file=$2 want=${3:-1} i

	for i in $(seq 100); do
		[ "$(grep -cF -- "$pattern" "$file" 2>/dev/null)" -ge \
		    "$want" ] && return 0
		sleep 0.1
	done
	return 1
}

# smtp-sink writes X-Client-Addr, X-Client-Proto, X-Helo-Args, X-Mail-Args,
# X-Rcpt-Args and a three-line Received: header before the message.
smtp_body() {
	awk 'skip && /^[ \t]/ { next }
	     skip && /^(X-[A-Za-z-]+|Received):/ { next }
	     { skip = 0; print }' skip=1 "$1"
}

smtp_sink_start() {
	local dir name port attempt user=

	SMTP_SINK_SEQ=$((SMTP_SINK_SEQ + 1))
	dir=$SMTP_TMP/sink$SMTP_SINK_SEQ
	mkdir -p "$dir/mail"
	# smtp-sink refuses to run as root; it writes its files as nobody.
	if [ "$(id -u)" = 0 ]; then
		chown nobody "$dir/mail"
		user="-u nobody"
	fi
	for attempt in 1 2 3 4 5; do
		port=${SMTP_SINK_FIXED_PORT:-$(smtp_free_port)} || break
		name=sink-$$-$SMTP_SINK_SEQ-$attempt
		# shellcheck disable=SC2086
		/usr/sbin/smtp-sink $user -a -h "$name" \
		    -d "$dir/mail/%Y%m%d-%H%M%S." "$@" \
		    "127.0.0.1:$port" 64 2>>"$dir/log" &
		SMTP_SINK_PID=$!
		echo "$SMTP_SINK_PID" >"$dir/pid"
		SMTP_PIDS="$SMTP_PIDS $SMTP_SINK_PID"
		if smtp_wait_greeting "$port" "$name" "$SMTP_SINK_PID"; then
			SMTP_SINK_PORT=$port
			SMTP_SINK_DIR=$dir/mail
			return 0
		fi
		smtp_sink_stop
	done
	echo "smtp_sink_start: no smtp-sink came up; see $dir/log" >&2
	return 1
}

smtp_sink_stop() {
	[ -n "${SMTP_SINK_PID:-}" ] || return 0
	smtp_stop_pid "$SMTP_SINK_PID"
	SMTP_PIDS=$(echo "$SMTP_PIDS" | tr ' ' '\n' |
	    grep -vx "$SMTP_SINK_PID" | tr '\n' ' ')
	SMTP_SINK_PID=
}

# A certificate for "localhost" only (no IP address: connecting by
# 127.0.0.1 must fail verification), and an unrelated one as a wrong CA.
smtp_make_certs() {
	local dir=$1

	mkdir -p "$dir"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
	    -addext subjectAltName=DNS:localhost \
	    -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null &&
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 \
	    -subj "/CN=localhost" -addext subjectAltName=DNS:localhost \
	    -keyout "$dir/other-key.pem" -out "$dir/other.pem" 2>/dev/null &&
	chmod 600 "$dir/key.pem" "$dir/other-key.pem"
}

# Dovecot serves only its auth socket, for Postfix's SASL.
smtp_dovecot_start() {
	local dir=$1

	mkdir -p "$dir"
	SMTP_AUTH_USER=liaison
	SMTP_AUTH_PASSWORD=pw-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
	SMTP_AUTH_PASSWORD_FILE=$SMTP_TMP/password
	(umask 077; echo "$SMTP_AUTH_PASSWORD" >"$SMTP_AUTH_PASSWORD_FILE")
	echo "$SMTP_AUTH_USER:{PLAIN}$SMTP_AUTH_PASSWORD" >"$dir/passwd"
	chgrp dovecot "$dir/passwd" && chmod 640 "$dir/passwd"
	cat >"$dir/dovecot.conf" <<-EOF
	base_dir = $dir/run
	state_dir = $dir/state
	instance_name = lb-smtp-$$
	log_path = $dir/log
	protocols =
	listen = 127.0.0.1
	ssl = no
	auth_mechanisms = plain login
	disable_plaintext_auth = no
	passdb {
	  driver = passwd-file
	  args = $dir/passwd
	}
	userdb {
	  driver = static
	  args = uid=nobody gid=nogroup home=$dir/home
	}
	service auth {
	  unix_listener $dir/auth-postfix {
	    mode = 0666
	  }
	}
	EOF
	/usr/sbin/dovecot -c "$dir/dovecot.conf" || return 1
	for _ in $(seq 100); do
		[ -S "$dir/auth-postfix" ] && [ -s "$dir/run/master.pid" ] &&
		    break
		sleep 0.1
	done
	SMTP_DOVECOT_PID=$(cat "$dir/run/master.pid" 2>/dev/null)
	[ -n "$SMTP_DOVECOT_PID" ] && [ -S "$dir/auth-postfix" ]
}

smtp_postfix_config() {
	local pf=$1 port=$2 smtps_port=$3 name=$4

	cat >"$pf/etc/main.cf" <<-EOF
	compatibility_level = 3.6
	queue_directory = $pf/queue
	data_directory = $pf/data
	mail_owner = postfix
	setgid_group = postdrop
	maillog_file = $pf/maillog
	maillog_file_prefixes = $pf
	myhostname = localhost
	mydomain = localdomain
	myorigin = localhost
	mydestination =
	inet_interfaces = 127.0.0.1
	inet_protocols = ipv4
	mynetworks = 127.0.0.1/32
	smtpd_banner = $name ESMTP
	biff = no
	alias_maps =
	alias_database =
	default_transport = error:test instance: nothing leaves
	relay_transport = error:test instance: nothing leaves
	virtual_mailbox_domains = example.org
	virtual_mailbox_base = $pf/mail
	virtual_mailbox_maps = static:box/
	virtual_uid_maps = static:$(id -u nobody)
	virtual_gid_maps = static:$(id -g nobody)
	virtual_minimum_uid = 1
	smtpd_tls_cert_file = $SMTP_TMP/tls/cert.pem
	smtpd_tls_key_file = $SMTP_TMP/tls/key.pem
	smtpd_tls_security_level = may
	smtpd_tls_auth_only = yes
	smtpd_tls_received_header = yes
	smtpd_sasl_auth_enable = yes
	smtpd_sasl_type = dovecot
	smtpd_sasl_path = $SMTP_TMP/dovecot/auth-postfix
	smtpd_sasl_authenticated_header = yes
	smtpd_restriction_classes = need_auth
	need_auth = permit_sasl_authenticated, reject
	smtpd_relay_restrictions = reject_unauth_destination
	smtpd_recipient_restrictions = check_recipient_access inline:{
	  { refused@example.org = 550 5.1.1 refused by the test },
	  { later@example.org = 450 4.2.1 try later },
	  { private@example.org = need_auth } }
	EOF
	# No chroot: the instance lives in the temp dir.
	cat >"$pf/etc/master.cf" <<-EOF
	127.0.0.1:$port inet n - n - - smtpd
	127.0.0.1:$smtps_port inet n - n - - smtpd
	  -o smtpd_tls_wrappermode=yes
	cleanup   unix n - n - 0 cleanup
	qmgr      unix n - n 300 1 qmgr
	tlsmgr    unix - - n 1000? 1 tlsmgr
	rewrite   unix - - n - - trivial-rewrite
	bounce    unix - - n - 0 bounce
	defer     unix - - n - 0 bounce
	trace     unix - - n - 0 bounce
	verify    unix - - n - 1 verify
	flush     unix n - n 1000? 0 flush
	proxymap  unix - - n - - proxymap
	showq     unix n - n - - showq
	error     unix - - n - - error
	retry     unix - - n - - error
	discard   unix - - n - - discard
	virtual   unix - n n - - virtual
	anvil     unix - - n - 1 anvil
	scache    unix - - n - 1 scache
	postlog   unix-dgram n - n - 1 postlogd
	EOF
}

smtp_postfix_start() {
	local pf=$SMTP_TMP/postfix port smtps_port name attempt p

	if [ "$(id -u)" != 0 ]; then
		SMTP_SKIP_REASON="a private Postfix needs root"
		return 1
	fi
	for p in /usr/sbin/postfix /usr/sbin/dovecot; do
		if [ ! -x "$p" ]; then
			SMTP_SKIP_REASON="$p not installed"
			return 1
		fi
	done
	if ! smtp_make_certs "$SMTP_TMP/tls" ||
	    ! smtp_dovecot_start "$SMTP_TMP/dovecot"; then
		SMTP_SKIP_REASON="could not start Dovecot auth; see $SMTP_TMP"
		return 1
	fi
	mkdir -p "$pf/etc" "$pf/queue" "$pf/data" "$pf/mail"
	chown postfix "$pf/data"
	chown nobody "$pf/mail"
	for attempt in 1 2 3 4 5; do
		port=$(smtp_free_port) || break
		smtps_port=$(smtp_free_port) || break
		[ "$port" != "$smtps_port" ] || continue
		name=postfix-$$-$attempt
		smtp_postfix_config "$pf" "$port" "$smtps_port" "$name"
		# "postfix check" creates the queue directories.
		if ! /usr/sbin/postfix -c "$pf/etc" check 2>>"$pf/start.log" ||
		    ! /usr/sbin/postfix -c "$pf/etc" start 2>>"$pf/start.log"; then
			continue
		fi
		SMTP_POSTFIX_PID=$(tr -d ' ' <"$pf/queue/pid/master.pid" \
		    2>/dev/null)
		if [ -n "$SMTP_POSTFIX_PID" ] &&
		    smtp_wait_greeting "$port" "$name" "$SMTP_POSTFIX_PID"; then
			SMTP_PF_PORT=$port
			SMTP_PF_SMTPS_PORT=$smtps_port
			SMTP_PF_MAILDIR=$pf/mail/box
			SMTP_PF_LOG=$pf/maillog
			SMTP_CA=$SMTP_TMP/tls/cert.pem
			SMTP_WRONG_CA=$SMTP_TMP/tls/other.pem
			return 0
		fi
		smtp_postfix_stop_master
	done
	SMTP_SKIP_REASON="Postfix did not come up; see $pf/maillog"
	return 1
}

smtp_postfix_stop_master() {
	smtp_stop_pid "${SMTP_POSTFIX_PID:-}"
	SMTP_POSTFIX_PID=
}

smtp_postfix_stop() {
	smtp_postfix_stop_master
	smtp_stop_pid "${SMTP_DOVECOT_PID:-}"
	SMTP_DOVECOT_PID=
}
