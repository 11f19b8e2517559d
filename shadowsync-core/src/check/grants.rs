//! An account's privileges as `SHOW GRANTS FOR` prints them (MariaDB and
//! OceanBase alike), read far enough to tell whether the account may
//! SELECT, INSERT, UPDATE and DELETE a table: global (`*.*`),
//! database-level (whose names are `LIKE` patterns: `%`, `_`, `\`
//! escaping) and table-level grants, `ALL [PRIVILEGES]`. Column-level
//! grants do not let an application use the whole table, so they only
//! earn a note. Grants are additive on these servers, so a privilege
//! held at any level covering the table is held.

use serde::{Deserialize, Serialize};

/// The four privileges an application needs on its shadows.
const NEEDED: [&str; 4] = ["SELECT", "INSERT", "UPDATE", "DELETE"];

/// A set of [`NEEDED`] privileges, one bit each in that order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Privileges(u8);

impl Privileges {
    const ALL: Privileges = Privileges(0b1111);

    /// The needed privilege `name` (an upper-cased privilege word), or
    /// nothing for another one.
    fn of(name: &str) -> Privileges {
        if name == "ALL" || name == "ALL PRIVILEGES" {
            return Privileges::ALL;
        }
        NEEDED
            .iter()
            .position(|n| *n == name)
            .map_or(Privileges(0), |i| Privileges(1 << i))
    }

    fn has(self, i: usize) -> bool {
        self.0 & (1 << i) != 0
    }
}

/// One account's grants, read from its `SHOW GRANTS FOR` lines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grants {
    global: Privileges,
    /// Database-level grants: the name pattern and what it grants.
    databases: Vec<(String, Privileges)>,
    /// Table-level grants: database, table, what it grants.
    tables: Vec<(String, String, Privileges)>,
    /// Column-level grants: database, table, the privileges on some columns.
    columns: Vec<(String, String, Privileges)>,
    /// Roles granted to the account (`GRANT role TO account`).
    pub roles: Vec<String>,
    /// The MariaDB default role (`SET DEFAULT ROLE role FOR account`).
    pub default_role: Option<String>,
    /// The roles whose grants [`Grants::absorb`] merged in.
    pub expanded: Vec<String>,
    /// Lines that change what the others grant and are not read (MySQL's
    /// partial revokes): with any, no table counts as fully usable.
    pub unread: Vec<String>,
}

/// What an account may do with one table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableAccess {
    /// Whether it may SELECT every column.
    pub select: bool,
    /// Whether it may INSERT.
    pub insert: bool,
    /// Whether it may UPDATE every column.
    pub update: bool,
    /// Whether it may DELETE.
    pub delete: bool,
    /// Whether it may do all four: the shadow is usable by the application.
    pub full: bool,
    /// What else the grants say about the table (column-level grants).
    pub notes: Vec<String>,
}

impl Grants {
    /// Read `lines` (each one row of `SHOW GRANTS FOR`). Lines about other
    /// objects (procedures, proxies) grant nothing on tables and are passed
    /// over.
    pub fn parse<S: AsRef<str>>(lines: &[S]) -> Grants {
        let mut grants = Grants::default();
        for line in lines {
            grants.read_line(line.as_ref());
        }
        grants
    }

    /// Merge the grants of `name`, a role the account has active (the
    /// roles granted to it become the account's too, active with it).
    pub fn absorb(&mut self, name: &str, role: Grants) {
        self.expanded.push(name.to_string());
        self.roles.extend(role.roles);
        self.global.0 |= role.global.0;
        self.databases.extend(role.databases);
        self.tables.extend(role.tables);
        self.columns.extend(role.columns);
        self.unread.extend(role.unread);
    }

    fn read_line(&mut self, line: &str) {
        let tokens = tokens(line);
        let word = |i: usize| match tokens.get(i) {
            Some(Token::Word(w)) => Some(w.to_ascii_uppercase()),
            _ => None,
        };
        match word(0).as_deref() {
            Some("GRANT") => {}
            Some("REVOKE") => {
                self.unread.push(line.to_string());
                return;
            }
            Some("SET") if word(1).as_deref() == Some("DEFAULT") => {
                // SET DEFAULT ROLE <role> FOR <account>
                if let Some(Token::Name(role) | Token::Word(role)) = tokens.get(3) {
                    if !role.eq_ignore_ascii_case("NONE") {
                        self.default_role = Some(role.clone());
                    }
                }
                return;
            }
            _ => return,
        }
        let at_top = |want: &str| top_level_word(&tokens, want);
        let Some(to) = at_top("TO") else { return };
        let Some(on) = at_top("ON").filter(|&on| on < to) else {
            // GRANT role[, role] TO account
            self.roles
                .extend(tokens[1..to].iter().filter_map(|t| match t {
                    Token::Name(n) | Token::Word(n) => Some(n.clone()),
                    _ => None,
                }));
            return;
        };
        let (mut whole, mut some_columns) = (Privileges(0), Privileges(0));
        for item in top_level_items(&tokens[1..on]) {
            let name = item
                .iter()
                .take_while(|t| **t != Token::Punct('('))
                .filter_map(|t| match t {
                    Token::Word(w) => Some(w.to_ascii_uppercase()),
                    _ => None,
                })
                .collect::<Vec<_>>()
                .join(" ");
            if item.contains(&Token::Punct('(')) {
                some_columns.0 |= Privileges::of(&name).0;
            } else {
                whole.0 |= Privileges::of(&name).0;
            }
        }
        match object(&tokens[on + 1..to]) {
            Some(Object::Global) => self.global.0 |= whole.0,
            Some(Object::Database(db)) => self.databases.push((db, whole)),
            Some(Object::Table(db, table)) => {
                self.tables.push((db.clone(), table.clone(), whole));
                if some_columns.0 != 0 {
                    self.columns.push((db, table, some_columns));
                }
            }
            None => {}
        }
    }

