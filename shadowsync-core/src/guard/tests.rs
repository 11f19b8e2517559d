use super::*;
use crate::executor::Flavor;
use crate::plan::{PlannedTable, TableRef};

fn server(database: &str, lower_case_table_names: u8) -> ServerInfo {
    ServerInfo {
        flavor: Flavor::Mariadb,
        version: "10.11".into(),
        database: database.into(),
        lower_case_table_names,
        max_identifier_length: 64,
    }
}

fn planned(source: &str, shadow: &str, action: PlannedAction) -> PlannedTable {
    PlannedTable {
        source: source.into(),
        shadow: shadow.into(),
        action,
        reason: None,
        skip_reason: None,
        statements: if action == PlannedAction::Skip {
            vec![]
        } else {
            vec!["x".into()]
        },
        kinds: Vec::new(),
        source_fingerprint: String::new(),
        shadow_fingerprint: None,
        adopted: false,
        rebuild: false,
    }
}

fn plan() -> FrozenPlan {
    FrozenPlan {
        connection: "c".into(),
        database: "shop".into(),
        naming_rule: "prefix:__".into(),
        policy: Default::default(),
        tables: vec![
            planned("orders", "__orders", PlannedAction::Create),
            planned("items", "__items", PlannedAction::Alter),
            planned("users", "__users", PlannedAction::Skip),
        ],
        shadows: None,
        read_only_parents: vec![
            TableRef {
                schema: None,
                table: "users".into(),
            },
            TableRef {
                schema: Some("crm".into()),
                table: "accounts".into(),
            },
        ],
    }
}

fn guard(lctn: u8) -> StatementGuard {
    StatementGuard::for_plan(&plan(), &server("shop", lctn), None).unwrap()
}

#[test]
fn accepts_what_the_planner_emits() {
    let g = guard(0);
    for sql in [
        "CREATE TABLE `__orders` (\n  `id` int NOT NULL,\n  `c` varchar(9) DEFAULT 'a''b\\\\c' COMMENT 'x',\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB",
        "ALTER TABLE `__items` ADD COLUMN `n` int AFTER `id`, DROP INDEX `k`",
        "ALTER TABLE `__items` ADD CONSTRAINT `__fk` FOREIGN KEY (`u`) REFERENCES `users` (`id`)",
        "ALTER TABLE `__items` ADD CONSTRAINT `__fk2` FOREIGN KEY (`a`) REFERENCES `crm`.`accounts` (`id`)",
        "ALTER TABLE `__items` ADD CONSTRAINT `f` FOREIGN KEY (`o`) REFERENCES `__orders` (`id`)",
        "ALTER TABLE `shop`.`__items` RENAME COLUMN `a` TO `b`, RENAME INDEX `i` TO `j`",
        "ALTER TABLE `__items` ADD CONSTRAINT `ck` CHECK (`c` like 'a%' and `c` <> '')",
        "CREATE TABLE `__orders` (`d` date) PARTITION BY RANGE (year(`d`)) (PARTITION p0 VALUES LESS THAN (2020))",
    ] {
        assert_eq!(g.check(sql), Ok(()), "{sql}");
    }
}

#[test]
fn refuses_statements_outside_the_shadow_set() {
    let g = guard(0);
    for sql in [
        "ALTER TABLE `orders` DROP COLUMN `note`",
        "ALTER TABLE `__users` DROP COLUMN `note`",
        "ALTER TABLE `users` ADD COLUMN `x` int",
        "ALTER TABLE `__Orders` ADD COLUMN `x` int",
        "ALTER TABLE `other`.`__orders` ADD COLUMN `x` int",
        "ALTER TABLE `__items` RENAME TO `orders`",
        "ALTER TABLE `__items` RENAME `orders`",
        "ALTER TABLE `__items` RENAME AS `shop`.`orders`",
        "ALTER TABLE `__items` ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES `payments` (`id`)",
        "ALTER TABLE `__items` ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES `crm`.`users` (`id`)",
        "ALTER TABLE `__items` EXCHANGE PARTITION p WITH TABLE `orders`",
        "ALTER TABLE `__items` CONVERT PARTITION p TO TABLE `orders`",
        "CREATE TABLE `__orders` LIKE `orders`",
        "CREATE TABLE `__orders` (LIKE `orders`)",
        "CREATE TABLE `__orders` (a int) SELECT * FROM `orders`",
        "CREATE TABLE `__orders` (a int) ENGINE=MERGE UNION=(`orders`)",
        "CREATE TEMPORARY TABLE `__orders` (a int)",
        "CREATE OR REPLACE TABLE `orders` (a int)",
        "CREATE TABLE IF NOT EXISTS `__orders` (a int)",
        "DROP TABLE `orders`",
        "DROP DATABASE other",
        "TRUNCATE TABLE `__orders`",
        "RENAME TABLE `__orders` TO `orders`",
        "ALTER TABLE `__items` ADD COLUMN a int; DROP DATABASE other",
        "ALTER TABLE `__items` ADD COLUMN a int -- x",
        "ALTER TABLE `__items` ADD COLUMN a int # x",
        "ALTER TABLE `__items` ADD COLUMN a int /*!50000 , DROP COLUMN b */",
        "ALTER TABLE `__items` ADD CONSTRAINT c CHECK (a <> 'x\\')) ; DROP DATABASE other; -- ')",
        "ALTER TABLE \"__items\" ADD COLUMN a int",
        "ALTER TABLE `__items` ADD COLUMN a int DEFAULT 'open",
        "ALTER TABLE `__items\0` ADD COLUMN a int",
        "ALTER TABLE `__items` ADD COLUMN a int\u{0b}",
        "ALTER TABLE `__items` COMMENT = @' , EXCHANGE PARTITION p WITH TABLE t , COMMENT = @'",
        "ALTER TABLE `__items` ENGINE=FEDERATED CONNECTION='mysql://u@h/shop/orders'",
        "CREATE TABLE `__orders` (id int) ENGINE=CONNECT TABLE_TYPE=MYSQL TABNAME='orders'",
        "CREATE TABLE `__orders` (id int) ENGINE=SPIDER COMMENT='table \"orders\"'",
        "ALTER TABLE `__items` ADD COLUMN `n` int DEFAULT NEXTVAL(`prod_seq`)",
        "ALTER TABLE `__items` ADD COLUMN `n` int DEFAULT (NEXT VALUE FOR `prod_seq`)",
        "",
    ] {
        assert!(g.check(sql).is_err(), "accepted: {sql}");
    }
}

