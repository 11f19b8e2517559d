//! Reading DDL files into table models, with errors that point into the file.

use std::fs;
use std::path::Path;

use shadowsync_core::parse::parse_tables;
use shadowsync_core::{ParseError, Table};

use crate::failure::Failure;

/// Every `CREATE TABLE` of the file at `path`.
pub fn read_tables(path: &Path) -> Result<Vec<Table>, Failure> {
    let sql = fs::read_to_string(path)
        .map_err(|e| Failure::Other(format!("cannot read {}: {e}", path.display())))?;
    parse_tables(&sql).map_err(|e| Failure::BadInput(locate(path, &e)))
}

/// `file:line:column: message (table `t`)`, the form editors and terminals link.
fn locate(path: &Path, err: &ParseError) -> String {
    let mut msg = format!(
        "{}:{}:{}: {}",
        path.display(),
        err.location.line,
        err.location.column,
        err.message
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
        assert_eq!(
            locate(Path::new("a.sql"), &err),
            "a.sql:3:9: unexpected `)`"
        );
        err.table = Some("t".into());
        assert_eq!(
            locate(Path::new("a.sql"), &err),
            "a.sql:3:9: unexpected `)` (table `t`)"
        );
    }
}
