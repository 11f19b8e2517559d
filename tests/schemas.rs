//! The JSON Schemas of the host layer's views (`schemas/<kind>.schema.json`,
//! draft 2020-12), generated from `shadowsync-py/views/views.json`: that
//! description is read off the Rust view types themselves (an exhaustive
//! destructuring per record, an exhaustive match per enum, in
//! `shadowsync-py/views/describe.rs`), and is checked against them by its
//! own test, so the chain Rust types → description → schemas fails a test
//! at whichever link is stale. Every object is closed
//! (`additionalProperties: false`), every field required (serde writes
//! `null` rather than leaving a field out), `schema_version` and `kind` are
//! constants: a field added, renamed or removed in a view shows as a schema
//! that no longer matches the output (`shadowsync-cli/tests/output_live.rs`
//! validates real CLI output with them).
//!
//! The test fails when a checked-in schema differs from what the
//! description gives; `SHADOWSYNC_BLESS=1 cargo test -p shadowsync --test
//! schemas` rewrites them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{json, Map, Value};

/// An RFC 3339 UTC time with milliseconds, as every view writes times.
const TIME_PATTERN: &str = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The description `describe.rs` keeps.
fn description() -> Value {
    let path = root().join("shadowsync-py/views/views.json");
    let text = std::fs::read_to_string(&path).expect("views.json is readable");
    serde_json::from_str(&text).expect("views.json is JSON")
}

/// The named definitions of the description: records, enums and tagged
/// enums, by name.
struct Definitions<'a> {
    /// The layout version every whole view carries.
    version: &'a Value,
    records: BTreeMap<&'a str, &'a Value>,
    enums: BTreeMap<&'a str, &'a Value>,
    tagged: BTreeMap<&'a str, &'a Value>,
}

fn by_name<'a>(description: &'a Value, section: &str) -> BTreeMap<&'a str, &'a Value> {
    description[section]
        .as_array()
        .unwrap_or_else(|| panic!("views.json has no {section}"))
        .iter()
        .map(|spec| (spec["name"].as_str().expect("a named spec"), spec))
        .collect()
}

impl<'a> Definitions<'a> {
    fn of(description: &'a Value) -> Self {
        Definitions {
            version: &description["schema_version"],
            records: by_name(description, "records"),
            enums: by_name(description, "enums"),
            tagged: by_name(description, "tagged"),
        }
    }

    /// The schema of a field type; the definitions it refers to are added to
    /// `defs` (with theirs).
    fn field(&self, ty: &Value, defs: &mut Map<String, Value>) -> Value {
        match ty {
            Value::String(word) => match word.as_str() {
                "int" => json!({"type": "integer", "minimum": 0}),
                "str" => json!({"type": "string"}),
                "bool" => json!({"type": "boolean"}),
                "time" => json!({"type": "string", "format": "date-time", "pattern": TIME_PATTERN}),
                other => panic!("unknown field type {other}"),
            },
            Value::Object(map) => {
                let (key, inner) = map.iter().next().expect("a one-key type");
                match key.as_str() {
                    "optional" => json!({"anyOf": [self.field(inner, defs), {"type": "null"}]}),
                    "list" => json!({"type": "array", "items": self.field(inner, defs)}),
                    "enum" | "record" | "tagged" => {
                        let name = inner.as_str().expect("a type name");
                        self.define(key, name, defs);
                        json!({"$ref": format!("#/$defs/{name}")})
                    }
                    other => panic!("unknown field type {other}"),
                }
            }
            other => panic!("unknown field type {other}"),
        }
    }

    /// Adds definition `name` (an enum, record or tagged enum) to `defs`.
    fn define(&self, what: &str, name: &str, defs: &mut Map<String, Value>) {
        if defs.contains_key(name) {
            return;
        }
        // Reserved first: a record may refer to itself through its fields.
        defs.insert(name.to_string(), Value::Null);
        let schema = match what {
            "enum" => json!({"type": "string", "enum": self.enums[name]["values"]}),
            "record" => self.record(self.records[name], defs),
            "tagged" => self.tagged(self.tagged[name], defs),
            other => panic!("unknown definition {other}"),
        };
        defs.insert(name.to_string(), schema);
    }

    /// A closed object of every field of `spec`, all required.
    fn object(&self, fields: &[(String, Value)]) -> Value {
        let properties: Map<String, Value> = fields.iter().cloned().collect();
        let required: Vec<&String> = fields.iter().map(|(name, _)| name).collect();
        json!({
            "type": "object",
            "properties": properties,
            "required": required,
            "additionalProperties": false,
        })
    }

