//! Executors: a MySQL-family connection from a URL, or the host's own
//! executor as a table of callbacks.

use std::ffi::{c_char, c_void};

use shadowsync::host::options::parse_introspection;
use shadowsync::host::{connect_mapped, ShadowTarget};
use shadowsync_core::{Error, Executor, Relation, Result, ServerInfo};
use shadowsync_mysql::{Introspection, MysqlExecutor};

use crate::ptr;
use crate::status::{guard, FfiError, SsStatus};

/// An executor: a connection to one database, or host callbacks. Use from
/// one thread at a time; release with `ss_executor_free`.
pub struct SsExecutor {
    pub(crate) inner: Box<dyn Executor>,
}

/// Where a host callback puts its answer (or, when it fails, its error
/// message), with `ss_reply_set`. Owned by the library; valid only during
/// the callback.
#[derive(Debug, Default)]
pub struct SsReply {
    text: Option<String>,
    invalid: bool,
}

/// A callback without argument: `server_info` or `list_relations`. Returns 0
/// on success, anything else on failure.
pub type SsTextCallback =
    Option<unsafe extern "C" fn(user_data: *mut c_void, reply: *mut SsReply) -> i32>;

/// A callback with a text argument (a table name, or an SQL statement).
/// Returns 0 on success, anything else on failure.
pub type SsArgCallback = Option<
    unsafe extern "C" fn(user_data: *mut c_void, arg: *const c_char, reply: *mut SsReply) -> i32,
>;

/// Releases the host's `user_data`.
pub type SsFreeCallback = Option<unsafe extern "C" fn(user_data: *mut c_void)>;

/// The host's own executor. Each callback gets `user_data` and a reply; it
/// returns 0 on success, or nonzero on failure after (optionally) setting
/// the reply to an error message, which the library reports as
/// `SS_EXECUTOR_ERROR`. The library copies every reply; the host keeps
/// ownership of its own strings.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct SsExecutorCallbacks {
    /// Passed to every callback as is.
    pub user_data: *mut c_void,
    /// Required. Reply with the server facts as JSON:
    /// `{"flavor":"mysql|mariadb|oceanbase","version":"…","database":"…",
    /// "lower_case_table_names":0,"max_identifier_length":64}`.
    pub server_info: SsTextCallback,
    /// Required. Reply with every table and view of the database as JSON:
    /// `[{"name":"orders","kind":"table"},{"name":"v","kind":"view"}]`.
    pub list_relations: SsTextCallback,
    /// Required. `arg` is a table name; reply with its `SHOW CREATE TABLE`
    /// text, or set no reply (and return 0) when the table does not exist.
    pub show_create_table: SsArgCallback,
    /// Optional (NULL: the executor cannot run statements). `arg` is one SQL
    /// statement to run; no reply is needed on success.
    pub execute: SsArgCallback,
    /// Optional. Called once with `user_data` when the executor is freed.
    pub free_user_data: SsFreeCallback,
}

/// An [`Executor`] calling the host back.
struct HostExecutor {
    callbacks: SsExecutorCallbacks,
}

impl Drop for HostExecutor {
    fn drop(&mut self) {
        if let Some(free) = self.callbacks.free_user_data {
            // SAFETY: the host's own function, with the host's own data, once.
            unsafe { free(self.callbacks.user_data) };
        }
    }
}

impl HostExecutor {
    /// Run one callback through `call` and return its reply, turning a
    /// failure into [`Error::Executor`].
    fn reply(
        &self,
        what: &str,
        call: impl FnOnce(*mut c_void, *mut SsReply) -> i32,
    ) -> Result<Option<String>> {
        let mut reply = SsReply::default();
        let code = call(self.callbacks.user_data, &mut reply);
        if code != 0 {
            let message = reply.text.unwrap_or_else(|| "no message".into());
            return Err(Error::Executor(format!(
                "host callback {what} failed ({code}): {message}"
            )));
        }
        if reply.invalid {
            return Err(Error::Executor(format!(
                "host callback {what} replied with text that is not UTF-8"
            )));
        }
        Ok(reply.text)
    }

