//! The model and the checker shared by godwit's macros (at compile time) and
//! its runtime: the operation model, the canonical text and checksum of a
//! migration, the DSL's vocabulary, the revision chain, the schema model,
//! the safety rules, and the SQL text scanner they share.
//!
//! Users depend on the `godwit` crate, which re-exports what they need.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod backend;
mod canonical;
pub mod chain;
pub mod codec;
pub mod diagnostic;
pub mod diesel_schema;
pub mod migration;
pub mod model;
pub mod rules;
pub mod schema;
pub mod sql_text;
pub mod translate;
pub mod validate;
pub mod vocabulary;

pub use backend::{Backend, Backends, Target, Version};
pub use canonical::checksum;
pub use diagnostic::{Diagnostic, Location, Rule, RuleKind};
pub use migration::{EmbeddedMigration, Migration};
pub use model::*;
pub use rules::{check_history, check_history_for};
