//! Splitting a SQL script into statements on `;` outside quotes and comments.

/// The statements of `sql`, trimmed, without their `;`. Statements that are
/// only comments are dropped (the server would answer "query was empty");
/// `/*! … */` is executable, so it counts as content.
pub fn split_statements(sql: &str) -> Vec<String> {
    // Every delimiter is ASCII, so byte positions always fall on char boundaries.
    let b = sql.as_bytes();
    let mut statements = Vec::new();
    let (mut start, mut i, mut content) = (0, 0, false);
    let mut push = |from: usize, to: usize, content: bool| {
        if content {
            statements.push(sql[from..to].trim().to_string());
        }
    };
    while i < b.len() {
        match b[i] {
            q @ (b'\'' | b'"' | b'`') => {
                i = end_of_quoted(b, i, q);
                content = true;
            }
            b'#' => i = end_of_line(b, i),
            b'-' if b.get(i + 1) == Some(&b'-')
                && b.get(i + 2).is_none_or(|c| c.is_ascii_whitespace()) =>
            {
                i = end_of_line(b, i)
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                content |= b.get(i + 2) == Some(&b'!');
                i = sql[i + 2..].find("*/").map_or(b.len(), |p| i + 2 + p + 2);
            }
            b';' => {
                push(start, i, content);
                (start, content) = (i + 1, false);
                i += 1;
            }
            c => {
                content |= !c.is_ascii_whitespace();
                i += 1;
            }
        }
    }
    push(start, b.len(), content);
    statements
}

/// Index just past the quoted text opening at `open` with quote `q`: a
/// doubled quote stays inside, and so does a backslash escape in strings.
fn end_of_quoted(b: &[u8], open: usize, q: u8) -> usize {
    let mut i = open + 1;
    while i < b.len() {
        if b[i] == b'\\' && q != b'`' {
            i += 2;
        } else if b[i] == q {
            if b.get(i + 1) == Some(&q) {
                i += 2;
            } else {
                return i + 1;
            }
        } else {
            i += 1;
        }
    }
    b.len()
}

/// Index of the newline ending the line that `i` is on (or the end).
fn end_of_line(b: &[u8], i: usize) -> usize {
    b[i..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(b.len(), |p| i + p)
}

#[cfg(test)]
mod tests {
    use super::split_statements;

    #[test]
    fn splits_outside_quotes_and_comments() {
        let sql = "CREATE TABLE a (x varchar(3) DEFAULT ';', y int COMMENT 'it''s; \\' ;');\n\
                   -- a comment; with a semicolon\n\
                   CREATE TABLE `b;c` (z int) /* ; */ COMMENT \"q;\";\n\
                   # only a comment;\n";
        assert_eq!(
            split_statements(sql),
            vec![
                "CREATE TABLE a (x varchar(3) DEFAULT ';', y int COMMENT 'it''s; \\' ;')",
                "-- a comment; with a semicolon\nCREATE TABLE `b;c` (z int) /* ; */ COMMENT \"q;\"",
            ]
        );
    }

    #[test]
    fn drops_empty_and_comment_only_statements() {
        assert!(split_statements("  ;\n-- x\n;/* y */").is_empty());
        assert_eq!(
            split_statements("/*!40101 SET x=1 */;"),
            vec!["/*!40101 SET x=1 */"]
        );
        assert_eq!(split_statements("SELECT 1 --x"), vec!["SELECT 1 --x"]);
    }
}
