//! Planning a run and rendering it. A target becomes a count of applied
//! migrations; a run is refused before anything runs when its target lies
//! outside the set, the other way, or past an irreversible migration
//! ([`Refusal`], decided here for the library and the command line alike);
//! and each migration's ops are rendered for the backend from the schema
//! model of the migrations before it.
//!
//! Counts and indexes: a *count* is how many migrations are applied (0:
//! base); an *index* (a *position*, as in [`MigrationSet::position`] and the
//! version table's `position` column) is a migration's place in the chain,
//! 0 for the base. Migration `k` takes a database from count `k` to `k + 1`.

use godwit_core::schema::Schema;
use godwit_core::{Migration, Op, Phase};

use super::advice;
use super::Target;
#[cfg(feature = "cli")]
use crate::database::Database;
use crate::dialect::{Dialect, Statement};
use crate::{Error, MigrationSet};

/// Why a run is refused before it starts. Each caller words it: the
/// library as an [`Error`] (`From`), the command line as its own message.
#[derive(Clone, Debug)]
pub(crate) enum Refusal {
    /// `Target::Revision` names no migration of the set.
    UnknownRevision {
        revision: String,
        base: Option<&'static str>,
        head: Option<&'static str>,
    },
    /// `Target::Relative(step)` from `from` lands outside the set of `len`
    /// migrations.
    OutOfRange {
        step: i32,
        from: Option<&'static str>,
        len: usize,
    },
    /// The target lies the other way from where the database is.
    WrongDirection {
        phase: Phase,
        from: Option<&'static str>,
        to: Option<&'static str>,
    },
    /// A downgrade would undo this irreversible migration: the newest one
    /// in its range, so the lowest revision a downgrade can reach.
    Irreversible(&'static Migration),
}

impl From<Refusal> for Error {
    fn from(refusal: Refusal) -> Error {
        match refusal {
            Refusal::UnknownRevision {
                revision,
                base,
                head,
            } => Error::Target(format!(
                "revision {revision} is not in this binary's migration set (its revisions run from {} to {})",
                base.unwrap_or("none"),
                head.unwrap_or("none")
            )),
            Refusal::OutOfRange { step, from, len } => Error::Target(format!(
                "{step:+} migrations from {} is outside the set ({len} migrations)",
                from.unwrap_or("base"),
            )),
            Refusal::WrongDirection { phase, from, to } => Error::WrongDirection {
                phase,
                current: from.unwrap_or("base").to_string(),
                target: to.unwrap_or("base").to_string(),
            },
            Refusal::Irreversible(m) => advice::irreversible(m),
        }
    }
}

/// A run decided: from `from` applied migrations to `to`, one migration at
/// a time in `phase`'s direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Plan {
    pub(crate) phase: Phase,
    pub(crate) from: usize,
    pub(crate) to: usize,
}

impl Plan {
    /// The migration the next step runs when `count` are applied, if any.
    pub(crate) fn next(self, count: usize) -> Option<usize> {
        match self.phase {
            Phase::Upgrade => (count < self.to).then_some(count),
            Phase::Downgrade => (count > self.to).then(|| count - 1),
        }
    }
}

/// The count before migration `k`'s `phase` body runs.
pub(crate) fn count_before(k: usize, phase: Phase) -> usize {
    match phase {
        Phase::Upgrade => k,
        Phase::Downgrade => k + 1,
    }
}

/// The count after migration `k`'s `phase` body ran.
pub(crate) fn count_after(k: usize, phase: Phase) -> usize {
    match phase {
        Phase::Upgrade => k + 1,
        Phase::Downgrade => k,
    }
}

/// The ops of one migration body, rendered for one dialect.
pub(crate) struct RenderedOp {
    /// The migration it belongs to.
    pub(crate) revision: &'static str,
    /// The body it belongs to.
    pub(crate) phase: Phase,
    /// The op as written.
    pub(crate) text: String,
    pub(crate) statements: Vec<Statement>,
    /// `CREATE INDEX CONCURRENTLY` of this index: dropped again if it fails.
    pub(crate) concurrent_index: Option<String>,
    /// Runs outside a transaction (a concurrent index op).
    pub(crate) concurrent: bool,
}

