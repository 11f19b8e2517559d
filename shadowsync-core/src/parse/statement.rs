//! The `CREATE TABLE` statement: its header, the element list (columns,
//! keys, constraints) and the checks across elements (unique names).

use crate::error::{Location, ParseError};
use crate::lex::TokenKind;
use crate::model::*;

use super::{PResult, Parser};

impl<'a> Parser<'a> {
    pub(super) fn create_table(&mut self) -> PResult<Table> {
        if !self.peek_kw("CREATE") {
            let found = self
                .peek()
                .map(|t| t.text.to_uppercase())
                .unwrap_or_default();
            return Err(self.error_here(format!(
                "only CREATE TABLE statements are supported here, not {found}"
            )));
        }
        let statement_start = self.tokens[self.pos].start;
        self.pos += 1;
        if self.peek_kw("TEMPORARY") || self.peek_kw("OR") {
            return Err(self.unsupported("CREATE TEMPORARY / CREATE OR REPLACE"));
        }
        self.expect_kw("TABLE")?;
        if self.eat_kws(&["IF", "NOT", "EXISTS"]) {
            // Harmless: it changes what happens at run time, not the table.
        }
        let mut name = self.ident("a table name")?;
        if self.eat_punct(".") {
            // `db.t`: the schema is the caller's context, not part of the table.
            name = self.ident("a table name")?;
        }
        self.table = Some(name.clone());
        if self.peek_kw("LIKE") || self.peek_kw("AS") || self.peek_kw("SELECT") {
            return Err(self.unsupported("CREATE TABLE … LIKE / AS SELECT"));
        }
        let mut table = Table {
            name,
            columns: Vec::new(),
            indexes: Vec::new(),
            foreign_keys: Vec::new(),
            checks: Vec::new(),
            options: Vec::new(),
            partitioning: None,
        };
        self.expect_punct("(")?;
        loop {
            self.table_element(&mut table)?;
            if self.eat_punct(",") {
                continue;
            }
            self.expect_punct(")")?;
            break;
        }
        self.table_options(&mut table.options)?;
        if self.peek_kw("PARTITION") {
            table.partitioning = Some(self.partitioning()?);
            // OceanBase and MySQL allow options after the partition clause too.
            self.table_options(&mut table.options)?;
        }
        if !self.at_end() && !self.peek_punct(";") {
            return Err(self.unsupported("this table clause"));
        }
        self.check_unique_names(&table, statement_start)?;
        Ok(table)
    }

    /// Servers reject (or silently let the last one win for) repeated column,
    /// index and option names and second primary keys; the model would not
    /// say which one counts, so such a table is refused.
    pub(super) fn check_unique_names(&self, table: &Table, statement_start: usize) -> PResult<()> {
        let refuse = |what: String| {
            let mut err = ParseError::new(
                Location::of_offset(self.src, statement_start),
                format!("{what}; the table is refused"),
            );
            err.table = Some(table.name.clone());
            err
        };
        let mut seen = std::collections::HashSet::new();
        for c in &table.columns {
            if !seen.insert(c.name.to_lowercase()) {
                return Err(refuse(format!("column `{}` is defined twice", c.name)));
            }
        }
        seen.clear();
        for i in &table.indexes {
            if let Some(name) = &i.name {
                if i.kind != IndexKind::Primary && !seen.insert(name.to_lowercase()) {
                    return Err(refuse(format!("index `{name}` is defined twice")));
                }
            }
        }
        let primary_keys = table
            .indexes
            .iter()
            .filter(|i| i.kind == IndexKind::Primary)
            .count()
            + table
                .columns
                .iter()
                .filter(|c| c.inline_primary_key)
                .count();
        if primary_keys > 1 {
            return Err(refuse("more than one PRIMARY KEY".to_string()));
        }
        seen.clear();
        for o in &table.options {
            if !seen.insert(o.key.clone()) {
                return Err(refuse(format!("table option {} is given twice", o.key)));
            }
        }
        Ok(())
    }

    pub(super) fn table_element(&mut self, table: &mut Table) -> PResult<()> {
        let Some(first) = self.peek() else {
            return Err(self.error_here("expected a column or key definition"));
        };
        if first.kind == TokenKind::Word {
            let kw = first.text.to_ascii_uppercase();
            match kw.as_str() {
                "CONSTRAINT" => return self.constraint(table),
                "PRIMARY" | "UNIQUE" | "KEY" | "INDEX" | "FULLTEXT" | "SPATIAL" => {
                    let index = self.index_definition(None)?;
                    table.indexes.push(index);
                    return Ok(());
                }
                "FOREIGN" => {
                    let fk = self.foreign_key(None)?;
                    table.foreign_keys.push(fk);
                    return Ok(());
                }
                "CHECK" => {
                    let check = self.check(None, None)?;
                    table.checks.push(check);
                    return Ok(());
                }
                "PERIOD" => return Err(self.unsupported("PERIOD FOR (system versioning)")),
                _ => {}
            }
        }
        self.column(table)
    }

    pub(super) fn constraint(&mut self, table: &mut Table) -> PResult<()> {
        self.expect_kw("CONSTRAINT")?;
        let name = if self.peek_kw("PRIMARY")
            || self.peek_kw("UNIQUE")
            || self.peek_kw("FOREIGN")
            || self.peek_kw("CHECK")
        {
            None
        } else {
            Some(self.ident("a constraint name")?)
        };
        if self.peek_kw("PRIMARY") || self.peek_kw("UNIQUE") {
            let mut index = self.index_definition(name.clone())?;
            index.constraint_name = name;
            table.indexes.push(index);
        } else if self.peek_kw("FOREIGN") {
            let fk = self.foreign_key(name)?;
            table.foreign_keys.push(fk);
        } else if self.peek_kw("CHECK") {
            let check = self.check(name, None)?;
            table.checks.push(check);
        } else {
            return Err(self.error_here(
                "expected PRIMARY KEY, UNIQUE, FOREIGN KEY or CHECK after CONSTRAINT",
            ));
        }
        Ok(())
    }
}
