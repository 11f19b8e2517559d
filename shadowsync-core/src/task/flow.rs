//! Approval flows: templates of ordered approval nodes, chosen for a new task
//! by the first match rule that fits, in the priority order the admin set.
//!
//! When no flow matches (or none is configured) a task gets
//! [`ApprovalFlow::built_in`]: a single automatic node, so tasks on
//! unconfigured connections run without a human step, as in a single-user
//! setup. Admins who want a gate add a flow matching `*` / `*` last.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::executor::Millis;

/// 24 hours, the default approval and execution expiry (as in ODC).
pub const DEFAULT_EXPIRY_MS: Millis = 24 * 60 * 60 * 1000;

/// Name of the flow used when no configured flow matches.
pub const BUILT_IN_FLOW: &str = "built-in auto-approve";

/// An approval flow template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalFlow {
    /// Unique name.
    pub name: String,
    /// The nodes, decided in order.
    pub nodes: Vec<ApprovalNode>,
    /// The flow applies to a task when any rule matches it.
    pub rules: Vec<MatchRule>,
    /// How long after submission the approval may take.
    pub approval_expiry_ms: Millis,
    /// How long after it is due (approval, or its scheduled time) a task may
    /// wait for a worker.
    pub execution_expiry_ms: Millis,
    /// Refuse approvals by the task's own creator (see [`same_user`]); on by
    /// default, also for flows stored before the field existed. Rejecting
    /// or cancelling one's own task stays allowed: neither lets a change
    /// through.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub forbid_self_approval: bool,
    /// Let a host act on behalf of a user other than the one it
    /// authenticated (the CLI's `--as`). Off by default. The library itself
    /// records whatever identity it is handed; this flag only tells hosts
    /// whether the flow's admin accepts delegated identities.
    #[serde(default, skip_serializing_if = "is_false")]
    pub allow_delegated_identity: bool,
    /// Which tasks pass every node at submission without a person
    /// ([`AutoApprove::Additive`]: those whose plan only adds). Recorded in
    /// the timeline as the system's decision, with the reason.
    #[serde(default, skip_serializing_if = "AutoApprove::is_never")]
    pub auto_approve: AutoApprove,
}

/// A flow's rule for approving a task by itself, from its typed plan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AutoApprove {
    /// Every node decides as configured (the default).
    #[default]
    Never,
    /// A task whose plan is additive
    /// ([`FrozenPlan::not_additive`](crate::plan::FrozenPlan::not_additive)
    /// is `None`) passes every node at submission.
    Additive,
}

impl AutoApprove {
    fn is_never(&self) -> bool {
        *self == AutoApprove::Never
    }

    /// The word flow documents use (`never`, `additive`).
    pub fn as_str(self) -> &'static str {
        match self {
            AutoApprove::Never => "never",
            AutoApprove::Additive => "additive",
        }
    }

    /// Read the word of [`AutoApprove::as_str`].
    pub fn parse(word: &str) -> Option<AutoApprove> {
        match word {
            "never" => Some(AutoApprove::Never),
            "additive" => Some(AutoApprove::Additive),
            _ => None,
        }
    }
}

// The two flags are left out of the JSON at their defaults, so flow
// documents written before they existed read and write back unchanged.
fn yes() -> bool {
    true
}

fn is_true(value: &bool) -> bool {
    *value
}

fn is_false(value: &bool) -> bool {
    !*value
}

/// One step of a flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalNode {
    /// Shown in the timeline.
    pub name: String,
    /// Who may decide at this node.
    pub approvers: Approvers,
}

/// Who may decide at a node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Approvers {
    /// Nobody needs to: the node approves itself.
    Auto,
    /// Anyone holding this role.
    Role(String),
    /// Exactly these users.
    Users(Vec<String>),
}

/// Which tasks a flow applies to. Each field is a glob: `*` matches any run
/// of characters, and the word `any` matches everything. Matching is
/// case-sensitive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchRule {
    /// Pattern for the (redacted) connection.
    pub connection: String,
    /// Pattern for the database.
    pub database: String,
}

/// Someone acting on a task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// User name, recorded in the timeline.
    pub name: String,
    /// Roles the host granted this user.
    pub roles: Vec<String>,
}

