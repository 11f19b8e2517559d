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

/// Whether each `ALTER TABLE` may carry one clause only: OceanBase refuses
/// most combinations in one statement (index drop + add, constraint + other
/// DDL, primary key changes, drop + add of a column with the same name);
/// MySQL and MariaDB take every clause of a table in one statement.
pub fn one_clause_per_alter(flavor: Flavor) -> bool {
    flavor == Flavor::Oceanbase
}

/// Whether new and changed columns must come before dropped ones: with
/// one clause per statement OceanBase would otherwise refuse to drop a
/// table's last column.
pub fn adds_columns_before_drops(flavor: Flavor) -> bool {
    flavor == Flavor::Oceanbase
}

/// How a CHECK constraint is dropped by name: MariaDB `DROP CONSTRAINT`;
/// MySQL 8 and OceanBase `DROP CHECK`.
pub fn check_drop_keyword(flavor: Flavor) -> &'static str {
    if flavor == Flavor::Mariadb {
        "CONSTRAINT"
    } else {
        "CHECK"
    }
}

/// Whether adding a foreign key replaces the index the server created
/// implicitly for another one on the same columns (renaming it after the
/// new constraint), so that the diff re-creates the supporting index
/// explicitly to keep the target's index name: MySQL and MariaDB.
pub fn fk_add_replaces_implicit_index(flavor: Flavor) -> bool {
    flavor != Flavor::Oceanbase
}

/// Whether an index a kept foreign key could use is dropped only with that
/// foreign key released first (dropped, then added again after), even
/// where another index serves the key: OceanBase (checked on seekdb).
pub fn index_drop_needs_fk_release(flavor: Flavor) -> bool {
    flavor == Flavor::Oceanbase
}

/// Whether an index is renamed with `RENAME INDEX` (MySQL 5.7+, MariaDB
/// 10.5+). OceanBase refuses `RENAME INDEX k TO K` as a duplicate name, so
/// there an index whose name changes is dropped and added again.
pub fn renames_indexes(flavor: Flavor) -> bool {
    flavor != Flavor::Oceanbase
}

/// Whether a change of a generated column's expression or type needs the
/// column dropped and added again: OceanBase refuses it ("Modify generated
/// column definition not supported"). Every server refuses a switch
/// between plain, VIRTUAL and STORED in place (MySQL error 3106): that is
/// not an engine rule.
pub fn generated_change_needs_recreate(flavor: Flavor) -> bool {
    flavor == Flavor::Oceanbase
}

/// Whether a prefix or FULLTEXT index over a column keeps `MODIFY COLUMN`
/// from changing that column, so the index is dropped and re-created
/// around the change: OceanBase.
pub fn index_blocks_column_modify(flavor: Flavor) -> bool {
    flavor == Flavor::Oceanbase
}

/// Whether a column gaining `AUTO_INCREMENT` in an `ALTER` that also adds
/// indexes gets it last, in a `MODIFY` after the indexes: OceanBase refuses
/// `AUTO_INCREMENT` before its key exists, even within one statement.
pub fn auto_increment_after_index_adds(flavor: Flavor) -> bool {
    flavor == Flavor::Oceanbase
}

/// Whether a CHECK written on a column stays tied to it: MariaDB prints it
/// with the column; MySQL and OceanBase print every check at table level.
pub fn keeps_column_checks(flavor: Flavor) -> bool {
    flavor == Flavor::Mariadb
}

/// Whether a JSON column has a character set: on MariaDB JSON is an alias
/// of LONGTEXT; MySQL and OceanBase reject a character set on it.
pub fn json_has_charset(flavor: Flavor) -> bool {
    flavor == Flavor::Mariadb
}

/// The default collation of `charset` on `flavor`, where it is known
/// (MySQL 8 changed utf8mb4's to `utf8mb4_0900_ai_ci`).
pub fn default_collation(charset: &str, flavor: Flavor) -> Option<String> {
    let coll = match (charset, flavor) {
        ("utf8mb4", Flavor::Mysql) => "utf8mb4_0900_ai_ci",
        ("utf8mb4", _) => "utf8mb4_general_ci",
        ("utf8mb3", _) => "utf8mb3_general_ci",
        ("latin1", _) => "latin1_swedish_ci",
        ("ascii", _) => "ascii_general_ci",
        ("binary", _) => "binary",
        ("gbk", _) => "gbk_chinese_ci",
        ("gb18030", _) => "gb18030_chinese_ci",
        ("utf16", _) => "utf16_general_ci",
        ("ucs2", _) => "ucs2_general_ci",
        ("utf32", _) => "utf32_general_ci",
        ("big5", _) => "big5_chinese_ci",
        ("cp1251", _) => "cp1251_general_ci",
        ("latin2", _) => "latin2_general_ci",
        _ => return None,
    };
    Some(coll.to_string())
}

/// Whether CHECK constraint names are unique per database rather than per
/// table: MySQL 8 and OceanBase (`Duplicate check constraint name` for a
/// second table with one); MariaDB names them per table.
pub fn check_names_per_database(flavor: Flavor) -> bool {
    flavor != Flavor::Mariadb
}

/// Whether `SHOW CREATE TABLE` prints some values inexactly: seekdb prints
/// ENUM/SET members and LIST partition values without escaping them, so
/// a table holding them is read exactly only with the catalog's facts
/// (see [`crate::analysis::exact`]). MySQL and MariaDB escape what they print.
pub fn prints_values_inexactly(flavor: Flavor) -> bool {
    flavor == Flavor::Oceanbase
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
