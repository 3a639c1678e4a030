//! The apply loop: under the migration lock, with the session set up,
//! resume a migration an earlier run left half-applied, plan the run, then
//! run each migration of the plan, in one transaction with its version row where the
//! backend allows and op by op with an exact record where it does not,
//! retrying after a lock timeout.

use std::time::Instant;

use godwit_core::Phase;

use super::plan::{count_after, count_before, transactional, RenderedOp};
use super::statements::{backoff, begin, join, run_ops_after, OpFailure};
use super::version::{self, AppliedRecord, VersionState, VERSION_TABLE};
use super::{
    advice, recorded, recovery, session, Options, Progress, Report, Reporter, Step, Target,
};
use crate::database::Database;
use crate::dialect::{Dialect, Statement};
use crate::{Error, MigrationSet};

/// Why one attempt at a migration stopped.
pub(crate) enum Failure {
    /// A lock wait timed out; nothing is applied; try again.
    Retryable(OpFailure),
    /// Give up with this error.
    Fatal(Error),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Fatal(e)
    }
}

/// How a migration run op by op starts and ends its version row.
#[derive(Clone, Debug, Default)]
struct RowPlan {
    /// Resumes an interrupted run: the row is there, at this op.
    resume: Option<recorded::Start>,
    /// The previous migration's record already claimed this one.
    claimed: bool,
    /// Claim the migration at this index with this one's last record
    /// (MySQL upgrades: one durable write between two migrations, not two).
    claim_next: Option<usize>,
}

fn exec<D: Database + ?Sized>(db: &mut D, sql: &str, context: &str) -> Result<(), Failure> {
    db.execute(sql)
        .map_err(|e| Failure::Fatal(Error::database(format!("{context} (`{sql}`)"), e)))
}

/// What a run is asked: where to, which way, how.
#[derive(Clone, Copy, Debug)]
pub(super) struct Run<'a> {
    pub(super) target: Target<'a>,
    pub(super) phase: Phase,
    pub(super) options: &'a Options,
    /// Told of each migration as it starts and ends.
    pub(super) progress: Reporter<'a>,
}

impl MigrationSet {
    /// A run: done at once when one read shows nothing to do, otherwise
    /// under the migration lock with the session set up for migrating.
    pub(super) fn run<D: Database + ?Sized>(
        &self,
        db: &mut D,
        run: Run<'_>,
    ) -> Result<Report, Error> {
        if let Some(report) = self.already_at(db, run.target) {
            return Ok(report);
        }
        self.locked(db, run.options, |set, db| {
            set.adopt_locked(db)?;
            let session = session::begin(db, run.options)?;
            let result = set.migrate(db, run);
            let ended = session::end(db, session);
            let report = result?;
            ended?;
            Ok(report)
        })
    }

    /// The run itself: the caller holds the migration lock (on every
    /// backend, for the whole run), so a migration still marked in progress
    /// was left by a run that stopped.
    fn migrate<D: Database + ?Sized>(&self, db: &mut D, run: Run<'_>) -> Result<Report, Error> {
        let Run { target, phase, .. } = run;
        let d = db.dialect();
        let resumed = self.resume_interrupted(db, run)?;
        let start = self.applied_count(d, &version::read(db)?, true)?;
        // A relative target counts from where the database was before a
        // resumed migration, as `resume_interrupted` did.
        let origin = resumed
            .as_ref()
            .map_or(start, |(k, _)| count_before(*k, phase));
        let plan = self.plan(phase, target, origin)?;
        let mut steps: Vec<Step> = resumed.into_iter().map(|(_, step)| step).collect();
        let mut count = start;
        let mut carried = None;
        // MySQL upgrades: the next migration, rendered before this one's
        // last record so that the record can claim it (see `RowPlan`); a
        // failure to render it is returned once this one is applied.
        let ahead = d == Dialect::Mysql && phase == Phase::Upgrade;
        let mut next: Option<Result<Vec<RenderedOp>, Error>> = None;
        let mut claimed = false;
        while let Some(k) = plan.next(count) {
            let ops = match next.take() {
                Some(ops) => ops?,
                None => self.render_step(d, k, phase, &mut carried)?,
            };
            let mut row = RowPlan {
                claimed,
                ..RowPlan::default()
            };
            if ahead && k + 1 < plan.to {
                let rendered = self.render_step(d, k + 1, phase, &mut carried);
                if rendered.is_ok() {
                    row.claim_next = Some(k + 1);
                }
                next = Some(rendered);
            }
            claimed = row.claim_next.is_some();
            let step = self.apply_reported(db, k, run, row, ops)?;
            steps.push(step);
            // The lock is held for the whole run: no other process moved
            // the database meanwhile, so there is nothing to read again.
            count = count_after(k, phase);
        }
        Ok(Report {
            from: self.revision_after(origin),
            to: self.revision_after(count),
            steps,
        })
    }

