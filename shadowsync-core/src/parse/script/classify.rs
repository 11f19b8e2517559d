//! What a statement of a script is, read from its first words: a table to
//! compare, something a dump holds that is passed over, or a statement that
//! would change tables and so cannot be passed over silently.

use crate::error::{Location, ParseError};

/// What a statement of a script is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Class {
    /// `CREATE TABLE`: read by the table parser.
    Table,
    /// Passed over: nothing about the tables' definitions is lost.
    PassedOver(PassedOverKind, Option<String>),
}

/// A kind of statement a dump holds that is not a table definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PassedOverKind {
    /// `SET`, `USE`, `LOCK TABLES`, `UNLOCK TABLES`, transaction statements.
    Session,
    /// `INSERT` and `REPLACE`: rows.
    Data,
    /// `DROP …` (a dump drops what it is about to create).
    Drop,
    /// `ALTER TABLE … DISABLE KEYS` / `ENABLE KEYS` around the rows.
    KeyChecks,
    /// `CREATE DATABASE` / `CREATE SCHEMA`.
    Database,
    /// `CREATE VIEW`.
    View,
    /// `CREATE TRIGGER`.
    Trigger,
    /// `CREATE PROCEDURE` / `CREATE FUNCTION`.
    Routine,
    /// `CREATE EVENT`.
    Event,
    /// `CREATE SEQUENCE` (MariaDB).
    Sequence,
}

impl PassedOverKind {
    /// Whether it defines a schema object besides tables (a view, trigger,
    /// routine, event or sequence): a user comparing schemas should hear
    /// that it was left out.
    pub fn is_schema_object(self) -> bool {
        matches!(
            self,
            Self::View | Self::Trigger | Self::Routine | Self::Event | Self::Sequence
        )
    }

    /// What it is, in messages.
    pub fn noun(self) -> &'static str {
        match self {
            Self::Session => "session statement",
            Self::Data => "data statement",
            Self::Drop => "DROP statement",
            Self::KeyChecks => "DISABLE/ENABLE KEYS statement",
            Self::Database => "CREATE DATABASE statement",
            Self::View => "view",
            Self::Trigger => "trigger",
            Self::Routine => "routine",
            Self::Event => "event",
            Self::Sequence => "sequence",
        }
    }
}

/// The class of `text`, a statement starting at byte `offset` of `src`.
pub(super) fn classify(src: &str, offset: usize, text: &str) -> Result<Class, ParseError> {
    let words = leading_words(text);
    let keyword = |i: usize| -> String {
        words
            .get(i)
            .filter(|w| !w.quoted)
            .map(|w| w.text.to_ascii_uppercase())
            .unwrap_or_default()
    };
    let passed = |kind| Ok(Class::PassedOver(kind, None));
    match keyword(0).as_str() {
        "SET" | "USE" | "LOCK" | "UNLOCK" | "START" | "BEGIN" | "COMMIT" | "ROLLBACK" => {
            passed(PassedOverKind::Session)
        }
        "INSERT" | "REPLACE" => passed(PassedOverKind::Data),
        "DROP" if DROPPABLE.contains(&keyword(1).as_str()) => passed(PassedOverKind::Drop),
        "ALTER" if keyword(1) == "TABLE" && is_keys_toggle(&words) => {
            passed(PassedOverKind::KeyChecks)
        }
        "CREATE" => create(&words, src, offset),
        _ => Err(not_read(src, offset, &words)),
    }
}

/// What `DROP` may drop in a dump: objects it then creates again.
const DROPPABLE: [&str; 10] = [
    "TABLE",
    "TABLES",
    "VIEW",
    "TRIGGER",
    "PROCEDURE",
    "FUNCTION",
    "EVENT",
    "DATABASE",
    "SCHEMA",
    "SEQUENCE",
];

/// `ALTER TABLE t DISABLE KEYS` or `… ENABLE KEYS`, and nothing more.
fn is_keys_toggle(words: &[Word]) -> bool {
    words.len() == 5
        && matches!(
            words[3].text.to_ascii_uppercase().as_str(),
            "DISABLE" | "ENABLE"
        )
        && words[4].text.eq_ignore_ascii_case("KEYS")
}

