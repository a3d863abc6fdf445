#!/bin/sh
# run.sh: every speed and memory figure liaisonbot promises, measured in
# one run on one machine, each printed beside its target, then a summary
# table. `make bench` runs it; it asserts nothing: a missed target is
# printed as "miss", the exit status is 0 unless the harness itself broke.
# Not part of `make check`. See tests/bench/README for what is measured.
#
#   LIAISONBOT_BUILD     build directory (default build/default)
#   BENCH_SYNC_COUNT     messages for sync, classify and GMime (10000)
#   BENCH_INGEST_COUNT   messages for the mbox ingest (100000)
#   BENCH_RUNS           runs of each short measurement; the fastest
#                        counts (5)
#   BENCH_IDLE_SECONDS   idle window of the daemon (10)
#   BENCH_SEED           corpus seed (42)
#   BENCH_KEEP=1         keep the work directory
#   TMPDIR               where the work directory goes (needs ~4 GB)
set -u
cd "$(dirname "$0")/../.."
srcdir=$PWD
build=${LIAISONBOT_BUILD:-build/default}
lb=$srcdir/$build/liaisonbot
helpers=$srcdir/$build/tests
sync_count=${BENCH_SYNC_COUNT:-10000}
ingest_count=${BENCH_INGEST_COUNT:-100000}
runs=${BENCH_RUNS:-5}
idle_seconds=${BENCH_IDLE_SECONDS:-10}
seed=${BENCH_SEED:-42}

# ---- setup ----

bench_die()
{
	echo "bench: $*" >&2
	exit 1
}

for f in "$lb" "$helpers/bench_corpus" "$helpers/bench_gmime"; do
	[ -x "$f" ] || bench_die "$f missing: run 'make bench'"
done
# isync, bogofilter, Dovecot, GNU time, sqlite3: installed when missing
# (as root); without root what is missing is reported as not measured.
"$srcdir/contrib/install-deps.sh" --test >/dev/null 2>&1 ||
	echo "bench: contrib/install-deps.sh --test failed; measuring what" \
	    "is installed" >&2
gnu_time=
[ -x /usr/bin/time ] && gnu_time=/usr/bin/time

work=$(mktemp -d "${TMPDIR:-/tmp}/lb-bench.XXXXXX") ||
	bench_die "mktemp failed"
chmod 711 "$work"	# Dovecot's mail user (nobody) reads the corpus
bench_cleanup()
{
	[ -n "${idle_pid:-}" ] && kill "$idle_pid" 2>/dev/null
	dovecot_stop >/dev/null 2>&1
	if [ -n "${BENCH_KEEP:-}" ]; then
		echo "# kept $work"
	else
		rm -rf "$work"
	fi
}
. tests/lib/dovecot.sh
. tests/lib/mbsync.sh
trap bench_cleanup EXIT
trap 'exit 130' INT TERM HUP

summary=$work/summary
: >"$summary"

# row FIGURE VALUE TARGET STATUS: one line of the closing table.
row()
{
	printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$summary"
}

# calc EXPR: floating-point arithmetic (awk), three decimals.
calc()
{
	awk "BEGIN { printf \"%.3f\", $1 }"
}

# median VALUE...: the middle value (the lower middle of an even count).
median()
{
	printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 }
	    END { print v[int((NR + 1) / 2)] }'
}

# judge VALUE OP LIMIT: "pass" or "miss" (OP: < <= > >=).
judge()
{
	awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN {
		if (op == "<") ok = v < l
		else if (op == "<=") ok = v <= l
		else if (op == ">") ok = v > l
		else ok = v >= l
		print ok ? "pass" : "miss" }'
}

load()
{
	cut -d' ' -f1-3 /proc/loadavg
}

# out LABEL: the file stem of a measurement's output ($(out L).out, .err).
out()
{
	printf '%s/%s' "$work" "$(printf %s "$1" | tr -c 'A-Za-z0-9' '-')"
}

# busy_ticks: CPU time the whole machine has spent busy (user, nice,
# system, irq, softirq of every CPU; not idle, iowait or steal), in ticks.
busy_ticks()
{
	awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8; exit }' /proc/stat
}
hz=$(getconf CLK_TCK)

