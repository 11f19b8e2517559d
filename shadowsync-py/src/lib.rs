//! Python bindings of shadowsync: the native module `shadowsync._native`
//! behind the typed `shadowsync` package (`python/shadowsync`).
//!
//! A thin layer over `shadowsync-core`, `shadowsync-mysql` and
//! `shadowsync-store`: argument conversion and error mapping only.
//! Structured results cross as JSON texts of the core's serde types; the
//! package turns them into dataclasses. Every call into the core that does
//! work releases the GIL; a Python object can stand in for the executor,
//! its exceptions becoming `ExecutorError`s.

#![warn(missing_docs)]

mod analysis;
mod errors;
mod executor;
mod json;
mod tasks;

use pyo3::prelude::*;

/// The native module behind the `shadowsync` package (private: import
/// `shadowsync` instead).
#[pymodule]
mod _native {
    #[pymodule_export]
    use crate::analysis::{analyze, analyze_snapshot, diff, Analysis};
    #[pymodule_export]
    use crate::errors::{
        ExecutorError, InvalidNameError, InvalidRequestError, InvalidTransitionError,
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
}
