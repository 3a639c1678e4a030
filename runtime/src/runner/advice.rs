//! The advice of the runner's errors: what the database holds after a
//! failure ("state now") and the command that resolves it ("next"), worded
//! here once for every path that reports it, and the errors that carry it
//! ([`MigrationFailure`], [`Error::HalfApplied`], [`Error::Irreversible`]),
//! built here only.

use godwit_core::{Migration, Op, Phase};

use super::plan::{count_before, RenderedOp};
use super::recorded::{class, OpClass};
use super::statements::OpFailure;
use super::version::{AppliedRecord, VersionState, VERSION_TABLE};
use crate::dialect::{Dialect, Statement};
use crate::error::{HalfApplied, MigrationFailure};
use crate::{Error, MigrationSet};

/// The two closing parts of an error: what is applied now, what to run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Advice {
    /// What the database holds now.
    pub(crate) state: String,
    /// What to do next.
    pub(crate) next: String,
}

/// `stamp <revision>`, on the command line and in Rust.
pub(crate) fn stamp_command(revision: &str) -> String {
    format!(
        "`stamp {revision}` (in Rust: `MIGRATIONS.stamp(&mut conn, Target::Revision(\"{revision}\"))`)"
    )
}

/// [`stamp_command`] of `revision`, or of the base.
fn stamp_command_at(revision: Option<&str>) -> String {
    revision.map_or_else(
        || "`stamp base` (in Rust: `MIGRATIONS.stamp(&mut conn, Target::Base)`)".to_string(),
        stamp_command,
    )
}

/// "op 3" or "ops 1 to 2".
fn op_range(from: usize, to: usize) -> String {
    if from == to {
        format!("op {from}")
    } else {
        format!("ops {from} to {to}")
    }
}

/// The revision the database is still at when migration `k`'s `phase`
/// body left nothing applied.
pub(crate) fn still_at(set: &MigrationSet, k: usize, phase: Phase) -> &'static str {
    set.revision_after(count_before(k, phase)).unwrap_or("base")
}

/// A statement of `m`'s `phase` body failed (`f`, an op of `ops`): the
/// error, with its advice.
pub(crate) fn failure(
    m: &Migration,
    phase: Phase,
    ops: &[RenderedOp],
    f: OpFailure,
    advice: Advice,
) -> Error {
    Error::MigrationFailed(Box::new(MigrationFailure {
        revision: m.revision.to_string(),
        message: m.message.to_string(),
        phase,
        op_number: f.index + 1,
        op_count: ops.len(),
        op: ops
            .get(f.index)
            .map_or_else(String::new, |o| o.text.clone()),
        statement: f.statement,
        cause: f.cause.to_string(),
        state: advice.state,
        next: advice.next,
    }))
}

/// Downgrading would undo `m`, which is irreversible.
pub(crate) fn irreversible(m: &Migration) -> Error {
    Error::Irreversible {
        revision: m.revision.to_string(),
        message: m.message.to_string(),
        reason: m.irreversible.as_deref().unwrap_or_default().to_string(),
    }
}

/// A migration run in one transaction failed and was rolled back.
pub(crate) fn rolled_back(set: &MigrationSet, k: usize, phase: Phase) -> Advice {
    Advice {
        state: format!(
            "rolled back: nothing of this migration is applied; the database is still at {}",
            still_at(set, k, phase)
        ),
        next: format!(
            "fix the cause above (or the migration, in a new binary) and run `{}` again",
            phase.name()
        ),
    }
}

/// Every try of a migration gave up waiting for a table lock.
pub(crate) fn lock_waits(set: &MigrationSet, k: usize, phase: Phase, attempts: u32) -> Advice {
    Advice {
        state: format!(
            "rolled back: the database is still at {} (tried {attempts} times, each gave up waiting for a lock)",
            still_at(set, k, phase)
        ),
        next: "find what holds the lock on the table (PostgreSQL: pg_locks / pg_stat_activity), let it finish, and run `upgrade` again; or raise `Options::lock_timeout` / `retries`".into(),
    }
}

/// A failed `CREATE INDEX CONCURRENTLY` whose invalid index was dropped,
/// and its version row put back.
pub(crate) fn invalid_index_dropped(set: &MigrationSet, k: usize, phase: Phase) -> Advice {
    Advice {
        state: format!(
            "the failed build's invalid index was dropped: nothing of this migration is applied; the database is still at {}",
            still_at(set, k, phase)
        ),
        next: format!(
            "fix the cause above (for a unique index: the duplicate rows) and run `{}` again",
            phase.name()
        ),
    }
}

/// Op `index` of a migration run op by op failed. `recorded`: the failure
/// is in the version row, so the connection is alive and the database
/// refused the statement (rather than the connection being lost).
pub(crate) fn stopped_op_by_op(
    set: &MigrationSet,
    d: Dialect,
    k: usize,
    phase: Phase,
    ops: &[RenderedOp],
    index: usize,
    recorded: bool,
) -> Advice {
    let n = index + 1;
    let (state, resumes) = stopped_at(d, ops, index, phase, recorded);
    let state = if recorded {
        format!(
            "{state}; {VERSION_TABLE} records the migration as {} at op {n}",
            VersionState::failed(phase)
        )
    } else {
        format!(
            "{state}; the connection was lost, so {VERSION_TABLE} still records the migration as {} at op {n}",
            VersionState::running(phase)
        )
    };
    let phase_name = phase.name();
    let next = if resumes {
        format!("fix the cause above and run `{phase_name}` again: it resumes at op {n}")
    } else {
        format!(
            "run `{phase_name}` again: it resumes at op {n} or after it if the schema shows whether op {n} ran. If it cannot tell, {}",
            resolution(set, d, k, phase, index)
        )
    };
    Advice { state, next }
}

