//! Helpers the root package's live suites share (by `#[path]`, beside
//! `engine.rs`): a clock that stands still and raw driver connections.

// Every suite uses only some of these.
#![allow(dead_code)]

use shadowsync::core::{Clock, Millis};

use crate::engine::Engine;

/// A clock that always says the same time: the suites test behaviour,
/// not schedules.
pub struct StillClock;

impl Clock for StillClock {
    fn now(&self) -> Millis {
        1_700_000_000_000
    }
}

/// A raw driver connection (no shadowsync session settings), for setting
/// up what a user, a hostile or a careless environment does.
pub fn raw(engine: Engine, db: Option<&str>) -> mysql::Conn {
    let opts = mysql::Opts::from_url(&engine.url()).expect("url");
    let opts = mysql::OptsBuilder::from_opts(opts)
        .prefer_socket(false)
        .db_name(db);
    mysql::Conn::new(opts).expect("connect")
}
