//! The library's log records to Python `logging`, through pyo3-log.
//!
//! The crates log with `tracing`, whose `log` feature (enabled by this
//! crate) turns each event into a `log` record when no tracing subscriber
//! is set; pyo3-log hands those to Python loggers named after their
//! targets. Targets are renamed under one root, `shadowsync`:
//! `shadowsync_core::task::center` → logger `shadowsync.core.task.center`,
//! `shadowsync_mysql::executor` → `shadowsync.mysql.executor`, the host
//! layer's `shadowsync::host::heartbeat` → `shadowsync.host.heartbeat`, so
//! configuring the logger `shadowsync` configures them all. Records of
//! other crates (the MySQL driver's) keep their names and pass from `WARN`
//! up; shadowsync's from `DEBUG` up.
//!
//! Loggers are cached, levels are not (pyo3-log's `Caching::Loggers`): a
//! level set on the Python side later is obeyed, at the price of taking the
//! GIL for each record at `DEBUG` or above, which the library writes a few
//! of per statement.

use std::borrow::Cow;

use log::{LevelFilter, Log, Metadata, Record};
use pyo3::prelude::*;
use pyo3_log::{Caching, Logger};

/// A logger handing records on under their renamed targets.
struct Renamed(Logger);

/// `target` under the `shadowsync` root.
fn renamed(target: &str) -> Cow<'_, str> {
    match target.strip_prefix("shadowsync_") {
        Some(rest) => Cow::Owned(format!("shadowsync::{rest}")),
        None => Cow::Borrowed(target),
    }
}

impl Log for Renamed {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        let target = renamed(metadata.target());
        let metadata = Metadata::builder()
            .level(metadata.level())
            .target(&target)
            .build();
        self.0.enabled(&metadata)
    }

    fn log(&self, record: &Record<'_>) {
        let target = renamed(record.target());
        self.0.log(
            &Record::builder()
                .args(*record.args())
                .level(record.level())
                .target(&target)
                .module_path(record.module_path())
                .file(record.file())
                .line(record.line())
                .build(),
        );
    }

    fn flush(&self) {
        self.0.flush();
    }
}

/// Send the process's log records to Python `logging` (once: a second
/// import, in another interpreter, keeps the first logger).
pub(crate) fn install(py: Python<'_>) -> PyResult<()> {
    // Other crates' records (the MySQL driver's) only from WARN up.
    let logger = Logger::new(py, Caching::Loggers)?
        .filter(LevelFilter::Warn)
        .filter_target("shadowsync".into(), LevelFilter::Debug);
    if log::set_boxed_logger(Box::new(Renamed(logger))).is_ok() {
        log::set_max_level(LevelFilter::Debug);
    }
    Ok(())
}
