//! Equivalence rules: turn a table as written (or as a server printed it)
//! into its canonical form, so that equal schemas compare equal.
//!
//! The canonical form is still valid DDL for the target flavor (the diff
//! renders statements from it), so every rule here rewrites a spelling into
//! another spelling the server treats identically:
//! - integer display widths dropped (`int(11)` ≡ `int`), except `tinyint(1)` and
//!   `ZEROFILL` columns; `bool` ≡ `tinyint(1)`; type aliases resolved
//!   (`integer`, `dec`, `numeric`, `double precision`, `character varying`, …);
//!   `YEAR(4)` ≡ `YEAR`; `DECIMAL` ≡ `DECIMAL(10,0)`; zero temporal precision dropped;
//! - `DEFAULT NULL` ≡ no default on nullable columns; `NULL` ≡ unstated;
//!   primary-key columns are `NOT NULL`; numeric defaults compared by value
//!   (`'0'` ≡ `0` ≡ `FALSE`, `'0.10'` ≡ `0.1`); every spelling of the current
//!   timestamp (`now()`, `current_timestamp()`, `localtime`, …) is one;
//! - charset and collation resolved against the table default (`utf8` ≡ `utf8mb3`);
//! - inline `PRIMARY KEY` / `UNIQUE` lifted into keys; unnamed keys named as the
//!   server names them; `USING BTREE` ≡ unstated; `ASC` ≡ unstated;
//! - foreign-key `RESTRICT` ≡ `NO ACTION` ≡ unstated; references into the table's
//!   own schema unqualified;
//! - `AUTO_INCREMENT=n` counters and empty comments ignored.

use crate::engine::{default_collation, json_has_charset, keeps_column_checks};
use crate::executor::Flavor;
use crate::expr::SqlExpr;
use crate::model::*;

/// What normalization needs to know besides the table.
#[derive(Debug, Clone, Default)]
pub struct NormalizeContext {
    /// The server family the table is for.
    pub flavor: Flavor,
    /// The schema the table lives in (foreign keys into it are unqualified).
    pub schema: Option<String>,
}

/// The canonical form of `table`.
pub fn normalize(table: &Table, ctx: &NormalizeContext) -> Table {
    let mut t = table.clone();
    let (table_charset, table_collation) = table_charset(&t, ctx.flavor);
    normalize_table_options(&mut t, table_charset.as_deref(), table_collation.as_deref());
    lift_inline_keys(&mut t, ctx.flavor);
    let pk_columns: Vec<String> = t
        .primary_key()
        .map(|pk| {
            pk.parts
                .iter()
                .filter_map(|p| match &p.target {
                    IndexTarget::Column(c) => Some(c.to_lowercase()),
                    IndexTarget::Expr(_) => None,
                })
                .collect()
        })
        .unwrap_or_default();
    for col in &mut t.columns {
        let in_pk = pk_columns.contains(&col.name.to_lowercase());
        normalize_column(
            col,
            in_pk,
            ctx.flavor,
            table_charset.as_deref(),
            table_collation.as_deref(),
        );
    }
    normalize_indexes(&mut t, ctx.flavor);
    for fk in &mut t.foreign_keys {
        normalize_foreign_key(fk, ctx.schema.as_deref());
    }
    t
}

/// `utf8` is `utf8mb3` on every current server.
pub fn canonical_charset(cs: &str) -> String {
    let cs = cs.to_ascii_lowercase();
    if cs == "utf8" {
        "utf8mb3".to_string()
    } else {
        cs
    }
}

/// Collation names with `utf8_` spelled `utf8mb3_`.
pub fn canonical_collation(coll: &str) -> String {
    let coll = coll.to_ascii_lowercase();
    match coll.strip_prefix("utf8_") {
        Some(rest) => format!("utf8mb3_{rest}"),
        None => coll,
    }
}

/// The charset a collation belongs to (the part before the first `_`).
fn charset_of_collation(coll: &str) -> String {
    if coll == "binary" {
        return "binary".to_string();
    }
    coll.split('_').next().unwrap_or(coll).to_string()
}

