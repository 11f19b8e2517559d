//! Task lists: filters, sorting and paging, with the last 48 hours as the
//! default window. [`TaskQuery::select`] is the reference semantics; stores
//! that filter natively must give the same answers.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::executor::Millis;

use super::status::TaskStatus;
use super::TaskId;

/// The default list window: 48 hours.
pub const DEFAULT_WINDOW_MS: Millis = 48 * 60 * 60 * 1000;

/// The default page size.
pub const DEFAULT_PAGE_SIZE: usize = 20;

/// The largest page a query may ask for.
pub const MAX_PAGE_SIZE: usize = 1000;

/// The columns of a listed task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskSummary {
    /// Id.
    pub id: TaskId,
    /// Who submitted it.
    pub creator: String,
    /// Redacted connection.
    pub connection: String,
    /// Database.
    pub database: String,
    /// Current status.
    pub status: TaskStatus,
    /// Submission time.
    pub created_at: Millis,
    /// Creator's remarks.
    pub remarks: String,
}

/// Which creation times a list covers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ListWindow {
    /// Created in the last 48 hours.
    #[default]
    Recent,
    /// Created at or after this time.
    Since {
        /// Unix milliseconds.
        at: Millis,
    },
    /// Any time.
    All,
}

/// What a list is sorted by. Ties go newest first (created time, then id).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    /// Creation time.
    #[default]
    CreatedAt,
    /// Status, in lifecycle order ([`TaskStatus::rank`]).
    Status,
}

/// A list request. Filters that are `None` (or empty) do not filter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskQuery {
    /// Creation-time window.
    pub window: ListWindow,
    /// Only this (redacted) connection.
    pub connection: Option<String>,
    /// Only this database.
    pub database: Option<String>,
    /// Only this creator.
    pub creator: Option<String>,
    /// Only these statuses.
    pub statuses: Vec<TaskStatus>,
    /// Sort key.
    pub sort: SortKey,
    /// Largest first.
    pub descending: bool,
    /// Page number, from 0.
    pub page: usize,
    /// Entries per page, 1 to [`MAX_PAGE_SIZE`].
    pub page_size: usize,
}

impl Default for TaskQuery {
    /// The last 48 hours, newest first, first page of 20.
    fn default() -> TaskQuery {
        TaskQuery {
            window: ListWindow::Recent,
            connection: None,
            database: None,
            creator: None,
            statuses: Vec::new(),
            sort: SortKey::CreatedAt,
            descending: true,
            page: 0,
            page_size: DEFAULT_PAGE_SIZE,
        }
    }
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskPage {
    /// How many tasks match, over all pages.
    pub total: usize,
    /// This page.
    pub items: Vec<TaskSummary>,
}

impl TaskQuery {
    /// Refuse a page size outside 1..=[`MAX_PAGE_SIZE`].
    pub fn validate(&self) -> Result<()> {
        if (1..=MAX_PAGE_SIZE).contains(&self.page_size) {
            Ok(())
        } else {
            Err(Error::InvalidRequest(format!(
                "page size must be between 1 and {MAX_PAGE_SIZE}, not {}",
                self.page_size
            )))
        }
    }

    /// Earliest creation time listed at `now`, if any.
    pub fn created_since(&self, now: Millis) -> Option<Millis> {
        match self.window {
            ListWindow::Recent => Some(now.saturating_sub(DEFAULT_WINDOW_MS)),
            ListWindow::Since { at } => Some(at),
            ListWindow::All => None,
        }
    }

    /// Offset of the first entry of the page.
    pub fn offset(&self) -> usize {
        self.page.saturating_mul(self.page_size)
    }

    /// Whether `task` passes the filters at `now`.
    pub fn matches(&self, task: &TaskSummary, now: Millis) -> bool {
        self.created_since(now)
            .is_none_or(|since| task.created_at >= since)
            && eq_or_any(&self.connection, &task.connection)
            && eq_or_any(&self.database, &task.database)
            && eq_or_any(&self.creator, &task.creator)
            && (self.statuses.is_empty() || self.statuses.contains(&task.status))
    }

    /// Order of two listed tasks.
    pub fn compare(&self, a: &TaskSummary, b: &TaskSummary) -> Ordering {
        let primary = match self.sort {
            SortKey::CreatedAt => a.created_at.cmp(&b.created_at),
            SortKey::Status => a.status.rank().cmp(&b.status.rank()),
        };
        let primary = if self.descending {
            primary.reverse()
        } else {
            primary
        };
        primary
            .then(b.created_at.cmp(&a.created_at))
            .then(b.id.cmp(&a.id))
    }

    /// The page of `tasks` this query asks for at `now`.
    pub fn select(&self, tasks: impl IntoIterator<Item = TaskSummary>, now: Millis) -> TaskPage {
        let mut matching: Vec<TaskSummary> =
            tasks.into_iter().filter(|t| self.matches(t, now)).collect();
        matching.sort_by(|a, b| self.compare(a, b));
        let total = matching.len();
        let items = matching
            .into_iter()
            .skip(self.offset())
            .take(self.page_size)
            .collect();
        TaskPage { total, items }
    }
}

/// A filter that is unset, or equal to `actual`.
fn eq_or_any(wanted: &Option<String>, actual: &str) -> bool {
    wanted.as_deref().is_none_or(|w| w == actual)
}
