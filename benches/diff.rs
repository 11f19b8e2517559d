//! Parse + diff throughput on 10,000 table pairs in MariaDB `SHOW CREATE
//! TABLE` style (about 700 bytes, 8–12 columns, 2–4 indexes, some foreign keys
//! and CHECKs each; a third of the pairs differ by a column, an index or a
//! default), against sqlparser's own `Parser::parse_sql` on the same 20,000
//! texts.
//!
//!     cargo bench --bench diff
//!
//! Goal: `shadowsync parse+diff` (one iteration = parse both sides of every
//! pair and diff them, on one thread) under 0.5 s.
//!
//! A second group times the whole pure analysis of 800 sources whose shadows
//! are all outdated, their foreign keys forming one chain whose names run
//! against the order the alters need, against the same tables without keys
//! (the baseline): ordering alters parents-first must stay linear.
//!
//! Times are the benchmark thread's CPU time (`/proc/thread-self/schedstat`),
//! so that other work on a shared machine does not count; set
//! `SHADOWSYNC_BENCH_WALL=1` for wall-clock time (also used where schedstat
//! is missing).
//!
//! `SHADOWSYNC_BENCH_PAIRS=n` changes the number of pairs (handy under a
//! profiler: `valgrind --tool=callgrind target/release/deps/diff-… --bench
//! --profile-time 1 'shadowsync parse\+diff'`).

#[path = "support/snapshot.rs"]
mod snapshot;

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::Criterion;
use shadowsync::core::analysis::{analyze_snapshot, AnalysisRequest, SchemaSnapshot, Selection};
use shadowsync::core::diff::{diff_tables, DiffOptions};
use shadowsync::core::parse::parse_table;
use shadowsync::core::shadow::NamingRule;
use shadowsync::core::shadow::ShadowPolicy;
use shadowsync::core::{Flavor, Table};
use sqlparser::dialect::MySqlDialect;
use sqlparser::parser::Parser;

/// SplitMix64, so every run benchmarks the same texts.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Column definitions as MariaDB 10.11 prints them (`{}` is the column name).
const COLUMNS: &[&str] = &[
    "`{}` bigint(20) unsigned NOT NULL",
    "`{}` int(11) NOT NULL DEFAULT 0",
    "`{}` int(11) DEFAULT NULL",
    "`{}` tinyint(1) NOT NULL DEFAULT 1",
    "`{}` varchar(255) NOT NULL",
    "`{}` varchar(64) DEFAULT NULL",
    "`{}` varchar(191) NOT NULL DEFAULT ''",
    "`{}` char(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL",
    "`{}` decimal(12,2) NOT NULL DEFAULT 0.00",
    "`{}` double DEFAULT NULL",
    "`{}` enum('new','paid','shipped','cancelled') NOT NULL DEFAULT 'new'",
    "`{}` text DEFAULT NULL",
    "`{}` date DEFAULT NULL",
    "`{}` datetime NOT NULL DEFAULT current_timestamp()",
    "`{}` timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp()",
    "`{}` datetime(6) DEFAULT NULL",
    "`{}` longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL CHECK (json_valid(`{}`))",
    "`{}` varchar(100) DEFAULT NULL COMMENT 'display name'",
    "`{}` int(11) NOT NULL",
    "`{}` varchar(32) NOT NULL",
    "`{}` bigint(20) NOT NULL",
    "`{}` tinyint(4) DEFAULT NULL",
    "`{}` bigint(20) DEFAULT NULL",
    "`{}` smallint(5) unsigned NOT NULL DEFAULT 0",
];

const NAMES: &[&str] = &[
    "account_id",
    "user_id",
    "status",
    "title",
    "email",
    "amount",
    "price",
    "quantity",
    "note",
    "code",
    "kind",
    "created_at",
    "updated_at",
    "deleted_at",
    "payload",
    "display_name",
    "parent_id",
    "sort_order",
    "is_active",
    "external_ref",
    "region",
    "score",
    "slug",
    "version",
];

