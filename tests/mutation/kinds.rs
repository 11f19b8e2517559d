//! The mutation kinds: each turns a base table into a changed variant, so
//! that the corpus covers every sort of schema change shadowsync must emit.
//!
//! A kind is a [`Shape`] over one or two [`Mutation`]s. A mutation edits a
//! [`Table`] and returns `None` when the base has nothing it applies to
//! (no such column, no partitioning, …); the kind then has no case for that
//! base. A kind the engine itself cannot express (the server refuses or
//! silently drops it) is marked in [`Kind::not_on`] with the reason: it is
//! reported as not applicable there, never as passed. A change the engine
//! can hold but cannot make to an existing table, which shadowsync refuses
//! by design (`table … refused: <engine> cannot …`, see
//! `shadowsync-core/src/engine.rs`), is marked in [`Kind::refused_on`]: its
//! cases must end in exactly that refusal.
//!
//! Every change is small and deterministic, and names its new objects with
//! a `mut_` prefix, so a failing case reads as one change.

use crate::base::{
    key_columns, key_kind, key_name, key_parts, mentions, replace_once, split_top, with_key_parts,
    Col, Table,
};
use crate::engine::Engine;

/// Edits a table; `None` when the base has nothing the change applies to.
pub type Mutation = fn(&Table, Engine) -> Option<Table>;

/// How a kind builds the two sides of a case from a base table.
#[derive(Clone, Copy)]
pub enum Shape {
    /// current = base, desired = f(base).
    Forward(Mutation),
    /// current = f(base), desired = base: the undoing of `f`.
    Reverse(Mutation),
    /// current = f(base), desired = g(f(base)): a change of something `f` adds.
    Then(Mutation, Mutation),
    /// current = base, desired = g(f(base)): two changes in one case.
    Pair(Mutation, Mutation),
}

/// One kind of schema change.
pub struct Kind {
    pub name: &'static str,
    pub shape: Shape,
    /// Engines that cannot express the change, with the reason.
    pub not_on: NotOn,
    /// Engines on which shadowsync must refuse the change, with the reason.
    pub refused_on: NotOn,
}

impl Kind {
    /// Why the kind does not apply to `engine`, if it does not.
    pub fn not_applicable(&self, engine: Engine) -> Option<&'static str> {
        self.not_on
            .iter()
            .find(|(e, _)| *e == engine)
            .map(|(_, why)| *why)
    }

    /// Why shadowsync must refuse the kind on `engine`, if it must.
    pub fn refused(&self, engine: Engine) -> Option<&'static str> {
        self.refused_on
            .iter()
            .find(|(e, _)| *e == engine)
            .map(|(_, why)| *why)
    }

    /// The (current, desired) tables of this kind for `base`, if it applies.
    pub fn variant(&self, base: &Table, engine: Engine) -> Option<(Table, Table)> {
        let (current, desired) = match self.shape {
            Shape::Forward(f) => (base.clone(), f(base, engine)?),
            Shape::Reverse(f) => (f(base, engine)?, base.clone()),
            Shape::Then(f, g) => {
                let current = f(base, engine)?;
                let desired = g(&current, engine)?;
                (current, desired)
            }
            Shape::Pair(f, g) => (base.clone(), g(&f(base, engine)?, engine)?),
        };
        (current != desired).then_some((current, desired))
    }
}

type NotOn = &'static [(Engine, &'static str)];

const MARIADB_ONLY_OPTION: NotOn = &[(
    Engine::Seekdb,
    "seekdb accepts the option but does not keep it (SHOW CREATE TABLE omits it)",
)];
const SEEKDB_CHARSETS: NotOn = &[(
    Engine::Seekdb,
    "seekdb has only the utf8mb4 and binary character sets",
)];
const SEEKDB_ENGINES: NotOn = &[(
    Engine::Seekdb,
    "seekdb has one storage engine and prints no ENGINE",
)];
const SEEKDB_NO_JSON_CHANGE: NotOn = &[(
    Engine::Seekdb,
    "seekdb cannot change a column to or from json (ERROR 1235 Alter non string type not supported)",
)];
const SEEKDB_NO_REMOVE_PARTITIONING: NotOn = &[(
    Engine::Seekdb,
    "seekdb has no REMOVE PARTITIONING nor an equivalent",
)];

/// Shorthand for a kind every engine can express.
const fn kind(name: &'static str, shape: Shape) -> Kind {
    Kind {
        name,
        shape,
        not_on: &[],
        refused_on: &[],
    }
}

/// Shorthand for a kind some engines cannot express.
const fn mariadb_only(name: &'static str, shape: Shape, not_on: NotOn) -> Kind {
    Kind {
        name,
        shape,
        not_on,
        refused_on: &[],
    }
}

/// Shorthand for a kind shadowsync refuses on some engines.
const fn refused(name: &'static str, shape: Shape, refused_on: NotOn) -> Kind {
    Kind {
        name,
        shape,
        not_on: &[],
        refused_on,
    }
}

use Shape::{Forward, Pair, Reverse, Then};

