use super::schema::parents_first;
use super::*;
use crate::parse::{parse_table, parse_tables};

mod kinds;

fn d(from: &str, to: &str) -> Vec<String> {
    d_flavor(from, to, Flavor::Mysql)
}

fn d_flavor(from: &str, to: &str, flavor: Flavor) -> Vec<String> {
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
    crate::statement::sql_of(&statements)
}

#[test]
fn equal_tables_give_nothing() {
    assert!(d("CREATE TABLE t (a int(11) DEFAULT NULL, KEY k (a) USING BTREE) ENGINE=InnoDB AUTO_INCREMENT=9", "CREATE TABLE t (a int, KEY k (a))").is_empty());
}

#[test]
fn add_column_in_position() {
    assert_eq!(
        d("CREATE TABLE t (a int)", "CREATE TABLE t (a int, b int)"),
        ["ALTER TABLE `t` ADD COLUMN `b` int AFTER `a`"]
    );
    assert_eq!(
        d("CREATE TABLE t (a int)", "CREATE TABLE t (z int, a int)"),
        ["ALTER TABLE `t` ADD COLUMN `z` int FIRST"]
    );
}

#[test]
fn reorder_moves_only_what_must_move() {
    let out = d(
        "CREATE TABLE t (a int, b int, c int, d int)",
        "CREATE TABLE t (b int, c int, d int, a int)",
    );
    assert_eq!(out, ["ALTER TABLE `t` MODIFY COLUMN `a` int AFTER `d`"]);
}

#[test]
fn drop_and_modify() {
    let out = d(
        "CREATE TABLE t (a int, b int, c varchar(5))",
        "CREATE TABLE t (a bigint NOT NULL, c varchar(5))",
    );
    assert_eq!(
        out,
        ["ALTER TABLE `t` DROP COLUMN `b`, MODIFY COLUMN `a` bigint NOT NULL"]
    );
}

#[test]
fn virtual_to_stored_is_drop_and_add() {
    let out = d(
        "CREATE TABLE t (a int, g int AS (a + 1) VIRTUAL)",
        "CREATE TABLE t (a int, g int AS (a + 1) STORED)",
    );
    assert_eq!(out, ["ALTER TABLE `t` DROP COLUMN `g`, ADD COLUMN `g` int GENERATED ALWAYS AS (a + 1) STORED AFTER `a`"]);
}

#[test]
fn fk_dropped_first_added_last_and_compared_by_definition() {
    let from = "CREATE TABLE c (id int, p int, KEY kp (p), CONSTRAINT fk_old FOREIGN KEY (p) REFERENCES par (id))";
    let renamed = "CREATE TABLE c (id int, p int, KEY kp (p), CONSTRAINT fk_new FOREIGN KEY (p) REFERENCES par (id) ON DELETE RESTRICT)";
    assert!(d(from, renamed).is_empty());
    let changed = "CREATE TABLE c (id int, p int, q int, KEY kq (q), CONSTRAINT fk_old FOREIGN KEY (q) REFERENCES par (id) ON DELETE CASCADE)";
    assert_eq!(
        d(from, changed),
        [
            "ALTER TABLE `c` DROP FOREIGN KEY `fk_old`",
            "ALTER TABLE `c` DROP INDEX `kp`, ADD COLUMN `q` int AFTER `p`, ADD KEY `kq` (`q`)",
            "ALTER TABLE `c` ADD CONSTRAINT `fk_old` FOREIGN KEY (`q`) REFERENCES `par` (`id`) ON DELETE CASCADE",
        ]
    );
}

#[test]
fn auto_increment_lands_with_its_key() {
    let out = d(
        "CREATE TABLE t (id int NOT NULL)",
        "CREATE TABLE t (id int NOT NULL AUTO_INCREMENT, PRIMARY KEY (id))",
    );
    assert_eq!(out, ["ALTER TABLE `t` MODIFY COLUMN `id` int NOT NULL AUTO_INCREMENT, ADD PRIMARY KEY (`id`)"]);
}

