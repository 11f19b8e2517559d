//! Who and where a command works: the task store it opens (option,
//! environment, or the XDG default) and the identities it acts and submits
//! as. Shared by `sync` and `task`.
//!
//! Who acts: the CLI is the host that vouches for identities, and the task
//! center records and checks whatever identity it is handed. So `approve`,
//! `reject`, `cancel` and `abort` act as the OS user running the process
//! ([`os_identity`]), never as a name from the environment, and `--as USER`
//! is refused unless the task's flow sets `allow_delegated_identity`.
//! Roles (`--role`) are asserted, not verified: anyone who may run the CLI
//! on a store may claim any role, so who may open the store (the SQLite
//! file's permissions, the server store's grants) is who may approve.

use std::fs;
use std::path::{Path, PathBuf};

use shadowsync::host::{is_server_location, open_store, shown_location, DynStore};
use shadowsync_core::task::flow::{select_flow, Approvers};
use shadowsync_core::task::{Actor, TaskCenter, TaskId};
use shadowsync_store::SystemClock;

use crate::config::Profile;
use crate::failure::Failure;
use crate::runner::{self, Center};

/// Environment variable naming the task database.
pub const STORE_VAR: &str = "SHADOWSYNC_STORE";

/// Where the task store is.
#[derive(Debug, Clone, clap::Args)]
pub struct StoreArg {
    /// Task store: a SQLite file, or a `mysql://user:pass@host:port/db` URL
    /// for a store several hosts share [default: $SHADOWSYNC_STORE, else
    /// the profile's `store`, else $XDG_DATA_HOME/shadowsync/tasks.db, else
    /// ~/.local/share/shadowsync/tasks.db].
    #[arg(long, value_name = "PATH|URL", global = true)]
    store: Option<String>,
}

impl StoreArg {
    /// The store's location from the option, the environment or the
    /// profile; `None` when none of them names one.
    fn configured(&self, profile: Option<&Profile>) -> Result<Option<String>, Failure> {
        if let Some(location) = self.store.clone() {
            crate::credentials::warn_if_store_has_password(&location);
            return Ok(Some(location));
        }
        if let Some(location) = env_text(STORE_VAR)? {
            return Ok(Some(location));
        }
        Ok(profile.and_then(|p| p.store.clone()))
    }

    /// The store a read-only command (`plan`, `check`) keeps its snapshot
    /// cache in: the one the option, the environment or the profile names,
    /// never the default file, which a read-only command does not create.
    /// A store that cannot be opened is passed over with a warning: the
    /// command then reads every table.
    pub fn cache(&self, profile: Option<&Profile>) -> Result<Option<DynStore>, Failure> {
        let Some(location) = self.configured(profile)? else {
            return Ok(None);
        };
        match open_store(&location) {
            Ok(store) => Ok(Some(store)),
            Err(e) => {
                tracing::warn!(
                    "snapshot cache not used: cannot open the task store {}: {e}",
                    shown_location(&location)
                );
                Ok(None)
            }
        }
    }

    /// The store's location, from the option, the environment or the
    /// profile, else the default file.
    fn location(&self, profile: Option<&Profile>) -> Result<String, Failure> {
        if let Some(location) = self.configured(profile)? {
            return Ok(location);
        }
        // The XDG base directory rules ignore a relative XDG_DATA_HOME.
        let xdg = env_text("XDG_DATA_HOME")?
            .map(PathBuf::from)
            .filter(|p| p.is_absolute());
        let data = match xdg {
            Some(dir) => Some(dir),
            None => env_text("HOME")?.map(|home| Path::new(&home).join(".local/share")),
        }
        .ok_or_else(|| {
            Failure::BadInput(format!(
                "no place for the task store: pass --store PATH|URL or set {STORE_VAR}"
            ))
        })?;
        Ok(data
            .join("shadowsync")
            .join("tasks.db")
            .to_string_lossy()
            .into_owned())
    }

    /// The task center on the store (a file is created, with its directory,
    /// if needed), and the store's location as it may be shown (no password).
    pub fn open(&self, profile: Option<&Profile>) -> Result<(Center, String), Failure> {
        let location = self.location(profile)?;
        let shown = shown_location(&location);
        if !is_server_location(&location) {
            if let Some(dir) = Path::new(&location)
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
            {
                fs::create_dir_all(dir).map_err(|e| {
                    Failure::Other(format!("cannot create directory {}: {e}", dir.display()))
                })?;
            }
        }
        let store = open_store(&location)
            .map_err(|e| Failure::Other(format!("cannot open the task store {shown}: {e}")))?;
        Ok((
            TaskCenter::new(store, SystemClock).with_lease(runner::lease()?),
            shown,
        ))
    }
}

