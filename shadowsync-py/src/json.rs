//! JSON out: structured results cross into the Python package as JSON
//! texts of the core's serde types, which it turns into dataclasses.

use serde::de::DeserializeOwned;
use serde::Serialize;
use shadowsync_core::analysis::Analysis;
use shadowsync_core::Error;

/// `value` as JSON text.
pub(crate) fn to_json<T: Serialize>(value: &T) -> Result<String, Error> {
    serde_json::to_string(value)
        .map_err(|e| Error::InvalidRequest(format!("cannot encode the result: {e}")))
}

/// A `T` from the JSON text of argument `what`.
pub(crate) fn from_json<T: DeserializeOwned>(text: &str, what: &str) -> Result<T, Error> {
    serde_json::from_str(text).map_err(|e| Error::InvalidRequest(format!("{what}: {e}")))
}

/// The tables of an analysis as a JSON array: each table's fields as the
/// core serializes them, plus its effective `action`, `effective_reason` and
/// `effective_statements` (user skips applied).
pub(crate) fn tables_json(analysis: &Analysis) -> Result<String, Error> {
    to_json(&analysis.tables_json())
}
