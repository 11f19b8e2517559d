#!/usr/bin/env bash
# Chaos run: N iterations of {start a sync of 200 tables as host A, kill -9
# the worker (mode `kill`) or crash and restart the database server (mode
# `restart`) at a random moment, recover with `task run-due` as host B}.
# A pass is: the task ends in a truthful final state (succeeded), every
# shadow equals its source (a fresh plan finds all 200 identical), and no
# statement was applied twice (each table's statement applied at most once
# in the task's log, and no "already exists" error anywhere).
#
#   scripts/chaos.sh [mariadb|seekdb] [ITERATIONS] [kill|restart]
#                                         (defaults: mariadb 5 kill)
#
# Traffic goes to the local engines only (scripts/engines.sh); only the
# processes this script starts are killed; each iteration is bounded in time.
# Mode `restart` (MariaDB only: seekdb takes a minute and 2.3 GB to start)
# runs its own MariaDB instance on port 33071 (state in
# /var/tmp/shadowsync-chaos), kills it with SIGKILL mid-sync and starts it
# again; its task store is a SQLite file, so that only the DDL server fails.
# Prints `N passed, N failed` last; exits 1 when any iteration failed.
set -euo pipefail
cd "$(dirname "$0")/.."

ENGINE="${1:-mariadb}"
ITERATIONS="${2:-5}"
MODE="${3:-kill}"
TABLES=200
LEASE=2
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/shadowsync-target}"
CHAOS_STATE=/var/tmp/shadowsync-chaos
CHAOS_PORT=33071
# The private MariaDB of mode `restart`.
chaos_mariadb() { SHADOWSYNC_ENGINE_DIR=$CHAOS_STATE SHADOWSYNC_MARIADB_PORT=$CHAOS_PORT scripts/engines.sh "$1" mariadb; }

case "$ENGINE:$MODE" in
  mariadb:kill|seekdb:kill|mariadb:restart) ;;
  *) echo "usage: chaos.sh [mariadb|seekdb] [ITERATIONS] [kill|restart] (restart: mariadb only)" >&2; exit 2 ;;
esac
if [[ "$MODE" == restart ]]; then
  chaos_mariadb start >/dev/null
  BASE="mysql://shadowsync:shadowsync@127.0.0.1:$CHAOS_PORT/"
  CLIENT=(mariadb --no-defaults -h127.0.0.1 -P"$CHAOS_PORT" -ushadowsync -pshadowsync)
else
  eval "$(scripts/engines.sh start)"
  case "$ENGINE" in
    mariadb) BASE="$SHADOWSYNC_MARIADB_URL"; CLIENT=(mariadb --no-defaults -h127.0.0.1 -P"${SHADOWSYNC_MARIADB_PORT:-33061}" -ushadowsync -pshadowsync) ;;
    seekdb) BASE="$SHADOWSYNC_SEEKDB_URL"; CLIENT=(mariadb --no-defaults -h127.0.0.1 -P"${SHADOWSYNC_SEEKDB_PORT:-2881}" -uroot) ;;
  esac
fi
DB="chaos_$ENGINE"
STORE_DB="chaos_${ENGINE}_tasks"
URL="${BASE%/}/$DB"
if [[ "$MODE" == restart ]]; then
  STORE_FILE="$CHAOS_STATE/tasks.db"
  STORE="$STORE_FILE"
else
  STORE="${BASE%/}/$STORE_DB"
fi

cargo build --quiet -p shadowsync-cli
BIN="$CARGO_TARGET_DIR/debug/shadowsync"
log() { printf '[chaos] %s\n' "$*" >&2; }

log "loading $TABLES tables into $DB on $ENGINE"
{
  echo "DROP DATABASE IF EXISTS $DB; CREATE DATABASE $DB; USE $DB;"
  echo "DROP DATABASE IF EXISTS $STORE_DB; CREATE DATABASE $STORE_DB;"
  for i in $(seq 1 "$TABLES"); do
    parent=""
    if (( i % 10 == 0 )); then
      parent=", parent_id int, KEY idx_parent (parent_id), CONSTRAINT fk_t$i FOREIGN KEY (parent_id) REFERENCES t$((i - 5)) (id)"
    fi
    echo "CREATE TABLE t$i (id int NOT NULL PRIMARY KEY, a varchar(20) DEFAULT 'x', b decimal(10,2), KEY idx_a (a)$parent);"
  done
} | "${CLIENT[@]}"

