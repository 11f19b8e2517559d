//! libFuzzer target: arbitrary bytes → `parse_tables` → render / re-parse /
//! `diff_tables` / `diff_schemas` (see `shadowsync_fuzz::check`). Must never panic.
//!
//!     cargo +nightly fuzz run parse_diff -- -dict=fuzz/parse_diff.dict

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| shadowsync_fuzz::check(data));