/// A `CREATE` statement: the first unquoted object keyword tells what it
/// creates (words before it are `OR REPLACE`, `ALGORITHM=…`, `DEFINER=…`,
/// `SQL SECURITY …`).
fn create(words: &[Word], src: &str, offset: usize) -> Result<Class, ParseError> {
    let found = words.iter().enumerate().skip(1).find_map(|(i, w)| {
        let upper = w.text.to_ascii_uppercase();
        (!w.quoted)
            .then(|| object_kind(&upper).map(|kind| (i, kind)))
            .flatten()
    });
    let Some((at, kind)) = found else {
        return Err(not_read(src, offset, words));
    };
    let Some(kind) = kind else {
        return Ok(Class::Table);
    };
    let name = words[at + 1..]
        .iter()
        .find(|w| {
            w.quoted
                || !matches!(
                    w.text.to_ascii_uppercase().as_str(),
                    "IF" | "NOT" | "EXISTS"
                )
        })
        .map(|w| w.text.clone());
    Ok(Class::PassedOver(kind, name))
}

/// `Some(None)` for TABLE, `Some(Some(kind))` for objects passed over,
/// `None` for words that name no object.
fn object_kind(upper: &str) -> Option<Option<PassedOverKind>> {
    Some(Some(match upper {
        "TABLE" => return Some(None),
        "VIEW" => PassedOverKind::View,
        "TRIGGER" => PassedOverKind::Trigger,
        "PROCEDURE" | "FUNCTION" => PassedOverKind::Routine,
        "EVENT" => PassedOverKind::Event,
        "SEQUENCE" => PassedOverKind::Sequence,
        "DATABASE" | "SCHEMA" => PassedOverKind::Database,
        _ => return None,
    }))
}

/// The error for a statement that is neither a table nor passed over.
fn not_read(src: &str, offset: usize, words: &[Word]) -> ParseError {
    let head: Vec<&str> = words.iter().take(3).map(|w| w.text.as_str()).collect();
    ParseError::new(
        Location::of_offset(src, offset),
        format!(
            "`{} …` is not read: only CREATE TABLE statements define the tables compared \
             (SET, USE, LOCK/UNLOCK TABLES, DROP, INSERT, DISABLE/ENABLE KEYS and CREATE \
             VIEW/TRIGGER/PROCEDURE/FUNCTION/EVENT/DATABASE are passed over); a statement \
             that changes a table, such as ALTER TABLE or CREATE INDEX, must be applied to \
             the CREATE TABLE it changes",
            head.join(" ")
        ),
    )
}

/// One word at the start of a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Word {
    /// The word, unquoted; `a.b` for a qualified name.
    text: String,
    /// Whether it was quoted (then it is a name, never a keyword).
    quoted: bool,
}

/// How many words are enough to classify any statement.
const WORDS: usize = 16;

