//! Reading a table exactly where the server's text is not exact.
//!
//! OceanBase's `SHOW CREATE TABLE` prints ENUM/SET members and LIST
//! partition values without escaping them: a member `a\b` prints as
//! `'a\b'` (which reads back as `a` and a backspace), one partition value
//! `x','y` as `'x','y'` (which reads back as two values). A shadow made
//! from such a text differs from its source, and the re-diff cannot see it
//! because both print alike. So on OceanBase:
//! - ENUM/SET members are taken from the catalog ([`CatalogFacts`]), which
//!   stores them exactly; without it a table with such a column is refused;
//! - a partition value is trusted only when its printed literal needs no
//!   escape (no backslash, no quote) and the partition holds as many values
//!   as the catalog says: a quote inside a value always adds or removes
//!   printed values, so equal counts and clean literals prove the reading.
//!   Anything else is refused, naming the partition.

use crate::executor::{CatalogFacts, Flavor};
use crate::lex::{tokenize, TokenKind};
use crate::model::{PartitionBound, PartitionDef, PartitionMethod, Table};

/// Whether a `SHOW CREATE TABLE` text may hold what some engine prints
/// inexactly (ENUM/SET members, partition values): a cheap, generous test
/// on the text, so that only such tables cost a catalog read.
pub fn may_print_inexactly(ddl: &str) -> bool {
    let lower = ddl.to_ascii_lowercase();
    lower.contains("enum(") || lower.contains("set(") || lower.contains("partition")
}

/// Makes `table` (read from `flavor`'s text) exact with `facts`, or says
/// says why it cannot be read exactly (the analysis refuses the table).
pub fn make_exact(
    table: &mut Table,
    ddl: &str,
    flavor: Flavor,
    facts: Option<&CatalogFacts>,
) -> Result<(), String> {
    if !crate::engine::prints_values_inexactly(flavor) {
        return Ok(());
    }
    partition_literals_clean(ddl, &table.name)?;
    let without_catalog = |what: &str| {
        format!(
            "OceanBase prints {what} of `{}` unescaped and its catalog could not be read \
             to read them exactly",
            table.name
        )
    };
    for column in &mut table.columns {
        if column.data_type.values.is_empty() {
            continue;
        }
        let Some(facts) = facts else {
            return Err(without_catalog("the ENUM/SET members"));
        };
        let Some((_, members)) = facts
            .members
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(&column.name))
        else {
            return Err(format!(
                "the catalog lists no members for ENUM/SET column `{}` of `{}`",
                column.name, table.name
            ));
        };
        column.data_type.values = members.clone();
    }
    let Some(partitioning) = &table.partitioning else {
        return Ok(());
    };
    let list = partitioning.scheme.method == PartitionMethod::List;
    let sub_list = partitioning
        .subpartition
        .as_ref()
        .is_some_and(|s| s.method == PartitionMethod::List);
    let stringy_sub = partitioning
        .partitions
        .iter()
        .flat_map(|def| &def.subpartitions)
        .chain(&partitioning.subpartition_template)
        .find(|sub| sub_list && has_string(sub));
    if let Some(sub) = stringy_sub {
        return Err(format!(
            "LIST subpartition `{}` of `{}` holds strings, which OceanBase prints \
             unescaped; shadowsync does not read its subpartition catalog",
            sub.name, table.name
        ));
    }
    for def in partitioning.partitions.iter() {
        if !list || !has_string(def) {
            continue;
        }
        let Some(facts) = facts else {
            return Err(without_catalog("the LIST partition values"));
        };
        let printed = value_count(def);
        let stored = facts
            .list_values
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(&def.name))
            .map(|(_, n)| *n);
        if stored != Some(printed) {
            return Err(format!(
                "partition `{}` of `{}` prints {printed} values where the catalog holds \
                 {}: a value contains a quote, which OceanBase prints unescaped",
                def.name,
                table.name,
                stored.map_or("none".to_string(), |n| n.to_string())
            ));
        }
    }
    Ok(())
}

/// The bound text of a partition, if it has one.
fn bound_text(def: &PartitionDef) -> Option<&str> {
    match &def.bound {
        Some(PartitionBound::In(values)) => Some(values.text()),
        Some(PartitionBound::LessThan { values, .. }) => Some(values.text()),
        None => None,
    }
}

fn has_string(def: &PartitionDef) -> bool {
    bound_text(def).is_some_and(|text| {
        tokenize(text).is_ok_and(|tokens| tokens.iter().any(|t| t.kind == TokenKind::Str))
    })
}

