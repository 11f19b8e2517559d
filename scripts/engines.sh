#!/usr/bin/env bash
# Start/stop the local database engines used by shadowsync's integration tests.
#
#   scripts/engines.sh start [mariadb|mariadb2|seekdb]
#                               install if needed, start (or reuse) every engine
#                               (or the one named), print `export ...` lines on stdout
#   scripts/engines.sh stop [mariadb|mariadb2|seekdb]
#                               stop every engine (or the one named) started from
#                               the state dir
#   scripts/engines.sh status   tell what runs
#   scripts/engines.sh env      print the `export ...` lines, start nothing
#
# Typical use:  eval "$(scripts/engines.sh start)"
#
# Engines:
#   * MariaDB 10.11 (Debian package mariadb-server), our own mariadbd instance
#     (not the system service): user shadowsync/shadowsync over TCP.
#   * a second MariaDB instance (same binaries, own data dir, port 33062) with
#     TLS from a throwaway CA this script makes with openssl (in $STATE/tls,
#     made once): users shadowsync/shadowsync as on the first, plus
#     ss_tls/tls-pw (REQUIRE SSL), ss_x509/x509-pw (REQUIRE X509: the client
#     certificate tls/client.pem + tls/client-key.pem) and
#     ss_ed25519/ed25519-pw (IDENTIFIED VIA ed25519). tls/ca.pem signs the
#     server (SAN IP:127.0.0.1, DNS:localhost) and client certificates;
#     tls/other-ca.pem is a second CA that signs nothing the server shows.
#   * OceanBase seekdb (MySQL mode), the `seekdb` binary shipped inside the
#     PyPI package pylibseekdb: user root, empty password.
#
# Environment:
#   SHADOWSYNC_ENGINE_DIR     state directory (default /var/tmp/shadowsync-engines)
#   SHADOWSYNC_MARIADB_PORT   TCP port of MariaDB (default 33061)
#   SHADOWSYNC_MARIADB2_PORT  TCP port of the second, TLS-enabled MariaDB (default 33062)
#   SHADOWSYNC_SEEKDB_PORT    TCP port of seekdb  (default 2881)
#   SHADOWSYNC_MARIADB_TIMEOUT / SHADOWSYNC_SEEKDB_TIMEOUT  readiness waits in s
#                             (defaults 60 / 240)
#
# Progress goes to stderr; stdout carries only the export lines.
set -euo pipefail

STATE="${SHADOWSYNC_ENGINE_DIR:-/var/tmp/shadowsync-engines}"
MARIADB_PORT="${SHADOWSYNC_MARIADB_PORT:-33061}"
MARIADB2_PORT="${SHADOWSYNC_MARIADB2_PORT:-33062}"
SEEKDB_PORT="${SHADOWSYNC_SEEKDB_PORT:-2881}"
MARIADB_TIMEOUT="${SHADOWSYNC_MARIADB_TIMEOUT:-60}"
SEEKDB_TIMEOUT="${SHADOWSYNC_SEEKDB_TIMEOUT:-240}"

TLS_DIR="$STATE/tls"

# The MariaDB functions below work on the instance select_mariadb chose:
# 1 (port $MARIADB_PORT) or 2 (port $MARIADB2_PORT, TLS, more users).
select_mariadb() {
    MDB_INSTANCE="$1"
    case "$1" in
        1) MDB_DIR="$STATE/mariadb"; MDB_PORT="$MARIADB_PORT"; MDB_NAME=mariadb
           MDB_EXTRA=(--max-connections=500 --innodb-buffer-pool-size=256M
                      --innodb-log-file-size=64M) ;;
        2) MDB_DIR="$STATE/mariadb2"; MDB_PORT="$MARIADB2_PORT"; MDB_NAME=mariadb2
           MDB_EXTRA=(--max-connections=200 --innodb-buffer-pool-size=64M
                      --innodb-log-file-size=16M
                      --ssl-ca="$TLS_DIR/ca.pem" --ssl-cert="$TLS_DIR/server.pem"
                      --ssl-key="$TLS_DIR/server-key.pem"
                      --plugin-load-add=auth_ed25519) ;;
    esac
    MDB_DATA="$MDB_DIR/data"
    MDB_SOCK="$MDB_DIR/mysqld.sock"
    MDB_PID="$MDB_DIR/mysqld.pid"
    MDB_LOG="$MDB_DIR/err.log"
}
select_mariadb 1

