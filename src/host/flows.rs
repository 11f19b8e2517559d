//! Flow documents: the approval flows a host puts in the task store,
//! highest priority first, as TOML (`[[flow]]` tables, the CLI's flow files
//! and config profiles) or JSON (an array of flows: what the CLI's `.json`
//! files, C's `ss_task_center_set_flows` and Python's `set_flows` take).
//!
//! Every flow is read strictly, before any replaces the store's: an
//! unknown field, an empty name, a node without approvers or a rule with
//! an empty pattern is an error naming the flow and the field. Omitted
//! expiries are 24 h, `forbid_self_approval` true, `allow_delegated_identity`
//! false, `auto_approve` `"never"` (the other word is `"additive"`: a task
//! whose plan only adds passes every node at submission).

use std::path::Path;

use serde::Deserialize;
use shadowsync_core::task::flow::{validate_flows, AutoApprove, DEFAULT_EXPIRY_MS};
use shadowsync_core::task::{ApprovalFlow, ApprovalNode, Approvers, MatchRule};
use shadowsync_core::{Error, Result};

/// How a flow document is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowSyntax {
    /// `[[flow]]` tables.
    Toml,
    /// An array of flows.
    Json,
}

impl FlowSyntax {
    /// The syntax a file name says (`.json`, else TOML); for `-` (stdin),
    /// JSON when the text is JSON.
    pub fn of(path: &str, text: &str) -> FlowSyntax {
        let json = Path::new(path)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        if json || (path == "-" && serde_json::from_str::<serde_json::Value>(text).is_ok()) {
            FlowSyntax::Json
        } else {
            FlowSyntax::Toml
        }
    }
}

/// A flow as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FlowDoc {
    name: String,
    nodes: Vec<NodeDoc>,
    rules: Vec<RuleDoc>,
    #[serde(default = "default_expiry")]
    approval_expiry_ms: i64,
    #[serde(default = "default_expiry")]
    execution_expiry_ms: i64,
    #[serde(default = "yes")]
    forbid_self_approval: bool,
    #[serde(default)]
    allow_delegated_identity: bool,
    #[serde(default)]
    auto_approve: AutoApprove,
}

fn default_expiry() -> i64 {
    DEFAULT_EXPIRY_MS
}

fn yes() -> bool {
    true
}

