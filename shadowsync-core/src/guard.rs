//! The statement guard: the last check before a statement reaches a server.
//!
//! It trusts neither the planner nor the parser. It is built from a task's
//! frozen plan and the server's own facts, re-derives each shadow name from
//! the naming rule, and reads every statement with a scanner of its own
//! (not [`crate::lex`]), accepting only:
//!
//! - one statement: no `;`, no comment of any kind (`#`, `--`, `/* */`,
//!   versioned comments), no control character, no backslash or double
//!   quote outside a single-quoted string, every quote closed;
//! - the same tokens whether or not the session has `NO_BACKSLASH_ESCAPES`
//!   (the text is scanned both ways and must split identically), so what
//!   the server runs does not depend on its `sql_mode`;
//! - a kind the plan may emit: `CREATE TABLE <shadow> (` … or
//!   `ALTER TABLE <shadow>` …, never `TEMPORARY`, `IF [NOT] EXISTS`,
//!   `OR REPLACE`, `… SELECT`, `LIKE` another table;
//! - a target in the task's shadow set, and every other table it names
//!   (`REFERENCES`, `RENAME [TO|AS]`) in that set or among the plan's
//!   read-only parents; the words that bring in further tables (`TABLE`
//!   after the header, `SELECT`, `UNION`, `EXCHANGE`) are refused outright;
//! - for a table the plan rebuilds ([`crate::analysis::rebuild`]), whose
//!   temporary names the guard derives from the shadow's own name, also
//!   exactly `INSERT INTO <new> (<columns>) SELECT <columns> FROM <shadow>`
//!   (backquoted column names and commas, nothing else) and `DROP TABLE
//!   <old>`; the new and old names count as that table's shadow set.
//!
//! Statement names are compared exactly, or ASCII-case-insensitively where
//! the server folds table names (`lower_case_table_names` 1 or 2): a name
//! that differs from a shadow in anything else (a non-ASCII case variant, a
//! confusable letter, a trailing space) is refused, whichever table the
//! server would take it for. Collisions between the plan's shadows and its
//! sources are looked for with the server's full folding.

use std::collections::HashSet;
use std::fmt;

mod database;

pub use database::{check_create_database, create_database_statement};

use crate::executor::ServerInfo;
use crate::plan::{FrozenPlan, PlannedAction, ShadowPlace};
use crate::shadow::naming::{rebuild_names, NamingRule};

/// Why the guard refused a plan or a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal(pub String);

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn refuse<T>(why: impl Into<String>) -> Result<T, Refusal> {
    Err(Refusal(why.into()))
}

/// The tables one task may change and reference, on one database.
#[derive(Debug, Clone)]
pub struct StatementGuard {
    database: String,
    fold: bool,
    /// Shadows the task creates or alters, by [`StatementGuard::key`].
    targets: HashSet<String>,
    /// Tables it may only reference: `(schema key or None, table key)`.
    parents: HashSet<(Option<String>, String)>,
    /// Rebuilt tables: the new shadow's key → the shadow's key (the one
    /// copy `INSERT … SELECT` allowed).
    copies: std::collections::HashMap<String, String>,
    /// Rebuilt tables' old shadows: the only tables `DROP TABLE` may name.
    droppable: HashSet<String>,
}

