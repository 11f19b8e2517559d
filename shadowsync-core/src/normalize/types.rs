//! Data types in canonical form: aliases resolved, display widths and
//! zero precisions dropped where they mean nothing.

use crate::model::*;

const INTEGER_TYPES: [&str; 5] = ["tinyint", "smallint", "mediumint", "int", "bigint"];

pub(super) const CHARACTER_TYPES: [&str; 9] = [
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

pub(super) const NUMERIC_TYPES: [&str; 9] = [
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

pub(super) fn normalize_type(dt: &mut DataType) -> Option<String> {
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
