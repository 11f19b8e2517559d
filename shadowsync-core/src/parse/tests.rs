use super::*;
use crate::expr::SqlExpr;
use crate::render::create_table;

fn one(sql: &str) -> Table {
    parse_table(sql).unwrap_or_else(|e| panic!("{e}\n{sql}"))
}

/// render → parse → render must be stable.
fn assert_round_trip(sql: &str) -> Table {
    let t = one(sql);
    let rendered = create_table(&t);
    let again = one(&rendered);
    assert_eq!(t, again, "model changed after render:\n{rendered}");
    assert_eq!(rendered, create_table(&again));
    t
}

#[test]
fn mariadb_style_table() {
    let t = assert_round_trip(
        "CREATE TABLE `orders` (\n  `id` bigint(20) unsigned NOT NULL AUTO_INCREMENT,\n  `name` varchar(64) CHARACTER SET latin1 COLLATE latin1_bin DEFAULT 'x''y' COMMENT 'nm',\n  `amount` decimal(12,2) NOT NULL DEFAULT 0.00,\n  `ts` timestamp(6) NOT NULL DEFAULT current_timestamp(6) ON UPDATE current_timestamp(6),\n  `st` enum('a','b''c') DEFAULT NULL,\n  `v` int(11) GENERATED ALWAYS AS (`id` + 1) VIRTUAL,\n  `s` int(11) GENERATED ALWAYS AS (`id` * 2) STORED,\n  PRIMARY KEY (`id`),\n  UNIQUE KEY `uk` (`name`(10),`amount` DESC),\n  KEY `k` (`ts`) COMMENT 'c' IGNORED,\n  FULLTEXT KEY `ft` (`name`),\n  CONSTRAINT `fk` FOREIGN KEY (`id`) REFERENCES `other`.`p` (`id`) ON DELETE CASCADE ON UPDATE SET NULL,\n  CONSTRAINT `chk` CHECK (`amount` > 0)\n) ENGINE=InnoDB AUTO_INCREMENT=5 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci COMMENT='t'",
    );
    assert_eq!(t.name, "orders");
    assert_eq!(t.columns.len(), 7);
    let name = t.column("name").unwrap();
    assert_eq!(name.default, Some(ColumnDefault::String("x'y".into())));
    assert_eq!(name.charset.as_deref(), Some("latin1"));
    assert_eq!(t.columns[4].data_type.values, ["a", "b'c"]);
    assert!(t.columns[6].generated.as_ref().unwrap().stored);
    assert_eq!(t.indexes[1].parts[0].prefix, Some(10));
    assert!(t.indexes[1].parts[1].descending);
    assert!(!t.indexes[2].visible);
    assert_eq!(t.foreign_keys[0].ref_schema.as_deref(), Some("other"));
    assert_eq!(t.foreign_keys[0].on_update, Some(FkAction::SetNull));
    assert_eq!(t.checks[0].expr.text(), "`amount` > 0");
    assert_eq!(t.option("AUTO_INCREMENT").unwrap().value.text(), "5");
    assert_eq!(
        t.option("COLLATE").unwrap().value.text(),
        "utf8mb4_general_ci"
    );
}

#[test]
fn oceanbase_style_table() {
    let t = assert_round_trip(
        "CREATE TABLE `a` (\n  `id` bigint(20) NOT NULL AUTO_INCREMENT,\n  `name` varchar(64) NOT NULL DEFAULT 'x' COMMENT 'nm',\n  `d` date DEFAULT NULL,\n  PRIMARY KEY (`id`),\n  KEY `idx_n` (`name`) BLOCK_SIZE 16384 LOCAL,\n  CONSTRAINT `f_OBCHECK_1795259549719207` CHECK ((`id` > 0)),\n  CONSTRAINT `fk1` FOREIGN KEY (`id`) REFERENCES `db`.`p`(`id`) ON UPDATE RESTRICT ON DELETE RESTRICT\n) ORGANIZATION INDEX AUTO_INCREMENT = 1 DEFAULT CHARSET = utf8mb4 ROW_FORMAT = DYNAMIC COMPRESSION = 'zstd_1.3.8' BLOCK_SIZE = 16384 TABLET_SIZE = 134217728 PCTFREE = 0 COMMENT = 'tbl'\n partition by range columns(d) (partition `p0` values less than ('2024-01-01'),\n partition `p1` values less than (MAXVALUE))",
    );
    assert_eq!(t.indexes[1].vendor_options, ["BLOCK_SIZE 16384", "LOCAL"]);
    assert_eq!(t.option("ORGANIZATION").unwrap().value.text(), "INDEX");
    assert_eq!(
        t.option("COMPRESSION").unwrap().value,
        OptionValue::String("zstd_1.3.8".into())
    );
    assert!(t.foreign_keys[0].update_first);
    let p = t.partitioning.unwrap();
    assert_eq!(p.scheme.method, PartitionMethod::Range);
    assert!(p.scheme.columns_form);
    assert_eq!(p.partitions.len(), 2);
}