SDB_BASE="$STATE/seekdb"
SDB_LOG="$STATE/seekdb.log"
SDB_PID="$STATE/seekdb.pid"

log() { printf '[engines] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

now() { date +%s; }

# Print the tail of a log file to stderr.
log_tail() {
    local f="$1" n="${2:-40}"
    if [[ -f "$f" ]]; then
        log "---- last $n lines of $f ----"
        tail -n "$n" "$f" >&2 || true
        log "---- end of $f ----"
    else
        log "(no log file $f)"
    fi
}

# True when the process exists and is not a zombie.
pid_alive() {
    local pid="$1" stat
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [[ "${stat:0:1}" != Z ]]
}

read_pid() {
    local f="$1"
    [[ -s "$f" ]] && tr -dc '0-9' <"$f" || true
}

# First process running program $1 (basename of /proc/PID/exe) whose command
# line contains $2 (NULs read as spaces); finds our own servers when the pid
# file is missing. Never matches by program name alone.
pid_with_cmdline() {
    local prog="$1" needle="$2" p cmd exe
    for p in /proc/[0-9]*; do
        exe=$(readlink "$p/exe" 2>/dev/null || true)
        [[ "${exe##*/}" == "$prog" ]] || continue
        cmd=$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null || true)
        if [[ "$cmd" == *"$needle"* ]]; then
            echo "${p#/proc/}"
            return 0
        fi
    done
    return 0
}

apt_updated=0
apt_install() {
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y -q --no-install-recommends "$@" >&2; then
        if [[ $apt_updated == 0 ]]; then
            apt-get update -q >&2
            apt_updated=1
        fi
        apt-get install -y -q --no-install-recommends "$@" >&2
    fi
}

need_root_or_sudo() {
    if [[ $(id -u) != 0 ]]; then
        die "installing packages needs root (run as root, or install $* yourself)"
    fi
}

# ---------------------------------------------------------------- MariaDB ---

mariadb_client_ok() { command -v mariadb >/dev/null 2>&1; }

ensure_mariadb_installed() {
    if command -v mariadbd >/dev/null 2>&1 && command -v mariadb-install-db >/dev/null 2>&1 \
        && mariadb_client_ok; then
        return 0
    fi
    need_root_or_sudo mariadb-server
    log "installing mariadb-server and mariadb-client via apt"
    # Keep the package's own service from being started where a policy allows
    # it: we run our own instance.
    apt_install mariadb-server mariadb-client
    command -v mariadbd >/dev/null 2>&1 || die "mariadbd still missing after apt-get install"
}

mdb_root() { # run the client as root over our unix socket
    mariadb --no-defaults -S "$MDB_SOCK" -uroot --batch --skip-column-names "$@"
}

mariadb_answers() {
    [[ -S "$MDB_SOCK" ]] && mdb_root -e 'select 1' >/dev/null 2>&1
}

mariadb_tcp_answers() {
    mariadb --no-defaults -h127.0.0.1 -P"$MDB_PORT" -ushadowsync -pshadowsync \
        --connect-timeout=3 -e 'select 1' >/dev/null 2>&1
}

mariadb_running_pid() {
    local pid
    pid=$(read_pid "$MDB_PID")
    if pid_alive "$pid"; then echo "$pid"; return 0; fi
    pid_with_cmdline mariadbd "--datadir=$MDB_DATA "
}

mariadb_init_db() {
    if [[ -f "$MDB_DATA/.shadowsync-initialized" ]]; then
        return 0
    fi
    log "$MDB_NAME: initialising data directory $MDB_DATA"
    rm -rf "$MDB_DATA"
    mkdir -p "$MDB_DATA"
    if ! mariadb-install-db --no-defaults --user=root --basedir=/usr \
        --datadir="$MDB_DATA" --auth-root-authentication-method=socket \
        --skip-test-db >"$MDB_DIR/install-db.log" 2>&1; then
        log_tail "$MDB_DIR/install-db.log"
        die "mariadb-install-db failed"
    fi
    touch "$MDB_DATA/.shadowsync-initialized"
}

