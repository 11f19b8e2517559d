//! SQL expressions kept verbatim, compared canonically.
//!
//! Servers rewrite the expressions of CHECKs, generated columns, defaults and
//! partitions (MySQL wraps `a > 0 and b < 5` as `((`a` > 0) and (`b` < 5))`,
//! adds charset introducers, changes case). We keep the text as the server
//! printed it, so rendering reproduces it, and compare two expressions in two
//! steps: a cheap token key (case, quoting and spacing folded), then, only when
//! those differ, a canonical form built with sqlparser's expression parser:
//! redundant parentheses removed, binary operands parenthesised explicitly,
//! identifiers and function names lower-cased, charset introducers dropped.

use std::ops::ControlFlow;
use std::sync::OnceLock;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sqlparser::ast::{visit_expressions_mut, Expr, ObjectNamePart};
use sqlparser::dialect::MySqlDialect;
use sqlparser::parser::Parser;

use crate::lex::{tokenize, TokenKind};
use crate::render::{quote_ident, quote_string};

/// An expression as written, with its canonical form computed on demand.
#[derive(Clone)]
pub struct SqlExpr {
    text: String,
    token_key: OnceLock<String>,
    canonical: OnceLock<String>,
}

impl SqlExpr {
    /// Wrap expression text (trimmed).
    pub fn new(text: impl Into<String>) -> Self {
        let text: String = text.into();
        SqlExpr {
            text: text.trim().to_string(),
            token_key: OnceLock::new(),
            canonical: OnceLock::new(),
        }
    }

    /// The text as written.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The expression as shadowsync sends it: re-tokenised, every string
    /// literal re-quoted with [`quote_string`] and every quoted identifier
    /// with [`quote_ident`], words, numbers and operators as written, tokens
    /// separated as in [`SqlExpr::text`] (comments were dropped when the
    /// expression was read). So a literal printed by the server in whatever
    /// escaping reaches the shadow's session in the session's own escaping.
    /// An error names what cannot be re-rendered exactly (text that does not
    /// tokenise, or a bit or hex literal with other characters than digits).
    pub fn to_sql(&self) -> Result<String, String> {
        let tokens =
            tokenize(&self.text).map_err(|e| format!("expression `{}`: {e}", self.text))?;
        let mut out = String::with_capacity(self.text.len() + 8);
        for (i, tok) in tokens.iter().enumerate() {
            if i > 0 {
                let gap = tok.start > tokens[i - 1].end;
                let dashes = out.ends_with('-') && tok.text.starts_with('-');
                // `'a'"b"` is two strings (concatenated): re-quoted without a
                // space they would read as one string `a'b`.
                let strings = tok.kind == TokenKind::Str && tokens[i - 1].kind == TokenKind::Str;
                if gap || dashes || strings {
                    out.push(' ');
                }
            }
            match tok.kind {
                TokenKind::Str => out.push_str(&quote_string(&tok.text)),
                TokenKind::QuotedIdent => out.push_str(&quote_ident(&tok.text)),
                TokenKind::Bits => out.push_str(&checked_bits(&tok.text)?),
                TokenKind::Word | TokenKind::Number | TokenKind::Punct => out.push_str(&tok.text),
            }
        }
        Ok(out)
    }

    /// [`SqlExpr::to_sql`], or the text as written where it fails: the
    /// parser refuses such expressions (see `parse`), so this serves only
    /// expressions built in code.
    pub fn sql(&self) -> String {
        self.to_sql().unwrap_or_else(|_| self.text.clone())
    }

    /// Whether two expressions mean the same, by the rules in the module docs.
    pub fn equivalent(&self, other: &SqlExpr) -> bool {
        self.text == other.text
            || self.token_key() == other.token_key()
            || self.canonical() == other.canonical()
    }

    /// Spacing-, case- and quoting-insensitive key of the token stream.
    pub fn token_key(&self) -> &str {
        self.token_key.get_or_init(|| token_key(&self.text))
    }

    /// Canonical form (see module docs); falls back to the token key with outer
    /// parentheses removed when sqlparser cannot read the expression.
    pub fn canonical(&self) -> &str {
        self.canonical.get_or_init(|| {
            canonical_form(&self.text).unwrap_or_else(|| strip_outer_parens_key(self.token_key()))
        })
    }
}

impl PartialEq for SqlExpr {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for SqlExpr {}

impl std::fmt::Debug for SqlExpr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SqlExpr({:?})", self.text)
    }
}

impl std::fmt::Display for SqlExpr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for SqlExpr {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for SqlExpr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(SqlExpr::new(String::deserialize(d)?))
    }
}

