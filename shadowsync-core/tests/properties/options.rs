//! Table options and partitioning (RANGE/LIST/HASH/KEY, subpartitions,
//! OceanBase templates).

use proptest::prelude::*;
use shadowsync_core::expr::SqlExpr;
use shadowsync_core::*;

use crate::columns::{CHARSETS, COLLATIONS};
use crate::idents::{expr_from, ident, text, uniquify};

fn option(key: &str, spelling: &str, value: OptionValue, equals: bool) -> TableOption {
    TableOption {
        key: key.to_string(),
        value,
        spelling: spelling.to_string(),
        equals,
    }
}

fn word(w: &str) -> OptionValue {
    OptionValue::Word(w.to_string())
}

/// (key, spelling, value) of options that are not charset/engine/comment.
const MISC_OPTIONS: &[(&str, &str, &str)] = &[
    ("ROW_FORMAT", "ROW_FORMAT", "DYNAMIC"),
    ("ROW_FORMAT", "row_format", "COMPRESSED"),
    ("ROW_FORMAT", "ROW_FORMAT", "DEFAULT"),
    ("AUTO_INCREMENT", "AUTO_INCREMENT", "123456789"),
    ("AUTO_INCREMENT", "auto_increment", "7"),
    ("KEY_BLOCK_SIZE", "KEY_BLOCK_SIZE", "8"),
    ("STATS_PERSISTENT", "STATS_PERSISTENT", "0"),
    ("PACK_KEYS", "PACK_KEYS", "1"),
    ("CHECKSUM", "CHECKSUM", "1"),
    ("ORGANIZATION", "ORGANIZATION", "INDEX"),
    ("BLOCK_SIZE", "BLOCK_SIZE", "16384"),
    ("REPLICA_NUM", "REPLICA_NUM", "1"),
    ("TABLET_SIZE", "TABLET_SIZE", "134217728"),
    ("PCTFREE", "PCTFREE", "0"),
    ("USE_BLOOM_FILTER", "USE_BLOOM_FILTER", "FALSE"),
    ("MAX_ROWS", "MAX_ROWS", "1000"),
    ("PAGE_CHECKSUM", "PAGE_CHECKSUM", "1"),
    ("TABLESPACE", "TABLESPACE", "innodb_system"),
];

/// Option values written as quoted identifiers, some of which only a quoted identifier can spell.
const IDENT_OPTION_VALUES: &[&str] = &[
    "innodb_system",
    "my ts",
    "a`b",
    "x; DROP TABLE y",
    "名前",
    "(",
    "'q'",
];

pub(crate) fn table_options() -> BoxedStrategy<Vec<TableOption>> {
    let engine = (
        prop::sample::select(&["ENGINE", "engine", "Engine", "STORAGE ENGINE"][..]),
        prop::sample::select(&["InnoDB", "MyISAM", "MEMORY", "Aria", "innodb", "ROCKSDB"][..]),
        prop::bool::weighted(0.9),
        prop::bool::weighted(0.1),
    )
        .prop_map(|(s, v, eq, quoted)| {
            let value = if quoted {
                OptionValue::Ident(v.to_string())
            } else {
                word(v)
            };
            option("ENGINE", s, value, eq)
        });
    let charset = (
        prop::sample::select(
            &[
                "DEFAULT CHARSET",
                "CHARSET",
                "DEFAULT CHARACTER SET",
                "CHARACTER SET",
                "default charset",
            ][..],
        ),
        prop::sample::select(CHARSETS),
        prop::bool::weighted(0.9),
    )
        .prop_map(|(s, v, eq)| option("DEFAULT CHARSET", s, word(v), eq));
    let collate = (
        prop::sample::select(&["COLLATE", "DEFAULT COLLATE", "collate"][..]),
        prop::sample::select(COLLATIONS),
        prop::bool::weighted(0.9),
    )
        .prop_map(|(s, v, eq)| option("COLLATE", s, word(v), eq));
    let comment = (
        prop::sample::select(&["COMMENT", "comment"][..]),
        text(),
        any::<bool>(),
    )
        .prop_map(|(s, v, eq)| option("COMMENT", s, OptionValue::String(v), eq));
    let misc = (
        prop::collection::vec(prop::sample::select(MISC_OPTIONS), 0..3),
        any::<bool>(),
    )
        .prop_map(|(picked, eq)| {
            picked
                .into_iter()
                .map(|(k, s, v)| option(k, s, word(v), eq))
                .collect::<Vec<_>>()
        });
    let tablespace = prop::option::weighted(
        0.1,
        (prop::sample::select(IDENT_OPTION_VALUES), any::<bool>()).prop_map(|(v, eq)| {
            option(
                "TABLESPACE",
                "TABLESPACE",
                OptionValue::Ident(v.to_string()),
                eq,
            )
        }),
    );
    let data_dir = prop::option::weighted(
        0.05,
        Just(option(
            "DATA DIRECTORY",
            "DATA DIRECTORY",
            OptionValue::String("/var/lib/data".into()),
            true,
        )),
    );
    (
        prop::option::weighted(0.9, engine),
        prop::option::weighted(0.8, charset),
        prop::option::weighted(0.6, collate),
        prop::option::weighted(0.3, comment),
        misc,
        (data_dir, tablespace),
    )
        .prop_map(|(e, cs, coll, comment, misc, (dd, ts))| {
            let mut out: Vec<TableOption> = e
                .into_iter()
                .chain(cs)
                .chain(coll)
                .chain(comment)
                .chain(dd)
                .chain(ts)
                .collect();
            for o in misc {
                if !out.iter().any(|x| x.key == o.key) {
                    out.push(o);
                }
            }
            out
        })
        .prop_shuffle()
        .boxed()
}

