//! The runner: applies the set to a database, keeps the version table, and
//! refuses to run when the database and the binary disagree.
//!
//! A start-up with nothing to do reads the version table once, without the
//! lock, and stops there when every row checks out. Otherwise, under a
//! database lock held for the whole run: read the version table, resume a
//! migration an earlier run left half-applied (where the database shows how
//! far it got), check every applied migration's checksum, plan the run (the
//! target, the direction, no irreversible migration in the way), then one
//! migration at a time: render its ops for the backend from the schema model (carried
//! forward from one migration to the next), run them in one transaction
//! where the backend allows and record the result in the same transaction;
//! where it does not (MySQL DDL, a concurrent index build, a batched
//! backfill), record progress per op so that a failure leaves a row saying
//! exactly which op failed.
//!
//! | file | what |
//! | --- | --- |
//! | `mod.rs` | the public API: `upgrade`, `downgrade`, `current`, `history`, `stamp`, `check_drift`; [`Target`], [`Options`], [`Report`] |
//! | `version.rs` | the version table: its statements, its rows ([`AppliedRecord`], [`VersionState`]) and what they say |
//! | `plan.rs` | targets, the refusals decided before a run, rendering |
//! | `apply.rs` | the apply loop: resume, then each migration, retried after a lock timeout |
//! | `harness.rs` | one migration for diesel_migrations' harness, under the same lock and checks |
//! | `statements.rs` | running rendered statements |
//! | `recorded.rs`, `recovery.rs` | a migration run op by op with an exact record; where a half-applied one resumes |
//! | `session.rs` | the connection settings of a run |
//! | `offline.rs` | `sql`: the same run as text |
//! | `advice.rs` | the "state now" and "next" of the errors |

use std::time::Duration;

use godwit_core::Phase;

use apply::Run;

use crate::database::Database;
use crate::{Error, MigrationSet};

mod adopt;
mod advice;
mod apply;
mod harness;
mod offline;
mod plan;
mod recorded;
mod recovery;
mod session;
mod statements;
mod version;

#[cfg(all(test, feature = "sqlite"))]
mod tests;

pub use adopt::Adoption;
pub(crate) use advice::stamp_command;
#[cfg(feature = "cli")]
pub(crate) use plan::Refusal;
pub use version::{AppliedRecord, VersionState, VERSION_TABLE};

/// Where to migrate to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target<'a> {
    /// The newest migration of the set.
    Head,
    /// Before the first migration: an empty schema.
    Base,
    /// Up to and including this revision.
    Revision(&'a str),
    /// This many migrations after (positive) or before (negative) the current one.
    Relative(i32),
}

/// How the runner waits, times out and retries. `Options::default()` is what
/// [`MigrationSet::upgrade`] uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// PostgreSQL `lock_timeout` (MySQL `lock_wait_timeout`) while a
    /// migration runs: how long one statement may wait for a table lock
    /// before it gives up, so that it does not queue every other query
    /// behind it. Default 5 s.
    pub lock_timeout: Duration,
    /// PostgreSQL `statement_timeout` while a migration runs; `None` for no
    /// limit (the default).
    pub statement_timeout: Option<Duration>,
    /// How many times a migration is tried again after its lock wait timed
    /// out. Default 3.
    pub retries: u32,
    /// The pause before the first retry, doubled for each further one. Default 1 s.
    pub retry_backoff: Duration,
    /// How long to wait for another process that holds the migration lock
    /// (and, on SQLite, the busy timeout). Default 10 min.
    pub lock_wait: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            lock_timeout: Duration::from_secs(5),
            statement_timeout: None,
            retries: 3,
            retry_backoff: Duration::from_secs(1),
            lock_wait: Duration::from_secs(600),
        }
    }
}

/// What `upgrade` or `downgrade` did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// The revision before (`None`: base).
    pub from: Option<&'static str>,
    /// The revision after (`None`: base).
    pub to: Option<&'static str>,
    /// The migrations this process ran, in order.
    pub steps: Vec<Step>,
}

