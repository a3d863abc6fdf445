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
. tests/lib/mbsync.sh

[ -x "$probe" ] || { echo "build $probe first (make unit-tests)"; exit 1; }
trap 'dovecot_stop' EXIT
trap 'exit 1' INT TERM HUP
dovecot_start
messages_generate "$DOVECOT_DIR/gen" "$count"
dovecot_import INBOX "$DOVECOT_DIR/gen" || exit 1
echo "# $count messages, $(du -sk "$DOVECOT_DIR/gen" | cut -f1) KiB"

# Wall-clock seconds of a command, and its own CPU seconds (user + system)
# when GNU time is there: on a busy machine CPU is the steadier figure.
seconds()
{
	timer=
	[ -x /usr/bin/time ] && timer="/usr/bin/time -o $DOVECOT_DIR/cpu -f %U+%S"
	start=$(date +%s.%N)
	$timer "$@" >"$DOVECOT_DIR/bench.out" 2>&1 ||
		{ cat "$DOVECOT_DIR/bench.out"; exit 1; }
	wall=$(echo "$(date +%s.%N) - $start" | bc)
	if [ -n "$timer" ]; then
		echo "$wall s wall, $(bc <"$DOVECOT_DIR/cpu") s cpu"
	else
		echo "$wall s wall"
	fi
}

# No spaces in these: mktemp names and numbers.
probe="$probe --host localhost --port $DOVECOT_IMAPS_PORT --ca-file $DOVECOT_CA
	--user $DOVECOT_USER --password-env DOVECOT_PASSWORD --batch $batch"

# A first pass warms Dovecot's index and cache. Then the three contenders
# take turns, so that they share whatever else the machine is doing.
$probe bench INBOX >/dev/null || exit 1
for run in 1 2 3; do
	echo "imap_conn, batch $batch, no files: $(seconds $probe bench INBOX)"
	rm -rf "$DOVECOT_DIR/files"
	mkdir -p "$DOVECOT_DIR/files"
	echo "imap_conn, batch $batch, a file per message:" \
		"$(seconds $probe fetch INBOX "$DOVECOT_DIR/files")"
	command -v mbsync >/dev/null || continue
	mbsync_config "$DOVECOT_DIR/mbsync" no
	echo "mbsync, FSync no: $(seconds mbsync -q -c "$DOVECOT_DIR/mbsync/rc" -a)"
done
