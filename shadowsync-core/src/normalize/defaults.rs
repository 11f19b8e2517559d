//! Column defaults in canonical form: numeric defaults compared by value,
//! every spelling of the current timestamp made one.

use crate::expr::SqlExpr;
use crate::model::*;

use super::types::{CHARACTER_TYPES, NUMERIC_TYPES};

pub(super) fn normalize_default(
    d: ColumnDefault,
    type_name: &str,
    nullable: bool,
) -> Option<ColumnDefault> {
    let numeric = NUMERIC_TYPES.contains(&type_name) && type_name != "bit";
    let d = match d {
        ColumnDefault::Null if nullable => return None,
        ColumnDefault::Bool(b) if numeric => {
            ColumnDefault::Number(if b { "1" } else { "0" }.into())
        }
        ColumnDefault::String(s) if numeric => match canonical_number(&s) {
            Some(n) => ColumnDefault::Number(n),
            None => ColumnDefault::String(s),
        },
        ColumnDefault::Number(n) if numeric => {
            ColumnDefault::Number(canonical_number(&n).unwrap_or(n))
        }
        ColumnDefault::Number(n) => ColumnDefault::String(n),
        ColumnDefault::Bool(b) if CHARACTER_TYPES.contains(&type_name) => {
            ColumnDefault::String(if b { "1" } else { "0" }.into())
        }
        ColumnDefault::Expr(e) => match normalize_current_timestamp(&e) {
            Some(ts) => ColumnDefault::Expr(ts),
            None => match typed_literal_value(&e) {
                Some(s) => ColumnDefault::String(s),
                None => ColumnDefault::Expr(parenthesized(&e)),
            },
        },
        other => other,
    };
    Some(d)
}

/// Every spelling of the current timestamp, as `CURRENT_TIMESTAMP[(n)]`:
/// the whole expression must be the function alone (once parenthesised at
/// most), so `(current_timestamp() + interval 30 minute)` stays an
/// expression of its own and compares whole (issue 11).
pub(super) fn normalize_current_timestamp(e: &SqlExpr) -> Option<SqlExpr> {
    use crate::lex::TokenKind;
    let tokens = crate::lex::tokenize(e.text()).ok()?;
    let mut call = tokens.as_slice();
    if let [open, inner @ .., close] = call {
        if open.is_punct("(") && close.is_punct(")") {
            call = inner;
        }
    }
    let synonyms = ["current_timestamp", "now", "localtime", "localtimestamp"];
    let precision = match call {
        [name] if name.kind == TokenKind::Word => None,
        [name, open, close]
            if name.kind == TokenKind::Word && open.is_punct("(") && close.is_punct(")") =>
        {
            None
        }
        [name, open, digits, close]
            if name.kind == TokenKind::Word
                && open.is_punct("(")
                && digits.kind == TokenKind::Number
                && digits.text.chars().all(|c| c.is_ascii_digit())
                && close.is_punct(")") =>
        {
            Some(digits.text.trim_start_matches('0').to_string())
        }
        _ => return None,
    };
    let name = &call.first()?.text;
    if !synonyms.iter().any(|s| name.eq_ignore_ascii_case(s)) {
        return None;
    }
    // `now` without parentheses is a column name, not the function.
    if call.len() == 1 && name.eq_ignore_ascii_case("now") {
        return None;
    }
    match precision.as_deref() {
        None | Some("") => Some(SqlExpr::new("CURRENT_TIMESTAMP")),
        Some(n) => Some(SqlExpr::new(format!("CURRENT_TIMESTAMP({n})"))),
    }
}

/// `DATE '2024-01-01'` → the string the server stores.
fn typed_literal_value(e: &SqlExpr) -> Option<String> {
    let tokens = crate::lex::tokenize(e.text()).ok()?;
    match tokens.as_slice() {
        [kw, s]
            if (kw.is_kw("DATE") || kw.is_kw("TIME") || kw.is_kw("TIMESTAMP"))
                && s.kind == crate::lex::TokenKind::Str =>
        {
            Some(s.text.clone())
        }
        _ => None,
    }
}

/// Expression defaults are written in parentheses (MySQL requires them).
fn parenthesized(e: &SqlExpr) -> SqlExpr {
    if is_wrapped_in_parens(e.text()) {
        e.clone()
    } else {
        SqlExpr::new(format!("({})", e.text()))
    }
}

/// Whether the whole text is one parenthesised group (`(a) + (b)` is not).
fn is_wrapped_in_parens(text: &str) -> bool {
    let Ok(tokens) = crate::lex::tokenize(text) else {
        return false;
    };
    if !(tokens.first().is_some_and(|t| t.is_punct("("))
        && tokens.last().is_some_and(|t| t.is_punct(")")))
    {
        return false;
    }
    let mut depth = 0i32;
    for (i, t) in tokens.iter().enumerate() {
        if t.is_punct("(") {
            depth += 1;
        } else if t.is_punct(")") {
            depth -= 1;
            if depth == 0 && i + 1 < tokens.len() {
                return false;
            }
        }
    }
    true
}

/// A decimal number in canonical form: no leading `+`, no superfluous zeros.
pub fn canonical_number(s: &str) -> Option<String> {
    let s = s.trim();
    let (negative, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest.trim()),
        None => (false, s.strip_prefix('+').unwrap_or(s).trim()),
    };
    if digits.is_empty()
        || !digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        || digits.matches('.').count() > 1
    {
        return None;
    }
    let (int_part, frac_part) = match digits.split_once('.') {
        Some((i, f)) => (i, f),
        None => (digits, ""),
    };
    let int_part = int_part.trim_start_matches('0');
    let frac_part = frac_part.trim_end_matches('0');
    let int_part = if int_part.is_empty() { "0" } else { int_part };
    let mut out = String::new();
    if negative && !(int_part == "0" && frac_part.is_empty()) {
        out.push('-');
    }
    out.push_str(int_part);
    if !frac_part.is_empty() {
        out.push('.');
        out.push_str(frac_part);
    }
    Some(out)
}
