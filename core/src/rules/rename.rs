//! Renaming what the running version still uses: `rename-column`,
//! `rename-table`.
//!
//! The running version keeps using the old name until the new code is
//! deployed everywhere, and the new code cannot start before the rename: one
//! of the two is always broken. The expand/contract path keeps both names
//! working for a while: add the new column (or table), backfill it, have the
//! code write to both and read the new one, and drop the old one in a later
//! migration (after deprecating it).
//!
//! A column or table created in the same migration is exempt.

use super::{Finding, OpCheck};
use crate::diagnostic::Rule;
use crate::model::Op;

pub(super) fn check(cx: &OpCheck<'_>, out: &mut Vec<Finding>) {
    match cx.op {
        Op::RenameColumn { table, from, to } if cx.column_before(table, from).is_some() => {
            out.push(Finding::new(
                Rule::RenameColumn,
                format!(
                    "renaming column `{table}.{from}` to `{to}` breaks the running version, which still reads and writes `{from}`"
                ),
                format!(
                    "expand/contract: add column `{to}`, backfill it from `{from}` in a later migration, have the code write both and read `{to}`, then deprecate_column and drop `{from}` in later migrations"
                ),
            ));
        }
        Op::RenameTable { from, to } if cx.is_existing_table(from) => {
            out.push(Finding::new(
                Rule::RenameTable,
                format!(
                    "renaming table `{from}` to `{to}` breaks the running version, which still reads and writes `{from}`"
                ),
                format!(
                    "expand/contract: create table `{to}`, copy the rows into it in a later migration, have the code write both and read `{to}`, then deprecate_table and drop `{from}` in later migrations"
                ),
            ));
        }
        _ => {}
    }
}