#[test]
fn checks_by_definition_and_charset_first() {
    assert!(d(
        "CREATE TABLE t (a int, CONSTRAINT c1 CHECK ((`a` > 0)))",
        "CREATE TABLE t (a int, CONSTRAINT c2 CHECK (a > 0))"
    )
    .is_empty());
    assert_eq!(
        d(
            "CREATE TABLE t (a int, CONSTRAINT c1 CHECK (a > 0))",
            "CREATE TABLE t (a int, CONSTRAINT c1 CHECK (a > 1))"
        ),
        [
            "ALTER TABLE `t` DROP CHECK `c1`",
            "ALTER TABLE `t` ADD CONSTRAINT `c1` CHECK (a > 1)"
        ]
    );
    assert_eq!(
        d_flavor(
            "CREATE TABLE t (a int, CONSTRAINT c1 CHECK (a > 0))",
            "CREATE TABLE t (a int)",
            Flavor::Mariadb
        ),
        ["ALTER TABLE `t` DROP CONSTRAINT `c1`"]
    );
    let out = d(
        "CREATE TABLE t (a varchar(5)) CHARSET=latin1",
        "CREATE TABLE t (a varchar(5), b int) CHARSET=utf8mb4",
    );
    assert_eq!(
        out,
        ["ALTER TABLE `t` DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci, MODIFY COLUMN `a` varchar(5) CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci, ADD COLUMN `b` int AFTER `a`"]
    );
}

#[test]
fn partitioning_last_and_alone() {
    let out = d(
        "CREATE TABLE t (a int, b int)",
        "CREATE TABLE t (a int, b int, c int) PARTITION BY HASH (a) PARTITIONS 4",
    );
    assert_eq!(
        out,
        [
            "ALTER TABLE `t` ADD COLUMN `c` int AFTER `b`",
            "ALTER TABLE `t` PARTITION BY HASH(a) PARTITIONS 4"
        ]
    );
    assert!(d(
        "CREATE TABLE t (a int) PARTITION BY HASH (`a`) PARTITIONS 4",
        "CREATE TABLE t (a int) /*!50100 partition by hash(a) partitions 4 */"
    )
    .is_empty());
    assert_eq!(
        d(
            "CREATE TABLE t (a int) PARTITION BY HASH (a)",
            "CREATE TABLE t (a int)"
        ),
        ["ALTER TABLE `t` REMOVE PARTITIONING"]
    );
}

#[test]
fn table_options_change_and_reset() {
    assert_eq!(
        d(
            "CREATE TABLE t (a int) COMMENT='x'",
            "CREATE TABLE t (a int) ROW_FORMAT=DYNAMIC"
        ),
        ["ALTER TABLE `t` ROW_FORMAT=DYNAMIC, COMMENT=''"]
    );
}

#[test]
fn schemas_create_parents_first_and_defer_cycles() {
    let to = parse_tables(
        "CREATE TABLE child (id int PRIMARY KEY, p int, CONSTRAINT f1 FOREIGN KEY (p) REFERENCES parent (id));
         CREATE TABLE parent (id int PRIMARY KEY);
         CREATE TABLE x (id int PRIMARY KEY, y int, CONSTRAINT fx FOREIGN KEY (y) REFERENCES y (id));
         CREATE TABLE y (id int PRIMARY KEY, x int, CONSTRAINT fy FOREIGN KEY (x) REFERENCES x (id));",
    )
    .unwrap();
    let from = parse_tables("CREATE TABLE gone (id int)").unwrap();
    let opts = DiffOptions {
        drop_tables: true,
        ..Default::default()
    };
    let out = diff_schemas(&from, &to, &opts).unwrap();
    let pos = |needle: &str| {
        out.iter()
            .position(|s| s.sql.contains(needle))
            .unwrap_or_else(|| panic!("{needle} not in {out:#?}"))
    };
    assert!(pos("CREATE TABLE `parent`") < pos("CREATE TABLE `child`"));
    assert!(
        pos("CREATE TABLE `x`") < pos("ADD CONSTRAINT `fx`"),
        "{out:#?}"
    );
    assert!(pos("CREATE TABLE `y`") < pos("ADD CONSTRAINT `fx`"));
    assert_eq!(out[0].sql, "DROP TABLE `gone`", "removed tables go first");
}

