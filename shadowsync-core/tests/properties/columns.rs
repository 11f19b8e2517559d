//! Columns: data types of every kind, defaults that fit them, charsets,
//! collations and column-level CHECKs.

use std::collections::HashSet;

use proptest::prelude::*;
use shadowsync_core::expr::SqlExpr;
use shadowsync_core::*;

use crate::idents::{
    bits_text, expr_from, ident, number_text, templates, text, CHECK_EXPRS,
    CHECK_EXPRS_WITH_COMMENTS, DEFAULT_EXPRS, GENERATED_EXPRS, GENERATED_EXPRS_WITH_COMMENTS,
    TIMESTAMP_EXPRS,
};
use crate::{chance, maybe, Mode};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Int,
    Decimal,
    Float,
    Char,
    Text,
    Enum,
    Temporal,
    Date,
    Json,
    Bit,
    Binary,
    Spatial,
}

impl Kind {
    fn has_charset(self) -> bool {
        matches!(self, Kind::Char | Kind::Text | Kind::Enum)
    }
}

fn typed(name: &str, length: Option<u64>, scale: Option<u64>) -> DataType {
    let mut dt = DataType::named(name);
    dt.length = length;
    dt.scale = scale;
    dt
}

fn data_type() -> BoxedStrategy<(DataType, Kind)> {
    let int = (
        prop::sample::select(
            &[
                "tinyint",
                "smallint",
                "mediumint",
                "int",
                "bigint",
                "integer",
            ][..],
        ),
        prop::option::weighted(0.5, 1u64..=20),
        prop::bool::weighted(0.3),
        prop::bool::weighted(0.05),
    )
        .prop_map(|(n, len, unsigned, zerofill)| {
            let mut dt = typed(n, len, None);
            dt.unsigned = unsigned;
            dt.zerofill = zerofill;
            (dt, Kind::Int)
        });
    let decimal = (
        prop::sample::select(&["decimal", "numeric", "dec", "fixed"][..]),
        prop::option::weighted(0.9, (1u64..=65, prop::option::weighted(0.8, 0u64..=30))),
        prop::bool::weighted(0.1),
    )
        .prop_map(|(n, ps, unsigned)| {
            let (len, scale) = match ps {
                Some((p, s)) => (Some(p), s.map(|s| s.min(p))),
                None => (None, None),
            };
            let mut dt = typed(n, len, scale);
            dt.unsigned = unsigned;
            (dt, Kind::Decimal)
        });
    let float = (
        prop::sample::select(&["float", "double", "double precision", "real"][..]),
        prop::option::weighted(0.3, (1u64..=53, prop::option::of(0u64..=30))),
    )
        .prop_map(|(n, ps)| {
            let (len, scale) = ps.map_or((None, None), |(p, s)| (Some(p), s));
            (typed(n, len, scale), Kind::Float)
        });
    let char_ = (
        prop::sample::select(
            &[
                "char",
                "varchar",
                "varchar",
                "varchar",
                "character varying",
                "nchar",
                "national varchar",
                "nvarchar",
            ][..],
        ),
        1u64..=1000,
        prop::bool::weighted(0.1),
    )
        .prop_map(|(n, len, binary)| {
            let mut dt = typed(n, Some(len), None);
            dt.binary_attr = binary;
            (dt, Kind::Char)
        });
    let text_ =
        prop::sample::select(&["tinytext", "text", "mediumtext", "longtext", "long varchar"][..])
            .prop_map(|n| (typed(n, None, None), Kind::Text));
    let enum_ = (
        prop::sample::select(&["enum", "set"][..]),
        prop::collection::vec(text(), 1..6),
    )
        .prop_map(|(n, mut values)| {
            let mut seen = HashSet::new();
            values.retain(|v| seen.insert(v.clone()));
            let mut dt = typed(n, None, None);
            dt.values = values;
            (dt, Kind::Enum)
        });
    let temporal = (
        prop::sample::select(&["datetime", "timestamp", "time"][..]),
        prop::option::of(0u64..=6),
    )
        .prop_map(|(n, len)| (typed(n, len, None), Kind::Temporal));
    let date = prop::sample::select(&["date", "year"][..])
        .prop_map(|n| (typed(n, None, None), Kind::Date));
    let json = Just((typed("json", None, None), Kind::Json));
    let bit = prop::option::of(1u64..=64).prop_map(|len| (typed("bit", len, None), Kind::Bit));
    let binary = (
        prop::sample::select(
            &[
                "binary",
                "varbinary",
                "tinyblob",
                "blob",
                "mediumblob",
                "longblob",
            ][..],
        ),
        1u64..=255,
    )
        .prop_map(|(n, len)| {
            let len = matches!(n, "binary" | "varbinary").then_some(len);
            (typed(n, len, None), Kind::Binary)
        });
    let spatial =
        prop::sample::select(&["geometry", "point", "linestring", "polygon", "multipoint"][..])
            .prop_map(|n| (typed(n, None, None), Kind::Spatial));
    prop_oneof![
        5 => int,
        2 => decimal,
        1 => float,
        5 => char_,
        2 => text_,
        2 => enum_,
        2 => temporal,
        1 => date,
        1 => json,
        1 => bit,
        1 => binary,
        1 => spatial,
    ]
    .boxed()
}

