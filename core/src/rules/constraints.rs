//! Adding a constraint to an existing table: `unique-constraint-on-existing-table`,
//! `primary-key-on-existing-table`, `foreign-key-not-valid`,
//! `check-constraint-not-valid`.
//!
//! Adding a constraint makes the database check every existing row while it
//! holds a lock that blocks writes: a unique constraint or primary key builds
//! its index under an exclusive lock (and a primary key makes its columns NOT
//! NULL, scanning for NULLs); a foreign key scans the table (and locks the
//! referenced one too); a check constraint scans the table. The safe path
//! splits the work: a unique index built `.concurrently()` and taken over by
//! the constraint (`.using_index(..)`) in a later migration, a constraint
//! added `.not_valid()` (new rows are checked at once, old rows not yet) and
//! validated by `validate_constraint` in a *later* migration, which on
//! PostgreSQL scans without blocking writes. Validating in the same migration
//! gives that back: the scan runs inside the transaction that still holds the
//! lock of the ADD, so it is flagged at the `validate_constraint`.
//!
//! Tables created in the same migration are exempt: they are empty.

use super::{Finding, OpCheck};
use crate::diagnostic::Rule;
use crate::model::Op;
use crate::schema::ConstraintKind;

pub(super) fn check(cx: &OpCheck<'_>, out: &mut Vec<Finding>) {
    match cx.op {
        Op::AddColumn { table, column } if cx.is_existing_table(table) => {
            let name = &column.name;
            if column.unique && !column.primary_key {
                out.push(Finding::new(
                    Rule::UniqueConstraintOnExistingTable,
                    format!(
                        "adding column `{table}.{name}` with .unique() builds its unique index on existing table `{table}` under an exclusive lock"
                    ),
                    format!(
                        "add `{name}` without .unique(); then, in a migration of its own, op.create_index(\"{table}_{name}_key\", \"{table}\", [\"{name}\"]).unique().concurrently()"
                    ),
                ));
            }
            if let Some(r) = &column.references {
                out.push(Finding::new(
                    Rule::ForeignKeyNotValid,
                    format!(
                        "adding column `{table}.{name}` with .references(\"{}\", \"{}\") validates the new foreign key at once: PostgreSQL scans `{table}` while blocking writes to `{table}` and `{}`",
                        r.table, r.column, r.table
                    ),
                    format!(
                        "add `{name}` without .references(..); then op.create_foreign_key(\"{table}_{name}_fkey\", \"{table}\", [\"{name}\"], \"{}\", [\"{}\"]).not_valid(), and op.validate_constraint(\"{table}_{name}_fkey\", \"{table}\") in a later migration",
                        r.table, r.column
                    ),
                ));
            }
        }
        Op::CreateUniqueConstraint {
            name,
            table,
            columns,
            using_index: None,
        } if cx.is_existing_table(table) => out.push(Finding::new(
            Rule::UniqueConstraintOnExistingTable,
            format!(
                "unique constraint `{name}` on existing table `{table}` builds its unique index under an exclusive lock on `{table}`"
            ),
            format!(
                "build the index first, alone in its migration: op.create_index(\"{name}\", \"{table}\", [{}]).unique().concurrently(); then, in a later migration, op.create_unique_constraint(\"{name}\", \"{table}\", [{}]).using_index(\"{name}\")",
                quoted(columns),
                quoted(columns)
            ),
        )),
        Op::CreatePrimaryKey {
            name,
            table,
            columns,
            using_index,
        } if cx.is_existing_table(table) => {
            if using_index.is_none() {
                out.push(Finding::new(
                    Rule::PrimaryKeyOnExistingTable,
                    format!(
                        "primary key `{name}` on existing table `{table}` builds its index under an exclusive lock on `{table}`"
                    ),
                    format!(
                        "build the index first, alone in its migration: op.create_index(\"{name}\", \"{table}\", [{}]).unique().concurrently(); then, in a later migration, op.create_primary_key(\"{name}\", \"{table}\", [{}]).using_index(\"{name}\")",
                        quoted(columns),
                        quoted(columns)
                    ),
                ));
            }
            for column in columns.iter() {
                if cx.column_now(table, column).is_some_and(|c| c.nullable) {
                    out.push(Finding::new(
                        Rule::PrimaryKeyOnExistingTable,
                        format!(
                            "primary key `{name}` makes nullable column `{table}.{column}` NOT NULL: PostgreSQL scans `{table}` for NULLs while blocking reads and writes, and the running version may still insert NULL"
                        ),
                        format!(
                            "make `{column}` NOT NULL in an earlier migration, the safe way (see set-not-null: a CHECK ({column} IS NOT NULL) added .not_valid() and validated later)"
                        ),
                    ));
                }
            }
        }
        Op::CreateForeignKey {
            name,
            table,
            ref_table,
            not_valid: false,
            ..
        } if cx.is_existing_table(table) => out.push(Finding::new(
            Rule::ForeignKeyNotValid,
            format!(
                "foreign key `{name}` on existing table `{table}` is validated as it is added: PostgreSQL scans `{table}` while blocking writes to `{table}` and `{ref_table}`"
            ),
            format!(
                "add it with .not_valid() now (new rows are checked at once), and op.validate_constraint(\"{name}\", \"{table}\") in a later migration"
            ),
        )),
        Op::CreateCheckConstraint {
            name,
            table,
            not_valid: false,
            ..
        } if cx.is_existing_table(table) => out.push(Finding::new(
            Rule::CheckConstraintNotValid,
            format!(
                "check constraint `{name}` on existing table `{table}` is validated as it is added: PostgreSQL scans `{table}` while blocking writes to it"
            ),
            format!(
                "add it with .not_valid() now (new rows are checked at once), and op.validate_constraint(\"{name}\", \"{table}\") in a later migration"
            ),
        )),
        Op::ValidateConstraint { table, name } if cx.is_existing_table(table) => {
            let added_now = cx
                .before
                .tables
                .get(&**table)
                .is_some_and(|t| !t.constraints.contains_key(&**name));
            let kind = cx
                .current
                .tables
                .get(&**table)
                .and_then(|t| t.constraints.get(&**name))
                .map(|c| &c.kind);
            let rule = match kind {
                Some(ConstraintKind::ForeignKey { .. }) => Rule::ForeignKeyNotValid,
                Some(ConstraintKind::Check { .. }) => Rule::CheckConstraintNotValid,
                _ => return,
            };
            if added_now {
                out.push(Finding::new(
                    rule,
                    format!(
                        "constraint `{name}` is validated in the same migration that adds it to existing table `{table}`: the scan still runs while the lock taken to add it blocks writes"
                    ),
                    format!(
                        "move op.validate_constraint(\"{name}\", \"{table}\") to a later migration"
                    ),
                ));
            }
        }
        _ => {}
    }
}

/// `["a", "b"]` as DSL text.
fn quoted(columns: &[crate::model::Str]) -> String {
    columns
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ")
}