#[test]
fn re_added_foreign_key_recreates_its_supporting_index() {
    let from = "CREATE TABLE p (id int, a int, KEY `a` (`a`), CONSTRAINT `f` FOREIGN KEY (`a`) REFERENCES `u` (`id`))";
    let to = "CREATE TABLE p (id int, a int, KEY `a` (`a`), CONSTRAINT `f` FOREIGN KEY (`a`) REFERENCES `v` (`id`))";
    assert_eq!(
        d_flavor(from, to, Flavor::Mariadb),
        [
            "ALTER TABLE `p` DROP FOREIGN KEY `f`",
            "ALTER TABLE `p` DROP INDEX `a`, ADD KEY `a` (`a`), ADD CONSTRAINT `f` FOREIGN KEY (`a`) REFERENCES `v` (`id`)",
        ]
    );
    // OceanBase creates no implicit index, so there is nothing to re-create.
    assert_eq!(d_flavor(from, to, Flavor::Oceanbase).len(), 2);
}

#[test]
fn oceanbase_gets_one_clause_per_statement_and_late_auto_increment() {
    let out = d_flavor(
        "CREATE TABLE t (a int, KEY k (a))",
        "CREATE TABLE t (id int NOT NULL AUTO_INCREMENT, a int, PRIMARY KEY (id), KEY k2 (a))",
        Flavor::Oceanbase,
    );
    assert_eq!(
        out,
        [
            "ALTER TABLE `t` DROP INDEX `k`",
            "ALTER TABLE `t` ADD COLUMN `id` int NOT NULL FIRST",
            "ALTER TABLE `t` ADD PRIMARY KEY (`id`)",
            "ALTER TABLE `t` ADD KEY `k2` (`a`)",
            "ALTER TABLE `t` MODIFY COLUMN `id` int NOT NULL AUTO_INCREMENT",
        ]
    );
}

#[test]
fn identical_definitions_short_cut_only_in_the_same_schema_context() {
    let t = "CREATE TABLE t (a int, CONSTRAINT f FOREIGN KEY (a) REFERENCES `s1`.`p` (id))";
    assert!(d(t, t).is_empty());
    // `s1`.`p` is the table's own schema on one side only: not the same reference.
    let opts = DiffOptions {
        from_schema: Some("s1".into()),
        to_schema: Some("s2".into()),
        ..Default::default()
    };
    let out = diff_tables(&parse_table(t).unwrap(), &parse_table(t).unwrap(), &opts).unwrap();
    assert_eq!(out.len(), 2, "{out:?}");
}

/// Issue 11: visibility is spelled per engine and switched in place.
#[test]
fn index_visibility_per_engine() {
    let plain = "CREATE TABLE t (a int, b int, KEY ka (a))";
    let hidden = "CREATE TABLE t (a int, b int, KEY ka (a) IGNORED)";
    assert_eq!(
        d_flavor(plain, hidden, Flavor::Mariadb),
        ["ALTER TABLE `t` ALTER INDEX `ka` IGNORED"]
    );
    assert_eq!(
        d_flavor(hidden, plain, Flavor::Mariadb),
        ["ALTER TABLE `t` ALTER INDEX `ka` NOT IGNORED"]
    );
    let mysql_hidden = "CREATE TABLE t (a int, b int, KEY ka (a) /*!80000 INVISIBLE */)";
    assert_eq!(
        d_flavor(plain, mysql_hidden, Flavor::Mysql),
        ["ALTER TABLE `t` ALTER INDEX `ka` INVISIBLE"]
    );
    assert_eq!(
        d_flavor(mysql_hidden, plain, Flavor::Oceanbase),
        ["ALTER TABLE `t` ALTER INDEX `ka` VISIBLE"]
    );
    // A new hidden index: MariaDB in the ADD (never INVISIBLE there) …
    let added = "CREATE TABLE t (a int, b int, KEY ka (a), KEY kb (b) INVISIBLE)";
    assert_eq!(
        d_flavor(plain, added, Flavor::Mariadb),
        ["ALTER TABLE `t` ADD KEY `kb` (`b`) IGNORED"]
    );
    // … OceanBase ignores it in an ADD: created, then hidden.
    assert_eq!(
        d_flavor(plain, added, Flavor::Oceanbase),
        [
            "ALTER TABLE `t` ADD KEY `kb` (`b`)",
            "ALTER TABLE `t` ALTER INDEX `kb` INVISIBLE"
        ]
    );
    // A new table keeps the flavor's spelling whatever the source wrote.
    let tables = parse_tables(added).unwrap();
    let opts = DiffOptions {
        flavor: Flavor::Mariadb,
        ..Default::default()
    };
    let (creates, _) = create_statements(&tables.iter().collect::<Vec<_>>(), &opts);
    assert!(
        creates[0].sql.contains("IGNORED") && !creates[0].sql.contains("INVISIBLE"),
        "{creates:?}"
    );
}