/// A bit or hex literal as written, when it holds only what its kind allows
/// (`0x1F`, `X'1f'`, `b'01'`, `0b01`).
fn checked_bits(text: &str) -> Result<String, String> {
    let lower = text.to_ascii_lowercase();
    let (body, hex) = if let Some(rest) = lower.strip_prefix("0x") {
        (rest, true)
    } else if let Some(rest) = lower.strip_prefix("0b") {
        (rest, false)
    } else if let Some(rest) = lower.strip_prefix("x'").and_then(|r| r.strip_suffix('\'')) {
        (rest, true)
    } else if let Some(rest) = lower.strip_prefix("b'").and_then(|r| r.strip_suffix('\'')) {
        (rest, false)
    } else {
        return Err(format!("unreadable bit or hex literal `{text}`"));
    };
    let digits_ok = body.chars().all(|c| {
        if hex {
            c.is_ascii_hexdigit()
        } else {
            c == '0' || c == '1'
        }
    });
    if digits_ok {
        Ok(text.to_string())
    } else {
        Err(format!(
            "bit or hex literal `{text}` holds other characters than digits"
        ))
    }
}

/// Token key: words and identifiers lower-cased and tagged, strings kept exact,
/// charset introducers (`_utf8mb4'x'`) dropped, no whitespace.
fn token_key(text: &str) -> String {
    let Ok(tokens) = tokenize(text) else {
        return text.split_whitespace().collect::<Vec<_>>().join(" ");
    };
    let mut key = String::with_capacity(text.len());
    for (i, tok) in tokens.iter().enumerate() {
        let next_is_string = tokens.get(i + 1).is_some_and(|t| t.kind == TokenKind::Str);
        match tok.kind {
            TokenKind::Word if tok.text.starts_with('_') && next_is_string => continue,
            TokenKind::Word | TokenKind::QuotedIdent => {
                key.push('\u{1}');
                key.push_str(&tok.text.to_lowercase());
            }
            TokenKind::Str => {
                key.push('\u{2}');
                key.push_str(&tok.text);
                key.push('\u{2}');
            }
            TokenKind::Number | TokenKind::Bits | TokenKind::Punct => {
                key.push('\u{3}');
                key.push_str(&tok.text.to_lowercase());
            }
        }
    }
    key
}

/// `key` without the parentheses that enclose all of it, however many
/// layers. One pass: each `(` is matched to its `)` once, then layers are
/// peeled while the first `(` matches the last `)` (so `(a) + (b)` stays).
/// Checking each layer's balance anew would cost the key's length per
/// layer, quadratic in the nesting.
fn strip_outer_parens_key(key: &str) -> String {
    const OPEN: &str = "\u{3}(";
    const CLOSE: &str = "\u{3})";
    // Byte offset of each parenthesis token's marker, and whether it opens.
    let parens: Vec<(usize, bool)> = key
        .match_indices('\u{3}')
        .filter_map(|(at, _)| match key.as_bytes().get(at + 1) {
            Some(b'(') => Some((at, true)),
            Some(b')') => Some((at, false)),
            _ => None,
        })
        .collect();
    // For each opening parenthesis (index into `parens`), its closing one.
    let mut partner = vec![usize::MAX; parens.len()];
    let mut open = Vec::new();
    for (i, &(_, opens)) in parens.iter().enumerate() {
        if opens {
            open.push(i);
        } else if let Some(o) = open.pop() {
            partner[o] = i;
        } else {
            // A `)` before any `(`: no layer can enclose the whole key.
            return key.to_string();
        }
    }
    let (mut lo, mut hi) = (0, key.len());
    let (mut first, mut last) = (0, parens.len());
    while last > first + 1
        && key[lo..hi].starts_with(OPEN)
        && key[lo..hi].ends_with(CLOSE)
        && parens[first] == (lo, true)
        && parens[last - 1] == (hi - CLOSE.len(), false)
        && partner[first] == last - 1
    {
        lo += OPEN.len();
        hi -= CLOSE.len();
        first += 1;
        last -= 1;
    }
    key[lo..hi].to_string()
}

fn canonical_form(text: &str) -> Option<String> {
    let dialect = MySqlDialect {};
    let mut parser = Parser::new(&dialect).try_with_sql(text).ok()?;
    let mut expr = parser.parse_expr().ok()?;
    // parse_expr stops at the first token it cannot use; demand it used all.
    parser
        .expect_token(&sqlparser::tokenizer::Token::EOF)
        .ok()?;
    let _ = visit_expressions_mut(&mut expr, |e: &mut Expr| {
        canonicalize_node(e);
        ControlFlow::<()>::Continue(())
    });
    Some(expr.to_string())
}

