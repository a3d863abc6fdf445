#!/bin/sh
# imap_fetch.sh: initial-sync throughput of imap_conn against mbsync, both
# over IMAPS from the same private Dovecot. Prints figures, asserts nothing.
#   tests/bench/imap_fetch.sh [COUNT] [BATCH]     (default 10000, 1000)
set -u
cd "$(dirname "$0")/../.."
build=${LIAISONBOT_BUILD:-build/default}
probe=$PWD/$build/tests/imap_probe
count=${1:-10000}
batch=${2:-1000}
. tests/lib/dovecot.sh
. tests/lib/messages.sh

[ -x "$probe" ] || { echo "build $probe first (make unit-tests)"; exit 1; }
trap 'dovecot_stop' EXIT
dovecot_start
messages_generate "$DOVECOT_DIR/gen" "$count"
dovecot_import INBOX "$DOVECOT_DIR/gen" || exit 1
echo "# $count messages, $(du -sk "$DOVECOT_DIR/gen" | cut -f1) KiB"

seconds()
{
	start=$(date +%s.%N)
	"$@" >"$DOVECOT_DIR/bench.out" 2>&1 || { cat "$DOVECOT_DIR/bench.out"; exit 1; }
	echo "$(date +%s.%N) - $start" | bc
}

# A first pass warms Dovecot's index and cache, as for mbsync below.
"$probe" --host localhost --port "$DOVECOT_IMAPS_PORT" --ca-file "$DOVECOT_CA" \
	--user "$DOVECOT_USER" --password-env DOVECOT_PASSWORD bench INBOX >/dev/null
for run in 1 2 3; do
	t=$(seconds "$probe" --host localhost --port "$DOVECOT_IMAPS_PORT" --ca-file "$DOVECOT_CA" \
		--user "$DOVECOT_USER" --password-env DOVECOT_PASSWORD \
		--batch "$batch" bench INBOX)
	echo "imap_conn (batch $batch, no files) run $run: $t s"
done
# Writing one file per message, as mbsync does (without fsync).
for run in 1 2 3; do
	rm -rf "$DOVECOT_DIR/files"
	mkdir -p "$DOVECOT_DIR/files"
	t=$(seconds "$probe" --host localhost --port "$DOVECOT_IMAPS_PORT" --ca-file "$DOVECOT_CA" \
		--user "$DOVECOT_USER" --password-env DOVECOT_PASSWORD \
		--batch "$batch" fetch INBOX "$DOVECOT_DIR/files")
	echo "imap_conn (batch $batch, files) run $run: $t s"
done

if command -v mbsync >/dev/null; then
	for run in 1 2 3; do
		rm -rf "$DOVECOT_DIR/mbsync"
		mkdir -p "$DOVECOT_DIR/mbsync/local"
		cat >"$DOVECOT_DIR/mbsync/rc" <<EOF
FSync no

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
Path $DOVECOT_DIR/mbsync/local/
Inbox $DOVECOT_DIR/mbsync/local/INBOX

Channel bench
Far :remote:
Near :local:
Patterns INBOX
Sync Pull
Create Near
SyncState *


EOF
		t=$(seconds mbsync -q -c "$DOVECOT_DIR/mbsync/rc" -a)
		echo "mbsync (FSync no) run $run: $t s"
	done
fi
