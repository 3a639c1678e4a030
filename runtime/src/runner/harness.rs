//! One migration run for diesel_migrations' harness, as safely as `upgrade`
//! runs it.
//!
//! The harness reads `__diesel_schema_migrations` once, without a lock, then
//! for each pending migration calls `Migration::run` and, once it returns,
//! inserts the version into its table itself (in one transaction with the
//! run when the migration's `run_in_transaction()` is true, which godwit's
//! never are; see below). So godwit's part is the middle of that step:
//! under the migration lock `upgrade` takes, it checks the version table as
//! `upgrade` does (checksums, half-applied rows, unknown revisions), then
//! runs the migration as `upgrade` runs it, recorded in `godwit_version`.
//!
//! Another process may have applied the migration between the harness's
//! read and the lock. Diesel then still inserts the version after `run`
//! returns, outside any transaction, and that insert must neither fail on
//! the other process's row nor race the other process's own insert (which
//! comes after it released the lock). Under the lock:
//!
//! - Diesel's table lists the migration: the other process's insert is
//!   done, and none is pending (a pending insert means the row is absent).
//!   godwit takes the row out and returns: Diesel's insert puts it back, the
//!   only insert pending. It is missing meanwhile, at worst making a third
//!   process's harness list it as pending, which then finds it applied and
//!   waits for the row as below; nothing is ever applied twice. Only
//!   `run_on` changes.
//! - Only `godwit_version` records it: `upgrade` applied it, or a harness
//!   whose insert is still to come (it follows its unlock at once). godwit
//!   releases the lock, waits up to [`DIESEL_ROW_WAIT`] for the row, takes
//!   the lock again and decides again; when the row has not come, it cannot
//!   tell which, and refuses before anything runs ([`Error::HarnessRefused`]),
//!   with the line that replaces the harness.
//!
//! Why never inside Diesel's transaction: a process waiting there for the
//! lock holds a snapshot (the extended protocol's open portal), and the
//! holder's `CREATE INDEX CONCURRENTLY` waits for that transaction to end,
//! which waits for the lock: a deadlock broken only by the lock timeout.
//! Outside a transaction the wait holds nothing, as `upgrade`'s does.

use godwit_core::Phase;

use super::version::{self, diesel_versions, DIESEL_TABLE, VERSION_TABLE};
use super::{advice, Options};
use crate::database::Database;
use crate::{Error, MigrationSet};

/// How long a migration found applied but missing from Diesel's table waits
/// for another harness's insert of it, which follows that harness's unlock
/// at once: far longer than that takes, short enough for the refusal that
/// follows when `upgrade` applied it.
const DIESEL_ROW_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// The line that replaces `run_pending_migrations`.
const UPGRADE: &str = "MIGRATIONS.upgrade(&mut conn, Target::Head)";

/// What the step does with migration `k`, the lock held.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Decision {
    /// Run it.
    Run,
    /// Nothing to do, and Diesel's own record after it succeeds as it is.
    Skip,
    /// Applied, and Diesel's table lists it: take Diesel's row out, for
    /// Diesel to insert it again.
    Recorded,
    /// Refuse, changing nothing.
    Refuse(Refusal),
}

/// How a step under the lock ended.
enum Locked {
    /// Done (or refused, as an error).
    Done,
    /// Applied, and Diesel's table does not list it yet: wait for it without
    /// the lock, then decide again.
    AwaitDiesel,
}

/// Why a step is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Refusal {
    /// The upgrade is applied already.
    Applied,
    /// The upgrade's earlier migration at this index is not applied.
    EarlierMissing(usize),
    /// The downgrade's later migration at this index is applied.
    LaterApplied(usize),
}

/// The decision for migration `k`'s `phase` when the version table shows
/// the first `count` migrations applied, and Diesel's table lists it or not.
fn decide(phase: Phase, k: usize, count: usize, in_diesel: bool) -> Decision {
    match phase {
        Phase::Upgrade if k < count && in_diesel => Decision::Recorded,
        Phase::Upgrade if k < count => Decision::Refuse(Refusal::Applied),
        Phase::Upgrade if k > count => Decision::Refuse(Refusal::EarlierMissing(count)),
        // Reverted meanwhile: Diesel's delete of its row finds nothing or a
        // stale row, and succeeds either way.
        Phase::Downgrade if k >= count => Decision::Skip,
        Phase::Downgrade if k + 1 < count => Decision::Refuse(Refusal::LaterApplied(count - 1)),
        _ => Decision::Run,
    }
}

