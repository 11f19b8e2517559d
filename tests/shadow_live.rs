//! Shadow analysis end to end against real servers: MariaDB and seekdb
//! (OceanBase, MySQL mode). Start them with
//! `eval "$(scripts/engines.sh start)"`; a missing URL variable fails the
//! tests rather than skipping them.
//!
//! Each test loads a demo schema (`tests/schema/shadow_demo_<engine>.sql`)
//! into a scratch database, analyses it, checks the decisions for the special
//! cases, runs the preview, and re-analyses. The final check that source and
//! shadow are schema-identical does not use our parser: it compares the
//! server's own `SHOW CREATE TABLE` texts after plain textual substitution.

use std::collections::{BTreeSet, HashMap};

use shadowsync::core::analysis::ShadowInspector;
use shadowsync::core::analysis::{
    analyze, Action, Analysis, AnalysisRequest, Selection, TableAnalysis,
};
use shadowsync::core::shadow::NamingRule;
use shadowsync::core::shadow::ShadowPolicy;
use shadowsync::core::task::{
    MemoryStore, SkipReason, StatementStatus, Store, SubmitRequest, TableStatus, TaskCenter,
    TaskStatus,
};
use shadowsync::core::{Clock, Executor, Millis};
use shadowsync::mysql::{MysqlExecutor, DEFAULT_MAX_CONNECTIONS};

#[path = "schema/script.rs"]
mod script;
use script::statements;

#[path = "support/engine.rs"]
mod engine;
use engine::Engine;

