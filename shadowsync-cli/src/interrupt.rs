//! Ctrl-C. While a task runs, the first press asks it to abort through the
//! host layer (the running statement is killed, the task ends `aborted`,
//! as `task abort` would make it); a second press, or a press while no task
//! runs, exits at once with status 130 (a task cut off so is left executing
//! and `task run-due` settles it once its lease expires).

use std::sync::atomic::{AtomicUsize, Ordering};

use shadowsync_core::task::Actor;

/// Exit status after Ctrl-C (128 + SIGINT), as shells report it.
const INTERRUPTED: i32 = 130;

/// Exits with status 130 if Ctrl-C (or SIGTERM) asked the running task to
/// stop: a command that would go on to other work (the next pass of a
/// watch) ends there instead.
pub fn exit_if_stop_requested() {
    if shadowsync::host::stop_requested() {
        std::process::exit(INTERRUPTED);
    }
}

/// Installs the handler; a failure to install it (no signal support) only
/// costs the graceful stop.
pub fn install() {
    let presses = AtomicUsize::new(0);
    let installed = ctrlc::set_handler(move || {
        if presses.fetch_add(1, Ordering::AcqRel) == 0 {
            let name = crate::context::os_identity()
                .unwrap_or_else(|_| "ctrl-c on the worker".to_string());
            if shadowsync::host::request_stop(Actor::new(name, &[])) {
                eprintln!(
                    "shadowsync: stopping: the running statement is interrupted and the task \
                     ends aborted (Ctrl-C again exits at once)"
                );
                return;
            }
        }
        std::process::exit(INTERRUPTED);
    });
    if let Err(e) = installed {
        tracing::warn!("Ctrl-C will not stop tasks gracefully: {e}");
    }
}
