//! `shadowsync::host::check` on MariaDB and seekdb, as a Rust host calls it:
//! the typed view of the five verdicts as a checking account with partial
//! grants sees them, that the check changes nothing, and (MariaDB) that a
//! default role's grants count while other roles are named as not counted.
//! Start the servers with `eval "$(scripts/engines.sh start)"`; a missing
//! URL variable fails the tests rather than skipping them.

use shadowsync::core::check::Verdict;
use shadowsync::core::{Error, Executor};
use shadowsync::host::{self, AnalyzeOptions, CheckOptions, CheckView};
use shadowsync::mysql::MysqlExecutor;

#[path = "support/engine.rs"]
mod engine;
use engine::Engine;

#[path = "support/check_schema.rs"]
mod check_schema;
use check_schema::CheckSchema;

const NOW: i64 = 1_700_000_000_000;

fn all() -> CheckOptions {
    CheckOptions {
        analyze: AnalyzeOptions::default(),
        app_user: None,
    }
}

/// Every relation of the database with its `SHOW CREATE TABLE` text, as
/// the administrator reads them.
fn schema_state(url: &str) -> Vec<(String, Option<String>)> {
    let mut ex = MysqlExecutor::connect(url).unwrap();
    let mut names: Vec<String> = ex
        .list_relations()
        .unwrap()
        .into_iter()
        .map(|r| r.name)
        .collect();
    names.sort();
    let texts = ex.show_create_tables(&names).unwrap();
    names.into_iter().zip(texts).collect()
}

fn verdict(view: &CheckView, source: &str) -> Verdict {
    view.tables
        .iter()
        .find(|t| t.source == source)
        .unwrap_or_else(|| panic!("no `{source}` in {view:?}"))
        .verdict
}

fn reader_sees_five_verdicts_and_nothing_changes(engine: Engine) {
    let s = CheckSchema::new(engine, "hv");
    let before = schema_state(&s.admin_url());
    let mut reader = MysqlExecutor::connect(&s.reader_url()).unwrap();
    let view = host::check(&mut reader, &all(), NOW).unwrap();
    assert_eq!((view.kind, view.schema_version), ("check", 1));
    assert_eq!(view.checked_at, "2023-11-14T22:13:20.000Z");
    assert!(!view.ready);
    let c = view.counts;
    assert_eq!(
        [
            c.total,
            c.ready,
            c.drifted,
            c.missing,
            c.refused,
            c.inaccessible
        ],
        [5, 1, 1, 1, 1, 1],
        "{view:?}"
    );
    for (source, expected) in [
        ("ok", Verdict::Ready),
        ("drift", Verdict::Drifted),
        ("gone", Verdict::Missing),
        ("clash", Verdict::Refused),
        ("hidden", Verdict::Inaccessible),
    ] {
        assert_eq!(verdict(&view, source), expected, "{source}: {view:?}");
    }
    // The JSON every front end prints is this view's.
    let json: serde_json::Value = serde_json::from_str(&host::to_json(&view).unwrap()).unwrap();
    assert_eq!(json["counts"]["inaccessible"], 1);
    assert_eq!(json["tables"].as_array().unwrap().len(), 5);

    // A selection of the ready table with the others skipped is ready.
    let only_ok = CheckOptions {
        analyze: AnalyzeOptions {
            tables: Some(vec!["ok".into(), "hidden".into()]),
            skip: vec!["hidden".into()],
            ..AnalyzeOptions::default()
        },
        app_user: None,
    };
    let view = host::check(&mut reader, &only_ok, NOW).unwrap();
    assert!(view.ready, "{view:?}");
    assert_eq!(view.skipped, ["hidden"]);

    // A bad account is refused as bad input; nothing was written anywhere.
    let bad = CheckOptions {
        app_user: Some("'app".into()),
        ..all()
    };
    assert!(matches!(
        host::check(&mut reader, &bad, NOW),
        Err(Error::InvalidRequest(_))
    ));
    assert_eq!(schema_state(&s.admin_url()), before);
}

#[test]
fn mariadb_reader_sees_five_verdicts_and_nothing_changes() {
    reader_sees_five_verdicts_and_nothing_changes(Engine::Mariadb);
}

#[test]
fn seekdb_reader_sees_five_verdicts_and_nothing_changes() {
    reader_sees_five_verdicts_and_nothing_changes(Engine::Seekdb);
}

#[test]
fn mariadb_default_role_counts_other_roles_are_named() {
    let mut s = CheckSchema::new(Engine::Mariadb, "hr");
    let (app, role, db) = (
        format!("'{}'@'%'", s.app_tables),
        s.role.clone(),
        s.db.clone(),
    );
    let options = CheckOptions {
        analyze: AnalyzeOptions {
            tables: Some(vec!["ok".into()]),
            ..AnalyzeOptions::default()
        },
        app_user: Some(app.clone()),
    };
    let mut admin = MysqlExecutor::connect(&s.admin_url()).unwrap();
    let view = host::check(&mut admin, &options, NOW).unwrap();
    assert!(!view.ready, "no DELETE on __ok yet: {view:?}");

    s.admin(&format!("CREATE ROLE '{role}'"));
    s.admin(&format!("GRANT DELETE ON `{db}`.`__ok` TO '{role}'"));
    s.admin(&format!("GRANT '{role}' TO {app}"));
    // Granted, not the default: the application does not have it on connecting.
    let view = host::check(&mut admin, &options, NOW).unwrap();
    assert!(!view.ready, "{view:?}");
    assert!(
        view.notes
            .iter()
            .any(|n| n.contains("not counted") && n.contains(&role)),
        "{:?}",
        view.notes
    );
    s.admin(&format!("SET DEFAULT ROLE '{role}' FOR {app}"));
    let view = host::check(&mut admin, &options, NOW).unwrap();
    assert!(view.ready, "{view:?}");
    let access = view.tables[0].app_access.as_ref().unwrap();
    assert!(access.full && access.delete, "{access:?}");
    assert!(
        !view.notes.iter().any(|n| n.contains("not counted")),
        "{:?}",
        view.notes
    );
}