    /// Finishes a migration an earlier run left half-applied in the same
    /// direction, when the target lies past it and the database can say
    /// exactly how far it got (see `recovery`); refuses with the resolution
    /// when it cannot. Returns the migration's index and its step.
    fn resume_interrupted<D: Database + ?Sized>(
        &self,
        db: &mut D,
        run: Run<'_>,
    ) -> Result<Option<(usize, Step)>, Error> {
        let Run { target, phase, .. } = run;
        let d = db.dialect();
        let records = version::read(db)?;
        let Some(record) = records.iter().find(|r| r.state != VersionState::Applied) else {
            return Ok(None);
        };
        let Some(k) = self.position(&record.revision) else {
            return Ok(None);
        };
        let others: Vec<AppliedRecord> = records
            .iter()
            .filter(|r| r.revision != record.revision)
            .cloned()
            .collect();
        // Anything else wrong with the table is reported as it is.
        if record.state.phase() != Some(phase) || self.applied_count(d, &others, true)? != k {
            return Ok(None);
        }
        let to = self.resolve(target, count_before(k, phase))?;
        let passes = match phase {
            Phase::Upgrade => to > k,
            Phase::Downgrade => to <= k,
        };
        if !passes {
            return Ok(None);
        }
        let ops = self.render(d, k, phase)?;
        match recovery::plan(self, db, k, phase, &ops, record)? {
            recovery::Plan::Refuse { finding } => {
                Err(advice::half_applied(self, d, k, record, Some(&finding)))
            }
            recovery::Plan::Resume { start, how } => {
                tracing::info!(
                    revision = %record.revision,
                    op = start.op + 1,
                    "resuming the interrupted {}: {how}",
                    phase.name()
                );
                let row = RowPlan {
                    resume: Some(start),
                    ..RowPlan::default()
                };
                Ok(Some((k, self.apply_reported(db, k, run, row, ops)?)))
            }
        }
    }

    /// [`Self::apply`], with the run's progress told before and after.
    fn apply_reported<D: Database + ?Sized>(
        &self,
        db: &mut D,
        k: usize,
        run: Run<'_>,
        row: RowPlan,
        ops: Vec<RenderedOp>,
    ) -> Result<Step, Error> {
        let m = self.migrations()[k];
        run.progress.report(Progress::Starting {
            revision: &m.revision,
            message: &m.message,
            phase: run.phase,
        });
        let step = self.apply(db, k, run, row, ops)?;
        run.progress.report(Progress::Done(&step));
        Ok(step)
    }

    /// Runs migration `k`'s `phase` body alone, as `upgrade` or `downgrade`
    /// runs it (its own transaction with its version row where the backend
    /// allows, op by op with an exact record where not), the session set up
    /// for it: Diesel's harness, whose caller holds the lock and has read
    /// the version table.
    pub(super) fn apply_alone<D: Database + ?Sized>(
        &self,
        db: &mut D,
        k: usize,
        phase: Phase,
        options: &Options,
    ) -> Result<Step, Error> {
        let ops = self.render(db.dialect(), k, phase)?;
        let run = Run {
            target: Target::Head,
            phase,
            options,
            progress: Reporter(None),
        };
        let session = session::begin(db, options)?;
        let result = self.apply(db, k, run, RowPlan::default(), ops);
        let ended = session::end(db, session);
        let step = result?;
        ended?;
        Ok(step)
    }