/// The environment variable `name`, if set and not empty; an error when it
/// is not UTF-8 (rather than silently using another store).
pub(crate) fn env_text(name: &str) -> Result<Option<String>, Failure> {
    match std::env::var(name) {
        Ok(value) if !value.is_empty() => Ok(Some(value)),
        Ok(_) | Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => {
            Err(Failure::BadInput(format!("{name} is not valid UTF-8")))
        }
    }
}

/// The user this process runs as: the user database's name for its
/// effective user id (through `whoami`). The actor of every decision the
/// CLI makes. Environment variables such as `USER` are not consulted:
/// anyone can set them, and a forged name would defeat
/// `forbid_self_approval`.
pub fn os_identity() -> Result<String, Failure> {
    let name = whoami::username().map_err(|e| {
        Failure::Other(format!(
            "cannot tell which user runs shadowsync (the effective user id has no usable \
             name in the user database: {e}); approvals, rejections, cancellations and \
             aborts need one"
        ))
    })?;
    if name.trim().is_empty() {
        return Err(Failure::Other(
            "the user database gives the user running shadowsync an empty name".into(),
        ));
    }
    Ok(name)
}

/// The creator of tasks submitted without `--creator`: [`os_identity`], so
/// that self-approval is compared with the name approvals are made under.
/// Where the process's user has no name in the user database (some
/// containers) submitting still works, as `unknown`: environment variables
/// such as `USER` are not guessed from, and such a process cannot decide on
/// tasks at all.
pub fn os_user() -> String {
    os_identity().unwrap_or_else(|_| "unknown".into())
}

/// The actor of a decision on task `id`: the OS user, or the `--as` name
/// when the task's flow allows delegated identities. The task's own copy of
/// its flow decides (fixed at submission), so editing the templates later
/// does not change who may act on a task under way.
pub fn actor_for(
    center: &Center,
    id: TaskId,
    delegated: Option<&str>,
    roles: &[String],
) -> Result<Actor, Failure> {
    let roles: Vec<&str> = roles.iter().map(String::as_str).collect();
    let Some(name) = delegated else {
        return Ok(Actor::new(os_identity()?, &roles));
    };
    let flow = center.task(id)?.spec.flow;
    if !flow.allow_delegated_identity {
        return Err(Failure::BadInput(format!(
            "--as is refused for task {id}: its flow `{}` does not allow delegated \
             identities (allow_delegated_identity); leave --as out to act as {}",
            flow.name,
            you()
        )));
    }
    if name.trim().is_empty() {
        return Err(Failure::BadInput(format!(
            "--as needs a user name for task {id} (it is empty)"
        )));
    }
    Ok(Actor::new(name, &roles))
}

/// The OS user, as named in messages.
fn you() -> String {
    os_identity().map_or_else(
        |_| "the OS user".into(),
        |name| format!("the OS user `{name}`"),
    )
}

/// Who submits a new task on `connection`/`database`: the OS user, or the
/// `--creator` name when the flow the task will fall under allows delegated
/// identities or approves by itself (every node automatic). Otherwise a creator
/// could submit as someone else and approve the task as itself. Checked
/// before touching the server.
pub(crate) fn creator_for(
    center: &Center,
    connection: &str,
    database: &str,
    requested: Option<&str>,
) -> Result<String, Failure> {
    let Some(name) = requested else {
        return Ok(os_user());
    };
    let flow = select_flow(&center.flows()?, connection, database);
    let approves_itself = flow
        .nodes
        .iter()
        .all(|node| matches!(node.approvers, Approvers::Auto));
    if !flow.allow_delegated_identity && !approves_itself {
        return Err(Failure::BadInput(format!(
            "--creator is refused: flow `{}`, which the new task would fall under, \
             does not allow delegated identities (allow_delegated_identity); leave \
             --creator out to submit as {}",
            flow.name,
            you()
        )));
    }
    if name.trim().is_empty() {
        return Err(Failure::BadInput(
            "--creator needs a user name (it is empty)".into(),
        ));
    }
    Ok(name.to_string())
}