fn partition_options() -> BoxedStrategy<Vec<TableOption>> {
    let engine = prop_oneof![
        3 => Just(word("InnoDB")),
        1 => prop::sample::select(IDENT_OPTION_VALUES).prop_map(|v| OptionValue::Ident(v.to_string())),
    ];
    prop::collection::vec(
        prop_oneof![
            (
                any::<bool>(),
                prop::sample::select(&["ENGINE", "STORAGE ENGINE"][..]),
                engine
            )
                .prop_map(|(eq, s, v)| option("ENGINE", s, v, eq)),
            text().prop_map(|c| option("COMMENT", "COMMENT", OptionValue::String(c), true)),
        ],
        0..2,
    )
    .boxed()
}

fn partition_defs(
    names: Vec<String>,
    bounds: Vec<Option<PartitionBound>>,
) -> BoxedStrategy<Vec<PartitionDef>> {
    let n = names.len().min(bounds.len());
    prop::collection::vec(partition_options(), n..=n)
        .prop_map(move |options| {
            names
                .iter()
                .zip(&bounds)
                .zip(options)
                .map(|((name, bound), options)| PartitionDef {
                    name: name.clone(),
                    bound: bound.clone(),
                    options,
                    subpartitions: Vec::new(),
                })
                .collect()
        })
        .boxed()
}

fn scheme(
    method: PartitionMethod,
    expr: String,
    linear: bool,
    columns_form: bool,
) -> PartitionScheme {
    PartitionScheme {
        method,
        linear,
        columns_form,
        algorithm: None,
        expr: SqlExpr::new(expr),
        count: None,
    }
}