#[test]
fn a_column_made_visible_says_so_where_needed() {
    let hidden = "CREATE TABLE t (a int, b int INVISIBLE)";
    let shown = "CREATE TABLE t (a int, b int)";
    assert_eq!(
        d_flavor(hidden, shown, Flavor::Oceanbase),
        ["ALTER TABLE `t` MODIFY COLUMN `b` int VISIBLE"]
    );
    assert_eq!(
        d_flavor(hidden, shown, Flavor::Mariadb),
        ["ALTER TABLE `t` MODIFY COLUMN `b` int"]
    );
}

#[test]
fn letter_case_of_a_column_name_follows_the_source() {
    assert_eq!(
        d(
            "CREATE TABLE t (id int NOT NULL, KEY k (id))",
            "CREATE TABLE t (Id int NOT NULL, KEY k (Id))"
        ),
        ["ALTER TABLE `t` CHANGE COLUMN `id` `Id` int NOT NULL"]
    );
}

/// Issue 11: every table option MariaDB can unset is unset, not refused.
#[test]
fn removable_table_options_are_reset() {
    let to = "CREATE TABLE t (a int) ENGINE=InnoDB";
    for (option, reset) in [
        ("CHECKSUM=1", "CHECKSUM=0"),
        ("MAX_ROWS=100", "MAX_ROWS=0"),
        ("MIN_ROWS=5", "MIN_ROWS=0"),
        ("AVG_ROW_LENGTH=50", "AVG_ROW_LENGTH=0"),
        ("DELAY_KEY_WRITE=1", "DELAY_KEY_WRITE=0"),
        ("TRANSACTIONAL=1", "TRANSACTIONAL=DEFAULT"),
        ("`PAGE_COMPRESSED`=1", "`PAGE_COMPRESSED`=DEFAULT"),
        ("`ENCRYPTION_KEY_ID`=1", "`ENCRYPTION_KEY_ID`=DEFAULT"),
    ] {
        let from = format!("CREATE TABLE t (a int) ENGINE=InnoDB {option}");
        assert_eq!(
            d_flavor(&from, to, Flavor::Mariadb),
            [format!("ALTER TABLE `t` {reset}")],
            "{option}"
        );
    }
}

/// Issue 11: what OceanBase cannot do is refused, naming engine and change.
#[test]
fn oceanbase_incapabilities_are_refused() {
    let opts = DiffOptions {
        flavor: Flavor::Oceanbase,
        ..Default::default()
    };
    let refusal = |from: &str, to: &str| {
        diff_tables(
            &parse_table(from).unwrap(),
            &parse_table(to).unwrap(),
            &opts,
        )
        .unwrap_err()
        .to_string()
    };
    let why = refusal("CREATE TABLE t (c text)", "CREATE TABLE t (c json)");
    assert!(
        why.contains("OceanBase cannot change column `c` from text to json"),
        "{why}"
    );
    let why = refusal(
        "CREATE TABLE t (id int) PARTITION BY HASH(id) PARTITIONS 2",
        "CREATE TABLE t (id int)",
    );
    assert!(
        why.contains("OceanBase cannot remove a table's partitioning"),
        "{why}"
    );
    // MariaDB does both.
    assert!(!d_flavor(
        "CREATE TABLE t (c text)",
        "CREATE TABLE t (c json)",
        Flavor::Mariadb
    )
    .is_empty());
}

