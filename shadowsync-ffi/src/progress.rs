//! Progress events to a host callback: the relay every task center handle
//! installs as its core observer, and `ss_task_center_set_progress`.

use std::cell::Cell;
use std::ffi::{c_char, c_void, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{PoisonError, RwLock};

use shadowsync_core::task::{Observer, Progress};
use shadowsync_core::Error;

/// Receives one progress event of a running task: `event_json` is the
/// event as one line of JSON, `{"event":"statement_sent","task":7,
/// "table":"orders","statement":1,"of":2,"sql":"ALTER TABLE …"}` (the
/// events: `task_started`, `precheck_started`, `precheck_finished`,
/// `table_started`, `statement_sent`, `statement_finished`,
/// `statement_settled`, `verifying`, `table_finished`, `lease_lost`,
/// `task_finished`). The text is owned by the library and valid only during
/// the call: copy what you keep. Called on the thread running the task;
/// the next statement waits for it to return.
pub type SsProgressFn =
    Option<unsafe extern "C" fn(user_data: *mut c_void, event_json: *const c_char)>;

/// The host's callback and its data.
struct Listener {
    callback: unsafe extern "C" fn(*mut c_void, *const c_char),
    user_data: *mut c_void,
}

// SAFETY: `ss_task_center_set_progress` requires the host to make
// `user_data` (and the callback) usable from any thread that runs a task of
// the center; the library itself only passes the pointer back.
unsafe impl Send for Listener {}
// SAFETY: as for Send: shared only to be passed back to the host.
unsafe impl Sync for Listener {}

thread_local! {
    /// Whether this thread is inside a progress callback.
    static IN_CALLBACK: Cell<bool> = const { Cell::new(false) };
}

/// Clears [`IN_CALLBACK`] when the callback returns.
struct InCallback;

impl InCallback {
    fn enter() -> InCallback {
        IN_CALLBACK.with(|flag| flag.set(true));
        InCallback
    }
}

impl Drop for InCallback {
    fn drop(&mut self) {
        IN_CALLBACK.with(|flag| flag.set(false));
    }
}

/// The observer of a task center handle: it hands each event, as JSON, to
/// the host's callback while one is set. The callback runs under a read
/// lock that [`ProgressRelay::set`] takes for writing, so once `set`
/// returns, the previous callback is neither running nor called again.
#[derive(Default)]
pub(crate) struct ProgressRelay(RwLock<Option<Listener>>);

impl ProgressRelay {
    /// From now on, events go to `callback` with `user_data` (`None`: to
    /// nobody). Refused from inside a progress callback, where it would
    /// wait for itself.
    pub(crate) fn set(&self, callback: SsProgressFn, user_data: *mut c_void) -> Result<(), Error> {
        if IN_CALLBACK.with(Cell::get) {
            return Err(Error::InvalidRequest(
                "the progress callback cannot be changed from inside a progress callback".into(),
            ));
        }
        let listener = callback.map(|callback| Listener {
            callback,
            user_data,
        });
        *self.0.write().unwrap_or_else(PoisonError::into_inner) = listener;
        Ok(())
    }
}

impl Observer for ProgressRelay {
    fn observe(&self, event: &Progress) {
        // Nothing may unwind out of here into the task; a panic (there is
        // none to expect) only loses this event.
        let _ = catch_unwind(AssertUnwindSafe(|| {
            let listener = self.0.read().unwrap_or_else(PoisonError::into_inner);
            let Some(listener) = listener.as_ref() else {
                return;
            };
            let Ok(text) = serde_json::to_string(event) else {
                return;
            };
            // JSON escapes every control character: the text has no NUL.
            let Ok(text) = CString::new(text) else {
                return;
            };
            let _inside = InCallback::enter();
            // SAFETY: the host's function with the host's data, as
            // `ss_task_center_set_progress` was given them; `text` outlives
            // the call.
            unsafe { (listener.callback)(listener.user_data, text.as_ptr()) };
        }));
    }
}

#[cfg(test)]
mod tests {
    use std::ffi::CStr;
    use std::sync::Mutex;

    use shadowsync_core::task::TaskStatus;

    use super::*;

    /// What the test callback heard, and what it tries from inside.
    #[derive(Default)]
    struct Heard {
        events: Mutex<Vec<String>>,
        relay: Option<*const ProgressRelay>,
        nested: Mutex<Option<bool>>,
    }

    unsafe extern "C" fn hear(user_data: *mut c_void, event_json: *const c_char) {
        // SAFETY: the test passes a live `Heard` and the library a C string.
        let (heard, text) = unsafe { (&*(user_data as *const Heard), CStr::from_ptr(event_json)) };
        heard
            .events
            .lock()
            .unwrap()
            .push(text.to_str().unwrap().to_string());
        if let Some(relay) = heard.relay {
            // SAFETY: the relay outlives the test.
            let refused = unsafe { &*relay }.set(None, std::ptr::null_mut()).is_err();
            *heard.nested.lock().unwrap() = Some(refused);
        }
    }

    fn finished(task: u64) -> Progress {
        Progress::TaskFinished {
            task,
            status: TaskStatus::Succeeded,
        }
    }

    #[test]
    fn events_reach_the_callback_as_json_until_it_is_cleared() {
        let relay = ProgressRelay::default();
        relay.observe(&finished(1)); // nobody listens: nothing happens
        let heard = Heard::default();
        let data = &heard as *const Heard as *mut c_void;
        relay.set(Some(hear), data).unwrap();
        relay.observe(&finished(2));
        relay.set(None, std::ptr::null_mut()).unwrap();
        relay.observe(&finished(3));
        assert_eq!(
            *heard.events.lock().unwrap(),
            [r#"{"event":"task_finished","task":2,"status":"succeeded"}"#]
        );
    }

    #[test]
    fn the_callback_cannot_replace_itself() {
        let relay = ProgressRelay::default();
        let heard = Heard {
            relay: Some(&relay as *const ProgressRelay),
            ..Heard::default()
        };
        relay
            .set(Some(hear), &heard as *const Heard as *mut c_void)
            .unwrap();
        relay.observe(&finished(4));
        assert_eq!(*heard.nested.lock().unwrap(), Some(true));
        assert_eq!(heard.events.lock().unwrap().len(), 1);
        // Outside the callback it can be cleared.
        relay.set(None, std::ptr::null_mut()).unwrap();
    }
}
