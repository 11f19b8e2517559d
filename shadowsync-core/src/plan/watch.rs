//! What a recurring watch needs from a plan: whether it is additive (the
//! rule a flow's `auto_approve = "additive"` applies) and its drift
//! identity (what "the same drift" means when several watchers share a
//! store).

use crate::fingerprint::fnv1a;
use crate::statement::{AlterClause, StatementKind};

use super::{FrozenPlan, PlannedAction, PlannedTable};

impl FrozenPlan {
    /// `None` when every statement of the plan only adds: the `CREATE
    /// TABLE` of a missing shadow, an `ADD COLUMN` after every column the
    /// shadow keeps, a plain `ADD KEY`. Otherwise the first table and
    /// statement that is not, with why.
    ///
    /// Conservative by construction: it reads the typed statement kinds, so
    /// a plan without them (recorded before they existed), a skip that is a
    /// refusal, an adopted or rebuilt shadow, and an `ALTER` mixing an
    /// additive clause with any other are all "not additive". A `UNIQUE`
    /// key is not additive: it can fail on the shadow's rows and changes
    /// which writes the test traffic may make. `FULLTEXT` and `SPATIAL`
    /// keys are not either (they rebuild the table on InnoDB).
    pub fn not_additive(&self) -> Option<String> {
        let mut runs = false;
        for table in &self.tables {
            if table.action == PlannedAction::Skip {
                continue;
            }
            runs = true;
            if let Some(why) = table_not_additive(table) {
                return Some(format!("`{}`: {why}", table.source));
            }
        }
        (!runs).then(|| "the plan runs no statement".to_string())
    }

    /// The identity of the drift this plan repairs: the same text for two
    /// analyses that saw the same source and shadow tables (by fingerprint)
    /// and would run the same statements, on the same server (the
    /// connection's scheme, host and port: not its account, password,
    /// database path or options), databases and naming rule. Tables in step do not count, so a new table that is
    /// already in step does not make a new drift. `drift:` and 16 hex digits
    /// (64-bit FNV-1a over the canonical JSON of those facts).
    pub fn drift_identity(&self) -> String {
        let tables: Vec<_> = self
            .tables
            .iter()
            .filter(|t| t.action != PlannedAction::Skip)
            .map(|t| {
                serde_json::json!([
                    t.source,
                    t.shadow,
                    t.action,
                    t.source_fingerprint,
                    t.shadow_fingerprint,
                    t.statements,
                ])
            })
            .collect();
        let facts = serde_json::json!([
            connection_key(&self.connection),
            self.database,
            self.shadow_database(),
            self.naming_rule,
            tables,
        ]);
        format!("drift:{:016x}", fnv1a(facts.to_string().as_bytes()))
    }
}

