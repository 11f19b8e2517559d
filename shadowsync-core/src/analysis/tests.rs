use super::*;
use crate::executor::{Flavor, RelationKind};
use crate::plan::SkipReason;
use crate::statement::{AlterClause, StatementKind};

fn snapshot(tables: &[(&str, &str)], views: &[&str]) -> SchemaSnapshot {
    let mut relations: Vec<Relation> = tables
        .iter()
        .map(|(n, _)| Relation {
            name: n.to_string(),
            kind: RelationKind::Table,
        })
        .collect();
    relations.extend(views.iter().map(|v| Relation {
        name: v.to_string(),
        kind: RelationKind::View,
    }));
    SchemaSnapshot {
        server: ServerInfo {
            flavor: Flavor::Mariadb,
            version: "10.11".into(),
            database: "shop".into(),
            lower_case_table_names: 0,
            max_identifier_length: 64,
        },
        relations,
        ddl: tables
            .iter()
            .map(|(n, d)| (n.to_string(), d.to_string()))
            .collect(),
        facts: Default::default(),
        shadows: None,
    }
}

fn request(selection: Selection) -> AnalysisRequest {
    AnalysisRequest {
        rule: NamingRule::prefix("__").unwrap(),
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
fn create_alter_skip_and_shadows_are_not_sources() {
    let snap = snapshot(
        &[
            ("orders", "CREATE TABLE `orders` (`id` int NOT NULL, `n` int, PRIMARY KEY (`id`)) ENGINE=InnoDB AUTO_INCREMENT=7"),
            ("__orders", "CREATE TABLE `__orders` (`id` int NOT NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB COMMENT='[shadowsync:shadow]'"),
            ("users", "CREATE TABLE `users` (`id` int NOT NULL) ENGINE=InnoDB"),
            ("__users", "CREATE TABLE `__users` (`id` int NOT NULL) ENGINE=InnoDB COMMENT='[shadowsync:shadow]'"),
            ("items", "CREATE TABLE `items` (`id` int NOT NULL) ENGINE=InnoDB AUTO_INCREMENT=3"),
        ],
        &["v_orders"],
    );
    let a = analyze_snapshot(&snap, &request(Selection::All));
    let sources: Vec<&str> = a.tables.iter().map(|t| t.source.as_str()).collect();
    assert_eq!(
        sources,
        ["items", "orders", "users"],
        "creates first, no shadows or views"
    );
    assert_eq!(entry(&a, "orders").planned, Action::Alter);
    assert_eq!(
        entry(&a, "orders").statements,
        ["ALTER TABLE `__orders` ADD COLUMN `n` int AFTER `id`"]
    );
    assert_eq!(
        entry(&a, "orders").kinds,
        [StatementKind::alter(
            "__orders",
            AlterClause::AddColumn {
                column: "n".into(),
                at_end: true,
            }
        )]
    );
    assert_eq!(entry(&a, "users").reason, Some(SkipReason::Identical));
    let items = entry(&a, "items");
    assert_eq!(items.planned, Action::Create);
    assert_eq!(
        items.kinds,
        [StatementKind::CreateTable {
            table: "__items".into()
        }]
    );
    let plan = a.freeze("c");
    assert!(plan.validate().is_ok());
    for (table, planned) in a.tables.iter().zip(&plan.tables) {
        assert_eq!(planned.kinds, table.effective_kinds());
        assert_eq!(planned.typed_reason(), table.effective_reason());
    }
    assert!(
        !items.statements[0].contains("AUTO_INCREMENT"),
        "{}",
        items.statements[0]
    );
}

#[test]
fn chosen_tables_that_cannot_be_sources_are_reported() {
    let snap = snapshot(
        &[
            ("a", "CREATE TABLE `a` (`x` int)"),
            ("__a", "CREATE TABLE `__a` (`x` int)"),
        ],
        &["v"],
    );
    let a = analyze_snapshot(
        &snap,
        &request(Selection::Tables(vec![
            "nope".into(),
            "v".into(),
            "__a".into(),
        ])),
    );
    let reasons: Vec<SkipReason> = a.tables.iter().map(|t| t.reason.clone().unwrap()).collect();
    assert_eq!(
        reasons,
        [
            SkipReason::NoSuchTable,
            SkipReason::SourceIsView,
            SkipReason::SourceIsShadow {
                source: "__a".into(),
                rule: "prefix:__".into()
            },
        ]
    );
    let messages: Vec<String> = reasons.iter().map(ToString::to_string).collect();
    assert!(messages[0].starts_with("missing"), "{messages:?}");
    assert!(messages[1].contains("view"));
    assert!(messages[2].contains("itself a shadow"));
}

#[test]
fn names_too_long_and_collisions_are_refused() {
    let long = "t".repeat(63);
    let ddl = format!("CREATE TABLE `{long}` (`x` int)");
    let snap = snapshot(
        &[(&long, &ddl), ("b", "CREATE TABLE `b` (`x` int)")],
        &["__b"],
    );
    let a = analyze_snapshot(&snap, &request(Selection::All));
    assert!(matches!(
        entry(&a, &long).reason,
        Some(SkipReason::ShadowNameTooLong {
            length: 65,
            max: 64,
            ..
        })
    ));
    assert!(entry(&a, &long)
        .reason
        .as_ref()
        .unwrap()
        .to_string()
        .contains("over the server's limit of 64"));
    assert!(entry(&a, "b")
        .reason
        .as_ref()
        .unwrap()
        .to_string()
        .contains("taken by a view"));
    let unrelated = snapshot(
        &[
            ("c", "CREATE TABLE `c` (`x` int)"),
            (
                "__c",
                "CREATE TABLE `__c` (`other` int) COMMENT='[shadowsync:shadow]'",
            ),
        ],
        &[],
    );
    let a = analyze_snapshot(&unrelated, &request(Selection::All));
    assert!(entry(&a, "c")
        .reason
        .as_ref()
        .unwrap()
        .to_string()
        .contains("not its shadow"));
}

#[test]
fn foreign_keys_follow_parents_and_constraint_names_are_renamed() {
    let snap = snapshot(
        &[
            ("parent", "CREATE TABLE `parent` (`id` int NOT NULL, PRIMARY KEY (`id`))"),
            ("child", "CREATE TABLE `child` (`id` int NOT NULL, `p` int, `q` int, KEY `p` (`p`), KEY `q` (`q`), CONSTRAINT `fk_p` FOREIGN KEY (`p`) REFERENCES `shop`.`parent` (`id`), CONSTRAINT `fk_q` FOREIGN KEY (`q`) REFERENCES `other` (`id`), CONSTRAINT `ck` CHECK (`id` > 0))"),
            ("other", "CREATE TABLE `other` (`id` int NOT NULL, PRIMARY KEY (`id`))"),
        ],
        &[],
    );
    let mut req = request(Selection::Tables(vec!["child".into(), "parent".into()]));
    let a = analyze_snapshot(&snap, &req);
    assert_eq!(a.tables[0].source, "parent", "parent created first");
    let create = &entry(&a, "child").statements[0];
    assert!(
        create.contains("CONSTRAINT `__fk_p` FOREIGN KEY (`p`) REFERENCES `__parent`"),
        "{create}"
    );
    assert!(
        create.contains("CONSTRAINT `__fk_q` FOREIGN KEY (`q`) REFERENCES `other`"),
        "{create}"
    );
    assert!(create.contains("CONSTRAINT `__ck` CHECK"), "{create}");
    assert_eq!(entry(&a, "child").warnings.len(), 1);
    // Skipping the parent re-points the child at the production parent; undo restores.
    let mut a = a;
    a.skip("parent").unwrap();
    assert_eq!(entry(&a, "parent").action(), Action::Skip);
    assert!(entry(&a, "child").statements[0].contains("REFERENCES `parent`"));
    a.unskip("parent").unwrap();
    assert_eq!(entry(&a, "parent").action(), Action::Create);
    assert!(a.preview()[1].contains("REFERENCES `__parent`"));
    req.skip.clear();
    assert!(a.skip("nope").is_err());
}

#[test]
fn cycles_defer_foreign_keys_until_both_shadows_exist() {
    let snap = snapshot(
        &[
            ("x", "CREATE TABLE `x` (`id` int NOT NULL, `y` int, PRIMARY KEY (`id`), KEY `y` (`y`), CONSTRAINT `fx` FOREIGN KEY (`y`) REFERENCES `y` (`id`))"),
            ("y", "CREATE TABLE `y` (`id` int NOT NULL, `x` int, PRIMARY KEY (`id`), KEY `x` (`x`), CONSTRAINT `fy` FOREIGN KEY (`x`) REFERENCES `x` (`id`))"),
        ],
        &[],
    );
    let a = analyze_snapshot(&snap, &request(Selection::All));
    let preview = a.preview();
    assert_eq!(preview.len(), 3, "{preview:#?}");
    assert!(
        preview[2].starts_with("ALTER TABLE `__x` ADD CONSTRAINT `__fx`"),
        "{preview:#?}"
    );
    let plan = a.freeze("mysql://u:***@h/shop");
    assert!(plan.validate().is_ok());
    assert_eq!(plan.naming_rule, "prefix:__");
}

#[test]
fn created_child_waits_for_the_alter_that_adds_its_parent_key_only_when_needed() {
    let child = "CREATE TABLE `child` (`id` int NOT NULL, `pcode` varchar(10), `pid` int, PRIMARY KEY (`id`), KEY `pcode` (`pcode`), KEY `pid` (`pid`), CONSTRAINT `fc` FOREIGN KEY (`pcode`) REFERENCES `parent` (`code`), CONSTRAINT `fi` FOREIGN KEY (`pid`) REFERENCES `parent` (`id`))";
    let snap = snapshot(
        &[
            ("parent", "CREATE TABLE `parent` (`id` int NOT NULL, `code` varchar(10) NOT NULL, PRIMARY KEY (`id`), UNIQUE KEY `uk` (`code`))"),
            ("__parent", "CREATE TABLE `__parent` (`id` int NOT NULL, `code` varchar(10) NOT NULL, PRIMARY KEY (`id`)) COMMENT='[shadowsync:shadow]'"),
            ("child", child),
        ],
        &[],
    );
    let a = analyze_snapshot(&snap, &request(Selection::All));
    let preview = a.preview();
    // The FK on `id` (already a key of `__parent`) stays in the CREATE; the one
    // on `code` waits for the alter that adds the unique key.
    assert!(
        preview[0].starts_with("CREATE TABLE `__child`") && preview[0].contains("`__fi`"),
        "{preview:#?}"
    );
    assert!(!preview[0].contains("`__fc`"), "{preview:#?}");
    assert!(preview[1].contains("ADD UNIQUE KEY `uk`"), "{preview:#?}");
    assert!(
        preview[2].starts_with("ALTER TABLE `__child` ADD CONSTRAINT `__fc`"),
        "{preview:#?}"
    );
}

#[test]
fn alters_run_parents_first_along_chains_and_by_name_inside_cycles() {
    let child = |name: &str, parent: &str| {
        format!(
            "CREATE TABLE `{name}` (`id` int NOT NULL, `p` int, `note` int, PRIMARY KEY (`id`), KEY `p` (`p`), \
             CONSTRAINT `f_{name}` FOREIGN KEY (`p`) REFERENCES `{parent}` (`id`))"
        )
    };
    let outdated = |name: &str| {
        format!("CREATE TABLE `__{name}` (`id` int NOT NULL, PRIMARY KEY (`id`)) COMMENT='[shadowsync:shadow]'")
    };
    // c1 -> c2 -> c3 (names in the reverse of the order the alters need),
    // and x <-> y, a cycle.
    let sources = [
        ("c1", child("c1", "c2")),
        ("c2", child("c2", "c3")),
        (
            "c3",
            "CREATE TABLE `c3` (`id` int NOT NULL, `note` int, PRIMARY KEY (`id`))".to_string(),
        ),
        ("x", child("x", "y")),
        ("y", child("y", "x")),
    ];
    let mut texts: Vec<(String, String)> = Vec::new();
    for (name, ddl) in &sources {
        texts.push((name.to_string(), ddl.clone()));
        texts.push((format!("__{name}"), outdated(name)));
    }
    let pairs: Vec<(&str, &str)> = texts
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_str()))
        .collect();
    let a = analyze_snapshot(&snapshot(&pairs, &[]), &request(Selection::All));
    let order: Vec<&str> = a.tables.iter().map(|t| t.source.as_str()).collect();
    assert_eq!(order, ["c3", "c2", "c1", "x", "y"]);
    assert!(a.tables.iter().all(|t| t.planned == Action::Alter));
}

