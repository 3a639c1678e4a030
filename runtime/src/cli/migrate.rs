//! `upgrade` and `downgrade`: the run planned by the runner (which decides
//! the target, the direction and the irreversible refusal), then one run
//! under the migration lock, as the library's, with a line per migration as
//! it goes, a progress line for a long one, and the data-loss refusal of
//! `downgrade`.

use std::cell::RefCell;
use std::io::Write;
use std::path::Path;
use std::time::Instant;

use serde_json::json;

use super::args::parse_target;
use super::output::{Out, Ticker};
use super::{backup, CliError, Context};
use crate::runner::Refusal;
use crate::{AnyConnection, Database, Loss, MigrationSet, Phase, Progress, Target};

/// `upgrade [TARGET] [--sql] [--backup DIR]`.
pub(super) fn upgrade<W: Write>(
    cx: &mut Context<'_, W>,
    target: Option<&str>,
    sql: bool,
    backup: Option<&Path>,
) -> Result<u8, CliError> {
    let set = cx.set;
    let target = parse_target(target.unwrap_or("head"))?;
    let mut db = cx.open()?;
    if !sql {
        // Said here, before any migration runs: the steps that follow are
        // only what the old tool had not applied.
        if let Some(adopted) = set.adopt(&mut db, &cx.options())? {
            cx.out.line(
                &match adopted.table {
                    Some(table) => format!(
                        "adopted: {} migration(s) that {} applied, as its table {table} lists them, recorded as applied without running them",
                        adopted.recorded, adopted.from
                    ),
                    None => "adopted: the database holds the schema of the first migration, which is recorded as applied without running it".to_string(),
                },
                json!({ "adopted": { "from": adopted.from, "table": adopted.table, "recorded": adopted.recorded } }),
            );
        }
    }
    if sql {
        return offline(cx, &mut db, target);
    }
    if let Some(dir) = backup {
        let pending = set.len() - set.count_up_to(set.current(&mut db)?);
        if pending > 0 {
            let made = backup::backup(set, &mut db, cx.url()?, dir)?;
            cx.out.line(
                &format!("backed up to {}", made.file.display()),
                json!({ "backup": made }),
            );
        }
    }
    step_through(cx, &mut db, target, Phase::Upgrade)
}

/// `downgrade TARGET [--sql] [--allow-data-loss]`.
pub(super) fn downgrade<W: Write>(
    cx: &mut Context<'_, W>,
    target: &str,
    sql: bool,
    allow_data_loss: bool,
) -> Result<u8, CliError> {
    let target = parse_target(target)?;
    let mut db = cx.open()?;
    if sql {
        return offline(cx, &mut db, target);
    }
    if !allow_data_loss {
        refuse_data_loss(cx.set, &mut db, target)?;
    }
    step_through(cx, &mut db, target, Phase::Downgrade)
}

/// `--sql`: what the run from where the database is to `target` would run.
fn offline<W: Write>(
    cx: &mut Context<'_, W>,
    db: &mut AnyConnection,
    target: Target<'_>,
) -> Result<u8, CliError> {
    let set = cx.set;
    let from = set.current(db)?.map_or(Target::Base, Target::Revision);
    let sql = set.sql_with(db.dialect(), from, target, &cx.options())?;
    cx.out.text(&sql);
    Ok(0)
}

/// Refuses a downgrade that would lose data, listing what (an irreversible
/// migration is refused by the plan whatever the flag).
fn refuse_data_loss(
    set: &MigrationSet,
    db: &mut AnyConnection,
    target: Target<'_>,
) -> Result<(), CliError> {
    let Ok(current) = set.current(db) else {
        // A half-applied or unknown state: the runner says what it is.
        return Ok(());
    };
    let Ok(plan) = set.data_loss_in(db, target) else {
        // A target outside the set: the plan says so.
        return Ok(());
    };
    if plan.is_empty()
        || plan.iter().any(|p| {
            p.losses
                .iter()
                .any(|l| matches!(l, Loss::Irreversible { .. }))
        })
    {
        return Ok(());
    }
    let lines: Vec<String> = plan.iter().map(|p| format!("  {p}")).collect();
    Err(CliError::Usage(format!(
        "refusing to downgrade from {}: it would lose data:\n{}\nNothing was undone. Back the database up first (`backup`), then run the same command with --allow-data-loss.",
        current.unwrap_or("base"),
        lines.join("\n")
    )))
}

/// A run the runner refused before its first step, in the runner's words
/// (the library's caller reads the same), with its parts for `--json`.
fn refused(refusal: Refusal) -> CliError {
    CliError::Runtime(refusal.into())
}

/// Runs the migrations towards `target` in one run under the migration
/// lock (as the library does), printing a line per migration as it starts
/// and ends and, for a long one, a progress line with the elapsed time.
fn step_through<W: Write>(
    cx: &mut Context<'_, W>,
    db: &mut AnyConnection,
    target: Target<'_>,
    phase: Phase,
) -> Result<u8, CliError> {
    let (set, options, out) = (cx.set, cx.options(), &mut cx.out);
    let from = set.start_count(db, phase)?;
    let started = Instant::now();
    // Decided before the run, so that a refusal (an irreversible migration
    // in the range, say) is worded as the plan words it; the run decides
    // again under the lock.
    set.plan(phase, target, from).map_err(refused)?;
    let ticker: RefCell<Option<Ticker>> = RefCell::new(None);
    let quiet = out.is_json();
    let shown: &Out<W> = out;
    let progress = |p: Progress<'_>| match p {
        Progress::Starting {
            revision,
            message,
            phase,
        } => {
            shown.progress_start(phase, revision, message);
            *ticker.borrow_mut() = Some(Ticker::start(revision, quiet));
        }
        Progress::Done(step) => {
            if let Some(t) = ticker.borrow_mut().take() {
                t.stop();
            }
            shown.progress_done(step);
        }
    };
    let result = set.run_with_progress(db, phase, target, &options, &progress);
    if let Some(t) = ticker.borrow_mut().take() {
        t.stop();
    }
    let steps = result?.steps;
    let start = set.revision_after(from);
    let now = set.revision_after(set.start_count(db, phase)?);
    if steps.is_empty() {
        out.line(
            &format!(
                "nothing to do: the database is at {}",
                now.unwrap_or("base")
            ),
            json!({ "from": start, "to": now, "applied": [] }),
        );
    } else {
        out.line(
            &format!(
                "{} {} migration(s) in {:.2} s: {} -> {}",
                if phase == Phase::Upgrade {
                    "applied"
                } else {
                    "undid"
                },
                steps.len(),
                started.elapsed().as_secs_f64(),
                start.unwrap_or("base"),
                now.unwrap_or("base")
            ),
            json!({
                "from": start,
                "to": now,
                "applied": steps.iter().map(|s| json!({
                    "revision": s.revision, "message": s.message, "phase": s.phase.name(),
                    "ms": s.duration.as_millis() as u64, "attempts": s.attempts, "resumed_at_op": s.resumed_at,
                })).collect::<Vec<_>>(),
            }),
        );
    }
    Ok(0)
}
