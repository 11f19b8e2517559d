//! Splitting a SQL script into statements the way the `mysql`/`mariadb`
//! client does: at the current delimiter (`;` until a `DELIMITER` line
//! changes it), never inside quotes or comments, with the client's own
//! commands (`DELIMITER`, the sandbox line newer `mariadb-dump` writes
//! first) taken out.

use crate::error::{Location, ParseError};

/// One statement of a script: its text is `src[start..end]`, without the
/// delimiter, which (when present) is `src[end..end + delimiter_len]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Piece {
    /// Byte offset of the statement's first byte.
    pub start: usize,
    /// Byte offset just past the statement's last byte.
    pub end: usize,
    /// Length of the delimiter that ended it (0 for a last statement without one).
    pub delimiter_len: usize,
}

/// The statements of `src`, in order; blank ones (only spaces and
/// comments) are left out.
pub(super) fn split(src: &str) -> Result<Vec<Piece>, ParseError> {
    let bytes = src.as_bytes();
    let mut pieces = Vec::new();
    let mut delimiter = String::from(";");
    let mut start = 0;
    let mut pos = 0;
    // Whether the statement begun at `start` holds anything but spaces and
    // comments: client commands are only recognised before it does.
    let mut has_content = false;
    while pos < bytes.len() {
        if !has_content && src.is_char_boundary(pos) {
            if let Some(next) = client_command(src, pos, &mut delimiter)? {
                pos = next;
                start = next;
                continue;
            }
        }
        if bytes[pos..].starts_with(delimiter.as_bytes()) {
            if has_content {
                pieces.push(Piece {
                    start,
                    end: pos,
                    delimiter_len: delimiter.len(),
                });
            }
            pos += delimiter.len();
            start = pos;
            has_content = false;
            continue;
        }
        match bytes[pos] {
            b'\'' | b'"' | b'`' => {
                pos = past_quoted(src, pos)?;
                has_content = true;
            }
            b'#' => pos = line_end(bytes, pos),
            b'-' if is_dash_comment(bytes, pos) => pos = line_end(bytes, pos),
            b'/' if bytes.get(pos + 1) == Some(&b'*') => {
                let versioned = matches!(bytes.get(pos + 2), Some(b'!' | b'M'));
                pos = past_block_comment(src, pos)?;
                // The text of `/*!50001 … */` is executed by the server.
                has_content |= versioned;
            }
            c => {
                pos += 1;
                has_content |= !c.is_ascii_whitespace();
            }
        }
    }
    if has_content {
        pieces.push(Piece {
            start,
            end: bytes.len(),
            delimiter_len: 0,
        });
    }
    Ok(pieces)
}

/// When a client command starts at `pos` (after any spaces on its line),
/// the offset past its line, having applied it.
fn client_command(
    src: &str,
    pos: usize,
    delimiter: &mut String,
) -> Result<Option<usize>, ParseError> {
    let line_start = src[..pos].rfind('\n').map_or(0, |p| p + 1);
    if !src[line_start..pos].trim().is_empty() {
        return Ok(None);
    }
    let rest = &src[pos..];
    let end = pos + rest.find('\n').map_or(rest.len(), |p| p + 1);
    let line = src[pos..end].trim_end();
    // `/*M!999999\- enable the sandbox mode */`: a command of the mariadb
    // client (refuse shell escapes), never sent to the server.
    if line.starts_with("/*M!999999\\-") {
        return Ok(Some(end));
    }
    let is_delimiter_command = line.get(..9).is_some_and(|head| {
        head.eq_ignore_ascii_case("DELIMITER")
            && line[9..].chars().next().is_none_or(char::is_whitespace)
    });
    if !is_delimiter_command {
        return Ok(None);
    }
    let new = line[9..].trim();
    if new.is_empty() || new.contains(char::is_whitespace) || new.contains('\\') {
        return Err(ParseError::new(
            Location::of_offset(src, pos),
            format!("`{line}` sets no usable delimiter"),
        ));
    }
    *delimiter = new.to_string();
    Ok(Some(end))
}

