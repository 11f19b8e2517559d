//! Table options (`ENGINE=…`, `COMMENT …`, engine-defined options).

use crate::lex::TokenKind;
use crate::model::*;

use super::{PResult, Parser};

impl<'a> Parser<'a> {
    pub(super) fn table_options(&mut self, options: &mut Vec<TableOption>) -> PResult<()> {
        loop {
            if self.peek_punct(",") && self.peek_at(1).is_some_and(|t| t.kind == TokenKind::Word) {
                self.pos += 1;
            }
            let Some(tok) = self.peek() else { break };
            if tok.kind == TokenKind::QuotedIdent
                && self.peek_at(1).is_some_and(|t| t.is_punct("="))
            {
                options.push(self.engine_defined_option()?);
                continue;
            }
            if tok.kind != TokenKind::Word || tok.is_kw("PARTITION") {
                break;
            }
            options.push(self.table_option()?);
        }
        Ok(())
    }

    pub(super) fn table_option(&mut self) -> PResult<TableOption> {
        let start_tok = self.next()?;
        let first = start_tok.text.to_ascii_uppercase();
        let key = match first.as_str() {
            "DEFAULT" => {
                if self.eat_kw("CHARSET") || self.eat_kws(&["CHARACTER", "SET"]) {
                    "DEFAULT CHARSET"
                } else if self.eat_kw("COLLATE") {
                    "COLLATE"
                } else {
                    return Err(self.error_here("expected CHARSET or COLLATE after DEFAULT"));
                }
            }
            "CHARSET" => "DEFAULT CHARSET",
            "CHARACTER" => {
                self.expect_kw("SET")?;
                "DEFAULT CHARSET"
            }
            "DATA" | "INDEX" => {
                self.expect_kw("DIRECTORY")?;
                if first == "DATA" {
                    "DATA DIRECTORY"
                } else {
                    "INDEX DIRECTORY"
                }
            }
            "STORAGE" if self.peek_kw("ENGINE") => {
                self.pos += 1;
                "ENGINE"
            }
            "WITH" | "UNION" | "START" | "SEQUENCE" => {
                return Err(self.unsupported(&format!("table option {first}")));
            }
            _ => "",
        };
        let key = if key.is_empty() {
            first.clone()
        } else {
            key.to_string()
        };
        let spelling = self.src[start_tok.start..self.tokens[self.pos - 1].end].to_string();
        let equals = self.eat_optional_equals();
        let value = match self.peek() {
            Some(t) if t.kind == TokenKind::Str => {
                self.pos += 1;
                OptionValue::String(t.text.clone())
            }
            Some(t) if t.kind == TokenKind::QuotedIdent => {
                self.pos += 1;
                OptionValue::Ident(t.text.clone())
            }
            Some(t) if matches!(t.kind, TokenKind::Word | TokenKind::Number) => {
                self.pos += 1;
                OptionValue::Word(t.text.clone())
            }
            Some(t) if t.is_punct("(") => OptionValue::List(self.paren_items()?),
            _ => return Err(self.error_here(format!("expected a value for table option {key}"))),
        };
        Ok(TableOption {
            key,
            value,
            spelling,
            equals,
        })
    }

    /// A MariaDB engine-defined table option, which `SHOW CREATE TABLE`
    /// prints back-quoted (`` `PAGE_COMPRESSED`=1 ``): a name, `=`, and a
    /// plain value.
    pub(super) fn engine_defined_option(&mut self) -> PResult<TableOption> {
        let name = self.next()?.text.clone();
        self.pos += 1; // `=`, seen by the caller
        let value = match self.peek() {
            Some(t) if t.kind == TokenKind::Str => OptionValue::String(t.text.clone()),
            Some(t) if matches!(t.kind, TokenKind::Word | TokenKind::Number) => {
                OptionValue::Word(t.text.clone())
            }
            _ => {
                return Err(self.error_here(format!(
                    "expected a value for engine-defined table option {name}"
                )))
            }
        };
        self.pos += 1;
        Ok(TableOption {
            key: name.to_ascii_uppercase(),
            value,
            spelling: crate::render::quote_ident(&name),
            equals: true,
        })
    }
}
