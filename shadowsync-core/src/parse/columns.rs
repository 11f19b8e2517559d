//! Column definitions: data types, defaults, generated columns, column
//! attributes and column-level CHECKs.

use crate::expr::SqlExpr;
use crate::lex::TokenKind;
use crate::model::*;

use super::{PResult, Parser};

/// Column attributes that the model does not represent: refused by name.
const UNSUPPORTED_COLUMN_ATTRIBUTES: [&str; 8] = [
    "COLUMN_FORMAT",
    "STORAGE",
    "ENGINE_ATTRIBUTE",
    "SECONDARY_ENGINE_ATTRIBUTE",
    "REFERENCES",
    "COMPRESSED",
    "WITH",
    "WITHOUT",
];

impl<'a> Parser<'a> {
    pub(super) fn column(&mut self, table: &mut Table) -> PResult<()> {
        let name = self.ident("a column name")?;
        let data_type = self.data_type()?;
        let mut column = Column {
            name,
            data_type,
            charset: None,
            collation: None,
            nullable: None,
            default: None,
            on_update: None,
            auto_increment: false,
            comment: None,
            generated: None,
            invisible: false,
            srid: None,
            inline_primary_key: false,
            inline_unique: false,
        };
        while let Some(tok) = self.peek() {
            if tok.kind != TokenKind::Word {
                break;
            }
            let kw = tok.text.to_ascii_uppercase();
            match kw.as_str() {
                "NOT" if self.peek_kw_at(1, "NULL") => {
                    self.pos += 2;
                    column.nullable = Some(false);
                }
                "NULL" => {
                    self.pos += 1;
                    column.nullable = Some(true);
                }
                "DEFAULT" => {
                    self.pos += 1;
                    column.default = Some(self.column_default()?);
                }
                "ON" if self.peek_kw_at(1, "UPDATE") => {
                    self.pos += 2;
                    column.on_update = Some(self.on_update_expr()?);
                }
                "AUTO_INCREMENT" => {
                    self.pos += 1;
                    column.auto_increment = true;
                }
                "COMMENT" => {
                    self.pos += 1;
                    column.comment = Some(self.string("a column comment")?);
                }
                "CHARACTER" | "CHARSET" => {
                    self.charset_clause()?;
                    column.charset = Some(self.plain_name("a character set name")?);
                }
                "COLLATE" => {
                    self.pos += 1;
                    column.collation = Some(self.collation_name()?);
                }
                "GENERATED" | "AS" => column.generated = Some(self.generated()?),
                "INVISIBLE" => {
                    self.pos += 1;
                    column.invisible = true;
                }
                "VISIBLE" => self.pos += 1,
                "SRID" => {
                    self.pos += 1;
                    column.srid = Some(self.number("an SRID")? as u32);
                }
                "PRIMARY" if self.peek_kw_at(1, "KEY") => {
                    self.pos += 2;
                    column.inline_primary_key = true;
                }
                "KEY" => {
                    // In a column definition, a bare KEY means PRIMARY KEY.
                    self.pos += 1;
                    column.inline_primary_key = true;
                }
                "UNIQUE" => {
                    self.pos += 1;
                    self.eat_kw("KEY");
                    column.inline_unique = true;
                }
                "CHECK" => {
                    let check = self.check(None, Some(column.name.clone()))?;
                    table.checks.push(check);
                }
                "CONSTRAINT" => {
                    self.pos += 1;
                    let name = if self.peek_kw("CHECK") {
                        None
                    } else {
                        Some(self.ident("a constraint name")?)
                    };
                    if !self.peek_kw("CHECK") {
                        return Err(self.unsupported("a column-level constraint other than CHECK"));
                    }
                    let check = self.check(name, Some(column.name.clone()))?;
                    table.checks.push(check);
                }
                k if UNSUPPORTED_COLUMN_ATTRIBUTES.contains(&k) => {
                    return Err(self.unsupported(&format!("column attribute {k}")));
                }
                _ => break,
            }
        }
        if !(self.peek_punct(",") || self.peek_punct(")")) {
            return Err(self.error_here(format!(
                "unexpected text in the definition of column `{}`",
                column.name
            )));
        }
        table.columns.push(column);
        Ok(())
    }