const DEFAULT_CHANGES: &[(&str, &str)] = &[
    ("DEFAULT 0", "DEFAULT 1"),
    ("DEFAULT 1", "DEFAULT 0"),
    ("DEFAULT ''", "DEFAULT 'n/a'"),
    ("DEFAULT 0.00", "DEFAULT 1.00"),
    ("DEFAULT 'new'", "DEFAULT 'paid'"),
    ("DEFAULT NULL", "DEFAULT 'x'"),
];

struct Generated {
    /// `(current, desired)` texts.
    pairs: Vec<(String, String)>,
    /// How many pairs were made to differ.
    changed: usize,
}

/// One `CREATE TABLE` text; `change` (0–2) makes the desired variant differ
/// by a column, an index or a default.
fn table_texts(rng: &mut Rng, n: usize) -> (String, String, bool) {
    let table = format!(
        "{}_{n}",
        rng.pick(&["orders", "users", "items", "events", "invoices", "accounts"])
    );
    let mut names: Vec<&str> = Vec::new();
    let want = 7 + rng.below(5); // plus `id`: 8–12 columns
    while names.len() < want {
        let name = rng.pick(NAMES);
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let mut columns = vec!["`id` bigint(20) unsigned NOT NULL AUTO_INCREMENT".to_string()];
    for name in &names {
        columns.push(rng.pick(COLUMNS).replace("{}", name));
    }
    let mut keys = vec!["PRIMARY KEY (`id`)".to_string()];
    for i in 0..1 + rng.below(3) {
        let a = names[rng.below(names.len())];
        let b = names[rng.below(names.len())];
        let key = match (i, rng.below(3)) {
            (0, 0) => format!("UNIQUE KEY `uq_{a}` (`{a}`)"),
            (_, 1) if a != b => format!("KEY `idx_{a}_{b}` (`{a}`,`{b}`)"),
            _ => format!("KEY `idx_{a}_{i}` (`{a}`)"),
        };
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    let mut constraints = Vec::new();
    if rng.chance(40) {
        let col = names[0];
        keys.push(format!("KEY `fk_{table}_{col}` (`{col}`)"));
        constraints.push(format!(
            "CONSTRAINT `fk_{table}_{col}` FOREIGN KEY (`{col}`) REFERENCES `{}` (`id`){}",
            rng.pick(&["parents", "accounts", "users"]),
            rng.pick(&[
                "",
                " ON DELETE CASCADE",
                " ON DELETE SET NULL ON UPDATE CASCADE"
            ]),
        ));
    }
    if rng.chance(30) {
        let col = names[rng.below(names.len())];
        constraints.push(format!(
            "CONSTRAINT `chk_{table}_{col}` CHECK (`{col}` is null or `{col}` <> '')"
        ));
    }
    let options = format!(
        "ENGINE=InnoDB{} DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci{}",
        if rng.chance(30) {
            format!(" AUTO_INCREMENT={}", 1 + rng.below(100_000))
        } else {
            String::new()
        },
        if rng.chance(10) {
            " COMMENT='business data'"
        } else {
            ""
        },
    );
    let render = |columns: &[String], keys: &[String]| {
        let mut elements: Vec<&str> = columns.iter().map(String::as_str).collect();
        elements.extend(keys.iter().map(String::as_str));
        elements.extend(constraints.iter().map(String::as_str));
        format!(
            "CREATE TABLE `{table}` (\n  {}\n) {options}",
            elements.join(",\n  ")
        )
    };
    let current = render(&columns, &keys);
    if !n.is_multiple_of(3) {
        return (current.clone(), current, false);
    }
    let (mut columns2, mut keys2) = (columns.clone(), keys.clone());
    match (n / 3) % 3 {
        0 => columns2.insert(
            1 + rng.below(columns2.len()),
            "`added_col` varchar(32) DEFAULT NULL".to_string(),
        ),
        1 => {
            if keys2.len() > 2 && rng.chance(50) {
                keys2.remove(1);
            } else {
                keys2.push(format!("KEY `idx_added` (`{}`)", names[names.len() - 1]));
            }
        }
        _ => {
            let found = (1..columns2.len())
                .flat_map(|i| DEFAULT_CHANGES.iter().map(move |(f, t)| (i, *f, *t)))
                .find(|(i, f, _)| columns2[*i].contains(f));
            match found {
                Some((i, from, to)) => columns2[i] = columns2[i].replacen(from, to, 1),
                None => columns2[1].push_str(" COMMENT 'changed'"),
            }
        }
    }
    (current, render(&columns2, &keys2), true)
}

fn generate(pairs: usize) -> Generated {
    let mut rng = Rng(0x5EED_D1FF);
    let mut out = Generated {
        pairs: Vec::with_capacity(pairs),
        changed: 0,
    };
    for n in 0..pairs {
        let (current, desired, changed) = table_texts(&mut rng, n);
        out.changed += usize::from(changed);
        out.pairs.push((current, desired));
    }
    out
}

fn opts() -> DiffOptions {
    DiffOptions {
        flavor: Flavor::Mariadb,
        ..DiffOptions::default()
    }
}

/// Parse both sides of every pair and diff them; the number of pairs that differ.
fn parse_and_diff(pairs: &[(String, String)], opts: &DiffOptions) -> usize {
    let mut differing = 0;
    for (current, desired) in pairs {
        let from = parse_table(current).expect("current side parses");
        let to = parse_table(desired).expect("desired side parses");
        let statements = diff_tables(&from, &to, opts).expect("diff");
        differing += usize::from(!statements.is_empty());
        black_box(statements);
    }
    differing
}

/// CPU time of the calling thread, in nanoseconds (Linux schedstat).
fn thread_cpu_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}

/// Criterion measurement: CPU time of the benchmark thread.
struct ThreadCpuTime;

static WALL: WallTime = WallTime;

impl Measurement for ThreadCpuTime {
    type Intermediate = u64;
    type Value = u64;

    fn start(&self) -> u64 {
        thread_cpu_ns().unwrap_or(0)
    }

    fn end(&self, start: u64) -> u64 {
        thread_cpu_ns().unwrap_or(0).saturating_sub(start)
    }

    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }

    fn zero(&self) -> u64 {
        0
    }

    fn to_f64(&self, value: &u64) -> f64 {
        *value as f64
    }

    fn formatter(&self) -> &dyn ValueFormatter {
        // Nanoseconds, like wall-clock time.
        WALL.formatter()
    }
}

