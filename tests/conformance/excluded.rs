//! `excluded.txt`: cases that cannot apply to an engine, each with its reason.

use std::collections::HashMap;
use std::fs;
use std::path::PathBuf;

/// Reasons by `(engine, case name)`.
pub type Exclusions = HashMap<(String, String), String>;

/// The file beside this module.
pub fn path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/excluded.txt")
}

/// Reads `excluded.txt`: `engine case-name reason…` per line, `#` comments.
/// An unknown engine, unknown case or missing reason is an error, so the
/// list cannot rot silently.
pub fn load(engines: &[&str], case_names: &[&str]) -> Exclusions {
    let path = path();
    let text =
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut out = Exclusions::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.splitn(3, char::is_whitespace);
        let (engine, case, reason) = (
            parts.next().unwrap_or(""),
            parts.next().unwrap_or(""),
            parts.next().unwrap_or("").trim(),
        );
        let at = format!("{}:{}", path.display(), n + 1);
        assert!(engines.contains(&engine), "{at}: unknown engine `{engine}`");
        assert!(
            case_names.contains(&case),
            "{at}: no case `{case}` in the corpus"
        );
        assert!(!reason.is_empty(), "{at}: give a reason");
        let previous = out.insert((engine.to_string(), case.to_string()), reason.to_string());
        assert!(previous.is_none(), "{at}: listed twice");
    }
    out
}
