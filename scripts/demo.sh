#!/usr/bin/env bash
# The main job of shadowsync, end to end, on a fresh machine:
#
#   1. start the engines (scripts/engines.sh; seekdb is the one used here);
#   2. build the `shadowsync` command line;
#   3. (re)create the database `shadowsync_demo` on seekdb from examples/shop.sql:
#      ten shop tables with foreign keys, a generated column, CHECKs, a
#      partitioned table, a view, and one outdated shadow (`__products`);
#   4. `shadowsync sync --all --prefix __ --yes`: plan, submit as a task,
#      run it, print the outcome per table;
#   5. `shadowsync task show` of that task (statements, outcome, timeline);
#   6. `shadowsync plan` again: every table must now be `skip: identical`.
#
# Idempotent: a second run drops and recreates the demo database and runs
# again; the task store keeps the history of earlier runs.
#
# Environment:
#   CARGO_TARGET_DIR      build directory (default /var/tmp/shadowsync-target)
#   SHADOWSYNC_DEMO_DIR   demo state: the task database (default /var/tmp/shadowsync-demo)
#   plus those of scripts/engines.sh (ports, engine state directory).
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/shadowsync-target}"
DEMO_DIR="${SHADOWSYNC_DEMO_DIR:-/var/tmp/shadowsync-demo}"
STORE="$DEMO_DIR/tasks.db"
DB=shadowsync_demo

step() { printf '\n==> %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

step "Starting the database engines (scripts/engines.sh; reuses running ones)"
eval "$(scripts/engines.sh start)"
SERVER_URL="${SHADOWSYNC_SEEKDB_URL:?scripts/engines.sh did not export SHADOWSYNC_SEEKDB_URL}"

# Client options for the `mariadb` client, from mysql://user[:pass]@host:port/.
authority="${SERVER_URL#*://}"
authority="${authority%%/*}"
userinfo="${authority%@*}"
hostport="${authority##*@}"
db_user="${userinfo%%:*}"
db_pass=""
[[ "$userinfo" == *:* ]] && db_pass="${userinfo#*:}"
client=(mariadb --no-defaults -h "${hostport%:*}" -P "${hostport##*:}" -u "$db_user")
[[ -n "$db_pass" ]] && client+=("-p$db_pass")
URL="${SERVER_URL%/}/$DB"

step "Building the shadowsync command line (cargo, target dir $CARGO_TARGET_DIR)"
cargo build --quiet -p shadowsync-cli --bin shadowsync
shadowsync() { "$CARGO_TARGET_DIR/debug/shadowsync" "$@"; }

step "Creating database $DB on seekdb from examples/shop.sql (dropped first if it exists)"
"${client[@]}" -e "DROP DATABASE IF EXISTS $DB; CREATE DATABASE $DB"
"${client[@]}" "$DB" <examples/shop.sql
echo "tables and views of $DB:"
"${client[@]}" --batch --skip-column-names "$DB" -e "SHOW FULL TABLES" | sed 's/^/  /'

mkdir -p "$DEMO_DIR"
step "Syncing the shadow tables: analyse, show the plan, run it as a task (store $STORE)"
out="$DEMO_DIR/sync.out"
status=0
run shadowsync sync --url "$URL" --all --prefix __ --yes --store "$STORE" \
    --remarks "scripts/demo.sh" | tee "$out" || status=$?
task_id=$(sed -n 's/^Task \([0-9][0-9]*\): .*/\1/p' "$out" | tail -n 1)
if [[ $status != 0 || -z "$task_id" ]]; then
    echo "demo: the sync did not succeed (exit status $status)" >&2
    exit 1
fi

step "The task as the task center recorded it"
run shadowsync task show "$task_id" --store "$STORE"

step "Planning again: every shadow must now be identical to its source"
run shadowsync plan --url "$URL" --all --prefix __
shadowsync plan --url "$URL" --all --prefix __ --format json | python3 -c '
import json, sys
tables = json.load(sys.stdin)["tables"]
left = [t["source"] for t in tables if (t["action"], t["reason"]) != ("skip", "identical")]
if left:
    sys.exit("demo: not in step yet: " + ", ".join(left))
print(f"demo: all {len(tables)} shadow tables are identical to their sources")
'

step "Done"
echo "Try: $CARGO_TARGET_DIR/debug/shadowsync task list --store $STORE"
echo "     $CARGO_TARGET_DIR/debug/shadowsync task logs $task_id --store $STORE"
