//! The generated mutation corpus (issue 11), on real servers.
//!
//! From a handful of base tables (`mutation/base.rs`), every mutation kind
//! (`mutation/kinds.rs`) makes a case `<kind>/<base table>` whose current
//! and desired schemas differ by that one change (or by a pair of changes).
//! Each case runs through the conformance runner
//! (`conformance/runner.rs`): load both sides, diff, apply, read back, diff
//! again, and compare with the oracle (`conformance/oracle.rs`). On top of
//! that, column and index names must match exactly, letter case included,
//! which the oracle lets pass.
//!
//! A case fails the test unless it passes or is listed in
//! `mutation/known_failures.txt` (a known product bug); a listed case that
//! passes fails the test too. Kinds an engine cannot express are reported
//! as not applicable; kinds shadowsync refuses by design on an engine
//! (`Kind::refused_on`) must end in that refusal. Each engine prints a
//! per-kind table and writes `<target dir>/mutation-<engine>.json`.
//!
//! Run: `eval "$(scripts/engines.sh env)"; cargo test --test mutation_corpus`
//! (`-- mariadb` or `-- seekdb` for one engine);
//! `SHADOWSYNC_MUTATION_CASE=substring` runs only the matching cases and
//! `SHADOWSYNC_MUTATION_ALL_BASES=1` every kind on every base (see
//! [`bases_per_kind`]). The runner's scratch databases (`ssc_cur`,
//! `ssc_des`) are the conformance suite's: do not run both suites against
//! the same servers at once.

// The conformance modules are shared by path; this suite uses only part of them.
#[allow(dead_code)]
#[path = "conformance/corpus.rs"]
mod corpus;
#[path = "support/engine.rs"]
mod engine;
#[path = "conformance/oracle.rs"]
mod oracle;
#[allow(dead_code)]
#[path = "conformance/runner.rs"]
mod runner;
#[path = "conformance/split.rs"]
mod split;

#[path = "mutation/base.rs"]
mod base;
#[path = "mutation/kinds.rs"]
mod kinds;
#[path = "mutation/known.rs"]
mod known;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use shadowsync::core::{Flavor, Table as ModelTable};
use shadowsync::mysql::MysqlExecutor;

use base::Table;
use corpus::Case;
use engine::Engine;
use kinds::{Kind, KINDS};
use runner::Outcome;

#[test]
fn mariadb() {
    run_engine(Engine::Mariadb);
}

#[test]
fn seekdb() {
    run_engine(Engine::Seekdb);
}

impl Engine {
    fn flavor(self) -> Flavor {
        match self {
            Engine::Mariadb => Flavor::Mariadb,
            Engine::Seekdb => Flavor::Oceanbase,
        }
    }

    fn from_name(name: &str) -> Option<Engine> {
        [Engine::Mariadb, Engine::Seekdb]
            .into_iter()
            .find(|e| e.name() == name)
    }
}

/// One generated case.
struct Generated {
    kind: &'static Kind,
    base: String,
    case: Case,
    current: Table,
    desired: Table,
}

/// Bases tried per kind: a kind that applies to more bases runs on this
/// many, spread over them (each kind starting at another base), plus those
/// listed in `known_failures.txt`, so that a run stays near a minute on this
/// two-core machine: a seekdb case costs 300–500 ms (its scratch-database
/// DDL; offline DDL up to 2.5 s), a MariaDB case about 100 ms.
/// `SHADOWSYNC_MUTATION_ALL_BASES=1` runs every base (about 600 cases on
/// MariaDB in 25–70 s, 430 on seekdb in about 200 s).
fn bases_per_kind(engine: Engine) -> usize {
    match engine {
        Engine::Mariadb => 3,
        Engine::Seekdb => 1,
    }
}

/// Every case of `engine`, in kind order, and the kinds that do not apply
/// there. `listed` are case names always kept (the known failures).
fn generate(
    engine: Engine,
    listed: &[String],
) -> (Vec<Generated>, Vec<(&'static Kind, &'static str)>) {
    let bases = base::bases();
    let all = std::env::var_os("SHADOWSYNC_MUTATION_ALL_BASES").is_some_and(|v| v != "0");
    let mut cases = Vec::new();
    let mut not_applicable = Vec::new();
    for (k, kind) in KINDS.iter().enumerate() {
        if let Some(why) = kind.not_applicable(engine) {
            not_applicable.push((kind, why));
            continue;
        }
        let variants: Vec<(&Table, (Table, Table))> = bases
            .iter()
            .filter_map(|b| Some((b, kind.variant(b, engine)?)))
            .collect();
        let n = variants.len();
        let keep = if all {
            n
        } else {
            n.min(bases_per_kind(engine))
        };
        // Spread over the bases, starting at a different one for each kind.
        let offset = if n == 0 { 0 } else { k % n };
        let chosen: Vec<usize> = (0..keep).map(|i| (offset + i * n / keep) % n).collect();
        for (i, (b, (current, desired))) in variants.into_iter().enumerate() {
            let name = format!("{}/{}", kind.name, b.name);
            if !chosen.contains(&i) && !listed.contains(&name) {
                continue;
            }
            let case = Case {
                name,
                current: script(&bases, &current),
                desired: script(&bases, &desired),
                error: None,
                flavor: None,
                max_version: None,
                enable_drop: true,
            };
            cases.push(Generated {
                kind,
                base: b.name.clone(),
                case,
                current,
                desired,
            });
        }
    }
    (cases, not_applicable)
}