/// An executor serving a snapshot, counting what it is asked.
struct SnapshotServer {
    snapshot: SchemaSnapshot,
    listings: usize,
    /// Each `show_create_tables` call's names.
    reads: Vec<Vec<String>>,
}

impl Executor for SnapshotServer {
    fn server_info(&mut self) -> Result<ServerInfo> {
        Ok(self.snapshot.server.clone())
    }
    fn list_relations(&mut self) -> Result<Vec<Relation>> {
        self.listings += 1;
        Ok(self.snapshot.relations.clone())
    }
    fn show_create_tables(&mut self, names: &[String]) -> Result<Vec<Option<String>>> {
        self.reads.push(names.to_vec());
        Ok(names
            .iter()
            .map(|n| self.snapshot.ddl.get(n).cloned())
            .collect())
    }
    fn execute(&mut self, _: &str) -> Result<()> {
        Err(Error::Executor("read-only".into()))
    }
}

#[test]
fn inspector_reads_every_table_at_once_with_the_per_table_answers() {
    use crate::task::SchemaInspector;
    let parent = "CREATE TABLE `parent` (`id` int NOT NULL, PRIMARY KEY (`id`))";
    let child = "CREATE TABLE `child` (`id` int NOT NULL, `parent_id` int, PRIMARY KEY (`id`), \
                 CONSTRAINT `fk_child` FOREIGN KEY (`parent_id`) REFERENCES `parent` (`id`))";
    let server = |tables: &[(&str, &str)]| SnapshotServer {
        snapshot: snapshot(tables, &[]),
        listings: 0,
        reads: Vec::new(),
    };
    // Before the sync: no shadows; the plan, frozen.
    let mut before = server(&[("parent", parent), ("child", child)]);
    let req = request(Selection::All);
    let plan = analyze(&mut before, &req).unwrap().freeze("test");
    let tables = plan.tables.clone();
    assert_eq!(tables.len(), 2);

    // After it: the parent's shadow exists, the child's is missing.
    let shadow_parent = format!(
        "{} COMMENT='[shadowsync:shadow]'",
        parent.replace("`parent`", "`__parent`")
    );
    let mut after = server(&[
        ("parent", parent),
        ("child", child),
        ("__parent", &shadow_parent),
    ]);
    let mut inspector = ShadowInspector::for_plan(&plan).unwrap();

    let all = inspector.fingerprints_of_all(&mut after, &tables);
    assert_eq!(after.reads.len(), 1, "one read for every table");
    assert_eq!(after.reads[0], ["parent", "__parent", "child", "__child"]);
    let remaining = inspector.remaining_changes_of_all(&mut after, &tables);
    assert_eq!((after.listings, after.reads.len()), (1, 2));

    // The same answers as asking table by table.
    for (i, table) in tables.iter().enumerate() {
        assert_eq!(
            all[i],
            inspector.fingerprints(&mut after, table),
            "{}",
            table.source
        );
        assert_eq!(
            remaining[i],
            inspector.remaining_changes(&mut after, table),
            "{}",
            table.source
        );
    }
    assert_eq!(remaining[0], Ok(Vec::new()), "the parent's shadow matches");
    assert_eq!(
        remaining[1].as_ref().map(Vec::len),
        Ok(1),
        "the child's shadow is missing"
    );
    assert!(
        remaining[1].as_ref().unwrap()[0].contains("REFERENCES `__parent`"),
        "{:?}",
        remaining[1]
    );
}

