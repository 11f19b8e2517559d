#!/usr/bin/env bash
# Add a flag to, or remove it from, the global sql_mode of both test servers
# (MariaDB and seekdb, as scripts/engines.sh runs them). New connections see
# the change; the live suites use it to prove that shadowsync sessions state
# their own mode.
#
#   scripts/global_sql_mode.sh add|remove FLAG
set -euo pipefail

action="${1:?usage: global_sql_mode.sh add|remove FLAG}"
flag="${2:?usage: global_sql_mode.sh add|remove FLAG}"
[[ "$flag" =~ ^[A-Z_]+$ ]] || { echo "not a sql_mode flag: $flag" >&2; exit 2; }

MARIADB_PORT="${SHADOWSYNC_MARIADB_PORT:-33061}"
SEEKDB_PORT="${SHADOWSYNC_SEEKDB_PORT:-2881}"

case "$action" in
  add) sql="SET GLOBAL sql_mode = IF(FIND_IN_SET('$flag', @@GLOBAL.sql_mode) > 0, @@GLOBAL.sql_mode, CONCAT_WS(',', NULLIF(@@GLOBAL.sql_mode, ''), '$flag'))" ;;
  remove) sql="SET GLOBAL sql_mode = TRIM(BOTH ',' FROM REPLACE(CONCAT(',', @@GLOBAL.sql_mode, ','), ',$flag,', ','))" ;;
  *) echo "usage: global_sql_mode.sh add|remove FLAG" >&2; exit 2 ;;
esac

for server in "-P$MARIADB_PORT -ushadowsync -pshadowsync" "-P$SEEKDB_PORT -uroot"; do
  # shellcheck disable=SC2086 # the words are options
  mariadb --no-defaults -h127.0.0.1 $server --connect-timeout=10 -e "$sql"
  # shellcheck disable=SC2086
  echo "[sql_mode] $(mariadb --no-defaults -h127.0.0.1 $server -N -e 'SELECT @@GLOBAL.sql_mode')" >&2
done
