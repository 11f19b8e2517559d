//! Opening a task store by where it lives, the one rule every front end (the
//! CLI, the C ABI, Python) follows: a `mysql://user:pass@host:port/db` URL is
//! a [`MysqlStore`] in that database, shared by every host that opens it;
//! anything else is the path of a [`SqliteStore`] file. It lives in the
//! facade because it is the one place that knows both drivers.

use shadowsync_core::task::{redact_url, Store};
use shadowsync_core::Result;
use shadowsync_mysql::MysqlStore;
use shadowsync_store::SqliteStore;

/// A store chosen at run time.
pub type DynStore = Box<dyn Store + Send + Sync>;

/// Whether `location` names a server rather than a file.
pub fn is_server_location(location: &str) -> bool {
    location
        .get(..8)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("mysql://"))
}

/// The store at `location` (a SQLite file is created if missing; a server
/// database must exist, and gets its tables if missing).
pub fn open_store(location: &str) -> Result<DynStore> {
    if is_server_location(location) {
        Ok(Box::new(MysqlStore::open(location)?))
    } else {
        Ok(Box::new(SqliteStore::open(location)?))
    }
}

/// `location` as it may be shown: a URL without its password.
pub fn shown_location(location: &str) -> String {
    if is_server_location(location) {
        redact_url(location)
    } else {
        location.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_servers_and_everything_else_is_a_file() {
        assert!(is_server_location("mysql://u:p@h:3306/tasks"));
        assert!(is_server_location("MySQL://h/tasks"));
        assert!(!is_server_location("tasks.db"));
        assert!(!is_server_location("/var/lib/mysql:/tasks.db"));
        assert!(!is_server_location("mysql:/x"));
        assert_eq!(
            shown_location("mysql://u:secret@h/db"),
            "mysql://u:***@h/db"
        );
        assert_eq!(shown_location("/tmp/a:b@c.db"), "/tmp/a:b@c.db");
    }

    #[test]
    fn a_path_opens_a_sqlite_file() {
        let dir = std::env::temp_dir().join(format!("shadowsync-open-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("tasks.db");
        let store = open_store(path.to_str().unwrap()).expect("opens");
        store.flows().expect("a fresh store is readable");
        assert!(path.exists(), "the file was created");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_url_opens_a_server_store_and_failures_hide_the_password() {
        let err = open_store("mysql://u:hunter22@127.0.0.1:1/db")
            .map(drop)
            .unwrap_err();
        assert!(!err.to_string().contains("hunter22"), "{err}");
    }
}
