# Sourced by the benchmark scripts: the command-line client of the server
# of URL (mysql://user[:password]@host[:port]/...), as `sql ARGS…`, the
# password through MYSQL_PWD (never on a command line, never printed).
# Sets DB_USER, DB_HOST, DB_PORT (3306 when the URL names none), CLIENT.
rest="${URL#*://}"
userinfo="${rest%@*}"
hostport="${rest##*@}"
hostport="${hostport%%/*}"
DB_USER="${userinfo%%:*}"
if [[ "$userinfo" == *:* ]]; then export MYSQL_PWD="${userinfo#*:}"; fi
DB_HOST="${hostport%%:*}"
DB_PORT=3306
if [[ "$hostport" == *:* ]]; then DB_PORT="${hostport##*:}"; fi
CLIENT=$(command -v mariadb || command -v mysql || true)
[[ -n "$CLIENT" ]] || { echo "no mariadb or mysql client on PATH" >&2; exit 1; }
sql() { "$CLIENT" --no-defaults -h"$DB_HOST" -P"$DB_PORT" -u"$DB_USER" --batch --skip-column-names "$@"; }