/// Every kind, in report order.
pub const KINDS: &[Kind] = &[
    // ---- columns ----
    kind("column_add", Forward(column_add)),
    kind("column_add_after", Forward(column_add_after)),
    kind("column_add_first", Forward(column_add_first)),
    kind("column_drop", Forward(column_drop)),
    kind("column_type_int_to_bigint", Forward(column_int_to_bigint)),
    kind("column_type_int_to_decimal", Forward(column_int_to_decimal)),
    kind(
        "column_type_varchar_to_text",
        Forward(column_varchar_to_text),
    ),
    refused(
        "column_type_text_to_json",
        Forward(column_text_to_json),
        SEEKDB_NO_JSON_CHANGE,
    ),
    kind("varchar_widen", Forward(varchar_widen)),
    kind("varchar_narrow", Forward(varchar_narrow)),
    kind("char_length_change", Forward(char_length_change)),
    kind("column_set_not_null", Forward(column_set_not_null)),
    kind("column_drop_not_null", Forward(column_drop_not_null)),
    kind("default_add", Forward(default_add)),
    kind("default_add_nullable", Forward(default_add_nullable)),
    kind("default_change", Forward(default_change)),
    kind("default_drop", Forward(default_drop)),
    kind("default_current_timestamp_add", Forward(default_now_add)),
    kind("default_expr_interval_add", Forward(default_expr_interval)),
    kind("default_expr_uuid_add", Forward(default_expr_uuid)),
    kind("default_expr_change", Forward(default_expr_change)),
    kind("on_update_add", Forward(on_update_add)),
    kind("on_update_drop", Forward(on_update_drop)),
    kind("column_comment_add", Forward(column_comment_add)),
    kind("column_comment_change", Forward(column_comment_change)),
    kind("column_comment_drop", Reverse(column_comment_add)),
    kind("column_collation_set", Forward(column_collation)),
    kind("column_collation_reset", Reverse(column_collation)),
    mariadb_only(
        "column_charset_change",
        Forward(column_charset),
        SEEKDB_CHARSETS,
    ),
    kind("auto_increment_attr_add", Forward(auto_increment_add)),
    kind("auto_increment_attr_drop", Forward(auto_increment_drop)),
    kind("column_move_after", Forward(column_move_after)),
    kind("column_move_first", Forward(column_move_first)),
    kind("column_swap", Forward(column_swap)),
    kind("column_rename", Forward(column_rename)),
    kind("column_rename_case", Forward(column_rename_case)),
    kind(
        "generated_virtual_expr_change",
        Forward(generated_virtual_expr),
    ),
    kind(
        "generated_stored_expr_change",
        Forward(generated_stored_expr),
    ),
    kind("generated_virtual_to_stored", Forward(generated_to_stored)),
    kind("generated_stored_to_virtual", Forward(generated_to_virtual)),
    kind("generated_column_add", Forward(generated_column_add)),
    kind("generated_column_drop", Reverse(generated_column_add)),
    kind("column_invisible", Forward(column_invisible)),
    kind("column_visible", Reverse(column_invisible)),
    kind("enum_member_add", Forward(enum_member_add)),
    kind("enum_member_insert", Forward(enum_member_insert)),
    kind("enum_member_drop", Reverse(enum_member_add)),
    kind("set_member_add", Forward(set_member_add)),
    // ---- indexes ----
    kind("index_add", Forward(index_add)),
    kind("index_drop", Forward(index_drop)),
    kind("index_drop_fk_backing", Forward(index_drop_fk_backing)),
    kind("unique_add", Forward(unique_add)),
    kind("unique_drop", Reverse(unique_add)),
    kind("index_to_unique", Forward(index_to_unique)),
    kind("unique_to_index", Reverse(index_to_unique)),
    kind("index_column_order", Forward(index_column_order)),
    kind("index_column_add", Forward(index_column_add)),
    kind("index_prefix_change", Forward(index_prefix_change)),
    kind("index_prefix_add", Forward(index_prefix_add)),
    kind("index_rename", Forward(index_rename)),
    kind("index_comment_add", Forward(index_comment_add)),
    kind(
        "index_comment_change",
        Then(index_comment_add, index_comment_change),
    ),
    kind("index_comment_drop", Reverse(index_comment_add)),
    kind("index_invisible", Forward(index_invisible)),
    kind("index_visible", Reverse(index_invisible)),
    kind("index_add_invisible", Forward(index_add_invisible)),
    kind("fulltext_add", Forward(fulltext_add)),
    kind("fulltext_drop", Reverse(fulltext_add)),
    kind("primary_key_extend", Forward(primary_key_extend)),
    kind(
        "primary_key_column_order",
        Forward(primary_key_column_order),
    ),
    kind("primary_key_drop", Forward(primary_key_drop)),
    kind("primary_key_add", Reverse(primary_key_drop)),
    // ---- foreign keys and checks ----
    kind("fk_drop", Forward(fk_drop)),
    kind("fk_add", Reverse(fk_drop)),
    kind("fk_on_delete_change", Forward(fk_on_delete_change)),
    kind("fk_on_update_add", Forward(fk_on_update_add)),
    kind("fk_self_add", Forward(fk_self_add)),
    kind("check_add", Forward(check_add)),
    kind("check_drop", Reverse(check_add)),
    kind("check_change", Then(check_add, check_change)),
    kind("column_check_add", Forward(column_check_add)),
    // ---- partitioning ----
    kind("partition_add", Forward(partition_add)),
    kind("partition_drop", Reverse(partition_add)),
    kind("partition_bound_change", Forward(partition_bound_change)),
    kind("partition_maxvalue_add", Forward(partition_maxvalue_add)),
    kind("partition_count_grow", Forward(partition_count_grow)),
    kind("partition_count_shrink", Reverse(partition_count_grow)),
    kind("partitioning_add", Forward(partitioning_add)),
    refused(
        "partitioning_remove",
        Reverse(partitioning_add),
        SEEKDB_NO_REMOVE_PARTITIONING,
    ),
    kind("partitioning_change", Forward(partitioning_change)),
    // ---- table options ----
    kind("table_comment_add", Forward(table_comment_add)),
    kind("table_comment_change", Forward(table_comment_change)),
    kind("table_comment_drop", Forward(table_comment_drop)),
    mariadb_only(
        "table_charset_change",
        Forward(table_charset),
        SEEKDB_CHARSETS,
    ),
    kind("table_collation_change", Forward(table_collation)),
    mariadb_only("engine_change", Forward(engine_change), SEEKDB_ENGINES),
    kind("row_format_change", Forward(row_format_change)),
    kind("row_format_remove", Reverse(row_format_add)),
    kind("auto_increment_value_change", Forward(auto_increment_value)),
    mariadb_only("checksum_add", Forward(checksum), MARIADB_ONLY_OPTION),
    mariadb_only("checksum_remove", Reverse(checksum), MARIADB_ONLY_OPTION),
    mariadb_only("max_rows_add", Forward(max_rows), MARIADB_ONLY_OPTION),
    mariadb_only("max_rows_remove", Reverse(max_rows), MARIADB_ONLY_OPTION),
    mariadb_only("min_rows_add", Forward(min_rows), MARIADB_ONLY_OPTION),
    mariadb_only("min_rows_remove", Reverse(min_rows), MARIADB_ONLY_OPTION),
    mariadb_only(
        "avg_row_length_add",
        Forward(avg_row_length),
        MARIADB_ONLY_OPTION,
    ),
    mariadb_only(
        "avg_row_length_remove",
        Reverse(avg_row_length),
        MARIADB_ONLY_OPTION,
    ),
    mariadb_only(
        "delay_key_write_add",
        Forward(delay_key_write),
        MARIADB_ONLY_OPTION,
    ),
    mariadb_only(
        "delay_key_write_remove",
        Reverse(delay_key_write),
        MARIADB_ONLY_OPTION,
    ),
    mariadb_only(
        "stats_persistent_add",
        Forward(stats_persistent),
        MARIADB_ONLY_OPTION,
    ),
    mariadb_only(
        "stats_persistent_remove",
        Reverse(stats_persistent),
        MARIADB_ONLY_OPTION,
    ),
    mariadb_only("pack_keys_add", Forward(pack_keys), MARIADB_ONLY_OPTION),
    mariadb_only("pack_keys_remove", Reverse(pack_keys), MARIADB_ONLY_OPTION),
    // ---- two changes in one case ----
    kind(
        "pair_column_and_index_add",
        Pair(column_add, index_on_mut_extra),
    ),
    kind(
        "pair_column_drop_with_its_index",
        Forward(column_drop_with_index),
    ),
    kind(
        "pair_composite_index_column_drop",
        Forward(index_member_drop),
    ),
    kind(
        "pair_type_and_default",
        Pair(column_int_to_bigint, default_change),
    ),
    kind(
        "pair_not_null_and_default",
        Pair(column_set_not_null, default_add),
    ),
    kind("pair_rename_and_type", Pair(column_rename, varchar_widen)),
    kind(
        "pair_table_and_column_comment",
        Pair(table_comment_add_or_change, column_comment_add),
    ),
    kind(
        "pair_column_and_check_add",
        Pair(column_add, check_on_mut_extra),
    ),
    kind("pair_widen_and_index", Pair(varchar_widen, index_add)),
    kind("pair_partition_and_column", Pair(partition_add, column_add)),
    kind("pair_fk_and_index_drop", Forward(fk_and_index_drop)),
    kind(
        "pair_enum_and_default",
        Pair(enum_member_add, enum_default_last),
    ),
    kind(
        "pair_move_and_type",
        Pair(column_move_after, column_int_to_bigint),
    ),
    kind(
        "pair_index_and_table_comment",
        Pair(index_add, table_comment_add_or_change),
    ),
];