impl Actor {
    /// An actor with the given name and roles.
    pub fn new(name: impl Into<String>, roles: &[&str]) -> Actor {
        Actor {
            name: name.into(),
            roles: roles.iter().map(|r| r.to_string()).collect(),
        }
    }

    /// Refuse an actor without a name: every decision is recorded under
    /// the actor's name, and an empty one would hide who made it. `what` is
    /// the request, as in "approve task 3".
    pub fn check_named(&self, what: &str) -> Result<()> {
        if self.name.trim().is_empty() {
            return Err(Error::InvalidRequest(format!(
                "{what}: the actor's name is empty"
            )));
        }
        Ok(())
    }
}

/// Whether user names `a` and `b` name the same person for the purpose of
/// [`ApprovalFlow::forbid_self_approval`]: equal once surrounding
/// whitespace is trimmed, ignoring ASCII case, so that `Carol` cannot
/// approve the task of `carol`. Deliberately looser than
/// [`Approvers::Users`], which grants by exact name: each errs on the side
/// of refusing.
pub fn same_user(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

impl Approvers {
    /// Whether `actor` may decide at a node with these approvers. Nobody may
    /// decide an automatic node by hand.
    pub fn allow(&self, actor: &Actor) -> bool {
        match self {
            Approvers::Auto => false,
            Approvers::Role(role) => actor.roles.iter().any(|r| r == role),
            Approvers::Users(users) => users.contains(&actor.name),
        }
    }
}

impl MatchRule {
    /// A rule matching `connection` and `database` patterns.
    pub fn new(connection: &str, database: &str) -> MatchRule {
        MatchRule {
            connection: connection.into(),
            database: database.into(),
        }
    }

    /// Whether a task on `connection` / `database` fits this rule.
    pub fn matches(&self, connection: &str, database: &str) -> bool {
        glob_match(&self.connection, connection) && glob_match(&self.database, database)
    }
}

/// Whether `text` fits `pattern`, where `*` stands for any run of characters
/// and the pattern `any` for everything.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    if pattern == "any" {
        return true;
    }
    let mut parts = pattern.split('*');
    // split always yields a first part: the literal prefix.
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let middle: Vec<&str> = parts.collect();
    let Some((last, inner)) = middle.split_last() else {
        // No `*` at all: the whole text must be the literal.
        return rest.is_empty();
    };
    // Greedy leftmost matching of the inner literals is enough for `*`-only
    // globs: an earlier match never prevents a later one.
    for literal in inner {
        match rest.find(literal) {
            Some(at) => rest = &rest[at + literal.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

impl ApprovalFlow {
    /// The flow a task gets when no configured flow matches: one automatic
    /// node, 24-hour expiries.
    pub fn built_in() -> ApprovalFlow {
        ApprovalFlow {
            name: BUILT_IN_FLOW.into(),
            nodes: vec![ApprovalNode {
                name: "auto".into(),
                approvers: Approvers::Auto,
            }],
            rules: vec![MatchRule::new("*", "*")],
            approval_expiry_ms: DEFAULT_EXPIRY_MS,
            execution_expiry_ms: DEFAULT_EXPIRY_MS,
            forbid_self_approval: true,
            allow_delegated_identity: false,
            auto_approve: AutoApprove::Never,
        }
    }

    /// Whether any rule of this flow fits the task.
    pub fn matches(&self, connection: &str, database: &str) -> bool {
        self.rules.iter().any(|r| r.matches(connection, database))
    }

    /// The first node at or after `from` that needs a person, passing
    /// automatic nodes; `None` when the flow is fully approved from there.
    pub fn next_manual_node(&self, from: usize) -> Option<usize> {
        (from..self.nodes.len()).find(|&i| self.nodes[i].approvers != Approvers::Auto)
    }

    fn validate(&self) -> Result<()> {
        let bad = |why: &str| {
            Err(Error::InvalidRequest(format!(
                "flow `{}`: {why}",
                self.name
            )))
        };
        if self.name.trim().is_empty() {
            return Err(Error::InvalidRequest("a flow needs a name".into()));
        }
        if self.nodes.is_empty() {
            return bad("needs at least one node");
        }
        if self.rules.is_empty() {
            return bad("needs at least one match rule (use `*` to match everything)");
        }
        if self.approval_expiry_ms <= 0 || self.execution_expiry_ms <= 0 {
            return bad("expiries must be positive");
        }
        for node in &self.nodes {
            let empty = match &node.approvers {
                Approvers::Auto => false,
                Approvers::Role(role) => role.trim().is_empty(),
                Approvers::Users(users) => users.is_empty(),
            };
            if empty {
                return bad(&format!("node `{}` has no approver", node.name));
            }
        }
        Ok(())
    }
}

/// Check a priority-ordered list of flows before it replaces the current one:
/// unique names, and every flow usable.
pub fn validate_flows(flows: &[ApprovalFlow]) -> Result<()> {
    let mut names = BTreeSet::new();
    for flow in flows {
        flow.validate()?;
        if !names.insert(flow.name.as_str()) {
            return Err(Error::InvalidRequest(format!(
                "two flows are called `{}`",
                flow.name
            )));
        }
    }
    Ok(())
}

/// The flow for a new task: the first in `flows` (highest priority first)
/// that matches, else [`ApprovalFlow::built_in`].
pub fn select_flow(flows: &[ApprovalFlow], connection: &str, database: &str) -> ApprovalFlow {
    flows
        .iter()
        .find(|f| f.matches(connection, database))
        .cloned()
        .unwrap_or_else(ApprovalFlow::built_in)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A flow with one node per approver set, matching the given rules.
    pub(crate) fn flow(name: &str, nodes: Vec<Approvers>, rules: &[(&str, &str)]) -> ApprovalFlow {
        ApprovalFlow {
            name: name.into(),
            nodes: nodes
                .into_iter()
                .enumerate()
                .map(|(i, approvers)| ApprovalNode {
                    name: format!("node{i}"),
                    approvers,
                })
                .collect(),
            rules: rules.iter().map(|(c, d)| MatchRule::new(c, d)).collect(),
            approval_expiry_ms: DEFAULT_EXPIRY_MS,
            execution_expiry_ms: DEFAULT_EXPIRY_MS,
            forbid_self_approval: true,
            allow_delegated_identity: false,
            auto_approve: AutoApprove::Never,
        }
    }

    #[test]
    fn glob_handles_literals_stars_and_any() {
        assert!(glob_match("shop", "shop"));
        assert!(!glob_match("shop", "shops"));
        assert!(!glob_match("shop", "Shop"));
        assert!(glob_match("*", ""));
        assert!(glob_match("*", "anything"));
        assert!(glob_match("any", "whatever"));
        assert!(glob_match("shop_*", "shop_eu"));
        assert!(!glob_match("shop_*", "shop"));
        assert!(glob_match("*_eu", "shop_eu"));
        assert!(glob_match("a*b*c", "abc"));
        assert!(glob_match("a*b*c", "aXbYbZc"));
        assert!(!glob_match("a*b*c", "aXcYb"));
        assert!(glob_match(
            "mysql://*@prod-*/*",
            "mysql://u:***@prod-1/shop"
        ));
        assert!(
            !glob_match("ab*ba", "aba"),
            "prefix and suffix must not overlap"
        );
    }

    #[test]
    fn first_matching_flow_by_priority_wins() {
        let flows = vec![
            flow("orders-only", vec![Approvers::Auto], &[("prod*", "orders")]),
            flow(
                "prod",
                vec![Approvers::Role("dba".into())],
                &[("prod*", "*")],
            ),
            flow("everything", vec![Approvers::Auto], &[("any", "any")]),
        ];
        assert_eq!(select_flow(&flows, "prod-1", "orders").name, "orders-only");
        assert_eq!(select_flow(&flows, "prod-1", "users").name, "prod");
        assert_eq!(select_flow(&flows, "dev", "users").name, "everything");
        // Reordering priorities changes the choice.
        let reordered = vec![flows[1].clone(), flows[0].clone()];
        assert_eq!(select_flow(&reordered, "prod-1", "orders").name, "prod");
    }

    #[test]
    fn no_match_falls_back_to_the_built_in_flow() {
        let flows = vec![flow("prod", vec![Approvers::Auto], &[("prod*", "*")])];
        let chosen = select_flow(&flows, "dev", "shop");
        assert_eq!(chosen, ApprovalFlow::built_in());
        assert_eq!(chosen.next_manual_node(0), None);
        assert_eq!(select_flow(&[], "x", "y").name, BUILT_IN_FLOW);
    }

    #[test]
    fn approvers_allow_by_role_or_name_never_auto() {
        let alice = Actor::new("alice", &["dba"]);
        let bob = Actor::new("bob", &["dev"]);
        assert!(Approvers::Role("dba".into()).allow(&alice));
        assert!(!Approvers::Role("dba".into()).allow(&bob));
        assert!(Approvers::Users(vec!["bob".into()]).allow(&bob));
        assert!(!Approvers::Users(vec!["bob".into()]).allow(&alice));
        assert!(!Approvers::Auto.allow(&alice));
    }

    #[test]
    fn same_user_trims_and_ignores_ascii_case_only() {
        assert!(same_user("carol", "carol"));
        assert!(same_user("Carol", "carol"));
        assert!(same_user(" carol\t", "CAROL"));
        assert!(!same_user("carol", "carol2"));
        assert!(!same_user("carol", "caro l"));
        // Only ASCII letters fold: a dotted capital İ is another name.
        assert!(!same_user("\u{130}lker", "ilker"));
    }

    #[test]
    fn actors_need_a_name() {
        assert_eq!(Actor::new("bob", &[]).check_named("approve task 1"), Ok(()));
        for name in ["", "  ", "\t\n"] {
            assert_eq!(
                Actor::new(name, &["dba"]).check_named("approve task 1"),
                Err(Error::InvalidRequest(
                    "approve task 1: the actor's name is empty".into()
                ))
            );
        }
    }

    #[test]
    fn stored_flows_without_the_new_fields_forbid_self_approval() {
        let stored = r#"{"name":"prod","nodes":[{"name":"dba","approvers":{"role":"dba"}}],
            "rules":[{"connection":"*","database":"*"}],
            "approval_expiry_ms":3600000,"execution_expiry_ms":7200000}"#;
        let flow: ApprovalFlow = serde_json::from_str(stored).unwrap();
        assert!(flow.forbid_self_approval);
        assert!(!flow.allow_delegated_identity);
        // At their defaults the flags stay out of the JSON, so the document
        // reads back as it was written.
        let written = serde_json::to_value(&flow).unwrap();
        assert_eq!(
            written,
            serde_json::from_str::<serde_json::Value>(stored).unwrap()
        );

        let mut open = flow;
        open.forbid_self_approval = false;
        open.allow_delegated_identity = true;
        let text = serde_json::to_string(&open).unwrap();
        assert!(text.contains(r#""forbid_self_approval":false"#), "{text}");
        assert!(
            text.contains(r#""allow_delegated_identity":true"#),
            "{text}"
        );
        assert_eq!(serde_json::from_str::<ApprovalFlow>(&text).unwrap(), open);
    }

    #[test]
    fn manual_nodes_skip_auto_ones() {
        let f = flow(
            "f",
            vec![
                Approvers::Auto,
                Approvers::Role("dba".into()),
                Approvers::Auto,
                Approvers::Users(vec!["x".into()]),
                Approvers::Auto,
            ],
            &[("*", "*")],
        );
        assert_eq!(f.next_manual_node(0), Some(1));
        assert_eq!(f.next_manual_node(2), Some(3));
        assert_eq!(f.next_manual_node(4), None);
    }

    #[test]
    fn flow_lists_are_validated() {
        let good = flow("a", vec![Approvers::Auto], &[("*", "*")]);
        assert_eq!(validate_flows(std::slice::from_ref(&good)), Ok(()));
        assert!(validate_flows(&[good.clone(), good.clone()]).is_err());
        assert!(validate_flows(&[flow("b", vec![], &[("*", "*")])]).is_err());
        assert!(validate_flows(&[flow("b", vec![Approvers::Auto], &[])]).is_err());
        assert!(
            validate_flows(&[flow("b", vec![Approvers::Users(vec![])], &[("*", "*")])]).is_err()
        );
        let mut no_expiry = good;
        no_expiry.approval_expiry_ms = 0;
        assert!(validate_flows(&[no_expiry]).is_err());
    }
}
