use super::*;
use crate::parse::parse_table;

fn norm(sql: &str, flavor: Flavor) -> Table {
    let ctx = NormalizeContext {
        flavor,
        schema: Some("db".into()),
    };
    normalize(&parse_table(sql).unwrap(), &ctx)
}

/// Equivalent both ways: the diff (which compares normalized tables) is empty.
fn same(a: &str, b: &str) {
    assert!(
        diff(a, b).is_empty() && diff(b, a).is_empty(),
        "\n{a}\n{b}\n{:?}",
        diff(a, b)
    );
}

fn differ(a: &str, b: &str) {
    assert!(!diff(a, b).is_empty(), "\n{a}\n{b}");
}

fn diff(a: &str, b: &str) -> Vec<String> {
    let opts = crate::diff::DiffOptions {
        from_schema: Some("db".into()),
        to_schema: Some("db".into()),
        ..Default::default()
    };
    let statements =
        crate::diff::diff_tables(&parse_table(a).unwrap(), &parse_table(b).unwrap(), &opts)
            .unwrap();
    crate::statement::sql_of(&statements)
}

#[test]
fn pk_columns_become_not_null() {
    let t = norm("CREATE TABLE t (a int, PRIMARY KEY (a))", Flavor::Mysql);
    assert_eq!(t.columns[0].nullable, Some(false));
}

#[test]
fn integer_display_width_and_bool() {
    same(
        "CREATE TABLE t (a int(11), b bigint(20) unsigned)",
        "CREATE TABLE t (a int, b bigint unsigned)",
    );
    same(
        "CREATE TABLE t (a bool, b boolean)",
        "CREATE TABLE t (a tinyint(1), b tinyint(1))",
    );
    differ(
        "CREATE TABLE t (a tinyint(1))",
        "CREATE TABLE t (a tinyint)",
    );
    differ(
        "CREATE TABLE t (a int(5) zerofill)",
        "CREATE TABLE t (a int zerofill)",
    );
    same(
        "CREATE TABLE t (a integer, b numeric, c dec(5), d year(4))",
        "CREATE TABLE t (a int, b decimal(10,0), c decimal(5,0), d year)",
    );
}

#[test]
fn null_and_defaults() {
    same(
        "CREATE TABLE t (a int DEFAULT NULL)",
        "CREATE TABLE t (a int)",
    );
    same("CREATE TABLE t (a int NULL)", "CREATE TABLE t (a int)");
    same(
        "CREATE TABLE t (a int PRIMARY KEY)",
        "CREATE TABLE t (a int NOT NULL, PRIMARY KEY (a))",
    );
    same("CREATE TABLE t (a int DEFAULT '0', b decimal(5,2) DEFAULT '0.10', c tinyint(1) DEFAULT FALSE)", "CREATE TABLE t (a int DEFAULT 0, b decimal(5,2) DEFAULT 0.1, c tinyint(1) DEFAULT 0)");
    same(
        "CREATE TABLE t (a float DEFAULT - 20)",
        "CREATE TABLE t (a float DEFAULT '-20.0')",
    );
    differ(
        "CREATE TABLE t (a int DEFAULT 1)",
        "CREATE TABLE t (a int DEFAULT 2)",
    );
    differ(
        "CREATE TABLE t (a varchar(3) DEFAULT '1.0')",
        "CREATE TABLE t (a varchar(3) DEFAULT '1')",
    );
    differ(
        "CREATE TABLE t (a int NOT NULL DEFAULT 0)",
        "CREATE TABLE t (a int NOT NULL)",
    );
    same(
        "CREATE TABLE t (a datetime DEFAULT now() ON UPDATE current_timestamp(), b datetime(6) DEFAULT CURRENT_TIMESTAMP(6))",
        "CREATE TABLE t (a datetime DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP, b datetime(6) DEFAULT localtimestamp(6))",
    );
    same(
        "CREATE TABLE t (a json DEFAULT (json_array()))",
        "CREATE TABLE t (a json DEFAULT(JSON_ARRAY()))",
    );
    same(
        "CREATE TABLE t (d date DEFAULT DATE '2024-01-01')",
        "CREATE TABLE t (d date DEFAULT '2024-01-01')",
    );
}

#[test]
fn charset_and_collation_resolution() {
    same(
        "CREATE TABLE t (a varchar(5)) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
        "CREATE TABLE t (a varchar(5) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
    );
    same("CREATE TABLE t (a varchar(5) COLLATE latin1_bin) CHARSET=utf8", "CREATE TABLE t (a varchar(5) CHARACTER SET latin1 COLLATE latin1_bin) DEFAULT CHARSET=utf8mb3");
    same(
        "CREATE TABLE t (a varchar(5) BINARY) CHARSET=latin1",
        "CREATE TABLE t (a varchar(5) COLLATE latin1_bin) CHARSET=latin1",
    );
    differ(
        "CREATE TABLE t (a varchar(5)) CHARSET=latin1",
        "CREATE TABLE t (a varchar(5)) CHARSET=utf8mb4",
    );
    same(
        "CREATE TABLE t (a int CHARACTER SET latin1)",
        "CREATE TABLE t (a int)",
    );
}