// ---------------------------------------------------------------- helpers

/// The first column that `pred` accepts.
fn pick(t: &Table, pred: impl Fn(&Table, &Col) -> bool) -> Option<Col> {
    t.cols().into_iter().find(|c| pred(t, c))
}

/// The last column that `pred` accepts.
fn pick_last(t: &Table, pred: impl Fn(&Table, &Col) -> bool) -> Option<Col> {
    t.cols().into_iter().rev().find(|c| pred(t, c))
}

/// A column nothing else depends on: no generated column, CHECK, foreign key
/// or partitioning names it; it is not in the primary key and not
/// generated or AUTO_INCREMENT. Plain indexes may cover it.
fn free(t: &Table, c: &Col) -> bool {
    !c.generated()
        && !c.auto_increment()
        && !t
            .primary_key()
            .iter()
            .any(|p| p.eq_ignore_ascii_case(&c.name))
        && !t.fk_column(&c.name)
        && !t.keys_of("CHECK").iter().any(|k| mentions(k, &c.name))
        && !t.partition.as_deref().is_some_and(|p| mentions(p, &c.name))
        && !t
            .columns
            .iter()
            .filter(|d| !d.starts_with(&format!("{} ", c.name)))
            .any(|d| mentions(d, &c.name))
}

/// A free column that no key or constraint names either.
fn untouched(t: &Table, c: &Col) -> bool {
    free(t, c) && !t.in_key(&c.name)
}

/// `def` with its type word replaced by `ty`.
fn with_type(c: &Col, ty: &str) -> String {
    let words = split_top(&c.def, ' ');
    let mut out = vec![words[0].clone(), ty.to_string()];
    out.extend(words[2..].iter().cloned());
    out.join(" ")
}

/// `def` with `attr` inserted right after the type.
fn after_type(c: &Col, attr: &str) -> String {
    with_type(c, &format!("{} {attr}", split_top(&c.def, ' ')[1]))
}

/// `def` without the words `words` (e.g. `["NOT", "NULL"]`).
fn without_words(def: &str, words: &[&str]) -> String {
    let parts = split_top(def, ' ');
    let n = words.len();
    let at = parts
        .windows(n)
        .position(|w| w.iter().zip(words).all(|(a, b)| a.eq_ignore_ascii_case(b)))
        .unwrap_or_else(|| panic!("{words:?} not in `{def}`"));
    let mut out = parts[..at].to_vec();
    out.extend(parts[at + n..].iter().cloned());
    out.join(" ")
}

/// `def` with its `DEFAULT x` replaced by `DEFAULT value` (or added at the end).
fn with_default(c: &Col, value: &str) -> String {
    match c.default() {
        Some(old) => replace_once(
            &c.def,
            &format!("DEFAULT {old}"),
            &format!("DEFAULT {value}"),
        ),
        None => format!("{} DEFAULT {value}", c.def),
    }
}

/// A literal default of column `c`'s type.
fn literal_for(c: &Col) -> Option<&'static str> {
    match c.base_ty.as_str() {
        "TINYINT" | "SMALLINT" | "INT" | "BIGINT" => Some("7"),
        "DECIMAL" => Some("1.50"),
        "VARCHAR" | "CHAR" => Some("'x'"),
        "DATETIME" | "TIMESTAMP" => Some("'2020-02-02 02:02:02'"),
        _ => None,
    }
}

fn is_partitioned(t: &Table) -> bool {
    t.partition.is_some()
}

/// Plain (`KEY`) indexes.
fn plain_keys(t: &Table) -> Vec<String> {
    t.keys_of("KEY").into_iter().map(str::to_string).collect()
}

/// Whether the index `def` is the one a foreign key of `t` relies on (its
/// columns start with the foreign key's columns).
fn backs_fk(t: &Table, def: &str) -> bool {
    let cols = key_columns(def);
    t.keys_of("FOREIGN").iter().any(|fk| {
        let own = &fk[fk.find("FOREIGN KEY").unwrap() + "FOREIGN KEY".len()..];
        let fk_cols = key_columns(own);
        cols.len() >= fk_cols.len()
            && cols
                .iter()
                .zip(&fk_cols)
                .all(|(a, b)| a.eq_ignore_ascii_case(b))
    })
}

fn invisible_word(engine: Engine) -> &'static str {
    match engine {
        Engine::Mariadb => "IGNORED",
        Engine::Seekdb => "INVISIBLE",
    }
}

// ---------------------------------------------------------------- columns

fn column_add(t: &Table, _: Engine) -> Option<Table> {
    let mut t = t.clone();
    t.columns.push("mut_extra INT DEFAULT NULL".into());
    Some(t)
}

fn column_add_after(t: &Table, _: Engine) -> Option<Table> {
    let mut t = t.clone();
    t.columns
        .insert(1, "mut_after VARCHAR(20) NOT NULL DEFAULT 'x'".into());
    Some(t)
}

fn column_add_first(t: &Table, _: Engine) -> Option<Table> {
    let mut t = t.clone();
    t.columns.insert(0, "mut_first INT DEFAULT NULL".into());
    Some(t)
}

fn column_drop(t: &Table, _: Engine) -> Option<Table> {
    let c = pick_last(t, untouched)?;
    let mut t = t.clone();
    t.remove_col(&c.name);
    Some(t)
}

fn column_int_to_bigint(t: &Table, _: Engine) -> Option<Table> {
    let c = pick(t, |t, c| {
        free(t, c) && matches!(c.base_ty.as_str(), "INT" | "SMALLINT")
    })?;
    let mut t = t.clone();
    t.set_col(&c.name, with_type(&c, "BIGINT"));
    Some(t)
}

fn column_int_to_decimal(t: &Table, _: Engine) -> Option<Table> {
    let c = pick(t, |t, c| free(t, c) && c.is_int())?;
    let mut t = t.clone();
    t.set_col(&c.name, with_type(&c, "DECIMAL(12,2)"));
    Some(t)
}

fn column_varchar_to_text(t: &Table, _: Engine) -> Option<Table> {
    let c = pick(t, |t, c| untouched(t, c) && c.base_ty == "VARCHAR")?;
    let mut t = t.clone();
    let def = with_type(&c, "TEXT");
    // TEXT takes no literal default on MariaDB's older rules nor on seekdb.
    let def = match c.default() {
        Some(d) if !d.eq_ignore_ascii_case("NULL") => without_words(&def, &["DEFAULT", d.as_str()]),
        _ => def,
    };
    t.set_col(&c.name, def);
    Some(t)
}

fn column_text_to_json(t: &Table, _: Engine) -> Option<Table> {
    let c = pick(t, |t, c| untouched(t, c) && c.base_ty == "TEXT")?;
    let mut t = t.clone();
    t.set_col(&c.name, with_type(&c, "JSON"));
    Some(t)
}

fn varchar_widen(t: &Table, _: Engine) -> Option<Table> {
    let c = pick(t, |t, c| free(t, c) && c.base_ty == "VARCHAR")?;
    let n = c.length()?;
    let mut t = t.clone();
    t.set_col(&c.name, with_type(&c, &format!("VARCHAR({})", n + 50)));
    Some(t)
}