#[test]
fn folds_only_ascii_case_where_the_server_folds() {
    let g = guard(1);
    assert_eq!(g.check("ALTER TABLE `__ORDERS` ADD COLUMN x int"), Ok(()));
    assert_eq!(
        g.check("ALTER TABLE `SHOP`.`__Items` ADD COLUMN x int"),
        Ok(())
    );
    // A Kelvin sign, a Cyrillic `о`, a trailing space: other tables.
    for name in ["__\u{212a}", "__\u{43e}rders", "__orders "] {
        let sql = format!("ALTER TABLE `{name}` ADD COLUMN x int");
        assert!(g.check(&sql).is_err(), "accepted: {sql}");
    }
}

#[test]
fn refuses_plans_whose_shadow_set_does_not_follow_from_the_rule() {
    let mut p = plan();
    p.tables[0].shadow = "orders".into();
    assert!(StatementGuard::for_plan(&p, &server("shop", 0), None).is_err());
    let mut p = plan();
    p.tables
        .push(planned("__items", "____items", PlannedAction::Skip));
    assert!(StatementGuard::for_plan(&p, &server("shop", 0), None).is_err());
    let mut p = plan();
    p.read_only_parents.push(TableRef {
        schema: None,
        table: "__orders".into(),
    });
    assert!(StatementGuard::for_plan(&p, &server("shop", 0), None).is_err());
    assert!(StatementGuard::for_plan(&plan(), &server("crm", 0), None).is_err());
    // Where the server folds every letter, `__Ärger` is the source `__ärger`.
    let mut p = plan();
    p.tables = vec![
        planned("Ärger", "__Ärger", PlannedAction::Alter),
        planned("__ärger", "____ärger", PlannedAction::Skip),
    ];
    assert!(StatementGuard::for_plan(&p, &server("shop", 1), None).is_err());
    assert!(StatementGuard::for_plan(&p, &server("shop", 0), None).is_ok());
    assert!(StatementGuard::for_plan(&plan(), &server("SHOP", 1), None).is_ok());
}

#[test]
fn admits_a_rebuild_only_for_the_table_the_plan_rebuilds() {
    let mut rebuilding = plan();
    rebuilding.tables[1].rebuild = true;
    let g = StatementGuard::for_plan(&rebuilding, &server("shop", 0), None).unwrap();
    for sql in [
        "CREATE TABLE `__items__ssnew` (`id` int NOT NULL, `doc` json, PRIMARY KEY (`id`))",
        "INSERT INTO `__items__ssnew` (`id`, `doc`) SELECT `id`, `doc` FROM `__items`",
        "ALTER TABLE `__items` RENAME TO `__items__ssold`",
        "ALTER TABLE `__items__ssnew` RENAME TO `__items`",
        "DROP TABLE `__items__ssold`",
    ] {
        assert_eq!(g.check(sql), Ok(()), "{sql}");
    }
    for sql in [
        // Reading anything but the shadow it replaces.
        "INSERT INTO `__items__ssnew` (`id`) SELECT `id` FROM `items`",
        "INSERT INTO `__items__ssnew` (`id`) SELECT `id` FROM `__orders`",
        "INSERT INTO `__items__ssnew` (`id`) SELECT `id` FROM `other`.`__items`",
        // Anything beyond the bare copy.
        "INSERT INTO `__items__ssnew` (`id`) SELECT `id` FROM `__items` WHERE 1",
        "INSERT INTO `__items__ssnew` (`id`) SELECT `id` FROM `__items` UNION SELECT `id` FROM `items`",
        "INSERT INTO `__items__ssnew` (`id`) SELECT (SELECT 1 FROM `items`) FROM `__items`",
        "INSERT INTO `__items__ssnew` (`id`, `n`) SELECT `id`, `x` FROM `__items`",
        "INSERT INTO `__items__ssnew` (`id`) VALUES (1)",
        "INSERT INTO `__items` (`id`) SELECT `id` FROM `__items`",
        "INSERT INTO `__orders__ssnew` (`id`) SELECT `id` FROM `__orders`",
        // Dropping anything but the old shadow.
        "DROP TABLE `__items`",
        "DROP TABLE `items`",
        "DROP TABLE `__items__ssold`, `items`",
        "DROP TABLE `__orders__ssold`",
        "DROP DATABASE `shop`",
    ] {
        assert!(g.check(sql).is_err(), "{sql}");
    }
    // Without the rebuild mark nothing of it is admitted.
    let g = guard(0);
    for sql in [
        "INSERT INTO `__items__ssnew` (`id`) SELECT `id` FROM `__items`",
        "DROP TABLE `__items__ssold`",
        "CREATE TABLE `__items__ssnew` (`id` int)",
    ] {
        assert!(g.check(sql).is_err(), "{sql}");
    }
}
