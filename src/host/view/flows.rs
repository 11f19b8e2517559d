//! The views of approval flows: one flow, and the store's flows in
//! priority order.

use serde::Serialize;
use shadowsync_core::task::{ApprovalFlow, Approvers};

use super::SCHEMA_VERSION;

/// The approval flows of a task store, highest priority first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlowListView {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// `"flow_list"`.
    pub kind: &'static str,
    /// The flows; a task gets the first whose rules match it, else the
    /// built-in automatic flow.
    pub flows: Vec<FlowView>,
}

/// One approval flow template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlowView {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// `"flow"`.
    pub kind: &'static str,
    /// Its unique name.
    pub name: String,
    /// Its place in the priority order, from 1.
    pub priority: usize,
    /// The nodes, decided in order.
    pub nodes: Vec<FlowNodeView>,
    /// The flow applies to a task when any rule matches it.
    pub rules: Vec<FlowRuleView>,
    /// How long after submission the approval may take, in milliseconds.
    pub approval_expiry_ms: u64,
    /// How long a due task may wait for a worker, in milliseconds.
    pub execution_expiry_ms: u64,
    /// Whether a task's creator is refused as its approver.
    pub forbid_self_approval: bool,
    /// Whether hosts may act on behalf of another user (the CLI's `--as`).
    pub allow_delegated_identity: bool,
    /// Which tasks pass every node by themselves: `never` or `additive`.
    pub auto_approve: &'static str,
}

/// One node of a [`FlowView`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlowNodeView {
    /// Shown in the timeline.
    pub name: String,
    /// `auto`, `role` or `users`.
    pub approvers: &'static str,
    /// The role that may decide (`role` nodes).
    pub role: Option<String>,
    /// The users who may decide (`users` nodes; empty otherwise).
    pub users: Vec<String>,
}

/// One match rule of a [`FlowView`]: globs, `*` for any run of characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlowRuleView {
    /// Pattern for the (redacted) connection.
    pub connection: String,
    /// Pattern for the database.
    pub database: String,
}

impl FlowListView {
    /// The view of `flows`, in their priority order.
    pub fn of(flows: &[ApprovalFlow]) -> FlowListView {
        FlowListView {
            schema_version: SCHEMA_VERSION,
            kind: "flow_list",
            flows: flows
                .iter()
                .enumerate()
                .map(|(i, flow)| FlowView::of(flow, i + 1))
                .collect(),
        }
    }
}

impl FlowView {
    /// The view of `flow`, at `priority` (from 1).
    pub fn of(flow: &ApprovalFlow, priority: usize) -> FlowView {
        FlowView {
            schema_version: SCHEMA_VERSION,
            kind: "flow",
            name: flow.name.clone(),
            priority,
            nodes: flow
                .nodes
                .iter()
                .map(|node| {
                    let (approvers, role, users) = match &node.approvers {
                        Approvers::Auto => ("auto", None, Vec::new()),
                        Approvers::Role(role) => ("role", Some(role.clone()), Vec::new()),
                        Approvers::Users(users) => ("users", None, users.clone()),
                    };
                    FlowNodeView {
                        name: node.name.clone(),
                        approvers,
                        role,
                        users,
                    }
                })
                .collect(),
            rules: flow
                .rules
                .iter()
                .map(|rule| FlowRuleView {
                    connection: rule.connection.clone(),
                    database: rule.database.clone(),
                })
                .collect(),
            // Validated positive when the flows were set.
            approval_expiry_ms: u64::try_from(flow.approval_expiry_ms).unwrap_or_default(),
            execution_expiry_ms: u64::try_from(flow.execution_expiry_ms).unwrap_or_default(),
            forbid_self_approval: flow.forbid_self_approval,
            allow_delegated_identity: flow.allow_delegated_identity,
            auto_approve: flow.auto_approve.as_str(),
        }
    }
}
