//! Bugs found by the properties, as minimal inputs: `regression_*` were
//! fixed and keep them fixed; `bug_*` fail until core is fixed.

use std::process::Command;

use shadowsync_core::diff::{diff_tables, DiffOptions};
use shadowsync_core::parse::{parse_table, parse_tables};
use shadowsync_core::render::{create_table, quote_ident, quote_string};
use shadowsync_core::*;

const DUPLICATE_OPTION_SQL: &str = "CREATE TABLE t (a int) ENGINE=InnoDB ENGINE=MyISAM";
const DUPLICATE_COLUMN_SQL: &str = "CREATE TABLE t (a int, A bigint)";
const DUPLICATE_INDEX_SQL: &str = "CREATE TABLE t (a int, KEY k (a), KEY K (a, a))";
const NAMED_PRIMARY_KEY_SQL: &str = "CREATE TABLE t (a int, PRIMARY KEY pk (a))";
const QUOTED_OPTION_VALUE_SQL: [&str; 2] = [
    "CREATE TABLE t (a int) TABLESPACE `my ts`",
    "CREATE TABLE t (a int) PARTITION BY HASH (a) (PARTITION p0 ENGINE = `my engine`)",
];
const MULTIPLE_PRIMARY_KEYS_SQL: [&str; 2] = [
    "CREATE TABLE t (a int PRIMARY KEY, b int, PRIMARY KEY (b))",
    "CREATE TABLE t (a int, b int, PRIMARY KEY (a), PRIMARY KEY (b))",
];

/// (a) `CONSTRAINT c UNIQUE …` kept its constraint name in the model but render
/// dropped it, so parse → render → parse changed the model.
#[test]
fn regression_a_unique_constraint_name_survives_round_trip() {
    let sql = "CREATE TABLE t (a int, CONSTRAINT c UNIQUE KEY u (a))";
    let t = parse_table(sql).unwrap();
    let text = create_table(&t);
    let again = parse_table(&text).unwrap();
    assert!(
        again == t,
        "core render: `CONSTRAINT c UNIQUE KEY u (a)` renders as\n{text}\nand re-parses with \
         constraint_name {:?} instead of {:?}",
        again.indexes[0].constraint_name,
        t.indexes[0].constraint_name,
    );
}

/// `sql` must either be refused (as the server refuses it) or give a table
/// that does not differ from itself.
fn refused_or_stable(sql: &str) -> Result<(), String> {
    let Ok(t) = parse_table(sql) else {
        return Ok(());
    };
    match diff_tables(&t, &t, &DiffOptions::default()) {
        Ok(s) if s.is_empty() => Ok(()),
        other => Err(format!("`{sql}` parses, and diff(t, t) = {other:?}")),
    }
}

/// (b) A table option given twice: `Table::option` (used by diff) took the
/// first, the server the last, so the table differed from itself and the diff
/// from a server table with `ENGINE=MyISAM` switched it to InnoDB.
#[test]
fn regression_b_duplicate_table_option() {
    let server = parse_table("CREATE TABLE t (a int) ENGINE=MyISAM").unwrap();
    let mut problems: Vec<String> = refused_or_stable(DUPLICATE_OPTION_SQL)
        .err()
        .into_iter()
        .collect();
    if let Ok(desired) = parse_table(DUPLICATE_OPTION_SQL) {
        let stmts = diff_tables(&server, &desired, &DiffOptions::default());
        if !stmts.as_ref().is_ok_and(|s| s.is_empty()) {
            problems.push(format!("diff(`ENGINE=MyISAM` table, desired) = {stmts:?} (the server keeps the last ENGINE)"));
        }
    }
    assert!(
        problems.is_empty(),
        "core diff/parse: {}",
        problems.join("; ")
    );
}

/// (b) Two columns whose names differ only in case (MySQL error 1060,
/// duplicate column name) parsed, and the table differed from itself.
#[test]
fn regression_b_duplicate_column_name() {
    let result = refused_or_stable(DUPLICATE_COLUMN_SQL);
    assert!(result.is_ok(), "core parse/diff: {}", result.unwrap_err());
}

