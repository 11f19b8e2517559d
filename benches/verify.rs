//! Verify and plan cost against the number of tables (issue 11).
//!
//!     cargo bench --bench verify
//!
//! Verify is the check after a task ran that every shadow now equals its
//! source: [`ShadowInspector::remaining_changes_of_all`] over every applied
//! table, on one snapshot of the schema. It is timed for 300, 1,000 and
//! 3,000 tables whose shadows are all in step, each source with a foreign
//! key to the one before it (so the parents' shadows matter); the 300-table
//! point is the baseline, and the time per table must stay flat (3,000
//! tables about 10 times the 300-table time, not 100).
//!
//! A second group times the pure analysis that `plan` runs, on the same
//! sources with no shadows yet (every shadow created, parents first).
//!
//! The executor is an in-memory fake, so only client CPU is measured.

#[path = "support/snapshot.rs"]
mod snapshot;

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput};
use shadowsync::core::analysis::{
    analyze_snapshot, AnalysisRequest, SchemaSnapshot, Selection, ShadowInspector,
};
use shadowsync::core::plan::PlannedTable;
use shadowsync::core::shadow::NamingRule;
use shadowsync::core::shadow::ShadowPolicy;
use shadowsync::core::task::SchemaInspector;
use shadowsync::core::{Executor, Relation, RelationKind, Result, ServerInfo};

/// A read-only server holding one snapshot.
struct FakeServer(SchemaSnapshot);

impl Executor for FakeServer {
    fn server_info(&mut self) -> Result<ServerInfo> {
        Ok(self.0.server.clone())
    }
    fn list_relations(&mut self) -> Result<Vec<Relation>> {
        Ok(self.0.relations.clone())
    }
    fn show_create_tables(&mut self, names: &[String]) -> Result<Vec<Option<String>>> {
        Ok(names.iter().map(|n| self.0.ddl.get(n).cloned()).collect())
    }
    fn execute(&mut self, _: &str) -> Result<()> {
        Err(shadowsync::core::Error::Executor("read-only".into()))
    }
}

fn request() -> AnalysisRequest {
    AnalysisRequest {
        rule: NamingRule::prefix("__").expect("a valid prefix"),
        selection: Selection::All,
        skip: Vec::new(),
        policy: ShadowPolicy::default(),
        adopt: Vec::new(),
    }
}

/// `n` source tables `t_00001` …, each but the first with a foreign key to
/// the one before, and no shadows.
fn sources(n: usize) -> SchemaSnapshot {
    let mut tables = Vec::new();
    for i in 1..=n {
        let name = format!("t_{i:05}");
        let fk = if i > 1 {
            format!(
                ",\n  KEY `p` (`p`),\n  CONSTRAINT `fk_{name}` FOREIGN KEY (`p`) REFERENCES `t_{:05}` (`id`)",
                i - 1
            )
        } else {
            String::new()
        };
        let text = format!(
            "CREATE TABLE `{name}` (\n  `id` bigint(20) unsigned NOT NULL AUTO_INCREMENT,\n  \
             `p` bigint(20) unsigned DEFAULT NULL,\n  `status` varchar(32) NOT NULL DEFAULT 'new',\n  \
             `amount` decimal(12,2) NOT NULL DEFAULT 0.00,\n  \
             `created_at` datetime NOT NULL DEFAULT current_timestamp(),\n  \
             PRIMARY KEY (`id`){fk},\n  CONSTRAINT `chk_{name}` CHECK (`amount` >= 0)\n) \
             ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci"
        );
        tables.push((name, text));
    }
    snapshot::mariadb_snapshot(tables)
}

/// The plan for `before` and the schema after it ran: every shadow created
/// by its plan statement (taken as the server's `SHOW CREATE TABLE`).
fn after_the_run(before: &SchemaSnapshot) -> (Vec<PlannedTable>, SchemaSnapshot) {
    let plan = analyze_snapshot(before, &request()).freeze("bench");
    let mut after = before.clone();
    for table in &plan.tables {
        assert_eq!(table.statements.len(), 1, "one CREATE per table");
        after.relations.push(Relation {
            name: table.shadow.clone(),
            kind: RelationKind::Table,
        });
        after
            .ddl
            .insert(table.shadow.clone(), table.statements[0].clone());
    }
    (plan.tables, after)
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    let sizes = [300, 1_000, 3_000];
    let cases: Vec<(usize, SchemaSnapshot, Vec<PlannedTable>, SchemaSnapshot)> = sizes
        .iter()
        .map(|&n| {
            let before = sources(n);
            let (tables, after) = after_the_run(&before);
            (n, before, tables, after)
        })
        .collect();

    let mut group = c.benchmark_group("verify");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5));
    for (n, _, tables, after) in &cases {
        let plan = analyze_snapshot(&sources(*n), &request()).freeze("bench");
        let mut inspector = ShadowInspector::for_plan(&plan).expect("inspector");
        let mut server = FakeServer(after.clone());
        // Sanity: every shadow verifies.
        for (table, remaining) in tables
            .iter()
            .zip(inspector.remaining_changes_of_all(&mut server, tables))
        {
            assert_eq!(remaining, Ok(Vec::new()), "{}", table.source);
        }
        group.throughput(Throughput::Elements(*n as u64));
        group.bench_with_input(BenchmarkId::new("tables", n), tables, |b, tables| {
            b.iter(|| black_box(inspector.remaining_changes_of_all(&mut server, tables)))
        });
    }
    group.finish();

    let mut group = c.benchmark_group("plan (all created)");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5));
    for (n, before, _, _) in &cases {
        let req = request();
        group.throughput(Throughput::Elements(*n as u64));
        group.bench_with_input(BenchmarkId::new("tables", n), before, |b, before| {
            b.iter(|| black_box(analyze_snapshot(before, &req)))
        });
    }
    group.finish();
    c.final_summary();
}
