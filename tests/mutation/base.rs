//! The base tables of the mutation corpus, and the small text model the
//! mutation kinds edit.
//!
//! The bases are written as plain `CREATE TABLE` statements that both
//! MariaDB 10.11 and seekdb accept; they are drawn from the tables of
//! `scripts/fixture_extra.sql` (whose `SHOW CREATE TABLE` output is in
//! `tests/fixtures/show-create/`) and cover the column types, indexes,
//! constraints, partitioning and table options real schemas use.
//!
//! A base is split into a [`Table`]: one string per column, one per key or
//! constraint, one per table option, and the partitioning clause. Kinds edit
//! those strings and [`Table::render`] joins them again. The model is
//! deliberately independent of shadowsync's own parser and renderer, so a
//! bug there cannot make a wrong desired schema look right.

/// The base tables, in an order where each table's parents come first.
/// Each names the base tables it references (created unchanged on both
/// sides of every case) before its statement.
const BASES: &[(&[&str], &str)] = &[
    (
        &[],
        "CREATE TABLE customers (
  id INT NOT NULL AUTO_INCREMENT,
  email VARCHAR(191) NOT NULL COMMENT 'login',
  name VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  code CHAR(8) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_email (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='fk parent'",
    ),
    (
        &["customers"],
        "CREATE TABLE orders (
  id BIGINT NOT NULL AUTO_INCREMENT,
  customer_id INT NOT NULL,
  referrer_id INT DEFAULT NULL,
  qty SMALLINT NOT NULL,
  price DECIMAL(10,2) NOT NULL,
  discount DECIMAL(5,4) NOT NULL DEFAULT 0.0000,
  status ENUM('new','paid','shipped') NOT NULL DEFAULT 'new',
  flags SET('gift','rush') DEFAULT NULL,
  note VARCHAR(200) DEFAULT NULL,
  PRIMARY KEY (id),
  KEY idx_customer (customer_id),
  KEY idx_referrer (referrer_id),
  KEY idx_status_price (status, price),
  CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE,
  CONSTRAINT fk_orders_referrer FOREIGN KEY (referrer_id) REFERENCES customers (id) ON DELETE SET NULL,
  CONSTRAINT chk_qty CHECK (qty > 0),
  CONSTRAINT chk_price CHECK (price >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='orders'",
    ),
    (
        &[],
        "CREATE TABLE events (
  id INT NOT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  happened DATETIME(3) DEFAULT NULL,
  title VARCHAR(100) NOT NULL,
  body TEXT,
  payload BLOB,
  doc JSON,
  score INT NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  KEY idx_title (title(20)),
  KEY idx_created (created_at, score)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
    ),
    (
        &[],
        "CREATE TABLE people (
  id INT NOT NULL AUTO_INCREMENT,
  first_name VARCHAR(50) NOT NULL,
  last_name VARCHAR(50) NOT NULL,
  full_name VARCHAR(101) AS (CONCAT(first_name, ' ', last_name)) VIRTUAL,
  name_len INT AS (CHAR_LENGTH(first_name) + CHAR_LENGTH(last_name)) STORED,
  PRIMARY KEY (id),
  KEY idx_full_name (full_name)
) ENGINE=InnoDB AUTO_INCREMENT=100 DEFAULT CHARSET=utf8mb4",
    ),
    (
        &[],
        "CREATE TABLE articles (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT,
  title VARCHAR(200) NOT NULL,
  body TEXT,
  PRIMARY KEY (id),
  FULLTEXT KEY ft_title_body (title, body)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
    ),
    (
        &[],
        "CREATE TABLE audit_log (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  msg VARCHAR(500) NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB AUTO_INCREMENT=1000 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin ROW_FORMAT=DYNAMIC COMMENT='append-only'",
    ),
    (
        &[],
        "CREATE TABLE ev_range (
  id BIGINT UNSIGNED NOT NULL,
  created_at DATETIME NOT NULL,
  payload VARCHAR(255) DEFAULT NULL,
  PRIMARY KEY (id, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
PARTITION BY RANGE (YEAR(created_at)) (
  PARTITION p2022 VALUES LESS THAN (2023),
  PARTITION p2023 VALUES LESS THAN (2024),
  PARTITION p2024 VALUES LESS THAN (2025)
)",
    ),
    (
        &[],
        "CREATE TABLE ev_list (
  id INT NOT NULL,
  region_code TINYINT UNSIGNED NOT NULL,
  label VARCHAR(40) DEFAULT NULL,
  PRIMARY KEY (id, region_code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
PARTITION BY LIST (region_code) (
  PARTITION p_eu VALUES IN (1, 2, 3),
  PARTITION p_us VALUES IN (10, 11),
  PARTITION p_asia VALUES IN (20)
)",
    ),
    (
        &[],
        "CREATE TABLE ev_list_cols (
  id INT NOT NULL,
  country CHAR(2) NOT NULL,
  PRIMARY KEY (id, country)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
PARTITION BY LIST COLUMNS (country) (
  PARTITION p_de VALUES IN ('DE', 'AT', 'CH'),
  PARTITION p_fr VALUES IN ('FR', 'BE')
)",
    ),
    (
        &[],
        "CREATE TABLE ev_hash (
  id BIGINT NOT NULL,
  user_id INT NOT NULL,
  PRIMARY KEY (id, user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
PARTITION BY HASH (user_id) PARTITIONS 4",
    ),
];

/// A table as the mutation kinds see it: its `CREATE TABLE` in pieces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub name: String,
    /// Column definitions, e.g. `price DECIMAL(10,2) NOT NULL`.
    pub columns: Vec<String>,
    /// Index and constraint definitions, e.g. `KEY idx (a, b)`.
    pub keys: Vec<String>,
    /// Table options, each `KEY=VALUE` (`DEFAULT CHARSET=utf8mb4`).
    pub options: Vec<String>,
    /// `PARTITION BY …` with its partition list.
    pub partition: Option<String>,
    /// Base tables this one references, created unchanged on both sides.
    pub parents: Vec<String>,
}

/// Every base table, parsed.
pub fn bases() -> Vec<Table> {
    BASES
        .iter()
        .map(|(parents, sql)| {
            let mut t = Table::parse(sql);
            t.parents = parents.iter().map(|p| p.to_string()).collect();
            t
        })
        .collect()
}

/// The base table named `name`.
pub fn base(name: &str) -> Table {
    bases()
        .into_iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no base table `{name}`"))
}

/// Words that start a key or constraint rather than a column.
const KEY_WORDS: &[&str] = &[
    "PRIMARY",
    "KEY",
    "INDEX",
    "UNIQUE",
    "FULLTEXT",
    "SPATIAL",
    "CONSTRAINT",
    "CHECK",
    "FOREIGN",
];

impl Table {
    /// Splits one of the [`BASES`] statements (this module's own input:
    /// anything unexpected is a bug here and panics).
    fn parse(sql: &str) -> Table {
        let open = sql.find('(').expect("CREATE TABLE name (");
        let name = sql["CREATE TABLE".len()..open].trim().to_string();
        let close = matching_paren(sql, open);
        let mut columns = Vec::new();
        let mut keys = Vec::new();
        for element in split_top(&sql[open + 1..close], ',') {
            let first = first_word(&element).to_ascii_uppercase();
            if KEY_WORDS.contains(&first.as_str()) {
                keys.push(element);
            } else {
                columns.push(element);
            }
        }
        let rest = sql[close + 1..].trim();
        let (options, partition) = match find_top(rest, "PARTITION BY") {
            Some(at) => (&rest[..at], Some(rest[at..].trim().to_string())),
            None => (rest, None),
        };
        let mut words = split_top(options, ' ').into_iter();
        let mut opts = Vec::new();
        while let Some(word) = words.next() {
            if word.eq_ignore_ascii_case("DEFAULT") {
                let next = words.next().expect("DEFAULT CHARSET=…");
                opts.push(format!("DEFAULT {next}"));
            } else {
                assert!(
                    word.contains('='),
                    "option `{word}` of {name} is not KEY=VALUE"
                );
                opts.push(word);
            }
        }
        Table {
            name,
            columns,
            keys,
            options: opts,
            partition,
            parents: Vec::new(),
        }
    }

    /// The `CREATE TABLE` statement.
    pub fn render(&self) -> String {
        let elements: Vec<&String> = self.columns.iter().chain(&self.keys).collect();
        let mut sql = format!(
            "CREATE TABLE {} (\n  {}\n)",
            self.name,
            elements
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(",\n  ")
        );
        if !self.options.is_empty() {
            sql.push(' ');
            sql.push_str(&self.options.join(" "));
        }
        if let Some(p) = &self.partition {
            sql.push('\n');
            sql.push_str(p);
        }
        sql
    }

    // ---- columns ----

    /// Position of column `name`.
    pub fn col_pos(&self, name: &str) -> Option<usize> {
        self.columns
            .iter()
            .position(|c| first_word(c).eq_ignore_ascii_case(name))
    }

    /// Definition of column `name`.
    pub fn col(&self, name: &str) -> Option<&str> {
        self.col_pos(name).map(|i| self.columns[i].as_str())
    }

    /// Replaces the definition of column `name`.
    pub fn set_col(&mut self, name: &str, def: String) {
        let i = self.col_pos(name).expect("column exists");
        self.columns[i] = def;
    }

    /// Removes column `name`, returning its definition.
    pub fn remove_col(&mut self, name: &str) -> String {
        let i = self.col_pos(name).expect("column exists");
        self.columns.remove(i)
    }

    /// The columns, viewed.
    pub fn cols(&self) -> Vec<Col> {
        self.columns.iter().map(|d| Col::of(d)).collect()
    }

    /// Whether anything besides the column's own definition names `name`:
    /// a key, a constraint, another column (generated) or the partitioning.
    pub fn referenced(&self, name: &str) -> bool {
        let own = self.col_pos(name);
        self.columns
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != own)
            .map(|(_, c)| c.as_str())
            .chain(self.keys.iter().map(String::as_str))
            .chain(self.partition.as_deref())
            .any(|text| mentions(text, name))
    }

    /// Whether some index or constraint names column `name`.
    pub fn in_key(&self, name: &str) -> bool {
        self.keys.iter().any(|k| mentions(k, name))
    }

    /// The columns of the primary key.
    pub fn primary_key(&self) -> Vec<String> {
        self.key("PRIMARY").map(key_columns).unwrap_or_default()
    }

    // ---- keys ----

    /// Position of the key or constraint named `name` (`PRIMARY` for the primary key).
    pub fn key_pos(&self, name: &str) -> Option<usize> {
        self.keys
            .iter()
            .position(|k| key_name(k).is_some_and(|n| n.eq_ignore_ascii_case(name)))
    }

    /// Definition of the key or constraint named `name`.
    pub fn key(&self, name: &str) -> Option<&str> {
        self.key_pos(name).map(|i| self.keys[i].as_str())
    }

    /// Replaces the key or constraint named `name`.
    pub fn set_key(&mut self, name: &str, def: String) {
        let i = self.key_pos(name).expect("key exists");
        self.keys[i] = def;
    }

    /// Removes the key or constraint named `name`.
    pub fn remove_key(&mut self, name: &str) -> String {
        let i = self.key_pos(name).expect("key exists");
        self.keys.remove(i)
    }

    /// Definitions of the keys whose first word is `kind` (`KEY`, `UNIQUE`, …)
    /// or, for `FOREIGN` and `CHECK`, the constraints of that kind.
    pub fn keys_of(&self, kind: &str) -> Vec<&str> {
        self.keys
            .iter()
            .map(String::as_str)
            .filter(|k| key_kind(k) == kind)
            .collect()
    }

    /// Whether a foreign key has `column` among its own columns.
    pub fn fk_column(&self, column: &str) -> bool {
        self.keys_of("FOREIGN").iter().any(|k| {
            let own = &k[k.find("FOREIGN KEY").unwrap()..k.find("REFERENCES").unwrap()];
            mentions(own, column)
        })
    }

    // ---- options ----

    /// The value of option `key` (`COMMENT`, `DEFAULT CHARSET`, …).
    pub fn option(&self, key: &str) -> Option<&str> {
        self.options.iter().find_map(|o| {
            let (k, v) = o.split_once('=')?;
            k.eq_ignore_ascii_case(key).then_some(v)
        })
    }

    /// Sets option `key` to `value`, in place or appended.
    pub fn set_option(&mut self, key: &str, value: &str) {
        let text = format!("{key}={value}");
        match self
            .options
            .iter()
            .position(|o| option_key(o).eq_ignore_ascii_case(key))
        {
            Some(i) => self.options[i] = text,
            None => self.options.push(text),
        }
    }

    /// Removes option `key`; whether it was there.
    pub fn remove_option(&mut self, key: &str) -> bool {
        let before = self.options.len();
        self.options
            .retain(|o| !option_key(o).eq_ignore_ascii_case(key));
        before != self.options.len()
    }
}

/// One column definition, viewed.
#[derive(Debug, Clone)]
pub struct Col {
    pub name: String,
    /// The type as written, uppercased (`VARCHAR(100)`).
    pub ty: String,
    /// The type's name without arguments (`VARCHAR`).
    pub base_ty: String,
    /// Everything after the type, uppercased.
    pub attrs: String,
    pub def: String,
}

impl Col {
    pub fn of(def: &str) -> Col {
        let words = split_top(def, ' ');
        let ty = words.get(1).cloned().unwrap_or_default();
        let base_ty = ty.split('(').next().unwrap_or("").to_ascii_uppercase();
        let attrs = words.get(2..).map(|w| w.join(" ")).unwrap_or_default();
        Col {
            name: words[0].clone(),
            ty: ty.to_ascii_uppercase(),
            base_ty,
            attrs: attrs.to_ascii_uppercase(),
            def: def.to_string(),
        }
    }

    pub fn not_null(&self) -> bool {
        self.attrs.contains("NOT NULL")
    }

    pub fn generated(&self) -> bool {
        self.attrs.starts_with("AS (") || self.attrs.starts_with("GENERATED")
    }

    pub fn auto_increment(&self) -> bool {
        self.attrs.contains("AUTO_INCREMENT")
    }

    /// The `DEFAULT` value as written (the word after `DEFAULT`), if any.
    pub fn default(&self) -> Option<String> {
        let words = split_top(&self.def, ' ');
        let i = words
            .iter()
            .position(|w| w.eq_ignore_ascii_case("DEFAULT"))?;
        words.get(i + 1).cloned()
    }

    /// `VARCHAR(n)` / `CHAR(n)`: the length.
    pub fn length(&self) -> Option<u32> {
        let inner = self.ty.split_once('(')?.1.strip_suffix(')')?;
        inner.parse().ok()
    }

    pub fn is_string(&self) -> bool {
        matches!(self.base_ty.as_str(), "VARCHAR" | "CHAR")
    }

    pub fn is_int(&self) -> bool {
        matches!(
            self.base_ty.as_str(),
            "TINYINT" | "SMALLINT" | "INT" | "BIGINT"
        )
    }

    /// A type an ordinary (non-prefix) index can cover.
    pub fn indexable(&self) -> bool {
        !matches!(self.base_ty.as_str(), "TEXT" | "BLOB" | "JSON") && !self.generated()
    }

    pub fn has_charset_or_collation(&self) -> bool {
        self.attrs.contains("CHARACTER SET") || self.attrs.contains("COLLATE")
    }

    pub fn has_comment(&self) -> bool {
        self.attrs.contains("COMMENT")
    }
}

/// The name of a key or constraint: `PRIMARY` for the primary key, else the
/// name written after `CONSTRAINT` or after the `KEY`/`INDEX` keyword.
pub fn key_name(def: &str) -> Option<String> {
    let words = split_top(def, ' ');
    let upper: Vec<String> = words.iter().map(|w| w.to_ascii_uppercase()).collect();
    if upper[0] == "PRIMARY" {
        return Some("PRIMARY".into());
    }
    if upper[0] == "CONSTRAINT" {
        return words.get(1).cloned();
    }
    let i = upper.iter().position(|w| w == "KEY" || w == "INDEX")?;
    words.get(i + 1).filter(|w| !w.starts_with('(')).cloned()
}

/// `PRIMARY`, `UNIQUE`, `KEY`, `FULLTEXT`, `FOREIGN` or `CHECK`.
pub fn key_kind(def: &str) -> &'static str {
    let upper = def.to_ascii_uppercase();
    if upper.contains("FOREIGN KEY") {
        "FOREIGN"
    } else if upper.starts_with("PRIMARY") {
        "PRIMARY"
    } else if upper.starts_with("UNIQUE") {
        "UNIQUE"
    } else if upper.starts_with("FULLTEXT") {
        "FULLTEXT"
    } else if upper.contains("CHECK (") {
        "CHECK"
    } else {
        "KEY"
    }
}

/// The column list of a key, `(a, b(10) DESC)` → `["a", "b(10) DESC"]`.
pub fn key_parts(def: &str) -> Vec<String> {
    let open = def.find('(').expect("key has a column list");
    let close = matching_paren(def, open);
    split_top(&def[open + 1..close], ',')
}

/// Replaces the column list of a key.
pub fn with_key_parts(def: &str, parts: &[String]) -> String {
    let open = def.find('(').expect("key has a column list");
    let close = matching_paren(def, open);
    format!(
        "{}({}){}",
        &def[..open],
        parts.join(", "),
        &def[close + 1..]
    )
}

/// The column names of a key.
pub fn key_columns(def: &str) -> Vec<String> {
    key_parts(def)
        .iter()
        .map(|p| p.split(['(', ' ']).next().unwrap_or("").to_string())
        .collect()
}

/// Whether `text` names the identifier `name` (as a whole word).
pub fn mentions(text: &str, name: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let lower = text.to_ascii_lowercase();
    let name = name.to_ascii_lowercase();
    lower.match_indices(&name).any(|(at, _)| {
        let before = lower[..at].chars().next_back();
        let after = lower[at + name.len()..].chars().next();
        !before.is_some_and(word) && !after.is_some_and(word)
    })
}

/// Replaces the first occurrence of `from` by `to` in `text` (panics when absent).
pub fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "`{from}` not in `{text}`");
    text.replacen(from, to, 1)
}