/// What the version row of a migration stopped at op `index` promises:
/// (what is applied, whether `upgrade` / `downgrade` will resume by itself).
/// `refused`: the database refused the statement.
fn stopped_at(
    d: Dialect,
    ops: &[RenderedOp],
    index: usize,
    phase: Phase,
    refused: bool,
) -> (String, bool) {
    let done = match index {
        0 => format!("no op of this {} is applied", phase.name()),
        1 => format!("op 1 of this {} is applied and recorded", phase.name()),
        n => format!(
            "ops 1 to {n} of this {} are applied and recorded",
            phase.name()
        ),
    };
    let Some(op) = ops.get(index) else {
        return (format!("{done}; every op completed"), true);
    };
    let n = index + 1;
    match class(d, op) {
        OpClass::Atomic => (
            format!("{done}; op {n} ran in a transaction with its record and was rolled back: nothing of it is applied"),
            true,
        ),
        OpClass::Batched => (
            format!("{done}; op {n} is a batched backfill: the batches it committed are recorded with the key they reached, the rest are not applied"),
            true,
        ),
        OpClass::Outside if refused && matches!(op.statements.as_slice(), [Statement::Sql(_)]) => (
            format!("{done}; op {n} is one statement, which the database refused: nothing of it is applied"),
            true,
        ),
        OpClass::Outside => (
            format!(
                "{done}; op {n} runs outside a transaction ({}) and may be partly applied; the next run reads the schema back to tell",
                if d == Dialect::Mysql {
                    "MySQL commits each DDL statement"
                } else {
                    "a concurrent index build"
                }
            ),
            false,
        ),
    }
}

/// Migration `k` is half-applied: its row `r` says which op stopped. The
/// error says what happened, which ops are applied, and the two ways out by
/// hand. `finding`: why the run that found it cannot resume it; `None` when
/// found by a command that does not resume (which then points at one that
/// does).
pub(crate) fn half_applied(
    set: &MigrationSet,
    d: Dialect,
    k: usize,
    r: &AppliedRecord,
    finding: Option<&str>,
) -> Error {
    let m = set.migrations()[k];
    let phase = r.state.phase().unwrap_or(Phase::Upgrade);
    let ops = m.ops(phase);
    let i = r.op_index.unwrap_or(0).min(ops.len().saturating_sub(1));
    let op = ops.get(i).map_or_else(String::new, Op::to_string);
    let state = if i == 0 {
        format!(
            "no op of this {} completed; op 1 may be partly applied",
            phase.name()
        )
    } else {
        format!(
            "{} of this {} {} applied, op {} may be partly applied, the rest are not",
            op_range(1, i),
            phase.name(),
            if i == 1 { "is" } else { "are" },
            i + 1
        )
    };
    let next = resolution(set, d, k, phase, i);
    let (state, next) = match finding {
        Some(finding) => (format!("{state}; {finding}"), next),
        None => (
            state,
            format!(
                "`{}` to a target past it resumes the migration by itself when the database shows exactly how far it got. If it cannot tell, {next}",
                phase.name()
            ),
        ),
    };
    Error::HalfApplied(Box::new(HalfApplied {
        revision: m.revision.to_string(),
        message: m.message.to_string(),
        phase,
        failed: r.state.is_failed(),
        op_number: i + 1,
        op_count: ops.len(),
        op,
        cause: r.error.clone(),
        state,
        next,
    }))
}

/// The two ways to resolve migration `k`'s `phase` body stopped at op `i`
/// by hand: finish it and stamp it, or undo it and stamp the revision
/// before.
fn resolution(set: &MigrationSet, d: Dialect, k: usize, phase: Phase, i: usize) -> String {
    let m = set.migrations()[k];
    let count = m.ops(phase).len();
    let previous = k.checked_sub(1).map(|p| &*set.migrations()[p].revision);
    let (stamp_this, stamp_previous) = (stamp_command(&m.revision), stamp_command_at(previous));
    let (done, undone) = match phase {
        Phase::Upgrade => (stamp_this, stamp_previous),
        Phase::Downgrade => (stamp_previous, stamp_this),
    };
    let target = |rev: Option<&str>| {
        rev.map_or("Target::Base".to_string(), |r| {
            format!("Target::Revision(\"{r}\")")
        })
    };
    let (from, to) = match phase {
        Phase::Upgrade => (target(previous), target(Some(&m.revision))),
        Phase::Downgrade => (target(Some(&m.revision)), target(previous)),
    };
    let undo = if i == 0 {
        String::new()
    } else {
        format!("undo {} by hand and ", op_range(1, i))
    };
    format!(
        "godwit will not run anything until this is resolved. Either finish the {phase} by hand \
         ({} printed by `MIGRATIONS.sql(Dialect::{d:?}, {from}, {to})`) and record it with {done}; \
         or {undo}record the state before it with {undone}. Then run `upgrade` again.",
        op_range(i + 1, count),
        phase = phase.name(),
    )
}
