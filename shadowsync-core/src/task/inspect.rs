//! The schema knowledge the task runner needs but does not own: the analysis
//! layer implements [`SchemaInspector`] to precheck and verify tables.

use crate::error::Result;
use crate::executor::Executor;

use super::plan::PlannedTable;

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
}