impl StatementGuard {
    /// The guard of `plan` on the server described by `server` and
    /// `identity` (read from the connection that will run the statements:
    /// [`crate::Executor::server_identity`]). Refuses a plan whose shadows'
    /// database is not the connection's, or whose shadow set does not
    /// follow from its naming rule: a shadow that is not its source's name
    /// under the rule, that is a source of the plan, or a read-only parent.
    /// In database mode it also refuses a connection that is, or may be,
    /// the sources' own database (see [`refuse_source_database`]).
    pub fn for_plan(
        plan: &FrozenPlan,
        server: &ServerInfo,
        identity: Option<&str>,
    ) -> Result<StatementGuard, Refusal> {
        let fold = server.lower_case_table_names != 0;
        let key = |name: &str| fold_key(name, fold);
        let database = plan.shadow_database();
        if key(database) != key(&server.database) {
            return refuse(format!(
                "the plan's shadows are in database `{database}` but the connection is on `{}`",
                server.database
            ));
        }
        let mapped = plan.shadows.is_some();
        if let Some(place) = &plan.shadows {
            refuse_source_database(plan, place, server, identity)?;
        }
        let rule = NamingRule::parse(&plan.naming_rule)
            .map_err(|e| Refusal(format!("the plan's naming rule is unusable: {e}")))?;
        let sources: HashSet<String> = plan.tables.iter().map(|t| key(&t.source)).collect();
        // Collisions are looked for as the server folds names (fully, not
        // just ASCII), so that no shadow is a source in the server's eyes.
        let server_key = |name: &str| {
            if fold {
                name.to_lowercase()
            } else {
                name.to_string()
            }
        };
        let server_sources: HashSet<String> =
            plan.tables.iter().map(|t| server_key(&t.source)).collect();
        let mut parents = HashSet::new();
        for parent in &plan.read_only_parents {
            let schema = parent.schema.as_deref().map(key);
            let own = !matches!(schema.as_deref(), Some(s) if s != key(database));
            parents.insert((if own { None } else { schema }, key(&parent.table)));
        }
        let mut targets = HashSet::new();
        let mut copies = std::collections::HashMap::new();
        let mut droppable = HashSet::new();
        for table in &plan.tables {
            if table.action == PlannedAction::Skip {
                continue;
            }
            let shadow = key(&table.shadow);
            if shadow != key(&rule.shadow_name(&table.source)) {
                return refuse(format!(
                    "shadow `{}` of `{}` is not the name the rule `{}` gives",
                    table.shadow, table.source, plan.naming_rule
                ));
            }
            if !mapped
                && (sources.contains(&shadow)
                    || server_sources.contains(&server_key(&table.shadow)))
            {
                return refuse(format!(
                    "shadow `{}` is also a source table of the plan",
                    table.shadow
                ));
            }
            if parents.contains(&(None, shadow.clone())) {
                return refuse(format!(
                    "shadow `{}` is also a read-only parent of the plan",
                    table.shadow
                ));
            }
            if table.rebuild {
                let (new, old) = rebuild_names(&table.shadow, server.max_identifier_length);
                for name in [&new, &old] {
                    if sources.contains(&key(name)) || parents.contains(&(None, key(name))) {
                        return refuse(format!(
                            "rebuild name `{name}` is a source or a read-only parent of the plan"
                        ));
                    }
                }
                targets.insert(key(&new));
                targets.insert(key(&old));
                copies.insert(key(&new), shadow.clone());
                droppable.insert(key(&old));
            }
            targets.insert(shadow);
        }
        Ok(StatementGuard {
            database: database.to_string(),
            fold,
            targets,
            parents,
            copies,
            droppable,
        })
    }

    fn key(&self, name: &str) -> String {
        fold_key(name, self.fold)
    }

    /// `name` as the guard compares table names (ASCII case folded where
    /// the server folds names).
    pub fn name_key(&self, name: &str) -> String {
        self.key(name)
    }

    /// Every table of the task's database `sql` names, by
    /// [`StatementGuard::name_key`]: its target, the parents it references,
    /// a rename's new name, a copy's two tables (and, read loosely, any
    /// name after `TO`: a renamed column or index may be named too). What
    /// tells a parallel run which tables' statements must keep their
    /// order; nothing is checked here ([`StatementGuard::check`] does), and
    /// a statement this scanner cannot read names nothing.
    pub fn tables_named(&self, sql: &str) -> Vec<String> {
        let Ok(tokens) = scan(sql, Escapes::Backslash) else {
            return Vec::new();
        };
        let mut at = Cursor {
            tokens: &tokens,
            i: 0,
        };
        let mut names = Vec::new();
        let mut previous: Option<String> = None;
        while let Some(token) = at.next() {
            let Token::Word(word) = token else {
                previous = None;
                continue;
            };
            let upper = word.to_ascii_uppercase();
            let names_a_table = matches!(
                upper.as_str(),
                "TABLE" | "REFERENCES" | "INTO" | "FROM" | "TO"
            ) || (upper == "AS" && previous.as_deref() == Some("RENAME"));
            previous = Some(upper);
            if !names_a_table || at.peek_punct('(') {
                continue;
            }
            let before = at.i;
            match at.table_name() {
                Ok(name) if self.own_schema(&name).is_ok() => names.push(self.key(&name.table)),
                Ok(_) => {}
                Err(_) => at.i = before,
            }
        }
        names
    }