/// The name of every case the generator can make for `engine`, on every base.
fn every_case_name(engine: Engine) -> Vec<String> {
    let bases = base::bases();
    KINDS
        .iter()
        .filter(|k| k.not_applicable(engine).is_none())
        .flat_map(|k| {
            bases
                .iter()
                .filter(move |b| k.variant(b, engine).is_some())
                .map(move |b| format!("{}/{}", k.name, b.name))
        })
        .collect()
}

/// The SQL of one side: the table's parents, unchanged, then the table.
fn script(bases: &[Table], table: &Table) -> String {
    let mut statements: Vec<String> = table
        .parents
        .iter()
        .map(|p| {
            bases
                .iter()
                .find(|b| &b.name == p)
                .expect("parent is a base")
                .render()
        })
        .collect();
    statements.push(table.render());
    statements.join(";\n") + ";\n"
}

/// What happened to one case.
enum Status {
    Passed,
    Failed {
        stage: &'static str,
        detail: String,
    },
    /// Listed in `known_failures.txt`; `failure` is how it failed, `None` when it passed.
    Known {
        reason: String,
        failure: Option<(&'static str, String)>,
    },
    /// Refused by the diff, as the kind says it must be on this engine.
    Refused {
        why: &'static str,
        message: String,
    },
}

struct CaseResult<'a> {
    generated: &'a Generated,
    status: Status,
    statements: Vec<String>,
    elapsed: Duration,
}

fn run_engine(engine: Engine) {
    let url = engine.url();
    // Listed cases must be ones the generator can make (with every base).
    let known = known::load(&|name| Engine::from_name(name).map(every_case_name));
    let listed: Vec<String> = known
        .keys()
        .filter(|(e, _)| e == engine.name())
        .map(|(_, case)| case.clone())
        .collect();
    let (cases, not_applicable) = generate(engine, &listed);
    let filter = std::env::var("SHADOWSYNC_MUTATION_CASE").ok();
    let mut ex = MysqlExecutor::connect(&url)
        .unwrap_or_else(|e| panic!("{}: cannot connect: {e}", engine.name()));

    let started = Instant::now();
    let mut results = Vec::new();
    for g in &cases {
        if filter.as_deref().is_some_and(|f| !g.case.name.contains(f)) {
            continue;
        }
        let case_started = Instant::now();
        let run = runner::run_case(&mut ex, &g.case, engine.flavor())
            .unwrap_or_else(|e| panic!("{}: case {}: {e}", engine.name(), g.case.name));
        let failure = match run.outcome {
            Outcome::Passed if renames_by_case(g) => {
                exact_names(&mut ex).err().map(|d| ("names", d))
            }
            Outcome::Passed => None,
            Outcome::Failed { stage, detail } => Some((stage.name(), detail)),
            // The generator wrote SQL the engine refuses: a bug in the corpus.
            Outcome::Rejected(reason) => Some((
                "rejected",
                format!("the server rejected the generated schema: {reason}"),
            )),
        };
        let listed = known.get(&(engine.name().to_string(), g.case.name.clone()));
        let status = match (failure, listed, g.kind.refused(engine)) {
            (failure, Some(reason), _) => Status::Known {
                reason: reason.clone(),
                failure,
            },
            (None, None, None) => Status::Passed,
            (Some((stage, detail)), None, None) => Status::Failed { stage, detail },
            (Some(("diff", detail)), None, Some(why)) if detail.contains(" refused: ") => {
                Status::Refused {
                    why,
                    message: detail,
                }
            }
            (None, None, Some(why)) => Status::Failed {
                stage: "not-refused",
                detail: format!(
                    "shadowsync was to refuse this ({why}) but the case passes: \
                     drop the kind's refused_on mark"
                ),
            },
            (Some((stage, detail)), None, Some(why)) => Status::Failed {
                stage,
                detail: format!("shadowsync was to refuse this ({why}); instead:\n{detail}"),
            },
        };
        results.push(CaseResult {
            generated: g,
            status,
            statements: run.statements,
            elapsed: case_started.elapsed(),
        });
    }
    let elapsed = started.elapsed();
    for db in [runner::CUR, runner::DES] {
        ex.drop_database(db)
            .unwrap_or_else(|e| panic!("{}: {e}", engine.name()));
    }

    let json_path = json_path(engine);
    let report = json_report(
        engine,
        filter.as_deref(),
        &results,
        &not_applicable,
        elapsed,
    );
    std::fs::write(&json_path, serde_json::to_string_pretty(&report).unwrap())
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", json_path.display()));

    // Written past the test harness's capture so the table shows in every run.
    let table = summary(engine, &results, &not_applicable, elapsed, &json_path);
    {
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(table.as_bytes()).unwrap();
        stdout.flush().unwrap();
    }
    let problems = failures(engine, &results);
    assert!(
        problems.is_empty(),
        "{problems}\nreport: {}",
        json_path.display()
    );
}

