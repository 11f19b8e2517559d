//! Generates the C header with cbindgen, into `$OUT_DIR/shadowsync.h` only:
//! the build never touches the source tree.
//!
//! The `committed_header_is_current` test compares that file with the
//! committed `include/shadowsync.h` and, when they differ, prints the
//! difference and the command that regenerates the committed header on
//! purpose: `scripts/regen_header.sh` (which runs that test with
//! `SHADOWSYNC_REGEN_HEADER=1`, the one way the committed header is
//! written).

use std::env;
use std::path::PathBuf;

fn main() {
    let crate_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR"));
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");

    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("shadowsync-ffi/cbindgen.toml is readable and valid");
    let bindings = cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen can generate the header");
    bindings.write_to_file(out_dir.join("shadowsync.h"));
}
