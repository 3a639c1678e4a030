//! Adding a stored generated column to an existing table:
//! `add-stored-generated-column`.
//!
//! A stored value is computed for every existing row the moment the column
//! is added: PostgreSQL rewrites the whole table under an ACCESS EXCLUSIVE
//! lock, MySQL copies it, SQLite rebuilds it (its ALTER TABLE cannot add a
//! stored column). A virtual column (MySQL, SQLite) is computed on read and
//! added in place. A table created in the same migration is exempt.

use super::{Finding, OpCheck};
use crate::diagnostic::Rule;
use crate::model::Op;

pub(super) fn check(cx: &OpCheck<'_>, out: &mut Vec<Finding>) {
    let Op::AddColumn { table, column } = cx.op else {
        return;
    };
    let Some(expr) = column.generated.as_ref().filter(|_| column.stored) else {
        return;
    };
    if !cx.is_existing_table(table) {
        return;
    }
    let name = &column.name;
    out.push(Finding::new(
        Rule::AddStoredGeneratedColumn,
        format!(
            "adding stored generated column `{table}.{name}` computes it for every existing row of `{table}`: PostgreSQL rewrites the table and MySQL copies it, under an exclusive lock"
        ),
        format!(
            "add `{name}` as a plain nullable column, fill it with op.backfill(\"{table}\", \"{name} = {expr}\") in a later migration, and keep it up to date from the application (or a trigger); on a small table, wrap the op in op.safety_assured(..)"
        ),
    ));
}