#[test]
fn keys_and_foreign_keys() {
    same(
        "CREATE TABLE t (a int, KEY (a), KEY (a))",
        "CREATE TABLE t (a int, KEY `a` (a), KEY `a_2` (a))",
    );
    same(
        "CREATE TABLE t (a int, KEY k (a) USING BTREE)",
        "CREATE TABLE t (a int, INDEX k USING BTREE (a ASC))",
    );
    differ(
        "CREATE TABLE t (a int, KEY k (a) USING HASH)",
        "CREATE TABLE t (a int, KEY k (a))",
    );
    same(
        "CREATE TABLE t (a int UNIQUE)",
        "CREATE TABLE t (a int, UNIQUE KEY a (a))",
    );
    same(
        "CREATE TABLE t (a int, CONSTRAINT f FOREIGN KEY (a) REFERENCES `db`.`p`(`id`) ON UPDATE RESTRICT ON DELETE NO ACTION)",
        "CREATE TABLE t (a int, CONSTRAINT f FOREIGN KEY (a) REFERENCES p (id))",
    );
    differ(
        "CREATE TABLE t (a int, CONSTRAINT f FOREIGN KEY (a) REFERENCES other.p (id))",
        "CREATE TABLE t (a int, CONSTRAINT f FOREIGN KEY (a) REFERENCES p (id))",
    );
}

#[test]
fn checks_and_generated_expressions() {
    same(
        "CREATE TABLE t (a int, CONSTRAINT c CHECK ((`a` > 0) and (`a` < 9)))",
        "CREATE TABLE t (a int, CONSTRAINT c CHECK (a > 0 AND a < 9))",
    );
    same(
        "CREATE TABLE t (a int, b int GENERATED ALWAYS AS ((`a` + 1)) VIRTUAL)",
        "CREATE TABLE t (a int, b int AS (a+1))",
    );
    differ(
        "CREATE TABLE t (a int, b int AS (a+1) STORED)",
        "CREATE TABLE t (a int, b int AS (a+1))",
    );
}

#[test]
fn table_options() {
    same(
        "CREATE TABLE t (a int) ENGINE=innodb AUTO_INCREMENT=5 COMMENT=''",
        "CREATE TABLE t (a int) ENGINE=InnoDB",
    );
    differ(
        "CREATE TABLE t (a int) COMMENT='x'",
        "CREATE TABLE t (a int)",
    );
}

#[test]
fn canonical_numbers() {
    assert_eq!(canonical_number("-0.00").as_deref(), Some("0"));
    assert_eq!(canonical_number("+007.50").as_deref(), Some("7.5"));
    assert_eq!(
        canonical_number("1.0000000000123456789123").as_deref(),
        Some("1.0000000000123456789123")
    );
    assert_eq!(canonical_number("1e3"), None);
}

/// Issue 11: an expression default that merely starts with the current
/// timestamp is an expression of its own, compared and rendered whole.
#[test]
fn expression_defaults_starting_with_now_stay_whole() {
    let plus = "CREATE TABLE t (a datetime DEFAULT (current_timestamp() + interval 30 minute))";
    differ(
        "CREATE TABLE t (a datetime DEFAULT current_timestamp())",
        plus,
    );
    differ(
        "CREATE TABLE t (a datetime DEFAULT now())",
        "CREATE TABLE t (a datetime DEFAULT (now() - interval 1 day))",
    );
    differ(
        "CREATE TABLE t (a datetime DEFAULT localtimestamp())",
        "CREATE TABLE t (a datetime DEFAULT (localtimestamp() + interval 1 hour))",
    );
    same(
        "CREATE TABLE t (a datetime DEFAULT (current_timestamp()))",
        "CREATE TABLE t (a datetime DEFAULT now())",
    );
    let t = norm(plus, Flavor::Mariadb);
    let rendered = crate::render::create_table(&t);
    assert!(
        rendered.to_ascii_lowercase().contains("interval 30 minute"),
        "{rendered}"
    );
    let alter = diff(
        "CREATE TABLE t (a datetime DEFAULT current_timestamp())",
        plus,
    );
    assert!(
        alter
            .iter()
            .any(|s| s.to_ascii_lowercase().contains("interval 30 minute")),
        "{alter:?}"
    );
}