/// The table's effective default charset and collation.
fn table_charset(t: &Table, flavor: Flavor) -> (Option<String>, Option<String>) {
    let cs = t
        .option("DEFAULT CHARSET")
        .map(|o| canonical_charset(&o.value.text()));
    let coll = t
        .option("COLLATE")
        .map(|o| canonical_collation(&o.value.text()));
    match (cs, coll) {
        (Some(cs), Some(coll)) => (Some(cs), Some(coll)),
        (None, Some(coll)) => (Some(charset_of_collation(&coll)), Some(coll)),
        (Some(cs), None) => {
            let coll = default_collation(&cs, flavor);
            (Some(cs), coll)
        }
        (None, None) => (None, None),
    }
}

fn normalize_table_options(t: &mut Table, cs: Option<&str>, coll: Option<&str>) {
    let mut options = Vec::with_capacity(t.options.len());
    for o in &t.options {
        let key = o.key.as_str();
        // Counters are data, not schema; empty comments are no comments;
        // charset/collation are re-added below in one canonical spelling.
        let skip = key == "AUTO_INCREMENT"
            || key == "DEFAULT CHARSET"
            || key == "COLLATE"
            || (key == "COMMENT" && o.value.text().is_empty());
        if skip {
            continue;
        }
        let mut o = o.clone();
        o.equals = true;
        o.spelling = o.key.clone();
        if key == "ENGINE" || key == "ROW_FORMAT" {
            if let OptionValue::Word(w) = &o.value {
                o.value = OptionValue::Word(canonical_engine(w));
            }
        }
        options.push(o);
    }
    let mut head = Vec::new();
    if let Some(cs) = cs {
        head.push(TableOption {
            key: "DEFAULT CHARSET".into(),
            value: OptionValue::Word(cs.to_string()),
            spelling: "DEFAULT CHARSET".into(),
            equals: true,
        });
    }
    if let Some(coll) = coll {
        head.push(TableOption {
            key: "COLLATE".into(),
            value: OptionValue::Word(coll.to_string()),
            spelling: "COLLATE".into(),
            equals: true,
        });
    }
    head.extend(options);
    t.options = head;
}

fn canonical_engine(word: &str) -> String {
    match word.to_ascii_lowercase().as_str() {
        "innodb" => "InnoDB".to_string(),
        "myisam" => "MyISAM".to_string(),
        "memory" => "MEMORY".to_string(),
        "aria" => "Aria".to_string(),
        _ => word.to_ascii_uppercase(),
    }
}

/// Inline `PRIMARY KEY` / `UNIQUE` become keys; column-level CHECKs become
/// table-level ones except on MariaDB, which keeps them part of the column.
fn lift_inline_keys(t: &mut Table, flavor: Flavor) {
    let mut new_indexes = Vec::new();
    for col in &mut t.columns {
        let part = IndexPart {
            target: IndexTarget::Column(col.name.clone()),
            prefix: None,
            descending: false,
            asc_written: false,
        };
        if col.inline_primary_key {
            col.inline_primary_key = false;
            new_indexes.push(bare_index(None, IndexKind::Primary, part.clone()));
        }
        if col.inline_unique {
            col.inline_unique = false;
            new_indexes.push(bare_index(None, IndexKind::Unique, part));
        }
    }
    // Servers list the primary key first.
    let (pk, other): (Vec<_>, Vec<_>) = new_indexes
        .into_iter()
        .partition(|i| i.kind == IndexKind::Primary);
    let mut indexes = pk;
    indexes.append(&mut t.indexes);
    indexes.extend(other);
    t.indexes = indexes;
    if !keeps_column_checks(flavor) {
        for check in &mut t.checks {
            check.column = None;
        }
    }
}

fn bare_index(name: Option<String>, kind: IndexKind, part: IndexPart) -> Index {
    Index {
        name,
        kind,
        parts: vec![part],
        using: None,
        using_before_parts: false,
        comment: None,
        visible: true,
        visibility_keyword: None,
        parser: None,
        key_block_size: None,
        vendor_options: Vec::new(),
        constraint_name: None,
    }
}

const INTEGER_TYPES: [&str; 5] = ["tinyint", "smallint", "mediumint", "int", "bigint"];
const CHARACTER_TYPES: [&str; 9] = [
    "char",
    "varchar",
    "tinytext",
    "text",
    "mediumtext",
    "longtext",
    "enum",
    "set",
    "json",
];
const NUMERIC_TYPES: [&str; 9] = [
    "tinyint",
    "smallint",
    "mediumint",
    "int",
    "bigint",
    "decimal",
    "float",
    "double",
    "bit",
];

