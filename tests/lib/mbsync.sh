# mbsync.sh: mbsync (isync) as the yardstick for an initial IMAP sync,
# sourced by the benchmarks after tests/lib/dovecot.sh's dovecot_start.
#
#   mbsync_config DIR FSYNC   a fresh DIR/rc pulling the Dovecot INBOX into
#                             the Maildir DIR/local/INBOX (empty), with
#                             FSync yes|no; run it as mbsync -c DIR/rc -a

mbsync_config()
{
	rm -rf "$1"
	mkdir -p "$1/local"
	cat >"$1/rc" <<EOF_RC
FSync $2

IMAPAccount bench
Host localhost
Port $DOVECOT_IMAPS_PORT
User $DOVECOT_USER
Pass $DOVECOT_PASSWORD
SSLType IMAPS
CertificateFile $DOVECOT_CA

IMAPStore remote
Account bench

MaildirStore local
Path $1/local/
Inbox $1/local/INBOX

Channel bench
Far :remote:
Near :local:
Patterns INBOX
Sync Pull
Create Near
SyncState *
EOF_RC
}
