#!/bin/sh
# filter: byte-exact passthrough plus X-Liaison-* headers; exit 75 with
# the message untouched on any internal failure.
. "$(dirname "$0")/../lib/tap.sh"
data=$LIAISONBOT_SRCDIR/tests/data/cli
conf=$tap_tmp/lb.conf
write_config "$conf"

"$LIAISONBOT" -c "$conf" filter <"$data/process.eml" >"$tap_tmp/out"
is $? 0 "filter exits 0"
like "$(cat "$tap_tmp/out")" '^X-Liaison-Category: process$' "category header"
like "$(cat "$tap_tmp/out")" '^X-Liaison-Breaking: yes$' "breaking header"
grep -v '^X-Liaison-' "$tap_tmp/out" | cmp -s - "$data/process.eml"
ok $? "everything else byte for byte"

"$LIAISONBOT" -c "$conf" filter <"$data/crlf.eml" >"$tap_tmp/out"
grep -av '^X-Liaison-' "$tap_tmp/out" | cmp -s - "$data/crlf.eml"
ok $? "CRLF and 8-bit bytes preserved"
is "$(grep -ac "$(printf '^X-Liaison-.*\r$')" "$tap_tmp/out")" 4 \
	"our headers use the message's CRLF line ends"

# A sender forging our headers, including a folded continuation line.
{
	printf 'X-Liaison-Confidential: no\nX-Liaison-Category: process\n'
	printf '\tprocess\nx-liaison-breaking: yes\n'
	cat "$data/confidential.eml"
} >"$tap_tmp/forged.eml"
"$LIAISONBOT" -c "$conf" filter <"$tap_tmp/forged.eml" >"$tap_tmp/out"
is "$(grep -ic '^x-liaison-' "$tap_tmp/out")" 4 "forged headers replaced"
like "$(cat "$tap_tmp/out")" '^X-Liaison-Confidential: yes$' \
	"the real verdict wins"
grep -v '^X-Liaison-' "$tap_tmp/out" | cmp -s - "$data/confidential.eml"
ok $? "the forged lines, continuation included, are gone"

"$LIAISONBOT" -c "$conf" filter --explain <"$data/process.eml" >"$tap_tmp/out"
like "$(cat "$tap_tmp/out")" '^X-Liaison-Rules: [a-z-]+\(\+[0-9]+\)' \
	"--explain adds X-Liaison-Rules"

# Internal failure: a rules file that cannot be read.
write_config "$tap_tmp/broken.conf"
sed -i "s|^rules = .*|rules = $tap_tmp/no-such-rules.conf|" "$tap_tmp/broken.conf"
"$LIAISONBOT" -c "$tap_tmp/broken.conf" filter <"$data/process.eml" \
	>"$tap_tmp/out" 2>"$tap_tmp/err"
is $? 75 "internal failure: exit 75 so the MDA keeps the mail"
cmp -s "$tap_tmp/out" "$data/process.eml"
ok $? "and the message is written through untouched"

# No IMAP configured at all: store and rules only (write_config has none).
"$LIAISONBOT" -c "$conf" filter <"$data/routine.eml" >/dev/null
is $? 0 "works without any [imap] section"

# Dovecot's filter contract: reads stdin to the end, also a large message.
{ head -c 5000000 /dev/zero | tr "\\0" x | fold -w 76; echo; } >"$tap_tmp/big.body"
{ cat "$data/routine.eml"; cat "$tap_tmp/big.body"; } >"$tap_tmp/big.eml"
"$LIAISONBOT" -c "$conf" filter <"$tap_tmp/big.eml" >"$tap_tmp/out"
grep -v '^X-Liaison-' "$tap_tmp/out" | cmp -s - "$tap_tmp/big.eml"
ok $? "a 5 MB message passes through whole"

# Over the 256 MiB it reads into memory: passed through whole, unlabelled,
# exit 75. Through a pipe, as from an MDA. Left out under valgrind.
if [ "${LIAISONBOT_VALGRIND:-}" != 1 ]; then
	huge() {	# 54 x 5.07 MB: 273 MB
		cat "$data/routine.eml"
		i=0
		while [ $i -lt 54 ]; do
			cat "$tap_tmp/big.body"
			i=$((i + 1))
		done
	}
	want=$(huge | md5sum)
	got=$(huge | "$LIAISONBOT" -c "$conf" filter 2>"$tap_tmp/huge.err" |
	    md5sum)
	is "$got" "$want" "a message over 256 MiB passes through byte for byte"
	huge | "$LIAISONBOT" -c "$conf" filter >/dev/null 2>&1
	is $? 75 "and the exit status says it was not classified (75)"
	like "$(cat "$tap_tmp/huge.err")" "256" "the reason is on stderr"
fi
tap_done