fn varchar_narrow(t: &Table, _: Engine) -> Option<Table> {
    let c = pick(t, |t, c| {
        free(t, c) && c.base_ty == "VARCHAR" && c.length().is_some_and(|n| n >= 40)
    })?;
    let mut t = t.clone();
    let n = c.length()? / 2;
    t.set_col(&c.name, with_type(&c, &format!("VARCHAR({n})")));
    Some(t)
}

fn char_length_change(t: &Table, _: Engine) -> Option<Table> {
    let c = pick(t, |t, c| free(t, c) && c.base_ty == "CHAR")?;
    let mut t = t.clone();
    t.set_col(
        &c.name,
        with_type(&c, &format!("CHAR({})", c.length()? + 2)),
    );
    Some(t)
}

fn column_set_not_null(t: &Table, _: Engine) -> Option<Table> {
    let c = pick(t, |t, c| free(t, c) && !c.not_null())?;
    let mut t = t.clone();
    let def = if c.attrs.contains("DEFAULT NULL") {
        replace_once(&c.def, "DEFAULT NULL", "NOT NULL")
    } else {
        after_type(&c, "NOT NULL")
    };
    t.set_col(&c.name, def);
    Some(t)
}

fn column_drop_not_null(t: &Table, _: Engine) -> Option<Table> {
    let c = pick(t, |t, c| free(t, c) && c.not_null())?;
    let mut t = t.clone();
    t.set_col(&c.name, without_words(&c.def, &["NOT", "NULL"]));
    Some(t)
}

fn default_add(t: &Table, _: Engine) -> Option<Table> {
    let c = pick(t, |t, c| {
        free(t, c) && c.not_null() && c.default().is_none() && literal_for(c).is_some()
    })?;
    let mut t = t.clone();
    t.set_col(&c.name, with_default(&c, literal_for(&c)?));
    Some(t)
}

fn default_add_nullable(t: &Table, _: Engine) -> Option<Table> {
    let c = pick(t, |t, c| {
        free(t, c)
            && !c.not_null()
            && c.default().is_none_or(|d| d.eq_ignore_ascii_case("NULL"))
            && literal_for(c).is_some()
    })?;
    let mut t = t.clone();
    t.set_col(&c.name, with_default(&c, literal_for(&c)?));
    Some(t)
}

/// A literal default other than NULL and not a function.
fn literal_default(c: &Col) -> Option<String> {
    c.default().filter(|d| {
        !d.eq_ignore_ascii_case("NULL")
            && !d.to_ascii_uppercase().starts_with("CURRENT_TIMESTAMP")
            && !d.starts_with('(')
    })
}

fn default_change(t: &Table, _: Engine) -> Option<Table> {
    let c = pick(t, |t, c| free(t, c) && literal_default(c).is_some())?;
    let new = match c.base_ty.as_str() {
        "ENUM" => {
            let members = split_top(&c.ty[5..c.ty.len() - 1], ',');
            members.get(1)?.to_ascii_lowercase()
        }
        "DECIMAL" => "0.2500".to_string(),
        ty if c.is_int() || ty == "DECIMAL" => "5".to_string(),
        _ => "'changed'".to_string(),
    };
    let mut t = t.clone();
    t.set_col(&c.name, with_default(&c, &new));
    Some(t)
}

fn default_drop(t: &Table, _: Engine) -> Option<Table> {
    let c = pick(t, |t, c| {
        free(t, c) && c.not_null() && literal_default(c).is_some()
    })?;
    let mut t = t.clone();
    t.set_col(&c.name, without_words(&c.def, &["DEFAULT", &c.default()?]));
    Some(t)
}

fn default_now_add(t: &Table, _: Engine) -> Option<Table> {
    let c = pick(t, |t, c| {
        free(t, c)
            && matches!(c.base_ty.as_str(), "DATETIME" | "TIMESTAMP")
            && c.default().is_none_or(|d| d.eq_ignore_ascii_case("NULL"))
    })?;
    let now = match c.ty.split_once('(') {
        Some((_, fsp)) => format!("CURRENT_TIMESTAMP({fsp}"),
        None => "CURRENT_TIMESTAMP".to_string(),
    };
    let mut t = t.clone();
    t.set_col(&c.name, with_default(&c, &now));
    Some(t)
}

/// Only on tables that have a DATETIME or TIMESTAMP column already, to keep
/// the kind to a few cases.
fn has_time_column(t: &Table) -> bool {
    t.cols()
        .iter()
        .any(|c| matches!(c.base_ty.as_str(), "DATETIME" | "TIMESTAMP"))
}

fn default_expr_interval(t: &Table, _: Engine) -> Option<Table> {
    if !has_time_column(t) || is_partitioned(t) {
        return None;
    }
    let mut t = t.clone();
    t.columns
        .push("mut_due DATETIME DEFAULT (CURRENT_TIMESTAMP + INTERVAL 30 MINUTE)".into());
    Some(t)
}

fn default_expr_uuid(t: &Table, _: Engine) -> Option<Table> {
    if !has_time_column(t) || is_partitioned(t) {
        return None;
    }
    let mut t = t.clone();
    t.columns
        .push("mut_token VARCHAR(36) DEFAULT (UUID())".into());
    Some(t)
}

fn default_expr_change(t: &Table, _: Engine) -> Option<Table> {
    let c = pick(t, |t, c| {
        free(t, c)
            && c.base_ty == "DATETIME"
            && c.default()
                .is_some_and(|d| d.eq_ignore_ascii_case("CURRENT_TIMESTAMP"))
    })?;
    let mut t = t.clone();
    let def = with_default(&c, "(CURRENT_TIMESTAMP + INTERVAL 1 DAY)");
    let def = if def.to_ascii_uppercase().contains("ON UPDATE") {
        without_words(&def, &["ON", "UPDATE", "CURRENT_TIMESTAMP"])
    } else {
        def
    };
    t.set_col(&c.name, def);
    Some(t)
}

fn on_update_add(t: &Table, _: Engine) -> Option<Table> {
    let c = pick(t, |t, c| {
        free(t, c)
            && c.default()
                .is_some_and(|d| d.eq_ignore_ascii_case("CURRENT_TIMESTAMP"))
            && !c.attrs.contains("ON UPDATE")
    })?;
    let mut t = t.clone();
    t.set_col(&c.name, format!("{} ON UPDATE CURRENT_TIMESTAMP", c.def));
    Some(t)
}

fn on_update_drop(t: &Table, _: Engine) -> Option<Table> {
    let c = pick(t, |t, c| free(t, c) && c.attrs.contains("ON UPDATE"))?;
    let mut t = t.clone();
    t.set_col(
        &c.name,
        without_words(&c.def, &["ON", "UPDATE", "CURRENT_TIMESTAMP"]),
    );
    Some(t)
}

fn column_comment_add(t: &Table, _: Engine) -> Option<Table> {
    let pk = t.primary_key();
    let c = pick(t, |_, c| {
        !c.has_comment() && !pk.iter().any(|p| p.eq_ignore_ascii_case(&c.name))
    })?;
    let mut t = t.clone();
    t.set_col(&c.name, format!("{} COMMENT 'it''s mutated'", c.def));
    Some(t)
}

fn column_comment_change(t: &Table, _: Engine) -> Option<Table> {
    let c = pick(t, |_, c| c.has_comment())?;
    let words = split_top(&c.def, ' ');
    let i = words
        .iter()
        .position(|w| w.eq_ignore_ascii_case("COMMENT"))?;
    let mut words = words.clone();
    words[i + 1] = "'changed comment'".into();
    let mut t = t.clone();
    t.set_col(&c.name, words.join(" "));
    Some(t)
}

