#!/bin/sh
# contrib/liaisonbot.sieve and contrib/sieve-bin/* through a real delivery:
# dovecot-lda with a private configuration (sieve_before, extprograms).
# List mail is stored and filed by category with the X-Liaison-* headers;
# other mail is left alone; a failing filter keeps the message unchanged;
# a busy store costs the copy, never a duplicate delivery, and ingest
# --maildir catches up. No server, no port: dovecot-lda runs standalone.
. "$(dirname "$0")/../lib/tap.sh"
lda=
for candidate in "$(command -v dovecot-lda 2>/dev/null)" \
    /usr/lib/dovecot/dovecot-lda /usr/libexec/dovecot/dovecot-lda; do
	[ -n "$candidate" ] && [ -x "$candidate" ] && lda=$candidate && break
done
[ -n "$lda" ] || skip_all "dovecot-lda not installed"
command -v sqlite3 >/dev/null || skip_all "sqlite3 not installed"
data=$LIAISONBOT_SRCDIR/tests/data/cli

# dovecot-lda delivers as the user running it, but never as root: as
# root, everything below runs as nobody, in a directory nobody owns.
work=$tap_tmp/sieve
mkdir -p "$work"
if [ "$(id -u)" = 0 ]; then
	if ! command -v setpriv >/dev/null || ! id nobody >/dev/null 2>&1; then
		skip_all "as root this needs setpriv(1) and a user nobody"
	fi
	user=nobody
	as_user() {
		setpriv --reuid=nobody --regid="$(id -g nobody)" \
		    --clear-groups "$@"
	}
	chmod 711 "$tap_tmp"
else
	user=$(id -un)
	as_user() { "$@"; }
fi
home=$work/home
mkdir -p "$work/bin" "$work/sieve-bin" "$home/.config/liaisonbot"
# Copies, so that nobody needs no access to the source tree.
cp "$LIAISONBOT" "$work/bin/liaisonbot"
cp "$LIAISONBOT_SRCDIR/config/rules.conf" "$home/.config/liaisonbot/rules.conf"
cp "$LIAISONBOT_SRCDIR/contrib/liaisonbot.sieve" "$work/liaisonbot.sieve"
for program in liaisonbot-filter liaisonbot-ingest; do
	# The one line an installer edits: where liaisonbot is.
	sed "s|^PATH=.*|PATH=$work/bin:/usr/bin:/bin|" \
	    "$LIAISONBOT_SRCDIR/contrib/sieve-bin/$program" \
	    >"$work/sieve-bin/$program"
	chmod 755 "$work/sieve-bin/$program"
done
# The user's configuration, found from HOME as Pigeonhole passes it; the
# rules beside it and the store in $HOME/.local/share are the defaults.
cat >"$home/.config/liaisonbot/liaisonbot.conf" <<EOF
[store]
busy_timeout = 1s
EOF
db=$home/.local/share/liaisonbot/liaisonbot.db
cat >"$work/dovecot.conf" <<EOF
base_dir = $work/run
state_dir = $work/state
instance_name = liaisonbot-test
log_path = $work/dovecot.log
protocols =
ssl = no
postmaster_address = postmaster@example.org
mail_location = maildir:~/Maildir
protocol lda {
  mail_plugins = sieve
}
plugin {
  sieve = file:~/sieve;active=~/.dovecot.sieve
  sieve_before = $work/liaisonbot.sieve
  sieve_plugins = sieve_extprograms
  sieve_global_extensions = +vnd.dovecot.pipe +vnd.dovecot.filter
  sieve_filter_bin_dir = $work/sieve-bin
  sieve_pipe_bin_dir = $work/sieve-bin
}
EOF
[ "$user" = nobody ] && chown -R nobody "$work"
maildir=$home/Maildir

