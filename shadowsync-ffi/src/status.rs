//! Status codes, the thread-local last error, and [`guard`], the one wrapper
//! every exported function runs its body in: it turns errors into a status
//! (recording the message) and keeps panics from crossing the boundary.

use std::any::Any;
use std::cell::RefCell;
use std::ffi::{c_char, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

use shadowsync_core::Error;

/// The result of a call: `SS_OK` or one of the other `SS_*` codes. The
/// values are stable.
pub type SsStatus = i32;

/// Success.
pub const SS_OK: SsStatus = 0;
/// DDL text that could not be parsed; the message names line and column.
pub const SS_PARSE_ERROR: SsStatus = 1;
/// A table the model cannot represent or diff safely.
pub const SS_REFUSED: SsStatus = 2;
/// A naming rule or shadow name that cannot be used.
pub const SS_INVALID_NAME: SsStatus = 3;
/// A request that does not fit (bad JSON argument, unknown option, ...).
pub const SS_INVALID_REQUEST: SsStatus = 4;
/// A task status change the state machine does not allow.
pub const SS_INVALID_TRANSITION: SsStatus = 5;
/// The executor (server connection or host callbacks) failed.
pub const SS_EXECUTOR_ERROR: SsStatus = 6;
/// The task store failed.
pub const SS_STORE_ERROR: SsStatus = 7;
/// A referenced task or table does not exist.
pub const SS_NOT_FOUND: SsStatus = 8;
/// A required pointer argument was NULL.
pub const SS_NULL_ARG: SsStatus = 9;
/// A string argument was not valid UTF-8.
pub const SS_INVALID_UTF8: SsStatus = 10;
/// An internal error (a Rust panic, caught at the boundary).
pub const SS_PANIC: SsStatus = 11;

/// Why a call failed.
#[derive(Debug)]
pub(crate) enum FfiError {
    /// An error of the library.
    Core(Error),
    /// The named argument was NULL.
    NullArg(&'static str),
    /// The named argument was not UTF-8.
    InvalidUtf8(&'static str),
    /// A panic, with its message.
    Panic(String),
}

impl From<Error> for FfiError {
    fn from(error: Error) -> Self {
        FfiError::Core(error)
    }
}

impl FfiError {
    /// The status reported for this error.
    pub(crate) fn status(&self) -> SsStatus {
        match self {
            FfiError::Core(error) => match error {
                Error::Parse(_) => SS_PARSE_ERROR,
                Error::Refused { .. } => SS_REFUSED,
                Error::InvalidName(_) => SS_INVALID_NAME,
                Error::InvalidRequest(_) => SS_INVALID_REQUEST,
                Error::InvalidTransition { .. } => SS_INVALID_TRANSITION,
                Error::Executor(_) | Error::ConnectionLost(_) => SS_EXECUTOR_ERROR,
                Error::Store(_) => SS_STORE_ERROR,
                Error::NotFound(_) => SS_NOT_FOUND,
            },
            FfiError::NullArg(_) => SS_NULL_ARG,
            FfiError::InvalidUtf8(_) => SS_INVALID_UTF8,
            FfiError::Panic(_) => SS_PANIC,
        }
    }

    /// The message [`ss_last_error_message`] gives.
    pub(crate) fn message(&self) -> String {
        match self {
            FfiError::Core(error) => error.to_string(),
            FfiError::NullArg(name) => format!("argument `{name}` is NULL"),
            FfiError::InvalidUtf8(name) => format!("argument `{name}` is not valid UTF-8"),
            FfiError::Panic(what) => format!("internal error (panic): {what}"),
        }
    }
}

thread_local! {
    /// Message of the last failed call on this thread.
    static LAST_ERROR: RefCell<Option<CString>> = const { RefCell::new(None) };
}

/// Run `body`, catching panics; record the message of a failure for
/// [`ss_last_error_message`] and return the matching status.
pub(crate) fn guard(body: impl FnOnce() -> Result<(), FfiError>) -> SsStatus {
    let error = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => return SS_OK,
        Ok(Err(error)) => error,
        Err(payload) => FfiError::Panic(panic_text(payload.as_ref())),
    };
    let message = CString::new(error.message().replace('\0', " "))
        .unwrap_or_else(|_| CString::from(c"(unprintable message)"));
    LAST_ERROR.with(|last| *last.borrow_mut() = Some(message));
    error.status()
}

fn panic_text(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "unknown panic".to_string()
    }
}

/// The message of the most recent failed call on the calling thread, or
/// NULL when no call on this thread has failed yet.
///
/// The text is owned by the library: it stays valid until the next failed
/// call on the same thread. Do not free it.
#[no_mangle]
pub extern "C" fn ss_last_error_message() -> *const c_char {
    let mut message = ptr::null();
    guard(|| {
        message =
            LAST_ERROR.with(|last| last.borrow().as_ref().map_or(ptr::null(), |m| m.as_ptr()));
        Ok(())
    });
    message
}

/// A static name for `status` (e.g. "SS_PARSE_ERROR"); "SS_UNKNOWN" for a
/// value that is not a status. Do not free it.
#[no_mangle]
pub extern "C" fn ss_status_name(status: SsStatus) -> *const c_char {
    let name = match status {
        SS_OK => c"SS_OK",
        SS_PARSE_ERROR => c"SS_PARSE_ERROR",
        SS_REFUSED => c"SS_REFUSED",
        SS_INVALID_NAME => c"SS_INVALID_NAME",
        SS_INVALID_REQUEST => c"SS_INVALID_REQUEST",
        SS_INVALID_TRANSITION => c"SS_INVALID_TRANSITION",
        SS_EXECUTOR_ERROR => c"SS_EXECUTOR_ERROR",
        SS_STORE_ERROR => c"SS_STORE_ERROR",
        SS_NOT_FOUND => c"SS_NOT_FOUND",
        SS_NULL_ARG => c"SS_NULL_ARG",
        SS_INVALID_UTF8 => c"SS_INVALID_UTF8",
        SS_PANIC => c"SS_PANIC",
        _ => c"SS_UNKNOWN",
    };
    name.as_ptr()
}

#[cfg(test)]
mod tests {
    use std::ffi::CStr;

    use super::*;

    fn last_message() -> String {
        let text = ss_last_error_message();
        assert!(!text.is_null());
        // SAFETY: a non-NULL message is a NUL-terminated string owned by the thread.
        unsafe { CStr::from_ptr(text) }
            .to_string_lossy()
            .into_owned()
    }

    #[test]
    fn a_panic_becomes_a_status_and_a_message() {
        let status = guard(|| panic!("boom {}", 7));
        assert_eq!(status, SS_PANIC);
        assert_eq!(last_message(), "internal error (panic): boom 7");
    }

    #[test]
    fn every_core_error_has_its_own_status() {
        let errors = [
            Error::Refused {
                table: "t".into(),
                reason: "r".into(),
            },
            Error::InvalidName("n".into()),
            Error::InvalidRequest("r".into()),
            Error::InvalidTransition {
                task: "1".into(),
                from: "a".into(),
                to: "b".into(),
            },
            Error::Executor("e".into()),
            Error::Store("s".into()),
            Error::NotFound("n".into()),
        ];
        let mut seen = vec![SS_OK, SS_PARSE_ERROR];
        for error in errors {
            let status = FfiError::Core(error).status();
            assert!(!seen.contains(&status), "{status} twice");
            seen.push(status);
        }
        assert_eq!(
            guard(|| Err(Error::NotFound("task 9".into()).into())),
            SS_NOT_FOUND
        );
        assert_eq!(last_message(), "not found: task 9");
    }

    #[test]
    fn statuses_have_names() {
        // SAFETY: names are static NUL-terminated strings.
        let name = |s| {
            unsafe { CStr::from_ptr(ss_status_name(s)) }
                .to_str()
                .unwrap()
        };
        assert_eq!(name(SS_OK), "SS_OK");
        assert_eq!(name(SS_PANIC), "SS_PANIC");
        assert_eq!(name(99), "SS_UNKNOWN");
    }
}
