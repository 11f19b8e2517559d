//! Database mode: shadows in another database, under the sources' names
//! (`same`) or an affix (mixed mode).

use super::*;
use crate::executor::{Flavor, RelationKind};
use crate::guard::StatementGuard;
use crate::plan::SkipReason;

fn server(database: &str) -> ServerInfo {
    ServerInfo {
        flavor: Flavor::Mariadb,
        version: "10.11".into(),
        database: database.into(),
        lower_case_table_names: 0,
        max_identifier_length: 64,
    }
}

fn tables(list: &[(&str, &str)]) -> (Vec<Relation>, HashMap<String, String>) {
    (
        list.iter()
            .map(|(n, _)| Relation {
                name: n.to_string(),
                kind: RelationKind::Table,
            })
            .collect(),
        list.iter()
            .map(|(n, d)| (n.to_string(), d.to_string()))
            .collect(),
    )
}

const PARENT: &str =
    "CREATE TABLE `customers` (`id` int NOT NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB";
const CHILD: &str =
    "CREATE TABLE `orders` (`id` int NOT NULL, `c` int, PRIMARY KEY (`id`), KEY `c` (`c`), \
    CONSTRAINT `fk_c` FOREIGN KEY (`c`) REFERENCES `customers` (`id`)) ENGINE=InnoDB";
const AUDIT: &str =
    "CREATE TABLE `audit` (`id` int NOT NULL, `c` int, PRIMARY KEY (`id`), KEY `c` (`c`), \
    CONSTRAINT `fk_a` FOREIGN KEY (`c`) REFERENCES `customers` (`id`)) ENGINE=InnoDB";

/// `shop` with its sources, `shadow_db` with `shadows`.
fn mapped(shadow_db: &str, shadows: &[(&str, &str)]) -> SchemaSnapshot {
    let (relations, ddl) = tables(&[("customers", PARENT), ("orders", CHILD), ("audit", AUDIT)]);
    let (shadow_relations, shadow_ddl) = tables(shadows);
    SchemaSnapshot {
        server: server("shop"),
        relations,
        ddl,
        facts: Default::default(),
        shadows: Some(ShadowSide {
            server: server(shadow_db),
            relations: shadow_relations,
            ddl: shadow_ddl,
            facts: Default::default(),
            source_identity: Some("vm:3306".into()),
            shadow_identity: Some("vm:3306".into()),
            create_with: None,
            connection: None,
        }),
    }
}

fn request(rule: NamingRule, selection: Selection) -> AnalysisRequest {
    AnalysisRequest {
        rule,
        selection,
        skip: Vec::new(),
        policy: ShadowPolicy::default(),
        adopt: Vec::new(),
    }
}

fn entry<'a>(a: &'a Analysis, source: &str) -> &'a TableAnalysis {
    a.tables.iter().find(|t| t.source == source).unwrap()
}

#[test]
fn same_names_in_a_shadow_database_point_fks_at_shadow_parents() {
    let snap = mapped("shop_shadow", &[]);
    let req = request(
        NamingRule::same(),
        Selection::Tables(vec!["customers".into(), "orders".into()]),
    );
    let a = analyze_snapshot(&snap, &req);
    assert_eq!(entry(&a, "customers").planned, Action::Create);
    assert_eq!(entry(&a, "orders").shadow, "orders");
    let create = &entry(&a, "orders").statements[0];
    assert!(
        create.contains("REFERENCES `customers` (`id`)") && !create.contains("`shop`"),
        "the shadow parent, in the shadow database: {create}"
    );
    assert!(create.contains("CONSTRAINT `fk_c`"), "names kept: {create}");
    let plan = a.freeze("mysql://u@h:1/shop");
    let place = plan.shadows.as_ref().unwrap();
    assert_eq!(place.database, "shop_shadow");
    assert_eq!(plan.shadow_database(), "shop_shadow");
    assert!(plan.read_only_parents.is_empty());
}

#[test]
fn an_unselected_parent_keeps_its_production_reference_qualified() {
    let snap = mapped("shop_shadow", &[]);
    let req = request(NamingRule::same(), Selection::Tables(vec!["audit".into()]));
    let a = analyze_snapshot(&snap, &req);
    let audit = entry(&a, "audit");
    assert!(
        audit.statements[0].contains("REFERENCES `shop`.`customers`"),
        "{}",
        audit.statements[0]
    );
    assert!(audit.warnings.iter().any(|w| w.contains("shop.customers")));
    let plan = a.freeze("mysql://u@h:1/shop");
    assert_eq!(
        plan.read_only_parents,
        [TableRef {
            schema: Some("shop".into()),
            table: "customers".into()
        }]
    );
    // The guard lets the statement reference the production parent, read-only.
    let guard = StatementGuard::for_plan(&plan, &server("shop_shadow"), Some("vm:3306")).unwrap();
    guard.check(&plan.tables[0].statements[0]).unwrap();
    assert!(guard
        .check("ALTER TABLE `shop`.`audit` ADD COLUMN `x` int")
        .is_err());
}

#[test]
fn mixed_mode_takes_every_source_and_finds_marked_shadows() {
    let marked =
        "CREATE TABLE `__customers` (`id` int NOT NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB \
                  COMMENT='[shadowsync:shadow]'";
    let snap = mapped("shop_pt", &[("__customers", marked)]);
    let req = request(NamingRule::prefix("__").unwrap(), Selection::All);
    let a = analyze_snapshot(&snap, &req);
    assert_eq!(entry(&a, "customers").reason, Some(SkipReason::Identical));
    assert_eq!(entry(&a, "orders").shadow, "__orders");
    let create = &entry(&a, "orders").statements[0];
    assert!(create.contains("REFERENCES `__customers`"), "{create}");
    assert!(create.contains("CONSTRAINT `__fk_c`"), "{create}");
}