    /// `CHARACTER SET`, `CHARSET` (with optional `=` as OceanBase prints in some places).
    pub(super) fn charset_clause(&mut self) -> PResult<()> {
        if self.eat_kw("CHARSET") || self.eat_kws(&["CHARACTER", "SET"]) {
            self.eat_optional_equals();
            Ok(())
        } else {
            Err(self.error_here("expected CHARACTER SET"))
        }
    }

    pub(super) fn collation_name(&mut self) -> PResult<String> {
        self.eat_optional_equals();
        self.plain_name("a collation name")
    }

    pub(super) fn data_type(&mut self) -> PResult<DataType> {
        let first = self.next()?;
        if first.kind != TokenKind::Word {
            self.pos -= 1;
            return Err(self.error_here("expected a data type"));
        }
        let mut name = first.text.to_ascii_lowercase();
        // Multi-word type names.
        let second = self
            .peek()
            .filter(|t| t.kind == TokenKind::Word)
            .map(|t| t.text.to_ascii_lowercase());
        let multi = matches!(
            (name.as_str(), second.as_deref()),
            ("double", Some("precision"))
                | ("character" | "char" | "nchar", Some("varying"))
                | ("national", Some("char" | "character" | "varchar"))
                | ("long", Some("varchar" | "varbinary"))
        );
        if multi {
            self.pos += 1;
            name = format!("{name} {}", second.unwrap_or_default());
            if name.starts_with("national ") && self.peek_kw("varying") {
                self.pos += 1;
                name.push_str(" varying");
            }
        }
        let mut dt = DataType::named(&name);
        if self.peek_punct("(") {
            if name == "enum" || name == "set" {
                self.pos += 1;
                loop {
                    dt.values.push(self.string("an ENUM/SET member")?);
                    if !self.eat_punct(",") {
                        break;
                    }
                }
                self.expect_punct(")")?;
            } else {
                self.pos += 1;
                dt.length = Some(self.number("a type length")?);
                if self.eat_punct(",") {
                    dt.scale = Some(self.number("a type scale")?);
                }
                self.expect_punct(")")?;
            }
        }
        loop {
            if self.eat_kw("UNSIGNED") {
                dt.unsigned = true;
            } else if self.eat_kw("SIGNED") {
                // The default; nothing to keep.
            } else if self.eat_kw("ZEROFILL") {
                dt.zerofill = true;
            } else if self.peek_kw("BINARY") && !self.peek_punct("(") {
                self.pos += 1;
                dt.binary_attr = true;
            } else if self.peek_kw("ASCII") || self.peek_kw("UNICODE") || self.peek_kw("BYTE") {
                return Err(self.unsupported("the ASCII/UNICODE/BYTE type shorthand"));
            } else {
                break;
            }
        }
        Ok(dt)
    }