    /// The JSON reply of a callback without argument, decoded.
    fn decoded<T: serde::de::DeserializeOwned>(
        &self,
        what: &str,
        callback: SsTextCallback,
    ) -> Result<T> {
        let callback = callback.ok_or_else(|| Error::Executor(format!("no {what} callback")))?;
        // SAFETY: the host's function, called as its contract says.
        let text = self
            .reply(what, |data, reply| unsafe { callback(data, reply) })?
            .ok_or_else(|| Error::Executor(format!("host callback {what} gave no reply")))?;
        serde_json::from_str(&text).map_err(|e| {
            Error::Executor(format!(
                "the reply of host callback {what} is not valid: {e}"
            ))
        })
    }

    /// Call `callback` with the text `arg`.
    fn with_arg(&self, what: &str, callback: SsArgCallback, arg: &str) -> Result<Option<String>> {
        let callback = callback
            .ok_or_else(|| Error::Executor(format!("the host executor has no {what} callback")))?;
        let arg = ptr::c_string_arg(arg, what)?;
        // SAFETY: the host's function; `arg` outlives the call.
        self.reply(what, |data, reply| unsafe {
            callback(data, arg.as_ptr(), reply)
        })
    }
}

impl Executor for HostExecutor {
    fn server_info(&mut self) -> Result<ServerInfo> {
        self.decoded("server_info", self.callbacks.server_info)
    }

    fn list_relations(&mut self) -> Result<Vec<Relation>> {
        self.decoded("list_relations", self.callbacks.list_relations)
    }

    fn show_create_tables(&mut self, names: &[String]) -> Result<Vec<Option<String>>> {
        names
            .iter()
            .map(|name| self.with_arg("show_create_table", self.callbacks.show_create_table, name))
            .collect()
    }

    fn execute(&mut self, sql: &str) -> Result<()> {
        self.with_arg("execute", self.callbacks.execute, sql)
            .map(drop)
    }
}

/// Connect to a MySQL, MariaDB or OceanBase (MySQL mode) server:
/// `url` is `mysql://user:password@host:port/database` (the database is
/// optional). On success `*out` is a new executor (free it with
/// `ss_executor_free`). Messages never contain the password.
///
/// # Safety
/// `url` must be a NUL-terminated string; `out` must point to writable
/// storage for a pointer.
#[no_mangle]
pub unsafe extern "C" fn ss_executor_connect(
    url: *const c_char,
    out: *mut *mut SsExecutor,
) -> SsStatus {
    guard(|| {
        // SAFETY: per this function's contract.
        let (url, out) = unsafe { (ptr::text(url, "url")?, ptr::out_slot(out, "out")?) };
        *out = connect(url, Introspection::Auto)?;
        Ok(())
    })
}

/// `ss_executor_connect` with a choice of how table definitions are read:
/// `introspection` is `"auto"` (what `ss_executor_connect` does: OceanBase's
/// catalog for many tables where this user can read it, else one
/// `SHOW CREATE TABLE` per table), `"show-create"` (never the catalog) or
/// `"catalog"` (the catalog or an error when reading), any case,
/// `show_create` too. Any other name is `SS_INVALID_REQUEST`.
///
/// # Safety
/// `url` and `introspection` must be NUL-terminated strings; `out` must
/// point to writable storage for a pointer.
#[no_mangle]
pub unsafe extern "C" fn ss_executor_connect_with(
    url: *const c_char,
    introspection: *const c_char,
    out: *mut *mut SsExecutor,
) -> SsStatus {
    guard(|| {
        // SAFETY: per this function's contract.
        let (url, name, out) = unsafe {
            (
                ptr::text(url, "url")?,
                ptr::text(introspection, "introspection")?,
                ptr::out_slot(out, "out")?,
            )
        };
        *out = connect(url, parse_introspection(name)?)?;
        Ok(())
    })
}

