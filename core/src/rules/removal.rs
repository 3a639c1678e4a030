//! Removing what the running version still uses: `drop-column-not-deprecated`,
//! `drop-table-not-deprecated`.
//!
//! The version of the application that is running while the migration runs
//! still reads and writes every column and table it knew. Removal therefore
//! takes two deploys: an earlier migration marks the column
//! (`deprecate_column`, or `alter_column(..).nullable(true)`) or the table
//! (`deprecate_table`), code that no longer uses it ships, and a later
//! migration drops it. A mark made in the same migration as the drop does
//! not count: no deploy happened in between.
//!
//! A column or table created in the same migration is exempt.

use super::{Finding, OpCheck};
use crate::diagnostic::Rule;
use crate::model::Op;

pub(super) fn check(cx: &OpCheck<'_>, out: &mut Vec<Finding>) {
    // What is dropped, whether an earlier migration marked it, and the op
    // that would have.
    let (rule, what, deprecated, deprecate, drop) = match cx.op {
        Op::DropColumn { table, column } => {
            let Some(state) = cx.column_before(table, column) else {
                return; // a new table or column
            };
            (
                Rule::DropColumnNotDeprecated,
                format!("column `{table}.{column}`"),
                state.deprecated,
                format!("op.deprecate_column(\"{table}\", \"{column}\")"),
                "drop_column",
            )
        }
        Op::DropTable { name } => {
            let Some(table) = cx.before.tables.get(&**name) else {
                return; // created in this migration
            };
            (
                Rule::DropTableNotDeprecated,
                format!("table `{name}`"),
                table.deprecated,
                format!("op.deprecate_table(\"{name}\")"),
                "drop_table",
            )
        }
        _ => return,
    };
    if !deprecated {
        out.push(Finding::new(
            rule,
            format!(
                "dropping {what}, which no earlier migration deprecated, breaks the running version that still reads and writes it"
            ),
            format!(
                "two deploys: first a migration with {deprecate} and code that no longer uses it; then {drop} in a later migration"
            ),
        ));
    }
}