    pub(super) fn column_default(&mut self) -> PResult<ColumnDefault> {
        let Some(tok) = self.peek() else {
            return Err(self.error_here("expected a default value"));
        };
        match tok.kind {
            TokenKind::Str => {
                self.pos += 1;
                Ok(ColumnDefault::String(tok.text.clone()))
            }
            TokenKind::Number => {
                self.pos += 1;
                Ok(ColumnDefault::Number(tok.text.clone()))
            }
            TokenKind::Bits => {
                self.pos += 1;
                Ok(ColumnDefault::Bits(tok.text.clone()))
            }
            TokenKind::Punct if tok.text == "-" || tok.text == "+" => {
                // Signed number, possibly with spaces (`- 20`).
                let mut negative = false;
                while let Some(t) = self.peek().filter(|t| t.is_punct("-") || t.is_punct("+")) {
                    negative ^= t.text == "-";
                    self.pos += 1;
                }
                match self.peek() {
                    Some(t) if t.kind == TokenKind::Number => {
                        self.pos += 1;
                        let sign = if negative { "-" } else { "" };
                        Ok(ColumnDefault::Number(format!("{sign}{}", t.text)))
                    }
                    _ => Err(self.error_here("expected a number after the sign")),
                }
            }
            TokenKind::Punct if tok.text == "(" => {
                let start = self.pos;
                self.skip_paren_group()?;
                Ok(ColumnDefault::Expr(
                    self.expr_of(self.tokens_text(start, self.pos))?,
                ))
            }
            TokenKind::Word => {
                let kw = tok.text.to_ascii_uppercase();
                match kw.as_str() {
                    "NULL" => {
                        self.pos += 1;
                        Ok(ColumnDefault::Null)
                    }
                    "TRUE" | "FALSE" => {
                        self.pos += 1;
                        Ok(ColumnDefault::Bool(kw == "TRUE"))
                    }
                    "DATE" | "TIME" | "TIMESTAMP"
                        if self.peek_at(1).is_some_and(|t| t.kind == TokenKind::Str) =>
                    {
                        let start = self.pos;
                        self.pos += 2;
                        Ok(ColumnDefault::Expr(
                            self.expr_of(self.tokens_text(start, self.pos))?,
                        ))
                    }
                    // Charset introducer: _utf8mb4'abc'.
                    _ if kw.starts_with('_')
                        && self.peek_at(1).is_some_and(|t| t.kind == TokenKind::Str) =>
                    {
                        self.pos += 1;
                        let value = self.string("a string")?;
                        Ok(ColumnDefault::String(value))
                    }
                    _ => self
                        .function_call_expr("a default value")
                        .map(ColumnDefault::Expr),
                }
            }
            _ => Err(self.error_here("expected a default value")),
        }
    }

    /// `name` or `name(args)`: a niladic keyword such as CURRENT_TIMESTAMP or a
    /// function call such as `uuid()` (MariaDB prints these unparenthesised).
    pub(super) fn function_call_expr(&mut self, what: &str) -> PResult<SqlExpr> {
        let tok = self.next()?;
        if tok.kind != TokenKind::Word {
            self.pos -= 1;
            return Err(self.error_here(format!("expected {what}")));
        }
        let reserved = [
            "NOT",
            "NULL",
            "COMMENT",
            "ON",
            "AUTO_INCREMENT",
            "COLLATE",
            "PRIMARY",
            "UNIQUE",
            "KEY",
        ];
        if reserved.iter().any(|r| tok.text.eq_ignore_ascii_case(r)) {
            self.pos -= 1;
            return Err(self.error_here(format!("expected {what}")));
        }
        let start = self.pos - 1;
        if self.peek_punct("(") {
            self.skip_paren_group()?;
        }
        if self.peek().is_some_and(|t| {
            t.kind == TokenKind::Punct && !matches!(t.text.as_str(), "," | ")" | ";")
        }) {
            return Err(self.unsupported("an unparenthesised DEFAULT expression with operators"));
        }
        self.expr_of(self.tokens_text(start, self.pos))
    }

    pub(super) fn on_update_expr(&mut self) -> PResult<SqlExpr> {
        self.function_call_expr("an ON UPDATE value")
    }

    pub(super) fn generated(&mut self) -> PResult<Generated> {
        let always_keyword = self.eat_kws(&["GENERATED", "ALWAYS"]);
        self.expect_kw("AS")?;
        let expr = self.paren_expr()?;
        let mut stored = false;
        let mut storage_written = false;
        if self.eat_kw("STORED") || self.eat_kw("PERSISTENT") {
            stored = true;
            storage_written = true;
        } else if self.eat_kw("VIRTUAL") {
            storage_written = true;
        }
        Ok(Generated {
            expr,
            stored,
            always_keyword,
            storage_written,
        })
    }

    pub(super) fn check(&mut self, name: Option<String>, column: Option<String>) -> PResult<Check> {
        self.expect_kw("CHECK")?;
        let expr = self.paren_expr()?;
        let mut not_enforced = false;
        if self.eat_kws(&["NOT", "ENFORCED"]) {
            not_enforced = true;
        } else {
            self.eat_kw("ENFORCED");
        }
        Ok(Check {
            name,
            expr,
            not_enforced,
            column,
        })
    }
}
