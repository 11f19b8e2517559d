//! An oracle independent of the diff engine: after the statements ran, the
//! tables of the current schema must equal those of the desired one, as the
//! same server prints them. Both sides come from one server, so spellings are
//! already canonical; only what legitimately differs between two schemas is
//! set aside: the AUTO_INCREMENT counter, the schema named in foreign-key
//! references, constraint names (servers generate them, and sync compares
//! FKs and CHECKs by definition), the order of indexes (servers print them
//! in creation order within each kind), the letter case of column and index
//! names (MySQL compares them case-insensitively), and an explicit
//! `USING BTREE` (the default; MariaDB prints it only when it was written).

use shadowsync::core::render::{create_table, foreign_key_definition};
use shadowsync::core::{IndexTarget, Table};

/// `Ok` when `current` matches `desired`; else which tables differ and how.
/// Extra tables in `current` are allowed when they were not to be dropped.
pub fn compare(
    current: &[Table],
    desired: &[Table],
    schemas: &[&str],
    drop_tables: bool,
) -> Result<(), String> {
    let mut problems = Vec::new();
    for want in desired {
        match current.iter().find(|t| t.name == want.name) {
            None => problems.push(format!("table `{}` is missing", want.name)),
            Some(have) => {
                let (have, want) = (normalize(have, schemas), normalize(want, schemas));
                if have != want {
                    problems.push(format!(
                        "table `{}` differs (- current, + desired):\n{}",
                        want.name,
                        line_diff(&create_table(&have), &create_table(&want))
                    ));
                }
            }
        }
    }
    if drop_tables {
        for extra in current
            .iter()
            .filter(|t| !desired.iter().any(|d| d.name == t.name))
        {
            problems.push(format!("table `{}` should have been dropped", extra.name));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

/// `table` without what may differ between two equal schemas (see the module doc).
fn normalize(table: &Table, schemas: &[&str]) -> Table {
    let mut t = table.clone();
    t.options.retain(|o| o.key != "AUTO_INCREMENT");
    for column in &mut t.columns {
        column.name.make_ascii_lowercase();
    }
    for index in &mut t.indexes {
        if let Some(name) = &mut index.name {
            name.make_ascii_lowercase();
        }
        if index
            .using
            .as_deref()
            .is_some_and(|u| u.eq_ignore_ascii_case("BTREE"))
        {
            index.using = None;
            index.using_before_parts = false;
        }
        for part in &mut index.parts {
            if let IndexTarget::Column(name) = &mut part.target {
                name.make_ascii_lowercase();
            }
        }
    }
    for fk in &mut t.foreign_keys {
        if fk
            .ref_schema
            .as_deref()
            .is_some_and(|s| schemas.contains(&s))
        {
            fk.ref_schema = None;
        }
        fk.name = None;
        fk.index_name = None;
        for name in fk.columns.iter_mut().chain(fk.ref_columns.iter_mut()) {
            name.make_ascii_lowercase();
        }
    }
    t.foreign_keys.sort_by_cached_key(foreign_key_definition);
    for check in &mut t.checks {
        check.name = None;
        check.column = None;
    }
    t.checks.sort_by(|a, b| a.expr.text().cmp(b.expr.text()));
    t.indexes
        .sort_by(|a, b| (a.kind as u8, &a.name).cmp(&(b.kind as u8, &b.name)));
    t
}

/// Lines only in `a` (prefixed `-`) and only in `b` (`+`), in order.
fn line_diff(a: &str, b: &str) -> String {
    let (la, lb): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    let only = |x: &[&str], y: &[&str], sign: char| -> Vec<String> {
        x.iter()
            .filter(|l| !y.contains(l))
            .map(|l| format!("  {sign} {}", l.trim()))
            .collect()
    };
    let mut out = only(&la, &lb, '-');
    out.extend(only(&lb, &la, '+'));
    if out.is_empty() {
        // Same lines in another order: show both in full.
        out.push(format!("  - {}", la.join(" ")));
        out.push(format!("  + {}", lb.join(" ")));
    }
    out.join("\n")
}