fn normalize_type(dt: &mut DataType) -> Option<String> {
    let mut implied_charset = None;
    let name = match dt.name.as_str() {
        "integer" | "int4" => "int",
        "int1" => "tinyint",
        "int2" => "smallint",
        "int3" | "middleint" => "mediumint",
        "int8" => "bigint",
        "bool" | "boolean" => {
            dt.length = Some(1);
            "tinyint"
        }
        "dec" | "numeric" | "fixed" => "decimal",
        "real" | "double precision" | "float8" => "double",
        "float4" => "float",
        "character" => "char",
        "character varying" => "varchar",
        "long varchar" | "long" => "mediumtext",
        "long varbinary" => "mediumblob",
        "nchar" | "national char" | "national character" => {
            implied_charset = Some("utf8mb3".to_string());
            "char"
        }
        "nvarchar"
        | "national varchar"
        | "national char varying"
        | "national character varying"
        | "nchar varying" => {
            implied_charset = Some("utf8mb3".to_string());
            "varchar"
        }
        other => other,
    }
    .to_string();
    dt.name = name;
    let name = dt.name.clone();
    let n = name.as_str();
    if INTEGER_TYPES.contains(&n) && !dt.zerofill && !(n == "tinyint" && dt.length == Some(1)) {
        dt.length = None;
    }
    if n == "decimal" {
        dt.length = Some(dt.length.unwrap_or(10));
        dt.scale = Some(dt.scale.unwrap_or(0));
    }
    if n == "float" && dt.scale.is_none() {
        if let Some(p) = dt.length.take() {
            if p > 24 {
                dt.name = "double".to_string();
            }
        }
    }
    if matches!(n, "char" | "binary" | "bit") && dt.length.is_none() {
        dt.length = Some(1);
    }
    if n == "year" || (matches!(n, "datetime" | "timestamp" | "time") && dt.length == Some(0)) {
        dt.length = None;
    }
    if dt.zerofill {
        dt.unsigned = true;
    }
    implied_charset
}

fn normalize_column(
    col: &mut Column,
    in_pk: bool,
    flavor: Flavor,
    table_cs: Option<&str>,
    table_coll: Option<&str>,
) {
    let implied_charset = normalize_type(&mut col.data_type);
    let type_name = col.data_type.name.clone();
    // Character set and collation.
    // JSON has a character set on MariaDB (an alias of LONGTEXT) only;
    // MySQL and OceanBase reject one in a JSON column definition.
    let is_char = CHARACTER_TYPES.contains(&type_name.as_str())
        && (type_name != "json" || json_has_charset(flavor));
    if is_char {
        let mut cs = col
            .charset
            .as_deref()
            .map(canonical_charset)
            .or(implied_charset);
        let mut coll = col.collation.as_deref().map(canonical_collation);
        if col.data_type.binary_attr {
            // `BINARY` means the binary collation of the column's charset.
            let base = cs.clone().or_else(|| table_cs.map(str::to_string));
            if let Some(base) = base {
                coll = Some(format!("{base}_bin"));
            }
            col.data_type.binary_attr = false;
        }
        if cs.is_none() {
            cs = coll.as_deref().map(charset_of_collation);
        }
        match (&cs, &coll) {
            (None, None) => {
                cs = table_cs.map(str::to_string);
                coll = table_coll.map(str::to_string);
            }
            (Some(c), None) => {
                coll = if Some(c.as_str()) == table_cs && col.charset.is_none() {
                    table_coll.map(str::to_string)
                } else {
                    default_collation(c, flavor)
                };
            }
            _ => {}
        }
        col.charset = cs;
        col.collation = coll;
    } else {
        col.charset = None;
        col.collation = None;
        col.data_type.binary_attr = false;
    }
    // Nullability.
    let nullable = !(in_pk || col.nullable == Some(false));
    col.nullable = if nullable { None } else { Some(false) };
    // Defaults.
    if let Some(d) = col.default.take() {
        col.default = normalize_default(d, &type_name, nullable);
    }
    if let Some(u) = col.on_update.take() {
        col.on_update = Some(normalize_current_timestamp(&u).unwrap_or(u));
    }
    if let Some(g) = &mut col.generated {
        g.always_keyword = true;
        g.storage_written = true;
    }
    if col.comment.as_deref() == Some("") {
        col.comment = None;
    }
}