fn expr_default(
    templates: &'static [&'static str],
    cols: &[String],
) -> BoxedStrategy<ColumnDefault> {
    expr_from(templates, cols)
        .prop_map(|e| ColumnDefault::Expr(SqlExpr::new(e)))
        .boxed()
}

/// A default that fits the column kind; sometimes any default at all.
fn default_for(kind: Kind, values: Vec<String>, cols: &[String]) -> BoxedStrategy<ColumnDefault> {
    let any_default = prop_oneof![
        Just(ColumnDefault::Null),
        text().prop_map(ColumnDefault::String),
        number_text().prop_map(ColumnDefault::Number),
        any::<bool>().prop_map(ColumnDefault::Bool),
        bits_text().prop_map(ColumnDefault::Bits),
        expr_default(DEFAULT_EXPRS, cols),
        expr_default(TIMESTAMP_EXPRS, cols),
    ]
    .boxed();
    let fitting = match kind {
        Kind::Int | Kind::Decimal | Kind::Float => prop_oneof![
            4 => number_text().prop_map(ColumnDefault::Number),
            1 => number_text().prop_map(ColumnDefault::String),
            1 => any::<bool>().prop_map(ColumnDefault::Bool),
            2 => Just(ColumnDefault::Null),
            1 => expr_default(&["({a} + 1)", "(-1)", "(rand() * 100)"], cols),
        ]
        .boxed(),
        Kind::Char | Kind::Text => prop_oneof![
            4 => text().prop_map(ColumnDefault::String),
            2 => Just(ColumnDefault::Null),
            1 => expr_default(&["(uuid())", "uuid()", "(concat('a','b'))", "(_utf8mb4'x')", "('text')"], cols),
        ]
        .boxed(),
        Kind::Enum => prop_oneof![
            3 => prop::sample::select(values).prop_map(ColumnDefault::String),
            1 => Just(ColumnDefault::Null),
        ]
        .boxed(),
        Kind::Temporal => prop_oneof![
            3 => expr_default(TIMESTAMP_EXPRS, cols),
            1 => Just(ColumnDefault::String("2024-01-01 00:00:00".into())),
            1 => Just(ColumnDefault::Expr(SqlExpr::new("TIMESTAMP '2024-01-01 00:00:00'"))),
            1 => Just(ColumnDefault::Number("0".into())),
            1 => Just(ColumnDefault::Null),
        ]
        .boxed(),
        Kind::Date => prop_oneof![
            Just(ColumnDefault::Expr(SqlExpr::new("DATE '2024-01-01'"))),
            Just(ColumnDefault::String("2024-02-29".into())),
            Just(ColumnDefault::Expr(SqlExpr::new("(curdate())"))),
            Just(ColumnDefault::Null),
        ]
        .boxed(),
        Kind::Json => prop_oneof![
            Just(ColumnDefault::Expr(SqlExpr::new("(json_array())"))),
            Just(ColumnDefault::Expr(SqlExpr::new("(json_object('a', 1, 'b', 'it''s'))"))),
            Just(ColumnDefault::Null),
        ]
        .boxed(),
        Kind::Bit | Kind::Binary => prop_oneof![
            3 => bits_text().prop_map(ColumnDefault::Bits),
            1 => text().prop_map(ColumnDefault::String),
            1 => Just(ColumnDefault::Null),
        ]
        .boxed(),
        Kind::Spatial => Just(ColumnDefault::Null).boxed(),
    };
    prop_oneof![6 => fitting, 1 => any_default].boxed()
}

