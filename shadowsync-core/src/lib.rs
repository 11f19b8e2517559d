//! The pure engine of shadowsync.
//!
//! No I/O, no driver, no clock reads: the table model ([`model`]), the DDL
//! parser ([`parse`]) and renderer ([`render`]), equivalence rules
//! ([`normalize`]), the diff ([`diff`]), and the ports ([`executor`]) through
//! which hosts plug in a server connection and a clock.

pub mod analysis;
pub mod diff;
pub mod engine;
pub mod error;
pub mod executor;
pub mod expr;
pub mod guard;
pub mod lex;
pub mod model;
pub mod normalize;
pub mod parse;
pub mod render;
pub mod task;

pub use error::{Error, Location, ParseError, Result};
pub use executor::{
    CatalogFacts, Clock, Executor, Flavor, Interrupt, Millis, Relation, RelationKind, ServerInfo,
};
pub use model::*;