#[test]
fn oceanbase_releases_a_foreign_key_around_its_index_drop() {
    let from = "CREATE TABLE t (a int, b int, KEY k1 (a), KEY k2 (a,b), CONSTRAINT fk FOREIGN KEY (a) REFERENCES p (id))";
    let to = "CREATE TABLE t (a int, b int, KEY k2 (a,b), CONSTRAINT fk FOREIGN KEY (a) REFERENCES p (id))";
    assert_eq!(
        d_flavor(from, to, Flavor::Oceanbase),
        [
            "ALTER TABLE `t` DROP FOREIGN KEY `fk`",
            "ALTER TABLE `t` DROP INDEX `k1`",
            "ALTER TABLE `t` ADD CONSTRAINT `fk` FOREIGN KEY (`a`) REFERENCES `p` (`id`)"
        ]
    );
    assert_eq!(
        d_flavor(from, to, Flavor::Mariadb),
        ["ALTER TABLE `t` DROP INDEX `k1`"]
    );
}

/// The step-by-step search `parents_first` replaces (quadratic in tables):
/// at each step the first table by name (then listing) whose referenced
/// tables are all placed; in a cycle, the first table by name not placed.
fn parents_first_by_search(tables: &[&Table]) -> Vec<usize> {
    let names: Vec<String> = tables.iter().map(|t| t.name.to_lowercase()).collect();
    let mut by_name: Vec<usize> = (0..tables.len()).collect();
    by_name.sort_by(|&a, &b| names[a].cmp(&names[b]).then(a.cmp(&b)));
    let mut placed = vec![false; tables.len()];
    let mut order = Vec::new();
    while order.len() < tables.len() {
        let ready = by_name.iter().copied().find(|&i| {
            !placed[i]
                && tables[i].foreign_keys.iter().all(|fk| {
                    let target = fk.ref_table.to_lowercase();
                    fk.ref_schema.is_some()
                        || target == names[i]
                        || names
                            .iter()
                            .position(|n| *n == target)
                            .is_none_or(|j| placed[j])
                })
        });
        let i = ready.unwrap_or_else(|| by_name.iter().copied().find(|&i| !placed[i]).unwrap());
        placed[i] = true;
        order.push(i);
    }
    order
}

#[test]
fn parents_first_orders_as_the_step_by_step_search() {
    let table = |name: &str, refs: &[&str]| {
        let fks: String = refs
            .iter()
            .enumerate()
            .map(|(k, r)| format!(", CONSTRAINT `f{k}` FOREIGN KEY (`p`) REFERENCES {r} (`id`)"))
            .collect();
        parse_table(&format!(
            "CREATE TABLE `{name}` (`id` int NOT NULL, `p` int, PRIMARY KEY (`id`), KEY (`p`){fks})"
        ))
        .unwrap()
    };
    let cases: Vec<Vec<Table>> = vec![
        vec![],
        // A chain against input order, a self reference, a missing parent,
        // another schema's table, a repeated reference.
        vec![
            table("c", &["`b`", "`b`"]),
            table("b", &["`a`", "`b`"]),
            table("a", &["`gone`", "`other`.`c`"]),
        ],
        // A cycle, with a table outside it waiting on it and letter case.
        vec![
            table("x", &["`Y`"]),
            table("after", &["`x`", "`y`"]),
            table("y", &["`z`"]),
            table("z", &["`x`"]),
            table("free", &[]),
        ],
        // Two cycles and a shared child, a name given twice.
        vec![
            table("k", &["`m`", "`q`"]),
            table("p", &["`q`"]),
            table("q", &["`p`"]),
            table("m", &["`n`"]),
            table("n", &["`m`"]),
            table("p", &[]),
        ],
    ];
    for tables in &cases {
        let refs: Vec<&Table> = tables.iter().collect();
        assert_eq!(parents_first(&refs), parents_first_by_search(&refs));
    }
    // A long chain against input order: linear, not one search per table.
    let chain: Vec<Table> = (0..3_000)
        .map(|i| {
            if i + 1 < 3_000 {
                table(&format!("t{i}"), &[&format!("`t{}`", i + 1)])
            } else {
                table(&format!("t{i}"), &[])
            }
        })
        .collect();
    let refs: Vec<&Table> = chain.iter().collect();
    let order = parents_first(&refs);
    assert_eq!(order.first(), Some(&2_999));
    assert_eq!(order.last(), Some(&0));
}

