#!/usr/bin/env bash
# Tests of the C and Python bindings, on a fresh machine too:
#   1. builds shadowsync-ffi and runs its Rust tests, among them the check
#      that the committed include/shadowsync.h is what cbindgen generates
#      (the build never rewrites it: scripts/regen_header.sh does, on purpose);
#   2. compiles examples/c (sync_example and parity) against the header and
#      runs sync_example under valgrind against MariaDB, which runs parity
#      under valgrind too and compares its output with the library's (no
#      leak, no memory error);
#   3. checks that the Python package's typed results are generated from the
#      current views (the Rust test shadowsync-py/views/describe.rs, then
#      views/generate.py --check), builds the package (maturin) as a wheel and
#      installs it into a virtualenv kept in the Cargo target directory
#      (created on first run, with maturin, pytest, mypy, PyMySQL and its
#      type stubs from PyPI);
#   4. mypy --strict on the package, the examples, the generator and the
#      tests, stubtest on the native module's stubs, the example script, and
#      the pytest suite on MariaDB and seekdb.
# Called by scripts/test.sh; runs on its own too (starting the engines when
# their URLs are not set).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/shadowsync-target}"
# Not this machine's own shadowsync settings (see scripts/test.sh).
XDG_CONFIG_HOME="$(mktemp -d)"
export XDG_CONFIG_HOME
unset SHADOWSYNC_CONFIG SHADOWSYNC_PROFILE SHADOWSYNC_URL SHADOWSYNC_PASSWORD SHADOWSYNC_STORE
export CARGO_TERM_COLOR=never
START=$SECONDS
LAST=$SECONDS
step() {
    echo "== bindings: $* (+$((SECONDS - LAST)) s, $((SECONDS - START)) s total)"
    LAST=$SECONDS
}

step "engines"
if [[ -z "${SHADOWSYNC_MARIADB_URL:-}" || -z "${SHADOWSYNC_SEEKDB_URL:-}" ]]; then
    eval "$(scripts/engines.sh start)"
fi

step "tools"
missing=()
for tool in cc make valgrind; do
    command -v "$tool" >/dev/null || missing+=("$tool")
done
if ((${#missing[@]})); then
    packages=()
    for tool in "${missing[@]}"; do
        case $tool in
            cc) packages+=(gcc libc6-dev) ;;
            *) packages+=("$tool") ;;
        esac
    done
    echo "installing ${packages[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
fi
PYTHON=${PYTHON:-python3}
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
    { echo "CPython >= 3.11 is needed ($PYTHON is $("$PYTHON" --version))" >&2; exit 1; }

step "C ABI: build, Rust tests, header freshness"
cargo build -p shadowsync-ffi --quiet
# The CLI too (as the test suite builds it, hooks in, so nothing rebuilds):
# the cross-front-end parity test (pytest) runs it beside C and Python.
cargo build -p shadowsync-cli --features test-hooks --quiet
# A stale committed header fails committed_header_is_current, which prints
# the difference and the command that regenerates it (scripts/regen_header.sh).
cargo test -p shadowsync-ffi --quiet

step "C example under valgrind (MariaDB)"
make -s -C examples/c valgrind CARGO_TARGET_DIR="$CARGO_TARGET_DIR"

step "Python: the typed results are generated from the current views"
cargo test -p shadowsync-py --test views --quiet
"$PYTHON" shadowsync-py/views/generate.py --check

step "Python: virtualenv, wheel, install"
VENV="$CARGO_TARGET_DIR/shadowsync-py-venv"
if [[ ! -x "$VENV/bin/python" ]]; then
    "$PYTHON" -m venv "$VENV"
fi
PY="$VENV/bin/python"
if ! "$PY" -c 'import maturin, pytest, mypy, pymysql' 2>/dev/null ||
    ! "$PY" -m pip show --quiet types-PyMySQL >/dev/null 2>&1; then
    "$PY" -m pip install --quiet --disable-pip-version-check "maturin>=1.16,<2" pytest mypy PyMySQL types-PyMySQL
fi
WHEELS="$CARGO_TARGET_DIR/shadowsync-py-wheels"
rm -rf "$WHEELS"
"$VENV/bin/maturin" build --quiet --manifest-path shadowsync-py/Cargo.toml --compatibility linux --out "$WHEELS"
"$PY" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps "$WHEELS"/shadowsync-*.whl

# Run from outside the source tree so that `import shadowsync` is the
# installed wheel (its .pyi stubs and py.typed included), not the sources.
cd "$CARGO_TARGET_DIR"

step "Python: mypy --strict, stubtest"
"$PY" -m mypy --strict --no-incremental -p shadowsync
"$PY" -m mypy --strict --no-incremental "$ROOT/shadowsync-py/examples" "$ROOT/shadowsync-py/views/generate.py" "$ROOT/shadowsync-py/tests"
"$PY" -m mypy.stubtest shadowsync._native

step "Python: example script (MariaDB)"
"$PY" "$ROOT/shadowsync-py/examples/sync_example.py" >/dev/null

step "Python: pytest (MariaDB and seekdb)"
"$PY" -m pytest -p no:cacheprovider -q --rootdir "$ROOT/shadowsync-py" "$ROOT/shadowsync-py/tests"

step "done"