/// A string column whose character set or collation may change: nothing
/// depends on it and no FULLTEXT index mixes it with other columns.
fn recollatable(t: &Table, c: &Col) -> bool {
    free(t, c)
        && c.is_string()
        && !c.has_charset_or_collation()
        && !t.keys_of("FULLTEXT").iter().any(|k| mentions(k, &c.name))
}

fn column_collation(t: &Table, _: Engine) -> Option<Table> {
    let c = pick(t, recollatable)?;
    let target = if t
        .option("COLLATE")
        .is_some_and(|v| v.eq_ignore_ascii_case("utf8mb4_bin"))
    {
        "utf8mb4_general_ci"
    } else {
        "utf8mb4_bin"
    };
    let mut t = t.clone();
    t.set_col(&c.name, after_type(&c, &format!("COLLATE {target}")));
    Some(t)
}

fn column_charset(t: &Table, _: Engine) -> Option<Table> {
    let c = pick(t, recollatable)?;
    let mut t = t.clone();
    t.set_col(&c.name, after_type(&c, "CHARACTER SET latin1"));
    Some(t)
}

fn auto_increment_add(t: &Table, _: Engine) -> Option<Table> {
    if t.cols().iter().any(Col::auto_increment) {
        return None;
    }
    let first = t.primary_key().into_iter().next()?;
    let c = Col::of(t.col(&first)?);
    if !c.is_int() || !c.not_null() {
        return None;
    }
    let mut t = t.clone();
    t.set_col(&c.name, format!("{} AUTO_INCREMENT", c.def));
    Some(t)
}

fn auto_increment_drop(t: &Table, _: Engine) -> Option<Table> {
    let c = pick(t, |_, c| c.auto_increment())?;
    let mut t = t.clone();
    t.set_col(&c.name, without_words(&c.def, &["AUTO_INCREMENT"]));
    t.remove_option("AUTO_INCREMENT");
    Some(t)
}

fn column_move_after(t: &Table, _: Engine) -> Option<Table> {
    if t.columns.len() < 3 {
        return None;
    }
    let mut t = t.clone();
    let last = t.columns.pop()?;
    t.columns.insert(1, last);
    Some(t)
}

fn column_move_first(t: &Table, _: Engine) -> Option<Table> {
    if t.columns.len() < 2 {
        return None;
    }
    let mut t = t.clone();
    let last = t.columns.pop()?;
    t.columns.insert(0, last);
    Some(t)
}

fn column_swap(t: &Table, _: Engine) -> Option<Table> {
    if t.columns.len() < 3 {
        return None;
    }
    let mut t = t.clone();
    t.columns.swap(1, 2);
    Some(t)
}

fn column_rename(t: &Table, _: Engine) -> Option<Table> {
    let c = pick(t, untouched)?;
    let mut t = t.clone();
    t.set_col(
        &c.name,
        format!("{}_renamed{}", c.name, &c.def[c.name.len()..]),
    );
    Some(t)
}

fn column_rename_case(t: &Table, _: Engine) -> Option<Table> {
    let c = pick(t, untouched)?;
    let mut t = t.clone();
    let upper = c.name[..1].to_ascii_uppercase() + &c.name[1..];
    t.set_col(&c.name, format!("{upper}{}", &c.def[c.name.len()..]));
    Some(t)
}

fn generated(t: &Table, kind: &str) -> Option<Col> {
    pick(t, |_, c| c.generated() && c.attrs.ends_with(kind))
}

/// `def` with its generation expression replaced by `expr`.
fn with_expression(c: &Col, expr: &str) -> Option<String> {
    let words = split_top(&c.def, ' ');
    let i = words.iter().position(|w| w.eq_ignore_ascii_case("AS"))?;
    let mut words = words.clone();
    words[i + 1] = format!("({expr})");
    Some(words.join(" "))
}

fn generated_virtual_expr(t: &Table, _: Engine) -> Option<Table> {
    let c = generated(t, "VIRTUAL")?;
    let mut t = t.clone();
    t.set_col(
        &c.name,
        with_expression(&c, "CONCAT(last_name, ', ', first_name)")?,
    );
    Some(t)
}

fn generated_stored_expr(t: &Table, _: Engine) -> Option<Table> {
    let c = generated(t, "STORED")?;
    let mut t = t.clone();
    t.set_col(&c.name, with_expression(&c, "CHAR_LENGTH(first_name) * 2")?);
    Some(t)
}

fn generated_to_stored(t: &Table, _: Engine) -> Option<Table> {
    let c = generated(t, "VIRTUAL")?;
    let mut t = t.clone();
    t.set_col(&c.name, replace_once(&c.def, " VIRTUAL", " STORED"));
    Some(t)
}

fn generated_to_virtual(t: &Table, _: Engine) -> Option<Table> {
    let c = generated(t, "STORED")?;
    let mut t = t.clone();
    t.set_col(&c.name, replace_once(&c.def, " STORED", " VIRTUAL"));
    Some(t)
}

fn generated_column_add(t: &Table, _: Engine) -> Option<Table> {
    t.col("first_name")?;
    t.col("last_name")?;
    let mut t = t.clone();
    t.columns.push(
        "mut_initials VARCHAR(2) AS (CONCAT(LEFT(first_name, 1), LEFT(last_name, 1))) VIRTUAL"
            .into(),
    );
    Some(t)
}

fn column_invisible(t: &Table, _: Engine) -> Option<Table> {
    let c = pick(t, |t, c| {
        untouched(t, c) && (!c.not_null() || literal_default(c).is_some())
    })?;
    let mut t = t.clone();
    t.set_col(&c.name, format!("{} INVISIBLE", c.def));
    Some(t)
}

/// `ENUM(…)` / `SET(…)` column `c` with `member` inserted at `at` (`None`: last).
fn with_member(c: &Col, member: &str, at: Option<usize>) -> String {
    let words = split_top(&c.def, ' ');
    let ty = &words[1];
    let open = ty.find('(').expect("ENUM(");
    let mut members = split_top(&ty[open + 1..ty.len() - 1], ',');
    members.insert(at.unwrap_or(members.len()), format!("'{member}'"));
    with_type(c, &format!("{}({})", &ty[..open], members.join(",")))
}

fn enum_member_add(t: &Table, _: Engine) -> Option<Table> {
    let c = pick(t, |_, c| c.base_ty == "ENUM")?;
    let mut t = t.clone();
    t.set_col(&c.name, with_member(&c, "cancelled", None));
    Some(t)
}

fn enum_member_insert(t: &Table, _: Engine) -> Option<Table> {
    let c = pick(t, |_, c| c.base_ty == "ENUM")?;
    let mut t = t.clone();
    t.set_col(&c.name, with_member(&c, "draft", Some(0)));
    Some(t)
}

fn set_member_add(t: &Table, _: Engine) -> Option<Table> {
    let c = pick(t, |_, c| c.base_ty == "SET")?;
    let mut t = t.clone();
    t.set_col(&c.name, with_member(&c, "fragile", None));
    Some(t)
}

fn enum_default_last(t: &Table, _: Engine) -> Option<Table> {
    let c = pick(t, |_, c| c.base_ty == "ENUM")?;
    let mut t = t.clone();
    t.set_col(&c.name, with_default(&c, "'cancelled'"));
    Some(t)
}

