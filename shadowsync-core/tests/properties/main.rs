//! Property tests for the text → model → text pipeline of shadowsync-core.
//!
//! A strategy builds random but realistic [`Table`] models: many column types
//! (ENUM/SET members with quotes, DECIMAL, VARCHAR with charset and
//! collation), defaults of every kind, generated columns, indexes of every
//! kind, foreign keys, CHECKs, table options and RANGE/LIST/HASH/KEY
//! partitioning, with identifiers that are reserved words or contain
//! backticks, quotes, spaces and non-ASCII text.
//!
//! Properties:
//! - (a) `parse(render(t)) == t` and rendering the result again gives the same bytes;
//! - (b) `diff_tables(t, t)` is empty;
//! - (c) `diff_tables(t, parse(render(t)))` is empty, also for models that are not
//!   exactly what the parser produces (they must still render faithfully);
//! - (d) the parser (and render/diff on what it accepts) never panics, on
//!   arbitrary text, on token soup and on mutations of rendered DDL;
//! - and: normalizing is idempotent, the normalized form renders to DDL that
//!   means the same table, and the diff sees an added column.
//!
//! Case counts keep the file fast in a debug build; set `PROPTEST_CASES` to
//! run every property with more cases (`PROPTEST_CASES=5000 cargo test -p
//! shadowsync-core --test properties`).
//!
//! The strategies live in [`idents`], [`columns`], [`keys`], [`options`]
//! and [`tables`]; the properties in [`round_trip`] and [`no_panic`]. Bugs
//! these properties found in core have their own minimal test in
//! [`regressions`] (`regression_*`); a new one goes there as `bug_*`,
//! failing until core is fixed.

use proptest::prelude::*;
use proptest::test_runner::Config;
use shadowsync_core::diff::DiffOptions;
use shadowsync_core::*;

mod columns;
mod idents;
mod keys;
mod no_panic;
mod options;
mod regressions;
mod round_trip;
mod tables;

/// `cases` unless `PROPTEST_CASES` says otherwise; no regression files are written.
pub(crate) fn config(cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

pub(crate) const FLAVORS: [Flavor; 3] = [Flavor::Mysql, Flavor::Mariadb, Flavor::Oceanbase];

pub(crate) fn opts(flavor: Flavor) -> DiffOptions {
    DiffOptions {
        flavor,
        ..DiffOptions::default()
    }
}

/// `Some` from `s` with probability `p` (which may be 0, unlike `prop::option::weighted`).
pub(crate) fn maybe<S>(p: f64, s: S) -> BoxedStrategy<Option<S::Value>>
where
    S: Strategy + 'static,
    S::Value: Clone,
{
    if p <= 0.0 {
        Just(None).boxed()
    } else {
        prop::option::weighted(p, s).boxed()
    }
}

/// `true` with probability `p` (which may be 0).
pub(crate) fn chance(p: f64) -> BoxedStrategy<bool> {
    if p <= 0.0 {
        Just(false).boxed()
    } else {
        prop::bool::weighted(p).boxed()
    }
}

/// Whether the random models may contain shapes that only parse as written
/// (`Strict`), or any shape that must render to equivalent DDL (`Loose`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Exactly what `parse_table` produces: render → parse gives the same model.
    Strict,
    /// Also shapes the parser never produces (`ASC` together with `DESC`,
    /// `STORED` without `storage_written`, `update_first` without ON UPDATE,
    /// `USING` position without `USING`, …): render → parse must give an
    /// equivalent model.
    Loose,
}