impl MigrationSet {
    /// Runs migration `k`'s `phase` body for Diesel's harness: under the
    /// migration lock, after the checks of `upgrade`, or refused.
    pub(crate) fn harness_step<D: Database + ?Sized>(
        &self,
        db: &mut D,
        k: usize,
        phase: Phase,
    ) -> Result<(), Error> {
        let options = Options::default();
        let mut may_wait = true;
        loop {
            db.lock(&options)?;
            let result = self.harness_locked(db, k, phase, may_wait, &options);
            let unlocked = db.unlock();
            match result? {
                Locked::Done => return unlocked,
                Locked::AwaitDiesel => {
                    unlocked?;
                    // Without the lock, which the other process's insert
                    // does not need; then decided again under it.
                    await_diesel_row(db, &self.migrations()[k].revision)?;
                    may_wait = false;
                }
            }
        }
    }

    /// [`MigrationSet::harness_step`] with the lock held. `may_wait`: an
    /// applied migration missing from Diesel's table may be waited for.
    fn harness_locked<D: Database + ?Sized>(
        &self,
        db: &mut D,
        k: usize,
        phase: Phase,
        may_wait: bool,
        options: &Options,
    ) -> Result<Locked, Error> {
        let d = db.dialect();
        let m = self.migrations()[k];
        version::ensure(db)?;
        let diesel = diesel_versions(db)?;
        self.record_diesel_rows(db, &diesel)?;
        // Refuses an edited, half-applied or unknown migration as `upgrade` does.
        let count = self.applied_count(d, &version::read(db)?, true)?;
        let in_diesel = diesel.iter().any(|v| *v == *m.revision);
        let decision = decide(phase, k, count, in_diesel);
        if decision == Decision::Refuse(Refusal::Applied) && may_wait {
            return Ok(Locked::AwaitDiesel);
        }
        match decision {
            Decision::Run => {}
            Decision::Skip => return Ok(Locked::Done),
            Decision::Recorded => {
                db.execute(&version::diesel_delete(d, &m.revision))
                    .map_err(|e| {
                        Error::database(
                            format!(
                                "taking {} out of {DIESEL_TABLE}, for Diesel to record it again",
                                m.revision
                            ),
                            e,
                        )
                    })?;
                tracing::info!(revision = %m.revision, "already applied by another process: left for Diesel to record");
                return Ok(Locked::Done);
            }
            Decision::Refuse(why) => return Err(self.refused(k, why)),
        }
        if phase == Phase::Downgrade && m.irreversible.is_some() {
            return Err(advice::irreversible(m));
        }
        self.apply_alone(db, k, phase, options)?;
        Ok(Locked::Done)
    }

    /// Records in godwit's version table, with the embedded checksums, the
    /// migrations of the set that Diesel's table lists and godwit's lacks:
    /// those the harness applied before godwit kept its table there.
    /// Without them, `upgrade` and `current` would find the table out of step.
    fn record_diesel_rows<D: Database + ?Sized>(
        &self,
        db: &mut D,
        diesel: &[String],
    ) -> Result<(), Error> {
        if diesel.is_empty() {
            return Ok(());
        }
        let d = db.dialect();
        let recorded = version::read(db)?;
        for (index, m) in self.migrations().iter().enumerate() {
            let listed = diesel.iter().any(|v| *v == *m.revision);
            if listed && !recorded.iter().any(|r| r.revision == *m.revision) {
                let sql = version::insert(d, m, index, version::VersionState::Applied, 0);
                db.execute(&sql).map_err(|e| {
                    Error::database(
                        format!("recording in {VERSION_TABLE} what {DIESEL_TABLE} lists"),
                        e,
                    )
                })?;
            }
        }
        Ok(())
    }

