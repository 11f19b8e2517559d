//! JSON in and out. Every value a host shows (a plan, a task, a timeline,
//! logs, a page of tasks, a due report) goes out as its view of the host
//! layer, through `shadowsync::host::to_json`; JSON arguments are read here, and the few
//! results that are no view (statement lists, flows) are written compactly
//! by [`compact`].

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use shadowsync_core::Error;

/// `value` as compact JSON text (a result that is no view).
pub(crate) fn compact<T: Serialize>(value: &T) -> Result<String, Error> {
    serde_json::to_string(value)
        .map_err(|e| Error::InvalidRequest(format!("cannot encode the result: {e}")))
}

/// A `T` from the JSON text of argument `what`.
pub(crate) fn from_json<T: DeserializeOwned>(text: &str, what: &str) -> Result<T, Error> {
    serde_json::from_str(text).map_err(|e| Error::InvalidRequest(format!("{what}: {e}")))
}

/// A `T` from the JSON text of an object giving some of its fields (`None`:
/// none); see [`merge_default`].
pub(crate) fn over_default<T>(text: Option<&str>, what: &str) -> Result<T, Error>
where
    T: Serialize + DeserializeOwned + Default,
{
    let patch = text
        .map(|text| from_json::<Value>(text, what))
        .transpose()?;
    merge_default(patch, what)
}

/// A `T` from a JSON object giving some of its fields (`None`: none): the
/// fields not given keep their values in `T::default()`; unknown fields are
/// refused.
pub(crate) fn merge_default<T>(patch: Option<Value>, what: &str) -> Result<T, Error>
where
    T: Serialize + DeserializeOwned + Default,
{
    let Some(patch) = patch else {
        return Ok(T::default());
    };
    let bad = |why: String| Error::InvalidRequest(format!("{what}: {why}"));
    let Value::Object(fields) = patch else {
        return Err(bad("expected a JSON object".into()));
    };
    let mut base = serde_json::to_value(T::default()).map_err(|e| bad(e.to_string()))?;
    let Value::Object(known) = &mut base else {
        return Err(bad("has no fields".into()));
    };
    for (key, value) in fields {
        match known.get_mut(&key) {
            Some(slot) => *slot = value,
            None => return Err(bad(format!("unknown field `{key}`"))),
        }
    }
    serde_json::from_value(base).map_err(|e| bad(e.to_string()))
}

#[cfg(test)]
mod tests {
    use shadowsync_core::task::{LogFilter, TaskQuery};

    use super::*;

    #[test]
    fn fields_not_given_keep_their_defaults() {
        let query: TaskQuery = over_default(Some(r#"{"page_size": 5}"#), "query").unwrap();
        assert_eq!(
            query,
            TaskQuery {
                page_size: 5,
                ..TaskQuery::default()
            }
        );
        let filter: LogFilter = over_default(None, "filter").unwrap();
        assert_eq!(filter, LogFilter::all());
    }

    #[test]
    fn unknown_fields_and_non_objects_are_refused() {
        let err = over_default::<LogFilter>(Some(r#"{"alerts": true}"#), "filter").unwrap_err();
        assert_eq!(
            err,
            Error::InvalidRequest("filter: unknown field `alerts`".into())
        );
        assert!(over_default::<LogFilter>(Some("[1]"), "filter").is_err());
        assert!(over_default::<LogFilter>(Some("{"), "filter").is_err());
    }
}
