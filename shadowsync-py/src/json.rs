//! JSON across the boundary: results leave as the host layer's views
//! (`shadowsync::host::view`, printed by `host::to_json`, the text every
//! front end gives), structured arguments arrive as the core's serde types.

use serde::de::DeserializeOwned;
use shadowsync_core::Error;

/// A `T` from the JSON text of argument `what`.
pub(crate) fn from_json<T: DeserializeOwned>(text: &str, what: &str) -> Result<T, Error> {
    serde_json::from_str(text).map_err(|e| Error::InvalidRequest(format!("{what}: {e}")))
}
