#!/usr/bin/env bash
# Benchmark `shadowsync plan --all` against seekdb (OceanBase, MySQL mode).
#
# Builds a scratch database with 2,000 source tables, 1,000 of them with a
# shadow (every 10th shadow outdated), then times in the same run:
#   (a) `shadowsync plan --url … --prefix __ --all --format json` (release
#       build; it reads the tables from OceanBase's catalog)
#   (c) the same with `--introspection show-create` (one SHOW CREATE TABLE
#       per table over 8 connections), for comparison
#   (b) the baseline: one sequential SHOW CREATE TABLE per table for the same
#       3,000 tables through one connection (shadowsync-cli/examples/plan_bench.rs)
# and prints wall times, round trips and the ratio. Goal: (a) < 3 s and
# (a) at least 10x faster than (b). Untimed warm-up passes come first (one
# of each read method): seekdb serves the first read of a table's definition
# some 30 times slower than later ones, and after a few idle minutes it is
# cold again.
#
# Beside wall time it prints the CPU each variant cost the client and the
# server (from /proc, when the server runs on this machine): on a machine
# whose cores client and server share, total CPU divided by the cores is a
# floor no read strategy can go under.
#
# Also printed, to show where the time goes: the analysis split into its
# read and pure phases (with 8 and 1 read connections), and the baseline's
# statements sent 50 per multi-statement query.
#
#   eval "$(scripts/engines.sh start)"; benches/plan_seekdb.sh
#
# BENCH_MODE=cache times the snapshot cache instead: 2,000 pairs (every
# source with a shadow, none outdated), then in the same run
#   (cold) `shadowsync check --all --store FILE` on an empty cache,
#   (warm) the same check again after 1 % of the sources changed (a new
#          table comment each run, so every run has fresh changes),
#   (b)    the baseline above (one sequential SHOW CREATE TABLE per table),
#   (u)    the check without the cache (`--no-cache`),
# checks that the warm and uncached checks print the same JSON, and prints
# the ratios (goal: (b)/(warm) >= 10x and (warm) < 500 ms on seekdb).
# BENCH_URL points it at another server (MariaDB: BENCH_URL=$SHADOWSYNC_MARIADB_URL).
#
# Environment:
#   SHADOWSYNC_SEEKDB_URL  server URL (required), e.g. mysql://root@127.0.0.1:2881/
#   BENCH_URL              another server URL instead (MariaDB, MySQL)
#   BENCH_MODE             plan (default) or cache (see above)
#   BENCH_CHANGED          sources changed before each warm check (cache mode; default 1 %)
#   BENCH_DB               scratch database (default ssb_plan_seekdb)
#   BENCH_SOURCES          source tables (default 2000)
#   BENCH_SHADOWS          sources that have a shadow (default 1000)
#   BENCH_OUTDATED_EVERY   every n-th shadow is outdated (default 10)
#   BENCH_LOADERS          parallel client sessions loading the DDL (default 6)
#   BENCH_RUNS             timed runs of (a), (c) and (b), in turn (default 3)
#   BENCH_KEEP=1           keep the database afterwards and reuse a complete one
#   BENCH_STRICT=1         exit 1 when the goal is missed
#   BENCH_NO_BUILD=1       use the release binaries already built
#   BENCH_SERVER_PID       the server process, for its CPU time (default: the
#                          seekdb that scripts/engines.sh started)
#   CARGO_TARGET_DIR       as for cargo (default target/)
set -euo pipefail

cd "$(dirname "$0")/.."

URL="${BENCH_URL:-${SHADOWSYNC_SEEKDB_URL:?set SHADOWSYNC_SEEKDB_URL (eval \"\$(scripts/engines.sh start)\")}}"
MODE="${BENCH_MODE:-plan}"
[[ "$MODE" == plan || "$MODE" == cache ]] || { echo "BENCH_MODE must be plan or cache" >&2; exit 2; }
SOURCES="${BENCH_SOURCES:-2000}"
if [[ "$MODE" == cache ]]; then
    DB="${BENCH_DB:-ssb_cache}"
    SHADOWS="${BENCH_SHADOWS:-$SOURCES}"
    OUTDATED_EVERY="${BENCH_OUTDATED_EVERY:-1000000}"
