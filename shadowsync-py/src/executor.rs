//! Executors: a MySQL-family connection, a Python object, or a DB-API 2.0
//! connection (through the host layer's `SessionExecutor`).

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};
use shadowsync::host::options::parse_introspection;
use shadowsync::host::{map_shadows, SessionExecutor, ShadowTarget, SqlSession};
use shadowsync_core::{Error, Executor as CoreExecutor, Relation, Result, ServerInfo};
use shadowsync_mysql::MysqlExecutor;

use crate::errors::{caused, to_py};
use shadowsync::host::to_json;

/// Where a Python-backed executor keeps the Python exception behind its
/// last failure, to become the `__cause__` of the error raised for it.
pub(crate) type Origin = Arc<Mutex<Option<PyErr>>>;

/// An executor: a connection to one database, or a Python object standing
/// in for one. Calls through it release the GIL; one call runs at a time.
#[pyclass(module = "shadowsync._native", frozen)]
pub struct Executor {
    inner: Mutex<Box<dyn CoreExecutor + Send>>,
    connection: String,
    origin: Origin,
}

impl Executor {
    pub(crate) fn new(
        inner: Box<dyn CoreExecutor + Send>,
        connection: String,
        origin: Origin,
    ) -> Executor {
        Executor {
            inner: Mutex::new(inner),
            connection,
            origin,
        }
    }

    /// Forget the Python exception of an earlier call (before a new one).
    pub(crate) fn forget_origin(&self) {
        drop(
            self.origin
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take(),
        );
    }

    /// The Python exception for `error` of a call through this executor,
    /// caused by the Python exception its host raised, if one did.
    pub(crate) fn error(&self, error: Error) -> PyErr {
        let origin = match error {
            Error::Executor(_) | Error::ConnectionLost(_) => self
                .origin
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take(),
            _ => None,
        };
        caused(error, origin)
    }

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
        self.forget_origin();
        py.detach(|| work(self.lock().as_mut()))
            .map_err(|e| self.error(e))
    }
}

#[pymethods]
impl Executor {
    /// Connect to `url` (`mysql://user:password@host:port/database`), then
    /// switch to `database` when given; `introspection` is `auto`,
    /// `show-create` or `catalog` (see `shadowsync_mysql::Introspection`).
    /// With `shadow_url` and/or `shadow_schema`, database mode: sources
    /// read there, shadows in that database (see `shadowsync::host::mapping`).
    #[staticmethod]
    #[pyo3(signature = (url, database=None, introspection="auto", shadow_url=None, shadow_schema=None))]
    fn connect(
        py: Python<'_>,
        url: &str,
        database: Option<&str>,
        introspection: &str,
        shadow_url: Option<String>,
        shadow_schema: Option<String>,
    ) -> PyResult<Executor> {
        let introspection = parse_introspection(introspection).map_err(to_py)?;
        let (inner, connection) = py
            .detach(|| {
                let executor = MysqlExecutor::connect(url)?.with_introspection(introspection);
                let executor = match database {
                    Some(database) => executor.with_database(database)?,
                    None => executor,
                };
                let connection = executor.redacted_url().to_string();
                let target = ShadowTarget {
                    url: shadow_url,
                    database: shadow_schema,
                };
                Ok::<_, Error>((
                    map_shadows(executor, url, &target, introspection)?,
                    connection,
                ))
            })
            .map_err(to_py)?;
        Ok(Executor::new(inner, connection, Origin::default()))
    }

    /// An executor calling `host` back: its methods `server_info()` and
    /// `list_relations()` return JSON texts, `show_create_tables(names)` a
    /// list of DDL texts (None: no such table), `execute(sql)` runs one
    /// statement. An exception they raise becomes an `ExecutorError`.
    /// `connection` names the host in tasks.
    #[staticmethod]
    fn wrap(host: Py<PyAny>, connection: String) -> Executor {
        let origin = Origin::default();
        let inner = HostExecutor {
            host,
            origin: origin.clone(),
        };
        Executor::new(Box::new(inner), connection, origin)
    }

    /// An executor on `connection`, an open DB-API 2.0 connection (PyMySQL,
    /// mysqlclient, ...) to a MySQL-family server: statements run through
    /// its cursors (see `shadowsync::host::session` for what is asked and
    /// the session settings it states). `name` names it in tasks.
    #[staticmethod]
    fn dbapi(connection: Py<PyAny>, name: String) -> Executor {
        let origin = Origin::default();
        let session = DbApiSession {
            connection,
            origin: origin.clone(),
        };
        Executor::new(Box::new(SessionExecutor::new(session)), name, origin)
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

/// Keep `error` in `origin`; the executor error describing it.
fn keep(origin: &Origin, error: PyErr, what: String) -> Error {
    let message = Error::Executor(format!("{what} failed: {error}"));
    *origin.lock().unwrap_or_else(PoisonError::into_inner) = Some(error);
    message
}

/// An executor whose methods are those of a Python object.
struct HostExecutor {
    host: Py<PyAny>,
    origin: Origin,
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
            call(self.host.bind(py))
                .map_err(|e| keep(&self.origin, e, format!("Python executor method {name}()")))
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

/// A DB-API 2.0 connection, as the host layer's session executor uses it.
struct DbApiSession {
    connection: Py<PyAny>,
    origin: Origin,
}

impl DbApiSession {
    /// `sql` run on a new cursor of the connection, then `read` of the
    /// cursor, then the cursor closed; a Python exception is kept.
    fn on_cursor<T>(
        &self,
        sql: &str,
        read: impl for<'py> FnOnce(&Bound<'py, PyAny>) -> PyResult<T>,
    ) -> Result<T> {
        Python::attach(|py| {
            let run = || -> PyResult<T> {
                let cursor = self.connection.bind(py).call_method0("cursor")?;
                let result = cursor
                    .call_method1("execute", (sql,))
                    .and_then(|_| read(&cursor));
                let closed = cursor.call_method0("close");
                let value = result?;
                closed?;
                Ok(value)
            };
            run().map_err(|e| keep(&self.origin, e, "the DB-API connection".into()))
        })
    }
}

/// A value a DB-API cursor returned, as text (`None`: NULL).
fn text(value: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
    if value.is_none() {
        Ok(None)
    } else if let Ok(s) = value.cast::<PyString>() {
        Ok(Some(s.to_str()?.to_string()))
    } else if let Ok(b) = value.cast::<PyBytes>() {
        Ok(Some(String::from_utf8_lossy(b.as_bytes()).into_owned()))
    } else {
        Ok(Some(value.str()?.to_str()?.to_string()))
    }
}

impl SqlSession for DbApiSession {
    fn execute(&mut self, sql: &str) -> Result<()> {
        self.on_cursor(sql, |_| Ok(()))
    }

    fn query(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>> {
        self.on_cursor(sql, |cursor| {
            let mut rows = Vec::new();
            for row in cursor.call_method0("fetchall")?.try_iter()? {
                let row = row?;
                let mut values = Vec::new();
                for value in row.try_iter()? {
                    values.push(text(&value?)?);
                }
                rows.push(values);
            }
            Ok(rows)
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
