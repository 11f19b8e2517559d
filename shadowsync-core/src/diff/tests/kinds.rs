//! What the diff tags its statements with: every clause kind from a real
//! diff, clauses listed in their statement's order, schema-level kinds.

use super::*;
use crate::statement::{AlterClause, StatementKind};

/// The clauses of the statements `diff_tables` gives from `from` to `to`,
/// each statement checked to alter `t` and to carry as many clauses as its
/// text joins (one per statement on OceanBase).
fn clauses(from: &str, to: &str, flavor: Flavor) -> Vec<AlterClause> {
    let opts = DiffOptions {
        flavor,
        ..Default::default()
    };
    let statements = diff_tables(
        &parse_table(from).unwrap(),
        &parse_table(to).unwrap(),
        &opts,
    )
    .unwrap();
    let mut out = Vec::new();
    for s in statements {
        let StatementKind::AlterTable { table, clauses } = s.kind else {
            panic!("not an alter: {s:?}");
        };
        assert_eq!(table, "t");
        assert!(s.sql.starts_with("ALTER TABLE `t` "), "{}", s.sql);
        if flavor == Flavor::Oceanbase {
            assert_eq!(clauses.len(), 1, "{}", s.sql);
        }
        out.extend(clauses);
    }
    out
}

#[test]
fn every_clause_kind_comes_from_a_real_diff() {
    let name = |n: &str| n.to_string();
    let cases: Vec<(&str, &str, Flavor, AlterClause)> = vec![
        (
            "CREATE TABLE t (a int)",
            "CREATE TABLE t (a int, b int)",
            Flavor::Mysql,
            AlterClause::AddColumn {
                column: name("b"),
                at_end: true,
            },
        ),
        (
            "CREATE TABLE t (a int, b int)",
            "CREATE TABLE t (a int)",
            Flavor::Mysql,
            AlterClause::DropColumn { column: name("b") },
        ),
        (
            "CREATE TABLE t (a int)",
            "CREATE TABLE t (a bigint)",
            Flavor::Mysql,
            AlterClause::ModifyColumn { column: name("a") },
        ),
        (
            "CREATE TABLE t (a int)",
            "CREATE TABLE t (A int)",
            Flavor::Mysql,
            AlterClause::ChangeColumn {
                from: name("a"),
                to: name("A"),
            },
        ),
        (
            "CREATE TABLE t (a int) DEFAULT CHARSET=latin1",
            "CREATE TABLE t (a int) DEFAULT CHARSET=utf8mb4",
            Flavor::Mysql,
            AlterClause::TableCharset,
        ),
        (
            "CREATE TABLE t (a int) COMMENT='x'",
            "CREATE TABLE t (a int)",
            Flavor::Mysql,
            AlterClause::TableOption {
                option: name("COMMENT"),
            },
        ),
        (
            "CREATE TABLE t (a int NOT NULL)",
            "CREATE TABLE t (a int NOT NULL, PRIMARY KEY (a))",
            Flavor::Mysql,
            AlterClause::AddPrimaryKey,
        ),
        (
            "CREATE TABLE t (a int NOT NULL, PRIMARY KEY (a))",
            "CREATE TABLE t (a int NOT NULL)",
            Flavor::Mysql,
            AlterClause::DropPrimaryKey,
        ),
        (
            "CREATE TABLE t (a int)",
            "CREATE TABLE t (a int, KEY k (a))",
            Flavor::Mysql,
            AlterClause::AddIndex {
                index: Some(name("k")),
                plain: true,
            },
        ),
        (
            "CREATE TABLE t (a int, KEY k (a))",
            "CREATE TABLE t (a int)",
            Flavor::Mysql,
            AlterClause::DropIndex { index: name("k") },
        ),
        (
            "CREATE TABLE t (a int, KEY k (a))",
            "CREATE TABLE t (a int, KEY K (a))",
            Flavor::Mysql,
            AlterClause::RenameIndex {
                from: name("k"),
                to: name("K"),
            },
        ),
        (
            "CREATE TABLE t (a int, KEY k (a))",
            "CREATE TABLE t (a int, KEY k (a) INVISIBLE)",
            Flavor::Mysql,
            AlterClause::AlterIndexVisibility {
                index: name("k"),
                visible: false,
            },
        ),
        (
            "CREATE TABLE t (a int, KEY k (a))",
            "CREATE TABLE t (a int, KEY k (a), CONSTRAINT f FOREIGN KEY (a) REFERENCES p (id))",
            Flavor::Oceanbase,
            AlterClause::AddForeignKey {
                constraint: Some(name("f")),
            },
        ),
        (
            "CREATE TABLE t (a int, KEY k (a), CONSTRAINT f FOREIGN KEY (a) REFERENCES p (id))",
            "CREATE TABLE t (a int, KEY k (a))",
            Flavor::Mysql,
            AlterClause::DropForeignKey {
                constraint: name("f"),
            },
        ),
        (
            "CREATE TABLE t (a int)",
            "CREATE TABLE t (a int, CONSTRAINT c CHECK (a > 0))",
            Flavor::Mysql,
            AlterClause::AddCheck {
                constraint: Some(name("c")),
            },
        ),
        (
            "CREATE TABLE t (a int, CONSTRAINT c CHECK (a > 0))",
            "CREATE TABLE t (a int)",
            Flavor::Mariadb,
            AlterClause::DropCheck {
                constraint: name("c"),
            },
        ),
        (
            "CREATE TABLE t (a int) PARTITION BY RANGE (a) (PARTITION p0 VALUES LESS THAN (10))",
            "CREATE TABLE t (a int) PARTITION BY RANGE (a) (PARTITION p0 VALUES LESS THAN (10), \
             PARTITION p1 VALUES LESS THAN (20))",
            Flavor::Mysql,
            AlterClause::AddPartitions,
        ),
        (
            "CREATE TABLE t (a int)",
            "CREATE TABLE t (a int) PARTITION BY HASH (a) PARTITIONS 4",
            Flavor::Mysql,
            AlterClause::Repartition,
        ),
        (
            "CREATE TABLE t (a int) PARTITION BY HASH (a) PARTITIONS 4",
            "CREATE TABLE t (a int)",
            Flavor::Mariadb,
            AlterClause::RemovePartitioning,
        ),
    ];
    for (from, to, flavor, expected) in cases {
        let got = clauses(from, to, flavor);
        assert!(got.contains(&expected), "{from} -> {to}: {got:?}");
    }
}

