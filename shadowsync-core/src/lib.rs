//! The pure engine of shadowsync.
//!
//! No I/O, no driver, no clock reads: the table model ([`model`]), the DDL
//! parser ([`parse`]) and renderer ([`render`]), equivalence rules
//! ([`normalize`]), the diff ([`diff`]), and the ports ([`executor`]) through
//! which hosts plug in a server connection and a clock.
//!
//! # Layering
//!
//! Imports go one way, each layer using only the ones before it:
//!
//! 1. foundations: [`error`], [`lex`], [`expr`], [`model`], [`parse`],
//!    [`render`], [`engine`], [`normalize`], [`executor`], [`fingerprint`];
//! 2. [`statement`] and [`diff`]: table models to statements, each tagged
//!    with what it does;
//! 3. [`shadow`]: what makes a table a shadow (naming, marker, policy);
//! 4. [`plan`]: the frozen plan the analysis produces and tasks consume,
//!    with the typed reasons tables are skipped;
//! 5. [`guard`]: the independent check of every statement of a plan;
//! 6. [`task`]: the task center, which runs plans through the guard;
//! 7. [`analysis`]: reads schemas, produces plans, and implements the
//!    task center's inspector port ([`task::SchemaInspector`]);
//! 8. [`check`]: the readiness verdicts on an analysis (with [`access`],
//!    a foundation: what the server tells an account).

pub mod access;
pub mod analysis;
pub mod check;
pub mod diff;
pub mod engine;
pub mod error;
pub mod executor;
pub mod expr;
pub mod fingerprint;
pub mod fleet;
pub mod guard;
pub mod lex;
pub mod mapped;
pub mod model;
pub mod normalize;
pub mod parse;
pub mod plan;
pub mod render;
pub mod shadow;
pub mod statement;
pub mod task;
pub mod topo;

pub use error::{Error, Location, ParseError, Result};
pub use executor::{
    on_source, CatalogFacts, ChangeTokens, Clock, DatabaseDefaults, Executor, Flavor, Interrupt,
    Millis, Relation, RelationKind, ServerInfo, StatementPool,
};
pub use mapped::{MappedExecutor, MissingDatabase};
pub use model::*;