#[test]
fn versioned_partition_comment_and_subpartitions() {
    let t = assert_round_trip(
        "CREATE TABLE `t` (\n  `id` int NOT NULL,\n  `d` date NOT NULL\n) ENGINE=InnoDB\n/*!50100 PARTITION BY RANGE (year(`d`))\nSUBPARTITION BY HASH (`id`)\nSUBPARTITIONS 2\n(PARTITION p0 VALUES LESS THAN (2020) ENGINE = InnoDB,\n PARTITION p1 VALUES LESS THAN MAXVALUE ENGINE = InnoDB) */",
    );
    let p = t.partitioning.unwrap();
    assert_eq!(p.subpartition.unwrap().count, Some(2));
    assert_eq!(
        p.partitions[1].bound,
        Some(PartitionBound::LessThan {
            values: SqlExpr::new("MAXVALUE"),
            parenthesized: false
        })
    );
    let k = one("CREATE TABLE k (id int) PARTITION BY LINEAR KEY ALGORITHM=2 (id) PARTITIONS 4");
    let s = k.partitioning.unwrap().scheme;
    assert!(s.linear);
    assert_eq!((s.algorithm, s.count), (Some(2), Some(4)));
}

#[test]
fn user_written_forms() {
    let t = assert_round_trip(
        "create table if not exists books (id int(10) UNSIGNED AUTO_INCREMENT PRIMARY KEY, `type` VARCHAR(255) NOT NULL CONSTRAINT `c1` CHECK (`type` IN ('a')) COMMENT 'x', v float DEFAULT - 20, w json DEFAULT(JSON_ARRAY()), flag boolean DEFAULT true, d date DEFAULT DATE '2024-01-01', u varchar(10) UNIQUE, n double precision, b bit(3) DEFAULT b'101', KEY (type))",
    );
    assert!(t.columns[0].inline_primary_key);
    assert_eq!(t.checks[0].column.as_deref(), Some("type"));
    assert_eq!(t.checks[0].name.as_deref(), Some("c1"));
    assert_eq!(
        t.columns[2].default,
        Some(ColumnDefault::Number("-20".into()))
    );
    assert!(matches!(t.columns[3].default, Some(ColumnDefault::Expr(_))));
    assert_eq!(t.columns[4].default, Some(ColumnDefault::Bool(true)));
    assert_eq!(t.columns[7].data_type.name, "double precision");
    assert_eq!(t.indexes[0].name, None);
}

#[test]
fn several_statements_and_errors_with_positions() {
    let ts = parse_tables("CREATE TABLE a (x int);\n\nCREATE TABLE b (y int);").unwrap();
    assert_eq!(ts.len(), 2);
    let e = parse_tables("CREATE TABLE a (x int);\nCREATE TABLE b (\n  y int FOO\n)").unwrap_err();
    assert_eq!((e.location.line, e.location.column), (3, 9));
    assert_eq!(e.table.as_deref(), Some("b"));
    let e = parse_tables("DROP TABLE a").unwrap_err();
    assert!(e.message.contains("only CREATE TABLE"), "{}", e.message);
    let e = parse_table("CREATE TABLE t (a int COLUMN_FORMAT FIXED)").unwrap_err();
    assert!(
        e.message.contains("COLUMN_FORMAT") && e.message.contains("refused"),
        "{}",
        e.message
    );
    let e = parse_table("CREATE TABLE t (a int) WITH SYSTEM VERSIONING").unwrap_err();
    assert!(e.message.contains("WITH"), "{}", e.message);
    assert!(parse_table("CREATE TABLE t (a int").is_err());
    assert!(parse_table("CREATE TABLE t (a enum('x)").is_err());
}

#[test]
fn unicode_and_escaped_identifiers() {
    let t =
        assert_round_trip("CREATE TABLE `订单``x` (`列 1` int COMMENT 'a\\\\b\\nc', `select` int)");
    assert_eq!(t.name, "订单`x");
    assert_eq!(t.columns[0].name, "列 1");
    assert_eq!(t.columns[0].comment.as_deref(), Some("a\\b\nc"));
}