/// Issue 11 (found by the mutation corpus on seekdb): OceanBase modifies
/// neither a column under a prefix or FULLTEXT key nor a generated
/// column's definition; an index over a re-created column is re-added.
#[test]
fn oceanbase_rebuilds_what_it_cannot_modify() {
    let ob = |from: &str, to: &str| d_flavor(from, to, Flavor::Oceanbase);
    assert_eq!(
        ob(
            "CREATE TABLE t (a varchar(100) NOT NULL, KEY k (a(20)))",
            "CREATE TABLE t (a varchar(50) NOT NULL, KEY k (a(20)))"
        ),
        [
            "ALTER TABLE `t` DROP INDEX `k`",
            "ALTER TABLE `t` MODIFY COLUMN `a` varchar(50) NOT NULL",
            "ALTER TABLE `t` ADD KEY `k` (`a`(20))"
        ]
    );
    let generated = |expr: &str| {
        format!("CREATE TABLE t (a int, g int GENERATED ALWAYS AS ({expr}) VIRTUAL, KEY kg (g))")
    };
    let out = ob(&generated("a + 1"), &generated("a + 2"));
    assert_eq!(
        out,
        [
            "ALTER TABLE `t` DROP INDEX `kg`",
            "ALTER TABLE `t` DROP COLUMN `g`",
            "ALTER TABLE `t` ADD COLUMN `g` int GENERATED ALWAYS AS (a + 2) VIRTUAL AFTER `a`",
            "ALTER TABLE `t` ADD KEY `kg` (`g`)"
        ]
    );
    // MariaDB modifies both in place.
    assert_eq!(
        d_flavor(&generated("a + 1"), &generated("a + 2"), Flavor::Mariadb).len(),
        1
    );
}

/// New RANGE/LIST partitions after the existing ones are added alone; any
/// other change repartitions whole (a dropped partition's rows are moved,
/// never deleted).
#[test]
fn appended_partitions_are_added_alone() {
    let base = "CREATE TABLE t (id int) PARTITION BY RANGE (id) (PARTITION p0 VALUES LESS THAN (10), PARTITION p1 VALUES LESS THAN (20)";
    let from = format!("{base})");
    let grown = format!(
        "{base}, PARTITION p2 VALUES LESS THAN (30), PARTITION p3 VALUES LESS THAN MAXVALUE)"
    );
    for flavor in [Flavor::Mariadb, Flavor::Oceanbase] {
        assert_eq!(
            d_flavor(&from, &grown, flavor),
            ["ALTER TABLE `t` ADD PARTITION (PARTITION `p2` VALUES LESS THAN (30), PARTITION `p3` VALUES LESS THAN MAXVALUE)"]
        );
    }
    let shrunk =
        "CREATE TABLE t (id int) PARTITION BY RANGE (id) (PARTITION p1 VALUES LESS THAN (20))";
    assert!(d(&from, shrunk)[0].contains("PARTITION BY RANGE"));
    let moved = "CREATE TABLE t (id int) PARTITION BY RANGE (id) (PARTITION p0 VALUES LESS THAN (15), PARTITION p1 VALUES LESS THAN (20), PARTITION p2 VALUES LESS THAN (30))";
    assert!(d(&from, moved)[0].contains("PARTITION BY RANGE"));
}

#[test]
fn letter_case_of_an_index_name_follows_the_source() {
    let from = "CREATE TABLE t (a int, KEY k1 (a))";
    let to = "CREATE TABLE t (a int, KEY K1 (a))";
    assert_eq!(
        d_flavor(from, to, Flavor::Mariadb),
        ["ALTER TABLE `t` RENAME INDEX `k1` TO `K1`"]
    );
    assert_eq!(
        d_flavor(from, to, Flavor::Oceanbase),
        [
            "ALTER TABLE `t` DROP INDEX `k1`",
            "ALTER TABLE `t` ADD KEY `K1` (`a`)"
        ]
    );
    assert!(d_flavor(from, from, Flavor::Oceanbase).is_empty());
}
