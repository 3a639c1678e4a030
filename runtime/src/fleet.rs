//! One set, many databases: [`Fleet`] upgrades a list of targets (URLs:
//! databases, PostgreSQL schemas with `?schema=`, SQLite files) with a
//! bounded number of threads, each target on its own connection, under its
//! own migration lock, with its own [`TargetReport`].
//!
//! Faults stay with their target: a migration that fails on one, a
//! database that cannot be reached, a lock another process holds past the
//! lock wait, even a panic (a bug, reported as [`Error::Panicked`]), each
//! stops that target alone and is reported as data; every other target
//! goes on. Running the same fleet again finishes the failed
//! ones (resuming a half-applied migration exactly, as for one database)
//! and finds nothing to do on the rest.
//!
//! ```no_run
//! # fn run(set: &godwit::MigrationSet) {
//! use std::time::Duration;
//! let urls = ["postgres://app@db/saas?schema=tenant_1", "postgres://app@db/saas?schema=tenant_2"];
//! let report = godwit::fleet::Fleet::new(set)
//!     .parallelism(8)
//!     .canary(1)
//!     .failure_budget(3)
//!     .lock_wait(Duration::from_secs(30))
//!     .upgrade(&urls);
//! for t in report.failed() {
//!     eprintln!("{}: {}", t.url, t.outcome);
//! }
//! # }
//! ```

use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::database::{connect, redact};
use crate::runner::{Options, Progress, Step, Target};
use crate::{Error, MigrationSet, Phase};

/// Where a target stands: read from its version table, or not known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Position {
    /// Not read: the database could not be reached, its version table
    /// says something this set cannot place (a half-applied migration, an
    /// unknown revision), or the run panicked: the target's error says
    /// which.
    Unknown,
    /// Before the first migration (no version table, or an empty one).
    Base,
    /// At this revision.
    At(&'static str),
}

impl Position {
    fn of(current: Result<Option<&'static str>, Error>) -> Position {
        match current {
            Ok(Some(r)) => Position::At(r),
            Ok(None) => Position::Base,
            Err(_) => Position::Unknown,
        }
    }
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Position::Unknown => f.write_str("unknown"),
            Position::Base => f.write_str("base"),
            Position::At(r) => f.write_str(r),
        }
    }
}

/// Why a target was not started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotStarted {
    /// A target of the canary failed: the rest were left alone.
    CanaryFailed,
    /// The failure budget was spent before this target's turn.
    FailureBudgetSpent,
}

/// How one target ended.
#[derive(Debug)]
pub enum Outcome {
    /// It reached the fleet's target revision (perhaps with nothing to do).
    Reached,
    /// It stopped at an error; only this target did.
    Failed(Error),
    /// It was not touched.
    NotStarted(NotStarted),
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outcome::Reached => f.write_str("reached its target"),
            Outcome::Failed(e) => write!(f, "failed: {e}"),
            Outcome::NotStarted(NotStarted::CanaryFailed) => {
                f.write_str("not started: the canary failed")
            }
            Outcome::NotStarted(NotStarted::FailureBudgetSpent) => {
                f.write_str("not started: the failure budget was spent")
            }
        }
    }
}

/// What happened to one target.
#[derive(Debug)]
pub struct TargetReport {
    /// Its place in the list the fleet was given.
    pub index: usize,
    /// Its URL, the password hidden.
    pub url: String,
    /// Where it stood before.
    pub before: Position,
    /// Where it stands after (`before` when it was not started).
    pub after: Position,
    /// The migrations this run applied to it, in order (also those applied
    /// before a later one failed).
    pub applied: Vec<Step>,
    /// How long it took, connecting included.
    pub elapsed: Duration,
    /// How it ended.
    pub outcome: Outcome,
}

impl TargetReport {
    /// Whether it reached the fleet's target revision.
    pub fn reached(&self) -> bool {
        matches!(self.outcome, Outcome::Reached)
    }

    /// Its error, if it failed.
    pub fn error(&self) -> Option<&Error> {
        match &self.outcome {
            Outcome::Failed(e) => Some(e),
            _ => None,
        }
    }
}

/// What a fleet run did: one [`TargetReport`] per target, in the order the
/// targets were given.
#[derive(Debug)]
pub struct FleetReport {
    /// Every target's report.
    pub targets: Vec<TargetReport>,
}

