#!/bin/sh
# The man pages stay in step with the program: every command and option
# the binary knows is in liaisonbot(1), every configuration key with its
# default in liaisonbot.conf(5), the pages' examples load, the key entries
# match src/config.c's table, and both pages lint clean.
. "$(dirname "$0")/../lib/tap.sh"
man1=$LIAISONBOT_SRCDIR/contrib/man/liaisonbot.1
man5=$LIAISONBOT_SRCDIR/contrib/man/liaisonbot.conf.5

# Roff source as text: \- is -, \e is \, \(aq is ', font changes go.
plain() {
	sed -e 's/\\-/-/g' -e 's/\\(aq/'"'"'/g' -e 's/\\e/\\/g' \
	    -e 's/\\f[BIRP]//g' -e 's/\\&//g' "$@"
}
# section FILE HEADING: the lines of a .SS section of a plain() page up to
# the next .SS or .SH.
section() {
	awk -v want="$2" '
		/^\.S[SH] / {
			title = $0
			sub(/^\.S[SH] +/, "", title)
			inside = (title == want || index(title, want " ") == 1)
			next
		}
		inside' "$1"
}
plain "$man1" >"$tap_tmp/man1"
plain "$man5" >"$tap_tmp/man5"

# Commands, from --help, each with every option of its --help.
commands=$("$LIAISONBOT" --help | awk '/^Commands:/ { on = 1; next }
	on && /^  [a-z]/ { print $1 }')
[ -n "$commands" ]
ok $? "liaisonbot --help lists commands"
for command in $commands; do
	text=$(section "$tap_tmp/man1" "$command")
	[ -n "$text" ]
	ok $? "liaisonbot.1 has a section for '$command'"
	like "$(section "$tap_tmp/man1" SYNOPSIS)" \
	    "^\.B liaisonbot $command( |\$)" "'$command' is in the synopsis"
	options=$("$LIAISONBOT" "$command" --help | awk '
		/^Application Options:/ { on = 1; next }
		on && /^ +-/ {
			for (i = 1; i <= NF; i++)
				if ($i ~ /^--/) { sub(/[=,].*/, "", $i); print $i }
		}')
	options_text=$(section "$tap_tmp/man1" OPTIONS)
	for option in $options; do
		case $option in
		--config|--verbose|--quiet) where=OPTIONS in=$options_text ;;
		*) where=$command in=$text ;;
		esac
		case $in in
		*"$option"*) ok 0 "liaisonbot.1: $command $option (under $where)" ;;
		*) ok 1 "liaisonbot.1: $command $option (under $where)" ;;
		esac
	done
done

# The headers filter writes are the ones the page names.
write_config "$tap_tmp/lb.conf"
headers=$("$LIAISONBOT" -c "$tap_tmp/lb.conf" filter --explain \
    <"$LIAISONBOT_SRCDIR/tests/data/cli/process.eml" |
    sed -n 's/^\(X-Liaison-[A-Za-z]*\):.*/\1/p')
[ -n "$headers" ]
ok $? "filter --explain writes X-Liaison-* headers"
for header in $headers; do
	section "$tap_tmp/man1" "THE FILTER CONTRACT" | grep -q -- "$header"
	ok $? "liaisonbot.1 names $header"
done

# Keys and defaults, from config --example ("#key = default"), against the
# key lists of the page: one "[group] key: entry" line per key.
sed -e 's/\\-/-/g' -e 's/\\e/\\/g' "$man5" | awk '
	/^\.\\" keys \[[a-z]+\] begin/ {
		group = $0
		sub(/^\.\\" keys /, "", group)
		sub(/ .*/, "", group)
		next
	}
	/^\.\\" keys / { group = ""; next }
	group == "" { next }
	/^\.B / { if (key != "") print entry; key = $2; entry = group " " key ":"; next }
	/^\./ { if (key != "") print entry; key = ""; next }
	key != "" { entry = entry " " $0 }
	END { if (key != "") print entry }' >"$tap_tmp/entries"
"$LIAISONBOT" config --example >"$tap_tmp/example"
# "[group] key", the default from the example, the default from the page
# ("missing" when the page lacks the key), separated by US (\037).
awk '
	FNR == NR {
		key = $1 " " $2
		sub(/:$/, "", key)
		page[key] = $0
		next
	}
	/^\[/ { group = $0; next }
	/^#[a-z_]+ =/ {
		key = $0
		sub(/^#/, "", key)
		sub(/ =.*/, "", key)
		want = $0
		sub(/^[^=]*= ?/, "", want)
		entry = page[group " " key]
		got = "missing"
		if (entry != "") {
			got = ""
			if (match(entry, /; default \\fB.*\\fR\.$/))
				got = substr(entry, RSTART + 13,
				    RLENGTH - 13 - 4)
		}
		print group " " key "\037" want "\037" got
	}' "$tap_tmp/entries" "$tap_tmp/example" >"$tap_tmp/defaults"
keys=0
us=$(printf '\037')
while IFS=$us read -r name want got; do
	keys=$((keys + 1))
	is "$got" "$want" "liaisonbot.conf.5: $name, default '$want'"
done <"$tap_tmp/defaults"
[ "$keys" -gt 40 ]
ok $? "config --example gave $keys keys"

# The pages' examples are real: the configuration loads, the rules too.
example() {
	sed -n "/^\.\\\\\" example $1 begin/,/^\.\\\\\" example $1 end/p" \
	    "$tap_tmp/man5" | grep -v '^\.'
}
example liaisonbot.conf >"$tap_tmp/example.conf"
example rules >"$tap_tmp/example.rules"
[ -s "$tap_tmp/example.conf" ] && [ -s "$tap_tmp/example.rules" ]
ok $? "liaisonbot.conf.5 has both examples"
printf 'secret\n' >"$tap_tmp/imap.password"
chmod 600 "$tap_tmp/imap.password"
sed -i -e "s|^path = .*|path = $tap_tmp/example.db|" \
    -e "s|^password_file = .*|password_file = $tap_tmp/imap.password|" \
    "$tap_tmp/example.conf"
printf '[classify]\nrules = %s\n' "$tap_tmp/example.rules" >>"$tap_tmp/example.conf"
out=$("$LIAISONBOT" -c "$tap_tmp/example.conf" config 2>&1)
status=$?
is "$status" 0 "the example configuration and rules load"
[ "$status" -eq 0 ] || printf '%s\n' "$out" | sed 's/^/#   /'

# The key entries are what update-conf-keys.sh makes of src/config.c.
if command -v "${CC:-cc}" >/dev/null && pkg-config --exists glib-2.0 2>/dev/null
then
	err=$("$LIAISONBOT_SRCDIR/contrib/man/update-conf-keys.sh" --check 2>&1)
	ok $? "liaisonbot.conf.5 is up to date with src/config.c"
	[ -z "$err" ] || printf '%s\n' "$err" | head -20 | sed 's/^/#   /'
else
	ok 0 "# SKIP no C compiler or GLib headers"
fi

# Lint: groff's warnings, and mandoc's down to style.
for page in "$man1" "$man5"; do
	name=${page##*/}
	if command -v man >/dev/null; then
		err=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" \
		    2>&1 >/dev/null)
		is "$err" "" "$name: man --warnings is silent"
	else
		ok 0 "# SKIP man not installed"
	fi
	if command -v mandoc >/dev/null; then
		err=$(mandoc -T lint "$page" 2>&1)
		is "$err" "" "$name: mandoc -T lint is silent"
	else
		ok 0 "# SKIP mandoc not installed"
	fi
done
tap_done