impl Engine {
    fn schema(self) -> &'static str {
        match self {
            Engine::Mariadb => include_str!("schema/shadow_demo_mariadb.sql"),
            Engine::Seekdb => include_str!("schema/shadow_demo_seekdb.sql"),
        }
    }

    /// An executor on a freshly created database `ssl_<test>_<engine>`
    /// holding the demo schema.
    fn scratch_with_demo(self, test: &str) -> (MysqlExecutor, String) {
        self.scratch(test, &statements(self.schema()))
    }

    /// An executor on a freshly created database `ssl_<test>_<engine>`
    /// where `sql` has run.
    fn scratch(self, test: &str, sql: &[String]) -> (MysqlExecutor, String) {
        let db = format!("ssl_{test}_{}", self.name());
        let mut ex = MysqlExecutor::connect(&self.url()).expect("connect");
        ex.drop_database(&db).expect("drop database");
        ex.create_database(&db).expect("create database");
        ex.use_database(&db).expect("use database");
        for statement in sql {
            ex.execute(statement)
                .unwrap_or_else(|e| panic!("{}: schema statement failed: {e}", self.name()));
        }
        (ex, db)
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

fn by_source(analysis: &Analysis) -> HashMap<&str, &TableAnalysis> {
    analysis
        .tables
        .iter()
        .map(|t| (t.source.as_str(), t))
        .collect()
}

/// Position of `source` in the analysis order.
fn position(analysis: &Analysis, source: &str) -> usize {
    analysis
        .tables
        .iter()
        .position(|t| t.source == source)
        .unwrap_or_else(|| panic!("`{source}` is not in the analysis"))
}

/// A backtick-quoted identifier as the server prints it (written here rather
/// than taken from the core, so that the comparison stays independent).
fn q(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// Names in `CONSTRAINT `name`` clauses of a `SHOW CREATE TABLE` text, in order.
fn constraint_names(ddl: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = ddl;
    while let Some(at) = rest.find("CONSTRAINT `") {
        let after = &rest[at + "CONSTRAINT `".len()..];
        let (name, len) = quoted_tail(after);
        names.push(name);
        rest = &after[len..];
    }
    names
}

/// The identifier at the start of `text` (just after its opening backtick):
/// its unquoted value and the bytes it spans including the closing backtick.
fn quoted_tail(text: &str) -> (String, usize) {
    let mut name = String::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '`' {
            if chars.peek().map(|&(_, n)| n) == Some('`') {
                chars.next();
                name.push('`');
            } else {
                return (name, i + 1);
            }
        } else {
            name.push(c);
        }
    }
    panic!("unterminated identifier in {text}");
}

/// `ddl` with constraint names and the `AUTO_INCREMENT=n` counter removed.
fn strip_names_and_counter(ddl: &str) -> String {
    let mut out = String::with_capacity(ddl.len());
    let mut rest = ddl;
    while let Some(at) = rest.find("CONSTRAINT `") {
        out.push_str(&rest[..at + "CONSTRAINT".len()]);
        let after = &rest[at + "CONSTRAINT `".len()..];
        let (_, len) = quoted_tail(after);
        rest = &after[len..];
    }
    out.push_str(rest);
    // The table option, `AUTO_INCREMENT=n` (MariaDB) or `AUTO_INCREMENT = n`
    // (OceanBase); the column attribute has no `=`.
    let mut text = out;
    let mut from = 0;
    while let Some(pos) = text[from..].find(" AUTO_INCREMENT") {
        let at = from + pos;
        let tail = &text[at + " AUTO_INCREMENT".len()..];
        let eq = tail.trim_start_matches(' ');
        match eq.strip_prefix('=') {
            Some(value) => {
                let value = value.trim_start_matches(' ');
                let digits = value.chars().take_while(char::is_ascii_digit).count();
                assert!(digits > 0, "AUTO_INCREMENT without a number: {text}");
                let end = text.len() - value.len() + digits;
                text.replace_range(at..end, "");
            }
            None => from = at + 1,
        }
    }
    text
}

/// The shadow's `SHOW CREATE TABLE` turned back into its source's: the
/// table name and FK targets of every shadow in `pairs` (shadow → source)
/// replaced, in both the plain and the schema-qualified (OceanBase) form,
/// and the shadow marker taken out of the table comment (asserted there).
fn unshadow(ddl: &str, shadow: &str, source: &str, pairs: &[(String, String)], db: &str) -> String {
    // A shadow FK left on a source that has a shadow would be hidden by the
    // substitution below: refuse it first.
    for (_, src) in pairs {
        assert!(
            reference_forms(src, db)
                .iter()
                .all(|r| !ddl.contains(r.as_str())),
            "`{shadow}` still references the source `{src}`: {ddl}"
        );
    }
    let mut text = unmark(ddl, shadow);
    text = text.replacen(
        &format!("CREATE TABLE {} (", q(shadow)),
        &format!("CREATE TABLE {} (", q(source)),
        1,
    );
    for (sh, src) in pairs {
        for (from, to) in reference_forms(sh, db).iter().zip(reference_forms(src, db)) {
            text = text.replace(from.as_str(), &to);
        }
    }
    text
}

/// `ddl` without the shadow marker, which its table comment must end with:
/// ` COMMENT='[shadowsync:shadow]'` (MariaDB) or ` COMMENT = '…'`
/// (OceanBase) alone, or `' [shadowsync:shadow]'` after the source's comment.
fn unmark(ddl: &str, shadow: &str) -> String {
    for alone in [
        " COMMENT='[shadowsync:shadow]'",
        " COMMENT = '[shadowsync:shadow]'",
    ] {
        if ddl.contains(alone) {
            return ddl.replacen(alone, "", 1);
        }
    }
    assert!(
        ddl.contains(" [shadowsync:shadow]'"),
        "`{shadow}` carries no shadow marker: {ddl}"
    );
    ddl.replacen(" [shadowsync:shadow]'", "'", 1)
}

/// How a `SHOW CREATE TABLE` text references `table`: MariaDB prints
/// ``REFERENCES `t` (``, OceanBase ``REFERENCES `db`.`t`(``.
fn reference_forms(table: &str, db: &str) -> Vec<String> {
    let mut forms = Vec::new();
    for schema in [String::new(), format!("{}.", q(db))] {
        for paren in [" (", "("] {
            forms.push(format!("REFERENCES {schema}{}{paren}", q(table)));
        }
    }
    forms
}

/// `ddl` with each run of consecutive foreign key lines sorted. OceanBase
/// lists a table's foreign keys newest first, so a shadow created with its
/// source's printed order lists them in the opposite order; their order has
/// no meaning for the server.
fn sort_foreign_key_lines(ddl: &str) -> String {
    let lines: Vec<&str> = ddl.lines().collect();
    let is_fk = |l: &str| l.trim_start().starts_with("CONSTRAINT") && l.contains(" FOREIGN KEY ");
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        if !is_fk(lines[i]) {
            out.push(lines[i].to_string());
            i += 1;
            continue;
        }
        let end = (i..lines.len())
            .find(|&j| !is_fk(lines[j]))
            .unwrap_or(lines.len());
        let run = &lines[i..end];
        let commas: Vec<bool> = run.iter().map(|l| l.trim_end().ends_with(',')).collect();
        let mut bodies: Vec<&str> = run
            .iter()
            .map(|l| l.trim_end().trim_end_matches(',').trim_end())
            .collect();
        bodies.sort_unstable();
        out.extend(bodies.iter().zip(&commas).map(|(b, &c)| {
            if c {
                format!("{b} ,")
            } else {
                format!("{b} ")
            }
        }));
        i = end;
    }
    out.join("\n")
}

