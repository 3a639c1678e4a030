//! godwit: compile-time-checked, backward-compatible database migrations for
//! Diesel applications.
//!
//! Write each schema change as a module annotated with [`migration`], list
//! them in [`migrations!`], and `cargo build` checks every upgrade has a
//! downgrade that undoes it and follows the expand/contract rules; the
//! checked set is embedded in the binary and applied through Diesel:
//!
//! ```ignore
//! let mut conn = SqliteConnection::establish("app.db")?;
//! let report = MIGRATIONS.upgrade(&mut conn, Target::Head)?;   // lock, apply pending, unlock
//! MIGRATIONS.downgrade(&mut conn, Target::Relative(-1))?;
//! let rev: Option<&str> = MIGRATIONS.current(&mut conn)?;
//! let sql: String = MIGRATIONS.sql(Dialect::Postgres, Target::Base, Target::Head)?; // offline
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "cli")]
pub mod cli;
pub mod database;
pub mod dialect;
mod diesel_source;
pub mod dsl;
mod error;
pub mod runner;
pub mod scaffold;
mod set;

pub use database::{connect, AnyConnection, Database};
pub use dialect::Dialect;
pub use error::{Error, MigrationFailure};
pub use godwit_core::schema::Schema;
pub use godwit_core::{
    checksum, Action, CheckConstraint, Column, ColumnChange, ColumnType, DefaultValue, Diagnostic,
    Location, Migration, Op, Phase, Reference, Rule, RuleKind, UniqueConstraint,
};
pub use godwit_macros::{migration, migrations};
pub use runner::{HistoryEntry, Options, Report, Step, Target};
pub use set::MigrationSet;

/// Items used by the code the macros generate; not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use godwit_core::{model, Migration};
    pub use godwit_macros::__check_set;
    pub use std::borrow::Cow;
    pub use std::option::Option::{None, Some};
}
