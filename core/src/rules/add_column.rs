//! Adding a column to an existing table: `add-required-column`,
//! `volatile-default`, `add-autoincrement-column`.
//!
//! While the migration runs and until the new code is deployed everywhere,
//! the running version inserts rows without knowing the column. And on
//! PostgreSQL, a column whose default differs per row (or a serial one)
//! makes the database write every existing row, holding an ACCESS EXCLUSIVE
//! lock for the whole rewrite; MySQL copies the table for an AUTO_INCREMENT
//! column.
//!
//! A column added to a table created in the same migration is exempt:
//! nothing reads or writes that table yet.

use super::{Finding, OpCheck};
use crate::diagnostic::Rule;
use crate::model::{DefaultValue, Op};

pub(super) fn check(cx: &OpCheck<'_>, out: &mut Vec<Finding>) {
    let Op::AddColumn { table, column } = cx.op else {
        return;
    };
    if !cx.is_existing_table(table) {
        return;
    }
    let name = &column.name;
    let required = !column.nullable || column.primary_key;
    if required && column.default.is_none() && !column.autoincrement {
        out.push(Finding::new(
            Rule::AddRequiredColumn,
            format!(
                "adding NOT NULL column `{table}.{name}` without a server default breaks code that inserts {table}"
            ),
            format!(
                "add it nullable, or with .server_default(..); backfill `{name}` in a later migration; make it NOT NULL in a migration after that (see set-not-null)"
            ),
        ));
    }
    if let Some(DefaultValue::Sql(default)) = column.default.as_ref().filter(|d| d.is_volatile()) {
        out.push(Finding::new(
            Rule::VolatileDefault,
            format!(
                "adding column `{table}.{name}` with the volatile default `{default}` makes PostgreSQL rewrite every row of `{table}` under an exclusive lock"
            ),
            format!(
                "add `{name}` without a default, then set it with op.alter_column(\"{table}\", \"{name}\").server_default(..) (new rows only, no rewrite), and fill the existing rows with op.backfill(\"{table}\", ..) in a later migration"
            ),
        ));
    }
    if column.autoincrement {
        out.push(Finding::new(
            Rule::AddAutoincrementColumn,
            format!(
                "adding auto-increment column `{table}.{name}` numbers every existing row of `{table}`: PostgreSQL rewrites the table and MySQL copies it, under an exclusive lock"
            ),
            format!(
                "add `{name}` as a plain nullable BigInt and fill it with op.backfill(\"{table}\", ..) in a later migration, or create a new table with the column and move the rows over in batches"
            ),
        ));
    }
}