#[test]
fn ambiguous_tables_are_refused() {
    for (sql, what) in [
        (
            "CREATE TABLE t (a int, A int)",
            "column `A` is defined twice",
        ),
        (
            "CREATE TABLE t (a int, KEY k (a), KEY K (a))",
            "index `K` is defined twice",
        ),
        (
            "CREATE TABLE t (a int PRIMARY KEY, b int, PRIMARY KEY (b))",
            "more than one PRIMARY KEY",
        ),
        (
            "CREATE TABLE t (a int) ENGINE=InnoDB ENGINE=MyISAM",
            "ENGINE is given twice",
        ),
    ] {
        let err = parse_table(sql).unwrap_err();
        assert!(
            err.message.contains(what) && err.message.contains("refused"),
            "{sql}: {err}"
        );
        assert_eq!(err.table.as_deref(), Some("t"));
    }
}

#[test]
fn named_keys_and_quoted_option_values_round_trip() {
    assert_round_trip("CREATE TABLE t (a int, PRIMARY KEY pk (a), CONSTRAINT c UNIQUE KEY u (a))");
    let t = assert_round_trip("CREATE TABLE t (a int) TABLESPACE `my ts`");
    assert_eq!(t.options[0].value, OptionValue::Ident("my ts".into()));
}

/// A table whose CHECK (on line 3) nests `levels` parentheses, its own included.
fn nested_check(levels: usize) -> String {
    let inner = levels - 1;
    format!(
        "CREATE TABLE `deep` (\n  `a` int DEFAULT NULL,\n  CONSTRAINT `c` CHECK ({}`a` > 0{})\n)",
        "(".repeat(inner),
        ")".repeat(inner)
    )
}

#[test]
fn nesting_deeper_than_the_limit_is_refused_naming_table_and_line() {
    let err = parse_table(&nested_check(MAX_NESTING + 1)).unwrap_err();
    assert_eq!(err.table.as_deref(), Some("deep"));
    assert_eq!(err.location.line, 3);
    let text = err.to_string();
    assert!(
        text.starts_with("line 3, column ")
            && text.contains("(table `deep`)")
            && text.contains("parentheses nest deeper than 1000 levels")
            && text.contains("refused"),
        "{text}"
    );
    // Defaults, generated columns and option lists go through the same
    // reading of parenthesised groups.
    let deep = format!(
        "{}1{}",
        "(".repeat(MAX_NESTING + 1),
        ")".repeat(MAX_NESTING + 1)
    );
    for sql in [
        format!("CREATE TABLE t (a int DEFAULT {deep})"),
        format!("CREATE TABLE t (a int, b int AS {deep} VIRTUAL)"),
        format!("CREATE TABLE t (a int, KEY k ({deep}))"),
    ] {
        let err = parse_table(&sql).unwrap_err();
        assert!(err.message.contains("nest deeper"), "{err}");
        assert_eq!(err.table.as_deref(), Some("t"));
    }
}

#[test]
fn a_hundred_thousand_levels_are_refused_in_one_pass() {
    let sql = nested_check(100_000);
    let started = std::time::Instant::now();
    let err = parse_table(&sql).unwrap_err();
    assert!(err.message.contains("nest deeper"), "{err}");
    // One pass over 200,000 tokens; the quadratic comparison it replaces
    // took minutes. Generous for a loaded machine and a debug build.
    assert!(started.elapsed() < std::time::Duration::from_secs(3));
}

#[test]
fn nesting_up_to_the_limit_parses_and_compares() {
    use crate::diff::{diff_tables, DiffOptions};
    let at_limit = one(&nested_check(MAX_NESTING));
    assert_eq!(at_limit.checks.len(), 1);
    let moderate = one(&nested_check(300));
    // The same CHECK under a different number of redundant parentheses.
    let started = std::time::Instant::now();
    let statements = diff_tables(&moderate, &at_limit, &DiffOptions::default()).unwrap();
    assert_eq!(statements, Vec::new());
    assert!(started.elapsed() < std::time::Duration::from_secs(3));
    let other = one(&nested_check(MAX_NESTING).replace("> 0", "> 1"));
    assert_ne!(
        diff_tables(&other, &at_limit, &DiffOptions::default()).unwrap(),
        Vec::new()
    );
}
