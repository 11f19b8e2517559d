#!/usr/bin/env bash
# Benchmark `shadowsync check --fleet` on one server: BENCH_DBS databases
# × BENCH_TABLES tables (default 16 × 64: the issue's fleet on seekdb), each
# with its marked shadow (every 16th shadow outdated), then times, in the
# same run:
#   (b) the baseline: the whole fleet through one connection
#       (--servers 1 --connections 1);
#   (a) the same through BENCH_CONNECTIONS connections (default 8);
# and prints wall times and the ratio. Goal on seekdb: (a) < 3 s. An untimed
# warm-up pass comes first (seekdb serves the first read of a table's
# definition far slower than later ones).
#
#   eval "$(scripts/engines.sh start)"
#   benches/fleet.sh "$SHADOWSYNC_SEEKDB_URL"      # or "$SHADOWSYNC_MARIADB_URL"
#
# Environment: BENCH_DBS, BENCH_TABLES, BENCH_CONNECTIONS, BENCH_RUNS
# (timed runs of each, default 3), BENCH_LOADERS (parallel loading
# sessions, default 8), BENCH_KEEP=1 (keep and reuse the databases),
# BENCH_NO_BUILD=1, CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."

URL="${1:?usage: benches/fleet.sh SERVER_URL}"
DBS="${BENCH_DBS:-16}"
TABLES="${BENCH_TABLES:-64}"
CONNECTIONS="${BENCH_CONNECTIONS:-8}"
RUNS="${BENCH_RUNS:-3}"
LOADERS="${BENCH_LOADERS:-8}"
PREFIX="ssb_fleet"

log() { printf '[fleet-bench] %s\n' "$*" >&2; }

# shellcheck source=benches/support/server.sh
source benches/support/server.sh

# shellcheck source=benches/support/cli.sh
source benches/support/cli.sh

table_ddl() { # $1 = name, $2 = extra column or "", $3 = comment
    cat <<SQL
CREATE TABLE $1 (
  id bigint NOT NULL,
  user_id bigint NOT NULL,
  status varchar(16) NOT NULL DEFAULT 'new',
  total decimal(12,2) NOT NULL DEFAULT 0.00,
  created_at datetime DEFAULT NULL,$2
  PRIMARY KEY (id),
  KEY idx_user (user_id),
  KEY idx_status_created (status, created_at)
) COMMENT='$3';
SQL
}

load_db() { # $1 = database number
    local db n
    db=$(printf '%s_%02d' "$PREFIX" "$1")
    {
        echo "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db; USE $db;"
        for ((t = 0; t < TABLES; t++)); do
            n=$(printf 'order_%04d' $((t)))
            table_ddl "$n" "" "shard $t"
            if (( t % 16 == 15 )); then
                table_ddl "__$n" "" "shard $t [shadowsync:shadow]" | sed 's/KEY idx_user (user_id),/KEY idx_user (user_id), KEY idx_old (total),/'
            else
                table_ddl "__$n" "" "shard $t [shadowsync:shadow]"
            fi
        done
    } | sql
}
export -f load_db table_ddl sql
export PREFIX TABLES CLIENT DB_HOST DB_PORT DB_USER

complete=$(sql -e "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA LIKE '${PREFIX}\\_%'" || echo 0)
if [[ "${BENCH_KEEP:-0}" == 1 && "$complete" == $((DBS * TABLES * 2)) ]]; then
    log "reusing the $DBS databases"
else
    start=$(now_ms)
    seq 0 $((DBS - 1)) | xargs -P "$LOADERS" -I{} bash -c 'load_db {}'
    log "loaded $DBS × $TABLES tables and their shadows in $(( $(now_ms) - start )) ms"
fi

FLEET=$(mktemp)
trap 'rm -f "$FLEET"' EXIT
printf 'prefix = "__"\n[[server]]\nurl = "%s"\nschemas = ["%s_{00..%02d}"]\n' "$URL" "$PREFIX" $((DBS - 1)) > "$FLEET"

run() { # $1 = connections; prints ms
    local start code
    start=$(now_ms)
    code=0
    "$BIN" check --fleet "$FLEET" --servers 1 --connections "$1" --format json > /tmp/fleet-bench.json || code=$?
    (( code <= 1 )) || { log "check failed ($code)"; exit 1; }
    echo $(( $(now_ms) - start ))
}

log "warm-up"
run "$CONNECTIONS" > /dev/null
run 1 > /dev/null
drifted=$(python3 -c "import json; print(json.load(open('/tmp/fleet-bench.json'))['counts']['drifted'])")
log "the fleet: $((DBS * TABLES)) shards, $drifted drifted"
best_a=999999999; best_b=999999999
for ((r = 1; r <= RUNS; r++)); do
    b=$(run 1); a=$(run "$CONNECTIONS")
    log "run $r: 1 connection $b ms, $CONNECTIONS connections $a ms"
    (( b < best_b )) && best_b=$b
    (( a < best_a )) && best_a=$a
done
ratio=$(python3 -c "print(f'{$best_b / max($best_a, 1):.2f}')")
echo "fleet check of $DBS databases x $TABLES tables: best of $RUNS: $CONNECTIONS connections ${best_a} ms, 1 connection ${best_b} ms (baseline): ${ratio}x"
if [[ "${BENCH_KEEP:-0}" != 1 ]]; then
    for ((d = 0; d < DBS; d++)); do sql -e "DROP DATABASE IF EXISTS $(printf '%s_%02d' "$PREFIX" "$d")"; done
fi