/// Whether the migration runs in one transaction on this backend (never
/// when it says `transaction = false`).
pub(crate) fn transactional(d: Dialect, m: &Migration, phase: Phase) -> bool {
    if !m.transaction {
        return false;
    }
    let ops = m.ops(phase);
    let backfill = ops.iter().any(Op::is_data_change);
    match d {
        Dialect::Mysql => false,
        Dialect::Postgres => !backfill && !ops.iter().any(Op::is_concurrent),
        Dialect::Sqlite => !backfill,
    }
}

/// Replays `op` of `m` on `schema`, the model of the migrations before it.
fn replay(schema: &mut Schema, m: &Migration, op: &Op) -> Result<(), Error> {
    schema.apply(op).map_err(|e| Error::Replay {
        revision: m.revision.to_string(),
        message: m.message.to_string(),
        op: op.to_string(),
        reason: e.message,
    })
}

impl MigrationSet {
    /// The revision a database is at with the first `count` migrations
    /// applied (`None`: base).
    pub(crate) fn revision_after(&self, count: usize) -> Option<&'static str> {
        self.revision(count.checked_sub(1)?)
    }

    /// How many migrations a database at `revision` has applied (`None`:
    /// base, or a revision not in the set).
    pub(crate) fn count_up_to(&self, revision: Option<&str>) -> usize {
        revision
            .and_then(|r| self.position(r))
            .map_or(0, |index| index + 1)
    }

    /// The target that names the database with `count` migrations applied.
    #[cfg(feature = "cli")]
    pub(crate) fn target_after(&self, count: usize) -> Target<'static> {
        self.revision_after(count)
            .map_or(Target::Base, Target::Revision)
    }

    /// A target as a count of applied migrations; `Relative` counts from
    /// `from`.
    pub(crate) fn resolve(&self, target: Target<'_>, from: usize) -> Result<usize, Refusal> {
        match target {
            Target::Head => Ok(self.len()),
            Target::Base => Ok(0),
            Target::Revision(r) => {
                self.position(r)
                    .map(|index| index + 1)
                    .ok_or_else(|| Refusal::UnknownRevision {
                        revision: r.to_string(),
                        base: self.base(),
                        head: self.head(),
                    })
            }
            Target::Relative(step) => {
                let to = from as i64 + i64::from(step);
                if to < 0 || to > self.len() as i64 {
                    Err(Refusal::OutOfRange {
                        step,
                        from: self.revision_after(from),
                        len: self.len(),
                    })
                } else {
                    Ok(to as usize)
                }
            }
        }
    }

    /// Decides a run in `phase` from `from` applied migrations to `target`:
    /// refuses a target outside the set, one the other way, and a downgrade
    /// past an irreversible migration. No migration of the plan runs before
    /// this says yes (one left half-applied by an earlier run may already have
    /// been finished, see `resume_interrupted`).
    pub(crate) fn plan(
        &self,
        phase: Phase,
        target: Target<'_>,
        from: usize,
    ) -> Result<Plan, Refusal> {
        let to = self.resolve(target, from)?;
        let wrong_way = match phase {
            Phase::Upgrade => to < from,
            Phase::Downgrade => to > from,
        };
        if wrong_way {
            return Err(Refusal::WrongDirection {
                phase,
                from: self.revision_after(from),
                to: self.revision_after(to),
            });
        }
        self.reversible(Plan { phase, from, to })
    }

    /// Decides a run between two counts, its direction theirs (the offline
    /// SQL): refuses a downgrade past an irreversible migration.
    pub(crate) fn plan_between(&self, from: usize, to: usize) -> Result<Plan, Refusal> {
        let phase = if to >= from {
            Phase::Upgrade
        } else {
            Phase::Downgrade
        };
        self.reversible(Plan { phase, from, to })
    }

    /// `plan`, unless it is a downgrade past an irreversible migration:
    /// then the newest such is named, since no downgrade goes below it.
    fn reversible(&self, plan: Plan) -> Result<Plan, Refusal> {
        if plan.phase == Phase::Downgrade {
            if let Some(m) = self.migrations()[plan.to..plan.from]
                .iter()
                .rev()
                .find(|m| m.irreversible.is_some())
            {
                return Err(Refusal::Irreversible(m));
            }
        }
        Ok(plan)
    }

    /// Where a run in `phase` starts from, read without the lock, for a
    /// caller that plans before it runs (the command line, a step at a
    /// time): a migration left half-applied counts as not applied for an
    /// upgrade and as applied for a downgrade. It may be one another process
    /// is running right now, or one an earlier run left, which the runner
    /// resumes (or says why it cannot).
    #[cfg(feature = "cli")]
    pub(crate) fn start_count<D: Database + ?Sized>(
        &self,
        db: &mut D,
        phase: Phase,
    ) -> Result<usize, Error> {
        match self.current(db) {
            Ok(current) => Ok(self.count_up_to(current)),
            Err(Error::HalfApplied(h)) => {
                let k = self.position(&h.revision).unwrap_or(0);
                Ok(count_before(k, phase))
            }
            Err(e) => Err(e),
        }
    }

    /// The schema model after the first `count` migrations.
    pub fn schema_at(&self, count: usize) -> Result<Schema, Error> {
        let mut schema = Schema::new();
        for m in &self.migrations()[..count.min(self.len())] {
            for op in m.upgrade.iter() {
                replay(&mut schema, m, op)?;
            }
        }
        Ok(schema)
    }

    /// Migration `k`'s `phase` body, rendered for `d`.
    pub(crate) fn render(
        &self,
        d: Dialect,
        k: usize,
        phase: Phase,
    ) -> Result<Vec<RenderedOp>, Error> {
        let mut schema = self.schema_at(count_before(k, phase))?;
        self.render_from(d, k, phase, &mut schema)
    }

    /// Renders one step of a run over several migrations. Upgrades carry one
    /// model forward in `carried` (replayed once, at the first step); a
    /// downgrade starts from the model its upgrade left, replayed.
    pub(crate) fn render_step(
        &self,
        d: Dialect,
        k: usize,
        phase: Phase,
        carried: &mut Option<Schema>,
    ) -> Result<Vec<RenderedOp>, Error> {
        if phase == Phase::Downgrade {
            return self.render(d, k, phase);
        }
        let schema = match carried {
            Some(schema) => schema,
            None => carried.insert(self.schema_at(k)?),
        };
        self.render_from(d, k, phase, schema)
    }

    /// Renders migration `k`'s `phase` body from `schema`, the model before
    /// it, and leaves `schema` as the model after it: a run over many
    /// migrations carries one model forward instead of replaying the set
    /// for each.
    fn render_from(
        &self,
        d: Dialect,
        k: usize,
        phase: Phase,
        schema: &mut Schema,
    ) -> Result<Vec<RenderedOp>, Error> {
        let m = self.migrations()[k];
        let mut out = Vec::new();
        for op in m.ops(phase) {
            let statements = d.render(op, schema).map_err(|source| Error::Render {
                revision: m.revision.to_string(),
                message: m.message.to_string(),
                dialect: d,
                source,
            })?;
            replay(schema, m, op)?;
            let concurrent_index = match op {
                Op::CreateIndex {
                    name,
                    concurrently: true,
                    ..
                } if d == Dialect::Postgres => Some(name.to_string()),
                _ => None,
            };
            out.push(RenderedOp {
                revision: &m.revision,
                phase,
                text: op.to_string(),
                statements,
                concurrent_index,
                concurrent: op.is_concurrent(),
            });
        }
        Ok(out)
    }
}
