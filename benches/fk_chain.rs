//! Planning the shadows of an 800-table foreign-key chain (issue 12).
//!
//!     cargo bench --bench fk_chain
//!
//! `t0 ← t1 ← … ← t799`: each table references the one before it, and no
//! shadow exists yet, so every shadow is created, parents first. The tables
//! are listed children first and their names sort unlike the chain (`t10`
//! before `t2`), so the order comes from the one topological sort
//! ([`shadowsync::core::topo::dependencies_first`]) alone. Timed: the pure
//! analysis of an in-memory snapshot and its freezing into a task plan,
//! what `shadowsync plan` and `sync` do between reading and running.

#[path = "support/snapshot.rs"]
mod snapshot;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput};
use shadowsync::core::analysis::{analyze_snapshot, AnalysisRequest, SchemaSnapshot, Selection};
use shadowsync::core::shadow::{NamingRule, ShadowPolicy};
use shadowsync::core::statement::StatementKind;

/// Tables in the chain.
const TABLES: usize = 800;

fn request() -> AnalysisRequest {
    AnalysisRequest {
        rule: NamingRule::prefix("__").expect("a valid prefix"),
        selection: Selection::All,
        skip: Vec::new(),
        policy: ShadowPolicy::default(),
        adopt: Vec::new(),
    }
}

/// `t0` … `t{n-1}`, each but `t0` with a foreign key to the one before,
/// listed last table first; no shadows.
fn chain(n: usize) -> SchemaSnapshot {
    let mut tables = Vec::new();
    for i in (0..n).rev() {
        let name = format!("t{i}");
        let fk = if i > 0 {
            format!(
                ",\n  KEY `p` (`p`),\n  CONSTRAINT `fk_{name}` FOREIGN KEY (`p`) REFERENCES `t{}` (`id`)",
                i - 1
            )
        } else {
            String::new()
        };
        let text = format!(
            "CREATE TABLE `{name}` (\n  `id` bigint(20) unsigned NOT NULL AUTO_INCREMENT,\n  \
             `p` bigint(20) unsigned DEFAULT NULL,\n  `status` varchar(32) NOT NULL DEFAULT 'new',\n  \
             PRIMARY KEY (`id`){fk}\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci"
        );
        tables.push((name, text));
    }
    snapshot::mariadb_snapshot(tables)
}

fn bench(c: &mut Criterion) {
    let snapshot = chain(TABLES);
    let req = request();
    // The plan creates every shadow, parents first, each in one statement.
    let plan = analyze_snapshot(&snapshot, &req).freeze("bench");
    let order: Vec<&str> = plan.tables.iter().map(|t| t.source.as_str()).collect();
    let expected: Vec<String> = (0..TABLES).map(|i| format!("t{i}")).collect();
    assert_eq!(order, expected, "parents first");
    for table in &plan.tables {
        assert!(
            matches!(table.kinds[..], [StatementKind::CreateTable { .. }]),
            "{}: {:?}",
            table.source,
            table.statements
        );
    }

    let mut group = c.benchmark_group("fk chain");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5));
    group.throughput(Throughput::Elements(TABLES as u64));
    group.bench_function("plan 800 creates", |b| {
        b.iter(|| black_box(analyze_snapshot(black_box(&snapshot), &req).freeze("bench")))
    });
    group.finish();
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    bench(&mut criterion);
    criterion.final_summary();
}
