# tap.sh: TAP for shell tests. Source it, call the checks, end with
# tap_done. Needs LIAISONBOT (the binary) and LIAISONBOT_SRCDIR, which
# tests/run-suite.sh exports; defaults suit a run from the source tree.

: "${LIAISONBOT_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${LIAISONBOT:=$LIAISONBOT_SRCDIR/build/default/liaisonbot}"
: "${LIAISONBOT_TESTS:=$LIAISONBOT_SRCDIR/build/default/tests}"
export LIAISONBOT LIAISONBOT_SRCDIR LIAISONBOT_TESTS

tap_n=0
tap_failed=0

# The tests read the store with the sqlite3 shell while liaisonbot may be
# writing it. In WAL mode a reader can still meet a lock for a moment
# (recovery after a killed writer, the WAL starting over), and the shell
# then fails at once ("database is locked") unless given a busy timeout.
# A function, so every test's sqlite3 waits as liaisonbot's own
# connections do; `sh -c "sqlite3 ..."` (a test that wants the lock
# refused) still runs the bare command.
sqlite3() {
	command sqlite3 -cmd ".timeout 10000" "$@"
}

ok() {	# ok CONDITION-STATUS DESCRIPTION  (use: cmd; ok $? "desc")
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		tap_failed=$((tap_failed + 1))
	fi
}

is() {	# is GOT WANT DESCRIPTION
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		printf '#   got:  %s\n#   want: %s\n' "$1" "$2" | sed '3,$s/^/#   /'
	fi
}

like() {	# like TEXT PATTERN DESCRIPTION  (grep -E pattern)
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		ok 0 "$3"
	else
		ok 1 "$3"
		printf '%s\n' "$1" | head -20 | sed 's/^/#   /'
	fi
}

unlike() {	# unlike TEXT PATTERN DESCRIPTION
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		ok 1 "$3"
		printf '%s\n' "$1" | grep -E -- "$2" | head -5 | sed 's/^/#   /'
	else
		ok 0 "$3"
	fi
}

diag() {
	printf '# %s\n' "$*"
}

skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

tap_done() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ] && [ "$tap_n" -gt 0 ]
	exit $?
}

# A private directory, removed at exit (tests add their own cleanup to
# tap_cleanup_hooks).
tap_tmp=$(mktemp -d "${TMPDIR:-/tmp}/liaisonbot-test.XXXXXX")
tap_cleanup_hooks=
tap_cleanup() {
	for hook in $tap_cleanup_hooks; do
		"$hook" || :
	done
	rm -rf "$tap_tmp"
}
trap tap_cleanup EXIT
trap 'exit 130' INT TERM

# write_config FILE [EXTRA-LINES...]: a config with a private store, the
# source tree's rules and templates. Extra arguments are appended as lines.
write_config() {
	_wc_file=$1
	shift
	{
		echo "[store]"
		echo "path = $tap_tmp/store.db"
		echo "busy_timeout = 1s"
		echo "[classify]"
		echo "rules = $LIAISONBOT_SRCDIR/config/rules.conf"
		echo "[drafts]"
		echo "from = IESG liaisonbot <liaisonbot@example.org>"
		echo "to = liaison@example.org"
		echo "template_dir = $LIAISONBOT_SRCDIR/templates"
		for line in "$@"; do
			echo "$line"
		done
	} >"$_wc_file"
}

# wait_for SECONDS COMMAND...: poll COMMAND until it succeeds, bounded.
wait_for() {
	limit=$1
	shift
	end=$(($(date +%s) + limit))
	while ! "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.1
	done
	return 0
}
