//! The body of the `parse_diff` fuzz target (`parse_script`, then `parse_tables`), as plain functions so that the
//! stable smoke test (`tests/smoke.rs`) runs exactly what libFuzzer runs.

use shadowsync_core::diff::{diff_schemas, diff_tables, DiffOptions};
use shadowsync_core::parse::{parse_script, parse_tables};
use shadowsync_core::render::create_table;
use shadowsync_core::{Flavor, Table};

const FLAVORS: [Flavor; 3] = [Flavor::Mysql, Flavor::Mariadb, Flavor::Oceanbase];

/// Feed `data` (when it is UTF-8) to the parser; render whatever parses,
/// parse the rendering again, and diff the tables with themselves, with
/// their re-parsed copies and with each other, on every flavor. Errors are
/// fine; a panic (or a stack overflow) is a bug.
pub fn check(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The dump reader must not panic on anything, and reads a text of
    // CREATE TABLE statements exactly as the table parser does.
    let script = parse_script(text);
    let Ok(tables) = parse_tables(text) else {
        return;
    };
    match script {
        Ok(script) => assert_eq!(script.tables, tables, "parse_script differs on {text:?}"),
        Err(e) => panic!("parse_script refuses what parse_tables reads ({e}): {text:?}"),
    }
    let reparsed: Vec<Table> = tables
        .iter()
        .filter_map(|t| parse_tables(&create_table(t)).ok()?.into_iter().next())
        .collect();
    for flavor in FLAVORS {
        let opts = DiffOptions {
            flavor,
            ..DiffOptions::default()
        };
        for (i, t) in tables.iter().enumerate() {
            let _ = diff_tables(t, t, &opts);
            if let Some(again) = reparsed.get(i) {
                let _ = diff_tables(t, again, &opts);
            }
        }
        for pair in tables.windows(2) {
            let _ = diff_tables(&pair[0], &pair[1], &opts);
            let _ = diff_tables(&pair[1], &pair[0], &opts);
        }
        if tables.len() >= 2 {
            let (from, to) = tables.split_at(tables.len() / 2);
            let all = DiffOptions {
                drop_tables: true,
                ..opts.clone()
            };
            let _ = diff_schemas(from, to, &all);
            let _ = diff_schemas(to, from, &all);
        }
    }
}

/// What [`check`] runs, plus the invariants a parsed table must keep: its
/// rendering parses back to the same model, renders to the same bytes, and
/// does not differ from itself. Returns the first violation.
pub fn check_invariants(data: &[u8]) -> Result<(), String> {
    check(data);
    let Ok(text) = std::str::from_utf8(data) else {
        return Ok(());
    };
    let Ok(tables) = parse_tables(text) else {
        return Ok(());
    };
    for t in &tables {
        let rendered = create_table(t);
        let again = match parse_tables(&rendered) {
            Ok(mut v) if v.len() == 1 => v.remove(0),
            Ok(v) => {
                return Err(format!(
                    "rendering parses as {} tables:\n{rendered}",
                    v.len()
                ))
            }
            Err(e) => return Err(format!("rendering does not parse: {e}\n{rendered}")),
        };
        if &again != t {
            return Err(format!(
                "render → parse changes the model of `{}`:\n{rendered}",
                t.name
            ));
        }
        if create_table(&again) != rendered {
            return Err(format!("render is not stable for `{}`", t.name));
        }
        match diff_tables(t, t, &DiffOptions::default()) {
            Ok(s) if s.is_empty() => {}
            other => return Err(format!("diff(t, t) for `{}` = {other:?}", t.name)),
        }
    }
    Ok(())
}
