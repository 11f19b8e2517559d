#!/usr/bin/env bash
# Benchmark `shadowsync sync --fleet` on one server (issue 14): BENCH_DBS
# (4) databases × BENCH_TABLES (16) source tables without shadows, then the
# whole fleet synced (one task per database, every shadow created), for
# each connection count of BENCH_CONNECTIONS (1 2 4), in the same run: one
# connection (one database at a time, one statement at a time) is the
# baseline. The shadows are dropped between runs. Prints the wall time of
# each command (analysis, submission, every task's precheck, statements and
# verify) and the ratios.
#
#   eval "$(scripts/engines.sh start)"
#   benches/fleet_sync.sh "$SHADOWSYNC_SEEKDB_URL"     # or "$SHADOWSYNC_MARIADB_URL"
#
# Environment: BENCH_DBS, BENCH_TABLES, BENCH_CONNECTIONS, BENCH_PARALLEL
# (each task's --parallel, default 1), BENCH_NO_BUILD=1, CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."

URL="${1:?usage: benches/fleet_sync.sh SERVER_URL}"
DBS="${BENCH_DBS:-4}"
TABLES="${BENCH_TABLES:-16}"
CONNECTIONS="${BENCH_CONNECTIONS:-1 2 4}"
PARALLEL="${BENCH_PARALLEL:-1}"
PREFIX="ssb_fleet_sync"

log() { printf '[fleet-sync] %s\n' "$*" >&2; }

# shellcheck source=benches/support/server.sh
source benches/support/server.sh

# shellcheck source=benches/support/cli.sh
source benches/support/cli.sh

db_name() { printf '%s_%02d' "$PREFIX" "$1"; }

log "loading $DBS × $TABLES source tables"
for ((d = 0; d < DBS; d++)); do
    db=$(db_name "$d")
    {
        echo "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db; USE $db;"
        for ((t = 0; t < TABLES; t++)); do
            printf 'CREATE TABLE order_%04d (id bigint NOT NULL, user_id bigint NOT NULL, total decimal(12,2) NOT NULL DEFAULT 0, PRIMARY KEY (id), KEY idx_user (user_id));\n' "$t"
        done
    } | sql
done

WORK=$(mktemp -d)
cleanup() {
    rm -rf "$WORK"
    for ((d = 0; d < DBS; d++)); do sql -e "DROP DATABASE IF EXISTS $(db_name "$d")" || true; done
}
trap cleanup EXIT
# The fleet file names the server without its password (private anyway);
# the password goes by the environment.
if [[ "$userinfo" == *:* ]]; then export SHADOWSYNC_PASSWORD="$MYSQL_PWD"; fi
FLEET="$WORK/fleet.toml"
printf 'prefix = "__"\n[[server]]\nurl = "%s://%s@%s:%s/"\nschemas = ["%s_{00..%02d}"]\n' \
    "${URL%%://*}" "$DB_USER" "$DB_HOST" "$DB_PORT" "$PREFIX" $((DBS - 1)) > "$FLEET"
chmod 600 "$FLEET"

drop_shadows() {
    for ((d = 0; d < DBS; d++)); do
        db=$(db_name "$d")
        sql "$db" -e "SELECT CONCAT('DROP TABLE \`', TABLE_NAME, '\`;') FROM information_schema.TABLES \
                      WHERE TABLE_SCHEMA = '$db' AND TABLE_NAME LIKE '\\_\\_%'" | sql "$db"
    done
}

declare -A took
for n in $CONNECTIONS; do
    drop_shadows
    start=$(now_ms)
    "$BIN" sync --fleet "$FLEET" --yes --servers 1 --connections "$n" --parallel "$PARALLEL" \
        --store "$WORK/tasks-$n.db" --format json > "$WORK/sync-$n.json"
    took[$n]=$(( $(now_ms) - start ))
    python3 - "$WORK/sync-$n.json" "$((DBS * TABLES))" <<'PY'
import json, sys
view = json.load(open(sys.argv[1]))
assert view["complete"], view["warnings"]
assert view["counts"]["statements"] == int(sys.argv[2]), view["counts"]
PY
    log "$n connections: ${took[$n]} ms"
done
base="${CONNECTIONS%% *}"
for n in $CONNECTIONS; do
    ratio=$(python3 -c "print(f'{${took[$base]} / max(${took[$n]}, 1):.2f}')")
    echo "fleet sync of $DBS databases x $TABLES tables (each task --parallel $PARALLEL): $n connections ${took[$n]} ms, $base connection ${took[$base]} ms (baseline): ${ratio}x"
done