// ---------------------------------------------------------------- indexes

/// The first column a new plain index can cover (not already the first
/// column of an index).
fn index_candidate(t: &Table) -> Option<Col> {
    let firsts: Vec<String> = t
        .keys
        .iter()
        .filter(|k| !matches!(key_kind(k), "CHECK" | "FOREIGN"))
        .filter_map(|k| key_columns(k).into_iter().next())
        .collect();
    pick(t, |_, c| {
        c.indexable() && !firsts.iter().any(|f| f.eq_ignore_ascii_case(&c.name))
    })
}

fn index_add(t: &Table, _: Engine) -> Option<Table> {
    let c = index_candidate(t)?;
    let mut t = t.clone();
    t.keys.push(format!("KEY mut_idx ({})", c.name));
    Some(t)
}

fn index_add_invisible(t: &Table, engine: Engine) -> Option<Table> {
    let c = index_candidate(t)?;
    let mut t = t.clone();
    t.keys.push(format!(
        "KEY mut_idx ({}) {}",
        c.name,
        invisible_word(engine)
    ));
    Some(t)
}

fn index_on_mut_extra(t: &Table, _: Engine) -> Option<Table> {
    t.col("mut_extra")?;
    let mut t = t.clone();
    t.keys.push("KEY mut_extra_idx (mut_extra)".into());
    Some(t)
}

/// The first plain index no foreign key relies on.
fn droppable_key(t: &Table) -> Option<String> {
    plain_keys(t).into_iter().find(|k| !backs_fk(t, k))
}

fn index_drop(t: &Table, _: Engine) -> Option<Table> {
    let k = droppable_key(t)?;
    let mut t = t.clone();
    t.remove_key(&key_name(&k)?);
    Some(t)
}

fn index_drop_fk_backing(t: &Table, _: Engine) -> Option<Table> {
    let k = plain_keys(t).into_iter().find(|k| backs_fk(t, k))?;
    let mut t = t.clone();
    t.remove_key(&key_name(&k)?);
    Some(t)
}

fn unique_add(t: &Table, _: Engine) -> Option<Table> {
    if is_partitioned(t) {
        // A unique key there must cover the partitioning columns.
        return None;
    }
    let c = index_candidate(t)?;
    let mut t = t.clone();
    t.keys.push(format!("UNIQUE KEY mut_uq ({})", c.name));
    Some(t)
}

fn index_to_unique(t: &Table, _: Engine) -> Option<Table> {
    if is_partitioned(t) {
        return None;
    }
    let k = droppable_key(t)?;
    let mut t = t.clone();
    t.set_key(&key_name(&k)?, format!("UNIQUE {k}"));
    Some(t)
}

fn index_column_order(t: &Table, _: Engine) -> Option<Table> {
    let k = t
        .keys
        .iter()
        .find(|k| matches!(key_kind(k), "KEY" | "UNIQUE") && key_parts(k).len() > 1)?
        .clone();
    let mut parts = key_parts(&k);
    parts.reverse();
    let mut t = t.clone();
    t.set_key(&key_name(&k)?, with_key_parts(&k, &parts));
    Some(t)
}

fn index_column_add(t: &Table, _: Engine) -> Option<Table> {
    let k = plain_keys(t)
        .into_iter()
        .find(|k| key_parts(k).len() == 1)?;
    let cols = key_columns(&k);
    let extra = pick(t, |_, c| {
        c.indexable() && !cols.iter().any(|k| k.eq_ignore_ascii_case(&c.name))
    })?;
    let mut parts = key_parts(&k);
    parts.push(extra.name.clone());
    let mut t = t.clone();
    t.set_key(&key_name(&k)?, with_key_parts(&k, &parts));
    Some(t)
}

fn index_prefix_change(t: &Table, _: Engine) -> Option<Table> {
    let k = t
        .keys
        .iter()
        .find(|k| key_parts(k).iter().any(|p| p.contains('(')))?
        .clone();
    let parts: Vec<String> = key_parts(&k)
        .iter()
        .map(|p| match p.split_once('(') {
            Some((col, n)) => {
                let n: u32 = n.trim_end_matches(')').parse().expect("prefix length");
                format!("{col}({})", n + 10)
            }
            None => p.clone(),
        })
        .collect();
    let mut t = t.clone();
    t.set_key(&key_name(&k)?, with_key_parts(&k, &parts));
    Some(t)
}

fn index_prefix_add(t: &Table, _: Engine) -> Option<Table> {
    let k = t
        .keys
        .iter()
        .find(|k| {
            matches!(key_kind(k), "KEY" | "UNIQUE") && !backs_fk(t, k) && {
                let first = &key_parts(k)[0];
                !first.contains('(')
                    && t.col(first)
                        .map(Col::of)
                        .is_some_and(|c| c.base_ty == "VARCHAR" && !c.generated())
            }
        })?
        .clone();
    let mut parts = key_parts(&k);
    parts[0] = format!("{}(10)", parts[0]);
    let mut t = t.clone();
    t.set_key(&key_name(&k)?, with_key_parts(&k, &parts));
    Some(t)
}

fn index_rename(t: &Table, _: Engine) -> Option<Table> {
    let k = droppable_key(t)?;
    let name = key_name(&k)?;
    let mut t = t.clone();
    t.set_key(
        &name,
        replace_once(&k, &format!(" {name} "), &format!(" {name}_renamed ")),
    );
    Some(t)
}

/// The first plain or unique index without a comment or visibility word.
fn plain_index(t: &Table) -> Option<String> {
    t.keys
        .iter()
        .find(|k| {
            matches!(key_kind(k), "KEY" | "UNIQUE") && !k.contains("COMMENT") && !backs_fk(t, k)
        })
        .cloned()
}

fn index_comment_add(t: &Table, _: Engine) -> Option<Table> {
    let k = plain_index(t)?;
    let mut t = t.clone();
    t.set_key(&key_name(&k)?, format!("{k} COMMENT 'mutated index'"));
    Some(t)
}

fn index_comment_change(t: &Table, _: Engine) -> Option<Table> {
    let k = t
        .keys
        .iter()
        .find(|k| k.contains("COMMENT 'mutated index'"))?;
    let mut t = t.clone();
    let name = key_name(k)?;
    let changed = replace_once(k, "'mutated index'", "'changed index comment'");
    t.set_key(&name, changed);
    Some(t)
}

fn index_invisible(t: &Table, engine: Engine) -> Option<Table> {
    let k = plain_keys(t)
        .into_iter()
        .find(|k| !backs_fk(t, k) && !k.contains("COMMENT"))?;
    let mut t = t.clone();
    t.set_key(&key_name(&k)?, format!("{k} {}", invisible_word(engine)));
    Some(t)
}

fn fulltext_add(t: &Table, _: Engine) -> Option<Table> {
    if is_partitioned(t) {
        // MariaDB: partitioned tables have no FULLTEXT indexes.
        return None;
    }
    let c = pick(t, |_, c| c.base_ty == "TEXT")?;
    let mut t = t.clone();
    t.keys.push(format!("FULLTEXT KEY mut_ft ({})", c.name));
    Some(t)
}

