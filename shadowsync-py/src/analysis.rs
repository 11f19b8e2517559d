//! Diff and shadow analysis.

use pyo3::prelude::*;
use shadowsync_core::analysis::{
    self as core_analysis, AnalysisRequest, SchemaSnapshot, Selection,
};
use shadowsync_core::diff::{diff_schemas, DiffOptions};
use shadowsync_core::parse::parse_tables;
use shadowsync_core::shadow::NamingRule;
use shadowsync_core::shadow::ShadowPolicy;
use shadowsync_core::statement::sql_of;
use shadowsync_core::{Error, Flavor};

use crate::errors::to_py;
use crate::executor::Executor;
use crate::json::{from_json, tables_json, to_json};

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
        let flavor = Flavor::from_name(flavor).ok_or_else(|| {
            Error::InvalidRequest(format!(
                "unknown flavor `{flavor}`: expected mysql, mariadb or oceanbase"
            ))
        })?;
        let options = DiffOptions {
            flavor,
            drop_tables,
            ..DiffOptions::default()
        };
        diff_schemas(&parse_tables(current)?, &parse_tables(desired)?, &options)
            .map(|statements| sql_of(&statements))
    })
    .map_err(to_py)
}

/// The analysis request made of the arguments of `analyze`.
fn request(
    rule: &str,
    tables: Option<Vec<String>>,
    skip: Vec<String>,
    adopt: Vec<String>,
    redirect_foreign_keys: bool,
    copy_auto_increment: bool,
    rebuild: bool,
) -> Result<AnalysisRequest, Error> {
    Ok(AnalysisRequest {
        rule: NamingRule::parse(rule)?,
        selection: tables.map_or(Selection::All, Selection::Tables),
        skip,
        policy: ShadowPolicy {
            redirect_foreign_keys,
            copy_auto_increment,
            rebuild,
        },
        adopt,
    })
}

/// Analyse the database of `executor` under `rule` (`prefix:AFFIX` or
/// `suffix:AFFIX`).
#[pyfunction]
// One argument per keyword of the Python `analyze`, as pyo3 maps them.
#[allow(clippy::too_many_arguments)]
pub(crate) fn analyze(
    py: Python<'_>,
    executor: PyRef<'_, Executor>,
    rule: &str,
    tables: Option<Vec<String>>,
    skip: Vec<String>,
    adopt: Vec<String>,
    redirect_foreign_keys: bool,
    copy_auto_increment: bool,
    rebuild: bool,
) -> PyResult<Analysis> {
    let executor: &Executor = &executor;
    let inner = py
        .detach(|| {
            let request = request(
                rule,
                tables,
                skip,
                adopt,
                redirect_foreign_keys,
                copy_auto_increment,
                rebuild,
            )?;
            core_analysis::analyze(executor.lock().as_mut(), &request)
        })
        .map_err(to_py)?;
    Ok(Analysis { inner })
}

/// Analyse schema facts given as JSON (`{"server":…,"relations":[…],"ddl":{…}}`).
#[pyfunction]
// One argument per keyword of the Python `analyze_snapshot`, as pyo3 maps them.
#[allow(clippy::too_many_arguments)]
pub(crate) fn analyze_snapshot(
    py: Python<'_>,
    snapshot_json: &str,
    rule: &str,
    tables: Option<Vec<String>>,
    skip: Vec<String>,
    adopt: Vec<String>,
    redirect_foreign_keys: bool,
    copy_auto_increment: bool,
    rebuild: bool,
) -> PyResult<Analysis> {
    let inner = py
        .detach(|| {
            let request = request(
                rule,
                tables,
                skip,
                adopt,
                redirect_foreign_keys,
                copy_auto_increment,
                rebuild,
            )?;
            let snapshot: SchemaSnapshot = from_json(snapshot_json, "snapshot")?;
            Ok(core_analysis::analyze_snapshot(&snapshot, &request))
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
    /// The database analysed.
    #[getter]
    fn database(&self) -> &str {
        &self.inner.database
    }

    /// The naming rule, as `prefix:AFFIX` or `suffix:AFFIX`.
    #[getter]
    fn rule(&self) -> String {
        self.inner.rule.to_string()
    }

    /// The per-table results as JSON.
    fn tables_json(&self, py: Python<'_>) -> PyResult<String> {
        py.detach(|| tables_json(&self.inner)).map_err(to_py)
    }

    /// The whole analysis as JSON.
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        py.detach(|| to_json(&self.inner)).map_err(to_py)
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