    /// Runs migration `k`'s upgrade or downgrade (`ops`, rendered),
    /// retrying after a lock timeout.
    fn apply<D: Database + ?Sized>(
        &self,
        db: &mut D,
        k: usize,
        run: Run<'_>,
        row: RowPlan,
        ops: Vec<RenderedOp>,
    ) -> Result<Step, Error> {
        let Run { phase, options, .. } = run;
        let d = db.dialect();
        let m = self.migrations()[k];
        let started = Instant::now();
        let mut attempt = 1;
        let resumed_at = row.resume.as_ref().map(|s| s.op + 1);
        tracing::info!(revision = %m.revision, what = %m.message, phase = phase.name(), ops = ops.len(), "running migration");
        loop {
            let result = if transactional(d, m, phase) && row.resume.is_none() {
                self.apply_in_transaction(db, k, phase, &ops, started)
            } else {
                self.apply_op_by_op(db, k, phase, &ops, options, started, row.clone())
            };
            match result {
                Ok(()) => {
                    tracing::info!(revision = %m.revision, phase = phase.name(), ms = started.elapsed().as_millis() as u64, attempts = attempt, "migration done");
                    return Ok(Step {
                        revision: &m.revision,
                        message: &m.message,
                        phase,
                        duration: started.elapsed(),
                        attempts: attempt,
                        resumed_at,
                    });
                }
                Err(Failure::Retryable(_)) if attempt <= options.retries => {
                    tracing::warn!(revision = %m.revision, attempt, "gave up waiting for a table lock; rolled back, retrying");
                    // Nothing is applied: wait, then try the whole migration again.
                    std::thread::sleep(backoff(options.retry_backoff, attempt - 1));
                    attempt += 1;
                }
                Err(Failure::Retryable(f)) => {
                    let advice = advice::lock_waits(self, k, phase, attempt);
                    return Err(advice::failure(m, phase, &ops, f, advice));
                }
                Err(Failure::Fatal(e)) => return Err(e),
            }
        }
    }

    /// PostgreSQL and SQLite: the ops and the version row in one transaction.
    fn apply_in_transaction<D: Database + ?Sized>(
        &self,
        db: &mut D,
        k: usize,
        phase: Phase,
        ops: &[RenderedOp],
        started: Instant,
    ) -> Result<(), Failure> {
        let d = db.dialect();
        let m = self.migrations()[k];
        let result = (|| {
            // PostgreSQL: the BEGIN goes with the first op's statements, a
            // round trip fewer. SQLite sends it alone (no network to save,
            // and a BEGIN IMMEDIATE that times out behind the application's
            // writers is then not blamed on the op), as does a migration
            // without plain SQL up front.
            let mut first = Some(begin(d));
            if d != Dialect::Postgres
                || !matches!(
                    ops.iter().find_map(|o| o.statements.first()),
                    Some(Statement::Sql(_))
                )
            {
                exec(db, begin(d), "starting the migration's transaction")?;
                first = None;
            }
            if let Err(f) = run_ops_after(db, first, ops, false) {
                let _ = db.execute("ROLLBACK");
                if f.is_lock_timeout() {
                    return Err(Failure::Retryable(f));
                }
                let advice = advice::rolled_back(self, k, phase);
                return Err(Failure::Fatal(advice::failure(m, phase, ops, f, advice)));
            }
            let record = match phase {
                Phase::Upgrade => version::insert(
                    d,
                    m,
                    k,
                    VersionState::Applied,
                    started.elapsed().as_millis(),
                ),
                Phase::Downgrade => version::delete(d, &m.revision),
            };
            // The record and the COMMIT in one round trip: if the record
            // fails, the server skips the COMMIT and the ROLLBACK below ends
            // the transaction.
            let mut commit = record;
            join(&mut commit, "COMMIT");
            if let Err(e) = db.execute(&commit) {
                let _ = db.execute("ROLLBACK");
                return Err(Failure::Fatal(Error::database(
                    format!(
                        "recording migration {} in {VERSION_TABLE} (rolled back: the database is still at {})",
                        m.revision,
                        advice::still_at(self, k, phase)
                    ),
                    e,
                )));
            }
            Ok(())
        })();
        if result.is_err() {
            // Every error path ends the transaction, also those that returned
            // early with `?` (a session left in a transaction would keep its
            // locks and swallow the application's later writes).
            let _ = db.execute("ROLLBACK");
        }
        result
    }

