#!/usr/bin/env bash
# Benchmark a task's bounded-parallel execution (issue 14): BENCH_TABLES
# (500) source tables with no foreign key between them and no shadow, then
# `shadowsync sync --parallel N` creating their 500 shadows as one task, for
# each N of BENCH_PARALLEL (1 2 4 8), in the same run: N = 1 (one statement
# at a time) is the baseline. The shadows are dropped between runs. Prints
# wall times of the whole command (analysis, precheck, statements, verify)
# and of the statements alone (from the task's own records), and the ratios.
#
#   eval "$(scripts/engines.sh start)"
#   benches/task_parallel.sh "$SHADOWSYNC_SEEKDB_URL"     # or "$SHADOWSYNC_MARIADB_URL"
#
# Environment: BENCH_TABLES, BENCH_PARALLEL, BENCH_NO_BUILD=1, CARGO_TARGET_DIR.
# benches/ddl_parallel.sh measures the engine alone (raw sessions): the
# ceiling this can reach.
set -euo pipefail
cd "$(dirname "$0")/.."

URL="${1:?usage: benches/task_parallel.sh SERVER_URL}"
TABLES="${BENCH_TABLES:-500}"
PARALLEL="${BENCH_PARALLEL:-1 2 4 8}"
DB="ssb_task_parallel"

log() { printf '[task-parallel] %s\n' "$*" >&2; }

# shellcheck source=benches/support/server.sh
source benches/support/server.sh

# shellcheck source=benches/support/cli.sh
source benches/support/cli.sh

log "loading $TABLES source tables"
{
    echo "DROP DATABASE IF EXISTS $DB; CREATE DATABASE $DB; USE $DB;"
    for ((t = 0; t < TABLES; t++)); do
        printf 'CREATE TABLE t_%04d (id bigint NOT NULL, a int NOT NULL DEFAULT 0, b varchar(64) DEFAULT NULL, PRIMARY KEY (id), KEY idx_a (a));\n' "$t"
    done
} | sql

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"; sql -e "DROP DATABASE IF EXISTS $DB" || true' EXIT
# The password goes by the environment, not the command line.
if [[ "$userinfo" == *:* ]]; then export SHADOWSYNC_PASSWORD="$MYSQL_PWD"; fi
SOURCE_URL="${URL%%://*}://$DB_USER@$DB_HOST:$DB_PORT/$DB"

drop_shadows() {
    sql "$DB" -e "SELECT CONCAT('DROP TABLE \`', TABLE_NAME, '\`;') FROM information_schema.TABLES \
                  WHERE TABLE_SCHEMA = '$DB' AND TABLE_NAME LIKE '\\_\\_%'" | sql "$DB"
}

declare -A took statements
for n in $PARALLEL; do
    drop_shadows
    store="$WORK/tasks-$n.db"
    start=$(now_ms)
    "$BIN" sync --url "$SOURCE_URL" --prefix __ --all --yes --parallel "$n" \
        --store "$store" --format json > "$WORK/sync-$n.json"
    took[$n]=$(( $(now_ms) - start ))
    statements[$n]=$(python3 - "$WORK/sync-$n.json" "$BIN" "$store" <<'PY'
import json, subprocess, sys
from datetime import datetime
view = json.load(open(sys.argv[1]))
task = view["task"]
assert task["status"] == "succeeded", task["status"]
logs = json.loads(subprocess.check_output(
    [sys.argv[2], "task", "logs", str(task["id"]), "--store", sys.argv[3], "--format", "json"]))
at = lambda e: datetime.fromisoformat(e["at"].replace("Z", "+00:00"))
entries = logs["entries"]
applied = [e for e in entries if "applied" in e["message"]]
begin = next(e for e in entries if e["message"] == "precheck passed")
print(int((at(applied[-1]) - at(begin)).total_seconds() * 1000))
PY
)
    count=$(sql -e "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$DB'")
    [[ "$count" == $((TABLES * 2)) ]] || { log "only $count of $((TABLES * 2)) tables"; exit 1; }
    echo "--parallel $n: ${took[$n]} ms in all, ${statements[$n]} ms of statements"
done
base=${took[1]:-}
if [[ -n "$base" ]]; then
    for n in $PARALLEL; do
        python3 -c "print(f'--parallel {$n}: {$base / max(${took[$n]}, 1):.2f}x the whole command at --parallel 1, {${statements[1]} / max(${statements[$n]}, 1):.2f}x its statements')"
    done
fi
