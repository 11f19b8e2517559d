//! Reading the tables of a SQL script as people have them: a file of
//! `CREATE TABLE` statements, or a `mysqldump` / `mariadb-dump` dump with
//! its header comments, `SET` statements, `DROP TABLE IF EXISTS`,
//! `LOCK TABLES`, rows, and `DELIMITER` blocks of triggers and routines.
//!
//! Only `CREATE TABLE` statements are parsed (by [`super::parse_tables`]);
//! every other statement is classified and either passed over, reported as
//! a [`PassedOver`] (views, triggers, routines, events and sequences are
//! objects the caller should warn about), or refused when passing over it
//! would lose part of a table's definition (`ALTER TABLE`, `CREATE INDEX`).

mod classify;
mod split;

pub use classify::PassedOverKind;

use crate::error::{Location, ParseError};
use crate::model::Table;
use classify::{classify, Class};

/// The tables a script defines, and what it holds besides.
#[derive(Debug, Clone, PartialEq)]
pub struct Script {
    /// Its tables, in order.
    pub tables: Vec<Table>,
    /// Its other statements, in order.
    pub passed_over: Vec<PassedOver>,
}

/// A statement of a script that defines no table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassedOver {
    /// Where it starts.
    pub location: Location,
    /// What it is.
    pub kind: PassedOverKind,
    /// The object it creates, for `CREATE VIEW` and the like.
    pub name: Option<String>,
}

/// Reads the tables of `sql`, a DDL file or a dump (see the module).
///
/// Errors carry the line and column in `sql` itself. A view that a dump
/// first creates as a stand-in table (as old `mysqldump` versions did) is
/// not a table: tables named like a view of the same script are dropped.
pub fn parse_script(sql: &str) -> Result<Script, ParseError> {
    let pieces = split::split(sql)?;
    // The tables are parsed in place, from a copy of the text in which
    // everything else is blanked out character by character (newlines
    // kept), so that the parser's lines and columns are those of `sql`.
    let mut kept = String::with_capacity(sql.len());
    let mut copied = 0;
    let mut passed_over = Vec::new();
    let mut lines = Lines::new(sql);
    for piece in &pieces {
        let text = &sql[piece.start..piece.end];
        let begins = statement_start(text) + piece.start;
        match classify(sql, begins, text)? {
            Class::Table => {
                blank_into(&mut kept, &sql[copied..piece.start]);
                kept.push_str(text);
                let delimiter = &sql[piece.end..piece.end + piece.delimiter_len];
                if let Some(first) = delimiter.chars().next() {
                    // One `;` in place of the delimiter's first character.
                    kept.push(';');
                    blank_into(&mut kept, &delimiter[first.len_utf8()..]);
                }
                copied = piece.end + piece.delimiter_len;
            }
            Class::PassedOver(kind, name) => passed_over.push(PassedOver {
                location: lines.at(begins),
                kind,
                name,
            }),
        }
    }
    blank_into(&mut kept, &sql[copied..]);
    let mut tables = super::parse_tables(&kept)?;
    let views: Vec<&str> = passed_over
        .iter()
        .filter(|p| p.kind == PassedOverKind::View)
        .filter_map(|p| p.name.as_deref())
        .collect();
    tables.retain(|t| !views.iter().any(|v| v.eq_ignore_ascii_case(&t.name)));
    Ok(Script {
        tables,
        passed_over,
    })
}

/// Locations of increasing offsets in one text, each found from the last
/// one: a dump has a statement per row batch, and counting every line from
/// the start of the text for each would take time quadratic in its size.
struct Lines<'a> {
    src: &'a str,
    /// The offset last asked for, its line and the offset that line starts at.
    offset: usize,
    line: usize,
    line_start: usize,
}

impl<'a> Lines<'a> {
    fn new(src: &'a str) -> Self {
        Lines {
            src,
            offset: 0,
            line: 1,
            line_start: 0,
        }
    }

    /// The location of `offset`, which is not before the last one asked for.
    fn at(&mut self, offset: usize) -> Location {
        let between = &self.src.as_bytes()[self.offset..offset];
        self.line += between.iter().filter(|&&b| b == b'\n').count();
        if let Some(last) = between.iter().rposition(|&b| b == b'\n') {
            self.line_start = self.offset + last + 1;
        }
        self.offset = offset;
        Location {
            line: self.line,
            column: self.src[self.line_start..offset].chars().count() + 1,
        }
    }
}

/// Appends `text` with every character but line breaks replaced by a space.
fn blank_into(out: &mut String, text: &str) {
    out.extend(
        text.chars()
            .map(|c| if c == '\n' || c == '\r' { c } else { ' ' }),
    );
}

/// Where the statement `text` really starts (a byte offset into it):
/// past the spaces and the comments that lead it (a dump's `-- Table
/// structure for …` headings), not past versioned comments, which hold
/// the statement itself.
fn statement_start(text: &str) -> usize {
    let mut rest = text;
    loop {
        let trimmed = rest.trim_start();
        let dash_comment = trimmed
            .strip_prefix("--")
            .is_some_and(|after| after.chars().next().is_none_or(char::is_whitespace));
        rest = if dash_comment || trimmed.starts_with('#') {
            trimmed.find('\n').map_or("", |e| &trimmed[e + 1..])
        } else if trimmed.starts_with("/*")
            && !trimmed.starts_with("/*!")
            && !trimmed.starts_with("/*M!")
        {
            trimmed.find("*/").map_or("", |e| &trimmed[e + 2..])
        } else {
            break text.len() - trimmed.len();
        };
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod lines_tests {
    use super::*;

    #[test]
    fn lines_agree_with_location_of_offset() {
        let src = "ab\ncé\n\nxyz\n";
        let mut lines = Lines::new(src);
        for offset in [0, 1, 3, 4, 6, 7, 8, 10, src.len()] {
            assert_eq!(
                lines.at(offset),
                Location::of_offset(src, offset),
                "{offset}"
            );
        }
    }
}
