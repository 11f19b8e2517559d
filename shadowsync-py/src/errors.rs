//! The Python exceptions, and the one mapping from the core's `Error` to
//! them: each typed exception's `__cause__` is a `HostError` holding the
//! library's error as it was (its `kind` and message), whose own
//! `__cause__` is the Python exception that caused it, if one did (raised
//! by a Python executor's method).

use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use shadowsync_core::Error;

pyo3::create_exception!(
    shadowsync,
    ShadowSyncError,
    PyException,
    "Base class of every error shadowsync raises."
);
pyo3::create_exception!(
    shadowsync,
    ParseError,
    ShadowSyncError,
    "DDL text that could not be parsed; `line`, `column` (1-based), `table` (or None) and `detail` say where and what."
);
pyo3::create_exception!(
    shadowsync,
    RefusedTableError,
    ShadowSyncError,
    "A table the model cannot represent or diff safely; `table` and `reason` say which and why."
);
pyo3::create_exception!(
    shadowsync,
    InvalidNameError,
    ShadowSyncError,
    "A naming rule or shadow name that cannot be used."
);
pyo3::create_exception!(
    shadowsync,
    InvalidRequestError,
    ShadowSyncError,
    "A request that does not fit (unknown option, bad value, unauthorised approver, ...)."
);
pyo3::create_exception!(
    shadowsync,
    InvalidTransitionError,
    ShadowSyncError,
    "A task status change the state machine does not allow; `task_id`, `from_status` and `to_status` say which."
);
pyo3::create_exception!(
    shadowsync,
    ExecutorError,
    ShadowSyncError,
    "The executor failed: the server, or an exception raised by a Python executor."
);
pyo3::create_exception!(
    shadowsync,
    StoreError,
    ShadowSyncError,
    "The task store failed."
);
pyo3::create_exception!(
    shadowsync,
    NotFoundError,
    ShadowSyncError,
    "A referenced task or table does not exist."
);

pyo3::create_exception!(
    shadowsync,
    HostError,
    PyException,
    "The library's own error, the `__cause__` of every typed exception: `kind` is its variant (`parse`, `refused`, `invalid_name`, `invalid_request`, `invalid_transition`, `executor`, `connection_lost`, `store`, `not_found`)."
);

/// The word naming `error`'s variant.
fn kind(error: &Error) -> &'static str {
    match error {
        Error::Parse(_) => "parse",
        Error::Refused { .. } => "refused",
        Error::InvalidName(_) => "invalid_name",
        Error::InvalidRequest(_) => "invalid_request",
        Error::InvalidTransition { .. } => "invalid_transition",
        Error::Executor(_) => "executor",
        Error::ConnectionLost(_) => "connection_lost",
        Error::Store(_) => "store",
        Error::NotFound(_) => "not_found",
    }
}

/// The Python exception for `error`, with its attributes.
pub(crate) fn to_py(error: Error) -> PyErr {
    caused(error, None)
}

/// The Python exception for `error`, which the Python exception `origin`
/// (if any) caused.
pub(crate) fn caused(error: Error, origin: Option<PyErr>) -> PyErr {
    Python::attach(|py| {
        let message = error.to_string();
        let host = HostError::new_err(message.clone());
        let described = host.value(py).setattr("kind", kind(&error));
        host.set_cause(py, origin);
        let err = match &error {
            Error::Parse(_) => ParseError::new_err(message),
            Error::Refused { .. } => RefusedTableError::new_err(message),
            Error::InvalidName(_) => InvalidNameError::new_err(message),
            Error::InvalidRequest(_) => InvalidRequestError::new_err(message),
            Error::InvalidTransition { .. } => InvalidTransitionError::new_err(message),
            Error::Executor(_) | Error::ConnectionLost(_) => ExecutorError::new_err(message),
            Error::Store(_) => StoreError::new_err(message),
            Error::NotFound(_) => NotFoundError::new_err(message),
        };
        let value = err.value(py);
        let attributes = match error {
            Error::Parse(parse) => value
                .setattr("line", parse.location.line)
                .and_then(|()| value.setattr("column", parse.location.column))
                .and_then(|()| value.setattr("table", parse.table))
                .and_then(|()| value.setattr("detail", parse.message)),
            Error::Refused { table, reason } => value
                .setattr("table", table)
                .and_then(|()| value.setattr("reason", reason)),
            Error::InvalidTransition { task, from, to } => value
                .setattr("task_id", task)
                .and_then(|()| value.setattr("from_status", from))
                .and_then(|()| value.setattr("to_status", to)),
            _ => Ok(()),
        };
        match attributes.and(described) {
            Ok(()) => {
                err.set_cause(py, Some(host));
                err
            }
            Err(failure) => failure,
        }
    })
}
