//! Running one corpus case on one engine.

use shadowsync::core::diff::{diff_schemas, DiffOptions};
use shadowsync::core::parse::parse_table;
use shadowsync::core::statement::{sql_of, StatementKind};
use shadowsync::core::{Executor, Flavor, RelationKind, Table};
use shadowsync::mysql::MysqlExecutor;

use crate::corpus::Case;
use crate::oracle;
use crate::split::split_statements;

/// Scratch database holding the case's current tables; the statements run here.
pub const CUR: &str = "ssc_cur";
/// Scratch database holding the case's desired tables.
pub const DES: &str = "ssc_des";

/// Where a case failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// `SHOW CREATE TABLE` output that the parser does not read.
    ReadBack,
    /// The diff returned an error.
    Diff,
    /// From an empty current schema, the diff must CREATE every desired table.
    ExpectedCreate,
    /// A generated statement failed on the server.
    Apply,
    /// After applying, diffing again still yields statements.
    NotIdempotent,
    /// After applying, the server's tables still differ from the desired ones.
    Diverged,
}

impl Stage {
    pub fn name(self) -> &'static str {
        match self {
            Stage::ReadBack => "read-back",
            Stage::Diff => "diff",
            Stage::ExpectedCreate => "expected-create",
            Stage::Apply => "apply",
            Stage::NotIdempotent => "not-idempotent",
            Stage::Diverged => "diverged",
        }
    }
}

/// How a case ended.
#[derive(Debug)]
pub enum Outcome {
    Passed,
    Failed {
        stage: Stage,
        detail: String,
    },
    /// The server rejected the case's own SQL: the engine lacks the feature.
    Rejected(String),
}

/// A case's outcome with the statements the diff produced (if it got that far).
#[derive(Debug)]
pub struct Run {
    pub outcome: Outcome,
    pub statements: Vec<String>,
}

/// Runs `case`: load current and desired, diff, apply, read back, diff again.
/// `ex` is a connection to the engine, reused across cases.
pub fn run_case(ex: &mut MysqlExecutor, case: &Case, flavor: Flavor) -> Result<Run, String> {
    let opts = DiffOptions {
        flavor,
        from_schema: Some(CUR.into()),
        to_schema: Some(DES.into()),
        drop_tables: case.enable_drop,
    };
    let mut statements = Vec::new();
    let outcome = match steps(ex, case, &opts, &mut statements)? {
        Ok(()) => Outcome::Passed,
        Err(outcome) => outcome,
    };
    Ok(Run {
        outcome,
        statements,
    })
}

/// The steps of a case. The outer `Err` is a harness problem (the scratch
/// databases cannot be set up) and stops the whole run; the inner one ends
/// this case.
fn steps(
    ex: &mut MysqlExecutor,
    case: &Case,
    opts: &DiffOptions,
    statements: &mut Vec<String>,
) -> Result<Result<(), Outcome>, String> {
    let fail = |stage, detail: String| Err(Outcome::Failed { stage, detail });
    reset(ex).map_err(|e| format!("cannot reset the scratch databases: {e}"))?;
    // The case's SQL may create children before parents: load it unchecked.
    for (db, sql, side) in [
        (CUR, &case.current, "current"),
        (DES, &case.desired, "desired"),
    ] {
        ex.use_database(db).map_err(|e| e.to_string())?;
        // The scratch database stands in for any database the case names, as
        // in sqldef, which drops `USE` from its input.
        for statement in split_statements(sql).iter().filter(|s| !is_use(s)) {
            if let Err(e) = ex.execute(statement) {
                return Ok(Err(Outcome::Rejected(format!(
                    "{side}: {}",
                    executor_message(&e)
                ))));
            }
        }
    }
    // The generated statements must be in an order the server accepts with checks on.
    ex.execute("SET FOREIGN_KEY_CHECKS = 1")
        .map_err(|e| e.to_string())?;
    let current = match read_schema(ex, CUR) {
        Ok(tables) => tables,
        Err(e) => return Ok(fail(Stage::ReadBack, e)),
    };
    let desired = match read_schema(ex, DES) {
        Ok(tables) => tables,
        Err(e) => return Ok(fail(Stage::ReadBack, e)),
    };
    let planned = match diff_schemas(&current, &desired, opts) {
        Ok(s) => s,
        Err(e) => return Ok(fail(Stage::Diff, e.to_string())),
    };
    *statements = sql_of(&planned);
    if current.is_empty() {
        let creates = planned
            .iter()
            .filter(|s| matches!(s.kind, StatementKind::CreateTable { .. }))
            .count();
        if creates != desired.len() {
            let detail = format!(
                "from an empty schema, expected {} CREATE TABLE statements, got {creates}",
                desired.len()
            );
            return Ok(fail(Stage::ExpectedCreate, detail));
        }
    }
    ex.use_database(CUR).map_err(|e| e.to_string())?;
    for statement in statements.iter() {
        if let Err(e) = ex.execute(statement) {
            return Ok(fail(Stage::Apply, executor_message(&e)));
        }
    }
    let after = match read_schema(ex, CUR) {
        Ok(tables) => tables,
        Err(e) => return Ok(fail(Stage::ReadBack, format!("after applying: {e}"))),
    };
    match diff_schemas(&after, &desired, opts) {
        Err(e) => return Ok(fail(Stage::Diff, format!("after applying: {e}"))),
        Ok(again) if !again.is_empty() => {
            let detail = format!(
                "second diff:\n{}",
                again
                    .iter()
                    .map(|s| format!("  {s};"))
                    .collect::<Vec<_>>()
                    .join("\n")
            );
            return Ok(fail(Stage::NotIdempotent, detail));
        }
        Ok(_) => {}
    }
    if let Err(detail) = oracle::compare(&after, &desired, &[CUR, DES], opts.drop_tables) {
        return Ok(fail(Stage::Diverged, detail));
    }
    Ok(Ok(()))
}

/// Fresh, empty scratch databases; foreign-key checks off for loading.
fn reset(ex: &mut MysqlExecutor) -> shadowsync::core::Result<()> {
    ex.execute("SET FOREIGN_KEY_CHECKS = 0")?;
    for db in [CUR, DES] {
        ex.drop_database(db)?;
        ex.create_database(db)?;
    }
    Ok(())
}

/// Every base table of `db`, parsed from `SHOW CREATE TABLE`.
pub fn read_schema(ex: &mut MysqlExecutor, db: &str) -> Result<Vec<Table>, String> {
    ex.use_database(db).map_err(|e| e.to_string())?;
    let names: Vec<String> = ex
        .list_relations()
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter(|r| r.kind == RelationKind::Table)
        .map(|r| r.name)
        .collect();
    let texts = ex.show_create_tables(&names).map_err(|e| e.to_string())?;
    names
        .iter()
        .zip(texts)
        .map(|(name, text)| {
            let text = text.ok_or_else(|| format!("table `{name}` vanished while reading {db}"))?;
            parse_table(&text).map_err(|e| format!("{db}.{name}: {e}\n{text}"))
        })
        .collect()
}

/// Whether `statement` is `USE db`.
fn is_use(statement: &str) -> bool {
    let mut words = statement.split_whitespace();
    words.next().is_some_and(|w| w.eq_ignore_ascii_case("use")) && words.count() == 1
}

/// The message of an executor error without the `executor error: ` prefix.
fn executor_message(e: &shadowsync::core::Error) -> String {
    match e {
        shadowsync::core::Error::Executor(msg) => msg.clone(),
        other => other.to_string(),
    }
}
