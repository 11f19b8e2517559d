//! The readiness check, through the host layer ([`shadowsync::host::check`]).

use pyo3::prelude::*;
use shadowsync::host::{self, open_store, to_json, AnalyzeOptions, CheckOptions};
use shadowsync_core::shadow::ShadowPolicy;
use shadowsync_core::task::Store;
use shadowsync_core::Clock;
use shadowsync_store::SystemClock;

use crate::analysis::Names;
use crate::executor::Executor;

/// Check the database of `executor` (see the Python `check`): the check
/// view's JSON text.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
pub(crate) fn check(
    py: Python<'_>,
    executor: PyRef<'_, Executor>,
    prefix: Option<String>,
    suffix: Option<String>,
    tables: Option<Names>,
    include: Names,
    exclude: Names,
    skip: Names,
    rebuild: bool,
    app_user: Option<String>,
    cache: Option<String>,
) -> PyResult<String> {
    let options = CheckOptions {
        analyze: AnalyzeOptions {
            prefix,
            suffix,
            tables: tables.map(|t| t.0),
            include: include.0,
            exclude: exclude.0,
            skip: skip.0,
            adopt: Vec::new(),
            policy: ShadowPolicy {
                rebuild,
                ..ShadowPolicy::default()
            },
            // Unknown tables are probed by the check itself.
            allow_missing: false,
        },
        app_user,
    };
    let executor: &Executor = &executor;
    executor.forget_origin();
    py.detach(|| {
        let cache = cache.as_deref().map(open_store).transpose()?;
        let cache = cache.as_deref().map(|s| s as &dyn Store);
        let view = host::check_with(executor.lock().as_mut(), &options, SystemClock.now(), cache)?;
        to_json(&view)
    })
    .map_err(|e| executor.error(e))
}

/// Check every shard of the fleet file `text` (named `source` in errors;
/// see the Python `check_fleet`): the fleet check view's JSON text.
#[pyfunction]
pub(crate) fn check_fleet(
    py: Python<'_>,
    text: &str,
    source: &str,
    servers_at_once: usize,
    connections_per_server: usize,
) -> PyResult<String> {
    py.detach(|| {
        let fleet = host::read_fleet(text, source)?;
        let options = host::FleetOptions::bounded(servers_at_once, connections_per_server);
        to_json(&host::check_fleet(&fleet, &options, SystemClock.now())?)
    })
    .map_err(crate::errors::to_py)
}
