//! Index and foreign-key definitions: key parts, index options and
//! referential actions.

use crate::lex::TokenKind;
use crate::model::*;

use super::{PResult, Parser};

impl<'a> Parser<'a> {
    pub(super) fn index_definition(&mut self, constraint_name: Option<String>) -> PResult<Index> {
        let kind = if self.eat_kws(&["PRIMARY", "KEY"]) {
            IndexKind::Primary
        } else if self.eat_kw("UNIQUE") {
            if !self.eat_kw("KEY") {
                self.eat_kw("INDEX");
            }
            IndexKind::Unique
        } else if self.eat_kw("FULLTEXT") {
            if !self.eat_kw("KEY") {
                self.eat_kw("INDEX");
            }
            IndexKind::Fulltext
        } else if self.eat_kw("SPATIAL") {
            if !self.eat_kw("KEY") {
                self.eat_kw("INDEX");
            }
            IndexKind::Spatial
        } else if self.eat_kw("KEY") || self.eat_kw("INDEX") {
            IndexKind::Plain
        } else {
            return Err(self.error_here("expected an index definition"));
        };
        let mut index = Index {
            name: None,
            kind,
            parts: Vec::new(),
            using: None,
            using_before_parts: false,
            comment: None,
            visible: true,
            visibility_keyword: None,
            parser: None,
            key_block_size: None,
            vendor_options: Vec::new(),
            constraint_name: None,
        };
        if !self.peek_punct("(") && !self.peek_kw("USING") {
            index.name = Some(self.ident("an index name")?);
        }
        if index.name.is_none() && kind != IndexKind::Primary {
            index.name = constraint_name;
        }
        if self.eat_kw("USING") {
            index.using = Some(self.plain_name("an index type")?.to_ascii_uppercase());
            index.using_before_parts = true;
        }
        self.expect_punct("(")?;
        loop {
            index.parts.push(self.index_part()?);
            if !self.eat_punct(",") {
                break;
            }
        }
        self.expect_punct(")")?;
        self.index_options(&mut index)?;
        Ok(index)
    }

    pub(super) fn index_part(&mut self) -> PResult<IndexPart> {
        let target = if self.peek_punct("(") {
            IndexTarget::Expr(self.paren_expr()?)
        } else {
            IndexTarget::Column(self.ident("a key column")?)
        };
        let mut prefix = None;
        if self.peek_punct("(") {
            self.pos += 1;
            prefix = Some(self.number("a prefix length")?);
            self.expect_punct(")")?;
        }
        let mut descending = false;
        let mut asc_written = false;
        if self.eat_kw("DESC") {
            descending = true;
        } else if self.eat_kw("ASC") {
            asc_written = true;
        }
        Ok(IndexPart {
            target,
            prefix,
            descending,
            asc_written,
        })
    }

    pub(super) fn index_options(&mut self, index: &mut Index) -> PResult<()> {
        while let Some(tok) = self.peek() {
            if tok.kind != TokenKind::Word {
                break;
            }
            let kw = tok.text.to_ascii_uppercase();
            match kw.as_str() {
                "USING" => {
                    self.pos += 1;
                    index.using = Some(self.plain_name("an index type")?.to_ascii_uppercase());
                }
                "COMMENT" => {
                    self.pos += 1;
                    index.comment = Some(self.string("an index comment")?);
                }
                "KEY_BLOCK_SIZE" => {
                    self.pos += 1;
                    self.eat_optional_equals();
                    index.key_block_size = Some(self.number("KEY_BLOCK_SIZE")?);
                }
                "VISIBLE" => {
                    self.pos += 1;
                    index.visible = true;
                }
                "INVISIBLE" | "IGNORED" => {
                    self.pos += 1;
                    index.visible = false;
                    index.visibility_keyword = Some(kw);
                }
                "NOT" if self.peek_kw_at(1, "IGNORED") => {
                    self.pos += 2;
                    index.visible = true;
                }
                "WITH" if self.peek_kw_at(1, "PARSER") => {
                    self.pos += 2;
                    index.parser = Some(self.plain_name("a parser name")?);
                }
                // OceanBase index options, kept as data.
                "BLOCK_SIZE" => {
                    self.pos += 1;
                    let eq = self.eat_optional_equals();
                    let n = self.number("BLOCK_SIZE")?;
                    let sep = if eq { " = " } else { " " };
                    index.vendor_options.push(format!("BLOCK_SIZE{sep}{n}"));
                }
                "LOCAL" | "GLOBAL" => {
                    self.pos += 1;
                    index.vendor_options.push(kw);
                }
                "STORING" => {
                    self.pos += 1;
                    let cols = self.paren_group()?;
                    index.vendor_options.push(format!("STORING ({cols})"));
                }
                "PARSER_PROPERTIES" => {
                    self.pos += 1;
                    let eq = if self.eat_optional_equals() { "=" } else { "" };
                    let props = self.paren_group()?;
                    index
                        .vendor_options
                        .push(format!("PARSER_PROPERTIES{eq}({props})"));
                }
                "ENGINE_ATTRIBUTE" | "SECONDARY_ENGINE_ATTRIBUTE" | "CLUSTERING" => {
                    return Err(self.unsupported(&format!("index option {kw}")));
                }
                _ => break,
            }
        }
        Ok(())
    }

    // ---- foreign keys ----------------------------------------------------

    pub(super) fn foreign_key(&mut self, name: Option<String>) -> PResult<ForeignKey> {
        self.expect_kw("FOREIGN")?;
        self.expect_kw("KEY")?;
        let index_name = if self.peek_punct("(") {
            None
        } else {
            Some(self.ident("a foreign key index name")?)
        };
        let columns = self.ident_list("a foreign key column")?;
        self.expect_kw("REFERENCES")?;
        let mut ref_schema = None;
        let mut ref_table = self.ident("a referenced table")?;
        if self.eat_punct(".") {
            ref_schema = Some(ref_table);
            ref_table = self.ident("a referenced table")?;
        }
        let ref_columns = self.ident_list("a referenced column")?;
        if self.peek_kw("MATCH") {
            return Err(self.unsupported("MATCH FULL/PARTIAL/SIMPLE on a foreign key"));
        }
        let mut fk = ForeignKey {
            name,
            index_name,
            columns,
            ref_schema,
            ref_table,
            ref_columns,
            on_delete: None,
            on_update: None,
            update_first: false,
        };
        while self.eat_kw("ON") {
            if self.eat_kw("DELETE") {
                fk.on_delete = Some(self.fk_action()?);
            } else if self.eat_kw("UPDATE") {
                if fk.on_delete.is_none() {
                    fk.update_first = true;
                }
                fk.on_update = Some(self.fk_action()?);
            } else {
                return Err(self.error_here("expected DELETE or UPDATE after ON"));
            }
        }
        Ok(fk)
    }

    pub(super) fn fk_action(&mut self) -> PResult<FkAction> {
        if self.eat_kw("RESTRICT") {
            Ok(FkAction::Restrict)
        } else if self.eat_kw("CASCADE") {
            Ok(FkAction::Cascade)
        } else if self.eat_kws(&["SET", "NULL"]) {
            Ok(FkAction::SetNull)
        } else if self.eat_kws(&["SET", "DEFAULT"]) {
            Ok(FkAction::SetDefault)
        } else if self.eat_kws(&["NO", "ACTION"]) {
            Ok(FkAction::NoAction)
        } else {
            Err(self.error_here("expected a referential action"))
        }
    }
}
