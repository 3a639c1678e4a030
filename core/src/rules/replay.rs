//! `unknown-table`, `unknown-column`, `unknown-index`, `unknown-constraint`,
//! `already-exists`: an op refers to something that does not exist at that
//! point of the history, or creates what already exists. The replay also
//! reports a name no backend lets godwit create or a derived constraint name
//! too long to keep (`invalid-identifier`), and a backfill of a table without
//! a primary key (`backfill-without-primary-key`).
//!
//! The schema model is replayed from the first migration, op by op, in both
//! bodies; [`crate::schema::Schema::apply`] says why an op cannot be applied.
//! These are structural: `safety_assured` does not silence them, because an op
//! the database cannot run is never safe.
//!
//! One more thing is checked here that the replay does not see: the columns a
//! `backfill` assigns to must exist in its table.

use super::sql;
use super::Finding;
use crate::diagnostic::Rule;
use crate::model::Op;
use crate::schema::{ReplayError, Schema};

/// The finding for an op that could not be applied.
pub(super) fn finding(e: ReplayError) -> Finding {
    let help = e.help().to_string();
    Finding::new(e.rule, e.message, help)
}

/// `unknown-column`: a `backfill` that sets a column its table does not have.
pub(super) fn check_assignments(op: &Op, current: &Schema, out: &mut Vec<Finding>) {
    let Op::Backfill { table, set, .. } = op else {
        return;
    };
    let (Ok(t), Ok(assignments)) = (current.table(table), sql::assignments(set)) else {
        // An unknown table is reported by the replay, a SET list that does
        // not parse by `invalid-sql`.
        return;
    };
    for name in sql::assigned_columns(&assignments) {
        if !t.columns.iter().any(|c| name.is(&c.name)) {
            out.push(Finding::new(
                Rule::UnknownColumn,
                format!(
                    "`backfill` sets column `{table}.{}`, which does not exist at this point of the history",
                    name.value
                ),
                format!("add the column to `{table}` in an earlier migration, or fix its name in the SET list"),
            ));
        }
    }
}
