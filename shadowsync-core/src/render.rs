//! Render the model back to DDL. Every identifier is quoted and escaped with
//! [`quote_ident`], every literal with [`quote_string`]; expressions are
//! re-rendered token by token ([`crate::expr::SqlExpr::to_sql`]), so their
//! literals and identifiers are quoted the same way, whatever escaping the
//! server printed them in.

use std::fmt::Write;

use crate::model::*;

/// Quote an identifier with backticks, doubling embedded backticks.
pub fn quote_ident(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    out.push('`');
    for c in name.chars() {
        if c == '`' {
            out.push('`');
        }
        out.push(c);
    }
    out.push('`');
    out
}

/// Quote a string literal with single quotes, escaping what MySQL's lexer
/// treats specially (quote, backslash, NUL, newline, carriage return, ^Z).
/// A backslash before `%` or `_` stays single: MySQL reads `\%` and `\\%`
/// alike (the lexer keeps both characters), and the server prints the first.
pub fn quote_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => out.push_str("''"),
            '\\' if matches!(chars.peek(), Some('%' | '_')) => out.push('\\'),
            '\\' => out.push_str("\\\\"),
            '\0' => out.push_str("\\0"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\u{1a}' => out.push_str("\\Z"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// `CREATE TABLE` for `table`, one element per line, as servers print it.
pub fn create_table(table: &Table) -> String {
    let mut elements: Vec<String> = Vec::new();
    // Column-level CHECKs (user DDL) stay on their column so a round trip keeps them there.
    elements.extend(table.columns.iter().map(|col| {
        let mut def = column_definition(col);
        for check in table
            .checks
            .iter()
            .filter(|c| c.column.as_deref() == Some(&col.name))
        {
            def.push(' ');
            def.push_str(&check_definition(check));
        }
        def
    }));
    elements.extend(table.indexes.iter().map(index_definition));
    elements.extend(table.foreign_keys.iter().map(foreign_key_definition));
    elements.extend(
        table
            .checks
            .iter()
            .filter(|c| c.column.is_none())
            .map(check_definition),
    );
    let mut out = format!("CREATE TABLE {} (\n  ", quote_ident(&table.name));
    out.push_str(&elements.join(",\n  "));
    out.push_str("\n)");
    let options = table_options(&table.options);
    if !options.is_empty() {
        out.push(' ');
        out.push_str(&options);
    }
    if let Some(p) = &table.partitioning {
        out.push('\n');
        out.push_str(&partitioning(p));
    }
    out
}

/// A data type with its attributes (`int unsigned`, `enum('a','b')`).
pub fn data_type(dt: &DataType) -> String {
    let mut out = dt.name.clone();
    if !dt.values.is_empty() {
        let values: Vec<String> = dt.values.iter().map(|v| quote_string(v)).collect();
        let _ = write!(out, "({})", values.join(","));
    } else if let Some(len) = dt.length {
        match dt.scale {
            Some(scale) => {
                let _ = write!(out, "({len},{scale})");
            }
            None => {
                let _ = write!(out, "({len})");
            }
        }
    }
    if dt.unsigned {
        out.push_str(" unsigned");
    }
    if dt.zerofill {
        out.push_str(" zerofill");
    }
    if dt.binary_attr {
        out.push_str(" BINARY");
    }
    out
}

/// A column default as SQL.
pub fn default_value(default: &ColumnDefault) -> String {
    match default {
        ColumnDefault::Null => "NULL".to_string(),
        ColumnDefault::String(s) => quote_string(s),
        ColumnDefault::Number(n) | ColumnDefault::Bits(n) => n.clone(),
        ColumnDefault::Bool(true) => "TRUE".to_string(),
        ColumnDefault::Bool(false) => "FALSE".to_string(),
        ColumnDefault::Expr(e) => e.sql(),
    }
}

/// A column definition as it appears in `CREATE TABLE` or `ADD COLUMN`.
pub fn column_definition(col: &Column) -> String {
    let mut out = format!("{} {}", quote_ident(&col.name), data_type(&col.data_type));
    if let Some(cs) = &col.charset {
        let _ = write!(out, " CHARACTER SET {cs}");
    }
    if let Some(coll) = &col.collation {
        let _ = write!(out, " COLLATE {coll}");
    }
    if let Some(g) = &col.generated {
        if g.always_keyword {
            out.push_str(" GENERATED ALWAYS");
        }
        let _ = write!(out, " AS ({})", g.expr.sql());
        if g.stored {
            out.push_str(" STORED");
        } else if g.storage_written {
            out.push_str(" VIRTUAL");
        }
    }
    match col.nullable {
        Some(false) => out.push_str(" NOT NULL"),
        Some(true) => out.push_str(" NULL"),
        None => {}
    }
    if let Some(d) = &col.default {
        let _ = write!(out, " DEFAULT {}", default_value(d));
    }
    if let Some(u) = &col.on_update {
        let _ = write!(out, " ON UPDATE {}", u.sql());
    }
    if col.auto_increment {
        out.push_str(" AUTO_INCREMENT");
    }
    if col.invisible {
        out.push_str(" INVISIBLE");
    }
    if let Some(srid) = col.srid {
        let _ = write!(out, " SRID {srid}");
    }
    if col.inline_unique {
        out.push_str(" UNIQUE KEY");
    }
    if col.inline_primary_key {
        out.push_str(" PRIMARY KEY");
    }
    if let Some(c) = &col.comment {
        let _ = write!(out, " COMMENT {}", quote_string(c));
    }
    out
}

/// One key part (`name(10) DESC`, `(lower(a))`).
pub fn index_part(part: &IndexPart) -> String {
    let mut out = match &part.target {
        IndexTarget::Column(c) => quote_ident(c),
        IndexTarget::Expr(e) => format!("({})", e.sql()),
    };
    if let Some(p) = part.prefix {
        let _ = write!(out, "({p})");
    }
    if part.descending {
        out.push_str(" DESC");
    } else if part.asc_written {
        out.push_str(" ASC");
    }
    out
}

/// An index definition as it appears in `CREATE TABLE` or `ADD …`.
pub fn index_definition(index: &Index) -> String {
    let mut out = String::new();
    let head = match index.kind {
        IndexKind::Primary => "PRIMARY KEY",
        IndexKind::Unique => "UNIQUE KEY",
        IndexKind::Plain => "KEY",
        IndexKind::Fulltext => "FULLTEXT KEY",
        IndexKind::Spatial => "SPATIAL KEY",
    };
    // Only primary and unique keys are constraints that can carry a name.
    if let (Some(c), IndexKind::Primary | IndexKind::Unique) = (&index.constraint_name, index.kind)
    {
        let _ = write!(out, "CONSTRAINT {} ", quote_ident(c));
    }
    out.push_str(head);
    // A primary key's own name is accepted and ignored by servers; keep what was written.
    if let Some(name) = &index.name {
        out.push(' ');
        out.push_str(&quote_ident(name));
    }
    if index.using_before_parts {
        if let Some(u) = &index.using {
            let _ = write!(out, " USING {u}");
        }
    }
    let parts: Vec<String> = index.parts.iter().map(index_part).collect();
    let _ = write!(out, " ({})", parts.join(","));
    if !index.using_before_parts {
        if let Some(u) = &index.using {
            let _ = write!(out, " USING {u}");
        }
    }
    if let Some(k) = index.key_block_size {
        let _ = write!(out, " KEY_BLOCK_SIZE={k}");
    }
    if let Some(p) = &index.parser {
        let _ = write!(out, " WITH PARSER {}", quote_ident(p));
    }
    if let Some(c) = &index.comment {
        let _ = write!(out, " COMMENT {}", quote_string(c));
    }
    if !index.visible {
        let kw = index.visibility_keyword.as_deref().unwrap_or("INVISIBLE");
        let _ = write!(out, " {kw}");
    }
    for v in &index.vendor_options {
        out.push(' ');
        out.push_str(v);
    }
    out
}

/// A foreign key as it appears in `CREATE TABLE` or `ADD …`.
pub fn foreign_key_definition(fk: &ForeignKey) -> String {
    let mut out = String::new();
    if let Some(n) = &fk.name {
        let _ = write!(out, "CONSTRAINT {} ", quote_ident(n));
    }
    out.push_str("FOREIGN KEY");
    if let Some(i) = &fk.index_name {
        let _ = write!(out, " {}", quote_ident(i));
    }
    let _ = write!(out, " ({}) REFERENCES ", ident_list(&fk.columns));
    if let Some(s) = &fk.ref_schema {
        let _ = write!(out, "{}.", quote_ident(s));
    }
    let _ = write!(
        out,
        "{} ({})",
        quote_ident(&fk.ref_table),
        ident_list(&fk.ref_columns)
    );
    let delete = fk.on_delete.map(|a| format!(" ON DELETE {}", a.sql()));
    let update = fk.on_update.map(|a| format!(" ON UPDATE {}", a.sql()));
    let (first, second) = if fk.update_first {
        (update, delete)
    } else {
        (delete, update)
    };
    out.push_str(&first.unwrap_or_default());
    out.push_str(&second.unwrap_or_default());
    out
}

/// A CHECK constraint as it appears in `CREATE TABLE` or `ADD …`.
pub fn check_definition(check: &Check) -> String {
    let mut out = String::new();
    if let Some(n) = &check.name {
        let _ = write!(out, "CONSTRAINT {} ", quote_ident(n));
    }
    let _ = write!(out, "CHECK ({})", check.expr.sql());
    if check.not_enforced {
        out.push_str(" NOT ENFORCED");
    }
    out
}

/// Comma-separated quoted identifiers.
pub fn ident_list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| quote_ident(n))
        .collect::<Vec<_>>()
        .join(",")
}

