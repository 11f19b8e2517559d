//! Splitting the schema scripts in `tests/schema/` into statements; shared
//! (by `#[path]`) by the test suites that load them.

/// The statements of `file`: one per `;` at the end of a line; `--` comment
/// lines and blank lines between statements are left out.
pub fn statements(file: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in file.lines() {
        if line.trim_start().starts_with("--") || (current.is_empty() && line.trim().is_empty()) {
            continue;
        }
        let trimmed = line.trim_end();
        if let Some(body) = trimmed.strip_suffix(';') {
            current.push_str(body);
            out.push(std::mem::take(&mut current));
        } else {
            current.push_str(line);
            current.push('\n');
        }
    }
    assert!(
        current.trim().is_empty(),
        "schema file ends inside a statement: {current}"
    );
    out
}
