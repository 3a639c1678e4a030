//! Building and dropping indexes: `non-concurrent-index`,
//! `concurrent-index-not-alone`.
//!
//! A plain `CREATE INDEX` blocks every write to the table for the whole
//! build, and a plain `DROP INDEX` waits for an exclusive lock on it.
//! PostgreSQL does both `CONCURRENTLY` without blocking writes, but not
//! inside a transaction: a migration with a `.concurrently()` op runs outside
//! one, so any other op in it would lose the transaction it relies on. Hence
//! one concurrent index op per migration (checked in both bodies).
//!
//! Indexes of a table created in the same migration, and an index dropped in
//! the migration that created it, are exempt from `non-concurrent-index`.

use super::{Finding, OpCheck, Step};
use crate::diagnostic::Rule;
use crate::model::Op;

pub(super) fn check(cx: &OpCheck<'_>, out: &mut Vec<Finding>) {
    match cx.op {
        Op::CreateIndex {
            name,
            table,
            concurrently: false,
            unique,
            ..
        } if cx.is_existing_table(table) => {
            let unique = if *unique { "unique " } else { "" };
            out.push(Finding::new(
                Rule::NonConcurrentIndex,
                format!(
                    "creating {unique}index `{name}` on existing table `{table}` without .concurrently() blocks writes to `{table}` for the whole build"
                ),
                "add .concurrently(): PostgreSQL then builds it without blocking writes; the migration runs outside a transaction, so keep the index op alone in its migration",
            ));
        }
        Op::DropIndex {
            name,
            table,
            concurrently: false,
            ..
        } => {
            let existed = cx
                .before
                .tables
                .get(&**table)
                .is_some_and(|t| t.indexes.contains_key(&**name));
            if existed {
                out.push(Finding::new(
                    Rule::NonConcurrentIndex,
                    format!(
                        "dropping index `{name}` of existing table `{table}` without .concurrently() waits for an exclusive lock on `{table}` and blocks every query queued behind it"
                    ),
                    "add .concurrently() and keep the drop alone in its migration: it runs outside a transaction",
                ));
            }
        }
        _ => {}
    }
}

/// `concurrent-index-not-alone`, over the ops of one body.
pub(super) fn check_alone(steps: &[Step<'_>], out: &mut Vec<(usize, Finding)>) {
    if steps.len() < 2 {
        return;
    }
    for (i, step) in steps.iter().enumerate() {
        // An `execute` of `CREATE INDEX CONCURRENTLY` is one too.
        let Some((what, name)) = step.effective_ops().into_iter().find_map(|op| match op {
            Op::CreateIndex {
                name,
                concurrently: true,
                ..
            } => Some(("create_index", name)),
            Op::DropIndex {
                name,
                concurrently: true,
                ..
            } => Some(("drop_index", name)),
            _ => None,
        }) else {
            continue;
        };
        let others: Vec<String> = steps
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, s)| format!("`{}`", s.op.method()))
            .collect();
        out.push((
            i,
            Finding::new(
                Rule::ConcurrentIndexNotAlone,
                format!(
                    "{what}(`{name}`).concurrently() shares its migration with {} ({}): it cannot run inside a transaction, so they would run without one",
                    plural(others.len(), "other op"),
                    others.join(", ")
                ),
                "move the concurrent index op to a migration of its own",
            ),
        ));
    }
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}
