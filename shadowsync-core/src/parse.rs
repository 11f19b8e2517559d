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
use crate::expr::SqlExpr;
use crate::lex::{tokenize, Token, TokenKind};
use crate::model::*;

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
    // ---- token helpers -------------------------------------------------

    fn at_end(&self) -> bool {
        self.pos >= self.tokens.len()
    }

    fn peek(&self) -> Option<&'a Token> {
        self.tokens.get(self.pos)
    }

    fn peek_at(&self, ahead: usize) -> Option<&'a Token> {
        self.tokens.get(self.pos + ahead)
    }

    fn next(&mut self) -> PResult<&'a Token> {
        let tok = self
            .tokens
            .get(self.pos)
            .ok_or_else(|| self.error_here("unexpected end of input"))?;
        self.pos += 1;
        Ok(tok)
    }

    fn peek_kw(&self, kw: &str) -> bool {
        self.peek().is_some_and(|t| t.is_kw(kw))
    }

    fn peek_kw_at(&self, ahead: usize, kw: &str) -> bool {
        self.peek_at(ahead).is_some_and(|t| t.is_kw(kw))
    }

    fn peek_punct(&self, p: &str) -> bool {
        self.peek().is_some_and(|t| t.is_punct(p))
    }

    fn eat_kw(&mut self, kw: &str) -> bool {
        if self.peek_kw(kw) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn eat_kws(&mut self, kws: &[&str]) -> bool {
        if kws.iter().enumerate().all(|(i, kw)| self.peek_kw_at(i, kw)) {
            self.pos += kws.len();
            true
        } else {
            false
        }
    }

    fn eat_punct(&mut self, p: &str) -> bool {
        if self.peek_punct(p) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect_kw(&mut self, kw: &str) -> PResult<()> {
        if self.eat_kw(kw) {
            Ok(())
        } else {
            Err(self.error_here(format!("expected `{kw}`")))
        }
    }

    fn expect_punct(&mut self, p: &str) -> PResult<()> {
        if self.eat_punct(p) {
            Ok(())
        } else {
            Err(self.error_here(format!("expected `{p}`")))
        }
    }

    fn error_here(&self, message: impl Into<String>) -> ParseError {
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

    fn unsupported(&self, construct: &str) -> ParseError {
        let mut err = self.error_here(format!(
            "{construct} is not supported by the shadowsync table model; the table is refused"
        ));
        err.message = err.message.replacen(", found", "; at", 1);
        err
    }

    /// An identifier: backtick-quoted or a bare word.
    fn ident(&mut self, what: &str) -> PResult<String> {
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

    fn string(&mut self, what: &str) -> PResult<String> {
        match self.peek() {
            Some(t) if t.kind == TokenKind::Str => {
                self.pos += 1;
                Ok(t.text.clone())
            }
            _ => Err(self.error_here(format!("expected {what} (a quoted string)"))),
        }
    }

    fn number(&mut self, what: &str) -> PResult<u64> {
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
    fn paren_expr(&mut self) -> PResult<SqlExpr> {
        let start = self.pos;
        let text = self.paren_group()?;
        self.expr_at(text, start)
    }

    /// `text`, read from the tokens just consumed, as an expression.
    fn expr_of(&self, text: String) -> PResult<SqlExpr> {
        self.expr_at(text, self.pos.saturating_sub(1))
    }

    /// `text` as an expression, refused (at token `at`) when it cannot be
    /// re-rendered exactly in shadowsync's own quoting ([`SqlExpr::to_sql`]).
    fn expr_at(&self, text: String, at: usize) -> PResult<SqlExpr> {
        let expr = SqlExpr::new(text);
        if let Err(why) = expr.to_sql() {
            let offset = self.tokens.get(at).map_or(self.src.len(), |t| t.start);
            let mut err = ParseError::new(Location::of_offset(self.src, offset), why);
            err.table = self.table.clone();
            return Err(err);
        }
        Ok(expr)
    }

    fn paren_group(&mut self) -> PResult<String> {
        let open_index = self.pos;
        self.skip_paren_group()?;
        Ok(self.tokens_text(open_index + 1, self.pos - 1))
    }

    /// Consume a balanced parenthesised group.
    fn skip_paren_group(&mut self) -> PResult<()> {
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
    fn tokens_text(&self, from: usize, to: usize) -> String {
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
    fn paren_items(&mut self) -> PResult<Vec<String>> {
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
    fn plain_name(&mut self, what: &str) -> PResult<String> {
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
    fn ident_list(&mut self, what: &str) -> PResult<Vec<String>> {
        self.expect_punct("(")?;
        let mut items = vec![self.ident(what)?];
        while self.eat_punct(",") {
            items.push(self.ident(what)?);
        }
        self.expect_punct(")")?;
        Ok(items)
    }

    fn eat_optional_equals(&mut self) -> bool {
        self.eat_punct("=")
    }

    // ---- statement -----------------------------------------------------

    fn create_table(&mut self) -> PResult<Table> {
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
    fn check_unique_names(&self, table: &Table, statement_start: usize) -> PResult<()> {
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

    fn table_element(&mut self, table: &mut Table) -> PResult<()> {
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

    fn constraint(&mut self, table: &mut Table) -> PResult<()> {
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

    // ---- columns -------------------------------------------------------

    fn column(&mut self, table: &mut Table) -> PResult<()> {
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
    fn charset_clause(&mut self) -> PResult<()> {
        if self.eat_kw("CHARSET") || self.eat_kws(&["CHARACTER", "SET"]) {
            self.eat_optional_equals();
            Ok(())
        } else {
            Err(self.error_here("expected CHARACTER SET"))
        }
    }

    fn collation_name(&mut self) -> PResult<String> {
        self.eat_optional_equals();
        self.plain_name("a collation name")
    }

    fn data_type(&mut self) -> PResult<DataType> {
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

    fn column_default(&mut self) -> PResult<ColumnDefault> {
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
    fn function_call_expr(&mut self, what: &str) -> PResult<SqlExpr> {
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

    fn on_update_expr(&mut self) -> PResult<SqlExpr> {
        self.function_call_expr("an ON UPDATE value")
    }

    fn generated(&mut self) -> PResult<Generated> {
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

    fn check(&mut self, name: Option<String>, column: Option<String>) -> PResult<Check> {
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

    // ---- indexes -------------------------------------------------------

    fn index_definition(&mut self, constraint_name: Option<String>) -> PResult<Index> {
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

    fn index_part(&mut self) -> PResult<IndexPart> {
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

    fn index_options(&mut self, index: &mut Index) -> PResult<()> {
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

    fn foreign_key(&mut self, name: Option<String>) -> PResult<ForeignKey> {
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

    fn fk_action(&mut self) -> PResult<FkAction> {
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

    // ---- table options -----------------------------------------------------

    fn table_options(&mut self, options: &mut Vec<TableOption>) -> PResult<()> {
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

    fn table_option(&mut self) -> PResult<TableOption> {
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
    fn engine_defined_option(&mut self) -> PResult<TableOption> {
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

    // ---- partitioning ------------------------------------------------------

    fn partitioning(&mut self) -> PResult<Partitioning> {
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
    fn partition_def_list(&mut self, keyword: &str) -> PResult<Vec<PartitionDef>> {
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

    fn partition_scheme(&mut self, count_kw: &str) -> PResult<PartitionScheme> {
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

    fn partition_def(&mut self, keyword: &str) -> PResult<PartitionDef> {
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

#[cfg(test)]
mod tests;
