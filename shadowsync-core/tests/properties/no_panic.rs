//! Property (d): the parser, and render/diff on what it accepts, never
//! panic on arbitrary text, token soup or mutated DDL.

use proptest::prelude::*;
use shadowsync_core::diff::{diff_tables, DiffOptions};
use shadowsync_core::parse::parse_tables;
use shadowsync_core::render::create_table;
use shadowsync_core::*;

use crate::tables::table;
use crate::{config, opts, Mode, FLAVORS};

/// Parse `sql`; whatever parses is rendered, re-parsed and diffed against
/// `reference` and itself. Errors are fine; panics are not (proptest reports them).
fn exercise(sql: &str, reference: Option<&Table>) {
    let Ok(tables) = parse_tables(sql) else {
        return;
    };
    for t in &tables {
        let text = create_table(t);
        let _ = parse_tables(&text);
        for flavor in FLAVORS {
            let o = opts(flavor);
            let _ = diff_tables(t, t, &o);
            if let Some(r) = reference {
                let _ = diff_tables(r, t, &o);
                let _ = diff_tables(t, r, &o);
            }
        }
    }
    if tables.len() >= 2 {
        let _ = diff_tables(&tables[0], &tables[1], &DiffOptions::default());
    }
}

const SOUP: &[&str] = &[
    "CREATE",
    "TABLE",
    "`t`",
    "t",
    "(",
    ")",
    "(",
    ")",
    ",",
    ",",
    ";",
    "`a`",
    "int",
    "varchar(10)",
    "enum('a','b')",
    "NOT",
    "NULL",
    "DEFAULT",
    "'x'",
    "-",
    "1",
    "1.5",
    "0x1F",
    "b'1'",
    "CURRENT_TIMESTAMP",
    "ON",
    "UPDATE",
    "AUTO_INCREMENT",
    "COMMENT",
    "PRIMARY",
    "KEY",
    "UNIQUE",
    "INDEX",
    "FULLTEXT",
    "CONSTRAINT",
    "FOREIGN",
    "REFERENCES",
    "CASCADE",
    "SET",
    "CHECK",
    "ENFORCED",
    "GENERATED",
    "ALWAYS",
    "AS",
    "STORED",
    "VIRTUAL",
    "ENGINE",
    "=",
    "InnoDB",
    "CHARSET",
    "COLLATE",
    "PARTITION",
    "BY",
    "RANGE",
    "LIST",
    "HASH",
    "LINEAR",
    "COLUMNS",
    "VALUES",
    "LESS",
    "THAN",
    "MAXVALUE",
    "IN",
    "SUBPARTITION",
    "PARTITIONS",
    "TEMPLATE",
    "USING",
    "BTREE",
    "DESC",
    "ASC",
    "INVISIBLE",
    "IGNORED",
    "WITH",
    "PARSER",
    "KEY_BLOCK_SIZE",
    "/*!50100",
    "*/",
    "/*",
    "--",
    "\n",
    "#",
    "'",
    "`",
    "\"",
    "\\",
    ".",
    "SRID",
    "STORING",
    "ALGORITHM",
    "DATE",
    "_utf8mb4",
    "'2024-01-01'",
    "IF",
    "EXISTS",
    "LIKE",
    "CHARACTER",
    "BINARY",
    "UNSIGNED",
    "ZEROFILL",
    "PERSISTENT",
];

#[derive(Clone, Debug)]
enum Mutation {
    Truncate(prop::sample::Index),
    Delete(prop::sample::Index, usize),
    Insert(prop::sample::Index, String),
    Duplicate(prop::sample::Index, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        1 => any::<prop::sample::Index>().prop_map(Mutation::Truncate),
        3 => (any::<prop::sample::Index>(), 1usize..8).prop_map(|(i, n)| Mutation::Delete(i, n)),
        3 => (
            any::<prop::sample::Index>(),
            prop_oneof![prop::sample::select(SOUP).prop_map(String::from), "\\PC", "[()'`\",;\\\\]"],
        )
            .prop_map(|(i, s)| Mutation::Insert(i, s)),
        1 => (any::<prop::sample::Index>(), 1usize..40).prop_map(|(i, n)| Mutation::Duplicate(i, n)),
    ]
}

/// The char boundary at or before `i.index(len + 1)`.
fn boundary(s: &str, i: &prop::sample::Index) -> usize {
    let mut at = i.index(s.len() + 1);
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn apply(mut s: String, mutations: &[Mutation]) -> String {
    for m in mutations {
        match m {
            Mutation::Truncate(i) => {
                let at = boundary(&s, i);
                s.truncate(at);
            }
            Mutation::Delete(i, n) => {
                let at = boundary(&s, i);
                let end = s[at..]
                    .char_indices()
                    .nth(*n)
                    .map_or(s.len(), |(k, _)| at + k);
                s.replace_range(at..end, "");
            }
            Mutation::Insert(i, text) => {
                let at = boundary(&s, i);
                s.insert_str(at, text);
            }
            Mutation::Duplicate(i, n) => {
                let at = boundary(&s, i);
                let end = s[at..]
                    .char_indices()
                    .nth(*n)
                    .map_or(s.len(), |(k, _)| at + k);
                let piece = s[at..end].to_string();
                s.insert_str(end, &piece);
            }
        }
    }
    s
}

proptest! {
    #![proptest_config(config(512))]

    /// (d) arbitrary text.
    #[test]
    fn prop_d_parser_survives_arbitrary_text(s in "(?s).{0,300}") {
        exercise(&s, None);
    }

    /// (d) arbitrary sequences of DDL tokens.
    #[test]
    fn prop_d_parser_survives_token_soup(
        tokens in prop::collection::vec(prop::sample::select(SOUP), 0..80),
        glue in prop::sample::select(&[" ", "", "\n"][..]),
    ) {
        exercise(&tokens.join(glue), None);
    }

}

proptest! {
    #![proptest_config(config(256))]

    /// (d) rendered DDL, truncated, with characters deleted, inserted and duplicated.
    #[test]
    fn prop_d_parser_survives_mutated_ddl(
        t in table(Mode::Loose),
        mutations in prop::collection::vec(mutation(), 1..6),
    ) {
        let text = create_table(&t);
        exercise(&apply(text, &mutations), Some(&t));
    }
}
