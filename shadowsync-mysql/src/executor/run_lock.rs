//! The run lock: the server-side user lock one shadowsync run holds on a
//! database for its whole execution, and how a stale one is stepped over.

use mysql::prelude::Queryable;
use shadowsync_core::render::quote_ident;
use shadowsync_core::{Error, Executor, Flavor, Result};

use super::MysqlExecutor;

/// Longest name `GET_LOCK` accepts on MySQL 5.7 and later.
const MAX_LOCK_NAME: usize = 64;

/// How many stale run locks in a row [`Executor::lock_database`] steps over
/// (each crash on one database adds one while OceanBase keeps it).
const MAX_STALE_LOCKS: usize = 64;

/// The connection ids owning an OceanBase user lock, this one's left out:
/// its catalog ties a lock's name to an id (`__all_dbms_lock_allocated`)
/// and the id to owners (`__all_detect_lock_info_v2`), whose low 32 bits
/// are the owning connection's id (`ObTableLockOwnerID`).
const OB_LOCK_OWNERS: &str = "SELECT DISTINCT d.owner_id & 4294967295 \
     FROM oceanbase.__all_detect_lock_info_v2 d \
     JOIN oceanbase.__all_dbms_lock_allocated a ON d.obj_id = a.lockid \
     WHERE a.name = ? AND d.owner_id & 4294967295 <> CONNECTION_ID() \
     ORDER BY 1";

/// The server-side lock one shadowsync run holds on `database` for its
/// whole execution: `shadowsync:<database>`, or a hash of the name where
/// that would pass the 64 characters `GET_LOCK` accepts.
pub fn run_lock_name(database: &str) -> String {
    lock_name_within(&format!("shadowsync:{database}"))
}

/// `name`, or `shadowsync:#<hash of name>` where it is too long for `GET_LOCK`.
fn lock_name_within(name: &str) -> String {
    if name.chars().count() <= MAX_LOCK_NAME {
        return name.to_string();
    }
    let hash = shadowsync_core::fingerprint::fingerprint(name);
    format!("shadowsync:#{hash}")
}

impl MysqlExecutor {
    /// [`Executor::lock_database`]: the run lock, stale ones stepped over.
    pub(super) fn take_run_lock(&mut self) -> Result<Option<String>> {
        let Some(database) = self.database().map(str::to_string) else {
            return Err(Error::InvalidRequest(
                "cannot lock the database: no database selected".into(),
            ));
        };
        let info = self.server_info()?;
        let oceanbase = info.flavor == Flavor::Oceanbase;
        let wait = self.run_lock_wait.as_secs();
        // One database, one lock, however the URL spells a name the server
        // folds (`GET_LOCK` ignores case, but a long name is hashed).
        let key = if info.lower_case_table_names != 0 {
            database.to_lowercase()
        } else {
            database.clone()
        };
        let mut name = run_lock_name(&key);
        for _ in 0..MAX_STALE_LOCKS {
            let taken: Option<Option<i64>> = self
                .main_conn()
                .exec_first("SELECT GET_LOCK(?, ?)", (&name, wait))
                .map_err(|e| self.endpoint.error("cannot take the run lock", &e))?;
            if taken.flatten() == Some(1) {
                self.run_lock = Some(name);
                return Ok(None);
            }
            let Some(holder) = self.lock_holder(&name, oceanbase)? else {
                continue; // released meanwhile: try again
            };
            if oceanbase && !self.session_alive(holder)? {
                tracing::warn!(
                    "run lock {name:?} is held by connection {holder}, which no longer exists; \
                     contending for its successor"
                );
                name = lock_name_within(&format!("{name}#{holder}"));
                continue;
            }
            return Ok(Some(format!(
                "another shadowsync run holds the lock on database {} (connection {holder}, lock {name:?}); waited {wait} s",
                quote_ident(&database),
            )));
        }
        Ok(Some(format!(
            "the run lock on database {} could not be taken after {MAX_STALE_LOCKS} tries",
            quote_ident(&database)
        )))
    }

    /// `RELEASE_LOCK` of the run lock this executor holds, if any.
    pub(super) fn release_run_lock(&mut self) -> Result<()> {
        let Some(name) = self.run_lock.take() else {
            return Ok(());
        };
        self.main_conn()
            .exec_drop("SELECT RELEASE_LOCK(?)", (&name,))
            .map_err(|e| self.endpoint.error("cannot release the run lock", &e))
    }

    /// The connection holding user lock `name`, if any. On OceanBase it
    /// is read from the lock catalog ([`OB_LOCK_OWNERS`]) where the account
    /// may read it: its `IS_USED_LOCK` answers "single-row subquery returns
    /// more than one row" while the catalog names several owners of the
    /// lock (seen in CI after killed holders, for minutes on end).
    fn lock_holder(&mut self, name: &str, oceanbase: bool) -> Result<Option<u64>> {
        if oceanbase {
            match self.oceanbase_lock_holder(name) {
                Err(Error::Executor(reason)) => tracing::debug!(
                    "cannot read OceanBase's lock catalog ({reason}); asking IS_USED_LOCK"
                ),
                read => return read,
            }
        }
        self.main_conn()
            .exec_first::<Option<u64>, _, _>("SELECT IS_USED_LOCK(?)", (name,))
            .map(Option::flatten)
            .map_err(|e| self.endpoint.error("cannot read the run lock's holder", &e))
    }

    /// Of the owners OceanBase's lock catalog records for user lock `name`
    /// (this session left out), a live one if there is one, else the
    /// lowest-numbered dead one: every run reading the same catalog then
    /// contends for the same successor lock.
    fn oceanbase_lock_holder(&mut self, name: &str) -> Result<Option<u64>> {
        let owners: Vec<u64> = self
            .main_conn()
            .exec(OB_LOCK_OWNERS, (name,))
            .map_err(|e| self.endpoint.error("cannot read the run lock's owners", &e))?;
        let mut dead = None;
        for owner in owners {
            if self.session_alive(owner)? {
                return Ok(Some(owner));
            }
            dead = dead.or(Some(owner)); // ascending: the first is the lowest
        }
        Ok(dead)
    }

    /// Whether connection `id` is a live session of the server.
    fn session_alive(&mut self, id: u64) -> Result<bool> {
        let found: Option<u64> = self
            .main_conn()
            .exec_first(
                "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = ?",
                (id,),
            )
            .map_err(|e| self.endpoint.error("cannot read the process list", &e))?;
        Ok(found.unwrap_or(0) > 0)
    }
}
