//! Performance hints: `foreign-key-without-index`, `int-primary-key`.
//!
//! They are errors by default; `allow = ["rule-id"]` in `#[migration(..)]`
//! turns one off for that migration (`safety_assured` does not).
//!
//! - A foreign key whose columns are not the leading columns of any index
//!   (a full one, not partial; a primary key or unique constraint counts) at
//!   the end of the migration: joins on it, and every delete or key update
//!   of a referenced row, scan the whole referencing table. Inline
//!   `.references(..)` counts as a foreign key.
//! - An `Integer` (32-bit) or `SmallInt` primary key: it runs out at 2^31
//!   (2^15) rows, and widening it later rewrites the table and every foreign
//!   key pointing at it. Only a single-column key is flagged: the columns of
//!   a composite key are references to other tables, whose own keys are
//!   where the width is chosen.

use super::{Finding, MigrationCheck, OpCheck};
use crate::diagnostic::Rule;
use crate::model::{ColumnChange, ColumnType, Op};
use crate::schema::{foreign_key_name, ConstraintKind};

fn is_narrow(ty: &ColumnType) -> bool {
    matches!(ty, ColumnType::Integer | ColumnType::SmallInt)
}

fn narrow_key(table: &str, column: &str, ty: &ColumnType) -> Finding {
    let (bits, limit) = match ty {
        ColumnType::SmallInt => (16, "2^15"),
        _ => (32, "2^31"),
    };
    Finding::new(
        Rule::IntPrimaryKey,
        format!(
            "primary key `{table}.{column}` is a {bits}-bit {ty}: it runs out at {limit} rows, and widening it later rewrites `{table}` and every foreign key to it"
        ),
        "use BigInt; if the table is sure to stay small, say allow = [\"int-primary-key\"] in #[migration(..)]",
    )
}

/// `int-primary-key`.
pub(super) fn check(cx: &OpCheck<'_>, out: &mut Vec<Finding>) {
    match cx.op {
        Op::CreateTable {
            name,
            columns,
            primary_key,
            ..
        } => {
            let key: Vec<_> = match primary_key {
                Some(key) => columns
                    .iter()
                    .filter(|c| key.columns.contains(&c.name))
                    .collect(),
                None => columns.iter().filter(|c| c.primary_key).collect(),
            };
            if let [c] = key[..] {
                if is_narrow(&c.ty) {
                    out.push(narrow_key(name, &c.name, &c.ty));
                }
            }
        }
        Op::CreatePrimaryKey { table, columns, .. } => {
            if let [column] = &columns[..] {
                if let Some(c) = cx.column_now(table, column).filter(|c| is_narrow(&c.ty)) {
                    out.push(narrow_key(table, column, &c.ty));
                }
            }
        }
        Op::AddColumn { table, column } if column.primary_key && is_narrow(&column.ty) => {
            out.push(narrow_key(table, &column.name, &column.ty));
        }
        Op::AlterColumn {
            table,
            column,
            changes,
        } => {
            let is_sole_key = cx
                .current
                .tables
                .get(&**table)
                .and_then(|t| t.primary_key())
                .is_some_and(|key| key.len() == 1 && key[0] == **column);
            if !is_sole_key {
                return;
            }
            for change in changes.iter() {
                if let ColumnChange::SetType(ty) = change {
                    if is_narrow(ty) {
                        out.push(narrow_key(table, column, ty));
                    }
                }
            }
        }
        _ => {}
    }
}

/// `foreign-key-without-index`, at the end of the upgrade of one migration.
pub(super) fn check_migration(cx: &MigrationCheck<'_>, out: &mut Vec<(usize, Finding)>) {
    for (i, step) in cx.steps.iter().enumerate() {
        if !step.applied {
            continue;
        }
        let created: Vec<(String, String)> = match step.op {
            Op::CreateForeignKey { name, table, .. } => vec![(table.to_string(), name.to_string())],
            Op::CreateTable { name, columns, .. } => columns
                .iter()
                .filter(|c| c.references.is_some())
                .map(|c| {
                    (
                        name.to_string(),
                        foreign_key_name(name, &[c.name.to_string()]),
                    )
                })
                .collect(),
            Op::AddColumn { table, column } if column.references.is_some() => vec![(
                table.to_string(),
                foreign_key_name(table, &[column.name.to_string()]),
            )],
            _ => Vec::new(),
        };
        for (table, name) in created {
            let Some(t) = cx.after.tables.get(&table) else {
                continue; // dropped again in the same migration
            };
            let Some(ConstraintKind::ForeignKey {
                columns, ref_table, ..
            }) = t.constraints.get(&name).map(|c| &c.kind)
            else {
                continue;
            };
            if t.has_index_leading_with(columns) {
                continue;
            }
            let cols = columns.join(", ");
            let quoted: Vec<String> = columns.iter().map(|c| format!("\"{c}\"")).collect();
            out.push((
                i,
                Finding::new(
                    Rule::ForeignKeyWithoutIndex,
                    format!(
                        "foreign key `{name}` on `{table}({cols})` has no index that starts with ({cols}): joins, and deletes from `{ref_table}`, scan all of `{table}`"
                    ),
                    format!(
                        "op.create_index(\"idx_{table}_{}\", \"{table}\", [{}]): in the same migration for a new table, or .concurrently() in an earlier migration of its own for an existing one; or allow = [\"foreign-key-without-index\"] in #[migration(..)]",
                        columns.join("_"),
                        quoted.join(", ")
                    ),
                ),
            ));
        }
    }
}
