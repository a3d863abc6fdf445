#!/bin/sh
# store_faults: `ingest -` on a store whose filesystem is full or
# read-only exits 75 (EX_TEMPFAIL, the MDA keeps the message and retries)
# and loses nothing: once space or write access is back, the same input
# is stored exactly once. Root can write to a read-only directory, so the
# faults are real filesystems: a small tmpfs filled up, and the same
# remounted read-only. Skipped where mounting is not permitted.
. "$(dirname "$0")/../lib/tap.sh"
data=$LIAISONBOT_SRCDIR/tests/data/cli

command -v sqlite3 >/dev/null || skip_all "sqlite3 is not installed"
[ "$(id -u)" -eq 0 ] || skip_all "needs root to mount a tmpfs"
mnt=$tap_tmp/mnt
mkdir "$mnt"
if ! mount -t tmpfs -o size=32m,mode=0700 liaisonbot-test "$mnt" \
    2>"$tap_tmp/err"; then
	skip_all "cannot mount a tmpfs here: $(cat "$tap_tmp/err")"
fi
unmount() {
	mountpoint -q "$mnt" && umount "$mnt"
}
tap_cleanup_hooks="unmount $tap_cleanup_hooks"

conf=$tap_tmp/lb.conf
write_config "$conf"
db=$mnt/store/store.db
sed -i "s|^path = .*|path = $db|" "$conf"
count() {
	sqlite3 "$db" "SELECT count(*) FROM messages WHERE message_id = '$1@example.org'"
}

# message ID [BODY-BYTES]: a message on stdout, with that Message-ID and
# optionally a body of that many bytes.
message() {
	sed "s/<statement-2026-11@ietf.org>/<$1@example.org>/" "$data/process.eml"
	[ -n "${2:-}" ] && head -c "$2" /dev/zero | tr '\0' x | fold -w 72
}

# ingest_stdin FILE: liaisonbot ingest - <FILE; sets status.
ingest_stdin() {
	timeout 60 "$LIAISONBOT" -c "$conf" ingest - <"$1" >/dev/null \
	    2>"$tap_tmp/err"
	status=$?
	[ "$status" -ne 0 ] && diag "$(grep -v '^ingested ' "$tap_tmp/err")"
}

fill() {	# fill KB-LEFT: fill the tmpfs, then free KB-LEFT of it
	dd if=/dev/zero of="$mnt/filler" bs=64k 2>/dev/null
	if [ "$1" -gt 0 ]; then
		truncate -s "-$1K" "$mnt/filler"
	fi
}

message first >"$tap_tmp/first.eml"
ingest_stdin "$tap_tmp/first.eml"
is "$status" 0 "a store on the tmpfs works"

# Disk full, with no room at all: not even the WAL can be written.
message full >"$tap_tmp/full.eml"
fill 0
ingest_stdin "$tap_tmp/full.eml"
is "$status" 75 "disk full: exit 75"
like "$(cat "$tap_tmp/err")" "store $db: .*(No space left|full)" \
    "the error names the store and says the disk is full"
rm -f "$mnt/filler"
ingest_stdin "$tap_tmp/full.eml"
is "$status" 0 "space back: the MDA's retry succeeds"
is "$(count full)" 1 "stored exactly once"

# Room for the transaction to start but not for the message (2 MB body
# with 512 KB free): the failure comes halfway through the write.
message half 2000000 >"$tap_tmp/half.eml"
fill 512
ingest_stdin "$tap_tmp/half.eml"
is "$status" 75 "disk full mid-transaction: exit 75"
is "$(sqlite3 "$db" "PRAGMA integrity_check" 2>&1)" ok \
    "the store is intact after the failed write"
rm -f "$mnt/filler"
ingest_stdin "$tap_tmp/half.eml"
is "$status" 0 "space back: stored"
is "$(count half)" 1 "exactly once"
is "$(sqlite3 "$db" "SELECT length(raw) FROM raw_messages r JOIN messages m \
ON m.id = r.message WHERE m.message_id = 'half@example.org'")" \
    "$(wc -c <"$tap_tmp/half.eml" | tr -d ' ')" "and whole"

# A store created on a full filesystem.
fill 0
sed -i "s|^path = .*|path = $mnt/new/store.db|" "$conf"
ingest_stdin "$tap_tmp/full.eml"
is "$status" 75 "disk full, new store: exit 75"
rm -f "$mnt/filler"
sed -i "s|^path = .*|path = $db|" "$conf"

# Read-only: the filesystem remounted so.
message readonly >"$tap_tmp/ro.eml"
if mount -o remount,ro "$mnt" 2>"$tap_tmp/err"; then
	ingest_stdin "$tap_tmp/ro.eml"
	is "$status" 75 "read-only store: exit 75"
	like "$(cat "$tap_tmp/err")" "store $db: .*Read-only file system" \
	    "the error names the store and says it is read-only"
	mount -o remount,rw "$mnt"
	ingest_stdin "$tap_tmp/ro.eml"
	is "$status" 0 "writable again: stored"

	is "$(count readonly)" 1 "exactly once"
else
	ok 0 "# SKIP cannot remount read-only: $(cat "$tap_tmp/err")"
fi
is "$(sqlite3 "$db" "PRAGMA integrity_check" 2>&1)" ok "integrity_check"
is "$(sqlite3 "$db" "SELECT count(*) FROM messages")" 4 \
    "four messages, no more"
tap_done