#[test]
fn a_shadow_database_table_without_marker_is_a_collision() {
    let unmarked = "CREATE TABLE `customers` (`id` int NOT NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB";
    let snap = mapped("shop_shadow", &[("customers", unmarked)]);
    let req = request(
        NamingRule::same(),
        Selection::Tables(vec!["customers".into()]),
    );
    let a = analyze_snapshot(&snap, &req);
    assert!(matches!(
        entry(&a, "customers").reason,
        Some(SkipReason::Collision { .. })
    ));
}

#[test]
fn the_same_rule_beside_the_sources_is_refused_table_by_table() {
    let (relations, ddl) = tables(&[("customers", PARENT)]);
    let snap = SchemaSnapshot {
        server: server("shop"),
        relations,
        ddl,
        facts: Default::default(),
        shadows: None,
    };
    let a = analyze_snapshot(&snap, &request(NamingRule::same(), Selection::All));
    assert!(matches!(
        entry(&a, "customers").reason,
        Some(SkipReason::ShadowNameIsSource { .. })
    ));
}

#[test]
fn the_identity_guard_refuses_the_source_database_itself() {
    let shop = server("shop");
    let refused = |a: Option<&str>, b: Option<&str>| {
        snapshot::refuse_same_place(&shop, a, &server("shop"), b).is_err()
    };
    assert!(refused(Some("vm:3306"), Some("vm:3306")), "same server");
    assert!(refused(None, Some("vm:3306")), "unknown source");
    assert!(refused(Some("vm:3306"), None), "unknown shadow");
    assert!(!refused(Some("vm:3306"), Some("vm:3307")), "two servers");
    assert!(snapshot::refuse_same_place(&shop, None, &server("shop_shadow"), None).is_ok());
    let mut folding = server("SHOP");
    folding.lower_case_table_names = 1;
    assert!(snapshot::refuse_same_place(&shop, Some("a"), &folding, Some("a")).is_err());
}

#[test]
fn the_statement_guard_runs_a_mapped_plan_only_on_its_shadow_database() {
    let snap = mapped("shop", &[]);
    let mut snap_two_servers = snap.clone();
    if let Some(side) = &mut snap_two_servers.shadows {
        side.shadow_identity = Some("other:3306".into());
    }
    let req = request(
        NamingRule::same(),
        Selection::Tables(vec!["customers".into()]),
    );
    let plan = analyze_snapshot(&snap_two_servers, &req).freeze("mysql://u@a:1/shop");
    let shop = server("shop");
    // Under the source's own name, only the recorded other server may run it.
    assert!(StatementGuard::for_plan(&plan, &shop, Some("other:3306")).is_ok());
    for identity in [Some("vm:3306"), None, Some("third:3306")] {
        assert!(
            StatementGuard::for_plan(&plan, &shop, identity).is_err(),
            "{identity:?}"
        );
    }
    // The plan of the first snapshot names the source server as its shadow
    // server: no connection may run it.
    let same_place = analyze_snapshot(&snap, &req).freeze("mysql://u@a:1/shop");
    assert!(StatementGuard::for_plan(&same_place, &shop, Some("vm:3306")).is_err());
    // A connection on another database than the shadows' is refused.
    assert!(StatementGuard::for_plan(&plan, &server("crm"), Some("other:3306")).is_err());
}

#[test]
fn a_missing_shadow_database_is_created_exactly_as_planned() {
    use crate::guard::{check_create_database, create_database_statement};
    let mut snap = mapped("shop_shadow", &[]);
    let req = request(NamingRule::same(), Selection::All);
    let existing = analyze_snapshot(&snap, &req).freeze("mysql://u@h:1/shop");
    assert_eq!(create_database_statement(&existing), None);
    if let Some(side) = &mut snap.shadows {
        side.create_with = Some(DatabaseDefaults {
            charset: "utf8mb4".into(),
            collation: "utf8mb4_unicode_ci".into(),
        });
    }
    let plan = analyze_snapshot(&snap, &req).freeze("mysql://u@h:1/shop");
    let sql = create_database_statement(&plan).unwrap();
    assert_eq!(
        sql,
        "CREATE DATABASE `shop_shadow` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
    );
    let on = server("");
    let id = Some("vm:3306");
    check_create_database(&plan, &on, id, &sql).unwrap();
    for bad in [
        "CREATE DATABASE `shop` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
        "CREATE DATABASE `shop_shadow` CHARACTER SET latin1 COLLATE utf8mb4_unicode_ci",
        "CREATE DATABASE IF NOT EXISTS `shop_shadow` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
        "CREATE DATABASE `shop_shadow` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci; DROP DATABASE `shop`",
        "DROP DATABASE `shop_shadow`",
    ] {
        assert!(check_create_database(&plan, &on, id, bad).is_err(), "{bad}");
    }
    assert!(check_create_database(&existing, &on, id, &sql).is_err());
    // Defaults that are not plain names give no statement at all.
    let mut odd = plan.clone();
    if let Some(place) = &mut odd.shadows {
        place.create_with = Some(DatabaseDefaults {
            charset: "utf8mb4 COLLATE x".into(),
            collation: "y".into(),
        });
    }
    assert_eq!(create_database_statement(&odd), None);
}