/// A new executor handle in database mode: the sources on `url`'s
/// database, the shadows in `shadow_schema` (NULL: the shadow URL's
/// database, else the sources' database name) on `shadow_url`'s server
/// (NULL: `url`'s), definitions read as `introspection` (NULL: `auto`)
/// says. A shadow database that does not exist yet reads as empty; the
/// task that runs the plan creates it (`ss_task_center_task_executor`).
/// Both `shadow_url` and `shadow_schema` NULL is an executor on `url`
/// alone, as `ss_executor_connect_with`. On success `*out` is a new
/// executor (free it with `ss_executor_free`).
///
/// # Safety
/// `url` must be a NUL-terminated string; `shadow_url`, `shadow_schema`
/// and `introspection` NULL or NUL-terminated strings; `out` must point to
/// writable storage for a pointer.
#[no_mangle]
pub unsafe extern "C" fn ss_executor_connect_mapped(
    url: *const c_char,
    shadow_url: *const c_char,
    shadow_schema: *const c_char,
    introspection: *const c_char,
    out: *mut *mut SsExecutor,
) -> SsStatus {
    guard(|| {
        // SAFETY: per this function's contract.
        let (url, shadow_url, shadow_schema, name, out) = unsafe {
            (
                ptr::text(url, "url")?,
                ptr::optional_text(shadow_url, "shadow_url")?,
                ptr::optional_text(shadow_schema, "shadow_schema")?,
                ptr::optional_text(introspection, "introspection")?,
                ptr::out_slot(out, "out")?,
            )
        };
        let introspection = parse_introspection(name.unwrap_or("auto"))?;
        let target = ShadowTarget {
            url: shadow_url.map(str::to_string),
            database: shadow_schema.map(str::to_string),
        };
        let inner = connect_mapped(url, &target, introspection)?;
        *out = ptr::into_handle(SsExecutor { inner });
        Ok(())
    })
}

/// A new executor handle on `url`, reading definitions as `introspection` says.
fn connect(url: &str, introspection: Introspection) -> Result<*mut SsExecutor> {
    let inner = MysqlExecutor::connect(url)?.with_introspection(introspection);
    Ok(ptr::into_handle(SsExecutor {
        inner: Box::new(inner),
    }))
}

/// An executor that calls the host back (see `ss_executor_callbacks`). The
/// table is copied; `server_info`, `list_relations` and `show_create_table`
/// are required. On success `*out` is a new executor (free it with
/// `ss_executor_free`, which calls `free_user_data`).
///
/// # Safety
/// `callbacks` must point to a valid table whose functions stay callable,
/// with `user_data`, until the executor is freed; `out` must point to
/// writable storage for a pointer.
#[no_mangle]
pub unsafe extern "C" fn ss_executor_from_callbacks(
    callbacks: *const SsExecutorCallbacks,
    out: *mut *mut SsExecutor,
) -> SsStatus {
    guard(|| {
        // SAFETY: per this function's contract.
        let (callbacks, out) = unsafe {
            (
                *ptr::handle(callbacks, "callbacks")?,
                ptr::out_slot(out, "out")?,
            )
        };
        if callbacks.server_info.is_none() {
            return Err(FfiError::NullArg("callbacks.server_info"));
        }
        if callbacks.list_relations.is_none() {
            return Err(FfiError::NullArg("callbacks.list_relations"));
        }
        if callbacks.show_create_table.is_none() {
            return Err(FfiError::NullArg("callbacks.show_create_table"));
        }
        *out = ptr::into_handle(SsExecutor {
            inner: Box::new(HostExecutor { callbacks }),
        });
        Ok(())
    })
}

/// Run one SQL statement through `executor`.
///
/// # Safety
/// `executor` must be a live executor not in use by another thread; `sql`
/// a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn ss_executor_execute(
    executor: *mut SsExecutor,
    sql: *const c_char,
) -> SsStatus {
    guard(|| {
        // SAFETY: per this function's contract.
        let (executor, sql) = unsafe {
            (
                ptr::handle_mut(executor, "executor")?,
                ptr::text(sql, "sql")?,
            )
        };
        Ok(executor.inner.execute(sql)?)
    })
}

/// Close and release an executor; NULL is ignored.
///
/// # Safety
/// `executor` must be NULL or a live executor, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn ss_executor_free(executor: *mut SsExecutor) {
    // SAFETY: per this function's contract.
    unsafe { ptr::free_handle(executor) }
}

/// From inside a host callback: set its reply to `text` (copied). On
/// success the reply is the callback's answer; when the callback returns
/// nonzero it is the error message.
///
/// # Safety
/// `reply` must be the reply passed to the running callback; `text` a
/// NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn ss_reply_set(reply: *mut SsReply, text: *const c_char) -> SsStatus {
    guard(|| {
        // SAFETY: per this function's contract.
        let reply = unsafe { ptr::handle_mut(reply, "reply")? };
        // SAFETY: per this function's contract.
        match unsafe { ptr::text(text, "text") } {
            Ok(text) => {
                reply.text = Some(text.to_string());
                reply.invalid = false;
                Ok(())
            }
            Err(error) => {
                reply.invalid = matches!(error, FfiError::InvalidUtf8(_));
                Err(error)
            }
        }
    })
}