else
    DB="${BENCH_DB:-ssb_plan_seekdb}"
    SHADOWS="${BENCH_SHADOWS:-1000}"
    OUTDATED_EVERY="${BENCH_OUTDATED_EVERY:-10}"
fi
CHANGED="${BENCH_CHANGED:-$(( SOURCES / 100 ))}"
LOADERS="${BENCH_LOADERS:-6}"
RUNS="${BENCH_RUNS:-3}"
KEEP="${BENCH_KEEP:-0}"
TARGET="${CARGO_TARGET_DIR:-target}"
GOAL_MS=3000
GOAL_RATIO=10

log() { printf '[bench] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# ---- connection parameters for the command-line client (password via MYSQL_PWD, never printed)
# shellcheck source=benches/support/server.sh
source benches/support/server.sh
DB_URL="${URL%%@*}@${hostport}/${DB}"
SHOWN_URL="$(printf '%s' "$DB_URL" | sed -E 's#(://[^:/@]*):[^@]*@#\1:***@#')"

# ---- build
if [[ "${BENCH_NO_BUILD:-0}" != 1 ]]; then
    log "building shadowsync and the plan_bench example (release)"
    cargo build --release --quiet -p shadowsync-cli --bin shadowsync --example plan_bench
fi
BIN="$TARGET/release/shadowsync"
BENCH="$TARGET/release/examples/plan_bench"
[[ -x "$BIN" && -x "$BENCH" ]] || die "missing $BIN or $BENCH"

# ---- schema
# Table i (t_0001 …): four shapes in turn; every 20th has an FK to table i-4
# (the same, unpartitioned, shape).
source_ddl() { # $1 = table number, $2 = prefix ("" or "__"), $3 = 1 for an outdated shadow
    local i=$1 p=$2 outdated=${3:-0} n fk="" note="  note varchar(200) DEFAULT NULL,
" extra=""
    n=$(printf 't_%04d' "$i")
    # Shadows carry shadowsync's marker after the source's comment.
    local mark="" plain="" described="COMMENT='bench table $i'"
    if [[ -n "$p" ]]; then
        mark=" [shadowsync:shadow]"
        plain="COMMENT='[shadowsync:shadow]'"
        described="COMMENT='bench table $i$mark'"
    fi
    if (( outdated )); then note=""; extra=",
  KEY idx_extra (b)"; fi
    if (( i % 20 == 0 )); then
        fk=",
  KEY idx_parent (parent_id),
  CONSTRAINT ${p}fk_$n FOREIGN KEY (parent_id) REFERENCES ${p}$(printf 't_%04d' $((i - 4))) (id)"
    fi
    case $(( i % 4 )) in
    0) cat <<SQL
CREATE TABLE ${p}$n (
  id bigint NOT NULL AUTO_INCREMENT,
  parent_id bigint DEFAULT NULL,
  a int NOT NULL DEFAULT 0,
  b varchar(64) DEFAULT NULL,
$note  created_at datetime DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  KEY idx_a (a),
  KEY idx_b_created (b, created_at)$fk$extra
) $plain;
SQL
    ;;
    1) cat <<SQL
CREATE TABLE ${p}$n (
  id bigint NOT NULL,
  parent_id bigint DEFAULT NULL,
  code varchar(40) NOT NULL,
  b varchar(255) DEFAULT NULL,
$note  amount decimal(12,2) NOT NULL DEFAULT 0.00,
  PRIMARY KEY (id),
  UNIQUE KEY uk_code (code),
  KEY idx_b_prefix (b(20))$fk$extra
) $described;
SQL
    ;;
    2) cat <<SQL