fn bench<M: Measurement>(c: &mut Criterion<M>, clock: &str) {
    let n: usize = std::env::var("SHADOWSYNC_BENCH_PAIRS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let data = generate(n);
    let opts = opts();
    let texts: Vec<&str> = data
        .pairs
        .iter()
        .flat_map(|(a, b)| [a.as_str(), b.as_str()])
        .collect();

    // Sanity, and figures for the report.
    let bytes: usize = texts.iter().map(|t| t.len()).sum();
    let differing = parse_and_diff(&data.pairs, &opts);
    if let Some((current, desired)) = data.pairs.iter().find(|(a, b)| {
        let stmts = diff_tables(&parse_table(a).unwrap(), &parse_table(b).unwrap(), &opts).unwrap();
        stmts.is_empty() != (a == b)
    }) {
        panic!(
            "exactly the changed pairs must differ; this one does not:\n{current}\n--\n{desired}"
        );
    }
    let dialect = MySqlDialect {};
    let sqlparser_ok = texts
        .iter()
        .filter(|t| Parser::parse_sql(&dialect, t).is_ok())
        .count();
    let parsed: Vec<(Table, Table)> = data
        .pairs
        .iter()
        .map(|(a, b)| (parse_table(a).unwrap(), parse_table(b).unwrap()))
        .collect();
    eprintln!(
        "diff bench: {n} pairs, {} texts, {:.0} bytes per text on average, {differing} pairs differ; \
         sqlparser parses {sqlparser_ok} of {} texts",
        texts.len(),
        bytes as f64 / texts.len() as f64,
        texts.len(),
    );

    let mut group = c.benchmark_group(format!("{n} pairs ({clock})"));
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("shadowsync parse+diff", |b| {
        b.iter(|| parse_and_diff(&data.pairs, &opts))
    });
    group.bench_function("sqlparser parse_sql (baseline)", |b| {
        b.iter(|| {
            for text in &texts {
                let _ = black_box(Parser::parse_sql(&dialect, text));
            }
        })
    });
    group.bench_function("shadowsync parse only", |b| {
        b.iter(|| {
            for text in &texts {
                let _ = black_box(parse_table(text));
            }
        })
    });
    group.bench_function("shadowsync diff only", |b| {
        b.iter(|| {
            for (from, to) in &parsed {
                let _ = black_box(diff_tables(from, to, &opts));
            }
        })
    });
    group.finish();
}

/// `n` sources `c_0001` … with outdated shadows; with `chained`, each source
/// has a foreign key to the next one, so the last alter must run first.
fn chain_snapshot(n: usize, chained: bool) -> SchemaSnapshot {
    let mut tables = Vec::new();
    for i in 1..=n {
        let name = format!("c_{i:04}");
        let key = if chained && i < n {
            format!(
                ",\n  KEY `p` (`p`),\n  CONSTRAINT `f_{name}` FOREIGN KEY (`p`) REFERENCES `c_{:04}` (`id`)",
                i + 1
            )
        } else {
            String::new()
        };
        let source = format!(
            "CREATE TABLE `{name}` (\n  `id` bigint NOT NULL,\n  `p` bigint DEFAULT NULL,\n  \
             `note` int DEFAULT NULL,\n  PRIMARY KEY (`id`){key}\n) ENGINE=InnoDB"
        );
        let shadow = format!("CREATE TABLE `__{name}` (\n  `id` bigint NOT NULL,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB COMMENT='[shadowsync:shadow]'");
        tables.push((name.clone(), source));
        tables.push((format!("__{name}"), shadow));
    }
    snapshot::mariadb_snapshot(tables)
}

fn bench_analysis<M: Measurement>(c: &mut Criterion<M>, clock: &str) {
    let n = 800;
    let request = AnalysisRequest {
        rule: NamingRule::prefix("__").expect("a valid prefix"),
        selection: Selection::All,
        skip: Vec::new(),
        policy: ShadowPolicy::default(),
        adopt: Vec::new(),
    };
    let chained = chain_snapshot(n, true);
    let unchained = chain_snapshot(n, false);
    let first = analyze_snapshot(&chained, &request);
    assert_eq!(
        first.tables.first().map(|t| t.source.as_str()),
        Some(format!("c_{n:04}").as_str()),
        "the end of the chain must be altered first"
    );
    let mut group = c.benchmark_group(format!("analysis of {n} alters ({clock})"));
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5));
    group.bench_function("along one foreign-key chain", |b| {
        b.iter(|| black_box(analyze_snapshot(&chained, &request)))
    });
    group.bench_function("without keys (baseline)", |b| {
        b.iter(|| black_box(analyze_snapshot(&unchained, &request)))
    });
    group.finish();
}

fn main() {
    let wall = std::env::var_os("SHADOWSYNC_BENCH_WALL").is_some() || thread_cpu_ns().is_none();
    let criterion = Criterion::default().configure_from_args();
    if wall {
        let mut criterion = criterion.with_measurement(WallTime);
        bench(&mut criterion, "wall-clock time");
        bench_analysis(&mut criterion, "wall-clock time");
    } else {
        let mut criterion = criterion.with_measurement(ThreadCpuTime);
        bench(&mut criterion, "thread CPU time");
        bench_analysis(&mut criterion, "thread CPU time");
    }
    Criterion::default().configure_from_args().final_summary();
}
