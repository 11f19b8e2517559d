# Sourced by the benchmark scripts that time the CLI (after they define
# `log`): `now_ms`, and BIN, the release build of `shadowsync`, built first
# unless BENCH_NO_BUILD=1 (in CARGO_TARGET_DIR, else target/).
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
TARGET="${CARGO_TARGET_DIR:-target}"
if [[ "${BENCH_NO_BUILD:-0}" != 1 ]]; then
    log "building shadowsync (release)"
    cargo build --release --quiet -p shadowsync-cli --bin shadowsync
fi
BIN="$TARGET/release/shadowsync"