fn option_key(option: &str) -> &str {
    option.split('=').next().unwrap_or("").trim()
}

fn first_word(s: &str) -> &str {
    s.split_whitespace().next().unwrap_or("")
}

/// Index of the `)` closing the `(` at `open`, outside quotes.
fn matching_paren(s: &str, open: usize) -> usize {
    let mut depth = 0;
    let mut quote = None;
    for (i, c) in s.char_indices().skip_while(|(i, _)| *i < open) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"' | '`') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    panic!("unbalanced parentheses in `{s}`")
}

/// `s` split on `sep` outside parentheses and quotes, trimmed, empty pieces dropped.
pub fn split_top(s: &str, sep: char) -> Vec<String> {
    let mut out = Vec::new();
    let (mut depth, mut quote, mut start) = (0i32, None, 0);
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"' | '`') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => depth -= 1,
            (None, c) if depth == 0 && (c == sep || (sep == ' ' && c.is_whitespace())) => {
                out.push(s[start..i].trim().to_string());
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    out.push(s[start..].trim().to_string());
    out.retain(|p| !p.is_empty());
    out
}

/// Byte position of `needle` in `s` outside parentheses and quotes.
fn find_top(s: &str, needle: &str) -> Option<usize> {
    let (mut depth, mut quote) = (0i32, None);
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"' | '`') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => depth -= 1,
            (None, _) if depth == 0 && s[i..].starts_with(needle) => return Some(i),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bases_round_trip_through_the_model() {
        for t in bases() {
            let again = Table {
                parents: t.parents.clone(),
                ..Table::parse(&t.render())
            };
            assert_eq!(t, again, "{}", t.render());
        }
        let orders = base("orders");
        assert_eq!(orders.primary_key(), vec!["id"]);
        assert!(orders.fk_column("customer_id"));
        assert!(!orders.fk_column("id"));
        assert_eq!(orders.option("COMMENT"), Some("'orders'"));
        assert_eq!(
            key_columns(orders.key("idx_status_price").unwrap()),
            vec!["status", "price"]
        );
        assert!(base("people").referenced("first_name"));
        assert!(!base("people").referenced("name_len"));
        assert!(base("ev_range").partition.is_some());
    }
}
