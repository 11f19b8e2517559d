//! Every raw pointer crossing the boundary goes through this module: NULL
//! and UTF-8 checks of arguments, handles boxed for C and taken back, and
//! strings handed out to C and freed. Nothing else in the crate dereferences
//! or casts a pointer received from C.

use std::ffi::{c_char, CStr, CString};
use std::ptr;

use shadowsync_core::Error;

use crate::status::{guard, FfiError};

/// The text of a required string argument.
///
/// # Safety
/// `text` must be NULL or point to a NUL-terminated string that stays valid
/// and unchanged for `'a`.
pub(crate) unsafe fn text<'a>(
    text: *const c_char,
    name: &'static str,
) -> Result<&'a str, FfiError> {
    optional_text(text, name)?.ok_or(FfiError::NullArg(name))
}

/// The text of an optional string argument (`None` for NULL).
///
/// # Safety
/// As for [`text`].
pub(crate) unsafe fn optional_text<'a>(
    text: *const c_char,
    name: &'static str,
) -> Result<Option<&'a str>, FfiError> {
    if text.is_null() {
        return Ok(None);
    }
    // SAFETY: not NULL, and NUL-terminated per the caller's contract.
    let bytes = unsafe { CStr::from_ptr(text) };
    bytes
        .to_str()
        .map(Some)
        .map_err(|_| FfiError::InvalidUtf8(name))
}

/// A shared reference to the object behind a handle.
///
/// # Safety
/// `handle` must be NULL or a live handle of type `T` made by [`into_handle`],
/// not used mutably elsewhere for `'a`.
pub(crate) unsafe fn handle<'a, T>(
    handle: *const T,
    name: &'static str,
) -> Result<&'a T, FfiError> {
    // SAFETY: per the caller's contract.
    unsafe { handle.as_ref() }.ok_or(FfiError::NullArg(name))
}

/// An exclusive reference to the object behind a handle.
///
/// # Safety
/// `handle` must be NULL or a live handle of type `T` made by [`into_handle`],
/// not used elsewhere for `'a`.
pub(crate) unsafe fn handle_mut<'a, T>(
    handle: *mut T,
    name: &'static str,
) -> Result<&'a mut T, FfiError> {
    // SAFETY: per the caller's contract.
    unsafe { handle.as_mut() }.ok_or(FfiError::NullArg(name))
}

/// The slot behind an out-parameter, cleared to NULL so that a failure
/// leaves NULL behind.
///
/// # Safety
/// `out` must be NULL or point to writable storage for a pointer.
pub(crate) unsafe fn out_slot<'a, T>(
    out: *mut *mut T,
    name: &'static str,
) -> Result<&'a mut *mut T, FfiError> {
    // SAFETY: per the caller's contract.
    let slot = unsafe { out.as_mut() }.ok_or(FfiError::NullArg(name))?;
    *slot = ptr::null_mut();
    Ok(slot)
}

/// The slot behind an optional out-parameter (`None` for NULL: the caller
/// does not want that result), cleared to NULL so that a failure leaves
/// NULL behind.
///
/// # Safety
/// As for [`out_slot`].
pub(crate) unsafe fn optional_out_slot<'a, T>(out: *mut *mut T) -> Option<&'a mut *mut T> {
    // SAFETY: per the caller's contract.
    let slot = unsafe { out.as_mut() }?;
    *slot = ptr::null_mut();
    Some(slot)
}

/// The storage behind a required out-parameter of a plain value.
///
/// # Safety
/// `out` must be NULL or point to writable storage for a `T`.
pub(crate) unsafe fn out_value<'a, T>(
    out: *mut T,
    name: &'static str,
) -> Result<&'a mut T, FfiError> {
    // SAFETY: per the caller's contract.
    unsafe { out.as_mut() }.ok_or(FfiError::NullArg(name))
}

/// The storage behind an optional out-parameter of a plain value (`None`
/// for NULL).
///
/// # Safety
/// As for [`out_value`].
pub(crate) unsafe fn optional_out_value<'a, T>(out: *mut T) -> Option<&'a mut T> {
    // SAFETY: per the caller's contract.
    unsafe { out.as_mut() }
}

/// Put `text` into an optional string slot taken by [`optional_out_slot`]
/// (nothing when the caller passed NULL; `text` is then not made).
pub(crate) fn put_optional_string(
    slot: Option<&mut *mut c_char>,
    text: impl FnOnce() -> Result<String, Error>,
) -> Result<(), FfiError> {
    if let Some(slot) = slot {
        *slot = into_c_string(text()?)?;
    }
    Ok(())
}

/// A new handle owning `value`; released by [`free_handle`].
pub(crate) fn into_handle<T>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// Release a handle made by [`into_handle`]; NULL is ignored. Panics while
/// dropping are caught.
///
/// # Safety
/// `handle` must be NULL or a live handle of type `T` made by
/// [`into_handle`], not used afterwards.
pub(crate) unsafe fn free_handle<T>(handle: *mut T) {
    if handle.is_null() {
        return;
    }
    guard(|| {
        // SAFETY: made by Box::into_raw and released only here, per the contract.
        drop(unsafe { Box::from_raw(handle) });
        Ok(())
    });
}

/// A string handed to C; released by [`ss_string_free`].
pub(crate) fn into_c_string(text: String) -> Result<*mut c_char, FfiError> {
    CString::new(text)
        .map(CString::into_raw)
        .map_err(|_| Error::InvalidRequest("the result contains a NUL byte".into()).into())
}

/// `text` as a C string for a host callback.
pub(crate) fn c_string_arg(text: &str, what: &str) -> Result<CString, Error> {
    CString::new(text).map_err(|_| Error::Executor(format!("{what} contains a NUL byte")))
}

/// Write `text` to the out-parameter `out` as a string the caller owns.
///
/// # Safety
/// As for [`out_slot`].
pub(crate) unsafe fn put_string(
    out: *mut *mut c_char,
    name: &'static str,
    text: String,
) -> Result<(), FfiError> {
    // SAFETY: per the caller's contract.
    let slot = unsafe { out_slot(out, name) }?;
    *slot = into_c_string(text)?;
    Ok(())
}

/// Release a string returned by this library; NULL is ignored.
///
/// # Safety
/// `text` must be NULL or a string returned through an out-parameter of this
/// library, not freed before and not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn ss_string_free(text: *mut c_char) {
    if text.is_null() {
        return;
    }
    guard(|| {
        // SAFETY: made by CString::into_raw in into_c_string, per the contract.
        drop(unsafe { CString::from_raw(text) });
        Ok(())
    });
}