# measure LABEL CMD...: run CMD once (stdout and stderr into
# $(out LABEL).out and .err). Sets wall (s), cpu (user+sys s), rss (peak
# KiB, "?" without GNU time), machine (s of CPU the whole machine was
# busy meanwhile: CMD, the servers it talks to and the kernel) and status.
measure()
{
	_name=$(out "$1")
	shift
	_b0=$(busy_ticks)
	_t0=$(date +%s%N)
	if [ -n "$gnu_time" ]; then
		"$gnu_time" -f '%U %S %M' -o "$_name.time" "$@" \
		    >"$_name.out" 2>"$_name.err"
		status=$?
	else
		"$@" >"$_name.out" 2>"$_name.err"
		status=$?
	fi
	_t1=$(date +%s%N)
	machine=$(calc "($(busy_ticks) - $_b0) / $hz")
	wall=$(calc "($_t1 - $_t0) / 1e9")
	cpu=? rss=?
	if [ -n "$gnu_time" ]; then
		set -- $(tail -n 1 "$_name.time")
		cpu=$(calc "$1 + $2")
		rss=$3
	fi
	if [ "$status" -ne 0 ]; then
		echo "  $_name: exit $status" >&2
		tail -n 5 "$_name.err" | sed 's/^/    /' >&2
	fi
}

# best NAME RUNS PREPARE CMD...: PREPARE (a function, or :) then CMD,
# RUNS times; prints each run. Sets best_wall, best_cpu, best_rss of the
# fastest run, best_status (0 only if every run succeeded).
best()
{
	_bname=$1 _runs=$2 _prepare=$3
	shift 3
	best_wall= best_status=0
	_i=1
	while [ "$_i" -le "$_runs" ]; do
		"$_prepare"
		measure "$_bname" "$@"
		[ "$status" -ne 0 ] && best_status=$status
		printf '  %-34s run %d: %7.3f s wall, %7s s CPU, %7s KiB %s,' \
		    "$_bname" "${run_no:-$_i}" "$wall" "$cpu" "$rss" "peak RSS"
		printf ' machine %s s\n' "$machine"
		if [ -z "$best_wall" ] ||
		    [ "$(judge "$wall" "<" "$best_wall")" = pass ]; then
			best_wall=$wall best_cpu=$cpu best_rss=$rss
		fi
		_i=$((_i + 1))
	done
}

# track NAME: after `best LABEL 1 ...`, keeps the fastest run so far under
# t_NAME_wall, t_NAME_cpu and t_NAME_rss, and every run's wall time in
# t_NAME_walls; t_NAME_status is 0 only if every run succeeded.
track()
{
	eval "_tw=\${t_$1_wall:-} _ts=\${t_$1_status:-0}"
	[ "$best_status" -ne 0 ] && _ts=$best_status
	eval "t_$1_status=$_ts t_$1_walls=\"\${t_$1_walls:-} $best_wall\""
	if [ -z "$_tw" ] || [ "$(judge "$best_wall" "<" "$_tw")" = pass ]; then
		eval "t_$1_wall=$best_wall t_$1_cpu=$best_cpu t_$1_rss=$best_rss"
	fi
}

write_config()
{
	# $1 file, $2 store, $3 folder (IMAP section only when set)
	{
		echo "[store]"
		echo "path = $2"
		echo "[classify]"
		echo "rules = $srcdir/config/rules.conf"
		echo "[log]"
		echo "level = warn"
		if [ -n "${3:-}" ]; then
			echo "[imap]"
			echo "host = localhost"
			echo "port = $DOVECOT_IMAPS_PORT"
			echo "tls = imaps"
			echo "ca_file = $DOVECOT_CA"
			echo "user = $DOVECOT_USER"
			echo "password = $DOVECOT_PASSWORD"
			echo "folders = $3"
		fi
	} >"$1"
	chmod 600 "$1"
}

fresh_store()
{
	rm -f "$work/store.db" "$work/store.db-wal" "$work/store.db-shm" \
	    "$work/store.db.lock"
}

stored()
{
	if command -v sqlite3 >/dev/null; then
		sqlite3 "$work/store.db" "SELECT count(*) FROM messages"
	else
		echo "?"
	fi
}

echo "liaisonbot benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "# $(nproc) CPUs ($(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo |
    head -n 1)), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' \
    /proc/meminfo), kernel $(uname -r)"