/// Called bottom-up: children are already canonical.
fn canonicalize_node(e: &mut Expr) {
    match e {
        Expr::Nested(inner) => {
            let inner = std::mem::replace(inner.as_mut(), Expr::value(sqlparser::ast::Value::Null));
            *e = inner;
        }
        Expr::Prefixed { value, .. } => {
            let inner = std::mem::replace(value.as_mut(), Expr::value(sqlparser::ast::Value::Null));
            *e = inner;
        }
        Expr::Identifier(ident) => {
            ident.value = ident.value.to_lowercase();
            ident.quote_style = None;
        }
        Expr::CompoundIdentifier(idents) => {
            for ident in idents {
                ident.value = ident.value.to_lowercase();
                ident.quote_style = None;
            }
        }
        Expr::Function(f) => {
            for part in &mut f.name.0 {
                if let ObjectNamePart::Identifier(ident) = part {
                    ident.value = ident.value.to_lowercase();
                    ident.quote_style = None;
                }
            }
        }
        Expr::BinaryOp { left, right, .. } => {
            wrap_operand(left);
            wrap_operand(right);
        }
        Expr::UnaryOp { expr, .. } => wrap_operand(expr),
        _ => {}
    }
}

/// Parenthesise compound operands so the printed form is unambiguous without
/// depending on how the input was parenthesised.
fn wrap_operand(operand: &mut Box<Expr>) {
    let compound = matches!(
        operand.as_ref(),
        Expr::BinaryOp { .. }
            | Expr::UnaryOp { .. }
            | Expr::IsNull(_)
            | Expr::IsNotNull(_)
            | Expr::InList { .. }
            | Expr::Between { .. }
            | Expr::Like { .. }
    );
    if compound {
        let inner = std::mem::replace(operand.as_mut(), Expr::value(sqlparser::ast::Value::Null));
        **operand = Expr::Nested(Box::new(inner));
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn re_rendering_requotes_literals_and_keeps_adjacent_strings_apart() {
        let sql = |text: &str| SqlExpr::new(text).to_sql().unwrap();
        assert_eq!(sql(r"`c` <> 'x\')) ; DROP'"), r"`c` <> 'x'')) ; DROP'");
        assert_eq!(sql(r#"concat('a'"b")"#), "concat('a' 'b')");
        assert_eq!(sql("`a``b` - -1"), "`a``b` - -1");
        assert_eq!(sql(r"_utf8mb4'\%'"), r"_utf8mb4'\%'");
        assert!(SqlExpr::new("x'zz'").to_sql().is_err());
    }

    use super::*;

    fn eq(a: &str, b: &str) -> bool {
        SqlExpr::new(a).equivalent(&SqlExpr::new(b))
    }

    #[test]
    fn redundant_parentheses_and_case_fold() {
        assert!(eq("((`a` > 0) and (`b` < 5))", "a > 0 AND b < 5"));
        assert!(eq(
            "(`type` in (_utf8mb4'manga',_utf8mb4'novel'))",
            "`type` IN ('manga', 'novel')"
        ));
        assert!(eq("LOWER(`Name`)", "lower(name)"));
        assert!(eq("(((x)))", "x"));
    }

    #[test]
    fn different_grouping_stays_different() {
        assert!(!eq("(a + b) * c", "a + (b * c)"));
        assert!(!eq(
            "a > 0 or b > 0 and c > 0",
            "(a > 0 or b > 0) and c > 0"
        ));
        assert!(!eq("'Abc'", "'abc'"));
        assert!(!eq("a in (1, 2)", "a in (2, 1)"));
    }

    /// The layer-by-layer stripping that [`strip_outer_parens_key`] does in
    /// one pass (quadratic in the nesting).
    fn strip_layer_by_layer(key: &str) -> String {
        fn balanced(key: &str) -> bool {
            let mut depth = 0i64;
            for part in key.split('\u{3}') {
                if part.starts_with('(') {
                    depth += 1;
                } else if part.starts_with(')') {
                    depth -= 1;
                    if depth < 0 {
                        return false;
                    }
                }
            }
            depth == 0
        }
        let (open, close) = ("\u{3}(", "\u{3})");
        let mut k = key;
        while k.starts_with(open) && k.ends_with(close) && k.len() >= open.len() + close.len() {
            let inner = &k[open.len()..k.len() - close.len()];
            if !balanced(inner) {
                break;
            }
            k = inner;
        }
        k.to_string()
    }

    #[test]
    fn outer_parentheses_are_stripped_as_layer_by_layer() {
        for text in [
            "x",
            "(x)",
            "(((a > 0)))",
            "(a) + (b)",
            "((a) + (b))",
            "((a)",
            "(a))",
            "(a))(b",
            ")(",
            "()",
            "(())",
            "(('(' ))",
            "f(a, (b))",
            "((f(a)) or (g(b)))",
        ] {
            let key = token_key(text);
            assert_eq!(
                strip_outer_parens_key(&key),
                strip_layer_by_layer(&key),
                "{text}"
            );
        }
        let deep = format!("{}a > 0{}", "(".repeat(50_000), ")".repeat(50_000));
        assert_eq!(
            strip_outer_parens_key(&token_key(&deep)),
            token_key("a > 0")
        );
    }

    #[test]
    fn unparsable_text_falls_back_to_tokens() {
        assert!(eq("(some vendor thing `X`)", "some   vendor THING x"));
    }
}
