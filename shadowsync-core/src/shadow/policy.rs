//! The switches of the shadow rewriting rules, chosen per analysis and
//! frozen into the task's plan (precheck and verify re-analyse with them).

use serde::{Deserialize, Serialize};

/// Switches for the shadow rewriting rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShadowPolicy {
    /// Point foreign keys at the parent's shadow where there is one (default true).
    pub redirect_foreign_keys: bool,
    /// Copy the source's `AUTO_INCREMENT` counter into a created shadow (default false).
    pub copy_auto_increment: bool,
    /// Rebuild a shadow whose change the engine cannot make in place
    /// (create the new one under a temporary name, copy the rows, swap):
    /// see [`crate::analysis::rebuild`] (default false: such a table is refused).
    #[serde(default)]
    pub rebuild: bool,
}

impl Default for ShadowPolicy {
    fn default() -> Self {
        ShadowPolicy {
            redirect_foreign_keys: true,
            copy_auto_increment: false,
            rebuild: false,
        }
    }
}