pub(crate) const CHARSETS: &[&str] = &[
    "utf8mb4", "utf8", "utf8mb3", "latin1", "ascii", "binary", "gbk",
];
pub(crate) const COLLATIONS: &[&str] = &[
    "utf8mb4_general_ci",
    "utf8mb4_bin",
    "utf8mb4_0900_ai_ci",
    "utf8mb4_unicode_ci",
    "utf8_general_ci",
    "latin1_swedish_ci",
    "ascii_bin",
    "binary",
];

pub(crate) fn check(cols: &[String], column: Option<String>, mode: Mode) -> BoxedStrategy<Check> {
    let exprs = if column.is_some() {
        // A column-level CHECK reads its own column.
        vec![
            "{a} > 0",
            "{a} is not null",
            "char_length({a}) < 100",
            "{a} <> ''",
            "json_valid({a})",
        ]
    } else {
        templates(CHECK_EXPRS, CHECK_EXPRS_WITH_COMMENTS, mode)
    };
    let own = column
        .clone()
        .map(|c| vec![c])
        .unwrap_or_else(|| cols.to_vec());
    (
        prop::option::weighted(0.6, ident()),
        expr_from(exprs, &own),
        prop::bool::weighted(0.1),
    )
        .prop_map(move |(name, expr, not_enforced)| Check {
            name,
            expr: SqlExpr::new(expr),
            not_enforced,
            column: column.clone(),
        })
        .boxed()
}

/// One column and, sometimes, a CHECK written on it.
pub(crate) fn column(
    name: String,
    cols: Vec<String>,
    mode: Mode,
) -> BoxedStrategy<(Column, Option<Check>)> {
    data_type()
        .prop_flat_map(move |(data_type, kind)| {
            let charset = if kind.has_charset() {
                (
                    prop::option::weighted(0.3, prop::sample::select(CHARSETS)),
                    prop::option::weighted(0.3, prop::sample::select(COLLATIONS)),
                )
                    .boxed()
            } else {
                Just((None, None)).boxed()
            };
            let on_update = if kind == Kind::Temporal {
                prop::option::weighted(0.3, prop::sample::select(TIMESTAMP_EXPRS)).boxed()
            } else {
                Just(None).boxed()
            };
            let generated = (
                prop::option::weighted(
                    0.1,
                    expr_from(
                        templates(GENERATED_EXPRS, GENERATED_EXPRS_WITH_COMMENTS, mode),
                        &cols,
                    ),
                ),
                any::<bool>(),
                any::<bool>(),
                any::<bool>(),
            )
                .prop_map(move |(expr, stored, always, written)| {
                    expr.map(|e| Generated {
                        expr: SqlExpr::new(e),
                        stored,
                        always_keyword: always,
                        // The parser records STORED as written; only VIRTUAL may be implied.
                        storage_written: written || (stored && mode == Mode::Strict),
                    })
                });
            let flags = (
                prop::option::of(any::<bool>()),                   // nullable
                chance(if kind == Kind::Int { 0.2 } else { 0.0 }), // auto_increment
                prop::bool::weighted(0.05),                        // invisible
                prop::bool::weighted(0.04),                        // inline PRIMARY KEY
                prop::bool::weighted(0.04),                        // inline UNIQUE
                maybe(if kind == Kind::Spatial { 0.5 } else { 0.0 }, 0u32..=4326),
            );
            let column_check = prop::option::weighted(0.1, check(&[], Some(name.clone()), mode));
            (
                Just((name.clone(), data_type.clone())),
                charset,
                prop::option::weighted(0.7, default_for(kind, data_type.values.clone(), &cols)),
                on_update,
                prop::option::weighted(0.3, text()),
                generated,
                flags,
                column_check,
            )
        })
        .prop_map(
            |(
                (name, data_type),
                (charset, collation),
                default,
                on_update,
                comment,
                generated,
                flags,
                check,
            )| {
                let (nullable, auto_increment, invisible, inline_pk, inline_unique, srid) = flags;
                let plain = generated.is_none();
                let column = Column {
                    name,
                    data_type,
                    charset: charset.map(String::from),
                    collation: collation.map(String::from),
                    nullable,
                    default: default.filter(|_| plain && !auto_increment),
                    on_update: on_update.filter(|_| plain).map(SqlExpr::new),
                    auto_increment: auto_increment && plain,
                    comment,
                    generated,
                    invisible,
                    srid,
                    inline_primary_key: inline_pk,
                    inline_unique,
                };
                (column, check)
            },
        )
        .boxed()
}
