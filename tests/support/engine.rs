//! The servers the live test suites run against, shared (by `#[path]`) by
//! those suites; each adds its own helpers in an `impl Engine` of its own.
//! Start the servers with `eval "$(scripts/engines.sh start)"`: a missing URL
//! variable fails the tests rather than skipping them.

// Every suite uses only some of these.
#![allow(dead_code)]

/// A server the tests run against.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Engine {
    Mariadb,
    Seekdb,
}

impl Engine {
    /// The environment variable holding the server's URL.
    pub fn env_var(self) -> &'static str {
        match self {
            Engine::Mariadb => "SHADOWSYNC_MARIADB_URL",
            Engine::Seekdb => "SHADOWSYNC_SEEKDB_URL",
        }
    }

    /// The server's URL, from the environment.
    pub fn url(self) -> String {
        let var = self.env_var();
        std::env::var(var).unwrap_or_else(|_| {
            panic!(
                "{var} is not set: start the engines with `eval \"$(scripts/engines.sh start)\"`"
            )
        })
    }

    /// A short name, for database names and messages.
    pub fn name(self) -> &'static str {
        match self {
            Engine::Mariadb => "mariadb",
            Engine::Seekdb => "seekdb",
        }
    }
}

/// `on_both_engines!(a, b, …)`: for each function `fn a(engine: Engine)` of
/// the suite, the tests `mariadb::a` and `seekdb::a` (the suite imports
/// `Engine` at its root).
#[allow(unused_macros)]
macro_rules! on_both_engines {
    ($($test:ident),* $(,)?) => {
        mod mariadb {
            $(#[test] fn $test() { super::$test(super::Engine::Mariadb) })*
        }
        mod seekdb {
            $(#[test] fn $test() { super::$test(super::Engine::Seekdb) })*
        }
    };
}
#[allow(unused_imports)]
pub(crate) use on_both_engines;