/// One migration run by this process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// The migration.
    pub revision: &'static str,
    /// Its message.
    pub message: &'static str,
    /// Upgrade or downgrade.
    pub phase: Phase,
    /// How long it took.
    pub duration: Duration,
    /// How many tries it took (more than 1 after a lock timeout).
    pub attempts: u32,
    /// The op (1-based) this run resumed at, when it finished a migration
    /// that an earlier run left half-applied.
    pub resumed_at: Option<usize>,
}

/// A run's progress, as it goes: what
/// [`MigrationSet::run_with_progress`] reports, once before and once after
/// each migration it runs.
#[derive(Clone, Copy, Debug)]
pub enum Progress<'a> {
    /// A migration is about to run (or to resume, where an earlier run
    /// stopped in it).
    Starting {
        /// The migration.
        revision: &'static str,
        /// Its message.
        message: &'static str,
        /// Which of its bodies.
        phase: Phase,
    },
    /// It is done: the step the run's [`Report`] will hold.
    Done(&'a Step),
}

/// Where a run reports its [`Progress`], if anywhere.
#[derive(Clone, Copy)]
pub(crate) struct Reporter<'a>(pub(crate) Option<&'a dyn Fn(Progress<'_>)>);

impl std::fmt::Debug for Reporter<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Reporter(..)"
        } else {
            "Reporter(None)"
        })
    }
}

impl Reporter<'_> {
    fn report(&self, progress: Progress<'_>) {
        if let Some(f) = self.0 {
            f(progress);
        }
    }
}

/// One migration of the set, and what the database says about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryEntry {
    /// The revision.
    pub revision: String,
    /// The message.
    pub message: String,
    /// Why it cannot be undone, if so.
    pub irreversible: Option<String>,
    /// The reasons given to `op.safety_assured(..)` in its upgrade.
    pub safety_reasons: Vec<String>,
    /// Whether this binary knows it (false: only the database does).
    pub known: bool,
    /// Its row in the version table, if applied (or half-applied).
    pub record: Option<AppliedRecord>,
}

