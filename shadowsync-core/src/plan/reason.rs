//! Why a table runs nothing: in step already, skipped by the user, missing,
//! or refused by the analysis. [`SkipReason`]'s `Display` is the message
//! users read (`identical`, `user`, `missing: …`, `refused: …`); its serde
//! form names the case and its facts.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::shadow::marker::MAX_TABLE_COMMENT;

/// Why a table of an analysis or plan runs no statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SkipReason {
    /// The shadow already matches its source.
    Identical,
    /// The user skipped the table.
    User,
    /// The selected table does not exist.
    NoSuchTable,
    /// The source table was listed but gone when its DDL was read.
    SourceVanished,
    /// The selected name is a view.
    SourceIsView,
    /// The selected table is itself a shadow under the naming rule.
    SourceIsShadow {
        /// The table.
        source: String,
        /// The naming rule (`prefix:__`).
        rule: String,
    },
    /// The shadow name is longer than the server allows.
    ShadowNameTooLong {
        /// The shadow name.
        shadow: String,
        /// Its length in characters.
        length: usize,
        /// The server's limit.
        max: usize,
    },
    /// A view has the shadow's name.
    ShadowNameIsView {
        /// The shadow name.
        shadow: String,
    },
    /// A selected source table has the shadow's name.
    ShadowNameIsSource {
        /// The shadow name.
        shadow: String,
    },
    /// Another source's shadow name differs from this one only in case.
    ShadowNameShared {
        /// The shadow name.
        shadow: String,
        /// The other source.
        other: String,
    },
    /// The source or shadow DDL cannot be read exactly (a parse error, or
    /// text the engine prints inexactly).
    Unreadable {
        /// What could not be read.
        message: String,
    },
    /// The source's table comment leaves no room for the shadow marker.
    NoRoomForMarker {
        /// The source table.
        source: String,
        /// The marked comment's length in characters.
        length: usize,
    },
    /// The source's engine reads or writes other tables (FEDERATED, …).
    RemoteEngine {
        /// The source table.
        source: String,
        /// The engine (or `options`, when an option points elsewhere).
        engine: String,
    },
    /// A table under the shadow's name carries no shadowsync marker and
    /// was not adopted.
    Collision {
        /// The existing table.
        shadow: String,
        /// The source.
        source: String,
    },
    /// The table under the shadow's name shares no column with the source.
    NotItsShadow {
        /// The existing table.
        shadow: String,
        /// The source.
        source: String,
    },
    /// The diff cannot turn the shadow into its source safely.
    Undiffable {
        /// Why (the diff's error).
        message: String,
    },
    /// The engine cannot make the change in place, and the shadow cannot be
    /// rebuilt.
    NotRebuilt {
        /// The change the engine cannot make.
        change: String,
        /// Why the rebuild is refused.
        problem: String,
    },
    /// The engine cannot make the change in place, and a table under a
    /// rebuild's temporary name exists.
    RebuildLeftover {
        /// The change the engine cannot make.
        change: String,
        /// The temporary name taken.
        leftover: String,
    },
    /// A rebuild of a shadow that other shadows' foreign keys reference.
    RebuildReferenced {
        /// The shadow.
        shadow: String,
    },
    /// A reason recorded as text by a release before reasons were typed.
    Recorded {
        /// The text as recorded.
        message: String,
    },
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::Identical => f.write_str("identical"),
            SkipReason::User => f.write_str("user"),
            SkipReason::NoSuchTable => f.write_str("missing: no such table"),
            SkipReason::SourceVanished => {
                f.write_str("missing: the source table vanished while reading")
            }
            SkipReason::SourceIsView => f.write_str("refused: a view is never a source"),
            SkipReason::SourceIsShadow { source, rule } => {
                write!(
                    f,
                    "refused: `{source}` is itself a shadow under rule {rule}"
                )
            }
            SkipReason::ShadowNameTooLong {
                shadow,
                length,
                max,
            } => write!(
                f,
                "refused: shadow name `{shadow}` has {length} characters, over the server's \
                 limit of {max}"
            ),
            SkipReason::ShadowNameIsView { shadow } => {
                write!(f, "refused: shadow name `{shadow}` is taken by a view")
            }
            SkipReason::ShadowNameIsSource { shadow } => write!(
                f,
                "refused: shadow name `{shadow}` is taken by a selected source table"
            ),
            SkipReason::ShadowNameShared { shadow, other } => write!(
                f,
                "refused: shadow name `{shadow}` is also the shadow name of `{other}` (names \
                 differ only in case)"
            ),
            SkipReason::Unreadable { message } | SkipReason::Undiffable { message } => {
                write!(f, "refused: {message}")
            }
            SkipReason::NoRoomForMarker { source, length } => write!(
                f,
                "refused: the table comment of `{source}` leaves no room for the shadow marker \
                 ({length} characters with it, over {MAX_TABLE_COMMENT})"
            ),
            SkipReason::RemoteEngine { source, engine } => write!(
                f,
                "refused: `{source}` uses engine {engine} whose table reads or writes other \
                 tables: a shadow of it would reach production data"
            ),
            SkipReason::Collision { shadow, source } => write!(
                f,
                "refused: collision: `{shadow}` exists but carries no shadowsync marker, so it \
                 is not known to be the shadow of `{source}` and is never altered (adopt it \
                 explicitly if it is)"
            ),
            SkipReason::NotItsShadow { shadow, source } => write!(
                f,
                "refused: existing table `{shadow}` shares no column with `{source}`; it is not \
                 its shadow (rename or drop it)"
            ),
            SkipReason::NotRebuilt { change, problem } => {
                write!(f, "refused: {change}; not rebuilt: {problem}")
            }
            SkipReason::RebuildLeftover { change, leftover } => write!(
                f,
                "refused: {change}; not rebuilt: `{leftover}` exists (left by an earlier \
                 rebuild? drop it once nothing uses it)"
            ),
            SkipReason::RebuildReferenced { shadow } => write!(
                f,
                "refused: not rebuilt: other shadows' foreign keys reference `{shadow}`"
            ),
            SkipReason::Recorded { message } => f.write_str(message),
        }
    }
}