/// Source and shadow are the same table for the server: their `SHOW CREATE
/// TABLE` texts are equal once the shadow names are replaced back and the
/// constraint names and counters left out; the shadow's constraint names are
/// the source's under the rule (shortened to 64 characters when longer).
/// With `fk_order_free`, the order of foreign key lines is not compared
/// (see [`sort_foreign_key_lines`]).
fn assert_schema_identical(
    ex: &mut MysqlExecutor,
    db: &str,
    rule: &NamingRule,
    pairs: &[(String, String)],
    fk_order_free: bool,
) {
    let names: Vec<String> = pairs
        .iter()
        .flat_map(|(sh, src)| [src.clone(), sh.clone()])
        .collect();
    let texts = ex.show_create_tables(&names).expect("SHOW CREATE TABLE");
    for ((shadow, source), pair) in pairs.iter().zip(texts.chunks(2)) {
        let src_ddl = pair[0]
            .as_deref()
            .unwrap_or_else(|| panic!("source `{source}` is gone"));
        let sh_ddl = pair[1]
            .as_deref()
            .unwrap_or_else(|| panic!("shadow `{shadow}` was not created"));
        let mut expected = strip_names_and_counter(src_ddl);
        let mut actual = strip_names_and_counter(&unshadow(sh_ddl, shadow, source, pairs, db));
        if fk_order_free {
            expected = sort_foreign_key_lines(&expected);
            actual = sort_foreign_key_lines(&actual);
        }
        assert_eq!(
            actual, expected,
            "`{shadow}` differs from `{source}`\n--- source:\n{src_ddl}\n--- shadow:\n{sh_ddl}"
        );
        let mut wanted: Vec<String> = constraint_names(src_ddl)
            .iter()
            .map(|n| rule.shadow_name(n))
            .collect();
        let mut found = constraint_names(sh_ddl);
        wanted.sort();
        found.sort();
        assert_eq!(wanted.len(), found.len(), "`{shadow}`: {sh_ddl}");
        for full in wanted {
            if full.chars().count() <= 64 {
                assert!(
                    found.contains(&full),
                    "`{shadow}` has no constraint `{full}`: {sh_ddl}"
                );
            } else {
                // Shortened deterministically: 64 characters, the start kept.
                let head: String = full.chars().take(40).collect();
                assert!(
                    found
                        .iter()
                        .any(|n| n.chars().count() == 64 && n.starts_with(&head)),
                    "`{shadow}` has no shortened constraint for `{full}`: {sh_ddl}"
                );
            }
        }
    }
}

/// Runs the preview; foreign key checks are on, so the order must be right.
fn run_preview(ex: &mut MysqlExecutor, analysis: &Analysis) -> usize {
    ex.execute("SET FOREIGN_KEY_CHECKS = 1").unwrap();
    let preview = analysis.preview();
    for sql in &preview {
        ex.execute(sql)
            .unwrap_or_else(|e| panic!("preview statement failed: {e}"));
    }
    preview.len()
}

const T62: &str = "t62_long_table_name_that_still_fits_once_prefixed_padding_xxxx";
const T63: &str = "t63_long_table_name_whose_shadow_would_exceed_the_64_char_limit";