/// A node as written: `approvers = "auto"`, `{ role = "dba" }` or `{ users = ["ann"] }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NodeDoc {
    name: String,
    approvers: ApproversDoc,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum ApproversDoc {
    Auto,
    Role(String),
    Users(Vec<String>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleDoc {
    connection: String,
    database: String,
}

/// The flows of the document `text`, checked; an error
/// ([`Error::InvalidRequest`]) names the flow, the field and, for TOML
/// syntax errors, the line and column.
pub fn read_flows(text: &str, syntax: FlowSyntax) -> Result<Vec<ApprovalFlow>> {
    let bad = Error::InvalidRequest;
    let items: Vec<Item> = match syntax {
        FlowSyntax::Json => match serde_json::from_str(text) {
            Ok(serde_json::Value::Array(items)) => items.into_iter().map(Item::Json).collect(),
            Ok(_) => return Err(bad("a JSON flow document is an array of flows".into())),
            Err(e) => return Err(bad(e.to_string())),
        },
        FlowSyntax::Toml => {
            let mut table: toml::Table = toml::from_str(text).map_err(|e| {
                bad(format!(
                    "{}{}",
                    line_of(text, e.span()),
                    e.message().trim_end()
                ))
            })?;
            let flows = table.remove("flow");
            if let Some(key) = table.keys().next() {
                return Err(bad(format!(
                    "unknown key `{key}`: a TOML flow document holds `[[flow]]` tables"
                )));
            }
            match flows {
                Some(toml::Value::Array(items)) => items.into_iter().map(Item::Toml).collect(),
                None => Vec::new(),
                Some(_) => return Err(bad("`flow` must be `[[flow]]` tables".into())),
            }
        }
    };
    flows(items).map_err(bad)
}

/// The flows of a TOML array of flow tables (a config profile's inline
/// `flows`), checked as by [`read_flows`].
pub fn read_flow_tables(items: &[toml::Value]) -> Result<Vec<ApprovalFlow>> {
    flows(items.iter().cloned().map(Item::Toml).collect()).map_err(Error::InvalidRequest)
}

/// One flow of a file, not yet read.
enum Item {
    Toml(toml::Value),
    Json(serde_json::Value),
}

impl Item {
    /// The `name` it gives, for messages about it.
    fn name(&self) -> Option<String> {
        match self {
            Item::Toml(v) => v.get("name").and_then(|n| n.as_str()).map(str::to_string),
            Item::Json(v) => v.get("name").and_then(|n| n.as_str()).map(str::to_string),
        }
    }

    fn read(self) -> std::result::Result<FlowDoc, String> {
        match self {
            Item::Toml(v) => v
                .try_into()
                .map_err(|e: toml::de::Error| e.message().to_string()),
            Item::Json(v) => serde_json::from_value(v).map_err(|e| e.to_string()),
        }
    }
}

/// `items` as checked flows; errors say which flow (by place and name).
fn flows(items: Vec<Item>) -> std::result::Result<Vec<ApprovalFlow>, String> {
    let mut out = Vec::with_capacity(items.len());
    for (index, item) in items.into_iter().enumerate() {
        let which = match item.name() {
            Some(name) => format!("flow {} (`{name}`)", index + 1),
            None => format!("flow {}", index + 1),
        };
        let doc = item
            .read()
            .map_err(|why| format!("{which}: {}", why.trim_end()))?;
        out.push(doc.check().map_err(|why| format!("{which}: {why}"))?);
    }
    validate_flows(&out).map_err(|e| e.to_string())?;
    Ok(out)
}

impl FlowDoc {
    /// The flow, refused when a name or pattern is empty (the core checks the rest).
    fn check(self) -> std::result::Result<ApprovalFlow, String> {
        if self.name.trim().is_empty() {
            return Err("`name` is empty".into());
        }
        let mut nodes = Vec::with_capacity(self.nodes.len());
        for (i, node) in self.nodes.into_iter().enumerate() {
            if node.name.trim().is_empty() {
                return Err(format!("node {}: `name` is empty", i + 1));
            }
            let approvers = match node.approvers {
                ApproversDoc::Auto => Approvers::Auto,
                ApproversDoc::Role(role) if role.trim().is_empty() => {
                    return Err(format!("node `{}`: `role` is empty", node.name))
                }
                ApproversDoc::Role(role) => Approvers::Role(role),
                ApproversDoc::Users(users) if users.iter().any(|u| u.trim().is_empty()) => {
                    return Err(format!("node `{}`: `users` holds an empty name", node.name))
                }
                ApproversDoc::Users(users) => Approvers::Users(users),
            };
            nodes.push(ApprovalNode {
                name: node.name,
                approvers,
            });
        }
        let mut rules = Vec::with_capacity(self.rules.len());
        for (i, rule) in self.rules.into_iter().enumerate() {
            if rule.connection.is_empty() || rule.database.is_empty() {
                return Err(format!(
                    "rule {}: `connection` and `database` need a pattern (`*` matches everything)",
                    i + 1
                ));
            }
            rules.push(MatchRule::new(&rule.connection, &rule.database));
        }
        Ok(ApprovalFlow {
            name: self.name,
            nodes,
            rules,
            approval_expiry_ms: self.approval_expiry_ms,
            execution_expiry_ms: self.execution_expiry_ms,
            forbid_self_approval: self.forbid_self_approval,
            allow_delegated_identity: self.allow_delegated_identity,
            auto_approve: self.auto_approve,
        })
    }
}

/// `line L, column C: ` for a TOML error's span.
fn line_of(text: &str, span: Option<std::ops::Range<usize>>) -> String {
    span.map(|span| {
        let before = &text[..span.start.min(text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before
            .rsplit('\n')
            .next()
            .unwrap_or_default()
            .chars()
            .count()
            + 1;
        format!("line {line}, column {column}: ")
    })
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO: &str = r#"
[[flow]]
name = "gate"
rules = [{ connection = "*", database = "shop*" }]
auto_approve = "additive"
nodes = [
  { name = "review", approvers = { role = "dba" } },
  { name = "sign-off", approvers = { users = ["ann", "bob"] } },
  { name = "go", approvers = "auto" },
]
approval_expiry_ms = 60000

[[flow]]
name = "open"
rules = [{ connection = "*", database = "*" }]
nodes = [{ name = "auto", approvers = "auto" }]
allow_delegated_identity = true
"#;

    #[test]
    fn toml_and_json_give_the_same_flows() {
        let flows = read_flows(TWO, FlowSyntax::Toml).unwrap();
        assert_eq!(flows.len(), 2);
        assert_eq!(flows[0].nodes[0].approvers, Approvers::Role("dba".into()));
        assert_eq!(flows[0].approval_expiry_ms, 60_000);
        assert_eq!(flows[0].execution_expiry_ms, DEFAULT_EXPIRY_MS);
        assert!(flows[0].forbid_self_approval && !flows[0].allow_delegated_identity);
        assert!(flows[1].allow_delegated_identity);
        assert_eq!(flows[0].auto_approve, AutoApprove::Additive);
        assert_eq!(flows[1].auto_approve, AutoApprove::Never);
        let json = serde_json::to_string(&flows).unwrap();
        assert_eq!(
            read_flows(&json, FlowSyntax::of("-", &json)).unwrap(),
            flows
        );
    }

    #[test]
    fn errors_name_the_flow_and_the_field() {
        let cases = [
            (
                TWO.replace("approvers = \"auto\" },\n]", "aprovers = \"auto\" },\n]"),
                "flow 1 (`gate`): unknown field `aprovers`",
            ),
            (
                TWO.replace("name = \"open\"", "name = \" \""),
                "flow 2 (` `): `name` is empty",
            ),
            (
                TWO.replace("role = \"dba\"", "role = \"\""),
                "flow 1 (`gate`): node `review`: `role` is empty",
            ),
            (
                TWO.replace("database = \"shop*\"", "database = \"\""),
                "flow 1 (`gate`): rule 1: `connection` and `database`",
            ),
            (
                TWO.replace("role = \"dba\"", "group = \"dba\""),
                "flow 1 (`gate`): unknown variant `group`",
            ),
            (
                TWO.replace("name = \"open\"", "name = \"gate\""),
                "two flows are called `gate`",
            ),
            (
                TWO.replace("\"additive\"", "\"always\""),
                "flow 1 (`gate`): unknown variant `always`",
            ),
            (
                TWO.replace("allow_delegated_identity = true", "priority = 1"),
                "flow 2 (`open`): unknown field `priority`",
            ),
        ];
        for (text, wanted) in cases {
            let msg = read_flows(&text, FlowSyntax::Toml).unwrap_err().to_string();
            assert!(msg.contains(wanted), "{msg}\nwanted: {wanted}");
        }
        let msg = read_flows("[[flows]]\nname = \"x\"\n", FlowSyntax::Toml)
            .unwrap_err()
            .to_string();
        assert!(msg.contains("unknown key `flows`"), "{msg}");
        let msg = read_flows("[[flow]]\nname = \n", FlowSyntax::Toml)
            .unwrap_err()
            .to_string();
        assert!(msg.contains("line 2, column"), "{msg}");
        let msg = read_flows("{\"flow\": []}", FlowSyntax::Json)
            .unwrap_err()
            .to_string();
        assert!(msg.contains("array of flows"), "{msg}");
    }
}
