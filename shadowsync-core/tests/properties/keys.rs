//! Indexes, primary keys and foreign keys.

use proptest::prelude::*;
use shadowsync_core::expr::SqlExpr;
use shadowsync_core::render::quote_ident;
use shadowsync_core::*;

use crate::idents::{expr_from, ident, text};
use crate::{maybe, Mode};

const INDEX_EXPRS: &[&str] = &[
    "lower({a})",
    "{a} + {b}",
    "json_value({a},'$.id' returning char(10))",
    "cast({a} as date)",
];

fn index_part(
    cols: &[String],
    mode: Mode,
    allow_expr: bool,
    allow_prefix: bool,
) -> BoxedStrategy<IndexPart> {
    let target = if allow_expr {
        prop_oneof![
            9 => prop::sample::select(cols.to_vec()).prop_map(IndexTarget::Column),
            1 => expr_from(INDEX_EXPRS, cols).prop_map(|e| IndexTarget::Expr(SqlExpr::new(e))),
        ]
        .boxed()
    } else {
        prop::sample::select(cols.to_vec())
            .prop_map(IndexTarget::Column)
            .boxed()
    };
    let prefix_p = if allow_prefix { 0.2 } else { 0.0 };
    (target, maybe(prefix_p, 1u64..=767), 0u8..4)
        .prop_map(move |(target, prefix, order)| {
            let prefix = prefix.filter(|_| matches!(target, IndexTarget::Column(_)));
            let (descending, asc_written) = match (mode, order) {
                (_, 0) => (false, false),
                (_, 1) => (false, true),
                (_, 2) => (true, false),
                (Mode::Strict, _) => (true, false),
                (Mode::Loose, _) => (true, true),
            };
            IndexPart {
                target,
                prefix,
                descending,
                asc_written,
            }
        })
        .boxed()
}

const VENDOR_INDEX_OPTIONS: &[&str] = &[
    "BLOCK_SIZE 16384",
    "BLOCK_SIZE = 16384",
    "LOCAL",
    "GLOBAL",
    "PARSER_PROPERTIES=(ngram_token_size=3)",
];

pub(crate) fn secondary_index(cols: Vec<String>, mode: Mode) -> BoxedStrategy<Index> {
    prop::sample::select(
        &[
            IndexKind::Plain,
            IndexKind::Plain,
            IndexKind::Plain,
            IndexKind::Unique,
            IndexKind::Unique,
            IndexKind::Fulltext,
            IndexKind::Spatial,
        ][..],
    )
    .prop_flat_map(move |kind| {
        let btree = matches!(kind, IndexKind::Plain | IndexKind::Unique);
        let n_parts = match kind {
            IndexKind::Spatial => 1..2usize,
            _ => 1..4usize,
        };
        let using = if btree {
            prop::option::weighted(
                0.2,
                prop::sample::select(&["BTREE", "HASH"][..]).prop_map(String::from),
            )
            .boxed()
        } else {
            Just(None).boxed()
        };
        let parser = if kind == IndexKind::Fulltext {
            prop::option::weighted(
                0.3,
                prop::sample::select(&["ngram", "mecab"][..]).prop_map(String::from),
            )
            .boxed()
        } else {
            Just(None).boxed()
        };
        let storing = prop::option::weighted(
            0.05,
            prop::collection::vec(prop::sample::select(cols.clone()), 1..3).prop_map(|c| {
                let list: Vec<String> = c.iter().map(|c| quote_ident(c)).collect();
                format!("STORING ({})", list.join(","))
            }),
        );
        // Only PRIMARY KEY and UNIQUE can be written as `CONSTRAINT c …`.
        let constraint_p = match (mode, kind) {
            (_, IndexKind::Unique) => 0.2,
            _ => 0.0,
        };
        (
            Just(kind),
            prop::option::weighted(0.9, ident()),
            prop::collection::vec(index_part(&cols, mode, btree, btree), n_parts),
            (using, any::<bool>()),
            prop::option::weighted(0.2, text()),
            (
                prop::bool::weighted(0.9),
                prop::sample::select(&["INVISIBLE", "IGNORED"][..]),
                any::<bool>(),
            ),
            parser,
            prop::option::weighted(0.05, prop::sample::select(&[1u64, 2, 4, 8, 16][..])),
            (
                prop::collection::vec(prop::sample::select(VENDOR_INDEX_OPTIONS), 0..2),
                storing,
            ),
            maybe(constraint_p, ident()),
        )
    })
    .prop_map(
        move |(
            kind,
            name,
            parts,
            (using, before),
            comment,
            (visible, kw, kw_anyway),
            parser,
            kbs,
            vendor,
            constraint,
        )| {
            let (picked, storing) = vendor;
            let mut vendor_options: Vec<String> = picked.into_iter().map(String::from).collect();
            vendor_options.dedup();
            vendor_options.extend(storing);
            // `CONSTRAINT c UNIQUE KEY (a)` names the index after the constraint.
            let name = name.or_else(|| constraint.clone());
            let visibility_keyword = match mode {
                Mode::Strict => (!visible).then(|| kw.to_string()),
                Mode::Loose => (kw_anyway || !visible).then(|| kw.to_string()),
            };
            Index {
                name,
                kind,
                parts,
                using_before_parts: before && (using.is_some() || mode == Mode::Loose),
                using,
                comment,
                visible,
                visibility_keyword,
                parser,
                key_block_size: kbs,
                vendor_options,
                constraint_name: constraint,
            }
        },
    )
    .boxed()
}