/// One table option (`ENGINE=InnoDB`, `COMMENT='x'`).
pub fn table_option(option: &TableOption) -> String {
    let value = match &option.value {
        OptionValue::Word(w) => w.clone(),
        OptionValue::Ident(i) => quote_ident(i),
        OptionValue::String(s) => quote_string(s),
        // Items are token text as read: re-rendered like expressions, so
        // their quoting is ours.
        OptionValue::List(items) => format!(
            "({})",
            items
                .iter()
                .map(|item| crate::expr::SqlExpr::new(item.clone()).sql())
                .collect::<Vec<_>>()
                .join(",")
        ),
    };
    let sep = if option.equals { "=" } else { " " };
    format!("{}{sep}{value}", option.spelling)
}

/// All table options, space separated.
pub fn table_options(options: &[TableOption]) -> String {
    options
        .iter()
        .map(table_option)
        .collect::<Vec<_>>()
        .join(" ")
}

fn partition_scheme(s: &PartitionScheme, count_kw: &str) -> String {
    let mut out = String::new();
    if s.linear {
        out.push_str("LINEAR ");
    }
    out.push_str(s.method.sql());
    if let Some(a) = s.algorithm {
        let _ = write!(out, " ALGORITHM = {a}");
    }
    if s.columns_form {
        out.push_str(" COLUMNS");
    }
    let _ = write!(out, "({})", s.expr.sql());
    if let Some(n) = s.count {
        let _ = write!(out, " {count_kw} {n}");
    }
    out
}

