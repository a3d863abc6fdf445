#!/bin/sh
# update-conf-keys.sh: rewrite the key entries of liaisonbot.conf.5 from
# the key table in src/config.c (type, range, default, help), leaving the
# text around them as it is. Run it after changing the table.
#   contrib/man/update-conf-keys.sh           rewrite the page
#   contrib/man/update-conf-keys.sh --check   exit 1 if the page is stale
# Needs a C compiler and GLib's headers (contrib/install-deps.sh).
set -eu
cd "$(dirname "$0")/../.."
page=contrib/man/liaisonbot.conf.5
tmp=$(mktemp -d "${TMPDIR:-/tmp}/conf-keys.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# shellcheck disable=SC2046
${CC:-cc} -std=gnu11 -Isrc -D_GNU_SOURCE -DLIAISONBOT_VERSION='""' \
	-DLIAISONBOT_DATADIR='""' -DLIAISONBOT_SYSCONFDIR='""' \
	$(pkg-config --cflags glib-2.0) -o "$tmp/conf-keys" \
	contrib/man/conf-keys.c src/error.c $(pkg-config --libs glib-2.0)
"$tmp/conf-keys" >"$tmp/keys"

# Each generated block replaces the page's block of the same group; a
# group the page has no block for is an error (write its section first).
awk -v keys="$tmp/keys" '
BEGIN {
	while ((getline line < keys) > 0) {
		if (match(line, /^\.\\" keys \[[a-z]+\] begin/)) {
			group = line
			sub(/^\.\\" keys \[/, "", group)
			sub(/\].*/, "", group)
			order[++groups] = group
		}
		block[group] = block[group] line "\n"
	}
}
/^\.\\" keys \[[a-z]+\] begin/ {
	group = $0
	sub(/^\.\\" keys \[/, "", group)
	sub(/\].*/, "", group)
	if (!(group in block)) {
		print "update-conf-keys: no group [" group "] in src/config.c" > "/dev/stderr"
		failed = 1
	}
	printf "%s", block[group]
	seen[group] = 1
	skipping = 1
	next
}
skipping && /^\.\\" keys \[[a-z]+\] end/ { skipping = 0; next }
skipping { next }
{ print }
END {
	for (i = 1; i <= groups; i++)
		if (!(order[i] in seen)) {
			print "update-conf-keys: " FILENAME ": no block for [" order[i] "]" > "/dev/stderr"
			failed = 1
		}
	exit failed
}' "$page" >"$tmp/page"

if [ "${1:-}" = --check ]; then
	if ! cmp -s "$tmp/page" "$page"; then
		diff -u "$page" "$tmp/page" >&2 || :
		echo "update-conf-keys: $page is stale: run $0" >&2
		exit 1
	fi
	exit 0
fi
cat "$tmp/page" >"$page"