    /// Accept `sql` or say why not (see the module documentation).
    pub fn check(&self, sql: &str) -> Result<(), Refusal> {
        let tokens = scan(sql, Escapes::Backslash)?;
        if scan(sql, Escapes::None)? != tokens {
            return refuse("the statement reads differently under NO_BACKSLASH_ESCAPES");
        }
        let mut at = Cursor {
            tokens: &tokens,
            i: 0,
        };
        if at.word("INSERT") {
            return self.check_copy(&mut at);
        }
        if at.word("DROP") {
            return self.check_drop(&mut at);
        }
        let create = if at.word("CREATE") {
            true
        } else if at.word("ALTER") {
            false
        } else {
            return refuse("only CREATE TABLE and ALTER TABLE may run");
        };
        if !at.word("TABLE") {
            return refuse("only CREATE TABLE and ALTER TABLE may run");
        }
        let target = at.table_name()?;
        self.check_target(&target)?;
        if create && (!at.peek_punct('(') || at.peek_word_after(1, "LIKE")) {
            return refuse("CREATE TABLE must be followed by its own definition");
        }
        while let Some(token) = at.next() {
            let Token::Word(word) = token else { continue };
            let upper = word.to_ascii_uppercase();
            match upper.as_str() {
                "TABLE" | "SELECT" | "UNION" | "EXCHANGE" => {
                    return refuse(format!("`{word}` may bring in another table"));
                }
                // Engines and options whose table is a window on other
                // tables, and sequences a default would draw from.
                "CONNECTION" | "TABNAME" | "TABLE_LIST" | "SRCDEF" | "FILE_NAME" | "FEDERATED"
                | "FEDERATEDX" | "CONNECT" | "SPIDER" | "MRG_MYISAM" | "MERGE" | "NEXTVAL"
                | "SETVAL" | "LASTVAL" | "NEXT" => {
                    return refuse(format!("`{word}` may reach tables outside the shadow set"));
                }
                "REFERENCES" => {
                    let parent = at.table_name()?;
                    self.check_reference(&parent)?;
                }
                "RENAME" if !create => {
                    if at.peek_word(&["COLUMN", "INDEX", "KEY"]) {
                        continue;
                    }
                    at.word("TO");
                    at.word("AS");
                    let renamed = at.table_name()?;
                    self.check_target(&renamed)?;
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// `INTO <new> (<columns>) SELECT <columns> FROM <shadow>` of a rebuild,
    /// after `INSERT`.
    fn check_copy(&self, at: &mut Cursor<'_>) -> Result<(), Refusal> {
        if !at.word("INTO") {
            return refuse("only a rebuild's row copy may INSERT");
        }
        let new = at.table_name()?;
        self.own_schema(&new)?;
        let Some(shadow) = self.copies.get(&self.key(&new.table)) else {
            return refuse(format!(
                "`{}` is not the new table of a rebuild this task runs",
                new.table
            ));
        };
        let into = at.column_list(true)?;
        if !at.word("SELECT") {
            return refuse("a rebuild's row copy is INSERT … SELECT");
        }
        let selected = at.column_list(false)?;
        if into != selected {
            return refuse("a rebuild's row copy selects the columns it inserts");
        }
        if !at.word("FROM") {
            return refuse("a rebuild's row copy reads FROM the shadow");
        }
        let from = at.table_name()?;
        self.own_schema(&from)?;
        if self.key(&from.table) != *shadow {
            return refuse(format!(
                "a rebuild's row copy reads only the shadow it replaces, not `{}`",
                from.table
            ));
        }
        if at.next().is_some() {
            return refuse("nothing may follow a rebuild's row copy");
        }
        Ok(())
    }

    /// `TABLE <old>` of a rebuild, after `DROP`.
    fn check_drop(&self, at: &mut Cursor<'_>) -> Result<(), Refusal> {
        if !at.word("TABLE") {
            return refuse("only a rebuild's old shadow may be dropped");
        }
        let old = at.table_name()?;
        self.own_schema(&old)?;
        if !self.droppable.contains(&self.key(&old.table)) || at.next().is_some() {
            return refuse(format!(
                "DROP TABLE `{}`: only the old shadow of a rebuild this task runs may be dropped",
                old.table
            ));
        }
        Ok(())
    }

    fn own_schema(&self, name: &QualifiedName) -> Result<(), Refusal> {
        match &name.schema {
            Some(schema) if self.key(schema) != self.key(&self.database) => refuse(format!(
                "`{schema}`.`{}` is outside the task's database `{}`",
                name.table, self.database
            )),
            _ => Ok(()),
        }
    }

    fn check_target(&self, name: &QualifiedName) -> Result<(), Refusal> {
        self.own_schema(name)?;
        if self.targets.contains(&self.key(&name.table)) {
            Ok(())
        } else {
            refuse(format!(
                "`{}` is not a shadow this task creates or alters",
                name.table
            ))
        }
    }

    fn check_reference(&self, name: &QualifiedName) -> Result<(), Refusal> {
        let schema = name
            .schema
            .as_deref()
            .map(|s| self.key(s))
            .filter(|s| *s != self.key(&self.database));
        let table = self.key(&name.table);
        if schema.is_none() && self.targets.contains(&table)
            || self.parents.contains(&(schema, table))
        {
            Ok(())
        } else {
            refuse(format!(
                "reference to `{}` is neither a shadow of this task nor a read-only parent of its plan",
                name.table
            ))
        }
    }
}

/// Database mode's last line: the connection that runs a plan's statements
/// must be its shadow server (when the plan recorded who that was) and
/// must not be the sources' database. Under the sources' database name,
/// only a server that says who it is, and is not the source server, may
/// run them: whatever addresses reached the two, and whatever the planner
/// did, a shadow under its source's own name never replaces its source.
fn refuse_source_database(
    plan: &FrozenPlan,
    place: &ShadowPlace,
    server: &ServerInfo,
    identity: Option<&str>,
) -> Result<(), Refusal> {
    if let (Some(recorded), Some(now)) = (&place.shadow_identity, identity) {
        if recorded != now {
            return refuse(format!(
                "the connection is on server {now}, not the shadow server {recorded} the plan was made on"
            ));
        }
    }
    let fold = server.lower_case_table_names != 0;
    if fold_key(&plan.database, fold) != fold_key(&place.database, fold) {
        return Ok(());
    }
    match (place.source_identity.as_deref(), identity) {
        (Some(source), Some(now)) if source != now => Ok(()),
        (Some(_), Some(_)) => refuse(format!(
            "the connection is on the source database `{}` itself (the same server)",
            plan.database
        )),
        _ => refuse(format!(
            "the shadow database `{}` has the source database's name and the servers do not say \
             who they are, so the connection may be on the source database itself",
            place.database
        )),
    }
}

/// `name` as the server compares table names: exactly, or with ASCII
/// letters folded (never other letters: see the module documentation).
fn fold_key(name: &str, fold: bool) -> String {
    if fold {
        name.to_ascii_lowercase()
    } else {
        name.to_string()
    }
}

/// A table name as a statement spells it.
#[derive(Debug)]
struct QualifiedName {
    schema: Option<String>,
    table: String,
}

/// How backslashes inside string literals are read.
#[derive(Clone, Copy)]
enum Escapes {
    /// The default: `\` escapes the next character.
    Backslash,
    /// `NO_BACKSLASH_ESCAPES`: `\` is an ordinary character.
    None,
}

/// What the guard's scanner sees.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    /// An unquoted word.
    Word(String),
    /// A backtick-quoted identifier, unescaped.
    Ident(String),
    /// A single-quoted string (its value does not matter here, only its span).
    Str(usize, usize),
    /// Any other character outside quotes.
    Punct(char),
}

/// Splits `sql` into tokens, refusing what could end the statement or hide
/// text from this scanner.
fn scan(sql: &str, escapes: Escapes) -> Result<Vec<Token>, Refusal> {
    let bytes = sql.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b';' => return refuse("more than one statement (`;`)"),
            b'#' => return refuse("a comment (`#`)"),
            b'-' if bytes.get(i + 1) == Some(&b'-') => return refuse("a comment (`--`)"),
            b'/' if bytes.get(i + 1) == Some(&b'*') => return refuse("a comment (`/*`)"),
            b'"' => return refuse("a double-quoted token (an identifier under ANSI_QUOTES)"),
            b'\\' => return refuse("a backslash outside a string"),
            // OceanBase lexes `@'…` and `@@`… as variables without balancing
            // their quotes; the planner never emits a variable.
            b'@' => return refuse("a variable (`@`)"),
            b'`' => {
                let mut name = String::new();
                let mut j = i + 1;
                loop {
                    match bytes.get(j) {
                        None => return refuse("an unterminated quoted identifier"),
                        Some(b'`') if bytes.get(j + 1) == Some(&b'`') => {
                            name.push('`');
                            j += 2;
                        }
                        Some(b'`') => break,
                        Some(0) => return refuse("a NUL character"),
                        Some(_) => {
                            let ch = sql[j..].chars().next().unwrap_or('\0');
                            name.push(ch);
                            j += ch.len_utf8();
                        }
                    }
                }
                tokens.push(Token::Ident(name));
                i = j + 1;
            }
            b'\'' => {
                let mut j = i + 1;
                loop {
                    match bytes.get(j) {
                        None => return refuse("an unterminated string"),
                        Some(b'\\') if matches!(escapes, Escapes::Backslash) => j += 2,
                        Some(b'\'') if bytes.get(j + 1) == Some(&b'\'') => j += 2,
                        Some(b'\'') => break,
                        Some(0) => return refuse("a NUL character"),
                        Some(_) => j += 1,
                    }
                }
                tokens.push(Token::Str(i, j));
                i = j + 1;
            }
            c if c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80 => {
                let start = i;
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric()
                        || bytes[i] == b'_'
                        || bytes[i] == b'$'
                        || bytes[i] >= 0x80)
                {
                    i += 1;
                }
                tokens.push(Token::Word(sql[start..i].to_string()));
            }
            c if c.is_ascii_graphic() => {
                tokens.push(Token::Punct(c as char));
                i += 1;
            }
            _ => return refuse(format!("a control character (byte {c:#04x})")),
        }
    }
    Ok(tokens)
}

