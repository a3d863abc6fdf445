#!/bin/sh
# README.md stays true: its commands table names every command the binary
# has, with every long option of each, and its digest excerpt is made of
# lines of the real sample-week digest (tests/data/golden/).
. "$(dirname "$0")/../lib/tap.sh"
readme=$LIAISONBOT_SRCDIR/README.md
golden=$LIAISONBOT_SRCDIR/tests/data/golden/sample-week-digest.txt

commands=$("$LIAISONBOT" --help | awk '/^Commands:/ { on = 1; next }
	on && /^  [a-z]/ { print $1 }')
[ -n "$commands" ]
ok $? "liaisonbot --help lists commands"
for command in $commands; do
	row=$(grep -E "^\| \`liaisonbot $command( |\`)" "$readme")
	[ -n "$row" ]
	ok $? "README's commands table has '$command'"
	# Long options of the command's --help, but the global ones.
	for option in $("$LIAISONBOT" "$command" --help 2>&1 |
	    grep -oE '^ +(-[a-zA-Z1], )?--[a-z-]+' | grep -oE -- '--[a-z-]+' |
	    grep -vE -- '^--(help|config|verbose|quiet)$'); do
		case $row in
		*"$option"*) ok 0 "README: $command $option" ;;
		*) ok 1 "README: $command $option (not in its table row)" ;;
		esac
	done
done

# The excerpt: the fenced block after "### What the demo prints".
awk '/^### What the demo prints/ { on = 1; next }
	on && /^```/ { if (inside) exit; inside = 1; next }
	inside' "$readme" >"$tap_tmp/excerpt"
[ "$(wc -l <"$tap_tmp/excerpt")" -gt 20 ]
ok $? "README has a digest excerpt ($(wc -l <"$tap_tmp/excerpt") lines)"
missing=0
while IFS= read -r line; do
	# "..." marks a cut; lines ending in one are checked up to it.
	case $line in
	'' | *'...') line=${line%...}; line=${line% } ;;
	esac
	[ -z "$line" ] && continue
	if ! grep -qF -- "$line" "$golden"; then
		diag "not in the golden digest: $line"
		missing=$((missing + 1))
	fi
done <"$tap_tmp/excerpt"
is "$missing" 0 "every excerpt line is in the real digest"
tap_done