fn normalize_default(d: ColumnDefault, type_name: &str, nullable: bool) -> Option<ColumnDefault> {
    let numeric = NUMERIC_TYPES.contains(&type_name) && type_name != "bit";
    let d = match d {
        ColumnDefault::Null if nullable => return None,
        ColumnDefault::Bool(b) if numeric => {
            ColumnDefault::Number(if b { "1" } else { "0" }.into())
        }
        ColumnDefault::String(s) if numeric => match canonical_number(&s) {
            Some(n) => ColumnDefault::Number(n),
            None => ColumnDefault::String(s),
        },
        ColumnDefault::Number(n) if numeric => {
            ColumnDefault::Number(canonical_number(&n).unwrap_or(n))
        }
        ColumnDefault::Number(n) => ColumnDefault::String(n),
        ColumnDefault::Bool(b) if CHARACTER_TYPES.contains(&type_name) => {
            ColumnDefault::String(if b { "1" } else { "0" }.into())
        }
        ColumnDefault::Expr(e) => match normalize_current_timestamp(&e) {
            Some(ts) => ColumnDefault::Expr(ts),
            None => match typed_literal_value(&e) {
                Some(s) => ColumnDefault::String(s),
                None => ColumnDefault::Expr(parenthesized(&e)),
            },
        },
        other => other,
    };
    Some(d)
}

/// The flavor's own spelling of "invisible" for an index that is (`None`
/// for a visible one): statements rendered from the table use it.
fn invisible_keyword(visible: bool, flavor: Flavor) -> Option<String> {
    (!visible).then(|| crate::engine::index_visibility_keyword(flavor, false).to_string())
}

/// Every index of `t` with invisibility spelled the way `flavor` spells it
/// (a table read from one engine, created on another).
pub fn spell_visibility(t: &mut Table, flavor: Flavor) {
    for index in &mut t.indexes {
        index.visibility_keyword = invisible_keyword(index.visible, flavor);
    }
}

/// Every spelling of the current timestamp, as `CURRENT_TIMESTAMP[(n)]`:
/// the whole expression must be the function alone (once parenthesised at
/// most), so `(current_timestamp() + interval 30 minute)` stays an
/// expression of its own and compares whole (issue 11).
fn normalize_current_timestamp(e: &SqlExpr) -> Option<SqlExpr> {
    use crate::lex::TokenKind;
    let tokens = crate::lex::tokenize(e.text()).ok()?;
    let mut call = tokens.as_slice();
    if let [open, inner @ .., close] = call {
        if open.is_punct("(") && close.is_punct(")") {
            call = inner;
        }
    }
    let synonyms = ["current_timestamp", "now", "localtime", "localtimestamp"];
    let precision = match call {
        [name] if name.kind == TokenKind::Word => None,
        [name, open, close]
            if name.kind == TokenKind::Word && open.is_punct("(") && close.is_punct(")") =>
        {
            None
        }
        [name, open, digits, close]
            if name.kind == TokenKind::Word
                && open.is_punct("(")
                && digits.kind == TokenKind::Number
                && digits.text.chars().all(|c| c.is_ascii_digit())
                && close.is_punct(")") =>
        {
            Some(digits.text.trim_start_matches('0').to_string())
        }
        _ => return None,
    };
    let name = &call.first()?.text;
    if !synonyms.iter().any(|s| name.eq_ignore_ascii_case(s)) {
        return None;
    }
    // `now` without parentheses is a column name, not the function.
    if call.len() == 1 && name.eq_ignore_ascii_case("now") {
        return None;
    }
    match precision.as_deref() {
        None | Some("") => Some(SqlExpr::new("CURRENT_TIMESTAMP")),
        Some(n) => Some(SqlExpr::new(format!("CURRENT_TIMESTAMP({n})"))),
    }
}

/// `DATE '2024-01-01'` → the string the server stores.
fn typed_literal_value(e: &SqlExpr) -> Option<String> {
    let tokens = crate::lex::tokenize(e.text()).ok()?;
    match tokens.as_slice() {
        [kw, s]
            if (kw.is_kw("DATE") || kw.is_kw("TIME") || kw.is_kw("TIMESTAMP"))
                && s.kind == crate::lex::TokenKind::Str =>
        {
            Some(s.text.clone())
        }
        _ => None,
    }
}

