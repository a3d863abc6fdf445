#!/bin/bash
# The main job end to end, on a fresh Debian 12 machine (as root):
#   install what is needed, build, start a throwaway private Dovecot on
#   127.0.0.1 loaded with a sample week of IESG-like traffic
#   (contrib/sample-week/), sync it once, draft the week's digest, deliver
#   it to a local SMTP receiver (Postfix's smtp-sink on 127.0.0.1), print
#   the draft as received, and stop both servers.
# Everything lives in a temporary directory removed at the end.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -eu
cd "$(dirname "$0")/.."
export LIAISONBOT_SRCDIR=$PWD

echo "== installing dependencies and building"
sh contrib/install-deps.sh --test
make -s -j"$(nproc)" all
lb=$PWD/build/default/liaisonbot

. tests/lib/dovecot.sh
. tests/lib/smtp.sh
smtp_init			# its EXIT trap stops what smtp.sh started
demo_dir=$SMTP_TMP/demo
mkdir -p "$demo_dir"
demo_stop() {
	dovecot_stop >/dev/null 2>&1 || :
	smtp_cleanup
}
trap demo_stop EXIT

echo "== starting a private Dovecot and smtp-sink on 127.0.0.1"
dovecot_start
smtp_need_sink || { echo "demo: $SMTP_SKIP_REASON" >&2; exit 1; }
smtp_sink_start
echo "   IMAPS 127.0.0.1:$DOVECOT_IMAPS_PORT, SMTP 127.0.0.1:$SMTP_SINK_PORT"

echo "== delivering the sample week ($(ls contrib/sample-week/*.eml | wc -l) messages) to INBOX"
for message in contrib/sample-week/*.eml; do
	dovecot_deliver INBOX "$message"
done

conf=$demo_dir/liaisonbot.conf
cat >"$conf" <<CONF
[store]
path = $demo_dir/liaisonbot.db

[classify]
rules = $PWD/config/rules.conf

[imap]
host = localhost
port = $DOVECOT_IMAPS_PORT
tls = imaps
ca_file = $DOVECOT_CA
user = $DOVECOT_USER
password = $DOVECOT_PASSWORD
folders = INBOX

[smtp]
url = smtp://127.0.0.1:$SMTP_SINK_PORT
; smtp-sink offers no STARTTLS; a real server would (the default is required)
starttls = no

[drafts]
from = IESG liaisonbot <liaisonbot@example.org>
to = liaison@example.org
template_dir = $PWD/templates
CONF

echo "== liaisonbot poll --once"
"$lb" -c "$conf" poll --once
echo "== liaisonbot status"
"$lb" -c "$conf" status
echo "== liaisonbot digest --since 2026-11-16 --until 2026-11-23 --send"
"$lb" -c "$conf" digest --since 2026-11-16 --until 2026-11-23 --send
smtp_wait_files "$SMTP_SINK_DIR" 1

received=$(ls "$SMTP_SINK_DIR"/* | head -1)
echo "== the draft as smtp-sink received it (headers, then the text part decoded)"
smtp_body "$received" | sed -n '1,/^$/p' | grep -E '^(From|To|Subject|Date|Message-I[dD]|Content-Type):'
echo
smtp_body "$received" | awk '
	/^Content-Type: text\/plain/ { part = 1; next }
	part && /^--=-/ { exit }
	part == 1 && /^$/ { part = 2; next }
	part == 2 { print }' |
	perl -MMIME::QuotedPrint -0777 -ne 'print decode_qp($_)'

# The confidential traffic of the week must not be anywhere in the draft.
markers=$(sed -n 's/^# secret-markers: *//p' contrib/sample-week/EXPECTED)
for word in $markers; do
	if smtp_body "$received" | perl -MMIME::QuotedPrint -0777 -ne \
	    'print decode_qp($_)' | grep -q -- "$word"; then
		echo "demo: confidential marker '$word' found in the draft" >&2
		exit 1
	fi
done
echo "== done: no confidential text in the draft; servers stopped"
