//! Diff and shadow analysis, through the host layer's options.

use pyo3::prelude::*;
use pyo3::types::PyString;
use shadowsync::host::open_store;
use shadowsync::host::options::{parse_flavor, AnalyzeOptions};
use shadowsync::host::view::PlanView;
use shadowsync_core::analysis::{self as core_analysis, SchemaSnapshot};
use shadowsync_core::diff::{diff_schemas, DiffOptions};
use shadowsync_core::parse::parse_script;
use shadowsync_core::shadow::ShadowPolicy;
use shadowsync_core::statement::sql_of;
use shadowsync_core::task::Store;

use crate::errors::to_py;
use crate::executor::Executor;
use crate::json::from_json;
use shadowsync::host::to_json;

/// Table names as Python gives them: one string is one table (not its
/// letters), any other iterable gives one name per item.
pub(crate) struct Names(pub(crate) Vec<String>);

impl<'a, 'py> FromPyObject<'a, 'py> for Names {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Names> {
        if let Ok(name) = obj.cast::<PyString>() {
            return Ok(Names(vec![name.to_str()?.to_string()]));
        }
        let mut names = Vec::new();
        for item in obj.try_iter()? {
            names.push(item?.extract::<String>()?);
        }
        Ok(Names(names))
    }
}

/// The statements turning the tables of `current` into those of `desired`.
#[pyfunction]
pub(crate) fn diff(
    py: Python<'_>,
    current: &str,
    desired: &str,
    flavor: &str,
    drop_tables: bool,
) -> PyResult<Vec<String>> {
    py.detach(|| {
        let options = DiffOptions {
            flavor: parse_flavor(flavor)?,
            drop_tables,
            ..DiffOptions::default()
        };
        diff_schemas(
            &parse_script(current)?.tables,
            &parse_script(desired)?.tables,
            &options,
        )
        .map(|statements| sql_of(&statements))
    })
    .map_err(to_py)
}

/// The host layer's options made of the arguments of `analyze`.
// One argument per keyword of the Python `analyze`, as pyo3 maps them.
#[allow(clippy::too_many_arguments)]
pub(crate) fn options(
    prefix: Option<String>,
    suffix: Option<String>,
    tables: Option<Names>,
    include: Names,
    exclude: Names,
    skip: Names,
    adopt: Names,
    redirect_foreign_keys: bool,
    copy_auto_increment: bool,
    rebuild: bool,
    allow_missing: bool,
) -> AnalyzeOptions {
    AnalyzeOptions {
        prefix,
        suffix,
        tables: tables.map(|t| t.0),
        include: include.0,
        exclude: exclude.0,
        skip: skip.0,
        adopt: adopt.0,
        allow_missing,
        policy: ShadowPolicy {
            redirect_foreign_keys,
            copy_auto_increment,
            rebuild,
        },
    }
}

/// Analyse the database of `executor` (see the Python `analyze`).
#[pyfunction]
#[allow(clippy::too_many_arguments)]
pub(crate) fn analyze(
    py: Python<'_>,
    executor: PyRef<'_, Executor>,
    prefix: Option<String>,
    suffix: Option<String>,
    tables: Option<Names>,
    include: Names,
    exclude: Names,
    skip: Names,
    adopt: Names,
    redirect_foreign_keys: bool,
    copy_auto_increment: bool,
    rebuild: bool,
    allow_missing: bool,
    cache: Option<String>,
) -> PyResult<Analysis> {
    let options = options(
        prefix,
        suffix,
        tables,
        include,
        exclude,
        skip,
        adopt,
        redirect_foreign_keys,
        copy_auto_increment,
        rebuild,
        allow_missing,
    );
    let executor: &Executor = &executor;
    executor.forget_origin();
    let inner = py
        .detach(|| {
            let cache = cache.as_deref().map(open_store).transpose()?;
            let cache = cache.as_deref().map(|s| s as &dyn Store);
            options.analyze_with(executor.lock().as_mut(), cache)
        })
        .map_err(|e| executor.error(e))?;
    Ok(Analysis { inner })
}

/// Analyse schema facts given as JSON (`{"server":…,"relations":[…],"ddl":{…}}`).
#[pyfunction]
#[allow(clippy::too_many_arguments)]
pub(crate) fn analyze_snapshot(
    py: Python<'_>,
    snapshot_json: &str,
    prefix: Option<String>,
    suffix: Option<String>,
    tables: Option<Names>,
    include: Names,
    exclude: Names,
    skip: Names,
    adopt: Names,
    redirect_foreign_keys: bool,
    copy_auto_increment: bool,
    rebuild: bool,
    allow_missing: bool,
) -> PyResult<Analysis> {
    let options = options(
        prefix,
        suffix,
        tables,
        include,
        exclude,
        skip,
        adopt,
        redirect_foreign_keys,
        copy_auto_increment,
        rebuild,
        allow_missing,
    );
    let inner = py
        .detach(|| {
            let snapshot: SchemaSnapshot = from_json(snapshot_json, "snapshot")?;
            options.analyze_snapshot(&snapshot)
        })
        .map_err(to_py)?;
    Ok(Analysis { inner })
}

/// The result of an analysis, with the user's skips.
#[pyclass(module = "shadowsync._native")]
pub struct Analysis {
    pub(crate) inner: core_analysis::Analysis,
}

#[pymethods]
impl Analysis {
    /// The plan view (`shadowsync::host::view::PlanView`) as JSON.
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        py.detach(|| to_json(&PlanView::of(&self.inner)))
            .map_err(to_py)
    }

    /// Every statement that would run, in order.
    fn preview(&self) -> Vec<String> {
        self.inner.preview()
    }

    /// Skip source table `source`; the other tables are re-analysed.
    fn skip(&mut self, py: Python<'_>, source: &str) -> PyResult<()> {
        let inner = &mut self.inner;
        py.detach(|| inner.skip(source)).map_err(to_py)
    }

    /// Undo a skip of `source`.
    fn unskip(&mut self, py: Python<'_>, source: &str) -> PyResult<()> {
        let inner = &mut self.inner;
        py.detach(|| inner.unskip(source)).map_err(to_py)
    }
}