/// Whether the case renames a column or index by letter case only, which
/// the oracle (comparing names case-insensitively) cannot see.
fn renames_by_case(g: &Generated) -> bool {
    let names = |t: &Table| -> Vec<String> {
        t.columns
            .iter()
            .map(|c| base::Col::of(c).name)
            .chain(t.keys.iter().filter_map(|k| base::key_name(k)))
            .collect()
    };
    let (before, after) = (names(&g.current), names(&g.desired));
    after
        .iter()
        .any(|a| before.iter().any(|b| b != a && b.eq_ignore_ascii_case(a)))
}

/// After a pass: the current tables' column and index names equal the
/// desired ones exactly (the oracle compares them case-insensitively).
fn exact_names(ex: &mut MysqlExecutor) -> Result<(), String> {
    let current = runner::read_schema(ex, runner::CUR)?;
    let desired = runner::read_schema(ex, runner::DES)?;
    let names = |t: &ModelTable| {
        let columns: Vec<String> = t.columns.iter().map(|c| c.name.clone()).collect();
        let mut indexes: Vec<String> = t.indexes.iter().filter_map(|i| i.name.clone()).collect();
        indexes.sort();
        (columns, indexes)
    };
    let mut problems = Vec::new();
    for want in &desired {
        let Some(have) = current.iter().find(|t| t.name == want.name) else {
            continue;
        };
        let (have, want_names) = (names(have), names(want));
        if have.0 != want_names.0 {
            problems.push(format!(
                "table `{}`: columns {:?}, desired {:?}",
                want.name, have.0, want_names.0
            ));
        }
        if have.1 != want_names.1 {
            problems.push(format!(
                "table `{}`: indexes {:?}, desired {:?}",
                want.name, have.1, want_names.1
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

/// Per-kind counts.
#[derive(Default)]
struct KindCounts {
    cases: usize,
    passed: usize,
    failed: usize,
    known: usize,
    refused: usize,
    first_failure: Option<String>,
}

fn counts_by_kind(results: &[CaseResult]) -> Vec<(&'static str, KindCounts)> {
    let mut out: Vec<(&'static str, KindCounts)> = Vec::new();
    for r in results {
        let name = r.generated.kind.name;
        if out.last().is_none_or(|(n, _)| *n != name) {
            out.push((name, KindCounts::default()));
        }
        let c = &mut out.last_mut().unwrap().1;
        c.cases += 1;
        let failure = match &r.status {
            Status::Passed => {
                c.passed += 1;
                None
            }
            Status::Failed { stage, detail } => {
                c.failed += 1;
                Some((*stage, detail.as_str()))
            }
            Status::Known { failure, .. } => {
                c.known += 1;
                failure.as_ref().map(|(s, d)| (*s, d.as_str()))
            }
            Status::Refused { .. } => {
                c.refused += 1;
                None
            }
        };
        if let (None, Some((stage, detail))) = (&c.first_failure, failure) {
            c.first_failure = Some(format!(
                "{} [{stage}] {}",
                r.generated.base,
                first_line(detail)
            ));
        }
    }
    out
}

fn first_line(detail: &str) -> String {
    let line = detail
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && *l != "second diff:")
        .unwrap_or("");
    let mut s: String = line.chars().take(110).collect();
    if s.len() < line.len() {
        s.push('…');
    }
    s
}

/// The per-kind table printed for an engine.
fn summary(
    engine: Engine,
    results: &[CaseResult],
    not_applicable: &[(&Kind, &str)],
    elapsed: Duration,
    report: &Path,
) -> String {
    let kinds = counts_by_kind(results);
    let total = |f: fn(&KindCounts) -> usize| kinds.iter().map(|(_, c)| f(c)).sum::<usize>();
    let name = engine.name();
    let mut out = format!(
        "\nmutation {name}: {} cases of {} kinds in {:.1} s: {} passed, {} failed, {} known failures, \
         {} refused by design; {} kinds not applicable; report {}\n",
        results.len(),
        kinds.len(),
        elapsed.as_secs_f64(),
        total(|c| c.passed),
        total(|c| c.failed),
        total(|c| c.known),
        total(|c| c.refused),
        not_applicable.len(),
        report.display()
    );
    out.push_str(&format!(
        "{:<34} {:>5} {:>5} {:>5} {:>5} {:>7}  first failure\n",
        "kind", "cases", "pass", "fail", "known", "refused"
    ));
    for (kind, c) in &kinds {
        let note = match (
            &c.first_failure,
            results.iter().find_map(|r| match &r.status {
                Status::Refused { why, .. } if r.generated.kind.name == *kind => Some(*why),
                _ => None,
            }),
        ) {
            (Some(f), _) => f.clone(),
            (None, Some(why)) => format!("refused by design: {why}"),
            (None, None) => String::new(),
        };
        out.push_str(&format!(
            "{kind:<34} {:>5} {:>5} {:>5} {:>5} {:>7}  {note}\n",
            c.cases, c.passed, c.failed, c.known, c.refused,
        ));
    }
    for (kind, why) in not_applicable {
        out.push_str(&format!("{:<34}   n/a  {why}\n", kind.name));
    }
    out
}

/// Everything that fails the test, in full; empty when the run is good.
fn failures(engine: Engine, results: &[CaseResult]) -> String {
    let mut out = String::new();
    for r in results {
        let name = &r.generated.case.name;
        match &r.status {
            Status::Failed { stage, detail } => {
                out.push_str(&format!("\n--- {} {name} [{stage}]\n", engine.name()));
                out.push_str(&format!(
                    "desired:\n{}\n",
                    indent(&r.generated.desired.render())
                ));
                if !r.statements.is_empty() {
                    out.push_str("statements:\n");
                    for s in &r.statements {
                        out.push_str(&format!("  {s};\n"));
                    }
                }
                out.push_str(detail);
                out.push('\n');
            }
            Status::Known {
                failure: None,
                reason,
            } => out.push_str(&format!(
                "\n--- {} {name} passes but is listed in {} ({reason}): remove the line\n",
                engine.name(),
                known::path().display()
            )),
            _ => {}
        }
    }
    if !out.is_empty() {
        out.insert_str(
            0,
            &format!("mutation {}: unexpected results\n", engine.name()),
        );
    }
    out
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `mutation-<engine>.json` in the target directory of this build.
fn json_path(engine: Engine) -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent()
        .unwrap_or(tmp)
        .join(format!("mutation-{}.json", engine.name()))
}

/// The machine-readable report.
fn json_report(
    engine: Engine,
    filter: Option<&str>,
    results: &[CaseResult],
    not_applicable: &[(&Kind, &str)],
    elapsed: Duration,
) -> Value {
    let kinds: Vec<Value> = counts_by_kind(results)
        .into_iter()
        .map(|(kind, c)| {
            json!({
                "kind": kind,
                "applicable": true,
                "cases": c.cases,
                "passed": c.passed,
                "failed": c.failed,
                "known": c.known,
                "refused": c.refused,
                "first_failure": c.first_failure,
            })
        })
        .chain(
            not_applicable
                .iter()
                .map(|(kind, why)| json!({"kind": kind.name, "applicable": false, "reason": why})),
        )
        .collect();
    let cases: Vec<Value> = results
        .iter()
        .map(|r| {
            let (status, stage, detail, reason) = match &r.status {
                Status::Passed => ("passed", None, None, None),
                Status::Failed { stage, detail } => {
                    ("failed", Some(*stage), Some(detail.as_str()), None)
                }
                Status::Known { reason, failure } => (
                    if failure.is_some() {
                        "known-failure"
                    } else {
                        "known-but-passes"
                    },
                    failure.as_ref().map(|(s, _)| *s),
                    failure.as_ref().map(|(_, d)| d.as_str()),
                    Some(reason.as_str()),
                ),
                Status::Refused { why, message } => {
                    ("refused", Some("diff"), Some(message.as_str()), Some(*why))
                }
            };
            json!({
                "name": r.generated.case.name,
                "kind": r.generated.kind.name,
                "base": r.generated.base,
                "status": status,
                "stage": stage,
                "detail": detail,
                "reason": reason,
                "current": r.generated.current.render(),
                "desired": r.generated.desired.render(),
                "statements": r.statements,
                "millis": r.elapsed.as_millis() as u64,
            })
        })
        .collect();
    let count = |s: &str| cases.iter().filter(|c| c["status"] == s).count();
    json!({
        "engine": engine.name(),
        "filter": filter,
        "elapsed_ms": elapsed.as_millis() as u64,
        "passed": count("passed"),
        "failed": count("failed"),
        "known_failures": count("known-failure"),
        "known_but_passes": count("known-but-passes"),
        "refused": count("refused"),
        "kinds": kinds,
        "cases": cases,
    })
}