#[test]
fn an_unmarked_table_under_a_shadow_name_is_a_collision_unless_adopted() {
    // `orders` and `order` with the suffix `s`: `orders` is a production
    // table, not the shadow of `order`, though its name fits the rule.
    let snap = snapshot(
        &[
            ("order", "CREATE TABLE `order` (`id` int NOT NULL, PRIMARY KEY (`id`))"),
            ("orders", "CREATE TABLE `orders` (`id` int NOT NULL, `note` text, `amount` int, PRIMARY KEY (`id`))"),
        ],
        &[],
    );
    let mut req = request(Selection::Tables(vec!["order".into()]));
    req.rule = NamingRule::suffix("s").unwrap();
    let a = analyze_snapshot(&snap, &req);
    let order = entry(&a, "order");
    assert_eq!(order.action(), Action::Skip);
    assert_eq!(
        order.reason,
        Some(SkipReason::Collision {
            shadow: "orders".into(),
            source: "order".into()
        })
    );
    assert!(
        order
            .reason
            .as_ref()
            .unwrap()
            .to_string()
            .contains("collision")
            && order
                .reason
                .as_ref()
                .unwrap()
                .to_string()
                .contains("no shadowsync marker"),
        "{:?}",
        order.reason
    );
    assert!(a.preview().is_empty());

    // Adopted on purpose: altered to match and marked, the drops listed.
    req.adopt = vec!["order".into()];
    let a = analyze_snapshot(&snap, &req);
    let order = entry(&a, "order");
    assert_eq!(order.action(), Action::Alter);
    assert!(order
        .statements
        .iter()
        .any(|s| s.contains("[shadowsync:shadow]")));
    assert!(order
        .warnings
        .iter()
        .any(|w| w.starts_with("adopting `orders`")));
    assert!(
        order
            .warnings
            .iter()
            .any(|w| w.starts_with("destructive on adopted shadow `orders`")
                && w.contains("DROP COLUMN `note`")),
        "{:#?}",
        order.warnings
    );
}

