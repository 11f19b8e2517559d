//! Conformance over the sqldef MySQL corpus, on real servers.
//!
//! For every applicable case and engine: load the case's `current` SQL into
//! `ssc_cur` and its `desired` SQL into `ssc_des`, read both back through
//! the executor, diff, apply the statements to `ssc_cur`, read it back and
//! diff again. A case passes when every statement applied, the second diff
//! is empty, and the server's tables now match the desired ones (see
//! `conformance/oracle.rs`).
//!
//! Run: `eval "$(scripts/engines.sh env)"; cargo test --test conformance`
//! (`-- mariadb` or `-- seekdb` for one engine). `SHADOWSYNC_CORPUS` points at
//! another corpus file; `SHADOWSYNC_CONFORMANCE_CASE=substring` runs only the
//! cases whose name contains it. Each engine writes
//! `<target dir>/conformance-<engine>.json`.

#[path = "conformance/corpus.rs"]
mod corpus;
#[path = "conformance/excluded.rs"]
mod excluded;
#[path = "conformance/oracle.rs"]
mod oracle;
#[path = "conformance/report.rs"]
mod report;
#[path = "conformance/runner.rs"]
mod runner;
#[path = "conformance/split.rs"]
mod split;

use std::io::Write;
use std::sync::Mutex;
use std::time::Instant;

use shadowsync::core::Flavor;
use shadowsync::mysql::MysqlExecutor;

use report::{CaseResult, Counts, Status};
use runner::{Outcome, Run};

/// The engines, by the names `excluded.txt` and the report use.
const ENGINES: [&str; 2] = ["mariadb", "seekdb"];

/// Counts of the engines that finished, for the closing total line.
static FINISHED: Mutex<Vec<Counts>> = Mutex::new(Vec::new());

#[test]
fn mariadb() {
    run_engine("mariadb", "SHADOWSYNC_MARIADB_URL", Flavor::Mariadb);
}

#[test]
fn seekdb() {
    run_engine("seekdb", "SHADOWSYNC_SEEKDB_URL", Flavor::Oceanbase);
}

fn run_engine(engine: &str, url_var: &str, flavor: Flavor) {
    let url = std::env::var(url_var).unwrap_or_else(|_| {
        panic!(
            "{url_var} is not set: start the engines with `eval \"$(scripts/engines.sh start)\"`"
        )
    });
    let Some((corpus_path, cases)) = corpus::load() else {
        // Reported, not failed: the corpus is optional (issue 11).
        println!(
            "conformance {engine}: the optional sqldef corpus is not at {} (set SHADOWSYNC_CORPUS); not run",
            corpus::corpus_path().display()
        );
        return;
    };
    let names: Vec<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    let exclusions = excluded::load(&ENGINES, &names);
    let filter = std::env::var("SHADOWSYNC_CONFORMANCE_CASE").ok();
    let mut ex =
        MysqlExecutor::connect(&url).unwrap_or_else(|e| panic!("{engine}: cannot connect: {e}"));

    let started = Instant::now();
    let mut results = Vec::new();
    for case in &cases {
        if filter.as_deref().is_some_and(|f| !case.name.contains(f)) {
            continue;
        }
        let case_started = Instant::now();
        let (status, statements) = match corpus::not_applicable(case, engine) {
            Some(reason) => (Status::NotApplicable(reason), Vec::new()),
            None => {
                let Run {
                    outcome,
                    statements,
                } = runner::run_case(&mut ex, case, flavor)
                    .unwrap_or_else(|e| panic!("{engine}: case {}: {e}", case.name));
                let listed = exclusions.get(&(engine.to_string(), case.name.clone()));
                let status = match (outcome, listed) {
                    (Outcome::Rejected(reason), _) => Status::Rejected(reason),
                    (outcome, Some(reason)) => Status::Listed {
                        reason: reason.clone(),
                        passes: matches!(outcome, Outcome::Passed),
                    },
                    (Outcome::Passed, None) => Status::Passed,
                    (Outcome::Failed { stage, detail }, None) => Status::Failed { stage, detail },
                };
                (status, statements)
            }
        };
        results.push(CaseResult {
            name: case.name.clone(),
            status,
            statements,
            elapsed: case_started.elapsed(),
        });
    }
    let elapsed = started.elapsed();
    for db in [runner::CUR, runner::DES] {
        ex.drop_database(db)
            .unwrap_or_else(|e| panic!("{engine}: {e}"));
    }

    let json_path = report::json_path(engine);
    let json = report::json(engine, &corpus_path, filter.as_deref(), &results, elapsed);
    std::fs::write(&json_path, serde_json::to_string_pretty(&json).unwrap())
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", json_path.display()));

    // Written past the test harness's capture so the counts show in every run.
    let mut summary = report::summary(engine, &results, elapsed, &json_path);
    let counts = Counts::of(&results);
    {
        let mut finished = FINISHED.lock().unwrap_or_else(|e| e.into_inner());
        finished.push(counts);
        if finished.len() == ENGINES.len() {
            let passed: usize = finished.iter().map(|c| c.passed).sum();
            let failed: usize = finished.iter().map(|c| c.failed).sum();
            summary.push_str(&format!("{passed} passed, {failed} failed\n"));
        }
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(summary.as_bytes()).unwrap();
        stdout.flush().unwrap();
    }
    assert!(
        counts.failed == 0,
        "{}",
        report::failures(engine, &results, &json_path)
    );
}