/// One partition as `ADD PARTITION (…)` lists it.
pub fn partition_definition(def: &PartitionDef) -> String {
    partition_def(def, "PARTITION")
}

fn partition_def(def: &PartitionDef, keyword: &str) -> String {
    let mut out = format!("{keyword} {}", quote_ident(&def.name));
    match &def.bound {
        Some(PartitionBound::LessThan {
            values,
            parenthesized,
        }) => {
            if *parenthesized {
                let _ = write!(out, " VALUES LESS THAN ({})", values.sql());
            } else {
                let _ = write!(out, " VALUES LESS THAN {}", values.sql());
            }
        }
        Some(PartitionBound::In(values)) => {
            let _ = write!(out, " VALUES IN ({})", values.sql());
        }
        None => {}
    }
    for o in &def.options {
        out.push(' ');
        out.push_str(&table_option(o));
    }
    if !def.subpartitions.is_empty() {
        let subs: Vec<String> = def
            .subpartitions
            .iter()
            .map(|s| partition_def(s, "SUBPARTITION"))
            .collect();
        let _ = write!(out, " ({})", subs.join(", "));
    }
    out
}

/// The `PARTITION BY …` clause.
pub fn partitioning(p: &Partitioning) -> String {
    let mut out = format!("PARTITION BY {}", partition_scheme(&p.scheme, "PARTITIONS"));
    if let Some(sub) = &p.subpartition {
        let _ = write!(
            out,
            " SUBPARTITION BY {}",
            partition_scheme(sub, "SUBPARTITIONS")
        );
    }
    if !p.subpartition_template.is_empty() {
        let subs: Vec<String> = p
            .subpartition_template
            .iter()
            .map(|s| partition_def(s, "SUBPARTITION"))
            .collect();
        let _ = write!(out, " SUBPARTITION TEMPLATE ({})", subs.join(", "));
    }
    if !p.partitions.is_empty() {
        let defs: Vec<String> = p
            .partitions
            .iter()
            .map(|d| partition_def(d, "PARTITION"))
            .collect();
        let _ = write!(out, "\n({})", defs.join(",\n "));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_and_strings_are_escaped() {
        assert_eq!(quote_ident("a`b"), "`a``b`");
        assert_eq!(quote_string("it's \\ \n"), "'it''s \\\\ \\n'");
    }
}