/// Analyse the demo schema with prefix `__`, check the decisions, run the
/// preview, re-analyse, and compare the server's texts of every pair.
fn prefix_sync(engine: Engine) {
    let (mut ex, db) = engine.scratch_with_demo("prefix");
    let rule = NamingRule::prefix("__").unwrap();
    let req = request(rule.clone(), Selection::All);

    let before = ex.round_trips();
    let analysis = analyze(&mut ex, &req).expect("analyze");
    let used = ex.round_trips() - before;

    // Selection: every base table but the shadows; never the view.
    let engine_only = match engine {
        Engine::Mariadb => "legacy_latin",
        Engine::Seekdb => "bin_collated",
    };
    let mut expected_sources: BTreeSet<&str> = [
        "customer",
        "orders",
        "order_item",
        "dept",
        "emp",
        "product",
        "event_log",
        "session_hash",
        "region_list",
        "gen_cols",
        "article",
        "leaderboard",
        "select",
        "订单",
        "odd name`s",
        T62,
        T63,
        "long_fk",
        "all_types",
        "uptodate",
        "uptodate_child",
        "outdated",
        "collide",
        "report",
    ]
    .into_iter()
    .collect();
    expected_sources.insert(engine_only);
    let sources: BTreeSet<&str> = analysis.tables.iter().map(|t| t.source.as_str()).collect();
    assert_eq!(sources, expected_sources);
    assert!(sources.len() >= 20);

    // Reads: the listing, server facts, then the texts of every source and
    // existing shadow: on MariaDB one SHOW CREATE TABLE each, plus the read
    // connections the executor opens (at most DEFAULT_MAX_CONNECTIONS - 1
    // besides the main one); on seekdb two catalog statements in all.
    let reads = analysis
        .tables
        .iter()
        .map(|t| u64::from(t.source_ddl.is_some()) + u64::from(t.shadow_ddl.is_some()))
        .sum::<u64>();
    assert_eq!(
        reads,
        expected_sources.len() as u64 + 4,
        "sources + __uptodate, __uptodate_child, __outdated, __collide"
    );
    // seekdb: the catalog's table list and texts, plus one read of the
    // ENUM/SET members and partition value counts it prints inexactly
    // (the demo schema has both).
    let text_reads = match engine {
        Engine::Mariadb => reads,
        Engine::Seekdb => 3,
    };
    let pool = match engine {
        Engine::Mariadb => DEFAULT_MAX_CONNECTIONS as u64 - 1,
        Engine::Seekdb => 0,
    };
    assert!(
        used >= 2 + text_reads && used <= 2 + text_reads + pool,
        "{used} round trips for {reads} reads"
    );

    let t = by_source(&analysis);
    let action = |name: &str| t[name].action();
    let reason = |name: &str| {
        t[name]
            .reason
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default()
    };

    // The special cases.
    assert_eq!(action("uptodate"), Action::Skip);
    assert_eq!(reason("uptodate"), "identical");
    assert_eq!(action("uptodate_child"), Action::Skip);
    assert_eq!(reason("uptodate_child"), "identical");
    assert_eq!(action("outdated"), Action::Alter);
    let alter = t["outdated"].statements.join("\n");
    assert!(alter.contains("DROP INDEX `idx_extra`"), "{alter}");
    assert!(alter.contains("ADD COLUMN `c`"), "{alter}");
    assert_eq!(action("collide"), Action::Skip);
    assert!(
        reason("collide").starts_with("refused: collision")
            && reason("collide").contains("no shadowsync marker"),
        "{}",
        reason("collide")
    );
    assert!(t["collide"].statements.is_empty());
    assert_eq!(action(T63), Action::Skip);
    assert!(
        reason(T63).starts_with("refused: shadow name") && reason(T63).contains("65 characters"),
        "{}",
        reason(T63)
    );
    assert_eq!(t[T63].shadow.chars().count(), 65);
    assert_eq!(action(T62), Action::Create);
    assert_eq!(t[T62].shadow.chars().count(), 64);
    assert_eq!(action("report"), Action::Skip);
    assert!(
        reason("report").starts_with("refused:") && reason("report").contains("taken by a view"),
        "{}",
        reason("report")
    );
    let special = [
        "uptodate",
        "uptodate_child",
        "outdated",
        "collide",
        "report",
        T63,
    ];
    for entry in &analysis.tables {
        if !special.contains(&entry.source.as_str()) {
            assert_eq!(
                entry.action(),
                Action::Create,
                "{}: {:?}",
                entry.source,
                entry.reason
            );
            assert_eq!(entry.shadow, rule.shadow_name(&entry.source));
        }
        // Every FK parent is selected: no FK is left pointing at a source.
        assert!(
            entry.warnings.is_empty(),
            "{}: {:?}",
            entry.source,
            entry.warnings
        );
    }

    // Parents are created before their children; creates come before alters.
    assert!(position(&analysis, "customer") < position(&analysis, "orders"));
    assert!(position(&analysis, "orders") < position(&analysis, "order_item"));
    assert!(position(&analysis, "customer") < position(&analysis, "订单"));
    assert!(position(&analysis, "customer") < position(&analysis, "long_fk"));
    assert!(position(&analysis, T62) < position(&analysis, "outdated"));
    assert!(
        t["orders"].statements[0].contains("REFERENCES `__customer` (`id`)"),
        "{}",
        t["orders"].statements[0]
    );
    // The cycle: one of its FKs is added after both tables exist.
    let cycle: Vec<&String> = ["dept", "emp"]
        .iter()
        .flat_map(|s| &t[s].statements)
        .collect();
    let added: Vec<&&String> = cycle
        .iter()
        .filter(|s| s.starts_with("ALTER TABLE"))
        .collect();
    assert_eq!(added.len(), 1, "{cycle:#?}");
    assert!(
        added[0].contains("FOREIGN KEY") && added[0].contains("REFERENCES `__"),
        "{}",
        added[0]
    );
    let preview = analysis.preview();
    let at = |needle: &str| {
        preview
            .iter()
            .position(|s| s.starts_with(needle))
            .unwrap_or_else(|| panic!("{needle}"))
    };
    assert!(
        at("CREATE TABLE `__dept`") < at(added[0]) && at("CREATE TABLE `__emp`") < at(added[0])
    );
    // A 64-character FK name is shortened in the shadow.
    let long_fk = &t["long_fk"].statements[0];
    let names = constraint_names(long_fk);
    assert_eq!(names.len(), 1, "{long_fk}");
    assert_eq!(names[0].chars().count(), 64, "{long_fk}");
    assert!(
        names[0].starts_with("__fk_long_constraint_name"),
        "{long_fk}"
    );

    // Explicit selections: views, shadows and missing tables are refused with a reason.
    let picked = analyze(
        &mut ex,
        &request(
            rule.clone(),
            Selection::Tables(vec![
                "v_orders".into(),
                "__orphan".into(),
                "nope".into(),
                "orders".into(),
            ]),
        ),
    )
    .expect("analyze a selection");
    let p = by_source(&picked);
    assert_eq!(picked.tables.len(), 4);
    assert_eq!(p["v_orders"].action(), Action::Skip);
    assert!(
        p["v_orders"].reason == Some(SkipReason::SourceIsView),
        "{:?}",
        p["v_orders"].reason
    );
    assert!(
        matches!(
            p["__orphan"].reason,
            Some(SkipReason::SourceIsShadow { .. })
        ),
        "{:?}",
        p["__orphan"].reason
    );
    assert!(
        p["nope"].reason == Some(SkipReason::NoSuchTable),
        "{:?}",
        p["nope"].reason
    );
    // `customer` is neither selected nor shadowed yet: the FK stays on it, with a warning.
    assert_eq!(p["orders"].action(), Action::Create);
    assert!(
        p["orders"].statements[0].contains("REFERENCES `customer` (`id`)"),
        "{}",
        p["orders"].statements[0]
    );
    assert!(
        p["orders"].warnings.iter().any(|w| w.contains("customer")),
        "{:?}",
        p["orders"].warnings
    );

    // A second analysis reuses the read connections: no connection opened.
    let before = ex.round_trips();
    let again = analyze(&mut ex, &req).expect("analyze again");
    assert_eq!(ex.round_trips() - before, 2 + text_reads);
    assert_eq!(again.tables, analysis.tables);

    // Run it, then everything selectable is identical.
    let ran = run_preview(&mut ex, &analysis);
    assert_eq!(
        ran,
        analysis
            .tables
            .iter()
            .map(|t| t.statements.len())
            .sum::<usize>()
    );
    let after = analyze(&mut ex, &req).expect("re-analyze");
    assert!(after.preview().is_empty(), "{:#?}", after.preview());
    let refused = ["collide", "report", T63];
    let mut pairs = Vec::new();
    for entry in &after.tables {
        assert_eq!(entry.action(), Action::Skip, "{}", entry.source);
        if refused.contains(&entry.source.as_str()) {
            assert_eq!(
                entry.reason,
                t[entry.source.as_str()].reason,
                "{}",
                entry.source
            );
        } else {
            assert_eq!(
                entry.reason,
                Some(SkipReason::Identical),
                "{}",
                entry.source
            );
            pairs.push((entry.shadow.clone(), entry.source.clone()));
        }
    }
    assert_eq!(pairs.len(), expected_sources.len() - refused.len());
    assert_schema_identical(&mut ex, &db, &rule, &pairs, engine == Engine::Seekdb);
    ex.drop_database(&db).unwrap();
}