echo "# liaisonbot $("$lb" --version | cut -d' ' -f2), GMime" \
    "$(pkg-config --modversion gmime-3.0 2>/dev/null)," \
    "SQLite $(pkg-config --modversion sqlite3 2>/dev/null)," \
    "$(mbsync --version 2>/dev/null)," \
    "$(bogofilter -V 2>/dev/null | head -n 1)," \
    "Dovecot $(dovecot --version 2>/dev/null | cut -d' ' -f1)"
echo "# load average at start: $(load) (other work on the machine skews" \
    "every figure)"
echo "# work directory $work; best of $runs runs where runs are cheap"

# ---- corpus ----

echo
echo "== corpus (tests/helpers/bench_corpus, seed $seed)"
sync_dir=$work/sync
sync_mbox=$work/sync.mbox
ingest_mbox=$work/ingest.mbox
"$helpers/bench_corpus" --seed "$seed" --count "$sync_count" \
    --dir "$sync_dir" 2>"$work/corpus.err" || bench_die "bench_corpus failed"
echo "  $(cat "$work/corpus.err")"
"$helpers/bench_corpus" --seed "$seed" --count "$sync_count" \
    --mbox "$sync_mbox" 2>/dev/null || bench_die "bench_corpus failed"
"$helpers/bench_corpus" --seed "$seed" --count "$ingest_count" \
    --mbox "$ingest_mbox" 2>"$work/corpus100.err" ||
	bench_die "bench_corpus failed"