    /// MySQL, a concurrent index build, a batched backfill: each op commits on
    /// its own, and the version row records which op is running.
    #[allow(clippy::too_many_arguments)] // private; each is one fact of the attempt
    fn apply_op_by_op<D: Database + ?Sized>(
        &self,
        db: &mut D,
        k: usize,
        phase: Phase,
        ops: &[RenderedOp],
        options: &Options,
        started: Instant,
        row: RowPlan,
    ) -> Result<(), Failure> {
        let d = db.dialect();
        let m = self.migrations()[k];
        let running = VersionState::running(phase);
        let start = match row.resume {
            // The caller holds the lock and read the row: take it over.
            Some(start) => {
                let sql = version::progress(d, &m.revision, running, start.op, None);
                exec(db, &sql, "recording the migration as resumed")?;
                start
            }
            // Claimed, at op 0, by the previous migration's last record.
            None if row.claimed => recorded::Start::default(),
            None => {
                // Claim the migration: the lock is held, so no other process
                // can have claimed or applied it since the run began.
                let claim = match phase {
                    Phase::Upgrade => version::insert(d, m, k, running, 0),
                    Phase::Downgrade => version::progress(d, &m.revision, running, 0, None),
                };
                exec(db, &claim, "recording the migration as started")?;
                recorded::Start::default()
            }
        };

        let retry = (d == Dialect::Mysql).then_some(options);
        let next = row
            .claim_next
            .and_then(|index| Some((self.migrations().get(index)?, index)));
        let finish = || match (phase, next) {
            (Phase::Upgrade, Some((next, index))) if d == Dialect::Mysql => {
                version::finish_and_claim(m, started.elapsed().as_millis(), next, index)
            }
            (Phase::Upgrade, _) => version::finish(d, m, started.elapsed().as_millis()),
            (Phase::Downgrade, _) => version::delete(d, &m.revision),
        };
        let f = match recorded::run(db, ops, &m.revision, start, retry, &finish) {
            Ok(true) => return Ok(()),
            Ok(false) => {
                // Every op was done already (a resumed run): only the record is left.
                exec(db, &finish(), "recording the migration as done")?;
                return Ok(());
            }
            Err(f) => f,
        };
        // A failed CREATE INDEX CONCURRENTLY leaves an INVALID index: drop
        // it, and the migration (alone in its migration) is undone.
        if let Some(index) = ops.get(f.index).and_then(|o| o.concurrent_index.as_ref()) {
            let drop = format!("DROP INDEX CONCURRENTLY IF EXISTS {}", d.quote(index));
            let undo = match phase {
                Phase::Upgrade => version::delete(d, &m.revision),
                Phase::Downgrade => version::finish(d, m, 0),
            };
            if db.execute(&drop).and_then(|()| db.execute(&undo)).is_ok() {
                if f.is_lock_timeout() {
                    return Err(Failure::Retryable(f));
                }
                let advice = advice::invalid_index_dropped(self, k, phase);
                return Err(Failure::Fatal(advice::failure(m, phase, ops, f, advice)));
            }
        }
        // Recorded: the connection is alive, so the database refused the
        // statement. Not recorded: the connection was lost.
        let recorded = db
            .execute(&version::progress(
                d,
                &m.revision,
                VersionState::failed(phase),
                f.index,
                Some(&f.cause.to_string()),
            ))
            .is_ok();
        let advice = advice::stopped_op_by_op(self, d, k, phase, ops, f.index, recorded);
        Err(Failure::Fatal(advice::failure(m, phase, ops, f, advice)))
    }
}
