//! Which tables' statements may run at once when a task runs several
//! statements at once ([`crate::task::TaskSpec::parallel`]).
//!
//! A table's statements run one after another, in the plan's order, and a
//! table waits for every earlier table of the plan it is joined to: one
//! whose shadow its statements name (a foreign key, a rename, a copy), or
//! whose current shadow has a foreign key into it, either way round. So
//! whatever the serial order settles between two tables (a parent created
//! before its child, a key added after the alter it needs, a foreign key
//! dropped before its parent changes) stays settled; tables with no such
//! tie run side by side. With one statement at a time the schedule is the
//! plan's order exactly.

use std::collections::HashMap;

use crate::guard::StatementGuard;
use crate::parse::parse_table;
use crate::plan::{FrozenPlan, PlannedAction};
use crate::shadow::naming::rebuild_names;

/// For each table of a plan, the earlier tables it must wait for.
#[derive(Debug, Default)]
pub(super) struct Dependencies(Vec<Vec<usize>>);

impl Dependencies {
    /// None: every table may run as soon as a session is free (what one
    /// statement at a time needs, where the plan's order decides).
    pub(super) fn none(tables: usize) -> Dependencies {
        Dependencies(vec![Vec::new(); tables])
    }

    /// The ties of `plan`'s tables as `guard` reads their statements, with
    /// `current[i]` the `SHOW CREATE TABLE` text of table `i`'s shadow now
    /// (`None`: absent or not read). `max_identifier_length` derives a
    /// rebuild's temporary names as the guard does.
    pub(super) fn of_plan(
        plan: &FrozenPlan,
        guard: &StatementGuard,
        current: &[Option<String>],
        max_identifier_length: usize,
    ) -> Dependencies {
        let tables = &plan.tables;
        let mut owner: HashMap<String, usize> = HashMap::new();
        for (i, table) in tables.iter().enumerate() {
            if table.action == PlannedAction::Skip {
                continue;
            }
            owner.insert(guard.name_key(&table.shadow), i);
            if table.rebuild {
                let (new, old) = rebuild_names(&table.shadow, max_identifier_length);
                owner.insert(guard.name_key(&new), i);
                owner.insert(guard.name_key(&old), i);
            }
        }
        let mut waits: Vec<Vec<usize>> = vec![Vec::new(); tables.len()];
        for (i, table) in tables.iter().enumerate() {
            if table.action == PlannedAction::Skip {
                continue;
            }
            let mut named: Vec<String> = table
                .statements
                .iter()
                .flat_map(|sql| guard.tables_named(sql))
                .collect();
            if let Some(Ok(shadow)) = current.get(i).and_then(Option::as_deref).map(parse_table) {
                named.extend(
                    shadow
                        .foreign_keys
                        .iter()
                        .filter(|fk| fk.ref_schema.is_none())
                        .map(|fk| guard.name_key(&fk.ref_table)),
                );
            }
            for name in named {
                let Some(&j) = owner.get(&name) else { continue };
                if j != i {
                    let (earlier, later) = (i.min(j), i.max(j));
                    if !waits[later].contains(&earlier) {
                        waits[later].push(earlier);
                    }
                }
            }
        }
        Dependencies(waits)
    }

    /// The earlier tables table `index` waits for.
    pub(super) fn of(&self, index: usize) -> &[usize] {
        self.0.get(index).map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::executor::{Flavor, ServerInfo};
    use crate::plan::PlannedTable;

    fn server() -> ServerInfo {
        ServerInfo {
            flavor: Flavor::Mariadb,
            version: "10.11".into(),
            database: "shop".into(),
            lower_case_table_names: 0,
            max_identifier_length: 64,
        }
    }

    fn plan(tables: Vec<PlannedTable>) -> FrozenPlan {
        FrozenPlan {
            shadows: None,
            connection: "mysql://u@h/shop".into(),
            database: "shop".into(),
            naming_rule: "prefix:__".into(),
            policy: Default::default(),
            read_only_parents: vec![crate::plan::TableRef {
                schema: None,
                table: "country".into(),
            }],
            tables,
        }
    }

    fn table(source: &str, action: PlannedAction, statements: &[&str]) -> PlannedTable {
        PlannedTable {
            action,
            statements: statements.iter().map(|s| s.to_string()).collect(),
            kinds: Vec::new(),
            ..crate::plan::tests::table(source, &[])
        }
    }

    #[test]
    fn tables_tied_by_a_key_either_way_keep_their_order() {
        let frozen = plan(vec![
            table(
                "parent",
                PlannedAction::Create,
                &["CREATE TABLE `__parent` (`id` int NOT NULL, PRIMARY KEY (`id`))"],
            ),
            table(
                "loner",
                PlannedAction::Create,
                &["CREATE TABLE `__loner` (`id` int NOT NULL, `c` int, FOREIGN KEY (`c`) REFERENCES `country` (`id`))"],
            ),
            table(
                "child",
                PlannedAction::Create,
                &["CREATE TABLE `__child` (`p` int, FOREIGN KEY (`p`) REFERENCES `__parent` (`id`))"],
            ),
            // Its statement names nobody; its shadow's key into `__loner`
            // ties it to that table all the same.
            table(
                "dropper",
                PlannedAction::Alter,
                &["ALTER TABLE `__dropper` DROP FOREIGN KEY `fk_1`"],
            ),
            table(
                "other",
                PlannedAction::Alter,
                &["ALTER TABLE `__other` ADD COLUMN `x` int"],
            ),
            table("same", PlannedAction::Skip, &[]),
        ]);
        let guard = StatementGuard::for_plan(&frozen, &server(), None).unwrap();
        let current = vec![
            None,
            None,
            None,
            Some("CREATE TABLE `__dropper` (`l` int, CONSTRAINT `fk_1` FOREIGN KEY (`l`) REFERENCES `__loner` (`id`))".to_string()),
            Some("CREATE TABLE `__other` (`id` int)".to_string()),
            None,
        ];
        let deps = Dependencies::of_plan(&frozen, &guard, &current, 64);
        assert_eq!(deps.of(0), &[] as &[usize]);
        assert_eq!(
            deps.of(1),
            &[] as &[usize],
            "a read-only parent ties nobody"
        );
        assert_eq!(deps.of(2), &[0]);
        assert_eq!(deps.of(3), &[1]);
        assert_eq!(deps.of(4), &[] as &[usize]);
        assert_eq!(deps.of(5), &[] as &[usize]);
    }

    #[test]
    fn a_later_table_that_is_referenced_waits_all_the_same() {
        // The plan put the child first (a key its parent's alter adds
        // later, in the parent's statements): the parent waits for it.
        let frozen = plan(vec![
            table(
                "child",
                PlannedAction::Create,
                &["CREATE TABLE `__child` (`p` int)"],
            ),
            table(
                "parent",
                PlannedAction::Alter,
                &[
                    "ALTER TABLE `__parent` ADD UNIQUE KEY `u` (`id`)",
                    "ALTER TABLE `__child` ADD CONSTRAINT `f` FOREIGN KEY (`p`) REFERENCES `__parent` (`id`)",
                ],
            ),
        ]);
        let guard = StatementGuard::for_plan(&frozen, &server(), None).unwrap();
        let deps = Dependencies::of_plan(&frozen, &guard, &[None, None], 64);
        assert_eq!(deps.of(1), &[0]);
        assert_eq!(deps.of(0), &[] as &[usize]);
    }
}
