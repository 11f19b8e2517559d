use super::*;
use crate::analysis::{analyze_snapshot, AnalysisRequest, SchemaSnapshot, Selection};
use crate::executor::{Flavor, Relation, RelationKind, ServerInfo};
use crate::shadow::{NamingRule, ShadowPolicy};

const MARK: &str = "COMMENT='[shadowsync:shadow]'";

fn snapshot(tables: &[(&str, String)]) -> SchemaSnapshot {
    SchemaSnapshot {
        server: ServerInfo {
            flavor: Flavor::Mariadb,
            version: "10.11".into(),
            database: "shop".into(),
            lower_case_table_names: 0,
            max_identifier_length: 64,
        },
        relations: tables
            .iter()
            .map(|(n, _)| Relation {
                name: n.to_string(),
                kind: RelationKind::Table,
            })
            .collect(),
        ddl: tables
            .iter()
            .map(|(n, d)| (n.to_string(), d.clone()))
            .collect(),
        facts: Default::default(),
        shadows: None,
    }
}

fn table(name: &str, body: &str, options: &str) -> (&'static str, String) {
    (
        Box::leak(name.to_string().into_boxed_str()),
        format!("CREATE TABLE `{name}` ({body}) ENGINE=InnoDB {options}"),
    )
}

fn analysis(selection: Selection, skip: &[&str]) -> Analysis {
    let snap = snapshot(&[
        table("ok", "`id` int NOT NULL, PRIMARY KEY (`id`)", ""),
        table("__ok", "`id` int NOT NULL, PRIMARY KEY (`id`)", MARK),
        table("drift", "`id` int NOT NULL, `n` bigint, KEY `k` (`n`)", ""),
        table("__drift", "`id` int NOT NULL, `n` int", MARK),
        table("gone", "`id` int NOT NULL", ""),
        table("hidden", "`id` int NOT NULL", ""),
        table("clash", "`id` int NOT NULL", ""),
        table("__clash", "`id` int NOT NULL", ""),
    ]);
    let req = AnalysisRequest {
        rule: NamingRule::prefix("__").unwrap(),
        selection,
        skip: skip.iter().map(|s| s.to_string()).collect(),
        policy: ShadowPolicy::default(),
        adopt: Vec::new(),
    };
    analyze_snapshot(&snap, &req)
}

fn verdict<'a>(c: &'a Check, source: &str) -> &'a TableCheck {
    c.tables.iter().find(|t| t.source == source).unwrap()
}

#[test]
fn every_verdict_and_the_overall_one_fail_closed() {
    let a = analysis(Selection::All, &[]);
    let mut names = names_to_probe(&a);
    names.shadows.sort();
    assert_eq!(names.shadows, ["__gone", "__hidden"]);
    assert!(names.sources.is_empty());
    let shadows: HashMap<String, TableProbe> = [
        ("__gone".to_string(), TableProbe::Absent),
        (
            "__hidden".to_string(),
            TableProbe::Denied {
                message: "ERROR 1142".into(),
            },
        ),
    ]
    .into();
    let probes = Probes {
        shadows,
        ..Probes::default()
    };
    let c = check(&a, &probes, None).unwrap();
    assert!(!c.ready);
    assert_eq!(verdict(&c, "ok").verdict, Verdict::Ready);
    assert!(verdict(&c, "ok").ready);
    let drift = verdict(&c, "drift");
    assert_eq!(drift.verdict, Verdict::Drifted);
    assert!(!drift.statements.is_empty());
    assert!(
        drift
            .differences
            .iter()
            .any(|d| d.contains("column `n` differs"))
            && drift
                .differences
                .iter()
                .any(|d| d.contains("index `k` is missing")),
        "{drift:?}"
    );
    let gone = verdict(&c, "gone");
    assert_eq!(gone.verdict, Verdict::Missing);
    assert!(
        gone.statements[0].starts_with("CREATE TABLE `__gone`"),
        "{gone:?}"
    );
    let hidden = verdict(&c, "hidden");
    assert_eq!(hidden.verdict, Verdict::Inaccessible);
    assert!(hidden.reason.as_deref().unwrap().contains("ERROR 1142"));
    assert!(hidden.statements.is_empty());
    let clash = verdict(&c, "clash");
    assert_eq!(clash.verdict, Verdict::Refused);
    assert!(
        clash.reason.as_deref().unwrap().contains("collision"),
        "{clash:?}"
    );
    assert!(c.notes[0].starts_with("all:"), "{:?}", c.notes);

    // Only the ready table: ready overall; the others skipped are listed.
    let a = analysis(
        Selection::Tables(vec!["ok".into(), "drift".into()]),
        &["drift"],
    );
    let c = check(&a, &Probes::default(), None).unwrap();
    assert!(c.ready, "{c:?}");
    assert_eq!(c.skipped, ["drift"]);
    assert!(c.notes.is_empty());
}

#[test]
fn an_unknown_source_is_bad_input_and_a_hidden_one_inaccessible() {
    let a = analysis(Selection::Tables(vec!["ok".into(), "nope".into()]), &[]);
    assert_eq!(names_to_probe(&a).sources, ["nope"]);
    let absent = Probes {
        sources: [("nope".to_string(), TableProbe::Absent)].into(),
        ..Probes::default()
    };
    let err = check(&a, &absent, None).unwrap_err();
    assert_eq!(
        err,
        Error::InvalidRequest("tables names tables that do not exist in `shop`: nope".into())
    );
    let denied = Probes {
        sources: [(
            "nope".to_string(),
            TableProbe::Denied {
                message: "denied".into(),
            },
        )]
        .into(),
        ..Probes::default()
    };
    let c = check(&a, &denied, None).unwrap();
    assert_eq!(verdict(&c, "nope").verdict, Verdict::Inaccessible);
    assert!(!c.ready);
}

#[test]
fn an_app_account_short_of_a_privilege_keeps_it_from_ready() {
    let a = analysis(Selection::Tables(vec!["ok".into()]), &[]);
    let account = Account::parse("app@%").unwrap();
    let short = Grants::parse(&["GRANT SELECT, INSERT, UPDATE ON `shop`.* TO `app`@`%`"]);
    let c = check(
        &a,
        &Probes::default(),
        Some(AppGrants {
            account: &account,
            grants: &short,
        }),
    )
    .unwrap();
    let ok = verdict(&c, "ok");
    assert_eq!(ok.verdict, Verdict::Ready);
    assert!(!ok.ready && !c.ready);
    assert!(!ok.app_access.as_ref().unwrap().delete);
    assert_eq!(c.app_user.as_deref(), Some("'app'@'%'"));
    assert!(c
        .notes
        .iter()
        .any(|n| n.contains("cannot SELECT, INSERT, UPDATE and DELETE __ok")));
    let mut full = Grants::parse(&["GRANT `rw` TO `app`@`%`", "GRANT `other` TO `app`@`%`"]);
    full.absorb(
        "rw",
        Grants::parse(&["GRANT SELECT, INSERT, UPDATE, DELETE ON `shop`.`__ok` TO `rw`"]),
    );
    let c = check(
        &a,
        &Probes::default(),
        Some(AppGrants {
            account: &account,
            grants: &full,
        }),
    )
    .unwrap();
    assert!(c.ready, "{c:?}");
    assert!(
        c.notes.iter().any(|n| n.ends_with("not counted: other")),
        "{:?}",
        c.notes
    );
}