CREATE TABLE ${p}$n (
  id bigint NOT NULL,
  parent_id bigint DEFAULT NULL,
  price decimal(10,2) NOT NULL,
  qty int NOT NULL,
  b varchar(64) DEFAULT NULL,
$note  total decimal(14,2) GENERATED ALWAYS AS (price * qty) VIRTUAL,
  PRIMARY KEY (id),
  CONSTRAINT ${p}chk_$n CHECK (qty >= 0)$fk$extra
) $plain;
SQL
    ;;
    3) cat <<SQL
CREATE TABLE ${p}$n (
  id bigint NOT NULL,
  parent_id bigint DEFAULT NULL,
  region char(2) NOT NULL DEFAULT 'cn',
  b varchar(64) DEFAULT NULL,
$note  PRIMARY KEY (id),
  KEY idx_region (region)$fk$extra
) $plain PARTITION BY HASH (id) PARTITIONS 4;
SQL
    ;;
    esac
}

MARKER="_bench_complete_${SOURCES}_${SHADOWS}_${OUTDATED_EVERY}"
if [[ "$KEEP" == 1 ]] && [[ "$(sql -e "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$DB' AND TABLE_NAME = '$MARKER'")" == 1 ]]; then
    log "reusing the complete database $DB"
else
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    log "generating $SOURCES tables and $SHADOWS shadows"
    for ((k = 0; k < LOADERS; k++)); do echo "SET FOREIGN_KEY_CHECKS = 0;" >"$work/load_$k.sql"; done
    for ((i = 1; i <= SOURCES; i++)); do
        k=$(( i % LOADERS ))
        source_ddl "$i" "" >>"$work/load_$k.sql"
        if (( i <= SHADOWS )); then
            source_ddl "$i" "__" $(( i % OUTDATED_EVERY == 0 )) >>"$work/load_$k.sql"
        fi
    done
    sql -e "DROP DATABASE IF EXISTS \`$DB\`; CREATE DATABASE \`$DB\`"
    log "loading over $LOADERS sessions"
    t0=$(now_ms)
    pids=()
    for ((k = 0; k < LOADERS; k++)); do
        sql "$DB" <"$work/load_$k.sql" &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid" || die "loading the schema failed"; done
    sql "$DB" -e "CREATE VIEW \`$MARKER\` AS SELECT 1 AS done"
    log "loaded $(( SOURCES + SHADOWS )) tables in $(( $(now_ms) - t0 )) ms"
fi
count=$(sql -e "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$DB' AND TABLE_TYPE = 'BASE TABLE'")
[[ "$count" == $(( SOURCES + SHADOWS )) ]] || die "expected $(( SOURCES + SHADOWS )) tables in $DB, found $count"

# ---- timed runs
field() { sed -nE "s/.*(^| )$1=([^ ]*).*/\\2/p" <<<"$2"; }
# The server reads a table's schema slowly the first time after it was
# created; one untimed pass warms it, so that (a) and (b) compare fairly.
warm=$("$BENCH" baseline "$DB_URL")
log "warm-up pass (first read of every table): $(field total_ms "$warm") ms"
warm_catalog=$("$BENCH" phases "$DB_URL" __ 8)
log "second warm-up pass (shadowsync's read): $(field read_ms "$warm_catalog") ms"
# CPU used by the client (this shell's finished children) and by the server
# process, in ms, read from /proc: the wall-time ratio alone hides how much of
# it is work saved and how much is parallelism the machine can or cannot give.
TICK_MS=$(( 1000 / $(getconf CLK_TCK) ))
SERVER_PID="${BENCH_SERVER_PID:-}"
engine_pid_file="${SHADOWSYNC_ENGINE_DIR:-/var/tmp/shadowsync-engines}/seekdb.pid"
# (only when the URL is seekdb's: another server's CPU is not that process's)
[[ -z "$SERVER_PID" && "$URL" == "${SHADOWSYNC_SEEKDB_URL:-}" && -r "$engine_pid_file" ]] && SERVER_PID=$(<"$engine_pid_file")
[[ -n "$SERVER_PID" && -r "/proc/$SERVER_PID/stat" ]] || SERVER_PID=""
stat_ticks() { # $1 = pid, $2 = "self" (utime+stime) or "children" (cutime+cstime)
    local s
    s=$(<"/proc/$1/stat")
    s=${s##*) }
    # shellcheck disable=SC2086 # split the fields on purpose
    set -- $2 $s
    if [[ "$1" == self ]]; then echo $(( ${13} + ${14} )); else echo $(( ${15} + ${16} )); fi
}
server_ms() { if [[ -n "$SERVER_PID" ]]; then echo $(( $(stat_ticks "$SERVER_PID" self) * TICK_MS )); else echo 0; fi; }
# measure CMD… : runs CMD with stdout to $MEASURE_OUT; sets WALL_MS, CLIENT_MS, SERVER_MS.
measure() {
    local c0 s0 t0
    c0=$(stat_ticks $$ children)
    s0=$(server_ms)
    t0=$(now_ms)
    "$@" >"$MEASURE_OUT"
    WALL_MS=$(( $(now_ms) - t0 ))
    SERVER_MS=$(( $(server_ms) - s0 ))
    CLIENT_MS=$(( ($(stat_ticks $$ children) - c0) * TICK_MS ))
}
if [[ "$MODE" == cache ]]; then
    cache_dir=$(mktemp -d)
    store="$cache_dir/tasks.db"
    out_cold="$cache_dir/cold.json" out_warm="$cache_dir/warm.json" out_plain="$cache_dir/plain.json"
    # check exits 1 when not ready, which the changed tables make it.
    check() { "$BIN" check --url "$DB_URL" --prefix __ --all --format json "$@" || [[ $? == 1 ]]; }
    # change ROUND: a new comment on CHANGED sources spread over the schema.
    change() {
        local stmts="" i
        for ((k = 0; k < CHANGED; k++)); do
            i=$(( 1 + (k * SOURCES / CHANGED + $1) % SOURCES ))
            stmts+="ALTER TABLE $(printf 't_%04d' "$i") COMMENT='changed in round $1';"
        done
        sql "$DB" -e "$stmts"
    }
    # The same view but for the time it was made.
    same_check() {
        python3 -c 'import json,sys; a,b=(json.load(open(f)) for f in sys.argv[1:]); a.pop("checked_at"); b.pop("checked_at"); sys.exit(a != b)' "$1" "$2"
    }
    MEASURE_OUT=$out_cold measure check --store "$store"
    cold_ms=$WALL_MS cold_cpu="client $CLIENT_MS ms, server $SERVER_MS ms"
    best_warm="" best_base="" best_plain=""
    for ((r = 1; r <= RUNS; r++)); do
        change "$r"
        MEASURE_OUT=$out_warm measure check --store "$store"
        [[ -z "$best_warm" || $WALL_MS -lt $best_warm ]] && best_warm=$WALL_MS && cpu_warm="client $CLIENT_MS ms, server $SERVER_MS ms"
        warm_ms=$WALL_MS
        MEASURE_OUT=$out_plain measure check --no-cache
        [[ -z "$best_plain" || $WALL_MS -lt $best_plain ]] && best_plain=$WALL_MS
        plain_ms=$WALL_MS
        same_check "$out_warm" "$out_plain" || die "run $r: the cached and uncached checks differ"
        MEASURE_OUT=$out_plain.base measure "$BENCH" baseline "$DB_URL"
        base=$(<"$out_plain.base")
        base_ms=$(field total_ms "$base")
        [[ -z "$best_base" || $base_ms -lt $best_base ]] && best_base=$base_ms && cpu_base="client $CLIENT_MS ms, server $SERVER_MS ms"
        log "run $r: warm check ${warm_ms} ms ($CHANGED sources changed), uncached check ${plain_ms} ms, baseline ${base_ms} ms"
    done
    verdicts=$(python3 -c 'import json,sys; v=json.load(open(sys.argv[1])); print(" ".join(f"{k}={n}" for k,n in v["counts"].items()))' "$out_warm")
    ratio=$(awk -v b="$best_base" -v p="$best_warm" 'BEGIN { printf "%.1f", (p > 0 ? b / p : 0) }')
    ratio_plain=$(awk -v b="$best_plain" -v p="$best_warm" 'BEGIN { printf "%.1f", (p > 0 ? b / p : 0) }')
    cat <<EOF

shadowsync check with the snapshot cache: $SOURCES pairs, $CHANGED sources changed before each warm check, $SHOWN_URL
  verdicts (warm)           $verdicts
  (warm) cached check       ${best_warm} ms wall (best of $RUNS), $cpu_warm
  (cold) first check        ${cold_ms} ms wall (empty cache, fills it), $cold_cpu
  (u) uncached check        ${best_plain} ms wall (best of $RUNS)
  (b) baseline              ${best_base} ms wall (best of $RUNS), $(field tables "$base") tables, $cpu_base
  ratio (b)/(warm)          ${ratio}x   (goal >= ${GOAL_RATIO}x and (warm) < 500 ms on seekdb)
  ratio (u)/(warm)          ${ratio_plain}x
EOF
    rm -rf "$cache_dir"
    [[ "$KEEP" == 1 ]] || sql -e "DROP DATABASE IF EXISTS \`$DB\`"
    if (( best_warm < 500 )) && awk -v r="$ratio" -v g="$GOAL_RATIO" 'BEGIN { exit !(r >= g) }'; then
        echo "goal: met"
    else
        echo "goal: MISSED"
        [[ "${BENCH_STRICT:-0}" == 1 ]] && exit 1
    fi
    exit 0
fi

out=$(mktemp)
out_show=$(mktemp)
out_base=$(mktemp)
best_plan="" best_show="" best_base=""
cpu_plan="" cpu_show="" cpu_base=""
for ((r = 1; r <= RUNS; r++)); do
    MEASURE_OUT=$out measure "$BIN" plan --url "$DB_URL" --prefix __ --all --format json
    plan_ms=$WALL_MS
    [[ -z "$best_plan" || $plan_ms -lt $best_plan ]] && best_plan=$plan_ms && cpu_plan="client $CLIENT_MS ms, server $SERVER_MS ms" \
        && plan_cpu_ms=$(( CLIENT_MS + SERVER_MS ))
    MEASURE_OUT=$out_show measure "$BIN" plan --url "$DB_URL" --prefix __ --all --format json --introspection show-create
    show_ms=$WALL_MS
    [[ -z "$best_show" || $show_ms -lt $best_show ]] && best_show=$show_ms && cpu_show="client $CLIENT_MS ms, server $SERVER_MS ms"
    MEASURE_OUT=$out_base measure "$BENCH" baseline "$DB_URL"
    base=$(<"$out_base")
    base_ms=$(field total_ms "$base")
    base_rt=$(field round_trips "$base")
    [[ -z "$best_base" || $base_ms -lt $best_base ]] && best_base=$base_ms && cpu_base="client $CLIENT_MS ms, server $SERVER_MS ms" \
        && base_cpu_ms=$(( CLIENT_MS + SERVER_MS ))
    log "run $r: plan ${plan_ms} ms, plan with show-create ${show_ms} ms, baseline ${base_ms} ms (${base_rt} round trips)"
done
cmp -s "$out" "$out_show" || die "the catalog and SHOW CREATE TABLE plans differ"

# ---- the plan's decisions, checked
summary=$(python3 - "$out" "$SOURCES" "$SHADOWS" "$OUTDATED_EVERY" <<'PY'
import json, sys, collections
items = json.load(open(sys.argv[1]))
sources, shadows, every = map(int, sys.argv[2:5])
seen = collections.Counter((t["action"], t["reason"]) for t in items)
want = collections.Counter({("create", None): sources - shadows,
                            ("alter", None): shadows // every,
                            ("skip", "identical"): shadows - shadows // every})
print(" ".join(f"{a}{'/' + r if r else ''}={n}" for (a, r), n in sorted(seen.items(), key=str)),
      "expected" if seen == want else f"UNEXPECTED (want {dict(want)})")
PY
)

phases8=$("$BENCH" phases "$DB_URL" __ 8)
phases1=$("$BENCH" phases "$DB_URL" __ 1)
phases8_show=$("$BENCH" phases "$DB_URL" __ 8 show-create)
batched=$("$BENCH" batched "$DB_URL" 50)

server_shown="the seekdb process $SERVER_PID"
[[ -n "$SERVER_PID" ]] || server_shown="not measured, set BENCH_SERVER_PID"
cpu_floor=""
if [[ -n "$SERVER_PID" ]]; then
    cpu_floor="  work ratio (b)/(a)        $(awk -v b="$base_cpu_ms" -v p="$plan_cpu_ms" 'BEGIN { printf "%.1f", (p > 0 ? b / p : 0) }')x less CPU
  floor of (a) here         $(( plan_cpu_ms / $(nproc) )) ms: its CPU over $(nproc) cores, the best wall time this machine allows it"
fi
ratio=$(awk -v b="$best_base" -v p="$best_plan" 'BEGIN { printf "%.1f", (p > 0 ? b / p : 0) }')
ratio_show=$(awk -v b="$best_base" -v p="$best_show" 'BEGIN { printf "%.1f", (p > 0 ? b / p : 0) }')
cat <<EOF

shadowsync plan on seekdb: $SOURCES sources, $SHADOWS shadows ($(( SHADOWS / OUTDATED_EVERY )) outdated), database $SHOWN_URL
  plan decisions            $summary
  (a) shadowsync plan       ${best_plan} ms wall (best of $RUNS), $(field round_trips "$phases8") round trips (from the phases run)
  (c) plan, show-create     ${best_show} ms wall (best of $RUNS), $(field round_trips "$phases8_show") round trips
  (b) baseline              ${best_base} ms wall (best of $RUNS), $(field round_trips "$base") round trips, $(field tables "$base") tables
  first read (warm-up)      $(field total_ms "$warm") ms, baseline method
  ratio (b)/(a)             ${ratio}x   (goal >= ${GOAL_RATIO}x and (a) < ${GOAL_MS} ms)
  ratio (b)/(c)             ${ratio_show}x

CPU of the best runs (client: the measured process; server: $server_shown), $(nproc) cores on this machine:
  (a) shadowsync plan       $cpu_plan
  (c) plan, show-create     $cpu_show
  (b) baseline              $cpu_base
$cpu_floor

where the time goes:
  catalog, 8 connections    read $(field read_ms "$phases8") ms + analyze $(field analyze_ms "$phases8") ms + json $(field json_ms "$phases8") ms (connect $(field connect_ms "$phases8") ms)
  catalog, 1 connection     read $(field read_ms "$phases1") ms + analyze $(field analyze_ms "$phases1") ms
  show-create, 8 conns      read $(field read_ms "$phases8_show") ms + analyze $(field analyze_ms "$phases8_show") ms
  baseline, 50 per query    $(field total_ms "$batched") ms, $(field round_trips "$batched") round trips
EOF

rm -f "$out" "$out_show" "$out_base"
[[ "$KEEP" == 1 ]] || sql -e "DROP DATABASE IF EXISTS \`$DB\`"

if (( best_plan < GOAL_MS )) && awk -v r="$ratio" -v g="$GOAL_RATIO" 'BEGIN { exit !(r >= g) }'; then
    echo "goal: met"
else
    echo "goal: MISSED"
    [[ "${BENCH_STRICT:-0}" == 1 ]] && exit 1
fi
exit 0
