//! The checked-in JSON schemas of the host layer's views (`schemas/`),
//! for the CLI's tests: real output must validate against them.

// Each test file includes this module and uses part of it.
#![allow(dead_code)]

use jsonschema::Validator;
use serde_json::Value;

/// The validator of the checked-in schema of view `kind`, itself checked
/// against the draft 2020-12 meta-schema; formats (`date-time`) are
/// validated too.
pub fn validator(kind: &str) -> Validator {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(format!("schemas/{kind}.schema.json"));
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        jsonschema::meta::is_valid(&schema),
        "{} is no valid schema",
        path.display()
    );
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The errors of `doc` against the schema of `kind` (none: valid).
pub fn errors(kind: &str, doc: &Value) -> Vec<String> {
    validator(kind)
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// Asserts that `view` is valid against the schema of `kind` and says so
/// itself: `schema_version` 1 and that `kind`.
pub fn assert_valid(kind: &str, view: &Value) {
    let errors = errors(kind, view);
    assert!(errors.is_empty(), "{errors:?}\n{view}");
    assert_eq!(
        (&view["schema_version"], &view["kind"]),
        (&1.into(), &kind.into()),
        "{view}"
    );
}
