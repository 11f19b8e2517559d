//! Structural parser for `CREATE TABLE` as MySQL 5.7/8.0, MariaDB 10.11 and
//! OceanBase (MySQL mode) print it, and as people write it.
//!
//! sqlparser's MySQL dialect cannot read partition clauses, OceanBase options
//! and several column and index attributes (see the project README), so the
//! statement structure is parsed here over [`crate::lex`] tokens, and
//! expressions are sliced verbatim from the input ([`crate::expr::SqlExpr`]).
//! Anything this parser does not know is an error naming the construct and
//! where it is; nothing is skipped silently.

use crate::error::{Location, ParseError};
use crate::lex::{tokenize, Token};
use crate::model::*;

mod columns;
mod cursor;
mod keys;
mod options;
mod partitioning;
mod script;
mod statement;

pub use script::{parse_script, PassedOver, PassedOverKind, Script};

/// Parse every `CREATE TABLE` statement in `sql`.
pub fn parse_tables(sql: &str) -> Result<Vec<Table>, ParseError> {
    let tokens = tokenize(sql).map_err(|mut e| {
        e.table = table_name_before(sql, e.location);
        e.message.push_str("; the table is refused");
        e
    })?;
    let mut parser = Parser {
        src: sql,
        tokens: &tokens,
        pos: 0,
        table: None,
    };
    let mut tables = Vec::new();
    loop {
        while parser.eat_punct(";") {}
        if parser.at_end() {
            break;
        }
        let table = parser.create_table().map_err(|mut e| {
            e.table = e.table.or_else(|| parser.table.clone());
            e
        })?;
        tables.push(table);
        parser.table = None;
        if !parser.at_end() && !parser.eat_punct(";") {
            return Err(parser.error_here("expected `;` after the CREATE TABLE statement"));
        }
    }
    Ok(tables)
}

/// Parse exactly one `CREATE TABLE` statement.
pub fn parse_table(sql: &str) -> Result<Table, ParseError> {
    let mut tables = parse_tables(sql)?;
    match tables.len() {
        1 => Ok(tables.remove(0)),
        0 => Err(ParseError::new(
            Location { line: 1, column: 1 },
            "expected a CREATE TABLE statement, found none",
        )),
        n => Err(ParseError::new(
            Location { line: 1, column: 1 },
            format!("expected one CREATE TABLE statement, found {n}"),
        )),
    }
}

/// The name of the table whose `CREATE TABLE` precedes `location`, for
/// errors raised before statements are parsed (lexing).
fn table_name_before(sql: &str, location: Location) -> Option<String> {
    let prefix: String = sql
        .lines()
        .take(location.line)
        .collect::<Vec<_>>()
        .join("\n");
    let upper = prefix.to_ascii_uppercase();
    let at = upper.rfind("CREATE TABLE")? + "CREATE TABLE".len();
    let rest = prefix.get(at..)?;
    let head = &rest[..rest.find('(').unwrap_or(rest.len())];
    let tokens = tokenize(head).ok()?;
    let mut names = tokens
        .iter()
        .filter(|t| !(t.is_kw("IF") || t.is_kw("NOT") || t.is_kw("EXISTS")));
    names.next().map(|t| t.text.clone())
}

struct Parser<'a> {
    src: &'a str,
    tokens: &'a [Token],
    pos: usize,
    table: Option<String>,
}

type PResult<T> = Result<T, ParseError>;

/// How deeply parentheses may nest inside one parenthesised clause (a
/// CHECK, a default, a generated column, an index or partition
/// expression, the clause's own parentheses counted); deeper text is
/// refused with an error naming the table and where the limit was passed.
///
/// Servers never print anything near it: MariaDB 10.11 refuses an
/// expression of some 600 meaningful levels (`a - (a - (…))`: "Thread stack
/// overrun" at its default `thread_stack`, and crashes at a few thousand)
/// and prints redundant parentheses stripped; seekdb refuses 500 levels
/// (its stored expression grows too long). Hand-written DDL deeper than
/// this is not worth the cost: an expression is later compared by walking
/// its parentheses, and the text is kept and re-sent verbatim.
pub const MAX_NESTING: usize = 1_000;

#[cfg(test)]
mod tests;
