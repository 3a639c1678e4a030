//! godwit: compile-time-checked, backward-compatible database migrations for
//! Diesel applications.
//!
//! Write each schema change as a module annotated with [`migration`], list
//! them in [`migrations!`], and `cargo build` checks every upgrade has a
//! downgrade that undoes it and follows the expand/contract rules; the
//! checked set is embedded in the binary and applied through Diesel:
//!
//! ```
//! use diesel::{Connection, SqliteConnection};
//! use godwit::{migration, Dialect, Target};
//!
//! #[migration(revision = "20250119_090000", message = "create the users table")]
//! pub mod create_users {
//!     use godwit::dsl::*;
//!
//!     pub fn upgrade(op: &mut Ops) {
//!         op.create_table("users", [
//!             column("id", BigInt).primary_key().autoincrement(),
//!             column("email", Varchar(255)).not_null(),
//!         ]);
//!     }
//!
//!     pub fn downgrade(op: &mut Ops) {
//!         op.drop_table("users");
//!     }
//! }
//!
//! pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![create_users];
//!
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let mut conn = SqliteConnection::establish(":memory:")?;
//!     let report = MIGRATIONS.upgrade(&mut conn, Target::Head)?; // lock, apply pending, unlock
//!     assert_eq!(report.steps.len(), 1);
//!     let rev: Option<&str> = MIGRATIONS.current(&mut conn)?;
//!     assert_eq!(rev, Some("20250119_090000"));
//!     MIGRATIONS.downgrade(&mut conn, Target::Relative(-1))?;
//!     // Offline, no connection: what `upgrade` would run on PostgreSQL.
//!     let sql: String = MIGRATIONS.sql(Dialect::Postgres, Target::Base, Target::Head)?;
//!     assert!(sql.contains("CREATE TABLE \"users\""));
//!     Ok(())
//! }
//! ```
//!
//! A connection can also come from a URL ([`connect`]), and the set is a
//! Diesel `MigrationSource` for `diesel_migrations`' `run_pending_migrations`,
//! which then runs under the same lock and checks as `upgrade`.
//! [`fleet::Fleet`] upgrades many databases (or PostgreSQL schemas, with
//! `?schema=` in the URL) with one set, a report per target.
//! See docs/RUNTIME.md for the version table, locking and failure handling.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "cli")]
pub mod cli;
mod data_loss;
pub mod database;
pub mod dialect;
mod diesel_source;
pub mod dsl;
mod error;
pub mod fleet;
pub mod import;
pub mod runner;
pub mod scaffold;
mod set;

pub use data_loss::{DataLoss, Loss};
pub use database::{connect, AnyConnection, Database};
pub use dialect::Dialect;
pub use error::{Error, ErrorParts, HalfApplied, MigrationFailure};
pub use godwit_core::diesel_schema;
pub use godwit_core::schema;
pub use godwit_core::schema::Schema;
pub use godwit_core::vocabulary;
pub use godwit_core::{
    checksum, Action, Backend, CheckConstraint, Column, ColumnChange, ColumnType, DefaultValue,
    Deferrable, Diagnostic, IndexKey, IndexMethod, Location, Migration, Op, Phase, PrimaryKey,
    Reference, Rule, RuleKind, UniqueConstraint,
};
pub use godwit_macros::{migration, migrations};
pub use runner::{HistoryEntry, Options, Progress, Report, Step, Target};
pub use set::MigrationSet;

/// Items used by the code the macros generate; not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use godwit_core::{EmbeddedMigration, Migration};
    pub use godwit_macros::{__check_set, __godwit_export};
    pub use std::sync::OnceLock;

    /// Fails the build when a model `migrations!` read from a file (its
    /// hash, and what to say) is not the one compiled under its path.
    pub const fn same_models(read: &[u64], messages: &[&str], compiled: &[EmbeddedMigration]) {
        let mut i = 0;
        while i < read.len() && i < compiled.len() && i < messages.len() {
            if read[i] != compiled[i].model_hash() {
                panic!("{}", messages[i]);
            }
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::__private::{same_models, EmbeddedMigration};

    const SET: &[EmbeddedMigration] = &[
        EmbeddedMigration::new("0001", "c1", "", 11),
        EmbeddedMigration::new("0002", "c2", "", 22),
    ];

    #[test]
    fn the_guard_passes_the_models_compiled() {
        same_models(&[11, 22], &["first", "second"], SET);
        // The chain form reads nothing to compare.
        same_models(&[], &[], SET);
    }

    #[test]
    #[should_panic(expected = "second")]
    fn the_guard_names_the_first_model_that_differs() {
        same_models(&[11, 23], &["first", "second"], SET);
    }
}
