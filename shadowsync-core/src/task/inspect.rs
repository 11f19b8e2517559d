//! The schema knowledge the task runner needs but does not own: the analysis
//! layer implements [`SchemaInspector`] to precheck and verify tables.

use crate::error::Result;
use crate::executor::Executor;
use crate::plan::PlannedTable;

/// Reads the live schema of a planned table the way the analysis does.
pub trait SchemaInspector {
    /// Current `(source, shadow)` fingerprints of `table`, computed exactly as
    /// for [`PlannedTable::source_fingerprint`] and
    /// [`PlannedTable::shadow_fingerprint`] (`None`: no shadow table).
    fn fingerprints(
        &mut self,
        exec: &mut dyn Executor,
        table: &PlannedTable,
    ) -> Result<(String, Option<String>)>;

    /// The statements still needed to bring the shadow of `table` in step
    /// with its source; empty when it already is.
    fn remaining_changes(
        &mut self,
        exec: &mut dyn Executor,
        table: &PlannedTable,
    ) -> Result<Vec<String>>;

    /// Whether `statement` of `table`'s plan, sent before a crash with its
    /// outcome unknown, took effect, when that can be read off the live
    /// schema directly (`None`: it cannot, and the runner compares
    /// [`SchemaInspector::remaining_changes`] with the plan instead). The
    /// default never can.
    fn took_effect(
        &mut self,
        _exec: &mut dyn Executor,
        _table: &PlannedTable,
        _statement: &str,
    ) -> Result<Option<bool>> {
        Ok(None)
    }

    /// [`SchemaInspector::fingerprints`] of each of `tables`, in order
    /// (precheck asks for every table at once). The default asks table by
    /// table; an inspector that reads many tables in one go overrides it.
    fn fingerprints_of_all(
        &mut self,
        exec: &mut dyn Executor,
        tables: &[PlannedTable],
    ) -> Vec<Result<(String, Option<String>)>> {
        tables.iter().map(|t| self.fingerprints(exec, t)).collect()
    }

    /// [`SchemaInspector::remaining_changes`] of each of `tables`, in order
    /// (verify asks for every applied table at once). The default asks
    /// table by table.
    fn remaining_changes_of_all(
        &mut self,
        exec: &mut dyn Executor,
        tables: &[PlannedTable],
    ) -> Vec<Result<Vec<String>>> {
        tables
            .iter()
            .map(|t| self.remaining_changes(exec, t))
            .collect()
    }
}
