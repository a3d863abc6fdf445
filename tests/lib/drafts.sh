# drafts.sh: messages for the draft tests, sourced after tap.sh.
#
#   drafts_setup [CONFIG-LINE...]
#       $conf: a config (write_config with those lines), $m: a directory
#       for test messages; lb ARGS runs the binary with $conf
#   drafts_mail FILE HEADER-LINE...  <BODY
#       a text/plain UTF-8 message: the given header lines, then the body
#       read from stdin
#   drafts_liaison FILE ID TITLE [LIST-ID] [DATE] [EXTRA-HEADER...]
#       a datatracker liaison statement (breaking news under the shipped
#       rules), Message-ID <ID>, dated DATE (RFC 5322; default now), on
#       LIST-ID (default iesg.ietf.org)
#   drafts_burst DIR PREFIX
#       DIR/a.eml, b.eml: two liaison statements (two threads, breaking),
#       "LS on identifier-based networking" and "LS on quantum-safe
#       transition"; c.eml: a confidential one naming SECRET-MARKER;
#       r.eml: a routine approval naming ROUTINE-MARKER. Message-IDs
#       <PREFIX-a@test.example> and so on; all dated now
#   drafts_servers FOLDER...
#       (bash) smtp-sink and a private Dovecot with these folders, on
#       127.0.0.1 (tests/lib/smtp.sh, dovecot.sh); skips the test without
#       smtp-sink; everything, the daemon too, is stopped at exit
#   drafts_imap_config CONFIG-LINE...
#       drafts_setup for those servers: [imap] on Dovecot following
#       $drafts_folder (default INBOX), [smtp] to the sink
#   drafts_daemon_start [EPOCH [RUN-OPTION...]] / drafts_daemon_stop
#       `run --allow-root` with $conf in the background, logging to
#       $tap_tmp/daemon.log, its clock starting at EPOCH (LIAISONBOT_NOW)
#       when given (not empty); stop: SIGTERM, 10 s, then SIGKILL; the exit status
#       in $daemon_status
#   drafts_text FILE / drafts_html FILE / drafts_header NAME FILE
#       a draft's decoded parts and headers (tests/lib/draft.pl)

drafts_pl=$LIAISONBOT_SRCDIR/tests/lib/draft.pl

drafts_setup() {
	conf=$tap_tmp/lb.conf
	write_config "$conf" "$@"
	m=$tap_tmp/m
	mkdir -p "$m"
}

lb() {
	"$LIAISONBOT" -c "$conf" "$@"
}

drafts_mail() {
	_dm_file=$1
	shift
	{
		for _dm_line in "$@"; do
			printf '%s\n' "$_dm_line"
		done
		printf 'MIME-Version: 1.0\n'
		printf 'Content-Type: text/plain; charset=utf-8\n'
		printf 'Content-Transfer-Encoding: 8bit\n\n'
		cat
	} >"$_dm_file"
}

drafts_liaison() {
	_dl_file=$1 _dl_id=$2 _dl_title=$3
	_dl_list=${4:-iesg.ietf.org}
	_dl_date=${5:-$(LC_ALL=C date -R)}
	shift 3
	[ $# -gt 0 ] && shift
	[ $# -gt 0 ] && shift
	drafts_mail "$_dl_file" \
	    "From: Liaison Statement Management Tool <statements@ietf.org>" \
	    "To: The IESG <iesg@ietf.org>" \
	    "Subject: New Liaison Statement, \"$_dl_title\"" \
	    "Date: $_dl_date" \
	    "Message-ID: <$_dl_id>" \
	    "List-Id: <$_dl_list>" "$@" <<-EOF
	Title: $_dl_title
	Submission Date: 2026-11-20
	From: ITU-T Study Group 17
	To: The IETF
	Purpose: For action
	Deadline: 2026-12-04

	Body: Study Group 17 asks the IETF for comments on "$_dl_title" before
	its next meeting. The draft text is attached.
	EOF
}

drafts_burst() {
	drafts_liaison "$1/a.eml" "$2-a@test.example" \
	    "LS on identifier-based networking"
	drafts_liaison "$1/b.eml" "$2-b@test.example" \
	    "LS on quantum-safe transition"
	drafts_liaison "$1/c.eml" "$2-c@test.example" "LS on SECRET-MARKER" \
	    iesg-only.ietf.org
	drafts_mail "$1/r.eml" "From: The IESG <iesg-secretary@ietf.org>" \
	    "Subject: Protocol Action: 'ROUTINE-MARKER' to Proposed Standard" \
	    "Date: $(LC_ALL=C date -R)" "Message-ID: <$2-r@test.example>" \
	    "List-Id: <iesg.ietf.org>" <<-EOF
	The IESG has approved the following document.
	EOF
}

drafts_servers() {
	. "$LIAISONBOT_SRCDIR/tests/lib/smtp.sh"
	. "$LIAISONBOT_SRCDIR/tests/lib/dovecot.sh"
	smtp_need_sink || skip_all "$SMTP_SKIP_REASON"
	smtp_init
	trap tap_cleanup EXIT
	tap_cleanup_hooks="drafts_daemon_stop dovecot_stop smtp_cleanup"
	dovecot_start
	for _ds_folder in "$@"; do
		dovecot_mkfolder "$_ds_folder"
	done
	smtp_sink_start || { echo "Bail out! smtp-sink did not start"; exit 1; }
}

drafts_imap_config() {
	drafts_setup "[imap]" "host = localhost" "port = $DOVECOT_IMAPS_PORT" \
	    "tls = imaps" "ca_file = $DOVECOT_CA" "user = $DOVECOT_USER" \
	    "password = $DOVECOT_PASSWORD" "folders = ${drafts_folder:-INBOX}" \
	    "[smtp]" "url = smtp://127.0.0.1:$SMTP_SINK_PORT" "starttls = no" \
	    "$@"
}

daemon_pid=
drafts_daemon_start() {
	_dd_now=${1:-}
	[ $# -gt 0 ] && shift
	if [ -n "$_dd_now" ]; then
		LIAISONBOT_NOW=$_dd_now "$LIAISONBOT" -c "$conf" run \
		    --allow-root "$@" 2>>"$tap_tmp/daemon.log" &
	else
		"$LIAISONBOT" -c "$conf" run --allow-root "$@" \
		    2>>"$tap_tmp/daemon.log" &
	fi
	daemon_pid=$!
}

drafts_daemon_stop() {
	[ -n "$daemon_pid" ] || return 0
	kill "$daemon_pid" 2>/dev/null
	wait_for 10 sh -c "! kill -0 $daemon_pid"
	kill -9 "$daemon_pid" 2>/dev/null
	wait "$daemon_pid" 2>/dev/null
	daemon_status=$?
	daemon_pid=
}

drafts_text() { perl "$drafts_pl" text "$1"; }
drafts_html() { perl "$drafts_pl" html "$1"; }
drafts_header() { perl "$drafts_pl" header "$1" "$2"; }