/// (b) Two indexes whose names differ only in case (MySQL error 1061,
/// duplicate key name) parsed, and the table differed from itself.
#[test]
fn regression_b_duplicate_index_name() {
    let result = refused_or_stable(DUPLICATE_INDEX_SQL);
    assert!(result.is_ok(), "core parse/diff: {}", result.unwrap_err());
}

/// (b) Two primary keys (MySQL error 1068, multiple primary key defined): an
/// inline `PRIMARY KEY` plus a key, or two keys, parsed, and the table differed
/// from itself.
#[test]
fn regression_b_multiple_primary_keys() {
    let problems: Vec<String> = MULTIPLE_PRIMARY_KEYS_SQL
        .iter()
        .filter_map(|sql| refused_or_stable(sql).err())
        .collect();
    assert!(
        problems.is_empty(),
        "core parse/diff: {}",
        problems.join("; ")
    );
}

/// (a) `PRIMARY KEY pk (a)` (MySQL accepts and ignores the name) kept
/// `name: Some("pk")` in the model, which render dropped, so parse → render →
/// parse changed the model.
#[test]
fn regression_a_primary_key_name_survives_round_trip() {
    let t = parse_table(NAMED_PRIMARY_KEY_SQL).unwrap();
    let text = create_table(&t);
    let again = parse_table(&text).unwrap();
    assert!(
        again == t,
        "core parse/render: `{NAMED_PRIMARY_KEY_SQL}` renders as\n{text}\nand re-parses with name {:?} instead \
         of {:?}",
        again.indexes[0].name,
        t.indexes[0].name,
    );
}

/// (a) A table or partition option value written as a quoted identifier
/// (`TABLESPACE \`my ts\``, `ENGINE = \`…\``) was kept as a bare word and
/// rendered unquoted: the rendering did not parse, and the diff emitted it
/// unquoted into ALTER statements — `ENGINE=\`InnoDB; DROP TABLE users\``
/// became `ALTER TABLE \`t\` ENGINE=INNODB; DROP TABLE USERS`.
#[test]
fn regression_a_quoted_option_values_render_quoted() {
    let mut problems = Vec::new();
    for sql in QUOTED_OPTION_VALUE_SQL {
        let t = parse_table(sql).unwrap();
        let text = create_table(&t);
        match parse_table(&text) {
            Ok(again) if again == t => {}
            Ok(_) => problems.push(format!(
                "`{sql}` renders as {text:?}, which parses to another model"
            )),
            Err(e) => problems.push(format!(
                "`{sql}` renders as {text:?}, which does not parse: {e}"
            )),
        }
    }
    let server = parse_table("CREATE TABLE t (a int) ENGINE=InnoDB").unwrap();
    let desired = parse_table("CREATE TABLE t (a int) ENGINE=`InnoDB; DROP TABLE users`").unwrap();
    let stmts = diff_tables(&server, &desired, &DiffOptions::default()).unwrap_or_default();
    if !stmts
        .iter()
        .any(|s| s.sql.contains("ENGINE=`InnoDB; DROP TABLE users`"))
    {
        problems.push(format!(
            "diff does not emit the value as a quoted identifier: {stmts:?}"
        ));
    }
    assert!(
        problems.is_empty(),
        "core render/diff:\n{}",
        problems.join("\n")
    );
}

/// Expressions ending in a line comment, and option lists with one anywhere.
const TRAILING_COMMENT_SQL: [&str; 6] = [
    "CREATE TABLE t (a int, CHECK (a > 0 -- positive\n))",
    "CREATE TABLE t (a int, CHECK (a > 0 # positive\n))",
    "CREATE TABLE t (a int, b int AS (a + 1 -- plus one\n) VIRTUAL)",
    "CREATE TABLE t (a int, KEY k ((a + 1 -- e\n)))",
    "CREATE TABLE t (a int) X=(1 # c\n)",
    "CREATE TABLE t (a int) X=(1 # c\n, 2)",
];

