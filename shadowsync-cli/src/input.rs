//! Reading DDL files and dumps (`mysqldump`, `mariadb-dump`; `-` for
//! stdin) into table models, with errors that point into the file and a
//! warning for each view, trigger, routine, event or sequence passed over.

use std::collections::HashSet;
use std::fs;
use std::io::{self, Read};
use std::path::Path;

use shadowsync_core::parse::{parse_script, PassedOverKind, Script};
use shadowsync_core::{ParseError, Table};

use crate::failure::Failure;
use crate::verbosity;

/// The path that means standard input.
pub const STDIN: &str = "-";

/// Every table the file at `path` (or stdin for `-`) defines; the other
/// schema objects of a dump are named in warnings on stderr.
pub fn read_tables(path: &Path) -> Result<Vec<Table>, Failure> {
    let (shown, sql) = read_text(path)?;
    let script = parse_script(&sql).map_err(|e| Failure::BadInput(locate(&shown, &e)))?;
    for warning in passed_over_warnings(&shown, &script) {
        verbosity::warn(&warning);
    }
    Ok(script.tables)
}

/// The name of the input in messages, and its text.
fn read_text(path: &Path) -> Result<(String, String), Failure> {
    if path.as_os_str() == STDIN {
        let mut sql = String::new();
        io::stdin()
            .read_to_string(&mut sql)
            .map_err(|e| Failure::Other(format!("cannot read the standard input: {e}")))?;
        return Ok(("<stdin>".into(), sql));
    }
    let sql = fs::read_to_string(path)
        .map_err(|e| Failure::Other(format!("cannot read {}: {e}", path.display())))?;
    Ok((path.display().to_string(), sql))
}

/// One warning per schema object the script defines besides its tables
/// (once per object: a dump creates a view twice), pointing at where.
fn passed_over_warnings(shown: &str, script: &Script) -> Vec<String> {
    let mut seen: HashSet<(PassedOverKind, Option<&str>)> = HashSet::new();
    script
        .passed_over
        .iter()
        .filter(|p| p.kind.is_schema_object())
        .filter(|p| seen.insert((p.kind, p.name.as_deref())))
        .map(|p| {
            let name = p
                .name
                .as_deref()
                .map_or_else(String::new, |n| format!(" `{n}`"));
            format!(
                "{shown}:{}: {}{name} passed over (only tables are compared)",
                p.location.line,
                p.kind.noun()
            )
        })
        .collect()
}

/// `file:line:column: message (table `t`)`, the form editors and terminals link.
fn locate(shown: &str, err: &ParseError) -> String {
    let mut msg = format!(
        "{shown}:{}:{}: {}",
        err.location.line, err.location.column, err.message
    );
    if let Some(table) = &err.table {
        msg.push_str(&format!(" (table `{table}`)"));
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;
    use shadowsync_core::Location;

    #[test]
    fn locate_names_file_position_and_table() {
        let mut err = ParseError::new(Location { line: 3, column: 9 }, "unexpected `)`");
        assert_eq!(locate("a.sql", &err), "a.sql:3:9: unexpected `)`");
        err.table = Some("t".into());
        assert_eq!(
            locate("a.sql", &err),
            "a.sql:3:9: unexpected `)` (table `t`)"
        );
    }

    #[test]
    fn each_object_is_named_once() {
        let script = parse_script(
            "CREATE TABLE a (id int);\n/*!50001 CREATE VIEW `v` AS SELECT 1 AS `id` */;\n\
             INSERT INTO a VALUES (1);\n/*!50001 CREATE ALGORITHM=UNDEFINED */ /*!50001 VIEW `v` AS select 1 */;\n\
             CREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW SET @x = 1;",
        )
        .unwrap();
        assert_eq!(
            passed_over_warnings("d.sql", &script),
            [
                "d.sql:2: view `v` passed over (only tables are compared)",
                "d.sql:5: trigger `t` passed over (only tables are compared)",
            ]
        );
    }
}