deliver() {
	as_user env -i HOME="$home" USER="$user" PATH=/usr/bin:/bin \
	    "$lda" -c "$work/dovecot.conf" -f sender@example.org \
	    -a liaison@example.org <"$1" 2>>"$work/lda.stderr"
}
# The one file in a folder's new/, or nothing.
only() {
	set -- "$maildir/$1/new/"*
	[ $# -eq 1 ] && [ -f "$1" ] && echo "$1"
}
delivered() {
	find "$maildir" -path '*/new/*' -type f 2>/dev/null | wc -l | tr -d ' '
}
count() { as_user sqlite3 "$db" "$1"; }
clear_mail() { rm -rf "$maildir"; }
# The message as it was, line ends aside (Dovecot stores LF).
same_text() {
	tr -d '\r' <"$1" | grep -av '^X-Liaison-' >"$tap_tmp/a"
	tr -d '\r' <"$2" >"$tap_tmp/b"
	cmp -s "$tap_tmp/a" "$tap_tmp/b"
}

deliver "$data/process.eml"
is $? 0 "process: dovecot-lda exits 0"
got=$(only .Liaison.process)
ok $? "filed into Liaison.process"
like "$(cat "$got")" '^X-Liaison-Category: process.?$' "with X-Liaison-Category"
like "$(cat "$got")" '^X-Liaison-Breaking: yes.?$' "and X-Liaison-Breaking"
same_text "$got" "$data/process.eml"
ok $? "otherwise the message as it arrived"
is "$(delivered)" 1 "delivered once"
is "$(count "SELECT category FROM messages WHERE \
message_id = 'statement-2026-11@ietf.org'")" process \
	"a copy is in the store under HOME (the pipe, config found from HOME)"
count "SELECT writefile('$work/raw', raw) FROM raw_messages r JOIN messages m \
ON m.id = r.message WHERE m.message_id = 'statement-2026-11@ietf.org'" >/dev/null
same_text "$work/raw" "$data/process.eml" &&
    ! grep -q '^X-Liaison-' "$work/raw"
ok $? "the copy is the message as it arrived, before the filter"

deliver "$data/routine.eml"
ok "$(test -n "$(only .Liaison.routine)"; echo $?)" \
	"routine: filed into Liaison.routine"
deliver "$data/confidential.eml"
got=$(only .Liaison.confidential)
ok $? "iesg-only, confidential: filed into Liaison.confidential"
is "$(count "SELECT confidential FROM messages WHERE \
message_id = 'exec-2026-11-19@ietf.org'")" 1 "stored as confidential"

deliver "$data/crlf.eml"
got=$(only .)
ok $? "not IESG list mail: INBOX"
unlike "$(cat "$got")" '^X-Liaison-' "without X-Liaison-* headers"
same_text "$got" "$data/crlf.eml"
ok $? "and unchanged"
is "$(count "SELECT count(*) FROM messages WHERE \
message_id = 'crlf@example.org'")" 0 "and not stored"

# A filter that fails: the rules cannot be read (ingest fails as well).
clear_mail
user_conf=$home/.config/liaisonbot/liaisonbot.conf
cp "$user_conf" "$work/conf.saved"
printf '[classify]\nrules = %s\n' "$work/no-such-rules.conf" >>"$user_conf"
: >"$work/dovecot.log"
sed 's/<statement-2026-11@/<norules@/' "$data/process.eml" >"$work/norules.eml"
{
	printf 'X-Liaison-Category: process\n'
	cat "$work/norules.eml"
} >"$work/forged.eml"
deliver "$work/forged.eml"
is $? 0 "broken rules: dovecot-lda still exits 0"
got=$(only .)
ok $? "the message is kept in INBOX, not filed by the sender's header"
is "$(delivered)" 1 "exactly once"
is "$(grep -c '^X-Liaison-' "$got")" 1 "unchanged: only the forged header"
like "$(cat "$work/dovecot.log")" 'exit code 75' \
	"Dovecot logs the filter's exit 75"
cp "$work/conf.saved" "$user_conf"

# A busy store: the ingest copy fails (pipe :try), the delivery does not,
# and is not doubled; ingest --maildir catches up.
clear_mail
sed 's/<statement-2026-11@/<busy@/' "$data/process.eml" >"$work/busy.eml"
mkfifo "$work/hold"
[ "$user" = nobody ] && chown nobody "$work/hold" "$work/busy.eml"
as_user sqlite3 "$db" "BEGIN EXCLUSIVE; SELECT 1;" ".read $work/hold" \
    >/dev/null &
holder=$!
wait_for 5 as_user sh -c "! sqlite3 '$db' 'BEGIN IMMEDIATE; COMMIT;' 2>/dev/null"
deliver "$work/busy.eml"
is $? 0 "store locked: delivery still succeeds"
is "$(delivered)" 1 "once: no implicit-keep copy in INBOX"
ok "$(test -n "$(only .Liaison.process)"; echo $?)" "filed as usual"
echo "COMMIT;" >"$work/hold"
wait "$holder"
is "$(count "SELECT count(*) FROM messages WHERE \
message_id = 'busy@ietf.org'")" 0 "the store missed it"
# Retried while the store is busy (75), as a user would: on a loaded
# machine the delivery's own ingest may still be finishing.
for try in 1 2 3 4 5; do
	as_user env -i HOME="$home" "$work/bin/liaisonbot" -q ingest \
	    --maildir "$maildir/.Liaison.process" 2>"$work/catchup.err"
	rc=$?
	[ "$rc" = 75 ] || break
done
is "$rc" 0 "ingest --maildir over the folder (try $try)"
sed 's/^/#   /' "$work/catchup.err"
is "$(count "SELECT count(*) FROM messages WHERE \
message_id = 'busy@ietf.org'")" 1 "caught up"

# The wrappers themselves: --explain, and no other options.
out=$(as_user env -i HOME="$home" "$work/sieve-bin/liaisonbot-filter" \
    --explain <"$data/process.eml")
like "$out" '^X-Liaison-Rules: ' "liaisonbot-filter --explain"
out=$(as_user env -i HOME="$home" "$work/sieve-bin/liaisonbot-filter" \
    -c /etc/passwd <"$data/process.eml" 2>/dev/null)
is "$?:$out" "64:" "liaisonbot-filter refuses other options"
as_user env -i HOME="$home" "$work/sieve-bin/liaisonbot-ingest" extra \
    <"$data/process.eml" 2>/dev/null
is $? 64 "liaisonbot-ingest takes no arguments"
tap_done
