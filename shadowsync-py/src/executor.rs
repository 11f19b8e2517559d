//! Executors: a MySQL-family connection, or a Python object.

use std::sync::{Mutex, MutexGuard, PoisonError};

use pyo3::prelude::*;
use shadowsync_core::{Error, Executor as CoreExecutor, Relation, Result, ServerInfo};
use shadowsync_mysql::{Introspection, MysqlExecutor};

use crate::errors::to_py;
use crate::json::to_json;

/// An executor: a connection to one database, or a Python object standing
/// in for one. Calls through it release the GIL; one call runs at a time.
#[pyclass(module = "shadowsync._native", frozen)]
pub struct Executor {
    inner: Mutex<Box<dyn CoreExecutor + Send>>,
    connection: String,
}

impl Executor {
    /// The executor, waiting (without the GIL held) for a call in another
    /// thread to end.
    pub(crate) fn lock(&self) -> MutexGuard<'_, Box<dyn CoreExecutor + Send>> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Run `work` on the executor with the GIL released.
    fn run<T: Send>(
        &self,
        py: Python<'_>,
        work: impl FnOnce(&mut dyn CoreExecutor) -> Result<T> + Send,
    ) -> PyResult<T> {
        py.detach(|| work(self.lock().as_mut())).map_err(to_py)
    }
}

#[pymethods]
impl Executor {
    /// Connect to `url` (`mysql://user:password@host:port/database`), then
    /// switch to `database` when given; `introspection` is `auto`,
    /// `show-create` or `catalog` (see `shadowsync_mysql::Introspection`).
    #[staticmethod]
    #[pyo3(signature = (url, database=None, introspection="auto"))]
    fn connect(
        py: Python<'_>,
        url: &str,
        database: Option<&str>,
        introspection: &str,
    ) -> PyResult<Executor> {
        let introspection = Introspection::parse(introspection).map_err(to_py)?;
        let inner = py
            .detach(|| {
                let executor = MysqlExecutor::connect(url)?.with_introspection(introspection);
                match database {
                    Some(database) => executor.with_database(database),
                    None => Ok(executor),
                }
            })
            .map_err(to_py)?;
        Ok(Executor {
            connection: inner.redacted_url().to_string(),
            inner: Mutex::new(Box::new(inner)),
        })
    }

    /// An executor calling `host` back: its methods `server_info()` and
    /// `list_relations()` return JSON texts, `show_create_tables(names)` a
    /// list of DDL texts (None: no such table), `execute(sql)` runs one
    /// statement. An exception they raise becomes an `ExecutorError`.
    /// `connection` names the host in tasks.
    #[staticmethod]
    fn wrap(host: Py<PyAny>, connection: String) -> Executor {
        Executor {
            inner: Mutex::new(Box::new(HostExecutor { host })),
            connection,
        }
    }

    /// Close the connection (a host object is let go); later calls fail
    /// with `InvalidRequestError`. Closing twice does nothing.
    fn close(&self, py: Python<'_>) {
        let closed: Box<dyn CoreExecutor + Send> = Box::new(Closed);
        // The old executor is dropped (its connection closed) without the GIL.
        let old = py.detach(|| std::mem::replace(&mut *self.lock(), closed));
        drop(old);
    }

    /// The connection, password redacted.
    #[getter]
    fn connection(&self) -> &str {
        &self.connection
    }

    /// Run one SQL statement.
    fn execute(&self, py: Python<'_>, sql: &str) -> PyResult<()> {
        self.run(py, |executor| executor.execute(sql))
    }

    /// The server facts, as JSON.
    fn server_info(&self, py: Python<'_>) -> PyResult<String> {
        self.run(py, |executor| to_json(&executor.server_info()?))
    }

    /// Every table and view of the database, as JSON.
    fn list_relations(&self, py: Python<'_>) -> PyResult<String> {
        self.run(py, |executor| to_json(&executor.list_relations()?))
    }

    /// `SHOW CREATE TABLE` of each table (None: no such table).
    fn show_create_tables(
        &self,
        py: Python<'_>,
        names: Vec<String>,
    ) -> PyResult<Vec<Option<String>>> {
        self.run(py, |executor| executor.show_create_tables(&names))
    }
}

/// An executor whose methods are those of a Python object.
struct HostExecutor {
    host: Py<PyAny>,
}

impl HostExecutor {
    /// Run `call` on the host object with the GIL held; a Python exception
    /// becomes an executor error naming method `name`.
    fn call<T>(
        &self,
        name: &str,
        call: impl for<'py> FnOnce(&Bound<'py, PyAny>) -> PyResult<T>,
    ) -> Result<T> {
        Python::attach(|py| {
            call(self.host.bind(py)).map_err(|e| {
                Error::Executor(format!("Python executor method {name}() failed: {e}"))
            })
        })
    }

    /// The JSON text returned by method `name`, decoded.
    fn decoded<T: serde::de::DeserializeOwned>(&self, name: &str) -> Result<T> {
        let text = self.call(name, |host| host.call_method0(name)?.extract::<String>())?;
        serde_json::from_str(&text).map_err(|e| {
            Error::Executor(format!(
                "Python executor method {name}() returned invalid data: {e}"
            ))
        })
    }
}

impl CoreExecutor for HostExecutor {
    fn server_info(&mut self) -> Result<ServerInfo> {
        self.decoded("server_info")
    }

    fn list_relations(&mut self) -> Result<Vec<Relation>> {
        self.decoded("list_relations")
    }

    fn show_create_tables(&mut self, names: &[String]) -> Result<Vec<Option<String>>> {
        let texts = self.call("show_create_tables", |host| {
            host.call_method1("show_create_tables", (names.to_vec(),))?
                .extract::<Vec<Option<String>>>()
        })?;
        if texts.len() != names.len() {
            return Err(Error::Executor(format!(
                "Python executor method show_create_tables() returned {} texts for {} names",
                texts.len(),
                names.len()
            )));
        }
        Ok(texts)
    }

    fn execute(&mut self, sql: &str) -> Result<()> {
        self.call("execute", |host| {
            host.call_method1("execute", (sql,)).map(drop)
        })
    }
}

/// What a closed executor becomes: every call fails.
struct Closed;

impl Closed {
    fn refuse<T>() -> Result<T> {
        Err(Error::InvalidRequest("the executor is closed".into()))
    }
}

impl CoreExecutor for Closed {
    fn server_info(&mut self) -> Result<ServerInfo> {
        Closed::refuse()
    }
    fn list_relations(&mut self) -> Result<Vec<Relation>> {
        Closed::refuse()
    }
    fn show_create_tables(&mut self, _names: &[String]) -> Result<Vec<Option<String>>> {
        Closed::refuse()
    }
    fn execute(&mut self, _sql: &str) -> Result<()> {
        Closed::refuse()
    }
}
