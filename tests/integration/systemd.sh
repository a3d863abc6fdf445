#!/bin/sh
# contrib/liaisonbot.service and the digest timer: systemd-analyze verify
# finds nothing to say (units, man pages named by Documentation=, the
# timer's calendar), the sandbox the unit promises is there and scores as
# exposed as little as it does now, and the unit's command lines behave:
# a bad configuration makes the reload check fail and is not restarted.
. "$(dirname "$0")/../lib/tap.sh"
command -v systemd-analyze >/dev/null || skip_all "systemd-analyze not installed"
src=$LIAISONBOT_SRCDIR/contrib
units=$tap_tmp/units
mkdir -p "$units" "$tap_tmp/run" "$tap_tmp/man/man1" "$tap_tmp/man/man5"
chmod 700 "$tap_tmp/run"
# The units as shipped, with ExecStart= pointing at the binary under test
# (verify checks that it exists); /bin/kill may be missing in a container.
for unit in liaisonbot.service liaisonbot-digest.service \
    liaisonbot-digest.timer; do
	sed -e "s|/usr/local/bin/liaisonbot|$LIAISONBOT|g" "$src/$unit" \
	    >"$units/$unit"
	[ -x /bin/kill ] || sed -i 's|/bin/kill|/bin/true|' "$units/$unit"
done
# Documentation= names the man pages: let man find ours.
ln -s "$src/man/liaisonbot.1" "$tap_tmp/man/man1/liaisonbot.1"
ln -s "$src/man/liaisonbot.conf.5" "$tap_tmp/man/man5/liaisonbot.conf.5"
if command -v man >/dev/null; then
	mancheck=--man=yes
else
	mancheck=--man=no
fi

verify() {
	MANPATH=$tap_tmp/man XDG_RUNTIME_DIR=$tap_tmp/run \
	    systemd-analyze "$@" 2>&1
}
out=$(verify "$mancheck" verify "$units/liaisonbot.service")
is "$?:$out" "0:" "verify liaisonbot.service: no complaint"
out=$(verify "$mancheck" verify "$units/liaisonbot-digest.service" \
    "$units/liaisonbot-digest.timer")
is "$?:$out" "0:" "verify the digest service and timer as system units"
out=$(verify --user "$mancheck" verify "$units/liaisonbot-digest.service" \
    "$units/liaisonbot-digest.timer")
is "$?:$out" "0:" "and as user units, as documented"

# What the brief for the unit asks, directive by directive.
while IFS= read -r directive; do
	grep -qx -- "$directive" "$src/liaisonbot.service"
	ok $? "liaisonbot.service: $directive"
done <<'EOF'
DynamicUser=yes
User=liaisonbot
StateDirectory=liaisonbot
ConfigurationDirectory=liaisonbot
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
PrivateDevices=yes
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX
SystemCallFilter=@system-service
Restart=on-failure
RestartSec=30s
ExecReload=/bin/kill -HUP $MAINPID
EOF
like "$(grep '^ExecStart=' "$src/liaisonbot.service")" ' run$' \
	"ExecStart= runs the daemon"

if systemd-analyze security --help 2>/dev/null | grep -q -- --offline; then
	out=$(verify security --offline=true --threshold=20 \
	    "$units/liaisonbot.service")
	ok $? "systemd-analyze security: exposure at most 2.0"
	printf '%s\n' "$out" | grep 'Overall exposure' | sed 's/^/# /'
else
	ok 0 "# SKIP systemd-analyze security has no --offline"
fi

timer_spec=$(sed -n 's/^OnCalendar=//p' "$src/liaisonbot-digest.timer")
out=$(systemd-analyze calendar "$timer_spec" 2>&1)
ok $? "the timer's OnCalendar= parses"
like "$out" 'Next elapse: Thu ' "and falls on a Thursday"
grep -qx 'ExecStart=/usr/local/bin/liaisonbot -q digest --send' \
    "$src/liaisonbot-digest.service"
ok $? "the timer's service sends the digest"

# The unit's own command lines, with %E as systemd expands it.
etc=$tap_tmp/etc
mkdir -p "$etc/liaisonbot"
command_of() {	# command_of DIRECTIVE: the first such line, %E expanded
	sed -n "s/^$1=//p" "$units/liaisonbot.service" | head -1 |
	    sed "s|%E|$etc|g"
}
write_config "$etc/liaisonbot/liaisonbot.conf"
reload_check=$(command_of ExecReload)
sh -c "$reload_check" >/dev/null 2>&1
is $? 0 "ExecReload's check passes on a good configuration"
echo "bogus = 1" >>"$etc/liaisonbot/liaisonbot.conf"
sh -c "$reload_check" >/dev/null 2>&1
is $? 78 "and fails on a bad one, so systemctl reload fails visibly"
# A bad configuration is not fixed by restarting: run's status for it (or,
# as root, for refusing root) is one RestartPreventExitStatus= lists.
start=$(command_of ExecStart)
sh -c "$start" >/dev/null 2>&1
status=$?
prevent=$(sed -n 's/^RestartPreventExitStatus=//p' "$src/liaisonbot.service")
case " $prevent " in
*" $status "*) ok 0 "run exits $status on it: not restarted ($prevent)" ;;
*) ok 1 "run exits $status on it, not in RestartPreventExitStatus=$prevent" ;;
esac
tap_done