fn primary_key_extend(t: &Table, _: Engine) -> Option<Table> {
    let pk = t.primary_key();
    let c = pick(t, |_, c| {
        c.not_null() && c.indexable() && !pk.iter().any(|p| p.eq_ignore_ascii_case(&c.name))
    })?;
    let k = t.key("PRIMARY")?.to_string();
    let mut parts = key_parts(&k);
    parts.push(c.name.clone());
    let mut t = t.clone();
    t.set_key("PRIMARY", with_key_parts(&k, &parts));
    Some(t)
}

fn primary_key_column_order(t: &Table, _: Engine) -> Option<Table> {
    if t.cols().iter().any(Col::auto_increment) {
        return None;
    }
    let k = t.key("PRIMARY")?.to_string();
    let mut parts = key_parts(&k);
    if parts.len() < 2 {
        return None;
    }
    parts.reverse();
    let mut t = t.clone();
    t.set_key("PRIMARY", with_key_parts(&k, &parts));
    Some(t)
}

fn primary_key_drop(t: &Table, _: Engine) -> Option<Table> {
    if t.cols().iter().any(Col::auto_increment) || t.key("PRIMARY").is_none() {
        return None;
    }
    let mut t = t.clone();
    t.remove_key("PRIMARY");
    Some(t)
}

// ---------------------------------------------------------------- foreign keys, checks

/// The foreign key whose delete rule is SET NULL (orders' referrer).
fn nullable_fk(t: &Table) -> Option<String> {
    t.keys_of("FOREIGN")
        .into_iter()
        .find(|k| k.contains("SET NULL"))
        .map(str::to_string)
}

fn fk_drop(t: &Table, _: Engine) -> Option<Table> {
    let fk = nullable_fk(t)?;
    let mut t = t.clone();
    t.remove_key(&key_name(&fk)?);
    Some(t)
}

fn fk_and_index_drop(t: &Table, _: Engine) -> Option<Table> {
    let fk = nullable_fk(t)?;
    let mut t = t.clone();
    t.remove_key(&key_name(&fk)?);
    let index = plain_keys(&t)
        .into_iter()
        .find(|k| key_columns(k) == key_columns(&fk[fk.find("FOREIGN KEY").unwrap() + 11..]))?;
    t.remove_key(&key_name(&index)?);
    Some(t)
}

fn fk_on_delete_change(t: &Table, _: Engine) -> Option<Table> {
    let fk = t
        .keys_of("FOREIGN")
        .into_iter()
        .find(|k| k.contains("ON DELETE CASCADE"))?
        .to_string();
    let mut t = t.clone();
    t.set_key(
        &key_name(&fk)?,
        replace_once(&fk, "ON DELETE CASCADE", "ON DELETE RESTRICT"),
    );
    Some(t)
}

fn fk_on_update_add(t: &Table, _: Engine) -> Option<Table> {
    let fk = nullable_fk(t)?;
    let mut t = t.clone();
    t.set_key(&key_name(&fk)?, format!("{fk} ON UPDATE CASCADE"));
    Some(t)
}

fn fk_self_add(t: &Table, _: Engine) -> Option<Table> {
    let pk = t.primary_key();
    if pk.len() != 1 || !t.keys_of("FOREIGN").is_empty() || is_partitioned(t) {
        return None;
    }
    let id = Col::of(t.col(&pk[0])?);
    if !id.is_int() {
        return None;
    }
    let mut t = t.clone();
    let ty = if id.attrs.starts_with("UNSIGNED") {
        format!("{} UNSIGNED", id.ty)
    } else {
        id.ty.clone()
    };
    t.columns.push(format!("mut_parent_id {ty} DEFAULT NULL"));
    t.keys.push("KEY mut_parent_idx (mut_parent_id)".into());
    t.keys.push(format!(
        "CONSTRAINT mut_fk_parent FOREIGN KEY (mut_parent_id) REFERENCES {} ({}) ON DELETE SET NULL",
        t.name, id.name
    ));
    Some(t)
}

fn check_add(t: &Table, _: Engine) -> Option<Table> {
    let c = pick(t, |t, c| {
        free(t, c) && (c.is_int() || c.base_ty == "DECIMAL")
    })?;
    let mut t = t.clone();
    t.keys
        .push(format!("CONSTRAINT mut_chk CHECK ({} >= 0)", c.name));
    Some(t)
}

fn check_on_mut_extra(t: &Table, _: Engine) -> Option<Table> {
    t.col("mut_extra")?;
    let mut t = t.clone();
    t.keys
        .push("CONSTRAINT mut_extra_chk CHECK (mut_extra <> 13)".into());
    Some(t)
}

fn check_change(t: &Table, _: Engine) -> Option<Table> {
    let k = t.key("mut_chk")?.to_string();
    let mut t = t.clone();
    t.set_key("mut_chk", replace_once(&k, ">= 0)", ">= 1)"));
    Some(t)
}

fn column_check_add(t: &Table, _: Engine) -> Option<Table> {
    let c = pick(t, |t, c| free(t, c) && c.is_int())?;
    let mut t = t.clone();
    t.set_col(&c.name, format!("{} CHECK ({} < 1000)", c.def, c.name));
    Some(t)
}

// ---------------------------------------------------------------- partitioning

/// `RANGE`, `LIST`, `LIST COLUMNS` or `HASH`, with the partition list.
fn partitioning(t: &Table) -> Option<(&'static str, Vec<String>)> {
    let p = t.partition.as_deref()?;
    let upper = p.to_ascii_uppercase();
    let kind = if upper.starts_with("PARTITION BY RANGE") {
        "RANGE"
    } else if upper.starts_with("PARTITION BY LIST COLUMNS") {
        "LIST COLUMNS"
    } else if upper.starts_with("PARTITION BY LIST") {
        "LIST"
    } else {
        "HASH"
    };
    let list = match (p.rfind(')'), p.find(") (")) {
        (Some(close), Some(open)) if kind != "HASH" => split_top(&p[open + 3..close], ','),
        _ => Vec::new(),
    };
    Some((kind, list))
}

/// `t` with its partition list replaced.
fn with_partitions(t: &Table, list: &[String]) -> Table {
    let p = t.partition.as_deref().expect("partitioned");
    let open = p.find(") (").expect("partition list");
    let mut t = t.clone();
    t.partition = Some(format!("{}) (\n  {}\n)", &p[..open], list.join(",\n  ")));
    t
}

fn partition_add(t: &Table, _: Engine) -> Option<Table> {
    let (kind, mut list) = partitioning(t)?;
    list.push(match kind {
        "RANGE" => "PARTITION p2025 VALUES LESS THAN (2026)".into(),
        "LIST" => "PARTITION p_sa VALUES IN (30, 31)".into(),
        "LIST COLUMNS" => "PARTITION p_it VALUES IN ('IT', 'SM')".into(),
        _ => return None,
    });
    Some(with_partitions(t, &list))
}

fn partition_bound_change(t: &Table, _: Engine) -> Option<Table> {
    let (kind, mut list) = partitioning(t)?;
    let last = list.last_mut()?;
    *last = match kind {
        "RANGE" => replace_once(last, "(2025)", "(2030)"),
        "LIST" => replace_once(last, "(20)", "(20, 21)"),
        "LIST COLUMNS" => replace_once(last, "'BE')", "'BE', 'LU')"),
        _ => return None,
    };
    Some(with_partitions(t, &list))
}

