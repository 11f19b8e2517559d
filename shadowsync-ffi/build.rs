//! Generates the C header with cbindgen.
//!
//! The header is always written to `$OUT_DIR/shadowsync.h`, which the
//! `committed_header_is_current` test compares with the committed
//! `include/shadowsync.h`. Outside CI (no `CI` variable) the committed header
//! is also rewritten when it differs, so a developer's build keeps it fresh;
//! in CI nothing in the source tree is touched and a stale header fails the
//! test.

use std::env;
use std::path::PathBuf;

fn main() {
    let crate_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR"));
    let committed = crate_dir.join("../include/shadowsync.h");
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed={}", committed.display());
    println!("cargo:rerun-if-env-changed=CI");

    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("shadowsync-ffi/cbindgen.toml is readable and valid");
    let bindings = cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen can generate the header");
    bindings.write_to_file(out_dir.join("shadowsync.h"));
    if env::var_os("CI").is_none() {
        bindings.write_to_file(committed);
    }
}
