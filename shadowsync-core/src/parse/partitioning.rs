//! The partitioning clause: scheme, subpartitioning and partition
//! definitions with their bounds and options.

use crate::expr::SqlExpr;
use crate::lex::TokenKind;
use crate::model::*;

use super::{PResult, Parser};

impl<'a> Parser<'a> {
    pub(super) fn partitioning(&mut self) -> PResult<Partitioning> {
        self.expect_kw("PARTITION")?;
        self.expect_kw("BY")?;
        let scheme = self.partition_scheme("PARTITIONS")?;
        let mut subpartition = None;
        let mut subpartition_template = Vec::new();
        if self.eat_kw("SUBPARTITION") {
            self.expect_kw("BY")?;
            subpartition = Some(self.partition_scheme("SUBPARTITIONS")?);
            if self.eat_kws(&["SUBPARTITION", "TEMPLATE"]) {
                subpartition_template = self.partition_def_list("SUBPARTITION")?;
            }
        }
        let partitions = if self.peek_punct("(") {
            self.partition_def_list("PARTITION")?
        } else {
            Vec::new()
        };
        Ok(Partitioning {
            scheme,
            subpartition,
            subpartition_template,
            partitions,
        })
    }

    /// `(PARTITION a …, PARTITION b …)`.
    pub(super) fn partition_def_list(&mut self, keyword: &str) -> PResult<Vec<PartitionDef>> {
        self.expect_punct("(")?;
        let mut defs = Vec::new();
        loop {
            defs.push(self.partition_def(keyword)?);
            if !self.eat_punct(",") {
                break;
            }
        }
        self.expect_punct(")")?;
        Ok(defs)
    }

    pub(super) fn partition_scheme(&mut self, count_kw: &str) -> PResult<PartitionScheme> {
        let linear = self.eat_kw("LINEAR");
        let method = if self.eat_kw("RANGE") {
            PartitionMethod::Range
        } else if self.eat_kw("LIST") {
            PartitionMethod::List
        } else if self.eat_kw("HASH") {
            PartitionMethod::Hash
        } else if self.eat_kw("KEY") {
            PartitionMethod::Key
        } else {
            return Err(self.unsupported("this partitioning method"));
        };
        let mut algorithm = None;
        if method == PartitionMethod::Key && self.eat_kw("ALGORITHM") {
            self.expect_punct("=")?;
            algorithm = Some(self.number("a KEY algorithm")? as u32);
        }
        let columns_form = self.eat_kw("COLUMNS");
        let expr = self.paren_expr()?;
        let mut count = None;
        if self.eat_kw(count_kw) {
            count = Some(self.number("a partition count")?);
        }
        Ok(PartitionScheme {
            method,
            linear,
            columns_form,
            algorithm,
            expr,
            count,
        })
    }

    pub(super) fn partition_def(&mut self, keyword: &str) -> PResult<PartitionDef> {
        self.expect_kw(keyword)?;
        let name = self.ident("a partition name")?;
        let mut bound = None;
        if self.eat_kw("VALUES") {
            if self.eat_kws(&["LESS", "THAN"]) {
                if self.peek_punct("(") {
                    bound = Some(PartitionBound::LessThan {
                        values: self.paren_expr()?,
                        parenthesized: true,
                    });
                } else {
                    self.expect_kw("MAXVALUE")?;
                    bound = Some(PartitionBound::LessThan {
                        values: SqlExpr::new("MAXVALUE"),
                        parenthesized: false,
                    });
                }
            } else if self.eat_kw("IN") {
                bound = Some(PartitionBound::In(self.paren_expr()?));
            } else {
                return Err(self.error_here("expected LESS THAN or IN after VALUES"));
            }
        }
        let mut options = Vec::new();
        while let Some(tok) = self.peek() {
            if tok.kind != TokenKind::Word || tok.is_kw("SUBPARTITION") || tok.is_kw("PARTITION") {
                break;
            }
            options.push(self.table_option()?);
        }
        // Subpartitions have no subpartitions of their own.
        let subpartitions = if keyword == "PARTITION" && self.peek_punct("(") {
            self.partition_def_list("SUBPARTITION")?
        } else {
            Vec::new()
        };
        Ok(PartitionDef {
            name,
            bound,
            options,
            subpartitions,
        })
    }
}
