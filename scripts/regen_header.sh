#!/usr/bin/env bash
# Regenerates the committed C header include/shadowsync.h from the Rust
# source of shadowsync-ffi (cbindgen, see shadowsync-ffi/build.rs). The build
# itself never writes into the source tree: it generates the header into
# Cargo's OUT_DIR, and the test committed_header_is_current fails, showing the
# difference, while the committed header is stale. This script runs that test
# with SHADOWSYNC_REGEN_HEADER=1, which makes it write the committed header;
# then commit the result.
#
#   scripts/regen_header.sh        (honours CARGO_TARGET_DIR)
set -euo pipefail
cd "$(dirname "$0")/.."
SHADOWSYNC_REGEN_HEADER=1 cargo test -p shadowsync-ffi --quiet --lib -- \
    --exact header_tests::committed_header_is_current
git --no-pager diff --stat -- include/shadowsync.h 2>/dev/null || true
