//! libFuzzer target: arbitrary bytes → `parse_tables` → render / re-parse /
//! `diff_tables` / `diff_schemas` (see `shadowsync_fuzz::check`). Must never panic.
//!
//!     cargo fuzz run -s none parse_diff -- -dict=fuzz/parse_diff.dict    # stable
//!     cargo +nightly fuzz run parse_diff -- -dict=fuzz/parse_diff.dict   # with ASan
//!
//! (see `fuzz/Cargo.toml` for seeding the corpus with the fixtures).

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| shadowsync_fuzz::check(data));