impl SkipReason {
    /// Whether the analysis refuses the table (it cannot model it or make
    /// the change exactly, or the names clash): the user has to act, unlike
    /// a table that is identical, skipped by the user, or missing. A reason
    /// recorded as text by an earlier release counts as refused when its
    /// text says so.
    pub fn is_refused(&self) -> bool {
        match self {
            SkipReason::Identical
            | SkipReason::User
            | SkipReason::NoSuchTable
            | SkipReason::SourceVanished => false,
            SkipReason::SourceIsView
            | SkipReason::SourceIsShadow { .. }
            | SkipReason::ShadowNameTooLong { .. }
            | SkipReason::ShadowNameIsView { .. }
            | SkipReason::ShadowNameIsSource { .. }
            | SkipReason::ShadowNameShared { .. }
            | SkipReason::Unreadable { .. }
            | SkipReason::NoRoomForMarker { .. }
            | SkipReason::RemoteEngine { .. }
            | SkipReason::Collision { .. }
            | SkipReason::NotItsShadow { .. }
            | SkipReason::Undiffable { .. }
            | SkipReason::NotRebuilt { .. }
            | SkipReason::RebuildLeftover { .. }
            | SkipReason::RebuildReferenced { .. } => true,
            SkipReason::Recorded { message } => message.starts_with("refused"),
        }
    }

    /// The reason an earlier release recorded as `text`: the cases without
    /// facts by their message, anything else kept as recorded.
    pub(crate) fn from_recorded(text: String) -> SkipReason {
        [
            SkipReason::Identical,
            SkipReason::User,
            SkipReason::NoSuchTable,
            SkipReason::SourceVanished,
            SkipReason::SourceIsView,
        ]
        .into_iter()
        .find(|reason| reason.to_string() == text)
        .unwrap_or(SkipReason::Recorded { message: text })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_read_as_before_and_serialize_by_case() {
        let collision = SkipReason::Collision {
            shadow: "__t".into(),
            source: "t".into(),
        };
        assert!(collision
            .to_string()
            .starts_with("refused: collision: `__t` exists"));
        assert_eq!(
            serde_json::to_value(&collision).unwrap(),
            serde_json::json!({"kind": "collision", "shadow": "__t", "source": "t"})
        );
        assert_eq!(
            serde_json::to_value(SkipReason::Identical).unwrap(),
            serde_json::json!({"kind": "identical"})
        );
    }

    #[test]
    fn refused_reasons_are_told_from_skips() {
        assert!(SkipReason::SourceIsView.is_refused());
        assert!(SkipReason::Collision {
            shadow: "__t".into(),
            source: "t".into()
        }
        .is_refused());
        for skip in [
            SkipReason::Identical,
            SkipReason::User,
            SkipReason::NoSuchTable,
            SkipReason::SourceVanished,
        ] {
            assert!(!skip.is_refused(), "{skip}");
        }
        // Every refused reason says so in its text, and the others do not.
        let recorded = |text: &str| SkipReason::from_recorded(text.to_string());
        assert!(recorded("refused: a view is never a source").is_refused());
        assert!(!recorded("missing: no such table").is_refused());
    }

    #[test]
    fn recorded_messages_are_read_by_their_case() {
        let recorded = |text: &str| SkipReason::from_recorded(text.to_string());
        assert_eq!(recorded("identical"), SkipReason::Identical);
        assert_eq!(recorded("user"), SkipReason::User);
        assert_eq!(recorded("missing: no such table"), SkipReason::NoSuchTable);
        assert_eq!(
            recorded("refused: something old"),
            SkipReason::Recorded {
                message: "refused: something old".into()
            }
        );
        let typed = r#"{"kind": "rebuild_referenced", "shadow": "__p"}"#;
        assert_eq!(
            serde_json::from_str::<SkipReason>(typed).unwrap(),
            SkipReason::RebuildReferenced {
                shadow: "__p".into()
            }
        );
    }
}
