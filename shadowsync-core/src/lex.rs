//! A MySQL-family lexer for DDL text.
//!
//! sqlparser's tokenizer costs about 15 µs for a 700-byte `CREATE TABLE`,
//! which alone would eat most of the 25 µs per-table budget of the diff
//! benchmark; this lexer covers only what DDL needs (identifiers, strings,
//! numbers, bit/hex literals, operators, comments, versioned comments) and
//! keeps byte offsets so expressions can be sliced verbatim from the input.
//! sqlparser still parses expressions where they must be compared
//! canonically (see [`crate::expr`]).

use crate::error::{Location, ParseError};

/// Kind of a lexical token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenKind {
    /// An unquoted word (keyword or identifier).
    Word,
    /// A backtick-quoted identifier; `text` holds the unescaped name.
    QuotedIdent,
    /// A single- or double-quoted string; `text` holds the unescaped value.
    Str,
    /// An unsigned numeric literal, as written.
    Number,
    /// A bit or hex literal (`b'01'`, `0x1F`, `X'1F'`), as written.
    Bits,
    /// Punctuation or an operator, as written (`(`, `,`, `<=`, …).
    Punct,
}

/// One token with its byte span in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// What kind of token.
    pub kind: TokenKind,
    /// Its text (unescaped for strings and quoted identifiers).
    pub text: String,
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset just past the last character.
    pub end: usize,
}

impl Token {
    /// Whether this is the unquoted keyword `kw` (ASCII case-insensitive).
    pub fn is_kw(&self, kw: &str) -> bool {
        self.kind == TokenKind::Word && self.text.eq_ignore_ascii_case(kw)
    }

    /// Whether this is the punctuation `p`.
    pub fn is_punct(&self, p: &str) -> bool {
        self.kind == TokenKind::Punct && self.text == p
    }
}

/// Split `input` into tokens, skipping whitespace and comments. The content
/// of versioned comments (`/*!50100 … */`, `/*M!100100 … */`) is lexed as
/// ordinary text, as the server executes it.
pub fn tokenize(input: &str) -> Result<Vec<Token>, ParseError> {
    let mut lexer = Lexer {
        src: input,
        bytes: input.as_bytes(),
        pos: 0,
        tokens: Vec::with_capacity(input.len() / 4),
        versioned_comment_depth: 0,
    };
    lexer.run()?;
    Ok(lexer.tokens)
}

struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    tokens: Vec<Token>,
    versioned_comment_depth: u32,
}

const TWO_CHAR_OPERATORS: [&str; 9] = ["<=", ">=", "<>", "!=", "||", "&&", "<<", ">>", ":="];