    /// What the account may do with `table` of `database`; names compare
    /// ignoring case when `fold_case` (the server's
    /// `lower_case_table_names` is not 0).
    pub fn access(&self, database: &str, table: &str, fold_case: bool) -> TableAccess {
        let same = |a: &str, b: &str| {
            if fold_case {
                a.to_lowercase() == b.to_lowercase()
            } else {
                a == b
            }
        };
        let mut held = self.global;
        for (pattern, privileges) in &self.databases {
            if like(pattern, database, fold_case) {
                held.0 |= privileges.0;
            }
        }
        for (db, t, privileges) in &self.tables {
            if same(db, database) && same(t, table) {
                held.0 |= privileges.0;
            }
        }
        let mut notes = Vec::new();
        for (db, t, privileges) in &self.columns {
            if same(db, database) && same(t, table) {
                for (i, name) in NEEDED.iter().enumerate() {
                    if privileges.has(i) && !held.has(i) {
                        notes.push(format!(
                            "{name} on some columns only (column-level grants do not count)"
                        ));
                    }
                }
            }
        }
        if !self.unread.is_empty() {
            held = Privileges(0);
            notes.push(format!(
                "the grants include lines not evaluated, so nothing counts: {}",
                self.unread.join("; ")
            ));
        }
        TableAccess {
            select: held.has(0),
            insert: held.has(1),
            update: held.has(2),
            delete: held.has(3),
            full: held == Privileges::ALL,
            notes,
        }
    }
}

/// What a grant is on.
enum Object {
    Global,
    Database(String),
    Table(String, String),
}

/// The object of `ON …` (the tokens between `ON` and `TO`); `None` for
/// routines and forms that name no table.
fn object(tokens: &[Token]) -> Option<Object> {
    let mut rest = tokens;
    if let Some(Token::Word(w)) = rest.first() {
        match w.to_ascii_uppercase().as_str() {
            "TABLE" => rest = &rest[1..],
            "PROCEDURE" | "FUNCTION" | "PACKAGE" => return None,
            _ => {}
        }
    }
    let name = |t: &Token| match t {
        Token::Name(n) | Token::Word(n) => Some(n.clone()),
        _ => None,
    };
    match rest {
        [Token::Punct('*'), Token::Punct('.'), Token::Punct('*')] => Some(Object::Global),
        [db, Token::Punct('.'), Token::Punct('*')] => name(db).map(Object::Database),
        [db, Token::Punct('.'), table] => Some(Object::Table(name(db)?, name(table)?)),
        _ => None,
    }
}

/// Whether `name` matches the `LIKE` pattern of a database-level grant.
fn like(pattern: &str, name: &str, fold_case: bool) -> bool {
    let fold = |s: &str| -> Vec<char> {
        if fold_case {
            s.to_lowercase().chars().collect()
        } else {
            s.chars().collect()
        }
    };
    fn go(p: &[char], n: &[char]) -> bool {
        match p.split_first() {
            None => n.is_empty(),
            Some(('%', rest)) => (0..=n.len()).any(|k| go(rest, &n[k..])),
            Some(('_', rest)) => !n.is_empty() && go(rest, &n[1..]),
            Some(('\\', rest)) if !rest.is_empty() => {
                n.first() == Some(&rest[0]) && go(&rest[1..], &n[1..])
            }
            Some((c, rest)) => n.first() == Some(c) && go(rest, &n[1..]),
        }
    }
    go(&fold(pattern), &fold(name))
}

/// A token of a `SHOW GRANTS` line.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    /// A bare word (`SELECT`, `ON`, an unquoted name).
    Word(String),
    /// A quoted name or string, unquoted.
    Name(String),
    /// `,`, `(`, `)`, `.`, `*`, `@`, `=`.
    Punct(char),
}