passed=0
failed=0
for iteration in $(seq 1 "$ITERATIONS"); do
  # Fresh shadows and a fresh task list for each iteration.
  {
    echo "USE $DB; SET FOREIGN_KEY_CHECKS = 0;"
    for i in $(seq 1 "$TABLES"); do echo "DROP TABLE IF EXISTS __t$i;"; done
    echo "DROP DATABASE IF EXISTS $STORE_DB; CREATE DATABASE $STORE_DB;"
  } | "${CLIENT[@]}"
  if [[ "$MODE" == restart ]]; then rm -f "$STORE_FILE" "$STORE_FILE-wal" "$STORE_FILE-shm"; fi

  # A sync of 200 tables takes 1-2 s on MariaDB with a SQLite store, longer
  # with the server store or on seekdb: aim inside it.
  if [[ "$MODE" == restart ]]; then delay_ms=$(( 100 + RANDOM % 1200 )); else delay_ms=$(( 500 + RANDOM % 5000 )); fi
  SHADOWSYNC_HOST_ID=chaos-a SHADOWSYNC_LEASE_SECONDS=$LEASE \
    "$BIN" sync --url "$URL" --prefix __ --all --yes --store "$STORE" --format json \
    >/dev/null 2>&1 </dev/null &
  worker=$!
  sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
  if [[ "$MODE" == restart ]]; then
    server=$(cat "$CHAOS_STATE/mariadb/mysqld.pid" 2>/dev/null || true)
    if kill -0 "$worker" 2>/dev/null; then how="server killed after ${delay_ms} ms"; else how="worker finished before the restart"; fi
    [[ -n "$server" ]] && kill -9 "$server" 2>/dev/null || true
    # The worker sees its connection lost and exits (bounded: 60 s).
    for _ in $(seq 1 600); do kill -0 "$worker" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$worker" 2>/dev/null || true
    chaos_mariadb start >/dev/null
  elif kill -9 "$worker" 2>/dev/null; then how="worker killed after ${delay_ms} ms"; else how="worker finished before the kill"; fi
  wait "$worker" 2>/dev/null || true

  sleep $((LEASE + 1))
  deadline=$((SECONDS + 120))
  status=""
  while (( SECONDS < deadline )); do
    SHADOWSYNC_HOST_ID=chaos-b SHADOWSYNC_LEASE_SECONDS=$LEASE \
      "$BIN" task run-due --url "$BASE" --store "$STORE" >/dev/null 2>&1 </dev/null || true
    status=$("$BIN" task list --all-time --store "$STORE" --format json 2>/dev/null |
      python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["items"][0]["status"] if d["items"] else "none")')
    case "$status" in executing|waiting_for_execution) sleep 1 ;; *) break ;; esac
  done

  verdict=pass
  why=""
  if [[ "$status" == none ]]; then
    # Killed before the task was submitted: nothing ran, nothing to recover.
    why="no task was submitted before the kill"
  elif [[ "$status" != succeeded ]]; then
    verdict=fail; why="task ended $status"
  fi
  if [[ "$status" != none ]]; then
    id=$("$BIN" task list --all-time --store "$STORE" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
    logs=$("$BIN" task logs "$id" --store "$STORE")
    twice=$(printf '%s\n' "$logs" | grep -o '`t[0-9]*`: statement 1 of 1 applied' | sort | uniq -d | head -3)
    if [[ -n "$twice" ]]; then verdict=fail; why="$why; applied twice: $twice"; fi
    if printf '%s\n' "$logs" | grep -qi 'already exists'; then verdict=fail; why="$why; a statement was sent again"; fi
  fi
  if [[ "$status" == none ]]; then
    # Recover by running the sync again, as a user would.
    SHADOWSYNC_HOST_ID=chaos-b "$BIN" sync --url "$URL" --prefix __ --all --yes --store "$STORE" >/dev/null 2>&1 </dev/null || true
  fi
  identical=$("$BIN" plan --url "$URL" --prefix __ --all --format json 2>/dev/null |
    python3 -c 'import json,sys; print(sum(1 for x in json.load(sys.stdin)["tables"] if x.get("reason") == "identical"))' || echo 0)
  if [[ "$identical" != "$TABLES" ]]; then verdict=fail; why="$why; only $identical of $TABLES shadows identical"; fi

  if [[ "$verdict" == pass ]]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
  log "iteration $iteration: $how; $verdict ${why:+($why)}"
done

if [[ "$MODE" == restart ]]; then chaos_mariadb stop >/dev/null 2>&1 || true; fi
echo "chaos $ENGINE $MODE: $passed passed, $failed failed"
(( failed == 0 ))
