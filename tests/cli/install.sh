#!/bin/sh
# make install DESTDIR=... PREFIX=/usr puts the binary, templates, rules,
# example configuration and both man pages where they belong, the pages
# render cleanly from there, and make uninstall takes it all away.
. "$(dirname "$0")/../lib/tap.sh"
command -v make >/dev/null || skip_all "make not installed"
dest=$tap_tmp/root
src=$LIAISONBOT_SRCDIR

# The binary under test as it is: -o keeps make from rebuilding it.
install_tree() {
	make -C "$src" -o "$LIAISONBOT" BIN="$LIAISONBOT" DESTDIR="$dest" \
	    PREFIX=/usr "$@" >"$tap_tmp/make.log" 2>&1
}
install_tree install
status=$?
is "$status" 0 "make install DESTDIR PREFIX=/usr"
[ "$status" -eq 0 ] || sed 's/^/#   /' "$tap_tmp/make.log"

test -x "$dest/usr/bin/liaisonbot"
ok $? "the binary in /usr/bin"
like "$("$dest/usr/bin/liaisonbot" --version)" '^liaisonbot [0-9]' \
	"and it runs"
share=$dest/usr/share/liaisonbot
for template in "$src"/templates/*.mustache; do
	name=${template##*/}
	cmp -s "$template" "$share/templates/$name"
	ok $? "template $name in /usr/share/liaisonbot/templates"
done
cmp -s "$src/config/rules.conf" "$share/rules.conf"
ok $? "rules.conf in /usr/share/liaisonbot"
cmp -s "$src/config/liaisonbot.conf.example" "$share/liaisonbot.conf.example"
ok $? "liaisonbot.conf.example in /usr/share/liaisonbot"
test -d "$dest/etc/liaisonbot"
ok $? "/etc/liaisonbot exists (SYSCONFDIR stays /etc)"
is "$(find "$dest/etc" -type f | wc -l | tr -d ' ')" 0 \
	"and install puts no configuration there"

man=$dest/usr/share/man
cmp -s "$src/contrib/man/liaisonbot.1" "$man/man1/liaisonbot.1"
ok $? "liaisonbot.1 in /usr/share/man/man1"
cmp -s "$src/contrib/man/liaisonbot.conf.5" "$man/man5/liaisonbot.conf.5"
ok $? "liaisonbot.conf.5 in /usr/share/man/man5"
is "$(stat -c %a "$man/man1/liaisonbot.1" "$man/man5/liaisonbot.conf.5" \
    "$share/rules.conf" | sort -u)" 644 "data files are mode 644"
is "$(stat -c %a "$dest/usr/bin/liaisonbot")" 755 "the binary is mode 755"

if command -v man >/dev/null; then
	for page in man1/liaisonbot.1 man5/liaisonbot.conf.5; do
		err=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$man/$page" \
		    2>&1 >"$tap_tmp/page.txt")
		is "$err" "" "man -l $page: no warnings"
		like "$(head -1 "$tap_tmp/page.txt")" '^LIAISONBOT' \
			"man -l $page renders"
	done
	# As a user would ask for them, by name, from the installed tree.
	is "$(MANPATH="$man" man -w liaisonbot.conf)" \
	    "$man/man5/liaisonbot.conf.5" "man finds liaisonbot.conf(5)"
	is "$(MANPATH="$man" man -w 1 liaisonbot)" "$man/man1/liaisonbot.1" \
	    "man finds liaisonbot(1)"
else
	ok 0 "# SKIP man not installed"
fi

install_tree uninstall
is $? 0 "make uninstall"
is "$(find "$dest" -type f | wc -l | tr -d ' ')" 0 "leaves no file behind"
tap_done