impl FleetReport {
    /// The targets that reached the target revision.
    pub fn reached(&self) -> impl Iterator<Item = &TargetReport> {
        self.targets.iter().filter(|t| t.reached())
    }

    /// The targets that failed.
    pub fn failed(&self) -> impl Iterator<Item = &TargetReport> {
        self.targets
            .iter()
            .filter(|t| matches!(t.outcome, Outcome::Failed(_)))
    }

    /// The targets left alone (canary failed, failure budget spent).
    pub fn not_started(&self) -> impl Iterator<Item = &TargetReport> {
        self.targets
            .iter()
            .filter(|t| matches!(t.outcome, Outcome::NotStarted(_)))
    }

    /// Whether every target reached the target revision.
    pub fn all_reached(&self) -> bool {
        self.targets.iter().all(TargetReport::reached)
    }

    /// One line: how many reached, failed, were not started.
    pub fn summary(&self) -> String {
        format!(
            "{} targets: {} reached, {} failed, {} not started",
            self.targets.len(),
            self.reached().count(),
            self.failed().count(),
            self.not_started().count()
        )
    }
}

/// Upgrades many databases with one set. Built with [`Fleet::new`] and its
/// options, run with [`Fleet::upgrade`].
#[derive(Clone, Debug)]
pub struct Fleet<'a> {
    set: &'a MigrationSet,
    target: Target<'a>,
    parallelism: usize,
    canary: usize,
    failure_budget: Option<usize>,
    options: Options,
}

