//! Performance hints: `foreign-key-without-index`, `int-primary-key`.
//!
//! They are errors by default; `allow = ["rule-id"]` in `#[migration(..)]`
//! turns one off for that migration (`safety_assured` does not).
//!
//! - A foreign key whose columns are not the leading columns of any index
//!   (a full one, or partial over `<first column> IS NOT NULL` only; a
//!   primary key or unique constraint counts) at
//!   the end of the migration: joins on it, and every delete or key update
//!   of a referenced row, scan the whole referencing table. Inline
//!   `.references(..)` counts as a foreign key.
//! - An `Integer` (32-bit) or `SmallInt` primary key: it runs out at 2^31
//!   (2^15) rows, and widening it later rewrites the table and every foreign
//!   key pointing at it. Only a single-column key is flagged: the columns of
//!   a composite key are references to other tables, whose own keys are
//!   where the width is chosen. For the same reason a key that is itself a
//!   foreign key (at the end of the migration) to a key no wider than it is
//!   not flagged: a 1:1 extension table keyed by its parent's `Integer` id
//!   widens with that id, which was flagged where it was created.

use super::{Finding, MigrationCheck};
use crate::diagnostic::Rule;
use crate::model::{ColumnChange, ColumnType, Op};
use crate::schema::{foreign_key_name, ConstraintKind, Schema};

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

/// The narrow key an op declares: a table's single-column primary key, a
/// primary key added over one column, a primary key column added, or the
/// sole key column's new type.
fn declared_key<'o>(op: &'o Op, after: &Schema) -> Option<(&'o str, &'o str, ColumnType)> {
    let key = match op {
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
            match key[..] {
                [c] => (&**name, &*c.name, c.ty.clone()),
                _ => return None,
            }
        }
        Op::CreatePrimaryKey { table, columns, .. } => match &columns[..] {
            [column] => {
                let ty = after.tables.get(&**table)?.column(column)?.ty.clone();
                (&**table, &**column, ty)
            }
            _ => return None,
        },
        Op::AddColumn { table, column } if column.primary_key => {
            (&**table, &*column.name, column.ty.clone())
        }
        Op::AlterColumn {
            table,
            column,
            changes,
        } => {
            let is_sole_key = after
                .tables
                .get(&**table)
                .and_then(|t| t.primary_key())
                .is_some_and(|key| key.len() == 1 && key[0] == **column);
            let ty = changes.iter().rev().find_map(|change| match change {
                ColumnChange::SetType(ty) => Some(ty.clone()),
                _ => None,
            })?;
            if !is_sole_key {
                return None;
            }
            (&**table, &**column, ty)
        }
        _ => return None,
    };
    is_narrow(&key.2).then_some(key)
}

/// Whether `table.column` is, alone, a foreign key to a key no wider than
/// `ty` (a 1:1 extension table keyed by its parent's id): it can only widen
/// with the key it refers to, which is flagged where it was created.
fn refers_to_narrow_key(after: &Schema, table: &str, column: &str, ty: &ColumnType) -> bool {
    let bits = |ty: &ColumnType| match ty {
        ColumnType::SmallInt => 16,
        _ => 32,
    };
    let Some(t) = after.tables.get(table) else {
        return false;
    };
    t.constraints.values().any(|c| match &c.kind {
        ConstraintKind::ForeignKey {
            columns,
            ref_table,
            ref_columns,
            ..
        } => {
            columns.len() == 1
                && columns[0] == column
                && after
                    .tables
                    .get(ref_table)
                    .and_then(|r| r.column(ref_columns.first()?))
                    .is_some_and(|r| is_narrow(&r.ty) && bits(&r.ty) <= bits(ty))
        }
        _ => false,
    })
}

/// `int-primary-key`, with the foreign keys as they stand at the end of the
/// upgrade of one migration.
fn check_keys(cx: &MigrationCheck<'_>, out: &mut Vec<(usize, Finding)>) {
    for (i, step) in cx.steps.iter().enumerate() {
        if !step.applied {
            continue;
        }
        for op in step.effective_ops() {
            let Some((table, column, ty)) = declared_key(op, cx.after) else {
                continue;
            };
            if !refers_to_narrow_key(cx.after, table, column, &ty) {
                out.push((i, narrow_key(table, column, &ty)));
            }
        }
    }
}

/// Both hints, at the end of the upgrade of one migration.
pub(super) fn check_migration(cx: &MigrationCheck<'_>, out: &mut Vec<(usize, Finding)>) {
    check_keys(cx, out);
    check_foreign_keys(cx, out);
}

/// `foreign-key-without-index`.
fn check_foreign_keys(cx: &MigrationCheck<'_>, out: &mut Vec<(usize, Finding)>) {
    for (i, step) in cx.steps.iter().enumerate() {
        if !step.applied {
            continue;
        }
        let created: Vec<(String, String)> = step
            .effective_ops()
            .into_iter()
            .flat_map(|op| match op {
                Op::CreateForeignKey { name, table, .. } => {
                    vec![(table.to_string(), name.to_string())]
                }
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
            })
            .collect();
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
                        "foreign key `{name}` on `{table}({cols})` has no index that starts with `{cols}`: joins, and deletes from `{ref_table}`, scan all of `{table}`"
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
