#!/usr/bin/env bash
# What a server allows for parallel DDL on this machine: BENCH_TABLES (500)
# independent CREATE TABLEs sent through 1 session (the baseline) and
# through BENCH_SESSIONS (1 2 4 8) sessions at once, with the mariadb
# client, in the same run; prints wall times and ratios. It measures the
# engine, not shadowsync: the ceiling a bounded-parallel task executor can
# reach there (issue 14).
#
#   eval "$(scripts/engines.sh start)"
#   benches/ddl_parallel.sh "$SHADOWSYNC_SEEKDB_URL"     # or "$SHADOWSYNC_MARIADB_URL"
set -euo pipefail
cd "$(dirname "$0")/.."

URL="${1:?usage: benches/ddl_parallel.sh SERVER_URL}"
TABLES="${BENCH_TABLES:-500}"
SESSIONS="${BENCH_SESSIONS:-1 2 4 8}"
DB="ssb_ddl_parallel"

# shellcheck source=benches/support/server.sh
source benches/support/server.sh
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

create_part() { # $1 = part, $2 = parts: the part's CREATEs, one session
    local t
    for ((t = $1; t < TABLES; t += $2)); do
        printf 'CREATE TABLE t_%04d (id bigint NOT NULL, a int NOT NULL DEFAULT 0, b varchar(64) DEFAULT NULL, PRIMARY KEY (id), KEY idx_a (a));\n' "$t"
    done | sql "$DB"
}
export -f create_part sql
export TABLES DB CLIENT DB_HOST DB_PORT DB_USER

declare -A took
for n in $SESSIONS; do
    sql -e "DROP DATABASE IF EXISTS $DB; CREATE DATABASE $DB"
    start=$(now_ms)
    seq 0 $((n - 1)) | xargs -P "$n" -I{} bash -c "create_part {} $n"
    took[$n]=$(( $(now_ms) - start ))
    count=$(sql -e "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$DB'")
    [[ "$count" == "$TABLES" ]] || { echo "only $count of $TABLES tables" >&2; exit 1; }
    echo "$TABLES CREATE TABLE through $n session(s): ${took[$n]} ms"
done
sql -e "DROP DATABASE IF EXISTS $DB"
base=${took[1]:-}
if [[ -n "$base" ]]; then
    for n in $SESSIONS; do
        python3 -c "print(f'{$n} session(s): {$base / max(${took[$n]}, 1):.2f}x the 1-session baseline')"
    done
fi