/// The suffix rule on part of the schema, with a user skip and its undo.
fn suffix_sync(engine: Engine) {
    let (mut ex, db) = engine.scratch_with_demo("suffix");
    let rule = NamingRule::suffix("_shadow").unwrap();
    let tables = ["customer", "orders", "order_item", "订单"];
    let req = request(
        rule.clone(),
        Selection::Tables(tables.iter().map(|s| s.to_string()).collect()),
    );
    let mut analysis = analyze(&mut ex, &req).expect("analyze");
    let t = by_source(&analysis);
    for name in tables {
        assert_eq!(t[name].action(), Action::Create, "{name}");
        assert_eq!(t[name].shadow, format!("{name}_shadow"));
    }
    assert!(
        t["orders"].statements[0].contains("REFERENCES `customer_shadow` (`id`)"),
        "{}",
        t["orders"].statements[0]
    );
    assert!(
        t["orders"].statements[0].contains("CONSTRAINT `fk_orders_customer_shadow`"),
        "{}",
        t["orders"].statements[0]
    );

    // Skipping the parent: its children's FKs fall back to the source, with a warning.
    analysis.skip("customer").unwrap();
    let t = by_source(&analysis);
    assert_eq!(t["customer"].action(), Action::Skip);
    assert_eq!(t["customer"].effective_reason(), Some(SkipReason::User));
    assert!(
        t["orders"].statements[0].contains("REFERENCES `customer` (`id`)"),
        "{}",
        t["orders"].statements[0]
    );
    assert!(
        t["orders"]
            .warnings
            .iter()
            .any(|w| w.contains("`customer`")),
        "{:?}",
        t["orders"].warnings
    );
    assert!(analysis
        .preview()
        .iter()
        .all(|s| !s.contains("CREATE TABLE `customer_shadow`")));
    analysis.unskip("customer").unwrap();
    let t = by_source(&analysis);
    assert_eq!(t["customer"].action(), Action::Create);
    assert!(t["orders"].statements[0].contains("REFERENCES `customer_shadow` (`id`)"));
    assert!(
        t["orders"].warnings.is_empty(),
        "{:?}",
        t["orders"].warnings
    );

    run_preview(&mut ex, &analysis);
    let after = analyze(&mut ex, &req).expect("re-analyze");
    let mut pairs = Vec::new();
    for entry in &after.tables {
        assert_eq!(
            (entry.action(), entry.reason.clone()),
            (Action::Skip, Some(SkipReason::Identical)),
            "{}",
            entry.source
        );
        pairs.push((entry.shadow.clone(), entry.source.clone()));
    }
    assert_schema_identical(&mut ex, &db, &rule, &pairs, engine == Engine::Seekdb);
    // Under the suffix rule the prefix shadows are ordinary tables, and the
    // suffix shadows are not sources.
    let all = analyze(&mut ex, &request(rule, Selection::All)).expect("analyze all");
    assert!(all.tables.iter().any(|t| t.source == "__uptodate"));
    assert!(all.tables.iter().all(|t| !t.source.ends_with("_shadow")));
    ex.drop_database(&db).unwrap();
}

