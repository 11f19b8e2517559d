//! Fingerprints of `SHOW CREATE TABLE` texts: what precheck compares to
//! detect drift since analysis. The `AUTO_INCREMENT=n` counter moves with
//! every insert and is not schema, so it is left out.

/// 64-bit FNV-1a: small, stable across platforms and releases.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// Fingerprint of a table's DDL text, ignoring its AUTO_INCREMENT counter.
pub fn fingerprint(ddl: &str) -> String {
    let mut kept = String::with_capacity(ddl.len());
    let mut rest = ddl;
    while let Some(at) = find_counter(rest) {
        kept.push_str(&rest[..at.0]);
        rest = &rest[at.1..];
    }
    kept.push_str(rest);
    format!("{:016x}", fnv1a(kept.as_bytes()))
}

/// Byte range of the next ` AUTO_INCREMENT[ ]=[ ]digits` table option.
fn find_counter(text: &str) -> Option<(usize, usize)> {
    let mut from = 0;
    while let Some(pos) = text[from..].find("AUTO_INCREMENT") {
        let start = from + pos;
        let mut end = start + "AUTO_INCREMENT".len();
        let bytes = text.as_bytes();
        while end < bytes.len() && bytes[end] == b' ' {
            end += 1;
        }
        if end < bytes.len() && bytes[end] == b'=' {
            end += 1;
            while end < bytes.len() && bytes[end] == b' ' {
                end += 1;
            }
            let digits_start = end;
            while end < bytes.len() && bytes[end].is_ascii_digit() {
                end += 1;
            }
            if end > digits_start {
                return Some((start, end));
            }
        }
        from = start + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counter_is_ignored_but_schema_is_not() {
        let a =
            fingerprint("CREATE TABLE t (id int AUTO_INCREMENT) ENGINE=InnoDB AUTO_INCREMENT=5");
        let b = fingerprint(
            "CREATE TABLE t (id int AUTO_INCREMENT) ENGINE=InnoDB AUTO_INCREMENT = 900",
        );
        assert_eq!(a, b);
        let c =
            fingerprint("CREATE TABLE t (id bigint AUTO_INCREMENT) ENGINE=InnoDB AUTO_INCREMENT=5");
        assert_ne!(a, c);
    }
}