/// Refuses a table whose partitioning clause, as printed, holds a string
/// literal that needed an escape (a backslash or a quote inside): OceanBase
/// printed the value raw, so the text does not say what it is. Read from
/// the server's own text, before any re-rendering.
fn partition_literals_clean(ddl: &str, table: &str) -> Result<(), String> {
    let tokens = tokenize(ddl).map_err(|e| e.to_string())?;
    let mut depth = 0usize;
    let mut start = None;
    for (i, t) in tokens.iter().enumerate() {
        if t.is_punct("(") {
            depth += 1;
        } else if t.is_punct(")") {
            depth = depth.saturating_sub(1);
        } else if depth == 0
            && t.is_kw("PARTITION")
            && tokens.get(i + 1).is_some_and(|n| n.is_kw("BY"))
        {
            start = Some(i);
            break;
        }
    }
    let Some(start) = start else { return Ok(()) };
    let mut partition = "";
    for (i, t) in tokens.iter().enumerate().skip(start + 2) {
        if t.is_kw("PARTITION") || t.is_kw("SUBPARTITION") {
            if let Some(name) = tokens
                .get(i + 1)
                .filter(|n| matches!(n.kind, TokenKind::Word | TokenKind::QuotedIdent))
            {
                partition = &name.text;
            }
        }
        if t.kind != TokenKind::Str {
            continue;
        }
        let raw = &ddl[t.start..t.end];
        let clean = raw.len() == t.text.len() + 2 && !raw.contains('\\');
        if !clean {
            return Err(format!(
                "partition `{partition}` of `{table}` has a value with a quote or \
                 backslash ({raw}), which OceanBase prints unescaped: it cannot be read exactly"
            ));
        }
    }
    Ok(())
}

/// How many values (or value tuples) a LIST partition's text holds: its
/// top-level comma-separated items.
fn value_count(def: &PartitionDef) -> usize {
    let Some(text) = bound_text(def) else {
        return 0;
    };
    let Ok(tokens) = tokenize(text) else { return 0 };
    let mut depth = 0usize;
    let mut items = usize::from(!tokens.is_empty());
    for t in &tokens {
        if t.is_punct("(") {
            depth += 1;
        } else if t.is_punct(")") {
            depth = depth.saturating_sub(1);
        } else if t.is_punct(",") && depth == 0 {
            items += 1;
        }
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_table;

    const LISTED: &str = "CREATE TABLE `p` (`a` varchar(10) DEFAULT NULL) \
        partition by list columns(a) (partition `p0` values in ('x','y'), partition `p1` values in ('z'))";

    fn facts(p0: usize) -> CatalogFacts {
        CatalogFacts {
            members: vec![],
            list_values: vec![("p0".into(), p0), ("p1".into(), 1)],
        }
    }

    fn exact(ddl: &str, flavor: Flavor, facts: Option<&CatalogFacts>) -> Result<Table, String> {
        let mut t = parse_table(ddl).unwrap();
        make_exact(&mut t, ddl, flavor, facts).map(|()| t)
    }

    #[test]
    fn a_quote_hidden_in_a_list_value_is_refused() {
        let why = exact(LISTED, Flavor::Oceanbase, Some(&facts(1))).unwrap_err();
        assert!(why.contains("`p0`") && why.contains("2 values"), "{why}");
        exact(LISTED, Flavor::Oceanbase, Some(&facts(2))).unwrap();
        assert!(exact(LISTED, Flavor::Oceanbase, None).is_err());
        // Other engines print escapes: nothing to check.
        exact(LISTED, Flavor::Mariadb, None).unwrap();
    }

    #[test]
    fn escaped_partition_literals_are_refused() {
        let ddl = "CREATE TABLE p (a varchar(10)) partition by range columns(a) \
             (partition p0 values less than ('a\\b'), partition p1 values less than (maxvalue))";
        let why = exact(ddl, Flavor::Oceanbase, Some(&CatalogFacts::default())).unwrap_err();
        assert!(why.contains("backslash"), "{why}");
        let quoted = ddl.replace("'a\\b'", "'a''b'");
        assert!(exact(&quoted, Flavor::Oceanbase, Some(&CatalogFacts::default())).is_err());
    }

    #[test]
    fn members_come_from_the_catalog() {
        let ddl = "CREATE TABLE e (c set('a\\b','q'))";
        let facts = CatalogFacts {
            members: vec![("c".into(), vec!["a\\b".into(), "q".into()])],
            list_values: vec![],
        };
        let t = exact(ddl, Flavor::Oceanbase, Some(&facts)).unwrap();
        assert_eq!(t.columns[0].data_type.values, ["a\\b", "q"]);
        assert!(exact("CREATE TABLE e (c set('a','q'))", Flavor::Oceanbase, None).is_err());
    }
}