/// A child of a parent that gets no shadow, because the parent is refused
/// (its shadow name is over 64 characters, or taken by an unrelated table),
/// keeps its production reference: pointing at the missing shadow would make
/// the CREATE fail at run time.
fn child_of_refused_parent(engine: Engine) {
    let sql: Vec<String> = [
        "CREATE TABLE collide (id int NOT NULL PRIMARY KEY)",
        "CREATE TABLE __collide (something_else varchar(10))",
        "CREATE TABLE kid (id int NOT NULL PRIMARY KEY, c_id int, \
         CONSTRAINT fk_kid FOREIGN KEY (c_id) REFERENCES collide (id))",
        &format!("CREATE TABLE {T63} (id int NOT NULL PRIMARY KEY)"),
        &format!(
            "CREATE TABLE kid2 (id int NOT NULL PRIMARY KEY, p_id int, \
             CONSTRAINT fk_kid2 FOREIGN KEY (p_id) REFERENCES {T63} (id))"
        ),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let (mut ex, db) = engine.scratch("bug_refused_parent", &sql);
    let req = request(NamingRule::prefix("__").unwrap(), Selection::All);
    let analysis = analyze(&mut ex, &req).expect("analyze");
    let t = by_source(&analysis);
    assert!(matches!(
        t["collide"].reason,
        Some(SkipReason::Collision { .. })
    ));
    assert!(matches!(
        t[T63].reason,
        Some(SkipReason::ShadowNameTooLong { .. })
    ));
    for (kid, parent) in [("kid", "collide"), ("kid2", T63)] {
        let create = &t[kid].statements[0];
        assert!(
            !create.contains(&format!("REFERENCES `__{parent}`")),
            "`{kid}` points at the shadow `__{parent}` that is not (and cannot be) created:\n{create}"
        );
        assert!(!t[kid].warnings.is_empty(), "{kid}: no warning");
    }
    run_preview(&mut ex, &analysis);
    ex.drop_database(&db).unwrap();
}

/// A created child whose FK needs what the alter of its parent's outdated
/// shadow adds (here the unique key on the referenced column) gets that FK
/// after the alter, so the plan runs with foreign key checks on.
fn child_created_before_parent_altered(engine: Engine) {
    let sql: Vec<String> = [
        "CREATE TABLE parent (id int NOT NULL PRIMARY KEY, code varchar(10) NOT NULL, UNIQUE KEY uk_code (code))",
        "CREATE TABLE __parent (id int NOT NULL PRIMARY KEY, code varchar(10) NOT NULL)",
        "CREATE TABLE child (id int NOT NULL PRIMARY KEY, pcode varchar(10), \
         CONSTRAINT fk_child FOREIGN KEY (pcode) REFERENCES parent (code))",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let (mut ex, db) = engine.scratch("bug_alter_order", &sql);
    let req = request(NamingRule::prefix("__").unwrap(), Selection::All);
    let analysis = analyze(&mut ex, &req).expect("analyze");
    run_preview(&mut ex, &analysis);
    let after = analyze(&mut ex, &req).expect("re-analyze");
    assert!(after.preview().is_empty(), "{:#?}", after.preview());
    ex.drop_database(&db).unwrap();
}

/// A clock that stands still: the task center needs one, nothing here is timed.
struct StillClock;

impl Clock for StillClock {
    fn now(&self) -> Millis {
        1_700_000_000_000
    }
}

/// A crash with the outcome of one statement unknown, inside a foreign-key
/// cycle: the plan creates `__dept` without its key to `__emp` and lets
/// `emp` add it once `__emp` exists, so neither table alone says what the
/// interrupted statement did. Resuming settles it by looking at the schema,
/// sends what did not apply, skips what did, and ends with every shadow
/// identical.
fn crash_inside_a_foreign_key_cycle(engine: Engine) {
    let schema: Vec<String> = [
        "SET FOREIGN_KEY_CHECKS = 0",
        "CREATE TABLE dept (id int NOT NULL, manager_id int, PRIMARY KEY (id), KEY idx_manager (manager_id), \
         CONSTRAINT fk_dept_manager FOREIGN KEY (manager_id) REFERENCES emp (id))",
        "CREATE TABLE emp (id int NOT NULL, dept_id int, PRIMARY KEY (id), KEY idx_dept (dept_id), \
         CONSTRAINT fk_emp_dept FOREIGN KEY (dept_id) REFERENCES dept (id))",
        "SET FOREIGN_KEY_CHECKS = 1",
    ]
    .map(String::from)
    .to_vec();
    // (case, crashed table, interrupted statement, whether it took effect)
    let cases = [
        ("create_lost", "dept", 0, false),
        ("create_done", "dept", 0, true),
        ("key_lost", "emp", 1, false),
        ("key_done", "emp", 1, true),
    ];
    for (case, crashed, k, took_effect) in cases {
        let (mut ex, _db) = engine.scratch(&format!("cycle_{case}"), &schema);
        let req = request(NamingRule::prefix("__").unwrap(), Selection::All);
        let plan = analyze(&mut ex, &req)
            .expect("analyze")
            .freeze(ex.redacted_url());
        let tables = &plan.tables;
        let emp = tables.iter().position(|t| t.source == "emp").unwrap();
        assert!(
            tables[emp].statements.len() == 2
                && tables[emp].statements[1].starts_with("ALTER TABLE `__dept` ADD CONSTRAINT"),
            "{engine:?}: emp closes the cycle: {:?}",
            tables[emp].statements
        );
        let center = TaskCenter::new(MemoryStore::default(), StillClock);
        let task = center
            .submit(SubmitRequest::new(plan.clone(), "tester"))
            .expect("submit");

        // What a worker did before dying: every statement up to the
        // interrupted one, in plan order, recorded as a crash leaves them.
        let store = center.store();
        let mut state = task.state.clone();
        state.status = TaskStatus::Executing;
        state.worker = Some("dead-worker".into());
        assert!(store
            .compare_and_set(task.id, task.revision, &state, &[])
            .unwrap());
        let crashed_index = tables.iter().position(|t| t.source == crashed).unwrap();
        for (index, table) in tables.iter().enumerate().take(crashed_index + 1) {
            if table.statements.is_empty() {
                continue;
            }
            store
                .set_table_status(task.id, index, TableStatus::Running, None)
                .unwrap();
            for (j, statement) in table.statements.iter().enumerate() {
                let interrupted = index == crashed_index && j == k;
                if index == crashed_index && j > k {
                    break;
                }
                if !interrupted || took_effect {
                    ex.execute(statement).expect("statement before the crash");
                }
                let status = if interrupted {
                    StatementStatus::Running
                } else {
                    StatementStatus::Applied
                };
                store
                    .set_statement_status(task.id, index, j, status, None)
                    .unwrap();
            }
        }

        let mut inspector = ShadowInspector::for_plan(&plan).unwrap();
        let done = center
            .resume(task.id, "second-worker", &mut ex, &mut inspector)
            .expect("resume");
        let logs: Vec<String> = center
            .logs(task.id, &Default::default())
            .unwrap()
            .into_iter()
            .map(|entry| entry.message)
            .collect();
        assert_eq!(
            done.state.status,
            TaskStatus::Succeeded,
            "{engine:?} {case}: {logs:#?}"
        );
        let settled = if took_effect {
            "after taking effect"
        } else {
            "before taking effect"
        };
        assert!(
            logs.iter().any(|line| line.contains(settled)),
            "{engine:?} {case}: {logs:#?}"
        );
        let again = analyze(&mut ex, &req).expect("analyze again");
        for table in &again.tables {
            assert_eq!(
                table.reason,
                Some(SkipReason::Identical),
                "{engine:?} {case}: {}",
                table.source
            );
        }
    }
}

mod mariadb {
    use super::*;

    #[test]
    fn prefix_sync() {
        super::prefix_sync(Engine::Mariadb);
    }

    #[test]
    fn suffix_sync() {
        super::suffix_sync(Engine::Mariadb);
    }

    #[test]
    fn child_of_refused_parent() {
        super::child_of_refused_parent(Engine::Mariadb);
    }

    #[test]
    fn child_created_before_parent_altered() {
        super::child_created_before_parent_altered(Engine::Mariadb);
    }

    #[test]
    fn crash_inside_a_foreign_key_cycle() {
        super::crash_inside_a_foreign_key_cycle(Engine::Mariadb);
    }
}

mod seekdb {
    use super::*;

    #[test]
    fn prefix_sync() {
        super::prefix_sync(Engine::Seekdb);
    }

    #[test]
    fn suffix_sync() {
        super::suffix_sync(Engine::Seekdb);
    }

    #[test]
    fn child_of_refused_parent() {
        super::child_of_refused_parent(Engine::Seekdb);
    }

    #[test]
    fn child_created_before_parent_altered() {
        super::child_created_before_parent_altered(Engine::Seekdb);
    }

    #[test]
    fn crash_inside_a_foreign_key_cycle() {
        super::crash_inside_a_foreign_key_cycle(Engine::Seekdb);
    }
}

#[test]
fn textual_comparison_forgives_only_names_and_counters() {
    let pairs = [
        ("__p".to_string(), "p".to_string()),
        ("__q".to_string(), "q".to_string()),
    ];
    let src = "CREATE TABLE `p` (\n  `id` int NOT NULL AUTO_INCREMENT,\n  \
               CONSTRAINT `fk` FOREIGN KEY (`id`) REFERENCES `db`.`q`(`id`)\n) AUTO_INCREMENT = 7";
    let shadow = "CREATE TABLE `__p` (\n  `id` int NOT NULL AUTO_INCREMENT,\n  \
                  CONSTRAINT `__fk` FOREIGN KEY (`id`) REFERENCES `db`.`__q`(`id`)\n) AUTO_INCREMENT = 1 COMMENT = '[shadowsync:shadow]'";
    let same = |sh: &str| {
        strip_names_and_counter(&unshadow(sh, "__p", "p", &pairs, "db"))
            == strip_names_and_counter(src)
    };
    assert!(same(shadow));
    assert!(!same(&shadow.replace("int NOT NULL", "bigint NOT NULL")));
    assert!(!same(&shadow.replace("`__q`", "`other`")));
    let on_source = std::panic::catch_unwind(|| same(&shadow.replace("`__q`", "`q`")));
    assert!(on_source.is_err(), "an FK left on the source must not pass");
    let unmarked =
        std::panic::catch_unwind(|| same(&shadow.replace(" COMMENT = '[shadowsync:shadow]'", "")));
    assert!(
        unmarked.is_err(),
        "a shadow without its marker must not pass"
    );
    assert_eq!(
        constraint_names("x CONSTRAINT `a``b` CHECK (1), CONSTRAINT `c` y"),
        ["a`b", "c"]
    );
}

#[test]
fn schema_files_split_into_statements() {
    for engine in [Engine::Mariadb, Engine::Seekdb] {
        let stmts = statements(engine.schema());
        let tables = stmts
            .iter()
            .filter(|s| s.starts_with("CREATE TABLE"))
            .count();
        assert!(tables >= 20, "{engine:?}: {tables} tables");
        assert!(stmts.iter().any(|s| s.starts_with("CREATE VIEW")));
        assert!(stmts
            .iter()
            .all(|s| !s.trim().is_empty() && !s.contains(";\n")));
    }
}
