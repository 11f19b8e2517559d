//! What each server family can and cannot do to a table, in one place.
//!
//! The diff writes statements for the flavor it is given; the facts it
//! needs about that flavor (how a keyword is spelled, which changes need a
//! different statement sequence, which cannot be done at all) live here, so
//! analysis can refuse a change before approval instead of the server
//! refusing it at run time. Every fact was learned from and is tested
//! against the real servers (MariaDB 10.11 and seekdb); MySQL 8 facts are
//! from its manual and parse-level only (no MySQL server in the test
//! environment).

use crate::executor::Flavor;
use crate::model::Table;

/// How an index's visibility to the optimizer is spelled: MariaDB says
/// `IGNORED` / `NOT IGNORED` and rejects `INVISIBLE` on an index; MySQL 8
/// and OceanBase say `INVISIBLE` / `VISIBLE`.
pub fn index_visibility_keyword(flavor: Flavor, visible: bool) -> &'static str {
    match (flavor, visible) {
        (Flavor::Mariadb, false) => "IGNORED",
        (Flavor::Mariadb, true) => "NOT IGNORED",
        (_, false) => "INVISIBLE",
        (_, true) => "VISIBLE",
    }
}

/// Whether `ADD INDEX … INVISIBLE` in an `ALTER TABLE` takes effect.
/// seekdb accepts the keyword there and ignores it (the index is created
/// visible); `ALTER INDEX i INVISIBLE` afterwards works. `CREATE TABLE`
/// honours it on every flavor.
pub fn honours_invisible_index_add(flavor: Flavor) -> bool {
    flavor != Flavor::Oceanbase
}

/// Whether `MODIFY COLUMN` must say `VISIBLE` to make an invisible column
/// visible again: seekdb keeps the column invisible otherwise. MariaDB has
/// no `VISIBLE` keyword for columns (a definition without `INVISIBLE` is
/// visible); MySQL 8 accepts it.
pub fn column_needs_visible_keyword(flavor: Flavor) -> bool {
    flavor != Flavor::Mariadb
}

/// A change an engine cannot make to an existing table, as the
/// `refused: <engine> cannot <change>` reason analysis shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incapable {
    /// The engine, as users know it.
    pub engine: &'static str,
    /// What it cannot do, in words.
    pub change: String,
}

impl std::fmt::Display for Incapable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} cannot {}", self.engine, self.change)
    }
}

/// The first change from `from` to `to` (both normalized) that `flavor`
/// cannot make to an existing table, if any. Analysis shows it as the
/// table's refusal, before approval.
///
/// | engine    | change                                   | why                                      |
/// |-----------|------------------------------------------|------------------------------------------|
/// | OceanBase | a column to or from `json`               | "Alter non string type not supported"    |
/// | OceanBase | removing partitioning                    | `REMOVE PARTITIONING` is a syntax error, no equivalent |
pub fn incapable(from: &Table, to: &Table, flavor: Flavor) -> Option<Incapable> {
    let engine = engine_name(flavor);
    if flavor == Flavor::Oceanbase {
        for old in &from.columns {
            let Some(new) = to
                .columns
                .iter()
                .find(|c| c.name.eq_ignore_ascii_case(&old.name))
            else {
                continue;
            };
            let json = |c: &crate::model::Column| c.data_type.name.eq_ignore_ascii_case("json");
            if json(old) != json(new) {
                return Some(Incapable {
                    engine,
                    change: format!(
                        "change column `{}` from {} to {} in place",
                        new.name, old.data_type.name, new.data_type.name
                    ),
                });
            }
        }
        if from.partitioning.is_some() && to.partitioning.is_none() {
            return Some(Incapable {
                engine,
                change: "remove a table's partitioning".to_string(),
            });
        }
    }
    None
}

/// The engine's name in messages.
pub fn engine_name(flavor: Flavor) -> &'static str {
    match flavor {
        Flavor::Mysql => "MySQL",
        Flavor::Mariadb => "MariaDB",
        Flavor::Oceanbase => "OceanBase",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visibility_is_spelled_per_engine() {
        assert_eq!(index_visibility_keyword(Flavor::Mariadb, false), "IGNORED");
        assert_eq!(
            index_visibility_keyword(Flavor::Mariadb, true),
            "NOT IGNORED"
        );
        assert_eq!(index_visibility_keyword(Flavor::Mysql, false), "INVISIBLE");
        assert_eq!(index_visibility_keyword(Flavor::Oceanbase, true), "VISIBLE");
    }
}
