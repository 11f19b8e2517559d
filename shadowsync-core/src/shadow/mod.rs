//! What makes a table a shadow, shared by the layers that plan, guard and
//! run shadows: how its name derives from its source's ([`naming`]), the
//! marker its comment carries ([`marker`]), and the switches of the
//! rewriting rules ([`policy`]).

pub mod marker;
pub mod naming;
pub mod policy;

pub use marker::{is_marked_shadow, SHADOW_MARKER};
pub use naming::{AffixPosition, NamingRule};
pub use policy::ShadowPolicy;