/// Expression defaults are written in parentheses (MySQL requires them).
fn parenthesized(e: &SqlExpr) -> SqlExpr {
    if is_wrapped_in_parens(e.text()) {
        e.clone()
    } else {
        SqlExpr::new(format!("({})", e.text()))
    }
}

/// Whether the whole text is one parenthesised group (`(a) + (b)` is not).
fn is_wrapped_in_parens(text: &str) -> bool {
    let Ok(tokens) = crate::lex::tokenize(text) else {
        return false;
    };
    if !(tokens.first().is_some_and(|t| t.is_punct("("))
        && tokens.last().is_some_and(|t| t.is_punct(")")))
    {
        return false;
    }
    let mut depth = 0i32;
    for (i, t) in tokens.iter().enumerate() {
        if t.is_punct("(") {
            depth += 1;
        } else if t.is_punct(")") {
            depth -= 1;
            if depth == 0 && i + 1 < tokens.len() {
                return false;
            }
        }
    }
    true
}

/// A decimal number in canonical form: no leading `+`, no superfluous zeros.
pub fn canonical_number(s: &str) -> Option<String> {
    let s = s.trim();
    let (negative, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest.trim()),
        None => (false, s.strip_prefix('+').unwrap_or(s).trim()),
    };
    if digits.is_empty()
        || !digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        || digits.matches('.').count() > 1
    {
        return None;
    }
    let (int_part, frac_part) = match digits.split_once('.') {
        Some((i, f)) => (i, f),
        None => (digits, ""),
    };
    let int_part = int_part.trim_start_matches('0');
    let frac_part = frac_part.trim_end_matches('0');
    let int_part = if int_part.is_empty() { "0" } else { int_part };
    let mut out = String::new();
    if negative && !(int_part == "0" && frac_part.is_empty()) {
        out.push('-');
    }
    out.push_str(int_part);
    if !frac_part.is_empty() {
        out.push('.');
        out.push_str(frac_part);
    }
    Some(out)
}

fn normalize_indexes(t: &mut Table, flavor: Flavor) {
    let mut used_names: Vec<String> = t
        .indexes
        .iter()
        .filter_map(|i| i.name.as_ref().map(|n| n.to_lowercase()))
        .collect();
    for index in &mut t.indexes {
        if index.kind == IndexKind::Primary {
            index.name = None;
            index.constraint_name = None;
        } else if index.name.is_none() {
            // Servers name an unnamed key after its first column, then _2, _3, …
            let base = match index.parts.first().map(|p| &p.target) {
                Some(IndexTarget::Column(c)) => c.clone(),
                _ => "functional_index".to_string(),
            };
            let mut name = base.clone();
            let mut n = 2;
            while used_names.contains(&name.to_lowercase()) {
                name = format!("{base}_{n}");
                n += 1;
            }
            used_names.push(name.to_lowercase());
            index.name = Some(name);
        }
        index.constraint_name = None;
        let default_using = match index.kind {
            IndexKind::Spatial => "RTREE",
            IndexKind::Fulltext => "",
            _ => "BTREE",
        };
        if index
            .using
            .as_deref()
            .is_some_and(|u| u.eq_ignore_ascii_case(default_using))
            || index.kind == IndexKind::Fulltext
        {
            index.using = None;
        }
        index.using_before_parts = false;
        index.visibility_keyword = invisible_keyword(index.visible, flavor);
        if index.comment.as_deref() == Some("") {
            index.comment = None;
        }
        for part in &mut index.parts {
            part.asc_written = false;
        }
    }
}

fn normalize_foreign_key(fk: &mut ForeignKey, schema: Option<&str>) {
    let is_default = |a: Option<FkAction>| {
        matches!(
            a,
            None | Some(FkAction::Restrict) | Some(FkAction::NoAction)
        )
    };
    if is_default(fk.on_delete) {
        fk.on_delete = None;
    }
    if is_default(fk.on_update) {
        fk.on_update = None;
    }
    fk.update_first = false;
    fk.index_name = None;
    fk.unqualify_own_schema(schema);
}

#[cfg(test)]
mod tests;