echo "  ingest: $(cat "$work/corpus100.err" | cut -d: -f1)"
sync_bytes=$(cat "$sync_dir"/* | wc -c)
ingest_bytes=$(wc -c <"$ingest_mbox")

# ---- 1. initial IMAP sync ----

echo
echo "== 1. initial IMAP sync of $sync_count messages over IMAPS from a" \
    "private Dovecot (load $(load))"
dovecot_start
dovecot_import INBOX "$sync_dir" >/dev/null || bench_die "dovecot_import"
sync_conf=$work/sync.conf
write_config "$sync_conf" "$work/store.db" INBOX
mbsync_no() { mbsync_config "$work/mbsync" no; }
mbsync_yes() { mbsync_config "$work/mbsync" yes; }
have_mbsync=
command -v mbsync >/dev/null && have_mbsync=1

# Warm Dovecot's index and cache and the page cache: one untimed run of
# each client, so both measure the same server state.
fresh_store
measure warm-poll "$lb" -c "$sync_conf" poll --once
if [ -n "$have_mbsync" ]; then
	mbsync_no
	measure warm-mbsync mbsync -q -c "$work/mbsync/rc" -a
fi
# Alternate the two clients so drifting load hits both alike.
i=1
while [ "$i" -le "$runs" ]; do
	run_no=$i
	best poll 1 fresh_store "$lb" -c "$sync_conf" poll --once
	track poll
	if [ -n "$have_mbsync" ]; then
		best "mbsync (FSync no)" 1 mbsync_no \
		    mbsync -q -c "$work/mbsync/rc" -a
		track mbsync
	fi
	i=$((i + 1))
done
run_no=
poll_best=$t_poll_wall poll_cpu=$t_poll_cpu poll_rss=$t_poll_rss
poll_status=$t_poll_status poll_walls=$t_poll_walls
mbsync_best=${t_mbsync_wall:-} mbsync_status=${t_mbsync_status:-0}
mbsync_walls=${t_mbsync_walls:-}
poll_stored=$(stored)
echo "  liaisonbot: $(head -n 1 "$(out poll).out"), $poll_stored in the store"
if [ -n "$have_mbsync" ]; then
	echo "  mbsync: $(find "$work/mbsync/local/INBOX/cur" \
	    "$work/mbsync/local/INBOX/new" -type f | wc -l) files in the" \
	    "Maildir"
	# One run: each message is fsynced, so it is slow and disk-bound.
	best "mbsync (FSync yes)" 1 mbsync_yes \
	    mbsync -q -c "$work/mbsync/rc" -a
	mbsync_yes_best=$best_wall
fi
# The transport alone: libetpan fetching, no parse, no store. Its runs
# also say what fetching the folder costs the whole machine (Dovecot, the
# kernel and the client): the least of them goes into the floor of any
# sync (summary). The dirty pages of the previous runs are written back
# first, so that their write-back is not counted.
if [ -x "$helpers/imap_probe" ]; then
	probe_machine=
	i=1
	while [ "$i" -le "$runs" ]; do
		run_no=$i
		best "imap_probe bench (fetch only)" 1 sync "$helpers/imap_probe" \
		    --host localhost --port "$DOVECOT_IMAPS_PORT" \
		    --ca-file "$DOVECOT_CA" --user "$DOVECOT_USER" \
		    --password-env DOVECOT_PASSWORD bench INBOX
		track probe
		if [ "$best_status" -eq 0 ] && { [ -z "$probe_machine" ] ||
		    [ "$(judge "$machine" "<" "$probe_machine")" = pass ]; }
		then
			probe_machine=$machine
		fi
		i=$((i + 1))
	done
	run_no=
	probe_wall=$t_probe_wall
	echo "  imap_probe: fastest $probe_wall s; the whole machine busy" \
	    "for at least $probe_machine s of CPU while it fetched"
fi
if [ "$poll_status" -ne 0 ] || [ "$poll_stored" != "$sync_count" ]; then
	row "sync $sync_count: liaisonbot poll --once" "error" "" "error"
else
	echo "  liaisonbot poll --once: $poll_best s (CPU $poll_cpu s, peak" \
	    "RSS $poll_rss KiB, $(calc "$sync_count / $poll_best" |
	    cut -d. -f1) msg/s)"
	row "sync $sync_count: liaisonbot poll --once" "$poll_best s" "" ""
fi
if [ -n "$have_mbsync" ] && [ "$mbsync_status" -eq 0 ]; then
	echo "  mbsync FSync no: $mbsync_best s, FSync yes: $mbsync_yes_best s"
	row "sync $sync_count: mbsync (FSync no)" "$mbsync_best s" "" ""
	row "sync $sync_count: mbsync (FSync yes)" "$mbsync_yes_best s" "" ""
	if [ "$poll_status" -eq 0 ]; then
		ratio=$(calc "$poll_best / $mbsync_best")
		echo "  ratio liaisonbot / mbsync (FSync no): $ratio" \
		    "(target <= 1.0); / mbsync (FSync yes):" \
		    "$(calc "$poll_best / $mbsync_yes_best")"
		row "sync: liaisonbot / mbsync (FSync no)" "${ratio}x" \
		    "<= 1.0x" "$(judge "$ratio" "<=" 1.0)"
		# The fastest runs decide; the medians say how the two
		# fared run for run when the machine's speed drifts.
		median_ratio=$(calc "$(median $poll_walls) / \
		    $(median $mbsync_walls)")
		echo "  medians: liaisonbot $(median $poll_walls) s, mbsync" \
		    "$(median $mbsync_walls) s, ratio $median_ratio"
		row "sync: the same, ratio of medians" "${median_ratio}x" \
		    "" ""
	fi
else
	row "sync: liaisonbot / mbsync (FSync no)" "not measured" "<= 1.0x" \
	    "n/a"
fi
[ -n "${probe_wall:-}" ] &&
	row "sync $sync_count: imap_probe fetch only" "$probe_wall s" "" ""

# ---- 2. and 3. classify, bogofilter, GMime ----

echo
echo "== 2./3. classify $sync_count messages" \
    "($(calc "$sync_bytes / 1e6") MB):" \
    "liaisonbot, bogofilter, bare GMime (load $(load))"
class_conf=$work/classify.conf
write_config "$class_conf" "$work/store.db"
# The same on one core: no parse threads ([classify] threads = 1).
one_conf=$work/one-core.conf
sed 's/^\[classify\]$/&\nthreads = 1/' "$class_conf" >"$one_conf"
rate() { calc "$sync_count / $1"; }
mbps() { calc "$2 / $1 / 1e6"; }
# Commands over every file of the corpus, named relative to keep argv short.
# (sh -c "$in_dir" DIR CMD... runs CMD ./* in DIR.)
in_dir='cd "$0" && exec "$@" ./*'

bogo=
if command -v bogofilter >/dev/null; then
	# Trained on a few hundred of the same messages, as a user would.
	bogo=$work/bogofilter
	mkdir -p "$bogo"
	"$helpers/bench_corpus" --seed "$seed" --count 200 \
	    --mbox "$work/train-spam" 2>/dev/null
	"$helpers/bench_corpus" --seed "$seed" --first 201 --count 200 \
	    --mbox "$work/train-ham" 2>/dev/null
	bogofilter -d "$bogo" -s -M -I "$work/train-spam" &&
	    bogofilter -d "$bogo" -n -M -I "$work/train-ham" ||
		echo "  bogofilter training failed" >&2
fi

# The three classifiers take turns, run after run, so that the machine's
# drifting speed (a shared VM's neighbours come and go within seconds)
# hits each alike; the fastest run of each counts.
i=1
while [ "$i" -le "$runs" ]; do
	run_no=$i
	best "liaisonbot classify --mbox" 1 : \
	    "$lb" -c "$class_conf" classify --mbox "$sync_mbox"
	track lb_mbox
	[ "$(wc -l <"$(out "liaisonbot classify --mbox").out")" = \
	    "$sync_count" ] || t_lb_mbox_status=1
	best "bench_gmime --mbox" 1 : "$helpers/bench_gmime" --mbox \
	    "$sync_mbox"
	track gm_mbox
	# Not a classifier: parse and keep the text, for the sync floor.
	best "bench_gmime --store --mbox" 1 : "$helpers/bench_gmime" \
	    --store "$work/text.db" --mbox "$sync_mbox"
	track gm_store
	if [ -n "$bogo" ]; then
		# Its exit status is the last verdict (0 spam, 1 ham, 2 unsure).
		best "bogofilter -M (mbox)" 1 : \
		    sh -c 'bogofilter "$@"; [ $? -le 2 ]' bogofilter \
		    -d "$bogo" -t -M -I "$sync_mbox"
		[ "$(wc -l <"$(out "bogofilter -M (mbox)").out")" = \
		    "$sync_count" ] || best_status=1
		track bogo_mbox
	fi
	best "liaisonbot classify FILE..." 1 : \
	    sh -c "$in_dir" "$sync_dir" "$lb" -c "$class_conf" classify
	track lb_files
	[ "$(wc -l <"$(out "liaisonbot classify FILE...").out")" = \
	    "$sync_count" ] || t_lb_files_status=1
	best "bench_gmime FILE..." 1 : \
	    sh -c "$in_dir" "$sync_dir" "$helpers/bench_gmime"
	track gm_files
	if [ -n "$bogo" ]; then
		best "bogofilter -B FILE..." 1 : \
		    sh -c 'cd "$0" && bogofilter "$@" ./*; [ $? -le 2 ]' \
		    "$sync_dir" -d "$bogo" -t -B
		[ "$(wc -l <"$(out "bogofilter -B FILE...").out")" = \
		    "$sync_count" ] || best_status=1
		track bogo_files
	fi
	i=$((i + 1))
done
run_no=
rm -f "$work/text.db" "$work/text.db-wal" "$work/text.db-shm"
echo "  verdicts: $(cut -f2 "$(out "liaisonbot classify --mbox").out" |
    sort | uniq -c | awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $2 }')"
lb_mbox=$t_lb_mbox_wall lb_mbox_cpu=$t_lb_mbox_cpu
lb_mbox_status=$t_lb_mbox_status
lb_files=$t_lb_files_wall lb_files_cpu=$t_lb_files_cpu
lb_files_status=$t_lb_files_status
gm_mbox=$t_gm_mbox_wall gm_mbox_cpu=$t_gm_mbox_cpu
gm_files=$t_gm_files_wall gm_files_cpu=$t_gm_files_cpu
bogo_mbox= bogo_files= bogo_mbox_cpu= bogo_files_cpu=
if [ -n "$bogo" ] && [ "$t_bogo_mbox_status" -eq 0 ]; then
	bogo_mbox=$t_bogo_mbox_wall bogo_mbox_cpu=$t_bogo_mbox_cpu
fi
if [ -n "$bogo" ] && [ "$t_bogo_files_status" -eq 0 ]; then
	bogo_files=$t_bogo_files_wall bogo_files_cpu=$t_bogo_files_cpu
fi

# cpu_note A B: " (CPU A/Bx)", or nothing without CPU times.
cpu_note()
{
	case "$1$2" in
	*\?*) ;;
	*) printf ' (CPU %sx)' "$(calc "$1 / $2")" ;;
	esac
}

# classify_rows FORM LB_STATUS LB_WALL LB_CPU BOGO_WALL BOGO_CPU GMIME_WALL
#     GMIME_CPU: the rows of one input form. Ratios are of wall times; the
#     ratio of CPU times, steadier on a busy machine, follows in brackets.
classify_rows()
{
	if [ "$2" -ne 0 ]; then
		row "classify $1: liaisonbot" "error" "" "error"
		return
	fi
	_v="$(printf %.0f "$(rate "$3")") msg/s,"
	_v="$_v $(mbps "$3" "$sync_bytes") MB/s"
	_b="n/a"
	[ -n "$5" ] && _b="$(printf %.0f "$(rate "$5")") msg/s"
	echo "  $1: liaisonbot $_v; bare GMime" \
	    "$(printf %.0f "$(rate "$7")") msg/s; bogofilter $_b"
	row "classify $1: liaisonbot" "$_v" "" ""
	if [ -n "$5" ]; then
		_x=$(calc "$5 / $3")
		row "classify $1: liaisonbot / bogofilter" \
		    "${_x}x$(cpu_note "$6" "$4")" ">= 2.0x" \
		    "$(judge "$_x" ">=" 2.0)"
	else
		row "classify $1: liaisonbot / bogofilter" "not measured" \
		    ">= 2.0x" "n/a"
	fi
	_x=$(calc "$7 / $3")
	row "classify $1: liaisonbot / bare GMime" \
	    "${_x}x$(cpu_note "$8" "$4")" ">= 0.8x" "$(judge "$_x" ">=" 0.8)"
}
classify_rows mbox "$lb_mbox_status" "$lb_mbox" "$lb_mbox_cpu" \
    "$bogo_mbox" "$bogo_mbox_cpu" "$gm_mbox" "$gm_mbox_cpu"
classify_rows files "$lb_files_status" "$lb_files" "$lb_files_cpu" \
    "$bogo_files" "$bogo_files_cpu" "$gm_files" "$gm_files_cpu"
# The floor of any sync that parses with GMime, as the issue's own
# yardstick for classifiers (a bare GMime parse) applied to the sync: the
# machine's CPU for fetching the folder (imap_probe's runs: Dovecot, the
# kernel, the client) plus a bare GMime parse of the same messages, spread
# perfectly over every CPU, and never less than the fetch alone. A client
# that also classifies and stores can only take longer; where this floor
# is above mbsync's fastest run, no GMime-based sync can meet <= 1.0x on
# this machine. Then the same with the bare parse keeping each message's
# text in SQLite (bench_gmime --store: one transaction, no index, no
# other field, no checkpoint): the floor of a sync that parses and keeps
# what the store must, before any classification. And the same floor with
# liaisonbot's own classification in place of the bare parse (still
# nothing stored): what its classifier alone leaves of the target.
ncpu=$(nproc)
# sync_floor LABEL WHAT CPU: the floor with CPU seconds of parsing.
sync_floor()
{
	_f=$(calc "($probe_machine + $3) / $ncpu")
	[ "$(judge "$_f" "<" "$probe_wall")" = pass ] && _f=$probe_wall
	echo "  sync floor, $2: ($probe_machine s fetching + $3 s) /" \
	    "$ncpu CPUs = $_f s"
	row "sync floor: $1" "$_f s" "" ""
	[ -n "${mbsync_best:-}" ] && [ "$mbsync_status" -eq 0 ] || return 0
	_x=$(calc "$_f / $mbsync_best")
	_v=reachable
	[ "$(judge "$_x" "<=" 1.0)" = pass ] || _v=unreachable
	echo "  that floor / mbsync's fastest run: ${_x}x: the sync target" \
	    "is $_v on this machine $2"
	row "sync floor ($1) / mbsync" "${_x}x" "<= 1.0x" "$_v"
}
if [ -n "${probe_machine:-}" ]; then
	[ "$t_gm_mbox_status" -eq 0 ] &&
		sync_floor "fetch + bare GMime" \
		    "by any GMime-based client" "$gm_mbox_cpu"
	[ "$t_gm_store_status" -eq 0 ] &&
		sync_floor "fetch+GMime+text store" \
		    "by a GMime-based client that stores the text" \
		    "$t_gm_store_cpu"
	[ "$lb_mbox_status" -eq 0 ] &&
		sync_floor "fetch + lb classify" \
		    "with liaisonbot's classification, before storing" \
		    "$lb_mbox_cpu"
fi
best "liaisonbot classify --mbox, one core" "$runs" : \
    "$lb" -c "$one_conf" classify --mbox "$sync_mbox"
if [ "$best_status" -eq 0 ]; then
	r=$(rate "$best_wall")
	echo "  one core (threads = 1): liaisonbot classify --mbox" \
	    "$(printf %.0f "$r") msg/s (CPU $best_cpu s); target >= 20000"
	row "classify, one core (mbox)" "$(printf %.0f "$r") msg/s" \
	    ">= 20000 msg/s" "$(judge "$r" ">=" 20000)"
	cmp -s "$(out "liaisonbot classify --mbox, one core").out" \
	    "$(out "liaisonbot classify --mbox").out" ||
		echo "  one core and threads give different verdicts!" >&2
else
	row "classify, one core (mbox)" "error" ">= 20000 msg/s" "error"
fi

# ---- 4. mbox ingest ----

echo
echo "== 4. liaisonbot ingest --mbox, $ingest_count messages" \
    "($(calc "$ingest_bytes / 1e6") MB) into an empty store (load $(load))"
best "liaisonbot ingest --mbox" 1 fresh_store \
    "$lb" -c "$class_conf" ingest --mbox "$ingest_mbox"
ingest_stored=$(stored)
echo "  $(tail -n 1 "$(out "liaisonbot ingest --mbox").err"), $ingest_stored" \
    "in the store, $(du -sk "$work/store.db" | cut -f1) KiB on disk"
if [ "$best_status" -ne 0 ] || [ "$ingest_stored" != "$ingest_count" ]; then
	row "ingest $ingest_count (mbox)" "error" "" "error"
else
	r=$(calc "$ingest_count / $best_wall")
	echo "  $best_wall s wall, CPU $best_cpu s," \
	    "$(printf %.0f "$r") msg/s," \
	    "$(calc "$ingest_bytes / $best_wall / 1e6") MB/s, peak RSS" \
	    "$best_rss KiB"
	# 30 s for 100,000, scaled when BENCH_INGEST_COUNT says otherwise.
	limit=$(calc "30 * $ingest_count / 100000")
	row "ingest $ingest_count (mbox): wall" "$best_wall s" \
	    "< $(printf %g "$limit") s" "$(judge "$best_wall" "<" "$limit")"
	v="$(printf %.0f "$r") msg/s,"
	v="$v $(calc "$ingest_bytes / $best_wall / 1e6") MB/s"
	row "ingest (mbox): rate" "$v" "" ""
fi
best "liaisonbot ingest --mbox, one core" 1 fresh_store \
    "$lb" -c "$one_conf" ingest --mbox "$ingest_mbox"
if [ "$best_status" -eq 0 ] && [ "$(stored)" = "$ingest_count" ]; then
	r=$(calc "$ingest_count / $best_wall")
	echo "  one core (threads = 1): $best_wall s wall, CPU $best_cpu s," \
	    "$(printf %.0f "$r") msg/s"
	row "ingest (mbox): rate, one core" "$(printf %.0f "$r") msg/s" \
	    ">= 10000 msg/s" "$(judge "$r" ">=" 10000)"
else
	row "ingest (mbox): rate, one core" "error" ">= 10000 msg/s" "error"
fi
fresh_store
rm -f "$ingest_mbox"

# ---- 5. digest ----

echo
echo "== 5. digest render for 1,000 messages (load $(load))"
# tests/helpers/bench_digest.c comes from the drafts work: it builds a
# store of 1,000 messages and times compose_digest (select, group, model,
# render text and HTML, MIME). Until it is merged this figure is n/a.
if [ -x "$helpers/bench_digest" ]; then
	measure digest "$helpers/bench_digest" --messages 1000 \
	    --srcdir "$srcdir"
	cat "$(out digest).out" | sed 's/^/  /'
	ms=$(sed -n 's/.*median \([0-9.]*\) ms.*/\1/p' "$(out digest).out")
	if [ "$status" -eq 0 ] && [ -n "$ms" ]; then
		row "digest render, 1000 messages (median)" "$ms ms" "< 50 ms" \
		    "$(judge "$ms" "<" 50)"
	else
		row "digest render, 1000 messages" "error" "< 50 ms" "error"
	fi
else
	echo "  not measured: $build/tests/bench_digest is missing" \
	    "(tests/helpers/bench_digest.c, from the drafts branch)"
	row "digest render, 1000 messages" "not measured" "< 50 ms" "n/a"
fi

# ---- 6. idle daemon ----

echo
echo "== 6. liaisonbot run, idle in IMAP IDLE on an empty folder, empty" \
    "store (load $(load))"
dovecot_mkfolder Idle >/dev/null
fresh_store
idle_conf=$work/idle.conf
write_config "$idle_conf" "$work/store.db" Idle
# Debug lines of the daemon area only: they say when memory was trimmed.
sed -i 's/^level = warn$/level = debug\ndebug = daemon/' "$idle_conf"
root_flag=
[ "$(id -u)" = 0 ] && root_flag=--allow-root
"$lb" -c "$idle_conf" run $root_flag >"$work/idle.out" 2>"$work/idle.err" &
idle_pid=$!
# Idle once the first sync of the folder is noted in the store: the
# daemon enters IDLE right after.
synced()
{
	[ "$(sqlite3 "$work/store.db" \
	    "SELECT count(*) FROM sync_state WHERE folder = 'Idle'" \
	    2>/dev/null)" = 1 ]
}
i=0
until synced; do
	i=$((i + 1))
	if [ $i -gt 300 ] || ! kill -0 "$idle_pid" 2>/dev/null; then
		break
	fi
	sleep 0.1
done
# Once idle, the daemon gives memory back after a quiet spell (10 s):
# measure from then, as it will sit for hours.
trimmed() { grep -q 'memory trimmed' "$work/idle.err"; }
i=0
while synced && ! trimmed && kill -0 "$idle_pid" 2>/dev/null &&
    [ $i -lt 300 ]; do
	i=$((i + 1))
	sleep 0.1
done
if synced && trimmed && kill -0 "$idle_pid" 2>/dev/null; then
	ticks() { awk '{ print $14 + $15 }' "/proc/$idle_pid/stat"; }
	kb() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$idle_pid/status"; }
	t0=$(ticks)
	ms0=$(date +%s%N)
	sleep "$idle_seconds"
	t1=$(ticks)
	window=$(calc "($(date +%s%N) - $ms0) / 1e9")
	rss=$(kb VmRSS) anon=$(kb RssAnon) hwm=$(kb VmHWM)
	pss=$(awk '/^Pss:/ { print $2 }' "/proc/$idle_pid/smaps_rollup" \
	    2>/dev/null)
	hz=$(getconf CLK_TCK)
	cpu=$(calc "($t1 - $t0) / $hz")
	echo "  VmRSS $rss KiB (RssAnon $anon KiB: private; the rest are" \
	    "shared library pages), Pss ${pss:-?} KiB, VmHWM $hwm KiB"
	echo "  CPU over $window s idle: $cpu s ($((t1 - t0)) ticks of 1/$hz s)"
	# Where the resident pages are: the largest mappings by Rss.
	echo "  largest resident mappings (KiB):"
	awk '/^[0-9a-f]+-[0-9a-f]+ / { name = NF >= 6 ? $6 : "[anon]" }
	    /^Rss:/ { rss[name] += $2 }
	    END { for (n in rss) printf "%d %s\n", rss[n], n }' \
	    "/proc/$idle_pid/smaps" | sort -rn | head -n 8 |
	    awk '{ printf "    %6d %s\n", $1, $2 }'
	row "idle daemon: VmRSS" "$rss KiB" "< 10240 KiB" \
	    "$(judge "$rss" "<" 10240)"
	row "idle daemon: RssAnon (private)" "$anon KiB" "" ""
	row "idle daemon: CPU over ${idle_seconds} s" "$cpu s" "~0 (< 0.05 s)" \
	    "$(judge "$cpu" "<" 0.05)"
else
	echo "  the daemon did not reach IDLE and trim:" >&2
	tail -n 5 "$work/idle.err" | sed 's/^/    /' >&2
	row "idle daemon: VmRSS" "error" "< 10240 KiB" "error"
fi
kill -TERM "$idle_pid" 2>/dev/null
i=0
while kill -0 "$idle_pid" 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -KILL "$idle_pid" 2>/dev/null
wait "$idle_pid" 2>/dev/null
idle_pid=

# ---- summary ----

echo
echo "== summary (load average at the end: $(load))"
{
	printf 'figure\tvalue\ttarget\tresult\n'
	cat "$summary"
} | awk -F'\t' '{
	printf "%-44s %-28s %-16s %s\n", $1, $2, $3, $4 }'
exit 0
