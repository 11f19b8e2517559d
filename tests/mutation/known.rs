//! `known_failures.txt`: mutation cases that fail because of a product bug
//! already reported, one per line as `engine kind/table  # reason`.
//!
//! The list must stay truthful, so it is checked both ways: a listed case
//! that passes fails the run (remove its line), and so does a line naming
//! an unknown engine or a case the generator does not produce.

use std::collections::HashMap;
use std::fs;
use std::path::PathBuf;

/// Reasons by `(engine, case name)`.
pub type Known = HashMap<(String, String), String>;

/// The file beside this module.
pub fn path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/mutation/known_failures.txt")
}

/// Reads the list; `cases` tells, per engine, which case names exist.
pub fn load(cases: &dyn Fn(&str) -> Option<Vec<String>>) -> Known {
    let path = path();
    let text =
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut out = Known::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let at = format!("{}:{}", path.display(), n + 1);
        let (entry, reason) = line
            .split_once('#')
            .unwrap_or_else(|| panic!("{at}: give a reason after `#`"));
        let reason = reason.trim();
        assert!(!reason.is_empty(), "{at}: give a reason after `#`");
        let words: Vec<&str> = entry.split_whitespace().collect();
        let [engine, case] = words[..] else {
            panic!("{at}: expected `engine kind/table  # reason`");
        };
        let names = cases(engine).unwrap_or_else(|| panic!("{at}: unknown engine `{engine}`"));
        assert!(
            names.iter().any(|c| c == case),
            "{at}: the generator makes no case `{case}` for {engine}"
        );
        let previous = out.insert((engine.to_string(), case.to_string()), reason.to_string());
        assert!(previous.is_none(), "{at}: listed twice");
    }
    out
}