pub(crate) fn primary_key(cols: Vec<String>, mode: Mode) -> BoxedStrategy<Index> {
    (
        prop::collection::vec(index_part(&cols, mode, false, true), 1..4),
        prop::option::weighted(0.2, ident()),
        prop::option::weighted(0.15, ident()),
        (
            prop::option::weighted(0.15, Just("BTREE".to_string())),
            any::<bool>(),
        ),
        prop::option::weighted(0.1, text()),
    )
        .prop_map(
            |(parts, name, constraint_name, (using, before), comment)| Index {
                name,
                kind: IndexKind::Primary,
                parts,
                using_before_parts: using.is_some() && before,
                using,
                comment,
                visible: true,
                visibility_keyword: None,
                parser: None,
                key_block_size: None,
                vendor_options: Vec::new(),
                constraint_name,
            },
        )
        .boxed()
}

fn fk_action() -> BoxedStrategy<Option<FkAction>> {
    prop::option::weighted(
        0.6,
        prop::sample::select(
            &[
                FkAction::Restrict,
                FkAction::Cascade,
                FkAction::SetNull,
                FkAction::SetDefault,
                FkAction::NoAction,
            ][..],
        ),
    )
    .boxed()
}

pub(crate) fn foreign_key(cols: Vec<String>, mode: Mode) -> BoxedStrategy<ForeignKey> {
    prop::collection::vec(prop::sample::select(cols), 1..3)
        .prop_flat_map(move |columns| {
            let n = columns.len();
            (
                Just(columns),
                prop::option::weighted(0.8, ident()),
                prop::option::weighted(0.1, ident()),
                prop::option::weighted(0.15, ident()),
                ident(),
                prop::collection::vec(ident(), n..=n),
                (fk_action(), fk_action(), any::<bool>()),
            )
        })
        .prop_map(
            move |(
                columns,
                name,
                index_name,
                ref_schema,
                ref_table,
                ref_columns,
                (on_delete, on_update, flag),
            )| {
                // The parser records `update_first` when ON UPDATE comes before ON DELETE
                // (or stands alone).
                let update_first = match mode {
                    Mode::Strict => on_update.is_some() && (on_delete.is_none() || flag),
                    Mode::Loose => flag,
                };
                ForeignKey {
                    name,
                    index_name,
                    columns,
                    ref_schema,
                    ref_table,
                    ref_columns,
                    on_delete,
                    on_update,
                    update_first,
                }
            },
        )
        .boxed()
}