    fn record(&self, spec: &Value, defs: &mut Map<String, Value>) -> Value {
        let kind = spec["kind"].as_str();
        let fields: Vec<(String, Value)> = spec["fields"]
            .as_array()
            .expect("a record has fields")
            .iter()
            .map(|f| {
                let name = f["name"].as_str().expect("a named field").to_string();
                let schema = match (name.as_str(), kind) {
                    ("schema_version", Some(_)) => json!({"const": self.version}),
                    ("kind", Some(kind)) => json!({"const": kind}),
                    _ => self.field(&f["type"], defs),
                };
                (name, schema)
            })
            .collect();
        let mut schema = self.object(&fields);
        schema["description"] = match kind {
            Some(kind) => json!(format!(
                "The `{kind}` view ({}).",
                spec["rust"].as_str().unwrap_or_default()
            )),
            None => json!(format!(
                "Part of a view ({}).",
                spec["rust"].as_str().unwrap_or_default()
            )),
        };
        schema
    }

    /// One closed object per variant, told apart by the constant tag.
    fn tagged(&self, spec: &Value, defs: &mut Map<String, Value>) -> Value {
        let tag = spec["tag"].as_str().expect("a tag");
        let variants: Vec<Value> = spec["variants"]
            .as_array()
            .expect("variants")
            .iter()
            .map(|v| {
                let mut fields = vec![(tag.to_string(), json!({"const": v["tag"]}))];
                for f in v["fields"].as_array().expect("variant fields") {
                    let name = f["name"].as_str().expect("a named field").to_string();
                    fields.push((name, self.field(&f["type"], defs)));
                }
                self.object(&fields)
            })
            .collect();
        json!({"oneOf": variants})
    }
}

/// Each whole view's schema, by kind.
fn schemas() -> BTreeMap<String, Value> {
    let description = description();
    let definitions = Definitions::of(&description);
    let mut out = BTreeMap::new();
    for (name, spec) in &definitions.records {
        let Some(kind) = spec["kind"].as_str() else {
            continue;
        };
        let mut defs = Map::new();
        let mut schema = definitions.record(spec, &mut defs);
        let mut top = Map::new();
        top.insert(
            "$schema".into(),
            json!("https://json-schema.org/draft/2020-12/schema"),
        );
        top.insert(
            "title".into(),
            json!(format!("shadowsync {name} view (kind `{kind}`)")),
        );
        top.extend(schema.as_object_mut().expect("an object").clone());
        defs.retain(|_, v| !v.is_null());
        if !defs.is_empty() {
            top.insert("$defs".into(), Value::Object(defs));
        }
        out.insert(kind.to_string(), Value::Object(top));
    }
    out
}

fn file_of(dir: &Path, kind: &str) -> PathBuf {
    dir.join(format!("{kind}.schema.json"))
}

#[test]
fn the_checked_in_schemas_are_the_views() {
    let dir = root().join("schemas");
    let schemas = schemas();
    let kinds = [
        "check",
        "diff",
        "due_report",
        "fleet_check",
        "fleet_sync",
        "fleet_tasks",
        "flow",
        "flow_list",
        "logs",
        "plan",
        "sync",
        "task",
        "task_page",
        "timeline",
        "watch",
    ];
    assert_eq!(
        schemas.keys().collect::<Vec<_>>(),
        kinds,
        "one schema per view kind"
    );
    let bless = std::env::var_os("SHADOWSYNC_BLESS").is_some();
    let mut stale = Vec::new();
    for (kind, schema) in &schemas {
        let mut text = serde_json::to_string_pretty(schema).expect("a schema encodes");
        text.push('\n');
        let path = file_of(&dir, kind);
        if bless {
            std::fs::create_dir_all(&dir).expect("schemas/ can be made");
            std::fs::write(&path, &text).expect("a schema is writable");
        } else if std::fs::read_to_string(&path).unwrap_or_default() != text {
            stale.push(path.display().to_string());
        }
    }
    // No schema of a kind that is gone.
    for entry in std::fs::read_dir(&dir).expect("schemas/ exists") {
        let name = entry.expect("a directory entry").file_name();
        let name = name.to_string_lossy();
        let kind = name.strip_suffix(".schema.json").unwrap_or(&name);
        if !schemas.contains_key(kind) {
            stale.push(format!("{name} (no such view)"));
        }
    }
    assert!(
        stale.is_empty(),
        "stale: {}: run `SHADOWSYNC_BLESS=1 cargo test -p shadowsync --test schemas`",
        stale.join(", ")
    );
}

#[test]
fn every_object_is_closed_and_every_view_versioned() {
    fn closed(value: &Value, at: &str) {
        match value {
            Value::Object(map) => {
                if map.get("type") == Some(&json!("object")) {
                    assert_eq!(map.get("additionalProperties"), Some(&json!(false)), "{at}");
                }
                for (key, inner) in map {
                    closed(inner, &format!("{at}/{key}"));
                }
            }
            Value::Array(items) => items.iter().for_each(|v| closed(v, at)),
            _ => {}
        }
    }
    for (kind, schema) in schemas() {
        closed(&schema, &kind);
        assert_eq!(
            schema["properties"]["schema_version"],
            json!({"const": 1}),
            "{kind}"
        );
        assert_eq!(
            schema["properties"]["kind"],
            json!({"const": kind}),
            "{kind}"
        );
    }
}
