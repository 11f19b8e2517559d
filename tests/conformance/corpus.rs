//! The sqldef MySQL corpus: loading cases and deciding which apply to an engine.

use std::fs;
use std::path::PathBuf;

use serde_json::Value;

/// One case of the corpus.
#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    pub current: String,
    pub desired: String,
    /// sqldef expects an error instead of DDL.
    pub error: Option<String>,
    /// `mysql`, `mariadb`, `tidb`, `!tidb`, `!mariadb`, or none.
    pub flavor: Option<String>,
    pub max_version: Option<String>,
    pub enable_drop: bool,
}

/// The corpus file: `$SHADOWSYNC_CORPUS`, else `../shared/corpus/…` beside the repository.
pub fn corpus_path() -> PathBuf {
    match std::env::var_os("SHADOWSYNC_CORPUS") {
        Some(path) => PathBuf::from(path),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/corpus/sqldef-mysql-cases.jsonl"),
    }
}

/// Every case of the corpus, in file order; `None` when the corpus is not
/// where it is looked for by default (`../shared` is optional: a fresh clone
/// passes without it). A `$SHADOWSYNC_CORPUS` that cannot be read fails.
pub fn load() -> Option<(PathBuf, Vec<Case>)> {
    let path = corpus_path();
    if std::env::var_os("SHADOWSYNC_CORPUS").is_none() && !path.exists() {
        return None;
    }
    let text = fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read the conformance corpus {}: {e}\n\
             set SHADOWSYNC_CORPUS to the path of sqldef-mysql-cases.jsonl",
            path.display()
        )
    });
    let cases = text
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(n, line)| {
            let v: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{}:{}: {e}", path.display(), n + 1));
            parse_case(&v).unwrap_or_else(|| panic!("{}:{}: not a case", path.display(), n + 1))
        })
        .collect();
    Some((path, cases))
}

fn parse_case(v: &Value) -> Option<Case> {
    let text = |key: &str| v.get(key).and_then(Value::as_str).map(str::to_string);
    Some(Case {
        name: text("name")?,
        current: text("current").unwrap_or_default(),
        desired: text("desired").unwrap_or_default(),
        error: text("error"),
        flavor: text("flavor"),
        max_version: text("max_version"),
        enable_drop: v
            .get("enable_drop")
            .and_then(Value::as_bool)
            .unwrap_or(true),
    })
}

/// Why `case` does not apply to `engine` at all, judged from its metadata.
pub fn not_applicable(case: &Case, engine: &str) -> Option<String> {
    if case.error.is_some() {
        return Some("sqldef expects an error, not DDL".into());
    }
    match case.flavor.as_deref() {
        Some(f @ ("tidb" | "mysql")) => return Some(format!("{f}-only case")),
        Some("!mariadb") if engine == "mariadb" => {
            return Some("case excludes MariaDB (!mariadb)".into())
        }
        _ => {}
    }
    if case.max_version.as_deref() == Some("5.7") {
        return Some("MySQL 5.7-only case (max_version 5.7)".into());
    }
    None
}