/// A position in a token list.
struct Cursor<'a> {
    tokens: &'a [Token],
    i: usize,
}

impl Cursor<'_> {
    fn next(&mut self) -> Option<&Token> {
        let token = self.tokens.get(self.i);
        self.i += 1;
        token
    }

    /// Consume the keyword `kw` if it comes next.
    fn word(&mut self, kw: &str) -> bool {
        if self.peek_word(&[kw]) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn peek_word(&self, kws: &[&str]) -> bool {
        matches!(self.tokens.get(self.i), Some(Token::Word(w)) if kws.iter().any(|k| w.eq_ignore_ascii_case(k)))
    }

    fn peek_punct(&self, p: char) -> bool {
        self.tokens.get(self.i) == Some(&Token::Punct(p))
    }

    /// Whether the token `ahead` places on is the keyword `kw`.
    fn peek_word_after(&self, ahead: usize, kw: &str) -> bool {
        matches!(self.tokens.get(self.i + ahead), Some(Token::Word(w)) if w.eq_ignore_ascii_case(kw))
    }

    fn name_part(&mut self) -> Result<String, Refusal> {
        match self.next() {
            Some(Token::Ident(name)) => Ok(name.clone()),
            Some(Token::Word(word)) => Ok(word.clone()),
            _ => refuse("a table name is missing"),
        }
    }

    /// Backquoted column names separated by commas, in parentheses when
    /// `parenthesised`; nothing else (no expression, no function).
    fn column_list(&mut self, parenthesised: bool) -> Result<Vec<String>, Refusal> {
        if parenthesised && self.next() != Some(&Token::Punct('(')) {
            return refuse("a column list must follow");
        }
        let mut columns = Vec::new();
        loop {
            match self.next() {
                Some(Token::Ident(name)) => columns.push(name.to_lowercase()),
                _ => return refuse("a column list holds backquoted column names only"),
            }
            if self.peek_punct(',') {
                self.i += 1;
                continue;
            }
            if parenthesised && self.next() != Some(&Token::Punct(')')) {
                return refuse("a column list holds backquoted column names only");
            }
            return Ok(columns);
        }
    }

    /// `name` or `schema.name`.
    fn table_name(&mut self) -> Result<QualifiedName, Refusal> {
        let first = self.name_part()?;
        if matches!(self.tokens.get(self.i), Some(Token::Punct('.'))) {
            self.i += 1;
            let table = self.name_part()?;
            return Ok(QualifiedName {
                schema: Some(first),
                table,
            });
        }
        Ok(QualifiedName {
            schema: None,
            table: first,
        })
    }
}

#[cfg(test)]
mod tests;