/// `connection` as far as it says where a drift is: `scheme://host:port`,
/// the server. Neither the account nor its password (masked or not), the
/// database path (the plan names its databases) or the query's options
/// (`?ssl-mode=…`) count, so that watchers whose URLs differ only there
/// name one drift alike. A connection that is not a URL (a host's own name
/// for it) is itself.
fn connection_key(connection: &str) -> String {
    let Some((scheme, rest)) = connection.split_once("://") else {
        return connection.to_string();
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let server = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    format!("{scheme}://{}", server.to_ascii_lowercase())
}

fn table_not_additive(table: &PlannedTable) -> Option<String> {
    if table.adopted {
        return Some("adopts an existing shadow".into());
    }
    if table.rebuild {
        return Some("rebuilds the shadow".into());
    }
    if table.kinds.len() != table.statements.len() {
        return Some("its statements are not typed".into());
    }
    for kind in &table.kinds {
        let fits = match kind {
            StatementKind::CreateTable { .. } => table.action == PlannedAction::Create,
            StatementKind::AlterTable { clauses, .. } => {
                !clauses.is_empty() && clauses.iter().all(clause_is_additive)
            }
            _ => false,
        };
        if !fits {
            return Some(format!("{} is not additive", describe(kind)));
        }
    }
    None
}

fn clause_is_additive(clause: &AlterClause) -> bool {
    matches!(
        clause,
        AlterClause::AddColumn { at_end: true, .. } | AlterClause::AddIndex { plain: true, .. }
    )
}

fn describe(kind: &StatementKind) -> String {
    match kind {
        StatementKind::AlterTable { clauses, .. } => {
            let first = clauses.iter().find(|c| !clause_is_additive(c));
            match first {
                Some(AlterClause::AddColumn { column, .. }) => {
                    format!("adding column `{column}` before existing columns")
                }
                Some(AlterClause::AddIndex { index, .. }) => format!(
                    "adding the unique, fulltext or spatial key `{}`",
                    index.as_deref().unwrap_or("(unnamed)")
                ),
                Some(other) => format!("the ALTER clause {}", clause_name(other)),
                None => "an empty ALTER".into(),
            }
        }
        other => format!("statement {}", kind_name(other)),
    }
}

fn clause_name(clause: &AlterClause) -> String {
    serde_json::to_value(clause)
        .ok()
        .and_then(|v| v.get("clause").and_then(|c| c.as_str()).map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

fn kind_name(kind: &StatementKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.get("kind").and_then(|c| c.as_str()).map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(action: PlannedAction, kinds: Vec<StatementKind>) -> PlannedTable {
        PlannedTable {
            source: "t".into(),
            shadow: "__t".into(),
            action,
            reason: None,
            skip_reason: None,
            statements: kinds.iter().map(|_| "…".to_string()).collect(),
            kinds,
            source_fingerprint: "s".into(),
            shadow_fingerprint: Some("h".into()),
            adopted: false,
            rebuild: false,
        }
    }

    fn plan(tables: Vec<PlannedTable>) -> FrozenPlan {
        FrozenPlan {
            connection: "mysql://u@h/db".into(),
            database: "db".into(),
            naming_rule: "prefix:__".into(),
            policy: Default::default(),
            tables,
            read_only_parents: vec![],
            shadows: None,
        }
    }

    fn alter(clauses: Vec<AlterClause>) -> StatementKind {
        StatementKind::AlterTable {
            table: "__t".into(),
            clauses,
        }
    }

    fn add_column(at_end: bool) -> AlterClause {
        AlterClause::AddColumn {
            column: "c".into(),
            at_end,
        }
    }

    fn add_index(plain: bool) -> AlterClause {
        AlterClause::AddIndex {
            index: Some("k".into()),
            plain,
        }
    }

    fn additive(tables: Vec<PlannedTable>) -> bool {
        plan(tables).not_additive().is_none()
    }

    #[test]
    fn creates_trailing_columns_and_plain_keys_are_additive() {
        let create = StatementKind::CreateTable {
            table: "__t".into(),
        };
        assert!(additive(vec![table(PlannedAction::Create, vec![create])]));
        assert!(additive(vec![table(
            PlannedAction::Alter,
            vec![alter(vec![add_column(true), add_index(true)])]
        )]));
        // Tables in step are passed over.
        let mut skip = table(PlannedAction::Skip, vec![]);
        skip.source = "u".into();
        assert!(additive(vec![
            skip,
            table(PlannedAction::Alter, vec![alter(vec![add_column(true)])])
        ]));
    }

    #[test]
    fn everything_else_is_not() {
        let mixed = alter(vec![
            add_column(true),
            AlterClause::DropColumn { column: "d".into() },
        ]);
        let cases = [
            (
                vec![alter(vec![add_column(false)])],
                "before existing columns",
            ),
            (
                vec![alter(vec![add_index(false)])],
                "unique, fulltext or spatial",
            ),
            (vec![mixed], "drop_column"),
            (
                vec![alter(vec![AlterClause::TableCharset])],
                "table_charset",
            ),
            (vec![alter(vec![])], "empty ALTER"),
            (
                vec![StatementKind::DropTable {
                    table: "__t".into(),
                }],
                "drop_table",
            ),
        ];
        for (kinds, why) in cases {
            let got = plan(vec![table(PlannedAction::Alter, kinds.clone())]).not_additive();
            assert!(
                got.as_deref().is_some_and(|g| g.contains(why)),
                "{kinds:?}: {got:?}"
            );
        }
        // A CREATE TABLE that is not the create of a missing shadow.
        let create = StatementKind::CreateTable {
            table: "__t".into(),
        };
        assert!(!additive(vec![table(
            PlannedAction::Alter,
            vec![create.clone()]
        )]));
        let mut adopted = table(PlannedAction::Alter, vec![alter(vec![add_column(true)])]);
        adopted.adopted = true;
        assert!(!additive(vec![adopted]));
        let mut rebuilt = table(PlannedAction::Alter, vec![alter(vec![add_column(true)])]);
        rebuilt.rebuild = true;
        assert!(!additive(vec![rebuilt]));
        // Untyped statements (a plan from before kinds existed).
        let mut untyped = table(PlannedAction::Create, vec![create]);
        untyped.kinds.clear();
        assert!(!additive(vec![untyped]));
        assert!(!additive(vec![table(PlannedAction::Skip, vec![])]));
    }

    #[test]
    fn drift_identity_follows_fingerprints_and_statements_only() {
        let base = plan(vec![table(
            PlannedAction::Alter,
            vec![alter(vec![add_column(true)])],
        )]);
        let same = base.clone();
        assert_eq!(base.drift_identity(), same.drift_identity());
        assert!(base.drift_identity().starts_with("drift:"));
        let mut in_step = table(PlannedAction::Skip, vec![]);
        in_step.source = "u".into();
        let mut with_skip = base.clone();
        with_skip.tables.push(in_step);
        assert_eq!(base.drift_identity(), with_skip.drift_identity());
        let mut moved = base.clone();
        moved.tables[0].source_fingerprint = "s2".into();
        assert_ne!(base.drift_identity(), moved.drift_identity());
        let mut other_sql = base.clone();
        other_sql.tables[0].statements = vec!["other".into()];
        assert_ne!(base.drift_identity(), other_sql.drift_identity());
    }

    #[test]
    fn a_drift_is_one_whatever_the_password_and_options_of_the_url() {
        let at = |connection: &str| {
            let mut plan = plan(vec![table(
                PlannedAction::Alter,
                vec![alter(vec![add_column(true)])],
            )]);
            plan.connection = connection.into();
            plan.drift_identity()
        };
        let plain = at("mysql://dba@db1:3306/shop");
        for same in [
            "mysql://dba:secret@db1:3306/shop",
            "mysql://dba:***@db1:3306/shop",
            "mysql://app@DB1:3306/",
            "mysql://db1:3306",
            "mysql://dba@db1:3306/shop?ssl-mode=verify-identity",
        ] {
            assert_eq!(at(same), plain, "{same}");
        }
        for other in ["mysql://dba@db2:3306/shop", "mysql://dba@db1:3307/shop"] {
            assert_ne!(at(other), plain, "{other}");
        }
        assert_eq!(connection_key("python:Host"), "python:Host");
    }
}