pub(crate) fn partitioning(cols: Vec<String>) -> BoxedStrategy<Partitioning> {
    let names = prop::collection::vec(ident(), 1..6).prop_map(uniquify);
    let hash = (
        any::<bool>(),
        expr_from(
            ["{a}", "{a} + 1", "year({a})", "to_days({a})", "crc32({a})"],
            &cols,
        ),
        prop::option::of(1u64..=64),
        prop::option::weighted(0.3, names.clone()),
    )
        .prop_flat_map(|(linear, expr, count, names)| {
            let defs = match names {
                Some(names) => {
                    let n = names.len();
                    partition_defs(names, vec![None; n])
                }
                None => Just(Vec::new()).boxed(),
            };
            (
                Just(scheme(PartitionMethod::Hash, expr, linear, false)),
                Just(count),
                defs,
            )
        })
        .prop_map(|(mut s, count, partitions)| {
            s.count = count;
            Partitioning {
                scheme: s,
                subpartition: None,
                subpartition_template: Vec::new(),
                partitions,
            }
        });
    let key = (
        any::<bool>(),
        prop::option::weighted(0.3, 1u32..=2),
        prop_oneof![Just(String::new()), expr_from(["{a}", "{a},{b}"], &cols)],
        prop::option::of(1u64..=64),
    )
        .prop_map(|(linear, algorithm, expr, count)| {
            let mut s = scheme(PartitionMethod::Key, expr, linear, false);
            s.algorithm = algorithm;
            s.count = count;
            Partitioning {
                scheme: s,
                subpartition: None,
                subpartition_template: Vec::new(),
                partitions: Vec::new(),
            }
        });
    let sub_scheme = (
        prop::sample::select(&[PartitionMethod::Hash, PartitionMethod::Key][..]),
        expr_from(["{a}", "to_days({a})"], &cols),
        prop::option::of(1u64..=8),
    )
        .prop_map(|(method, expr, count)| {
            let mut s = scheme(method, expr, false, false);
            s.count = count;
            s
        });
    let range = (
        any::<bool>(),
        expr_from(
            ["{a}", "year({a})", "unix_timestamp({a})", "{a} div 10"],
            &cols,
        ),
        expr_from(["{a}", "{a},{b}"], &cols),
        names.clone(),
        any::<bool>(),
        prop::option::weighted(0.2, (sub_scheme.clone(), 0u8..3, names.clone())),
    )
        .prop_flat_map(|(columns_form, expr, column_list, names, maxvalue, sub)| {
            let n = names.len();
            let mut bounds: Vec<Option<PartitionBound>> = (0..n)
                .map(|i| {
                    Some(PartitionBound::LessThan {
                        values: SqlExpr::new(if columns_form {
                            format!("{},'v{i}'", (i + 1) * 10)
                        } else {
                            format!("{}", (i + 1) * 10)
                        }),
                        parenthesized: true,
                    })
                })
                .collect();
            if maxvalue {
                bounds[n - 1] = Some(PartitionBound::LessThan {
                    values: SqlExpr::new("MAXVALUE"),
                    parenthesized: columns_form,
                });
            }
            let expr = if columns_form { column_list } else { expr };
            (
                Just(scheme(PartitionMethod::Range, expr, false, columns_form)),
                partition_defs(names, bounds),
                Just(sub),
            )
        })
        .prop_map(|(s, partitions, sub)| with_sub(s, partitions, sub));
    let list = (
        any::<bool>(),
        expr_from(["{a}", "{a} - 1", "mod({a},7)"], &cols),
        expr_from(["{a}", "{a},{b}"], &cols),
        names,
        prop::option::weighted(
            0.2,
            (
                sub_scheme,
                0u8..3,
                prop::collection::vec(ident(), 1..3).prop_map(uniquify),
            ),
        ),
    )
        .prop_flat_map(|(columns_form, expr, column_list, names, sub)| {
            let bounds = (0..names.len())
                .map(|i| {
                    let values = match (columns_form, i) {
                        (_, 0) => "NULL".to_string(),
                        (true, _) => format!("'a{i}','b''{i}'"),
                        (false, _) => format!("{},{}", i * 10, i * 10 + 1),
                    };
                    Some(PartitionBound::In(SqlExpr::new(values)))
                })
                .collect();
            let expr = if columns_form { column_list } else { expr };
            (
                Just(scheme(PartitionMethod::List, expr, false, columns_form)),
                partition_defs(names, bounds),
                Just(sub),
            )
        })
        .prop_map(|(s, partitions, sub)| with_sub(s, partitions, sub));
    prop_oneof![hash, key, range, list].boxed()
}

/// Attach a subpartition scheme: by count only (0), per-partition lists (1) or
/// an OceanBase template (2).
fn with_sub(
    scheme: PartitionScheme,
    mut partitions: Vec<PartitionDef>,
    sub: Option<(PartitionScheme, u8, Vec<String>)>,
) -> Partitioning {
    let mut template = Vec::new();
    let subpartition = sub.map(|(sub, how, names)| {
        let defs: Vec<PartitionDef> = names
            .iter()
            .map(|n| PartitionDef {
                name: n.clone(),
                bound: None,
                options: Vec::new(),
                subpartitions: Vec::new(),
            })
            .collect();
        match how {
            1 => {
                for (i, p) in partitions.iter_mut().enumerate() {
                    p.subpartitions = defs
                        .iter()
                        .map(|d| PartitionDef {
                            name: format!("{}_{i}", d.name),
                            ..d.clone()
                        })
                        .collect();
                }
            }
            2 => template = defs,
            _ => {}
        }
        sub
    });
    Partitioning {
        scheme,
        subpartition,
        subpartition_template: template,
        partitions,
    }
}
