//! JSON across the boundary: results leave as the host layer's views
//! (`shadowsync::host::view`, printed by `host::to_json`, the text every
//! front end gives), structured arguments arrive as the core's serde types.

use serde::de::DeserializeOwned;
use serde::Serialize;
use shadowsync::host;
use shadowsync_core::Error;

/// `view` as the JSON text every front end gives.
pub(crate) fn view<T: Serialize>(view: &T) -> Result<String, Error> {
    host::to_json(view)
}

/// A `T` from the JSON text of argument `what`.
pub(crate) fn from_json<T: DeserializeOwned>(text: &str, what: &str) -> Result<T, Error> {
    serde_json::from_str(text).map_err(|e| Error::InvalidRequest(format!("{what}: {e}")))
}