/// The entry points of one direction: `$plain`, with the default
/// [`Options`], and `$with`. Written once: `upgrade` and `downgrade` differ
/// only in their phase and their documentation.
macro_rules! entry_points {
    ($phase:expr, $(#[$plain_doc:meta])* $plain:ident, $(#[$with_doc:meta])* $with:ident) => {
        $(#[$plain_doc])*
        pub fn $plain<D: Database + ?Sized>(
            &self,
            db: &mut D,
            target: Target<'_>,
        ) -> Result<Report, Error> {
            self.$with(db, target, &Options::default())
        }

        $(#[$with_doc])*
        pub fn $with<D: Database + ?Sized>(
            &self,
            db: &mut D,
            target: Target<'_>,
            options: &Options,
        ) -> Result<Report, Error> {
            let phase = $phase;
            self.run(db, Run { target, phase, options, progress: Reporter(None) })
        }
    };
}

impl MigrationSet {
    entry_points!(
        Phase::Upgrade,
        /// Upgrades the database to `target` with the default [`Options`].
        upgrade,
        /// Upgrades the database to `target`: takes the migration lock, checks
        /// the applied migrations against the embedded ones, applies the pending
        /// ones in order, releases the lock.
        upgrade_with
    );

    entry_points!(
        Phase::Downgrade,
        /// Downgrades the database to `target` with the default [`Options`]
        /// (see [`MigrationSet::downgrade_with`]: data loss is not checked here).
        downgrade,
        /// Downgrades the database to `target` (refusing to undo an
        /// irreversible migration).
        ///
        /// It does not ask whether the downgrade loses data: it undoes what it
        /// is told, dropping the tables and columns the downgrades drop. Ask
        /// [`MigrationSet::data_loss_in`] first, as the command line does
        /// (which refuses without `--allow-data-loss`).
        downgrade_with
    );

    /// [`MigrationSet::upgrade_with`] or [`MigrationSet::downgrade_with`]
    /// (`phase` says which), calling `progress` before and after each
    /// migration as the run goes, all of it under one hold of the migration
    /// lock: how the command line prints a line per migration.
    pub fn run_with_progress<D: Database + ?Sized>(
        &self,
        db: &mut D,
        phase: Phase,
        target: Target<'_>,
        options: &Options,
        progress: &dyn Fn(Progress<'_>),
    ) -> Result<Report, Error> {
        self.run(
            db,
            Run {
                target,
                phase,
                options,
                progress: Reporter(Some(progress)),
            },
        )
    }

    /// The report of a run with nothing to do, when one read of the version
    /// table, without the lock, shows the database exactly at `target` with
    /// every row checking out. The lock only orders writers; a run that
    /// writes nothing need not wait for it. Anything else (no table, a
    /// half-applied or unknown row, a changed checksum, work to do) goes the
    /// locked way, which says what is wrong or does the work.
    fn already_at<D: Database + ?Sized>(&self, db: &mut D, target: Target<'_>) -> Option<Report> {
        let count = self.settled_count(db)?;
        (self.resolve(target, count).ok()? == count).then(|| Report {
            from: self.revision_after(count),
            to: self.revision_after(count),
            steps: Vec::new(),
        })
    }

    /// The revision the database is at (`None`: base, or no version table).
    pub fn current<D: Database + ?Sized>(&self, db: &mut D) -> Result<Option<&'static str>, Error> {
        // Wherever the database is, if every row checks out, it is there.
        if let Some(count) = self.settled_count(db) {
            return Ok(self.revision_after(count));
        }
        self.adopt(db, &Options::default())?;
        if !version::exists_in(db)? {
            return Ok(None);
        }
        let records = version::read(db)?;
        let count = self.applied_count(db.dialect(), &records, false)?;
        Ok(self.revision_after(count))
    }

    /// Every migration of the set with its row in the version table, base
    /// first; revisions only the database knows come last.
    pub fn history<D: Database + ?Sized>(&self, db: &mut D) -> Result<Vec<HistoryEntry>, Error> {
        self.adopt(db, &Options::default())?;
        let records = if version::exists_in(db)? {
            version::read(db)?
        } else {
            Vec::new()
        };
        let mut out: Vec<HistoryEntry> = self
            .migrations()
            .iter()
            .map(|m| HistoryEntry {
                revision: m.revision.to_string(),
                message: m.message.to_string(),
                irreversible: m.irreversible.as_ref().map(|r| r.to_string()),
                safety_reasons: m.safety_reasons().iter().map(|r| r.to_string()).collect(),
                known: true,
                record: records.iter().find(|r| r.revision == *m.revision).cloned(),
            })
            .collect();
        for r in &records {
            if self.get(&r.revision).is_none() {
                out.push(HistoryEntry {
                    revision: r.revision.clone(),
                    message: r.message.clone(),
                    irreversible: None,
                    safety_reasons: Vec::new(),
                    known: false,
                    record: Some(r.clone()),
                });
            }
        }
        Ok(out)
    }

    /// Records that the database is at `target` without running anything:
    /// the version table is rewritten to list exactly the migrations up to
    /// it, as applied, with the embedded checksums. This is how a
    /// half-applied migration finished (or undone) by hand is resolved.
    pub fn stamp<D: Database + ?Sized>(&self, db: &mut D, target: Target<'_>) -> Result<(), Error> {
        self.locked(db, &Options::default(), |set, db| {
            let d = db.dialect();
            let records = version::read(db)?;
            let current = records
                .iter()
                .filter(|r| r.state == VersionState::Applied)
                .filter_map(|r| set.position(&r.revision))
                .map(|index| index + 1)
                .max()
                .unwrap_or(0);
            let to = set.resolve(target, current)?;
            let mut statements = Vec::new();
            for r in &records {
                if set.position(&r.revision).is_none_or(|index| index >= to) {
                    statements.push(version::delete(d, &r.revision));
                }
            }
            for (index, m) in set.migrations()[..to].iter().enumerate() {
                if records.iter().any(|r| r.revision == *m.revision) {
                    statements.push(version::finish(d, m, 0));
                } else {
                    statements.push(version::insert(d, m, index, VersionState::Applied, 0));
                }
            }
            statements::write_rows(db, &statements, "the stamp")
        })
    }

    /// Compares the database's schema (introspected) with the model of the
    /// migrations applied to it, and says where they first differ
    /// ([`Error::Drift`]): a change made by hand, or a migration edited
    /// after it ran. (The command line's `verify` is another check: every
    /// migration up, down and up again on a scratch database.)
    ///
    /// A table that raw SQL created or changed in a way the model does not
    /// follow (`CREATE TABLE .. AS`, an opaque `ALTER TABLE`) is not
    /// compared: the model cannot say what it holds.
    pub fn check_drift<D: Database + ?Sized>(&self, db: &mut D) -> Result<(), Error> {
        let count = self.count_up_to(self.current(db)?);
        let found = db.introspect()?;
        self.drift_from(db.dialect(), count, found)
    }

    /// [`Error::Drift`] when `found` (introspected) is not the schema the
    /// first `count` migrations build.
    fn drift_from(
        &self,
        d: crate::Dialect,
        count: usize,
        mut found: godwit_core::schema::Schema,
    ) -> Result<(), Error> {
        let mut model = self.schema_at(count)?;
        leave_out_unfollowed(&mut model, &mut found);
        let expected = crate::dialect::normalise(&model, d);
        let actual = crate::dialect::normalise(&found, d);
        match expected.first_difference(&actual) {
            None => Ok(()),
            Some(difference) => Err(Error::Drift {
                revision: self.revision_after(count).unwrap_or("base").to_string(),
                difference,
            }),
        }
    }

    /// [`MigrationSet::check_drift`], under its former name.
    #[deprecated(
        note = "renamed `check_drift`: the command line's `verify` is the scratch-database round trip"
    )]
    pub fn verify<D: Database + ?Sized>(&self, db: &mut D) -> Result<(), Error> {
        self.check_drift(db)
    }

    /// Adopts a database another tool migrated, if this one is (see
    /// [`Adoption`]): the migrations imported from that tool which its
    /// history table lists are recorded as applied, without running them,
    /// under the migration lock. `upgrade`, `downgrade`, `current` and
    /// `history` do this first; a database that is godwit's already, or a
    /// set that imported nothing, costs one read.
    pub fn adopt<D: Database + ?Sized>(
        &self,
        db: &mut D,
        options: &Options,
    ) -> Result<Option<Adoption>, Error> {
        if !self.needs_adoption(db)? {
            return Ok(None);
        }
        self.locked(db, options, |set, db| set.adopt_locked(db))
    }

    /// Runs `body` holding the migration lock, with the version table in place.
    fn locked<D: Database + ?Sized, T>(
        &self,
        db: &mut D,
        options: &Options,
        body: impl FnOnce(&Self, &mut D) -> Result<T, Error>,
    ) -> Result<T, Error> {
        tracing::debug!(dialect = %db.dialect(), "taking the migration lock");
        db.lock(options)?;
        tracing::debug!("migration lock taken");
        // A panic in `body` (a bug) releases the lock too before it goes on:
        // SQLite's lock is the process's, not `db`'s, and would outlive the
        // unwound connection in a process that catches the panic (a fleet).
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            version::ensure(db).and_then(|()| body(self, db))
        }));
        let unlocked = db.unlock();
        tracing::debug!("migration lock released");
        let value = result.unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
        unlocked?;
        Ok(value)
    }
}

/// Leaves out of both schemas the tables raw SQL changed out of the model's
/// sight (`CREATE TABLE .. AS SELECT`, say): the model cannot say what
/// they hold, so comparing them would report what it never claimed.
pub(crate) fn leave_out_unfollowed(
    model: &mut godwit_core::schema::Schema,
    found: &mut godwit_core::schema::Schema,
) {
    for table in model.unfollowed.keys() {
        model.tables.remove(table);
        found.tables.remove(table);
    }
}
