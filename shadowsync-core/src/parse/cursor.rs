//! Token cursor of the `CREATE TABLE` parser: peeking, eating and
//! expecting tokens, names, literals and parenthesised groups, and the
//! errors that name where the input went wrong.

use crate::error::{Location, ParseError};
use crate::expr::SqlExpr;
use crate::lex::{Token, TokenKind};

use super::{PResult, Parser, MAX_NESTING};

impl<'a> Parser<'a> {
    pub(super) fn at_end(&self) -> bool {
        self.pos >= self.tokens.len()
    }

    pub(super) fn peek(&self) -> Option<&'a Token> {
        self.tokens.get(self.pos)
    }

    pub(super) fn peek_at(&self, ahead: usize) -> Option<&'a Token> {
        self.tokens.get(self.pos + ahead)
    }

    pub(super) fn next(&mut self) -> PResult<&'a Token> {
        let tok = self
            .tokens
            .get(self.pos)
            .ok_or_else(|| self.error_here("unexpected end of input"))?;
        self.pos += 1;
        Ok(tok)
    }

    pub(super) fn peek_kw(&self, kw: &str) -> bool {
        self.peek().is_some_and(|t| t.is_kw(kw))
    }

    pub(super) fn peek_kw_at(&self, ahead: usize, kw: &str) -> bool {
        self.peek_at(ahead).is_some_and(|t| t.is_kw(kw))
    }

    pub(super) fn peek_punct(&self, p: &str) -> bool {
        self.peek().is_some_and(|t| t.is_punct(p))
    }

    pub(super) fn eat_kw(&mut self, kw: &str) -> bool {
        if self.peek_kw(kw) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    pub(super) fn eat_kws(&mut self, kws: &[&str]) -> bool {
        if kws.iter().enumerate().all(|(i, kw)| self.peek_kw_at(i, kw)) {
            self.pos += kws.len();
            true
        } else {
            false
        }
    }

    pub(super) fn eat_punct(&mut self, p: &str) -> bool {
        if self.peek_punct(p) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    pub(super) fn expect_kw(&mut self, kw: &str) -> PResult<()> {
        if self.eat_kw(kw) {
            Ok(())
        } else {
            Err(self.error_here(format!("expected `{kw}`")))
        }
    }

    pub(super) fn expect_punct(&mut self, p: &str) -> PResult<()> {
        if self.eat_punct(p) {
            Ok(())
        } else {
            Err(self.error_here(format!("expected `{p}`")))
        }
    }

    pub(super) fn error_here(&self, message: impl Into<String>) -> ParseError {
        let message = message.into();
        let (offset, found) = match self.peek() {
            Some(t) => (t.start, format!(", found `{}`", &self.src[t.start..t.end])),
            None => (self.src.len(), ", found end of input".to_string()),
        };
        let mut err = ParseError::new(
            Location::of_offset(self.src, offset),
            format!("{message}{found}"),
        );
        err.table = self.table.clone();
        err
    }

    pub(super) fn unsupported(&self, construct: &str) -> ParseError {
        let mut err = self.error_here(format!(
            "{construct} is not supported by the shadowsync table model; the table is refused"
        ));
        err.message = err.message.replacen(", found", "; at", 1);
        err
    }

    /// An identifier: backtick-quoted or a bare word.
    pub(super) fn ident(&mut self, what: &str) -> PResult<String> {
        match self.peek() {
            Some(t) if matches!(t.kind, TokenKind::QuotedIdent | TokenKind::Word) => {
                self.pos += 1;
                Ok(t.text.clone())
            }
            // ANSI_QUOTES servers print "name"; accept a double-quoted string as a name.
            Some(t) if t.kind == TokenKind::Str && self.src[t.start..].starts_with('"') => {
                self.pos += 1;
                Ok(t.text.clone())
            }
            _ => Err(self.error_here(format!("expected {what}"))),
        }
    }

    pub(super) fn string(&mut self, what: &str) -> PResult<String> {
        match self.peek() {
            Some(t) if t.kind == TokenKind::Str => {
                self.pos += 1;
                Ok(t.text.clone())
            }
            _ => Err(self.error_here(format!("expected {what} (a quoted string)"))),
        }
    }

    pub(super) fn number(&mut self, what: &str) -> PResult<u64> {
        match self.peek() {
            Some(t) if t.kind == TokenKind::Number => {
                let n = t
                    .text
                    .parse::<u64>()
                    .map_err(|_| self.error_here(format!("expected {what} (a whole number)")))?;
                self.pos += 1;
                Ok(n)
            }
            _ => Err(self.error_here(format!("expected {what} (a whole number)"))),
        }
    }

    /// Consume a balanced parenthesised group; returns the text between the
    /// outer parentheses as written, without comments (see [`Self::tokens_text`]).
    /// The expression in the parenthesised group that comes next.
    pub(super) fn paren_expr(&mut self) -> PResult<SqlExpr> {
        let start = self.pos;
        let text = self.paren_group()?;
        self.expr_at(text, start)
    }

    /// `text`, read from the tokens just consumed, as an expression.
    pub(super) fn expr_of(&self, text: String) -> PResult<SqlExpr> {
        self.expr_at(text, self.pos.saturating_sub(1))
    }

    /// `text` as an expression, refused (at token `at`) when it cannot be
    /// re-rendered exactly in shadowsync's own quoting ([`SqlExpr::to_sql`]).
    pub(super) fn expr_at(&self, text: String, at: usize) -> PResult<SqlExpr> {
        let expr = SqlExpr::new(text);
        if let Err(why) = expr.to_sql() {
            let offset = self.tokens.get(at).map_or(self.src.len(), |t| t.start);
            let mut err = ParseError::new(Location::of_offset(self.src, offset), why);
            err.table = self.table.clone();
            return Err(err);
        }
        Ok(expr)
    }

    pub(super) fn paren_group(&mut self) -> PResult<String> {
        let open_index = self.pos;
        self.skip_paren_group()?;
        Ok(self.tokens_text(open_index + 1, self.pos - 1))
    }

    /// Consume a balanced parenthesised group.
    pub(super) fn skip_paren_group(&mut self) -> PResult<()> {
        let open = self.peek().filter(|t| t.is_punct("("));
        let Some(open) = open else {
            return Err(self.error_here("expected `(`"));
        };
        self.pos += 1;
        let mut depth = 1usize;
        while let Some(t) = self.peek() {
            self.pos += 1;
            if t.is_punct("(") {
                depth += 1;
                // Refused here, before anything walks the group: the text
                // need not be read further, so any depth costs one pass.
                if depth > MAX_NESTING {
                    let mut err = ParseError::new(
                        Location::of_offset(self.src, t.start),
                        format!(
                            "parentheses nest deeper than {MAX_NESTING} levels \
                             (in the group opened at line {}); the table is refused",
                            Location::of_offset(self.src, open.start).line
                        ),
                    );
                    err.table = self.table.clone();
                    return Err(err);
                }
            } else if t.is_punct(")") {
                depth -= 1;
                if depth == 0 {
                    return Ok(());
                }
            } else if t.is_punct(";") {
                // The server (and a client reading a script) ends the
                // statement here: what follows is not part of this table.
                let mut err = ParseError::new(
                    Location::of_offset(self.src, t.start),
                    "`;` inside parentheses ends the statement there; the table is refused",
                );
                err.table = self.table.clone();
                return Err(err);
            }
        }
        let mut err = ParseError::new(Location::of_offset(self.src, open.start), "unbalanced `(`");
        err.table = self.table.clone();
        Err(err)
    }

    /// The text of tokens `from..to` as written, minus comments: tokens that
    /// whitespace or a comment separated are separated by one space. (A
    /// comment kept in an expression could swallow what follows it when
    /// the expression is rendered into a statement.)
    pub(super) fn tokens_text(&self, from: usize, to: usize) -> String {
        let mut out = String::new();
        for i in from..to {
            let t = &self.tokens[i];
            let gap = i > from && t.start > self.tokens[i - 1].end;
            // `-` `-` with a dropped comment between must not become `--`, a
            // line comment, when the gap closes.
            let dashes = i > from && out.ends_with('-') && t.text.starts_with('-');
            if gap || dashes {
                out.push(' ');
            }
            out.push_str(&self.src[t.start..t.end]);
        }
        out
    }

    /// The comma-separated items of a parenthesised list, each as written
    /// without comments (commas inside nested parentheses or strings do not split).
    pub(super) fn paren_items(&mut self) -> PResult<Vec<String>> {
        let open_index = self.pos;
        self.skip_paren_group()?;
        let close_index = self.pos - 1;
        let mut items = Vec::new();
        let mut depth = 0usize;
        let mut item_start = open_index + 1;
        for i in open_index + 1..close_index {
            let t = &self.tokens[i];
            if t.is_punct("(") {
                depth += 1;
            } else if t.is_punct(")") {
                depth = depth.saturating_sub(1);
            } else if t.is_punct(",") && depth == 0 {
                items.push(
                    self.expr_at(self.tokens_text(item_start, i), item_start)?
                        .text()
                        .to_string(),
                );
                item_start = i + 1;
            }
        }
        items.push(
            self.expr_at(self.tokens_text(item_start, close_index), item_start)?
                .text()
                .to_string(),
        );
        Ok(items)
    }

    /// A charset, collation, index type or parser name: servers print these
    /// as plain words; anything else (quoted text with spaces or punctuation)
    /// could not be rendered back safely, so the table is refused.
    pub(super) fn plain_name(&mut self, what: &str) -> PResult<String> {
        match self.peek() {
            Some(t)
                if matches!(
                    t.kind,
                    TokenKind::Word | TokenKind::QuotedIdent | TokenKind::Str
                ) && !t.text.is_empty()
                    && t.text
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_') =>
            {
                self.pos += 1;
                Ok(t.text.clone())
            }
            Some(t) if matches!(t.kind, TokenKind::QuotedIdent | TokenKind::Str) => {
                Err(self.unsupported(&format!("{what} that is not a plain name")))
            }
            _ => Err(self.error_here(format!("expected {what}"))),
        }
    }

    /// Comma-separated identifiers in parentheses.
    pub(super) fn ident_list(&mut self, what: &str) -> PResult<Vec<String>> {
        self.expect_punct("(")?;
        let mut items = vec![self.ident(what)?];
        while self.eat_punct(",") {
            items.push(self.ident(what)?);
        }
        self.expect_punct(")")?;
        Ok(items)
    }

    pub(super) fn eat_optional_equals(&mut self) -> bool {
        self.eat_punct("=")
    }
}