fn tokens(line: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            '`' | '\'' | '"' => {
                let mut name = String::new();
                while let Some(n) = chars.next() {
                    if n == c {
                        if chars.peek() == Some(&c) {
                            chars.next();
                        } else {
                            break;
                        }
                    } else if n == '\\' && c != '`' {
                        // Backslash escapes inside string literals ('\'').
                        if let Some(e) = chars.next() {
                            name.push(e);
                            continue;
                        }
                    }
                    name.push(n);
                }
                out.push(Token::Name(name));
            }
            ',' | '(' | ')' | '.' | '*' | '@' | '=' => out.push(Token::Punct(c)),
            c => {
                let mut word = c.to_string();
                while let Some(&n) = chars.peek() {
                    if n.is_whitespace() || ",().*@=`'\"".contains(n) {
                        break;
                    }
                    word.push(n);
                    chars.next();
                }
                out.push(Token::Word(word));
            }
        }
    }
    out
}

/// `tokens` split at the commas outside parentheses (a column list has its own).
fn top_level_items(tokens: &[Token]) -> Vec<&[Token]> {
    let (mut items, mut depth, mut start) = (Vec::new(), 0usize, 0);
    for (i, t) in tokens.iter().enumerate() {
        match t {
            Token::Punct('(') => depth += 1,
            Token::Punct(')') => depth = depth.saturating_sub(1),
            Token::Punct(',') if depth == 0 => {
                items.push(&tokens[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&tokens[start..]);
    items
}

/// Where the bare word `want` stands outside parentheses, first.
fn top_level_word(tokens: &[Token], want: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, t) in tokens.iter().enumerate() {
        match t {
            Token::Punct('(') => depth += 1,
            Token::Punct(')') => depth = depth.saturating_sub(1),
            Token::Word(w) if depth == 0 && w.eq_ignore_ascii_case(want) => return Some(i),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn four(a: &TableAccess) -> [bool; 4] {
        [a.select, a.insert, a.update, a.delete]
    }

    #[test]
    fn mariadb_and_oceanbase_lines_are_read() {
        let mariadb = [
            "GRANT USAGE ON *.* TO `app`@`%` IDENTIFIED BY PASSWORD '*439F'",
            "GRANT SELECT, INSERT, UPDATE ON `ss\\_chk%`.* TO `app`@`%`",
            "GRANT SELECT (`id`, `b`), INSERT ON `shop`.`__b` TO `app`@`%`",
            "GRANT ALL PRIVILEGES ON `shop`.`__a` TO `app`@`%` WITH GRANT OPTION",
            "GRANT EXECUTE ON PROCEDURE `shop`.`p` TO `app`@`%`",
            "GRANT `r1`,`r2` TO `app`@`%`",
            "SET DEFAULT ROLE `r1` FOR `app`@`%`",
        ];
        let g = Grants::parse(&mariadb);
        assert_eq!(four(&g.access("shop", "__a", false)), [true; 4]);
        assert!(g.access("shop", "__a", false).full);
        let b = g.access("shop", "__b", false);
        assert_eq!(four(&b), [false, true, false, false]);
        assert_eq!(b.notes.len(), 1, "{b:?}");
        assert!(b.notes[0].starts_with("SELECT on some columns"), "{b:?}");
        // The database pattern: `\_` is a literal underscore, `%` anything.
        assert_eq!(
            four(&g.access("ss_chk_1", "t", false)),
            [true, true, true, false]
        );
        assert_eq!(four(&g.access("ssXchk_1", "t", false)), [false; 4]);
        assert_eq!(four(&g.access("SHOP", "__a", false)), [false; 4]);
        assert_eq!(four(&g.access("SHOP", "__A", true)), [true; 4]);
        assert_eq!(g.roles, ["r1", "r2"]);
        assert_eq!(g.default_role.as_deref(), Some("r1"));

        let oceanbase = [
            "GRANT USAGE ON *.* TO 'app'",
            "GRANT INSERT, SELECT (`id`) ON `shop`.`__b` TO 'app'",
            "GRANT DELETE ON `sh_p`.* TO 'app'",
        ];
        let g = Grants::parse(&oceanbase);
        assert_eq!(
            four(&g.access("shop", "__b", true)),
            [false, true, false, true]
        );
        let global = Grants::parse(&["GRANT ALL PRIVILEGES ON *.* TO 'root' WITH GRANT OPTION"]);
        assert!(global.access("any", "t", false).full);
        assert!(global.roles.is_empty());
    }

    #[test]
    fn partial_revokes_leave_nothing_counted() {
        let g = Grants::parse(&[
            "GRANT SELECT, INSERT, UPDATE, DELETE ON *.* TO `app`@`%`",
            "REVOKE DELETE ON `shop`.* FROM `app`@`%`",
        ]);
        let a = g.access("shop", "t", false);
        assert!(!a.full && !a.select, "{a:?}");
        assert!(a.notes[0].contains("REVOKE"), "{a:?}");
    }

    #[test]
    fn like_patterns() {
        assert!(like("a%", "abc", false));
        assert!(like("a_c", "abc", false));
        assert!(!like("a\\_c", "abc", false));
        assert!(like("a\\_c", "a_c", false));
        assert!(like("%", "", false));
        assert!(!like("ab", "abc", false));
    }
}
