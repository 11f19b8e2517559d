//! The `rebuild` shadow policy: a shadow whose change the engine cannot
//! make in place (see [`crate::engine::incapable`]) is built anew instead
//! of refused, keeping its rows:
//!
//! 1. `CREATE TABLE <new>` with the desired definition, under a temporary name;
//! 2. `INSERT INTO <new> (<columns>) SELECT <columns> FROM <shadow>`: the
//!    columns both definitions have (generated ones excepted), converted
//!    by the server, in one transaction (a failed conversion fails the
//!    statement and leaves the old shadow as it was);
//! 3. `ALTER TABLE <shadow> RENAME TO <old>`, then `ALTER TABLE <new>
//!    RENAME TO <shadow>`;
//! 4. `DROP TABLE <old>`.
//!
//! Every step can be read off the schema after a crash (the copy by
//! counting rows), so an interrupted rebuild resumes without sending a
//! statement twice. Writes to the shadow while its rows are copied are
//! lost: rebuild between load tests. Tables with foreign keys (either
//! way) are not rebuilt: their constraints would have to move with them;
//! nor, where CHECK names are unique per database (MySQL 8, OceanBase),
//! tables with CHECK constraints: the new table could not carry their
//! names while the old one exists.
//! The temporary names come from the shadow's name alone
//! ([`crate::shadow::naming::rebuild_names`]), so the statement guard
//! derives them itself.

use crate::engine;
use crate::executor::Flavor;
use crate::model::Table;
use crate::render::{create_table, quote_ident};
use crate::statement::{PlannedStatement, StatementKind};

/// Why `current` (the existing shadow) cannot be rebuilt into `desired`,
/// if it cannot.
pub fn rebuild_problem(current: &Table, desired: &Table, flavor: Flavor) -> Option<String> {
    if !current.foreign_keys.is_empty() || !desired.foreign_keys.is_empty() {
        return Some(format!(
            "`{}` has foreign keys, whose constraints would have to move with it",
            current.name
        ));
    }
    if engine::check_names_per_database(flavor) && !desired.checks.is_empty() {
        return Some(format!(
            "`{}` has CHECK constraints, whose names {} keeps unique per database: the new \
             table could not carry them while the old one exists",
            current.name,
            engine::engine_name(flavor)
        ));
    }
    if copied_columns(current, desired).is_empty() {
        return Some(format!(
            "`{}` and its new definition share no column to copy",
            current.name
        ));
    }
    None
}

/// The columns whose values the copy carries over: in both definitions
/// (names compared as the server does, ignoring case) and not generated
/// in the new one; in the new definition's spelling and order.
fn copied_columns(current: &Table, desired: &Table) -> Vec<String> {
    desired
        .columns
        .iter()
        .filter(|c| c.generated.is_none())
        .filter(|c| {
            current
                .columns
                .iter()
                .any(|old| old.name.eq_ignore_ascii_case(&c.name))
        })
        .map(|c| c.name.clone())
        .collect()
}

/// The statements of a rebuild of shadow `current` into `desired`, the
/// temporary names being `names` ([`crate::shadow::naming::rebuild_names`]).
pub fn rebuild_statements(
    current: &Table,
    desired: &Table,
    names: &(String, String),
) -> Vec<PlannedStatement> {
    let (new, old) = names;
    let shadow = quote_ident(&current.name);
    let mut fresh = desired.clone();
    fresh.name = new.clone();
    let columns = copied_columns(current, desired)
        .iter()
        .map(|c| quote_ident(c))
        .collect::<Vec<_>>()
        .join(", ");
    let rename = |from: &str, to: &str| {
        PlannedStatement::new(
            format!(
                "ALTER TABLE {} RENAME TO {}",
                quote_ident(from),
                quote_ident(to)
            ),
            StatementKind::RenameSwap {
                from: from.to_string(),
                to: to.to_string(),
            },
        )
    };
    vec![
        PlannedStatement::new(
            create_table(&fresh),
            StatementKind::CreateRebuildTable {
                table: new.clone(),
                shadow: current.name.clone(),
            },
        ),
        PlannedStatement::new(
            format!(
                "INSERT INTO {} ({columns}) SELECT {columns} FROM {shadow}",
                quote_ident(new)
            ),
            StatementKind::CopyRows {
                into: new.clone(),
                from: current.name.clone(),
            },
        ),
        rename(&current.name, old),
        rename(new, &current.name),
        PlannedStatement::new(
            format!("DROP TABLE {}", quote_ident(old)),
            StatementKind::DropOldTable { table: old.clone() },
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_table;
    use crate::shadow::naming::rebuild_names;

    #[test]
    fn the_copy_carries_the_shared_plain_columns() {
        let current = parse_table(
            "CREATE TABLE `__t` (`id` int NOT NULL, `Doc` text, `gone` int, PRIMARY KEY (`id`))",
        )
        .unwrap();
        let desired = parse_table(
            "CREATE TABLE `__t` (`id` int NOT NULL, `doc` json, `v` int AS (`id` + 1) VIRTUAL, PRIMARY KEY (`id`))",
        )
        .unwrap();
        let names = rebuild_names("__t", 64);
        let planned = rebuild_statements(&current, &desired, &names);
        let statements = crate::statement::sql_of(&planned);
        assert!(
            statements[0].starts_with("CREATE TABLE `__t__ssnew` ("),
            "{}",
            statements[0]
        );
        assert_eq!(
            statements[1..],
            [
                "INSERT INTO `__t__ssnew` (`id`, `doc`) SELECT `id`, `doc` FROM `__t`".to_string(),
                "ALTER TABLE `__t` RENAME TO `__t__ssold`".into(),
                "ALTER TABLE `__t__ssnew` RENAME TO `__t`".into(),
                "DROP TABLE `__t__ssold`".into(),
            ]
        );
        let kinds: Vec<StatementKind> = planned.into_iter().map(|s| s.kind).collect();
        let name = |n: &str| n.to_string();
        assert_eq!(
            kinds,
            [
                StatementKind::CreateRebuildTable {
                    table: name("__t__ssnew"),
                    shadow: name("__t"),
                },
                StatementKind::CopyRows {
                    into: name("__t__ssnew"),
                    from: name("__t"),
                },
                StatementKind::RenameSwap {
                    from: name("__t"),
                    to: name("__t__ssold"),
                },
                StatementKind::RenameSwap {
                    from: name("__t__ssnew"),
                    to: name("__t"),
                },
                StatementKind::DropOldTable {
                    table: name("__t__ssold"),
                },
            ]
        );
        assert_eq!(rebuild_problem(&current, &desired, Flavor::Oceanbase), None);
        let checked =
            parse_table("CREATE TABLE `__t` (`id` int NOT NULL, CONSTRAINT `c` CHECK (`id` > 0))")
                .unwrap();
        assert!(rebuild_problem(&current, &checked, Flavor::Oceanbase)
            .unwrap()
            .contains("CHECK"));
        assert_eq!(rebuild_problem(&current, &checked, Flavor::Mariadb), None);
        let with_fk = parse_table(
            "CREATE TABLE `__t` (`id` int NOT NULL, `p` int, PRIMARY KEY (`id`), FOREIGN KEY (`p`) REFERENCES `__p` (`id`))",
        )
        .unwrap();
        assert!(rebuild_problem(&with_fk, &desired, Flavor::Mariadb)
            .unwrap()
            .contains("foreign keys"));
    }
}