/// Two `-` tokens followed by a comment: dropping the comment must not turn
/// them into a `-- ` line comment.
const DASHES_BEFORE_COMMENT_SQL: [&str; 4] = [
    "CREATE TABLE t (a int, CHECK (a ----\n 1 > 0))",
    "CREATE TABLE t (a int, CHECK (a --/**/1 > 0))",
    "CREATE TABLE t (a int, b int AS (a --/* c */1) VIRTUAL)",
    "CREATE TABLE t (a int) X=(1 --/**/2)",
];

/// (a) BUG (new with the comment fix): `Parser::tokens_text` joins tokens
/// that a comment separated with one space, so the two `-` tokens of
/// `a ----\n 1` (`-`, `-`, then the comment `--\n`) or of `a --/**/1` come
/// out as `a -- 1`: a line comment that swallows the rest of the line. The
/// rendering does not parse, and the diff emits `ALTER TABLE \`t\` ADD CHECK
/// (a -- 1 > 0)`. (Found by the fuzz corpus run; `a - -1` is fine.) Never
/// emitting two `-` in a row across a token boundary (`- -`) avoids it.
#[test]
fn bug_a_dropped_comment_makes_a_line_comment() {
    let mut problems = Vec::new();
    for sql in DASHES_BEFORE_COMMENT_SQL {
        let Ok(t) = parse_table(sql) else { continue };
        let text = create_table(&t);
        match parse_table(&text) {
            Ok(again) if again == t => {}
            Ok(_) => problems.push(format!(
                "{sql:?} renders as {text:?}, which parses to another model"
            )),
            Err(e) => problems.push(format!(
                "{sql:?} renders as {text:?}, which does not parse: {}",
                e.message
            )),
        }
    }
    assert!(
        problems.is_empty(),
        "BUG(core parse): dropping a comment creates a line comment:\n{}",
        problems.join("\n")
    );
}

/// Names written quoted where servers only print plain words.
const QUOTED_NAME_SQL: [&str; 4] = [
    "CREATE TABLE t (a varchar(10) CHARACTER SET `x; DROP TABLE y`)",
    "CREATE TABLE t (a varchar(10) COLLATE 'x; DROP TABLE y')",
    "CREATE TABLE t (a varchar(10) COLLATE `utf8mb4 bin`)",
    "CREATE TABLE t (a varchar(10), KEY k (a) USING `x y`)",
];

