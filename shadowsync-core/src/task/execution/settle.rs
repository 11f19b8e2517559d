//! Settling a statement an earlier run left without outcome (sent, never
//! recorded): from the schema directly where the inspector can read it
//! off, else from what the table still needs, never by sending it again
//! blindly.

use crate::error::{Error, Result};
use crate::executor::Clock;
use crate::plan::PlannedTable;

use super::super::log::LogLevel;
use super::super::progress::Progress;
use super::super::status::StatementStatus;
use super::super::store::Store;
use super::Execution;

/// What re-checking an interrupted statement established.
pub(super) enum Settled {
    /// It took effect; go on with the next statement.
    Applied,
    /// It took effect and the table already matches: nothing more to run.
    TableComplete,
    /// It did not take effect: send it again.
    NotApplied,
    /// Cannot tell; the table fails with this reason.
    Unknown(String),
}

impl<S: Store, C: Clock> Execution<'_, S, C> {
    /// Decide what became of statement `k`, found sent but without outcome:
    /// from the schema directly where the inspector can read it off, else
    /// from what the table still needs: nothing (it applied, and the rest is
    /// not needed), exactly the statements from `k` (it did not apply), or
    /// exactly those after `k` (it applied). Anything else is unknown.
    pub(super) fn settle_interrupted(
        &mut self,
        index: usize,
        k: usize,
        planned: &PlannedTable,
    ) -> Result<Settled> {
        let table = &planned.source;
        // A dead worker's statement may still run on the server: wait for
        // it, so that it is judged by its end, not by a half-way schema.
        if let Some(what) = self.exec.await_orphan(&planned.statements[k])? {
            self.log(
                LogLevel::Warn,
                &format!("`{table}`: statement {}: {what}", k + 1),
            )?;
        }
        // Statements whose effect shows directly (a shadow created, a foreign
        // key added) are settled by looking; in a foreign-key cycle the
        // table-by-table comparison below cannot tell, because the plan
        // splits the cycle's keys across tables. A failed look falls through
        // to the comparison, which reports a schema it cannot read itself.
        if let Ok(Some(took_effect)) =
            self.inspector
                .took_effect(self.exec, planned, &planned.statements[k])
        {
            return if took_effect {
                self.set_statement(index, k, StatementStatus::Applied, None)?;
                self.log(
                    LogLevel::Warn,
                    &format!("`{table}`: statement {} was interrupted after taking effect (its result is in the schema)", k + 1),
                )?;
                self.settled(planned, k, false);
                Ok(Settled::Applied)
            } else {
                self.log(
                    LogLevel::Warn,
                    &format!("`{table}`: statement {} was interrupted before taking effect (its result is not in the schema); sending it again", k + 1),
                )?;
                self.settled(planned, k, true);
                Ok(Settled::NotApplied)
            };
        }
        let remaining = match self.inspector.remaining_changes(self.exec, planned) {
            Ok(remaining) => remaining,
            Err(lost @ Error::ConnectionLost(_)) => return Err(lost),
            Err(error) => {
                let reason = format!(
                    "statement {} was interrupted and could not be re-checked: {error}",
                    k + 1
                );
                self.set_statement(index, k, StatementStatus::Failed, Some(&reason))?;
                return Ok(Settled::Unknown(reason));
            }
        };
        let settled = if remaining.is_empty() {
            self.set_statement(index, k, StatementStatus::Applied, None)?;
            for later in k + 1..planned.statements.len() {
                self.set_statement(index, later, StatementStatus::Skipped, None)?;
            }
            self.log(
                LogLevel::Warn,
                &format!("`{table}`: statement {} was interrupted; the table already matches, so it took effect", k + 1),
            )?;
            Settled::TableComplete
        } else if remaining[..] == planned.statements[k..] {
            self.log(
                LogLevel::Warn,
                &format!("`{table}`: statement {} was interrupted before taking effect; sending it again", k + 1),
            )?;
            Settled::NotApplied
        } else if remaining[..] == planned.statements[k + 1..] {
            self.set_statement(index, k, StatementStatus::Applied, None)?;
            self.log(
                LogLevel::Warn,
                &format!(
                    "`{table}`: statement {} was interrupted after taking effect",
                    k + 1
                ),
            )?;
            Settled::Applied
        } else {
            let reason = format!(
                "statement {} was interrupted and its outcome is unknown; the shadow still needs: {}",
                k + 1,
                remaining.join("; ")
            );
            self.set_statement(index, k, StatementStatus::Failed, Some(&reason))?;
            Settled::Unknown(reason)
        };
        if !matches!(settled, Settled::Unknown(_)) {
            self.settled(planned, k, matches!(settled, Settled::NotApplied));
        }
        Ok(settled)
    }

    pub(super) fn settled(&self, planned: &PlannedTable, k: usize, resent: bool) {
        self.emit(Progress::StatementSettled {
            task: self.id(),
            table: planned.source.clone(),
            statement: k + 1,
            resent,
        });
    }
}