fn partition_maxvalue_add(t: &Table, _: Engine) -> Option<Table> {
    let (kind, mut list) = partitioning(t)?;
    if kind != "RANGE" {
        return None;
    }
    list.push("PARTITION pmax VALUES LESS THAN MAXVALUE".into());
    Some(with_partitions(t, &list))
}

fn partition_count_grow(t: &Table, _: Engine) -> Option<Table> {
    let (kind, _) = partitioning(t)?;
    if kind != "HASH" {
        return None;
    }
    let mut t = t.clone();
    t.partition = Some(replace_once(
        t.partition.as_deref()?,
        "PARTITIONS 4",
        "PARTITIONS 6",
    ));
    Some(t)
}

fn partitioning_add(t: &Table, _: Engine) -> Option<Table> {
    if is_partitioned(t)
        || !t.keys_of("FOREIGN").is_empty()
        || !t.keys_of("UNIQUE").is_empty()
        || !t.keys_of("FULLTEXT").is_empty()
    {
        return None;
    }
    let pk = t.primary_key();
    let c = Col::of(t.col(pk.first()?)?);
    if !c.is_int() {
        return None;
    }
    let mut t = t.clone();
    t.partition = Some(format!("PARTITION BY HASH ({}) PARTITIONS 3", c.name));
    Some(t)
}

fn partitioning_change(t: &Table, _: Engine) -> Option<Table> {
    partitioning(t)?;
    let pk = t.primary_key();
    let mut t = t.clone();
    t.partition = Some(format!("PARTITION BY KEY ({}) PARTITIONS 2", pk.first()?));
    Some(t)
}

// ---------------------------------------------------------------- table options

fn table_comment_add(t: &Table, _: Engine) -> Option<Table> {
    if t.option("COMMENT").is_some() {
        return None;
    }
    let mut t = t.clone();
    t.set_option("COMMENT", "'mutated table'");
    Some(t)
}

fn table_comment_change(t: &Table, _: Engine) -> Option<Table> {
    t.option("COMMENT")?;
    let mut t = t.clone();
    t.set_option("COMMENT", "'changed; table comment'");
    Some(t)
}

fn table_comment_add_or_change(t: &Table, e: Engine) -> Option<Table> {
    table_comment_add(t, e).or_else(|| table_comment_change(t, e))
}

fn table_comment_drop(t: &Table, _: Engine) -> Option<Table> {
    let mut t = t.clone();
    t.remove_option("COMMENT").then_some(t)
}

fn table_charset(t: &Table, _: Engine) -> Option<Table> {
    let mut t = t.clone();
    t.remove_option("COLLATE");
    t.set_option("DEFAULT CHARSET", "latin1");
    Some(t)
}

fn table_collation(t: &Table, _: Engine) -> Option<Table> {
    let target = match t.option("COLLATE") {
        Some(c) if c.eq_ignore_ascii_case("utf8mb4_bin") => "utf8mb4_general_ci",
        _ => "utf8mb4_bin",
    };
    let mut t = t.clone();
    t.set_option("COLLATE", target);
    Some(t)
}

fn engine_change(t: &Table, _: Engine) -> Option<Table> {
    // Aria has no foreign keys and no index on a virtual column.
    if !t.keys_of("FOREIGN").is_empty() || t.cols().iter().any(Col::generated) {
        return None;
    }
    let mut t = t.clone();
    t.set_option("ENGINE", "Aria");
    Some(t)
}

fn row_format_change(t: &Table, _: Engine) -> Option<Table> {
    let target = match t.option("ROW_FORMAT") {
        Some(f) if f.eq_ignore_ascii_case("COMPACT") => "DYNAMIC",
        _ => "COMPACT",
    };
    let mut t = t.clone();
    t.set_option("ROW_FORMAT", target);
    Some(t)
}

fn row_format_add(t: &Table, _: Engine) -> Option<Table> {
    if t.option("ROW_FORMAT").is_some() {
        return None;
    }
    let mut t = t.clone();
    t.set_option("ROW_FORMAT", "COMPACT");
    Some(t)
}

fn auto_increment_value(t: &Table, _: Engine) -> Option<Table> {
    if !t.cols().iter().any(Col::auto_increment) {
        return None;
    }
    let mut t = t.clone();
    t.set_option("AUTO_INCREMENT", "5000");
    Some(t)
}

/// `t` with option `key=value`, on tables that do not have it yet.
fn with_option(t: &Table, key: &str, value: &str) -> Option<Table> {
    if t.option(key).is_some() {
        return None;
    }
    let mut t = t.clone();
    t.set_option(key, value);
    Some(t)
}

fn checksum(t: &Table, _: Engine) -> Option<Table> {
    with_option(t, "CHECKSUM", "1")
}

fn max_rows(t: &Table, _: Engine) -> Option<Table> {
    with_option(t, "MAX_ROWS", "1000")
}

fn min_rows(t: &Table, _: Engine) -> Option<Table> {
    with_option(t, "MIN_ROWS", "10")
}

fn avg_row_length(t: &Table, _: Engine) -> Option<Table> {
    with_option(t, "AVG_ROW_LENGTH", "100")
}

fn delay_key_write(t: &Table, _: Engine) -> Option<Table> {
    with_option(t, "DELAY_KEY_WRITE", "1")
}

fn stats_persistent(t: &Table, _: Engine) -> Option<Table> {
    with_option(t, "STATS_PERSISTENT", "1")
}

fn pack_keys(t: &Table, _: Engine) -> Option<Table> {
    with_option(t, "PACK_KEYS", "1")
}

// ---------------------------------------------------------------- pairs

fn column_drop_with_index(t: &Table, _: Engine) -> Option<Table> {
    let k = plain_keys(t).into_iter().find(|k| {
        let cols = key_columns(k);
        cols.len() == 1
            && t.col(&cols[0])
                .map(Col::of)
                .is_some_and(|c| free(t, &c) || c.generated())
            && !backs_fk(t, k)
    })?;
    let column = key_columns(&k).remove(0);
    let mut t = t.clone();
    t.remove_key(&key_name(&k)?);
    t.remove_col(&column);
    Some(t)
}

fn index_member_drop(t: &Table, _: Engine) -> Option<Table> {
    let k = plain_keys(t)
        .into_iter()
        .find(|k| key_parts(k).len() > 1 && !backs_fk(t, k))?;
    let parts = key_parts(&k);
    let last = key_columns(&k).pop()?;
    let c = Col::of(t.col(&last)?);
    if !free(t, &c) {
        return None;
    }
    let mut t = t.clone();
    t.remove_col(&last);
    t.set_key(
        &key_name(&k)?,
        with_key_parts(&k, &parts[..parts.len() - 1]),
    );
    Some(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::bases;

    #[test]
    fn every_kind_has_a_case_on_each_engine_it_applies_to() {
        let mut names = std::collections::HashSet::new();
        let mut empty = Vec::new();
        for k in KINDS {
            assert!(names.insert(k.name), "kind {} twice", k.name);
            for engine in [Engine::Mariadb, Engine::Seekdb] {
                if k.not_applicable(engine).is_some() {
                    continue;
                }
                let n = bases()
                    .iter()
                    .filter(|b| k.variant(b, engine).is_some())
                    .count();
                if n == 0 {
                    empty.push(format!("{} on {}", k.name, engine.name()));
                }
            }
        }
        assert!(empty.is_empty(), "kinds without a case: {empty:?}");
        assert!(KINDS.len() >= 40);
    }
}
