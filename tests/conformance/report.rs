//! Results of one engine's run: the summary lines, the failure report and
//! the machine-readable JSON file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{json, Value};

use crate::runner::Stage;

/// What happened to one case on one engine.
#[derive(Debug)]
pub enum Status {
    Passed,
    Failed {
        stage: Stage,
        detail: String,
    },
    /// Its metadata says it is not for this engine.
    NotApplicable(String),
    /// Listed in `excluded.txt`; `passes` tells whether it passes anyway.
    Listed {
        reason: String,
        passes: bool,
    },
    /// The server rejected the case's own SQL.
    Rejected(String),
}

/// One case's result.
#[derive(Debug)]
pub struct CaseResult {
    pub name: String,
    pub status: Status,
    pub statements: Vec<String>,
    pub elapsed: Duration,
}

/// Failures shown in full in the test's panic message.
const SHOWN_FAILURES: usize = 30;

/// Counts of one engine's run.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub passed: usize,
    pub failed: usize,
    pub not_applicable: usize,
    pub listed: usize,
    pub rejected: usize,
}

impl Counts {
    pub fn of(results: &[CaseResult]) -> Counts {
        let mut c = Counts::default();
        for r in results {
            match r.status {
                Status::Passed => c.passed += 1,
                Status::Failed { .. } => c.failed += 1,
                Status::NotApplicable(_) => c.not_applicable += 1,
                Status::Listed { .. } => c.listed += 1,
                Status::Rejected(_) => c.rejected += 1,
            }
        }
        c
    }

    fn excluded(&self) -> usize {
        self.not_applicable + self.listed + self.rejected
    }
}

/// The summary printed for an engine: counts, exclusions grouped by reason, timing.
pub fn summary(engine: &str, results: &[CaseResult], elapsed: Duration, report: &Path) -> String {
    let c = Counts::of(results);
    let ran = c.passed + c.failed + c.listed + c.rejected;
    let mut out = format!(
        "conformance {engine}: {} passed, {} failed\n\
         conformance {engine}: {} excluded ({} not applicable, {} listed in excluded.txt, \
         {} rejected by the server); {ran} cases run in {:.1} s ({} ms per case); report {}\n",
        c.passed,
        c.failed,
        c.excluded(),
        c.not_applicable,
        c.listed,
        c.rejected,
        elapsed.as_secs_f64(),
        elapsed.as_millis() / ran.max(1) as u128,
        report.display(),
    );
    let mut groups: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for r in results {
        if let Status::Rejected(reason) = &r.status {
            groups.entry(reason_key(reason)).or_default().push(&r.name);
        }
    }
    for (reason, names) in groups {
        out.push_str(&format!(
            "  engine lacks the feature ({}): {reason}: {}\n",
            names.len(),
            names.join(", ")
        ));
    }
    for r in results {
        if let Status::Listed { passes: true, .. } = r.status {
            out.push_str(&format!(
                "  listed in excluded.txt but passes now: {}\n",
                r.name
            ));
        }
    }
    out
}

/// The server error of a rejection, without the statement and the
/// `near '…'` excerpt, so that cases failing for one reason group together.
fn reason_key(reason: &str) -> String {
    let side = reason.split(':').next().unwrap_or("");
    let error = reason.find("ERROR ").map_or(reason, |i| &reason[i..]);
    let error = error.split(" near '").next().unwrap_or(error);
    format!("{side}: {}", error.trim())
}

/// The readable failure report: the first [`SHOWN_FAILURES`] failures in full.
pub fn failures(engine: &str, results: &[CaseResult], report: &Path) -> String {
    let failed: Vec<&CaseResult> = results
        .iter()
        .filter(|r| matches!(r.status, Status::Failed { .. }))
        .collect();
    let mut out = format!(
        "conformance {engine}: {} cases failed (first {} below; all in {})\n",
        failed.len(),
        SHOWN_FAILURES.min(failed.len()),
        report.display()
    );
    let mut by_stage: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &failed {
        if let Status::Failed { stage, .. } = r.status {
            *by_stage.entry(stage.name()).or_default() += 1;
        }
    }
    out.push_str(&format!("by stage: {by_stage:?}\n"));
    for r in failed.iter().take(SHOWN_FAILURES) {
        let Status::Failed { stage, detail } = &r.status else {
            continue;
        };
        out.push_str(&format!("\n--- {engine} {} [{}]\n", r.name, stage.name()));
        if !r.statements.is_empty() {
            out.push_str("statements:\n");
            for s in &r.statements {
                out.push_str(&format!("  {s};\n"));
            }
        }
        out.push_str(detail);
        out.push('\n');
    }
    out
}

/// `conformance-<engine>.json` in the target directory of this build.
pub fn json_path(engine: &str) -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent()
        .unwrap_or(tmp)
        .join(format!("conformance-{engine}.json"))
}

/// The machine-readable report.
pub fn json(
    engine: &str,
    corpus: &Path,
    filter: Option<&str>,
    results: &[CaseResult],
    elapsed: Duration,
) -> Value {
    let c = Counts::of(results);
    let cases: Vec<Value> = results
        .iter()
        .map(|r| {
            let (status, stage, detail) = match &r.status {
                Status::Passed => ("passed", None, None),
                Status::Failed { stage, detail } => {
                    ("failed", Some(stage.name()), Some(detail.as_str()))
                }
                Status::NotApplicable(reason) => ("not-applicable", None, Some(reason.as_str())),
                Status::Listed { reason, .. } => ("excluded", None, Some(reason.as_str())),
                Status::Rejected(reason) => ("rejected", None, Some(reason.as_str())),
            };
            json!({
                "name": r.name,
                "status": status,
                "stage": stage,
                "detail": detail,
                "passes_anyway": matches!(r.status, Status::Listed { passes: true, .. }),
                "statements": r.statements,
                "millis": r.elapsed.as_millis() as u64,
            })
        })
        .collect();
    json!({
        "engine": engine,
        "corpus": corpus.display().to_string(),
        "filter": filter,
        "elapsed_ms": elapsed.as_millis() as u64,
        "passed": c.passed,
        "failed": c.failed,
        "excluded": {
            "not_applicable": c.not_applicable,
            "listed": c.listed,
            "rejected": c.rejected,
        },
        "cases": cases,
    })
}
