//! `impl diesel::migration::MigrationSource<DB> for MigrationSet`, so that
//! `conn.run_pending_migrations(&MIGRATIONS)` from diesel_migrations applies
//! the same SQL as [`MigrationSet::upgrade`], under the same lock and checks.
//!
//! Diesel's harness reads its table `__diesel_schema_migrations` without a
//! lock, then for each pending migration calls `Migration::run` and inserts
//! the version itself. godwit's `run` (`runner/harness.rs`) takes the
//! migration lock `upgrade` takes, refuses what `upgrade` refuses (an
//! applied migration edited since, a half-applied one, an unknown revision),
//! runs the migration as `upgrade` runs it and records it in
//! `godwit_version` with its checksum, so that `upgrade`, `current` and
//! `check_drift` know it. A migration another process applied after Diesel
//! listed it as pending is not run again: when Diesel's table lists it,
//! godwit takes that row out and Diesel inserts it again after `run`;
//! otherwise (`upgrade` applied it, or another harness has still to record
//! it) it is refused before anything runs
//! ([`Error::HarnessRefused`](crate::Error::HarnessRefused)), since Diesel's
//! own insert after `run` would fail or race. Migrations that Diesel's table
//! lists and godwit's lacks (applied by the harness before godwit kept its
//! table) are recorded with the embedded checksums. docs/RUNTIME.md
//! ("Diesel's harness") has the reasoning and the limits.
//!
//! Every migration tells Diesel `run_in_transaction() == false`: godwit runs
//! it in its own transaction where the backend allows (as `upgrade` does),
//! and waits for the lock outside any transaction (a waiter inside one
//! would stall a concurrent index build of the lock's holder).
//!
//! The harness only calls godwit when something is pending: with nothing
//! to run, an edited migration goes unnoticed by it (`upgrade` still
//! refuses it). On a fresh PostgreSQL database, Diesel's own first
//! statement (`CREATE TABLE IF NOT EXISTS __diesel_schema_migrations`) can
//! fail in processes that send it at once, before godwit is called. Diesel
//! orders pending migrations by version, so the revisions of the set must
//! sort in chain order (timestamps do); otherwise `migrations()` says so.

use std::fmt::{self, Display, Formatter};

use diesel::migration::{MigrationMetadata, MigrationName, MigrationVersion};
use godwit_core::Phase;

use crate::{Database, Error, MigrationSet};

/// One migration of the set as Diesel sees it.
// Used by the `MigrationSource` of each backend feature.
#[cfg_attr(
    not(any(feature = "sqlite", feature = "postgres", feature = "mysql")),
    allow(dead_code)
)]
struct DieselMigration {
    set: MigrationSet,
    index: usize,
    name: Name,
    metadata: Metadata,
}

struct Name(&'static str);

impl Display for Name {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl MigrationName for Name {
    fn version(&self) -> MigrationVersion<'_> {
        MigrationVersion::from(self.0)
    }
}

struct Metadata;

impl MigrationMetadata for Metadata {
    /// godwit runs the migration in a transaction of its own where the
    /// backend allows, after taking the lock outside any (see the module).
    fn run_in_transaction(&self) -> bool {
        false
    }
}

#[cfg_attr(
    not(any(feature = "sqlite", feature = "postgres", feature = "mysql")),
    allow(dead_code)
)]
impl DieselMigration {
    fn new(set: MigrationSet, index: usize) -> Self {
        DieselMigration {
            set,
            index,
            name: Name(&set.migrations()[index].revision),
            metadata: Metadata,
        }
    }

    /// Runs `phase` on the connection Diesel's harness hands over, which
    /// must be Diesel's own connection type `C` of backend `B`.
    fn run_boxed<B, C>(
        &self,
        conn: &mut dyn diesel::connection::BoxableConnection<B>,
        phase: Phase,
    ) -> diesel::migration::Result<()>
    where
        B: diesel::backend::Backend + 'static,
        C: diesel::Connection<Backend = B> + Database + 'static,
    {
        let conn = conn
            .downcast_mut::<C>()
            .ok_or("godwit runs migrations on Diesel's own connection types only")?;
        Ok(self.run_on(conn, phase)?)
    }

    fn run_on<D: Database>(&self, db: &mut D, phase: Phase) -> Result<(), Error> {
        self.set.harness_step(db, self.index, phase)
    }
}

/// The set, checked to sort by revision in chain order as Diesel sorts it.
fn ordered(set: &MigrationSet) -> diesel::migration::Result<()> {
    let revisions: Vec<&str> = set.migrations().iter().map(|m| &*m.revision).collect();
    if let Some(w) = revisions.windows(2).find(|w| w[0] >= w[1]) {
        return Err(format!(
            "diesel_migrations applies migrations in the order of their versions, but revision {} comes after {} in the chain; \
             use MIGRATIONS.upgrade(..), which follows the chain",
            w[1], w[0]
        )
        .into());
    }
    Ok(())
}

macro_rules! source {
    ($feature:literal, $backend:ty, $conn:ty) => {
        #[cfg(feature = $feature)]
        impl diesel::migration::MigrationSource<$backend> for MigrationSet {
            fn migrations(
                &self,
            ) -> diesel::migration::Result<Vec<Box<dyn diesel::migration::Migration<$backend>>>>
            {
                ordered(self)?;
                Ok((0..self.len())
                    .map(|i| {
                        Box::new(DieselMigration::new(*self, i))
                            as Box<dyn diesel::migration::Migration<$backend>>
                    })
                    .collect())
            }
        }

        #[cfg(feature = $feature)]
        impl diesel::migration::MigrationSource<$backend> for &MigrationSet {
            fn migrations(
                &self,
            ) -> diesel::migration::Result<Vec<Box<dyn diesel::migration::Migration<$backend>>>>
            {
                diesel::migration::MigrationSource::<$backend>::migrations(*self)
            }
        }

        #[cfg(feature = $feature)]
        impl diesel::migration::Migration<$backend> for DieselMigration {
            fn run(
                &self,
                conn: &mut dyn diesel::connection::BoxableConnection<$backend>,
            ) -> diesel::migration::Result<()> {
                self.run_boxed::<$backend, $conn>(conn, Phase::Upgrade)
            }

            fn revert(
                &self,
                conn: &mut dyn diesel::connection::BoxableConnection<$backend>,
            ) -> diesel::migration::Result<()> {
                self.run_boxed::<$backend, $conn>(conn, Phase::Downgrade)
            }

            fn metadata(&self) -> &dyn MigrationMetadata {
                &self.metadata
            }

            fn name(&self) -> &dyn MigrationName {
                &self.name
            }
        }
    };
}

source!(
    "sqlite",
    diesel::sqlite::Sqlite,
    diesel::sqlite::SqliteConnection
);
source!("postgres", diesel::pg::Pg, diesel::pg::PgConnection);
source!(
    "mysql",
    diesel::mysql::Mysql,
    diesel::mysql::MysqlConnection
);