/// (a) A column's `CHARACTER SET` / `COLLATE` or an index's `USING` written
/// as a quoted identifier or string was kept unquoted and rendered bare (like
/// table option values were): the rendering did not parse, and the diff
/// emitted it into ALTER statements — `COLLATE 'x; DROP TABLE y'`
/// became `MODIFY COLUMN \`a\` varchar(10) CHARACTER SET x; drop table y
/// COLLATE x; drop table y`. Such names must be refused or rendered quoted.
#[test]
fn regression_a_quoted_charset_collation_and_index_type() {
    let server = parse_table("CREATE TABLE t (a varchar(10))").unwrap();
    let mut problems = Vec::new();
    for sql in QUOTED_NAME_SQL {
        let Ok(t) = parse_table(sql) else { continue };
        let text = create_table(&t);
        match parse_table(&text) {
            Ok(again) if again == t => {}
            Ok(_) => problems.push(format!(
                "{sql:?} renders as {text:?}, which parses to another model"
            )),
            Err(e) => problems.push(format!(
                "{sql:?} renders as {text:?}, which does not parse: {}",
                e.message
            )),
        }
        let stmts = diff_tables(&server, &t, &DiffOptions::default()).unwrap_or_default();
        if stmts
            .iter()
            .any(|s| s.sql.to_lowercase().contains("; drop table"))
        {
            problems.push(format!(
                "{sql:?}: the diff emits the name unquoted: {stmts:?}"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "core parse/render:\n{}",
        problems.join("\n")
    );
}

/// (a) A line comment (`-- …`, `# …`) at the end of a parenthesised
/// expression — CHECK, generated column, functional key part — stayed in the
/// expression text (`Parser::paren_group` sliced up to the `)`, `SqlExpr::new`
/// trimmed the newline), so render wrote `CHECK (a > 0 -- positive)`: the
/// comment swallowed the `)`, the rendering did not parse, and the diff emitted
/// the same broken clause (`ALTER TABLE \`t\` ADD CHECK (a > 0 --
/// positive)`). Option lists (`X=(1 # c\n, 2)`) broke with a comment anywhere,
/// since their items were split on commas, trimmed and re-joined on one line.
#[test]
fn regression_a_trailing_line_comment_in_expression() {
    let mut problems = Vec::new();
    for sql in TRAILING_COMMENT_SQL {
        let t = parse_table(sql).unwrap();
        let text = create_table(&t);
        match parse_table(&text) {
            Ok(again) if again == t => {}
            Ok(_) => problems.push(format!(
                "{sql:?} renders as {text:?}, which parses to another model"
            )),
            Err(e) => problems.push(format!(
                "{sql:?} renders as {text:?}, which does not parse: {}",
                e.message
            )),
        }
    }
    assert!(
        problems.is_empty(),
        "core parse/render:\n{}",
        problems.join("\n")
    );
}

const CHILD_ENV: &str = "SHADOWSYNC_PROPERTIES_CHILD";
const NESTING: usize = 100_000;

/// `PARTITION p0 (SUBPARTITION s (SUBPARTITION s (…)))`, `depth` levels deep.
fn nested_subpartitions(depth: usize) -> String {
    let mut s = String::from(
        "CREATE TABLE t (a int) PARTITION BY RANGE (a) SUBPARTITION BY HASH (a) (PARTITION p0 ",
    );
    for _ in 0..depth {
        s.push_str("(SUBPARTITION s ");
    }
    s.push_str(&")".repeat(depth));
    s.push(')');
    s
}

/// Runs in a child process only (see the next test): a stack overflow aborts
/// the whole process, which would take every other test down with it.
#[test]
fn child_parse_nested_subpartitions() {
    if std::env::var_os(CHILD_ENV).is_none() {
        return;
    }
    let sql = nested_subpartitions(NESTING);
    // The size of a main thread's stack on Linux.
    let worker = std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || {
            if let Ok(tables) = parse_tables(&sql) {
                let _ = create_table(&tables[0]);
                let _ = diff_tables(&tables[0], &tables[0], &DiffOptions::default());
            }
        })
        .unwrap();
    worker.join().unwrap();
}

/// (d) `Parser::partition_def` recursed into `(SUBPARTITION …)` lists without
/// limit, so deeply nested input overflowed the stack and aborted the process
/// (servers allow one level of subpartitions). Runs the parse in a child
/// process, since a stack overflow cannot be caught.
#[test]
fn regression_d_parser_survives_deeply_nested_subpartitions() {
    let exe = std::env::current_exe().unwrap();
    // Test names are paths below the test crate's root.
    let module = module_path!().split_once("::").map_or("", |(_, m)| m);
    let child = format!("{module}::child_parse_nested_subpartitions");
    let out = Command::new(exe)
        .args(["--exact", &child, "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "core parse: parse_tables on `PARTITION p0 (SUBPARTITION s (SUBPARTITION s (…)))` nested {NESTING} \
         levels deep ({} bytes) crashes the process ({}) instead of returning an error:\n{}",
        nested_subpartitions(NESTING).len(),
        out.status,
        String::from_utf8_lossy(&out.stderr).lines().take(5).collect::<Vec<_>>().join("\n"),
    );
    // A filter that matches nothing would pass without parsing anything.
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("1 passed"),
        "the child test `{child}` did not run:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn quote_helpers_match_render() {
    // The strategies above rely on these spellings.
    assert_eq!(quote_ident("a`b"), "`a``b`");
    assert_eq!(quote_string("it's"), "'it''s'");
}
