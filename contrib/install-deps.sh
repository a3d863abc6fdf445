#!/bin/sh
# Install what liaisonbot needs on Debian 12, idempotently.
#   install-deps.sh          build dependencies only
#   install-deps.sh --test   also the servers and tools the test suite and demo use
# Services that apt would start (dovecot, postfix) are kept from starting:
# the tests and the demo run their own private instances on 127.0.0.1.
set -eu

build="build-essential pkg-config libglib2.0-dev libgmime-3.0-dev
	libetpan-dev libcurl4-gnutls-dev libsqlite3-dev libical-dev
	libgnutls28-dev libjson-glib-dev libxml2-dev ca-certificates
	libsasl2-modules"
test="dovecot-imapd dovecot-sieve postfix procmail openssl sqlite3
	isync bogofilter valgrind clang libclang-rt-14-dev systemd
	mandoc man-db perl iproute2 time"

want=$build
[ "${1:-}" = --test ] && want="$build $test"

missing=
for p in $want; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' \
		|| missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "install-deps.sh: missing packages:$missing (run as root to install)" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections

# Debian's protocol for "do not start services during this install".
policy=/usr/sbin/policy-rc.d
made_policy=
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod 755 "$policy"
	made_policy=1
fi
trap '[ -n "$made_policy" ] && rm -f "$policy"' EXIT

apt-get update -qq || true
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
