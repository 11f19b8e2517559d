//! Python bindings of shadowsync: the native module `shadowsync._native`
//! behind the typed `shadowsync` package (`python/shadowsync`).
//!
//! A thin layer over the host layer (`shadowsync::host`): argument
//! conversion and error mapping only. Results cross as the host layer's
//! JSON views (`host::to_json`, the text the CLI and the C ABI give too),
//! which the package reads into the dataclasses generated from their
//! description (`views/`). Every call into the core that does work
//! releases the GIL; a Python object or a DB-API connection can stand in
//! for the executor. The library's `tracing` records reach Python
//! `logging` under the logger `shadowsync` ([`logging`]).

mod analysis;
mod check;
mod errors;
mod executor;
mod json;
mod logging;
mod tasks;

use pyo3::prelude::*;

/// The native module behind the `shadowsync` package (private: import
/// `shadowsync` instead).
#[pymodule]
mod _native {
    use pyo3::prelude::*;

    #[pymodule_export]
    use crate::analysis::{analyze, analyze_snapshot, diff, Analysis};
    #[pymodule_export]
    use crate::check::{check, check_fleet};
    #[pymodule_export]
    use crate::errors::{
        ExecutorError, HostError, InvalidNameError, InvalidRequestError, InvalidTransitionError,
        NotFoundError, ParseError, RefusedTableError, ShadowSyncError, StoreError,
    };
    #[pymodule_export]
    use crate::executor::Executor;
    #[pymodule_export]
    use crate::tasks::TaskCenter;

    /// The library's version, as its crates give it.
    #[pymodule_export]
    #[allow(non_upper_case_globals)] // Python's name for it.
    const __version__: &str = env!("CARGO_PKG_VERSION");

    /// Log records to Python `logging` from the module's import on.
    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        crate::logging::install(m.py())
    }
}
