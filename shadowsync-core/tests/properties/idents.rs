//! Identifiers and literals: reserved words, odd and nasty names, texts,
//! numbers, and the expression templates filled with a table's columns.

use std::collections::HashSet;

use proptest::prelude::*;
use shadowsync_core::render::quote_ident;

use crate::Mode;

const RESERVED: &[&str] = &[
    "select",
    "order",
    "key",
    "KEY",
    "primary",
    "check",
    "constraint",
    "index",
    "default",
    "table",
    "partition",
    "group",
    "desc",
    "asc",
    "from",
    "where",
    "unique",
    "foreign",
    "values",
    "references",
    "using",
    "comment",
    "null",
    "not",
    "generated",
    "as",
    "by",
    "range",
    "maxvalue",
    "engine",
    "charset",
    "collate",
    "on",
    "update",
    "delete",
    "cascade",
    "fulltext",
    "spatial",
    "Order",
    "INT",
    "varchar",
    "enum",
    "set",
    "visible",
    "invisible",
    "storage",
    "with",
    "period",
    "like",
    "auto_increment",
    "current_timestamp",
    "subpartition",
];

const ODD_NAMES: &[&str] = &[
    "first name",
    "a`b",
    "``",
    "`x`",
    "it's",
    "dq\"x",
    "back\\slash",
    "semi;colon",
    "paren(s)",
    "comma,sep",
    "-- not a comment",
    "/* no */",
    "/*!50100 x */",
    "#hash",
    "名前",
    "ид",
    "Ünïcödé_表",
    "emoji 😀",
    "straße",
    "İstanbul",
    "1abc",
    "123",
    "$dollar",
    "a.b",
];

pub(crate) fn ident() -> BoxedStrategy<String> {
    prop_oneof![
        6 => "[a-z_][a-z0-9_]{0,11}",
        2 => prop::sample::select(RESERVED).prop_map(String::from),
        2 => prop::sample::select(ODD_NAMES).prop_map(String::from),
        1 => "[A-Za-z0-9_$]{1,4}[ `'\"\\\\.,;()#-]{1,3}[A-Za-z0-9_]{1,4}",
        1 => "\\PC{1,6}".prop_filter("names are trimmed", |s| !s.is_empty() && s.trim() == s),
    ]
    .boxed()
}

/// Make names unique case-insensitively (as MySQL compares column and index names).
pub(crate) fn uniquify(names: Vec<String>) -> Vec<String> {
    let mut seen = HashSet::new();
    names
        .into_iter()
        .enumerate()
        .map(|(i, mut name)| {
            let mut k = i;
            while !seen.insert(name.to_lowercase()) {
                name = format!("{name}_{k}");
                k += 1;
            }
            name
        })
        .collect()
}

const NASTY_TEXT: &[&str] = &[
    "",
    "it's",
    "''",
    "'",
    "\"",
    "a\\b",
    "\\",
    "\\\\",
    "50\\%",
    "a\\_b",
    "line1\nline2",
    "cr\r\nlf",
    "tab\there",
    "nul\0byte",
    "ctrl-z\u{1a}",
    "名前 (name)",
    "😀 smile",
    "semi; colon",
    "/* not a comment */",
    "-- dash",
    "# hash",
    ")",
    "(",
    "`tick`",
    "CURRENT_TIMESTAMP",
    "NULL",
    "  padded  ",
    "\\'",
    "'\\",
];

/// Text for comments, string defaults and ENUM members.
pub(crate) fn text() -> BoxedStrategy<String> {
    prop_oneof![
        3 => "[a-zA-Z0-9 _.,:-]{0,20}",
        2 => prop::sample::select(NASTY_TEXT).prop_map(String::from),
        2 => "(?s).{0,16}",
        1 => (prop::sample::select(NASTY_TEXT), prop::sample::select(NASTY_TEXT)).prop_map(|(a, b)| format!("{a}{b}")),
    ]
    .boxed()
}

/// Numeric literal text as the parser keeps it (sign included, no `+`).
pub(crate) fn number_text() -> BoxedStrategy<String> {
    prop_oneof![
        "-?[0-9]{1,6}",
        "-?[0-9]{1,4}\\.[0-9]{1,4}",
        "-?[0-9]\\.[0-9]{1,3}[eE][-+]?[0-9]{1,2}",
        "-?\\.[0-9]{1,3}",
        "[0-9]{1,3}\\.",
    ]
    .boxed()
}