#[test]
fn clauses_joined_in_one_alter_are_listed_in_its_order() {
    let from = "CREATE TABLE t (a int, b int, KEY k (b))";
    let to = "CREATE TABLE t (a bigint, c int)";
    assert_eq!(
        d(from, to),
        ["ALTER TABLE `t` DROP INDEX `k`, DROP COLUMN `b`, MODIFY COLUMN `a` bigint, ADD COLUMN `c` int AFTER `a`"]
    );
    let name = |n: &str| n.to_string();
    assert_eq!(
        clauses(from, to, Flavor::Mysql),
        [
            AlterClause::DropIndex { index: name("k") },
            AlterClause::DropColumn { column: name("b") },
            AlterClause::ModifyColumn { column: name("a") },
            AlterClause::AddColumn {
                column: name("c"),
                at_end: true,
            },
        ]
    );
    // One clause per statement there, in the same order.
    assert_eq!(clauses(from, to, Flavor::Oceanbase).len(), 4);
}

#[test]
fn schema_diffs_tag_creates_drops_and_deferred_keys() {
    let from = parse_tables("CREATE TABLE gone (id int)").unwrap();
    let to = parse_tables(
        "CREATE TABLE x (id int, y int, PRIMARY KEY (id), CONSTRAINT fx FOREIGN KEY (y) REFERENCES y (id));\
         CREATE TABLE y (id int, x int, PRIMARY KEY (id), CONSTRAINT fy FOREIGN KEY (x) REFERENCES x (id))",
    )
    .unwrap();
    let opts = DiffOptions {
        drop_tables: true,
        ..Default::default()
    };
    let kinds: Vec<StatementKind> = diff_schemas(&from, &to, &opts)
        .unwrap()
        .into_iter()
        .map(|s| s.kind)
        .collect();
    let name = |n: &str| n.to_string();
    assert_eq!(
        kinds,
        [
            StatementKind::DropTable {
                table: name("gone")
            },
            StatementKind::CreateTable { table: name("x") },
            StatementKind::CreateTable { table: name("y") },
            StatementKind::alter(
                "x",
                AlterClause::AddForeignKey {
                    constraint: Some(name("fx"))
                }
            ),
        ]
    );
}
