//! Table options: the charset and collation, and every other option set
//! or reset to its default.

use crate::error::{Error, Result};
use crate::model::*;
use crate::render::{self, quote_ident};
use crate::statement::AlterClause;

use super::alter::{Clause, TableAlter};

pub(super) fn table_charset(t: &Table) -> (Option<String>, Option<String>) {
    (
        t.option("DEFAULT CHARSET").map(|o| o.value.text()),
        t.option("COLLATE").map(|o| o.value.text()),
    )
}

pub(super) fn diff_charset(a: &Table, b: &Table, alter: &mut TableAlter) {
    let (from_cs, from_coll) = table_charset(a);
    let (to_cs, to_coll) = table_charset(b);
    if to_cs.is_some() && (from_cs != to_cs || (to_coll.is_some() && from_coll != to_coll)) {
        let mut clause = format!("DEFAULT CHARSET={}", to_cs.unwrap_or_default());
        if let Some(coll) = to_coll {
            clause.push_str(&format!(" COLLATE={coll}"));
        }
        alter
            .charset
            .push(Clause::new(clause, AlterClause::TableCharset));
    }
}

fn option_value_key(v: &OptionValue) -> String {
    match v {
        OptionValue::String(s) => format!("'{s}"),
        other => other.text().to_lowercase(),
    }
}

pub(super) fn diff_options(a: &Table, b: &Table, alter: &mut TableAlter) -> Result<()> {
    let skip = |k: &str| k == "DEFAULT CHARSET" || k == "COLLATE";
    for o in b.options.iter().filter(|o| !skip(&o.key)) {
        let same = a
            .option(&o.key)
            .is_some_and(|f| option_value_key(&f.value) == option_value_key(&o.value));
        if !same {
            alter
                .options
                .push(option_clause(render::table_option(o), o));
        }
    }
    for o in a.options.iter().filter(|o| !skip(&o.key)) {
        if b.option(&o.key).is_some() {
            continue;
        }
        let reset = match o.key.as_str() {
            // Unstated means the server's default engine: nothing to say.
            "ENGINE" => continue,
            "COMMENT" => "COMMENT=''".to_string(),
            "ROW_FORMAT" => "ROW_FORMAT=DEFAULT".to_string(),
            "KEY_BLOCK_SIZE" => "KEY_BLOCK_SIZE=0".to_string(),
            // Zero is "unset" for these (checked on MariaDB 10.11: the
            // option leaves SHOW CREATE TABLE).
            "CHECKSUM" | "MAX_ROWS" | "MIN_ROWS" | "AVG_ROW_LENGTH" | "DELAY_KEY_WRITE" => {
                format!("{}=0", o.key)
            }
            "STATS_PERSISTENT" | "STATS_AUTO_RECALC" | "STATS_SAMPLE_PAGES" | "PACK_KEYS"
            | "TRANSACTIONAL" => format!("{}=DEFAULT", o.key),
            // MariaDB's engine-defined options (printed back-quoted):
            // `=DEFAULT` removes each.
            "PAGE_COMPRESSED" | "PAGE_COMPRESSION_LEVEL" | "ENCRYPTED" | "ENCRYPTION_KEY_ID" => {
                format!("{}=DEFAULT", quote_ident(&o.key))
            }
            _ => return Err(option_cannot_be_removed(&a.name, &o.key)),
        };
        alter.options.push(option_clause(reset, o));
    }
    Ok(())
}

/// The clause `text` that sets or resets option `o`.
fn option_clause(text: String, o: &TableOption) -> Clause {
    Clause::new(
        text,
        AlterClause::TableOption {
            option: o.key.clone(),
        },
    )
}

fn option_cannot_be_removed(table: &str, key: &str) -> Error {
    Error::Refused {
        table: table.to_string(),
        reason: format!(
            "table option {key} would have to be removed, which the server cannot do in place"
        ),
    }
}