#[test]
fn created_shadows_carry_the_marker_after_the_source_comment() {
    let snap = snapshot(
        &[
            (
                "a",
                "CREATE TABLE `a` (`id` int) COMMENT='orders of the shop'",
            ),
            ("b", "CREATE TABLE `b` (`id` int)"),
        ],
        &[],
    );
    let a = analyze_snapshot(&snap, &request(Selection::All));
    assert!(
        entry(&a, "a").statements[0].ends_with("COMMENT='orders of the shop [shadowsync:shadow]'")
    );
    assert!(entry(&a, "b").statements[0].ends_with("COMMENT='[shadowsync:shadow]'"));
    let long = format!("CREATE TABLE `c` (`id` int) COMMENT='{}'", "x".repeat(2040));
    let snap = snapshot(&[("c", long.as_str())], &[]);
    let a = analyze_snapshot(&snap, &request(Selection::All));
    assert!(entry(&a, "c")
        .reason
        .as_ref()
        .unwrap()
        .to_string()
        .contains("no room for the shadow marker"));
}

#[test]
fn each_table_alone_on_one_snapshot_is_the_one_table_analysis() {
    let marked = "COMMENT='[shadowsync:shadow]'";
    let snap = snapshot(
        &[
            ("parent", "CREATE TABLE `parent` (`id` int NOT NULL, PRIMARY KEY (`id`))"),
            ("child", "CREATE TABLE `child` (`id` int NOT NULL, `p` int, PRIMARY KEY (`id`), KEY `p` (`p`), CONSTRAINT `fk` FOREIGN KEY (`p`) REFERENCES `parent` (`id`))"),
            ("__parent", &format!("CREATE TABLE `__parent` (`id` int NOT NULL, PRIMARY KEY (`id`)) {marked}")),
            ("orders", "CREATE TABLE `orders` (`id` int NOT NULL, `n` int)"),
            ("__orders", "CREATE TABLE `__orders` (`id` int NOT NULL)"),
            ("users", "CREATE TABLE `users` (`id` int NOT NULL)"),
            ("__users", "CREATE TABLE `__users` (`id` int NOT NULL)"),
            ("broken", "CREATE TABLE `broken` (`id` int COLUMN_FORMAT FIXED)"),
        ],
        &["v"],
    );
    let mut req = request(Selection::All);
    req.adopt = vec!["users".into()];
    let sources: Vec<String> = [
        "parent", "child", "orders", "users", "broken", "v", "__parent", "nope",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let each = analyze_each_alone(&snap, &req, &sources);
    assert_eq!(each.len(), sources.len());
    for (source, entries) in sources.iter().zip(each) {
        let one = AnalysisRequest {
            selection: Selection::Tables(vec![source.clone()]),
            ..req.clone()
        };
        assert_eq!(entries, analyze_snapshot(&snap, &one).tables, "{source}");
    }
}