impl<'a> Fleet<'a> {
    /// A fleet of `set` to its head: 4 targets at a time, no canary, no
    /// failure budget (every target is tried), the default [`Options`].
    pub fn new(set: &'a MigrationSet) -> Fleet<'a> {
        Fleet {
            set,
            target: Target::Head,
            parallelism: 4,
            canary: 0,
            failure_budget: None,
            options: Options::default(),
        }
    }

    /// Where every target goes (default: the head).
    pub fn to(mut self, target: Target<'a>) -> Self {
        self.target = target;
        self
    }

    /// How many targets migrate at once (at least 1): one thread and one
    /// connection each.
    pub fn parallelism(mut self, threads: usize) -> Self {
        self.parallelism = threads.max(1);
        self
    }

    /// The first `k` targets go alone, first; the rest start only if all of
    /// them reached the target revision. 0 (the default): no canary.
    pub fn canary(mut self, k: usize) -> Self {
        self.canary = k;
        self
    }

    /// No new target starts once `m` have failed (those running finish).
    /// The default is no budget: every target is tried.
    pub fn failure_budget(mut self, m: usize) -> Self {
        self.failure_budget = Some(m);
        self
    }

    /// How long each target waits for its migration lock when another
    /// process holds it, before it fails with [`Error::LockTimeout`].
    pub fn lock_wait(mut self, wait: Duration) -> Self {
        self.options.lock_wait = wait;
        self
    }

    /// The runner's options for every target (timeouts, retries, lock wait).
    pub fn options(mut self, options: Options) -> Self {
        self.options = options;
        self
    }

    /// Upgrades every target of `urls`.
    pub fn upgrade<S: AsRef<str> + Sync>(&self, urls: &[S]) -> FleetReport {
        self.upgrade_with_progress(urls, &|_| {})
    }

    /// [`Fleet::upgrade`], calling `progress` with each target's report as
    /// soon as that target is done (from the thread that ran it, so in the
    /// order they finish).
    pub fn upgrade_with_progress<S: AsRef<str> + Sync>(
        &self,
        urls: &[S],
        progress: &(dyn Fn(&TargetReport) + Sync),
    ) -> FleetReport {
        let slots: Vec<Mutex<Option<TargetReport>>> =
            urls.iter().map(|_| Mutex::new(None)).collect();
        let failures = AtomicUsize::new(0);
        let canary = self.canary.min(urls.len());
        self.run_range(urls, 0..canary, &slots, &failures, progress);
        let canary_failed = failures.load(Ordering::SeqCst) > 0;
        if !canary_failed {
            self.run_range(urls, canary..urls.len(), &slots, &failures, progress);
        }
        let targets = slots
            .into_iter()
            .enumerate()
            .map(|(index, slot)| {
                let filled = slot.into_inner().unwrap_or_else(|e| e.into_inner());
                filled.unwrap_or_else(|| TargetReport {
                    index,
                    url: redact(urls[index].as_ref()),
                    before: Position::Unknown,
                    after: Position::Unknown,
                    applied: Vec::new(),
                    elapsed: Duration::ZERO,
                    outcome: Outcome::NotStarted(NotStarted::CanaryFailed),
                })
            })
            .collect();
        FleetReport { targets }
    }

    /// Runs the targets `range` of `urls` on up to `parallelism` threads,
    /// each taking the next target not yet taken.
    fn run_range<S: AsRef<str> + Sync>(
        &self,
        urls: &[S],
        range: std::ops::Range<usize>,
        slots: &[Mutex<Option<TargetReport>>],
        failures: &AtomicUsize,
        progress: &(dyn Fn(&TargetReport) + Sync),
    ) {
        let next = AtomicUsize::new(range.start);
        let threads = self.parallelism.min(range.len());
        std::thread::scope(|scope| {
            for _ in 0..threads {
                scope.spawn(|| loop {
                    let index = next.fetch_add(1, Ordering::SeqCst);
                    if index >= range.end {
                        break;
                    }
                    let url = urls[index].as_ref();
                    let spent = self
                        .failure_budget
                        .is_some_and(|m| failures.load(Ordering::SeqCst) >= m);
                    let report = if spent {
                        TargetReport {
                            index,
                            url: redact(url),
                            before: Position::Unknown,
                            after: Position::Unknown,
                            applied: Vec::new(),
                            elapsed: Duration::ZERO,
                            outcome: Outcome::NotStarted(NotStarted::FailureBudgetSpent),
                        }
                    } else {
                        let report = self.run_one(index, url);
                        if !report.reached() {
                            failures.fetch_add(1, Ordering::SeqCst);
                        }
                        progress(&report);
                        report
                    };
                    *slots[index].lock().unwrap_or_else(|e| e.into_inner()) = Some(report);
                });
            }
        });
    }

    /// One target: connect, read where it stands, upgrade it under its
    /// lock, read where it stands after a failure. A panic in the run (a
    /// bug) is this target's error, reported after the panic hook has
    /// printed it, with what was applied before it; the thread goes on with
    /// the next target and the others' reports are kept.
    fn run_one(&self, index: usize, url: &str) -> TargetReport {
        let start = Instant::now();
        let applied = Mutex::new(Vec::new());
        let before = Cell::new(Position::Unknown);
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.run_target(url, &applied, &before)
        }));
        let (after, result) = run.unwrap_or_else(|payload| {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic without a message".to_string());
            (Position::Unknown, Err(Error::Panicked(message)))
        });
        tracing::info!(url = %redact(url), ok = result.is_ok(), "fleet target done");
        TargetReport {
            index,
            url: redact(url),
            before: before.get(),
            after,
            applied: applied.into_inner().unwrap_or_else(|e| e.into_inner()),
            elapsed: start.elapsed(),
            outcome: match result {
                Ok(_) => Outcome::Reached,
                Err(e) => Outcome::Failed(e),
            },
        }
    }

    /// The run on one target: where it stood (into `before`), each step
    /// applied (into `applied`), where it stands after, and the result.
    fn run_target(
        &self,
        url: &str,
        applied: &Mutex<Vec<Step>>,
        before: &Cell<Position>,
    ) -> (Position, Result<(), Error>) {
        let mut after = Position::Unknown;
        let result = connect(url).and_then(|mut db| {
            // Adopting takes the lock: done first, within this fleet's lock
            // wait, so that reading where the target stands never waits.
            self.set.adopt(&mut db, &self.options)?;
            let was = Position::of(self.set.current(&mut db));
            before.set(was);
            let record = |p: Progress<'_>| {
                if let Progress::Done(step) = p {
                    applied
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(step.clone());
                }
            };
            let run = self.set.run_with_progress(
                &mut db,
                Phase::Upgrade,
                self.target,
                &self.options,
                &record,
            );
            after = match &run {
                Ok(report) => Position::of(Ok(report.to)),
                // Another process holds the lock: this one changed nothing.
                Err(Error::LockTimeout { .. }) => was,
                Err(_) => Position::of(self.set.current(&mut db)),
            };
            run.map(|_| ())
        });
        (after, result)
    }
}

#[cfg(all(test, feature = "sqlite"))]
mod tests;