pub(crate) fn bits_text() -> BoxedStrategy<String> {
    prop_oneof![
        "b'[01]{0,16}'",
        "B'[01]{1,8}'",
        "0x[0-9A-Fa-f]{1,8}",
        "[xX]'([0-9a-f]{2}){0,4}'",
        "0b[01]{1,8}",
    ]
    .boxed()
}

/// `template` with `{a}` and `{b}` replaced by quoted identifiers (single pass).
fn fill(template: &str, a: &str, b: &str) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if let Some(r) = tail.strip_prefix("{a}") {
            out.push_str(&quote_ident(a));
            rest = r;
        } else if let Some(r) = tail.strip_prefix("{b}") {
            out.push_str(&quote_ident(b));
            rest = r;
        } else {
            out.push('{');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

/// An expression template filled with two columns of the table.
pub(crate) fn expr_from(
    templates: impl Into<Vec<&'static str>>,
    cols: &[String],
) -> BoxedStrategy<String> {
    let templates: Vec<&'static str> = templates.into();
    (
        prop::sample::select(templates),
        prop::sample::select(cols.to_vec()),
        prop::sample::select(cols.to_vec()),
    )
        .prop_map(|(t, a, b)| fill(t, &a, &b))
        .boxed()
}

pub(crate) const GENERATED_EXPRS: &[&str] = &[
    "{a} + 1",
    "{a} * 2 - {b}",
    "concat({a},'-',{b})",
    "lower({a})",
    "json_unquote(json_extract({a},'$.name'))",
    "char_length({a})",
    "if({a} > 0,'pos','neg')",
    "({a} + {b}) / 2",
    "coalesce({a},0)",
    "{a} is null",
    "date_format({a},'%Y-%m')",
    "md5({a})",
    "cast({a} as char(10) charset utf8mb4)",
    "{a} ->> '$.x'",
    "concat_ws(_utf8mb4' ',{a},{b})",
    "substr({a},1,3)",
];

/// Generated-column expressions with comments: the parser drops comments, so
/// these only appear in `Mode::Loose` models (render must keep them harmless).
pub(crate) const GENERATED_EXPRS_WITH_COMMENTS: &[&str] =
    &["{a} + /* one */ 1", "{a} -- first\n + {b}"];

pub(crate) const CHECK_EXPRS: &[&str] = &[
    "{a} > 0",
    "{a} >= 0 and {b} < 100",
    "(({a} > 0) and ({b} <> 'x'))",
    "{a} in ('a','b''c')",
    "{a} between 1 and 10",
    "{a} is not null or {b} is null",
    "char_length({a}) > 0",
    "{a} like 'a\\_%'",
    "json_valid({a})",
    "{a} <> -1",
    "{a} regexp '^[a-z]+$'",
    "not ({a} = 0)",
    "({a} in (_utf8mb4'manga',_utf8mb4'novel'))",
    "{a} <= {b}",
];

/// CHECK expressions with comments (`Mode::Loose` only, see above).
pub(crate) const CHECK_EXPRS_WITH_COMMENTS: &[&str] = &[
    "{a} > 0 /* positive, (really) */ and {b} >= 0",
    "{a} > 0 -- positive\n and {b} >= 0",
    "{a} <> 'x' # not x\n or {b} is null",
];

/// `templates`, plus `with_comments` in loose mode.
pub(crate) fn templates(
    base: &'static [&'static str],
    with_comments: &'static [&'static str],
    mode: Mode,
) -> Vec<&'static str> {
    let mut all = base.to_vec();
    if mode == Mode::Loose {
        all.extend_from_slice(with_comments);
    }
    all
}

pub(crate) const DEFAULT_EXPRS: &[&str] = &[
    "({a} + 1)",
    "(json_array())",
    "(uuid())",
    "(rand() * 100)",
    "(curdate())",
    "(concat('a','b'))",
    "(_utf8mb4'x')",
    "(-1)",
    "('text')",
    "uuid()",
    "nextval(`seq`)",
];

pub(crate) const TIMESTAMP_EXPRS: &[&str] = &[
    "CURRENT_TIMESTAMP",
    "current_timestamp()",
    "CURRENT_TIMESTAMP(6)",
    "current_timestamp(3)",
    "now()",
    "NOW(3)",
    "localtimestamp",
    "LOCALTIME()",
];