/// `--` starts a comment only when followed by a space, a control character
/// or the end (as in MySQL): `a--1` is arithmetic.
fn is_dash_comment(bytes: &[u8], pos: usize) -> bool {
    bytes.get(pos + 1) == Some(&b'-')
        && bytes
            .get(pos + 2)
            .is_none_or(|c| c.is_ascii_whitespace() || c.is_ascii_control())
}

/// The offset of the end of the line holding `pos` (its newline included).
fn line_end(bytes: &[u8], pos: usize) -> usize {
    bytes[pos..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |p| pos + p + 1)
}

/// The offset past the quoted text opening at `pos`: a doubled quote is one
/// quote character, and in strings (not in backquoted names) a backslash
/// escapes the next character, as `mysqldump` writes them.
fn past_quoted(src: &str, pos: usize) -> Result<usize, ParseError> {
    let bytes = src.as_bytes();
    let quote = bytes[pos];
    let mut i = pos + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote != b'`' => i += 2,
            c if c == quote => {
                if bytes.get(i + 1) == Some(&quote) {
                    i += 2;
                } else {
                    return Ok(i + 1);
                }
            }
            _ => i += 1,
        }
    }
    Err(ParseError::new(
        Location::of_offset(src, pos),
        format!("unterminated {} starting here", quoted_noun(quote)),
    ))
}

fn quoted_noun(quote: u8) -> &'static str {
    match quote {
        b'`' => "quoted name",
        _ => "string",
    }
}

/// The offset past the `/* … */` comment opening at `pos`.
fn past_block_comment(src: &str, pos: usize) -> Result<usize, ParseError> {
    src[pos + 2..]
        .find("*/")
        .map(|end| pos + 2 + end + 2)
        .ok_or_else(|| ParseError::new(Location::of_offset(src, pos), "unterminated /* comment"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(src: &str) -> Vec<&str> {
        split(src)
            .unwrap()
            .into_iter()
            .map(|p| src[p.start..p.end].trim())
            .collect()
    }

    #[test]
    fn splits_at_semicolons_outside_quotes_and_comments() {
        let src = "SET a='x;y';\n-- c; d\nCREATE TABLE `t;` (a int DEFAULT \"q\\\";\") ;\n/* e; */ USE db";
        assert_eq!(
            texts(src),
            [
                "SET a='x;y'",
                "-- c; d\nCREATE TABLE `t;` (a int DEFAULT \"q\\\";\")",
                "/* e; */ USE db"
            ]
        );
    }

    #[test]
    fn follows_delimiter_lines() {
        let src = "DELIMITER ;;\nCREATE TRIGGER x BEGIN SET a = 1; END ;;\ndelimiter ;\nSET b = 2;";
        assert_eq!(
            texts(src),
            ["CREATE TRIGGER x BEGIN SET a = 1; END", "SET b = 2"]
        );
    }

    #[test]
    fn skips_the_sandbox_line_and_blank_statements() {
        let src =
            "/*M!999999\\- enable the sandbox mode */ \n;;\n/* only a comment */;\nSET x = 1;";
        assert_eq!(texts(src), ["SET x = 1"]);
    }

    #[test]
    fn versioned_comments_are_statements() {
        assert_eq!(
            texts("/*!40101 SET NAMES utf8mb4 */;\n/*!50001 DROP VIEW v*/;"),
            ["/*!40101 SET NAMES utf8mb4 */", "/*!50001 DROP VIEW v*/"]
        );
    }

    #[test]
    fn a_dash_without_space_is_not_a_comment() {
        assert_eq!(
            texts("SET a = 1--1; SET b = 2"),
            ["SET a = 1--1", "SET b = 2"]
        );
    }

    #[test]
    fn unterminated_quotes_and_comments_are_located() {
        let err = split("SET a = 1;\nSET b = 'x;\n").unwrap_err();
        assert_eq!((err.location.line, err.location.column), (2, 9));
        assert!(
            err.message.contains("unterminated string"),
            "{}",
            err.message
        );
        let err = split("SET a = 1; /* open").unwrap_err();
        assert!(err.message.contains("unterminated /*"), "{}", err.message);
        let err = split("DELIMITER \nSET a = 1;").unwrap_err();
        assert!(
            err.message.contains("no usable delimiter"),
            "{}",
            err.message
        );
    }
}