impl Lexer<'_> {
    fn error(&self, at: usize, message: impl Into<String>) -> ParseError {
        ParseError::new(Location::of_offset(self.src, at), message)
    }

    fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.pos + ahead).copied()
    }

    fn push(&mut self, kind: TokenKind, text: String, start: usize) {
        self.tokens.push(Token {
            kind,
            text,
            start,
            end: self.pos,
        });
    }

    fn run(&mut self) -> Result<(), ParseError> {
        while let Some(c) = self.peek(0) {
            let start = self.pos;
            match c {
                b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => self.pos += 1,
                b'#' => self.skip_line(),
                b'-' if self.peek(1) == Some(b'-')
                    && matches!(self.peek(2), None | Some(b' ' | b'\t' | b'\n' | b'\r')) =>
                {
                    self.skip_line()
                }
                b'/' if self.peek(1) == Some(b'*') => self.block_comment()?,
                b'*' if self.versioned_comment_depth > 0 && self.peek(1) == Some(b'/') => {
                    self.versioned_comment_depth -= 1;
                    self.pos += 2;
                }
                b'`' => {
                    let name = self.quoted(b'`')?;
                    self.push(TokenKind::QuotedIdent, name, start);
                }
                b'\'' | b'"' => {
                    let value = self.quoted(c)?;
                    self.push(TokenKind::Str, value, start);
                }
                b'0'..=b'9' => self.number_or_bits(),
                b'.' if matches!(self.peek(1), Some(b'0'..=b'9')) => self.number_or_bits(),
                b'x' | b'X' | b'b' | b'B' if self.peek(1) == Some(b'\'') => {
                    self.pos += 1;
                    self.quoted(b'\'')?;
                    let text = self.src[start..self.pos].to_string();
                    self.push(TokenKind::Bits, text, start);
                }
                c if c.is_ascii_alphabetic() || c == b'_' || c == b'$' || c >= 0x80 => {
                    while let Some(c) = self.peek(0) {
                        if c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80 {
                            self.pos += 1;
                        } else {
                            break;
                        }
                    }
                    let text = self.src[start..self.pos].to_string();
                    self.push(TokenKind::Word, text, start);
                }
                _ => self.punct()?,
            }
        }
        if self.versioned_comment_depth > 0 {
            return Err(self.error(self.pos, "unterminated /*! … */ comment"));
        }
        Ok(())
    }

    fn skip_line(&mut self) {
        while let Some(c) = self.peek(0) {
            self.pos += 1;
            if c == b'\n' {
                break;
            }
        }
    }

    fn block_comment(&mut self) -> Result<(), ParseError> {
        let start = self.pos;
        // `/*!NNNNN` (MySQL) and `/*M!NNNNNN` (MariaDB) hold executable text.
        let versioned_prefix = if self.peek(2) == Some(b'!') {
            Some(3)
        } else if self.peek(2) == Some(b'M') && self.peek(3) == Some(b'!') {
            Some(4)
        } else {
            None
        };
        if let Some(prefix) = versioned_prefix {
            self.pos += prefix;
            while matches!(self.peek(0), Some(b'0'..=b'9')) {
                self.pos += 1;
            }
            self.versioned_comment_depth += 1;
            return Ok(());
        }
        match self.src[self.pos + 2..].find("*/") {
            Some(end) => {
                self.pos += 2 + end + 2;
                Ok(())
            }
            None => Err(self.error(start, "unterminated /* comment")),
        }
    }

    /// Read a quoted token starting at the opening quote; returns the unescaped body.
    fn quoted(&mut self, quote: u8) -> Result<String, ParseError> {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        let mut run_start = self.pos;
        loop {
            let Some(c) = self.peek(0) else {
                let what = if quote == b'`' {
                    "identifier"
                } else {
                    "string"
                };
                return Err(self.error(start, format!("unterminated quoted {what}")));
            };
            if c == quote {
                out.push_str(&self.src[run_start..self.pos]);
                if self.peek(1) == Some(quote) {
                    out.push(quote as char);
                    self.pos += 2;
                    run_start = self.pos;
                    continue;
                }
                self.pos += 1;
                return Ok(out);
            }
            if c == b'\\' && quote != b'`' {
                out.push_str(&self.src[run_start..self.pos]);
                let Some(next) = self.src[self.pos + 1..].chars().next() else {
                    return Err(self.error(start, "unterminated quoted string"));
                };
                match next {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    '0' => out.push('\0'),
                    'b' => out.push('\u{8}'),
                    'Z' => out.push('\u{1a}'),
                    // MySQL keeps the backslash before % and _ (they matter to LIKE).
                    '%' | '_' => {
                        out.push('\\');
                        out.push(next);
                    }
                    other => out.push(other),
                }
                self.pos += 1 + next.len_utf8();
                run_start = self.pos;
                continue;
            }
            self.pos += 1;
        }
    }

    fn number_or_bits(&mut self) {
        let start = self.pos;
        if self.peek(0) == Some(b'0') && matches!(self.peek(1), Some(b'x' | b'b')) {
            let hex = self.peek(1) == Some(b'x');
            let mut end = self.pos + 2;
            while let Some(&c) = self.bytes.get(end) {
                let ok = if hex {
                    c.is_ascii_hexdigit()
                } else {
                    c == b'0' || c == b'1'
                };
                if !ok {
                    break;
                }
                end += 1;
            }
            let followed_by_word = self
                .bytes
                .get(end)
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_');
            if end > self.pos + 2 && !followed_by_word {
                self.pos = end;
                let text = self.src[start..end].to_string();
                self.push(TokenKind::Bits, text, start);
                return;
            }
        }
        while matches!(self.peek(0), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        if self.peek(0) == Some(b'.') {
            self.pos += 1;
            while matches!(self.peek(0), Some(b'0'..=b'9')) {
                self.pos += 1;
            }
        }
        if matches!(self.peek(0), Some(b'e' | b'E')) {
            let sign = usize::from(matches!(self.peek(1), Some(b'+' | b'-')));
            if matches!(self.peek(1 + sign), Some(b'0'..=b'9')) {
                self.pos += 1 + sign;
                while matches!(self.peek(0), Some(b'0'..=b'9')) {
                    self.pos += 1;
                }
            }
        }
        // An identifier may start with digits (`1a`): lex it as a word.
        if self
            .peek(0)
            .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_' || c == b'$')
        {
            while self
                .peek(0)
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'$')
            {
                self.pos += 1;
            }
            let text = self.src[start..self.pos].to_string();
            self.push(TokenKind::Word, text, start);
            return;
        }
        let text = self.src[start..self.pos].to_string();
        self.push(TokenKind::Number, text, start);
    }

    fn punct(&mut self) -> Result<(), ParseError> {
        let start = self.pos;
        let rest = &self.src[self.pos..];
        if rest.starts_with("<=>") {
            self.pos += 3;
        } else if TWO_CHAR_OPERATORS.iter().any(|op| rest.starts_with(op)) {
            self.pos += 2;
        } else {
            let c = rest.chars().next().unwrap_or('\0');
            if !"(),;=.<>+-*/%!~^&|:@?[]{}".contains(c) {
                return Err(self.error(start, format!("unexpected character {c:?}")));
            }
            self.pos += c.len_utf8();
        }
        let text = self.src[start..self.pos].to_string();
        self.push(TokenKind::Punct, text, start);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(sql: &str) -> Vec<(TokenKind, String)> {
        tokenize(sql)
            .unwrap()
            .into_iter()
            .map(|t| (t.kind, t.text))
            .collect()
    }

    #[test]
    fn unescapes_strings_and_identifiers() {
        let toks = kinds(r#"`a``b` 'it''s' 'x\'y\\z\n' "dq""x" '50\%'"#);
        assert_eq!(toks[0], (TokenKind::QuotedIdent, "a`b".into()));
        assert_eq!(toks[1], (TokenKind::Str, "it's".into()));
        assert_eq!(toks[2], (TokenKind::Str, "x'y\\z\n".into()));
        assert_eq!(toks[3], (TokenKind::Str, "dq\"x".into()));
        assert_eq!(toks[4], (TokenKind::Str, "50\\%".into()));
    }

    #[test]
    fn versioned_comments_are_lexed_plain_comments_skipped() {
        let toks = kinds("a /* x */ /*!50100 PARTITION BY */ -- c\n # d\n b");
        let texts: Vec<_> = toks.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(texts, ["a", "PARTITION", "BY", "b"]);
    }

    #[test]
    fn numbers_bits_and_operators() {
        let toks = kinds("1.5e3 0x1F b'01' X'aa' <=> <= 1abc .5");
        assert_eq!(toks[0], (TokenKind::Number, "1.5e3".into()));
        assert_eq!(toks[1], (TokenKind::Bits, "0x1F".into()));
        assert_eq!(toks[2], (TokenKind::Bits, "b'01'".into()));
        assert_eq!(toks[3], (TokenKind::Bits, "X'aa'".into()));
        assert_eq!(toks[4], (TokenKind::Punct, "<=>".into()));
        assert_eq!(toks[5], (TokenKind::Punct, "<=".into()));
        assert_eq!(toks[6], (TokenKind::Word, "1abc".into()));
        assert_eq!(toks[7], (TokenKind::Number, ".5".into()));
    }

    #[test]
    fn errors_carry_line_and_column() {
        let err = tokenize("a\n  'open").unwrap_err();
        assert_eq!((err.location.line, err.location.column), (2, 3));
        assert!(tokenize("/*! a").is_err());
        assert!(tokenize("/* a").is_err());
    }
}
