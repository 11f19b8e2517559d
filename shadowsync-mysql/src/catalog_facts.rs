//! OceanBase's catalog read for what its `SHOW CREATE TABLE` prints
//! inexactly (see `shadowsync_core::analysis::exact`): ENUM/SET members
//! and the number of values of each LIST partition.
//!
//! Both are stored in OceanBase's own serialisation, of which only the
//! simplest layer is read here: a member list is a count followed by
//! length-prefixed, NUL-terminated strings (`ObString`'s `encode_vstr`,
//! lengths in the 7-bit variable-length integer encoding); a LIST
//! partition's values (stored as hex text) start with their row count in
//! the same integer encoding. Anything that does not decode exactly (bytes left over, a
//! missing terminator, a member that is not UTF-8) makes the table's facts
//! unknown, and analysis then refuses the table rather than guess.

use std::collections::HashMap;

use mysql::prelude::Queryable;
use mysql::Conn;
use shadowsync_core::{CatalogFacts, Result};

use crate::catalog;
use crate::endpoint::Endpoint;

/// The first column of a catalog row naming a member list (else a LIST
/// partition's values).
const MEMBERS: u8 = 1;

/// Table ids one statement looks up at most.
const IDS_PER_STATEMENT: usize = 200;

/// [`CatalogFacts`] of each of `names`, in order: `None` for a table the
/// catalog does not name exactly once, for every table when the catalog is
/// not readable, and for a table whose stored values do not decode.
pub(crate) fn catalog_facts(
    endpoint: &Endpoint,
    conn: &mut Conn,
    known_ids: Option<&HashMap<String, Vec<i64>>>,
    names: &[String],
) -> Result<Vec<Option<CatalogFacts>>> {
    let listed;
    let ids = match known_ids {
        Some(ids) => ids,
        None => match catalog::table_ids(endpoint, conn)? {
            Ok(ids) => {
                listed = ids;
                &listed
            }
            Err(why) => {
                tracing::info!(
                    "{}; ENUM/SET members and LIST partition values cannot be read exactly",
                    why.0
                );
                return Ok(vec![None; names.len()]);
            }
        },
    };
    let wanted: Vec<i64> = names
        .iter()
        .filter_map(|name| catalog::only_id(ids, name))
        .collect();
    let mut facts: HashMap<i64, Option<CatalogFacts>> = wanted
        .iter()
        .map(|&id| (id, Some(CatalogFacts::default())))
        .collect();
    for chunk in wanted.chunks(IDS_PER_STATEMENT) {
        // The ids are integers the server gave us: listing them is not
        // pasting input into SQL.
        let list = chunk
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        endpoint.count();
        // One statement for both: member lists (binary, read as hex) and
        // LIST partition values (stored as hex text already).
        let rows: Vec<(u8, i64, String, String)> = conn
            .query(format!(
                "SELECT 1, c.table_id, c.column_name, HEX(c.extended_type_info) \
                 FROM oceanbase.__all_column c \
                 WHERE c.table_id IN ({list}) AND c.extended_type_info IS NOT NULL \
                 UNION ALL \
                 SELECT 2, p.table_id, p.part_name, p.b_list_val FROM oceanbase.__all_part p \
                 WHERE p.table_id IN ({list}) AND p.b_list_val IS NOT NULL"
            ))
            .map_err(|e| {
                endpoint.error(
                    "cannot read ENUM/SET members and LIST partition values from the OceanBase catalog",
                    &e,
                )
            })?;
        for (kind, id, name, stored) in rows {
            let entry = facts.entry(id).or_insert(None);
            let Some(f) = entry.as_mut() else { continue };
            let bytes = from_hex(&stored);
            let known = match kind {
                MEMBERS => bytes
                    .and_then(|b| decode_members(&b))
                    .map(|members| f.members.push((name, members))),
                _ => bytes
                    .and_then(|b| read_varint(&b, &mut 0))
                    .filter(|&n| n > 0)
                    .map(|n| f.list_values.push((name, n as usize))),
            };
            if known.is_none() {
                *entry = None;
            }
        }
    }
    Ok(names
        .iter()
        .map(|name| catalog::only_id(ids, name).and_then(|id| facts.get(&id).cloned().flatten()))
        .collect())
}

/// The bytes of a hex text (`b_list_val` holds its serialisation as hex).
fn from_hex(text: &str) -> Option<Vec<u8>> {
    let text = text.as_bytes();
    if !text.len().is_multiple_of(2) {
        return None;
    }
    text.chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok())
        .collect()
}

/// One unsigned integer in OceanBase's variable-length encoding (7 bits a
/// byte, low bits first, high bit set on every byte but the last) at `*at`.
fn read_varint(bytes: &[u8], at: &mut usize) -> Option<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *bytes.get(*at)?;
        *at += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

/// A stored member list: a count, then that many strings, each its length,
/// its bytes and a NUL; `None` unless the bytes are exactly that.
fn decode_members(bytes: &[u8]) -> Option<Vec<String>> {
    let mut at = 0;
    let count = read_varint(bytes, &mut at)?;
    let mut members = Vec::new();
    for _ in 0..count {
        let len = usize::try_from(read_varint(bytes, &mut at)?).ok()?;
        let end = at.checked_add(len)?;
        let member = std::str::from_utf8(bytes.get(at..end)?).ok()?;
        if bytes.get(end) != Some(&0) {
            return None;
        }
        members.push(member.to_string());
        at = end + 1;
    }
    (at == bytes.len()).then_some(members)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_decode_exactly_or_not_at_all() {
        // As seekdb stores `enum('x''y','z')` and `set('a\\b','q')`.
        let quoted = [0x02, 0x03, b'x', b'\'', b'y', 0x00, 0x01, b'z', 0x00];
        assert_eq!(decode_members(&quoted).unwrap(), ["x'y", "z"]);
        let slash = [0x02, 0x03, b'a', b'\\', b'b', 0x00, 0x01, b'q', 0x00];
        assert_eq!(decode_members(&slash).unwrap(), ["a\\b", "q"]);
        assert!(decode_members(&quoted[..8]).is_none(), "cut short");
        let mut extra = quoted.to_vec();
        extra.push(0);
        assert!(decode_members(&extra).is_none(), "bytes left over");
        let unterminated = [0x01, 0x01, b'z', 0x01];
        assert!(decode_members(&unterminated).is_none());
    }

    #[test]
    fn varints_span_bytes() {
        assert_eq!(read_varint(&[0x05], &mut 0), Some(5));
        assert_eq!(read_varint(&[0x96, 0x01], &mut 0), Some(150));
        assert_eq!(read_varint(&[0x80], &mut 0), None);
        // One value `x','y` and two values `x`, `y`, as seekdb stores them.
        let one = from_hex("010116042DFF0578272C27790000").unwrap();
        let two = from_hex("020116042DFF017800000116042DFF01790000").unwrap();
        assert_eq!(read_varint(&one, &mut 0), Some(1));
        assert_eq!(read_varint(&two, &mut 0), Some(2));
        assert!(from_hex("0G").is_none());
    }
}
