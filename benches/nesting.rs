//! Parse + diff cost against the parenthesis nesting of an expression
//! (issue 11).
//!
//!     cargo bench --bench nesting
//!
//! One table whose CHECK nests `levels` parentheses around `a > 0`,
//! against the same table with one level more (the shadow side as a server
//! may reprint it), so the diff has to compare the two expressions beyond
//! their text. Timed at 100, 300 and the parser's nesting limit
//! ([`MAX_NESTING`], 1,000): the time per level must stay flat. Deeper
//! input is refused by the parser; the refusal is timed at 10,000 and
//! 100,000 levels and must cost about one reading of the text (ten times
//! the text, ten times the time; well under a second).

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput};
use shadowsync::core::diff::{diff_tables, DiffOptions};
use shadowsync::core::parse::{parse_table, MAX_NESTING};
use shadowsync::core::Flavor;

/// `CREATE TABLE t` with a CHECK nesting `levels` parentheses (the CHECK's
/// own included).
fn nested(levels: usize) -> String {
    let inner = levels.saturating_sub(1);
    format!(
        "CREATE TABLE `t` (\n  `a` int DEFAULT NULL,\n  CONSTRAINT `c` CHECK ({}`a` > 0{})\n) ENGINE=InnoDB",
        "(".repeat(inner),
        ")".repeat(inner)
    )
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    let opts = DiffOptions {
        flavor: Flavor::Mariadb,
        ..DiffOptions::default()
    };
    let mut group = c.benchmark_group("nesting parse+diff");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(3));
    for levels in [100, 300, MAX_NESTING - 1] {
        let (from, to) = (nested(levels), nested(levels + 1));
        let diff = |from: &str, to: &str| {
            let from = parse_table(from).expect("parses");
            let to = parse_table(to).expect("parses");
            diff_tables(&from, &to, &opts).expect("diff")
        };
        assert!(diff(&from, &to).is_empty(), "the same CHECK");
        group.throughput(Throughput::Elements(levels as u64));
        group.bench_function(BenchmarkId::new("levels", levels), |b| {
            b.iter(|| black_box(diff(&from, &to)))
        });
    }
    for levels in [10_000, 100_000] {
        let deep = nested(levels);
        let refusal = parse_table(&deep).expect_err("refused");
        eprintln!("{levels} levels: {refusal}");
        group.throughput(Throughput::Elements(levels as u64));
        group.bench_function(BenchmarkId::new("refused", levels), |b| {
            b.iter(|| black_box(parse_table(&deep).is_err()))
        });
    }
    group.finish();
    c.final_summary();
}
