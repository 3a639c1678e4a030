//! `impl diesel::migration::MigrationSource<DB> for MigrationSet`, so that
//! `conn.run_pending_migrations(&MIGRATIONS)` from diesel_migrations applies
//! the same SQL as [`MigrationSet::upgrade`].
//!
//! Diesel keeps its own version table (`__diesel_schema_migrations`), takes
//! no lock and checks no checksum: use one runner or the other on a database,
//! not both. Diesel orders pending migrations by version, so the revisions of
//! the set must sort in chain order (timestamps do); otherwise `migrations()`
//! says so.

use std::fmt::{self, Display, Formatter};

use diesel::migration::{MigrationMetadata, MigrationName, MigrationVersion};
use godwit_core::Phase;

use crate::dialect::Dialect;
use crate::runner::{
    begin, failure, harness_advice, irreversible, restore_foreign_keys, run_ops,
    sqlite_foreign_keys_off, transactional,
};
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

struct Metadata {
    run_in_transaction: bool,
}

impl MigrationMetadata for Metadata {
    fn run_in_transaction(&self) -> bool {
        self.run_in_transaction
    }
}

#[cfg_attr(
    not(any(feature = "sqlite", feature = "postgres", feature = "mysql")),
    allow(dead_code)
)]
impl DieselMigration {
    fn new(set: MigrationSet, index: usize, dialect: Dialect) -> Self {
        let m = set.migrations()[index];
        // Diesel's transaction holds the version row too, so use it where the
        // whole migration is transactional both ways. SQLite needs its
        // foreign keys turned off outside any transaction: the run does it.
        let run_in_transaction = dialect == Dialect::Postgres
            && transactional(dialect, m, Phase::Upgrade)
            && transactional(dialect, m, Phase::Downgrade);
        DieselMigration {
            set,
            index,
            name: Name(&m.revision),
            metadata: Metadata { run_in_transaction },
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
        let d = db.dialect();
        let m = self.set.migrations()[self.index];
        if phase == Phase::Downgrade && m.irreversible.is_some() {
            return Err(irreversible(m));
        }
        let ops = self.set.render(d, self.index, phase)?;
        let own_transaction =
            !self.metadata.run_in_transaction && transactional(d, m, phase) && d != Dialect::Mysql;
        let fail = |f| {
            let rolled_back = own_transaction || self.metadata.run_in_transaction;
            failure(m, phase, &ops, f, harness_advice(rolled_back))
        };
        if !own_transaction {
            let batches_commit = !self.metadata.run_in_transaction;
            return run_ops(db, &ops, batches_commit).map_err(fail);
        }
        let fk = sqlite_foreign_keys_off(db)?;
        let result = db
            .execute(begin(d))
            .map_err(|e| Error::database("starting the migration's transaction", e))
            .and_then(|()| match run_ops(db, &ops, false) {
                Ok(()) => db
                    .execute("COMMIT")
                    .map_err(|e| Error::database("committing the migration", e)),
                Err(f) => {
                    let _ = db.execute("ROLLBACK");
                    Err(fail(f))
                }
            });
        restore_foreign_keys(db, fk)?;
        result
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
    ($feature:literal, $backend:ty, $conn:ty, $dialect:expr) => {
        #[cfg(feature = $feature)]
        impl diesel::migration::MigrationSource<$backend> for MigrationSet {
            fn migrations(
                &self,
            ) -> diesel::migration::Result<Vec<Box<dyn diesel::migration::Migration<$backend>>>>
            {
                ordered(self)?;
                Ok((0..self.len())
                    .map(|i| {
                        Box::new(DieselMigration::new(*self, i, $dialect))
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
    diesel::sqlite::SqliteConnection,
    Dialect::Sqlite
);
source!(
    "postgres",
    diesel::pg::Pg,
    diesel::pg::PgConnection,
    Dialect::Postgres
);
source!(
    "mysql",
    diesel::mysql::Mysql,
    diesel::mysql::MysqlConnection,
    Dialect::Mysql
);