mariadb_setup_user() {
    mdb_root <<'SQL'
CREATE USER IF NOT EXISTS 'shadowsync'@'127.0.0.1' IDENTIFIED BY 'shadowsync';
CREATE USER IF NOT EXISTS 'shadowsync'@'localhost' IDENTIFIED BY 'shadowsync';
ALTER USER 'shadowsync'@'127.0.0.1' IDENTIFIED BY 'shadowsync';
ALTER USER 'shadowsync'@'localhost' IDENTIFIED BY 'shadowsync';
GRANT ALL PRIVILEGES ON *.* TO 'shadowsync'@'127.0.0.1' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO 'shadowsync'@'localhost' WITH GRANT OPTION;
FLUSH PRIVILEGES;
SQL
}

# The throwaway CA, the server and client certificates it signs, and a
# second CA that signs nothing the server shows (for "wrong CA" tests), in
# $TLS_DIR; made only when missing. Sets TLS_FRESH=1 when it made them.
TLS_FRESH=0
ensure_tls_files() {
    local f missing=0
    for f in ca.pem ca-key.pem server.pem server-key.pem client.pem client-key.pem \
        other-ca.pem other-ca-key.pem; do
        [[ -s "$TLS_DIR/$f" ]] || missing=1
    done
    [[ $missing == 1 ]] || return 0
    command -v openssl >/dev/null 2>&1 || { need_root_or_sudo openssl; apt_install openssl; }
    log "tls: making a throwaway CA and certificates in $TLS_DIR"
    rm -rf "$TLS_DIR.tmp"
    mkdir -p "$TLS_DIR.tmp"
    (
        cd "$TLS_DIR.tmp"
        local ca
        for ca in ca other-ca; do
            openssl req -x509 -new -newkey rsa:2048 -nodes -days 3650 \
                -keyout "$ca-key.pem" -out "$ca.pem" -subj "/CN=shadowsync test $ca" \
                -addext "basicConstraints=critical,CA:TRUE" \
                -addext "keyUsage=critical,keyCertSign,cRLSign"
        done
        printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=digitalSignature,keyEncipherment" \
            "extendedKeyUsage=serverAuth" "subjectAltName=IP:127.0.0.1,DNS:localhost" >server.ext
        printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=digitalSignature,keyEncipherment" \
            "extendedKeyUsage=clientAuth" >client.ext
        local who
        for who in server client; do
            openssl req -new -newkey rsa:2048 -nodes -keyout "$who-key.pem" -out "$who.csr" \
                -subj "/CN=shadowsync test $who"
            openssl x509 -req -in "$who.csr" -CA ca.pem -CAkey ca-key.pem -CAcreateserial \
                -days 3650 -extfile "$who.ext" -out "$who.pem"
        done
        rm -f ./*.csr ./*.ext ./*.srl
    ) >"$STATE/tls-make.log" 2>&1 || { log_tail "$STATE/tls-make.log"; die "tls: openssl failed"; }
    rm -rf "$TLS_DIR"
    mv "$TLS_DIR.tmp" "$TLS_DIR"
    TLS_FRESH=1
}

# The second instance's own users (idempotent).
mariadb2_setup_users() {
    mdb_root <<'SQL'
CREATE USER IF NOT EXISTS 'ss_tls'@'127.0.0.1' IDENTIFIED BY 'tls-pw';
ALTER USER 'ss_tls'@'127.0.0.1' IDENTIFIED BY 'tls-pw' REQUIRE SSL;
CREATE USER IF NOT EXISTS 'ss_x509'@'127.0.0.1' IDENTIFIED BY 'x509-pw';
ALTER USER 'ss_x509'@'127.0.0.1' IDENTIFIED BY 'x509-pw' REQUIRE X509;
CREATE USER IF NOT EXISTS 'ss_ed25519'@'127.0.0.1' IDENTIFIED VIA ed25519 USING PASSWORD('ed25519-pw');
ALTER USER 'ss_ed25519'@'127.0.0.1' IDENTIFIED VIA ed25519 USING PASSWORD('ed25519-pw');
GRANT ALL PRIVILEGES ON *.* TO 'ss_tls'@'127.0.0.1';
GRANT ALL PRIVILEGES ON *.* TO 'ss_x509'@'127.0.0.1';
GRANT ALL PRIVILEGES ON *.* TO 'ss_ed25519'@'127.0.0.1';
FLUSH PRIVILEGES;
SQL
}

start_mariadb() {
    local t0 pid deadline
    t0=$(now)
    mkdir -p "$MDB_DIR"
    if mariadb_answers; then
        mariadb_tcp_answers || mariadb_setup_user
        if [[ "$MDB_INSTANCE" == 2 ]]; then
            # Certificates made anew (the directory was removed) reach the
            # running server without a restart.
            [[ "$TLS_FRESH" == 1 ]] && mdb_root -e 'FLUSH SSL'
            mariadb2_setup_users
        fi
        log "$MDB_NAME: already running (reused)"
        return 0
    fi
    ensure_mariadb_installed
    pid=$(mariadb_running_pid)
    if [[ -n "$pid" ]]; then
        log "$MDB_NAME: process $pid exists, waiting for it"
        deadline=$(( $(now) + MARIADB_TIMEOUT ))
        while pid_alive "$pid" && ! mariadb_answers && (( $(now) < deadline )); do
            sleep 0.3
        done
        if ! mariadb_answers; then
            pid_alive "$pid" && die "$MDB_NAME: process $pid does not answer on $MDB_SOCK (stop it first)"
            log "$MDB_NAME: process $pid went away, starting a new one"
            pid=""
        fi
    fi
    if [[ -z "$pid" ]]; then
        mariadb_init_db
        rm -f "$MDB_SOCK" "$MDB_SOCK.lock"
        log "$MDB_NAME: starting on 127.0.0.1:$MDB_PORT"
        # --no-defaults: ignore /etc/mysql/*.cnf (system instance settings).
        nohup setsid mariadbd --no-defaults --user=root --basedir=/usr \
            --datadir="$MDB_DATA" --socket="$MDB_SOCK" --pid-file="$MDB_PID" \
            --port="$MDB_PORT" --bind-address=127.0.0.1 \
            --log-error="$MDB_LOG" --skip-name-resolve \
            --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
            --innodb-flush-log-at-trx-commit=2 "${MDB_EXTRA[@]}" \
            </dev/null >>"$MDB_LOG" 2>&1 &
        pid=$!
        echo "$pid" >"$MDB_PID.launcher"
    fi
    deadline=$(( $(now) + MARIADB_TIMEOUT ))
    until mariadb_answers; do
        if ! pid_alive "$pid"; then
            log_tail "$MDB_LOG"
            die "mariadbd exited before becoming ready"
        fi
        if (( $(now) >= deadline )); then
            log_tail "$MDB_LOG"
            die "mariadbd not ready after ${MARIADB_TIMEOUT}s"
        fi
        sleep 0.3
    done
    mariadb_setup_user
    [[ "$MDB_INSTANCE" == 2 ]] && mariadb2_setup_users
    mariadb_tcp_answers || { log_tail "$MDB_LOG"; die "$MDB_NAME: TCP login as shadowsync fails"; }
    log "$MDB_NAME: ready in $(( $(now) - t0 ))s"
}

stop_mariadb() {
    local pid i
    pid=$(mariadb_running_pid)
    if [[ -z "$pid" ]]; then
        log "$MDB_NAME: not running"
        return 0
    fi
    log "$MDB_NAME: stopping pid $pid"
    mdb_root -e 'shutdown' >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
    for ((i = 0; i < 600; i++)); do
        pid_alive "$pid" || break
        sleep 0.1
    done
    if pid_alive "$pid"; then
        log "$MDB_NAME: still alive after 60s, killing"
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$MDB_PID.launcher"
}

# ----------------------------------------------------------------- seekdb ---

SEEKDB_BIN=""

python_bin() {
    if command -v python3 >/dev/null 2>&1; then echo python3; else echo python; fi
}

seekdb_pkg_dir() {
    "$(python_bin)" -c 'import pylibseekdb, os; print(os.path.dirname(pylibseekdb.__file__))' 2>/dev/null
}

ensure_seekdb_installed() {
    local py dir
    py=$(python_bin)
    command -v "$py" >/dev/null 2>&1 || { need_root_or_sudo python3; apt_install python3 python3-pip; py=python3; }
    if ! dir=$(seekdb_pkg_dir) || [[ -z "$dir" ]]; then
        log "installing pylibseekdb via pip"
        if ! "$py" -m pip --version >/dev/null 2>&1; then
            need_root_or_sudo python3-pip
            apt_install python3-pip
        fi
        "$py" -m pip install -q pylibseekdb >&2 \
            || "$py" -m pip install -q --break-system-packages pylibseekdb >&2
        dir=$(seekdb_pkg_dir) || die "pylibseekdb still not importable after pip install"
    fi
    # The server binary ships as pylibseekdb/seekdb; fall back to a search of
    # the package directory in case a later release moves it.
    if [[ -x "$dir/seekdb" && -f "$dir/seekdb" ]]; then
        SEEKDB_BIN="$dir/seekdb"
    elif [[ -f "$dir/seekdb" ]]; then
        chmod +x "$dir/seekdb" 2>/dev/null || true
        SEEKDB_BIN="$dir/seekdb"
    else
        SEEKDB_BIN=$(find "$dir" "$(dirname "$dir")/pylibseekdb"* -maxdepth 3 -type f \
            \( -name seekdb -o -name observer \) -perm -u+x 2>/dev/null | head -n1 || true)
    fi
    [[ -n "$SEEKDB_BIN" && -x "$SEEKDB_BIN" ]] || die "no seekdb server binary found in $dir"
}

seekdb_answers() {
    mariadb --no-defaults -h127.0.0.1 -P"$SEEKDB_PORT" -uroot --connect-timeout=3 \
        -e 'select 1' >/dev/null 2>&1
}

seekdb_running_pid() {
    local pid
    pid=$(read_pid "$SDB_PID")
    if pid_alive "$pid"; then echo "$pid"; return 0; fi
    pid_with_cmdline seekdb "--base-dir $SDB_BASE "
}

# Launch seekdb on $SDB_BASE and wait until it answers. Returns 0 when ready,
# 1 when the process died, 2 on timeout (process left running).
seekdb_launch_and_wait() {
    local pid="${1:-}" deadline
    if [[ -z "$pid" ]]; then
        mkdir -p "$SDB_BASE"
        log "seekdb: starting $SEEKDB_BIN on 127.0.0.1:$SEEKDB_PORT"
        {
            echo "=== $(date -Is) starting seekdb"
        } >>"$SDB_LOG"
        # seekdb writes files relative to its working dir, so run it from there.
        (cd "$SDB_BASE" && exec nohup setsid "$SEEKDB_BIN" --nodaemon --port "$SEEKDB_PORT" \
            --base-dir "$SDB_BASE" \
            --parameter datafile_size=2G --parameter log_disk_size=2G \
            --parameter memory_limit=6G \
            </dev/null >>"$SDB_LOG" 2>&1) &
        pid=$!
        echo "$pid" >"$SDB_PID"
    fi
    deadline=$(( $(now) + SEEKDB_TIMEOUT ))
    until seekdb_answers; do
        pid_alive "$pid" || return 1
        (( $(now) < deadline )) || return 2
        sleep 1
    done
    return 0
}

seekdb_kill() {
    local pid="$1" i
    [[ -n "$pid" ]] || return 0
    kill "$pid" 2>/dev/null || true
    for ((i = 0; i < 600; i++)); do
        pid_alive "$pid" || return 0
        sleep 0.1
    done
    log "seekdb: pid $pid still alive after 60s, killing"
    kill -9 "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
        pid_alive "$pid" || return 0
        sleep 0.1
    done
}

start_seekdb() {
    local t0 pid rc fresh
    t0=$(now)
    mkdir -p "$STATE"
    if seekdb_answers; then
        log "seekdb: already answering on port $SEEKDB_PORT (reused)"
        return 0
    fi
    ensure_seekdb_installed
    pid=$(seekdb_running_pid)
    if [[ -n "$pid" ]]; then
        log "seekdb: process $pid exists, waiting for it"
        rc=0
        seekdb_launch_and_wait "$pid" || rc=$?
        case $rc in
            0) log "seekdb: ready in $(( $(now) - t0 ))s"; return 0 ;;
            1) log "seekdb: process $pid went away, starting a new one"; pid="" ;;
            *) log_tail "$SDB_LOG"; die "seekdb: process $pid does not answer on port $SEEKDB_PORT (stop it first)" ;;
        esac
    fi
    fresh=1
    [[ -d "$SDB_BASE" && -n "$(ls -A "$SDB_BASE" 2>/dev/null)" ]] && fresh=0
    rc=0
    seekdb_launch_and_wait "$pid" || rc=$?
    if [[ $rc != 0 && $fresh == 0 ]]; then
        log_tail "$SDB_LOG" 20
        log "seekdb: restart on existing $SDB_BASE failed (rc=$rc); wiping it and starting fresh"
        seekdb_kill "$(seekdb_running_pid)"
        if [[ -f "$SDB_BASE/log/seekdb.log" ]]; then
            tail -n 2000 "$SDB_BASE/log/seekdb.log" >"$STATE/seekdb-failed-restart.log" || true
            log "seekdb: its server log tail is kept in $STATE/seekdb-failed-restart.log"
        fi
        rm -rf "$SDB_BASE"
        rc=0
        seekdb_launch_and_wait "" || rc=$?
    fi
    if [[ $rc != 0 ]]; then
        log_tail "$SDB_LOG"
        [[ -f "$SDB_BASE/log/seekdb.log" ]] && log_tail "$SDB_BASE/log/seekdb.log" 30
        if [[ $rc == 1 ]]; then die "seekdb exited before becoming ready"; fi
        die "seekdb not ready after ${SEEKDB_TIMEOUT}s"
    fi
    log "seekdb: ready in $(( $(now) - t0 ))s"
}

stop_seekdb() {
    local pid
    pid=$(seekdb_running_pid)
    if [[ -z "$pid" ]]; then
        if seekdb_answers; then
            log "seekdb: something answers on port $SEEKDB_PORT but it was not started from $STATE; left alone"
        else
            log "seekdb: not running"
        fi
        return 0
    fi
    log "seekdb: stopping pid $pid"
    seekdb_kill "$pid"
    rm -f "$SDB_PID"
}

# ------------------------------------------------------------------- main ---

print_env() {
    echo "export SHADOWSYNC_MARIADB_URL=mysql://shadowsync:shadowsync@127.0.0.1:${MARIADB_PORT}/"
    echo "export SHADOWSYNC_SEEKDB_URL=mysql://root@127.0.0.1:${SEEKDB_PORT}/"
    echo "export SHADOWSYNC_MARIADB2_URL=mysql://shadowsync:shadowsync@127.0.0.1:${MARIADB2_PORT}/"
    echo "export SHADOWSYNC_TLS_DIR=${TLS_DIR}"
}

status() {
    local pid rc=0 instance
    for instance in 1 2; do
        select_mariadb "$instance"
        if mariadb_answers || mariadb_tcp_answers; then
            pid=$(mariadb_running_pid)
            echo "$MDB_NAME: running (pid ${pid:-?}, 127.0.0.1:$MDB_PORT, socket $MDB_SOCK)"
        else
            pid=$(mariadb_running_pid)
            if [[ -n "$pid" ]]; then
                echo "$MDB_NAME: process $pid exists but does not answer"
            else
                echo "$MDB_NAME: stopped"
            fi
            rc=1
        fi
    done
    if seekdb_answers; then
        pid=$(seekdb_running_pid)
        echo "seekdb: running (pid ${pid:-?}, 127.0.0.1:$SEEKDB_PORT, base dir $SDB_BASE)"
    else
        pid=$(seekdb_running_pid)
        if [[ -n "$pid" ]]; then
            echo "seekdb: process $pid exists but does not answer (starting?)"
        else
            echo "seekdb: stopped"
        fi
        rc=1
    fi
    return $rc
}

main() {
    local cmd="${1:-}" only="${2:-}"
    case "$only" in
        ""|mariadb|mariadb2|seekdb) ;;
        *) echo "usage: $0 start|stop [mariadb|mariadb2|seekdb]" >&2; exit 2 ;;
    esac
    case "$cmd" in
        start)
            mkdir -p "$STATE"
            if [[ -z "$only" || "$only" == mariadb ]]; then
                select_mariadb 1; start_mariadb
            fi
            if [[ -z "$only" || "$only" == mariadb2 ]]; then
                ensure_tls_files; select_mariadb 2; start_mariadb
            fi
            if [[ -z "$only" || "$only" == seekdb ]]; then start_seekdb; fi
            print_env >"$STATE/env.sh"
            print_env
            ;;
        stop)
            if [[ -z "$only" || "$only" == seekdb ]]; then stop_seekdb; fi
            if [[ -z "$only" || "$only" == mariadb2 ]]; then select_mariadb 2; stop_mariadb; fi
            if [[ -z "$only" || "$only" == mariadb ]]; then select_mariadb 1; stop_mariadb; fi
            ;;
        status)
            status
            ;;
        env)
            print_env
            ;;
        *)
            echo "usage: $0 start|stop [mariadb|mariadb2|seekdb] | status | env" >&2
            exit 2
            ;;
    esac
}

main "$@"