    /// The refusal of migration `k`, with what to run instead.
    fn refused(&self, k: usize, why: Refusal) -> Error {
        let m = self.migrations()[k];
        let revision = |i: usize| &*self.migrations()[i].revision;
        let upgrade_instead = format!(
            "replace `conn.run_pending_migrations(&MIGRATIONS)` with `{UPGRADE}`: it waits for any other process, \
             checks what is applied, and runs what is left (running the harness again helps only when another harness \
             applied it: after `upgrade`, the harness keeps refusing)"
        );
        let (reason, next) = match why {
            Refusal::Applied => (
                format!(
                    "it is already applied ({VERSION_TABLE} records it; {DIESEL_TABLE} does not, still after {} s), \
                     by `upgrade` or by another process that stopped before recording it for Diesel. \
                     Diesel records a migration in {DIESEL_TABLE} itself once godwit returns, \
                     so godwit can neither run it a second time nor skip it",
                    DIESEL_ROW_WAIT.as_secs()
                ),
                upgrade_instead,
            ),
            Refusal::EarlierMissing(i) => (
                format!(
                    "the earlier migration {} is not applied ({VERSION_TABLE} records none after {})",
                    revision(i),
                    i.checked_sub(1).map_or("base", revision)
                ),
                upgrade_instead,
            ),
            Refusal::LaterApplied(i) => (
                format!(
                    "the later migration {} is applied ({VERSION_TABLE} records it)",
                    revision(i)
                ),
                "undo the later ones first, or go down to the migration before this one with `MIGRATIONS.downgrade(&mut conn, Target::Revision(..))`"
                    .to_string(),
            ),
        };
        Error::HarnessRefused {
            revision: m.revision.to_string(),
            message: m.message.to_string(),
            reason,
            next,
        }
    }
}

/// Whether `revision` appears in Diesel's table within [`DIESEL_ROW_WAIT`].
/// Read outside any transaction, so each read sees the latest commit.
fn await_diesel_row<D: Database + ?Sized>(db: &mut D, revision: &str) -> Result<bool, Error> {
    let started = std::time::Instant::now();
    while started.elapsed() < DIESEL_ROW_WAIT {
        std::thread::sleep(std::time::Duration::from_millis(20));
        if diesel_versions(db)?.iter().any(|v| v == revision) {
            return Ok(true);
        }
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::{decide, Decision, Refusal};
    use godwit_core::Phase::{Downgrade, Upgrade};

    #[test]
    fn an_upgrade_runs_only_the_next_migration() {
        // Three applied: migration 3 is next, whatever Diesel lists.
        for in_diesel in [false, true] {
            assert_eq!(decide(Upgrade, 3, 3, in_diesel), Decision::Run);
            assert_eq!(decide(Upgrade, 0, 0, in_diesel), Decision::Run);
            assert_eq!(
                decide(Upgrade, 5, 3, in_diesel),
                Decision::Refuse(Refusal::EarlierMissing(3))
            );
        }
    }

    #[test]
    fn an_applied_upgrade_is_left_to_diesel_only_when_diesel_lists_it() {
        assert_eq!(decide(Upgrade, 0, 3, true), Decision::Recorded);
        assert_eq!(decide(Upgrade, 2, 3, true), Decision::Recorded);
        // No row: an insert may be pending, or `upgrade` applied it.
        assert_eq!(
            decide(Upgrade, 0, 3, false),
            Decision::Refuse(Refusal::Applied)
        );
        assert_eq!(
            decide(Upgrade, 2, 3, false),
            Decision::Refuse(Refusal::Applied)
        );
    }

    #[test]
    fn a_downgrade_runs_only_the_last_applied_migration() {
        for in_diesel in [false, true] {
            assert_eq!(decide(Downgrade, 2, 3, in_diesel), Decision::Run);
            assert_eq!(decide(Downgrade, 3, 3, in_diesel), Decision::Skip);
            assert_eq!(decide(Downgrade, 0, 0, in_diesel), Decision::Skip);
            assert_eq!(
                decide(Downgrade, 0, 3, in_diesel),
                Decision::Refuse(Refusal::LaterApplied(2))
            );
        }
    }
}