/// The first words of `text`, up to its first `(`: comments are skipped,
/// the markers of versioned comments (`/*!50001`, `*/`) too (their text is
/// executed), quoted names are unquoted, punctuation separates words.
fn leading_words(text: &str) -> Vec<Word> {
    let bytes = text.as_bytes();
    let mut words: Vec<Word> = Vec::new();
    let mut pos = 0;
    let mut dotted = false;
    while pos < bytes.len() && words.len() < WORDS {
        let c = bytes[pos];
        let word = if c == b'/' && bytes.get(pos + 1) == Some(&b'*') {
            let marker = matches!(bytes.get(pos + 2), Some(b'!' | b'M'));
            pos = if marker {
                pos + 2
                    + bytes[pos + 2..]
                        .iter()
                        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'!')
                        .count()
            } else {
                text[pos + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |e| pos + 2 + e + 2)
            };
            None
        } else if c == b'*' && bytes.get(pos + 1) == Some(&b'/') {
            pos += 2;
            None
        } else if c == b'#' || (c == b'-' && text[pos..].starts_with("-- ")) {
            pos = text[pos..].find('\n').map_or(bytes.len(), |e| pos + e + 1);
            None
        } else if matches!(c, b'`' | b'\'' | b'"') {
            let end = text[pos + 1..]
                .find(c as char)
                .map_or(bytes.len(), |e| pos + 1 + e);
            let word = Word {
                text: text[pos + 1..end].to_string(),
                quoted: true,
            };
            pos = (end + 1).min(bytes.len());
            Some(word)
        } else if c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80 {
            let len = text[pos..]
                .find(|ch: char| !(ch.is_alphanumeric() || ch == '_' || ch == '$'))
                .unwrap_or(text.len() - pos);
            let word = Word {
                text: text[pos..pos + len].to_string(),
                quoted: false,
            };
            pos += len;
            Some(word)
        } else if c == b'(' {
            break;
        } else {
            dotted = c == b'.';
            pos += 1;
            continue;
        };
        if let Some(word) = word {
            match words.last_mut() {
                Some(last) if dotted => {
                    last.text = format!("{}.{}", last.text, word.text);
                    last.quoted |= word.quoted;
                }
                _ => words.push(word),
            }
        }
        dotted = false;
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(text: &str) -> Result<Class, ParseError> {
        classify(text, 0, text)
    }

    #[test]
    fn tables_are_read() {
        for text in [
            "CREATE TABLE t (a int)",
            "create table if not exists `t` (a int)",
            "/*!50100 CREATE TABLE t (a int) */",
        ] {
            assert_eq!(class(text).unwrap(), Class::Table, "{text}");
        }
    }

    #[test]
    fn dump_statements_are_passed_over() {
        use PassedOverKind::*;
        for (text, kind) in [
            ("/*!40101 SET NAMES utf8mb4 */", Session),
            ("LOCK TABLES `a` WRITE", Session),
            ("UNLOCK TABLES", Session),
            ("INSERT INTO `a` VALUES (1,'x')", Data),
            ("DROP TABLE IF EXISTS `a`", Drop),
            ("/*!50001 DROP VIEW IF EXISTS `v`*/", Drop),
            ("/*!40000 ALTER TABLE `a` DISABLE KEYS */", KeyChecks),
            ("CREATE DATABASE /*!32312 IF NOT EXISTS*/ `d`", Database),
        ] {
            assert_eq!(
                class(text).unwrap(),
                Class::PassedOver(
                    kind,
                    None.or(match kind {
                        Database => Some("d".into()),
                        _ => None,
                    })
                ),
                "{text}"
            );
        }
    }

    #[test]
    fn schema_objects_are_named() {
        use PassedOverKind::*;
        for (text, kind, name) in [
            ("/*!50001 CREATE ALGORITHM=UNDEFINED */\n/*!50013 DEFINER=`u`@`h` SQL SECURITY DEFINER */\n/*!50001 VIEW `v` AS select 1 */", View, "v"),
            ("/*!50003 CREATE*/ /*!50017 DEFINER=`u`@`h`*/ /*!50003 TRIGGER trg BEFORE INSERT ON a FOR EACH ROW BEGIN SET NEW.n = 1; END */", Trigger, "trg"),
            ("CREATE DEFINER=`u`@`h` PROCEDURE `p`()", Routine, "p"),
            ("CREATE OR REPLACE VIEW db.v AS SELECT 1", View, "db.v"),
            ("CREATE SEQUENCE s start with 1", Sequence, "s"),
        ] {
            assert_eq!(class(text).unwrap(), Class::PassedOver(kind, Some(name.into())), "{text}");
            assert!(kind.is_schema_object());
        }
    }

    #[test]
    fn statements_that_change_tables_are_refused() {
        for text in [
            "ALTER TABLE a ADD COLUMN b int",
            "CREATE INDEX i ON a (b)",
            "DROP INDEX i ON a",
            "SELECT 1",
            "RENAME TABLE a TO b",
        ] {
            let err = class(text).unwrap_err();
            assert!(
                err.message.contains("is not read"),
                "{text}: {}",
                err.message
            );
        }
    }
}
