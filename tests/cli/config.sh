#!/bin/sh
# The command line and the configuration: --version, --help, lookup order,
# errors with file:line, and the shipped example kept in step with the code.
. "$(dirname "$0")/../lib/tap.sh"

like "$("$LIAISONBOT" --version)" '^liaisonbot [0-9]+\.[0-9]+\.[0-9]+$' \
	"--version prints 'liaisonbot VERSION'"
help=$("$LIAISONBOT" --help)
for command in run poll ingest classify filter digest breaking status outbox config; do
	like "$help" "^  $command " "--help lists $command"
done

"$LIAISONBOT" config --example | cmp -s - "$LIAISONBOT_SRCDIR/config/liaisonbot.conf.example"
ok $? "config/liaisonbot.conf.example is what 'config --example' prints"

printf '[imap]\nhost = x\nport = many\n[bogus]\n' >"$tap_tmp/bad.conf"
out=$("$LIAISONBOT" -c "$tap_tmp/bad.conf" config 2>&1)
is $? 78 "bad config: exit 78 (EX_CONFIG)"
like "$out" "$tap_tmp/bad.conf:3: \[imap\] port: expected an integer" \
	"error names file and line"
like "$out" "$tap_tmp/bad.conf:4: unknown group \[bogus\]" \
	"every error reported, not just the first"

"$LIAISONBOT" -c "$tap_tmp/none.conf" config >/dev/null 2>&1
is $? 78 "-c with a missing file: exit 78"

# Lookup: $XDG_CONFIG_HOME/liaisonbot/liaisonbot.conf without -c.
mkdir -p "$tap_tmp/xdg/liaisonbot"
write_config "$tap_tmp/xdg/liaisonbot/liaisonbot.conf"
out=$(XDG_CONFIG_HOME=$tap_tmp/xdg "$LIAISONBOT" config)
like "$out" "^config: $tap_tmp/xdg/liaisonbot/liaisonbot.conf$" \
	"found through XDG_CONFIG_HOME"

# password_file readable by others is refused.
printf 'secret\n' >"$tap_tmp/pw"
chmod 644 "$tap_tmp/pw"
write_config "$tap_tmp/pw.conf" "[smtp]" "url = smtp://127.0.0.1:9" \
	"password_file = $tap_tmp/pw"
out=$("$LIAISONBOT" -c "$tap_tmp/pw.conf" config 2>&1)
is $? 78 "password_file readable by others: refused (exit 78)"
like "$out" "readable by group or others" "and says why"
unlike "$out" "secret" "without showing the password"
chmod 600 "$tap_tmp/pw"
"$LIAISONBOT" -c "$tap_tmp/pw.conf" config >/dev/null 2>&1
is $? 0 "mode 600: accepted"

"$LIAISONBOT" frobnicate >/dev/null 2>&1
is $? 64 "unknown command: exit 64"
"$LIAISONBOT" ingest --no-such-option >/dev/null 2>&1
is $? 64 "unknown option: exit 64"
tap_done
