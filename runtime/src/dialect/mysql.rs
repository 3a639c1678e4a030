//! MySQL and MariaDB: DDL is not transactional (the runner records progress
//! per op), so each statement asks for the cheapest algorithm the server
//! supports for it: `ALGORITHM=INSTANT` for metadata-only changes,
//! `ALGORITHM=INPLACE, LOCK=NONE` for index builds and nullability changes,
//! the server's own choice where it depends on its version (DROP COLUMN)
//! (writes continue), and no clause where only a table copy can do it (a
//! type change, a validated foreign key), so the server picks.

use godwit_core::schema::{foreign_key_name, unique_name, ConstraintKind, Table};
use godwit_core::{ColumnChange, DefaultValue, Op};

use super::{column_definition, rendered_alike, sql, Context, RenderError, Statement};

const INSTANT: &str = ", ALGORITHM=INSTANT";
const INPLACE: &str = ", ALGORITHM=INPLACE, LOCK=NONE";

pub(crate) fn render(cx: &Context<'_>) -> Result<Vec<Statement>, RenderError> {
    Ok(match cx.op {
        Op::AddColumn { table, column } => {
            let (t, state) = cx.column_after(table, &column.name)?;
            let plain = !column.primary_key
                && !column.unique
                && column.references.is_none()
                && !column.autoincrement
                && column.generated.is_none()
                && !matches!(
                    column.default,
                    Some(DefaultValue::Now | DefaultValue::Sql(_))
                )
                // A default written as an expression (in parentheses, as on
                // TEXT, BLOB and JSON) is one MySQL cannot add INSTANT.
                && !column
                    .default
                    .as_ref()
                    .is_some_and(|d| cx.dialect.default_value(d, &column.ty).starts_with('('));
            let mut out = vec![sql(format!(
                "ALTER TABLE {} ADD COLUMN {}{}",
                cx.q(table),
                column_definition(cx, table, t, state),
                if plain { INSTANT } else { "" }
            ))];
            let cols = vec![column.name.to_string()];
            if column.primary_key {
                out.push(sql(format!(
                    "ALTER TABLE {} ADD PRIMARY KEY ({})",
                    cx.q(table),
                    cx.q(&column.name)
                )));
            }
            if column.unique && !column.primary_key {
                out.push(sql(format!(
                    "ALTER TABLE {} ADD CONSTRAINT {} UNIQUE ({}){INPLACE}",
                    cx.q(table),
                    cx.q(&unique_name(table, &cols)),
                    cx.q(&column.name)
                )));
            }
            if column.references.is_some() {
                let name = foreign_key_name(table, &cols);
                out.push(sql(super::add_constraint(cx, table, &name)?));
            }
            out
        }
        Op::DropColumn { table, column } => {
            let t = cx.table_before(table)?;
            let mut out = drop_dependents(cx, table, t, column);
            // No ALGORITHM: the server drops it INSTANT where it can (MySQL
            // 8.0.29, MariaDB 10.4) and in place otherwise, writes going on
            // either way; asking for INSTANT would fail on older servers.
            out.push(super::drop_column(cx, table, column, ""));
            out
        }
        Op::RenameColumn { table, from, to } => {
            vec![super::rename_column(cx, table, from, to, INPLACE)]
        }
        Op::AlterColumn {
            table,
            column,
            changes,
        } => {
            let (t, state) = cx.column_after(table, column)?;
            let retype = changes
                .iter()
                .any(|c| matches!(c, ColumnChange::SetType(_)));
            let renull = changes
                .iter()
                .any(|c| matches!(c, ColumnChange::Nullable(_)));
            if retype || renull {
                // MODIFY restates the whole column as it ends up.
                vec![sql(format!(
                    "ALTER TABLE {} MODIFY COLUMN {}{}",
                    cx.q(table),
                    column_definition(cx, table, t, state),
                    if retype { "" } else { INPLACE }
                ))]
            } else {
                let alter = format!("ALTER TABLE {} ALTER COLUMN {}", cx.q(table), cx.q(column));
                changes
                    .iter()
                    .map(|change| match change {
                        ColumnChange::SetDefault(v) => sql(format!(
                            "{alter} SET DEFAULT {}{INSTANT}",
                            cx.dialect.default_value(v, &state.ty)
                        )),
                        _ => sql(format!("{alter} DROP DEFAULT{INSTANT}")),
                    })
                    .collect()
            }
        }
        Op::DeprecateColumn { table, column } => {
            let was_nullable = cx
                .table_before(table)?
                .column(column)
                .is_some_and(|c| c.nullable);
            let t = cx.table_after(table)?;
            match t.column(column) {
                Some(state) if !was_nullable => vec![sql(format!(
                    "ALTER TABLE {} MODIFY COLUMN {}{INPLACE}",
                    cx.q(table),
                    column_definition(cx, table, t, state)
                ))],
                _ => Vec::new(),
            }
        }
        Op::CreateIndex { name, table, .. } => {
            let index = cx.index_after(table, name)?;
            vec![sql(format!(
                "ALTER TABLE {} {}{}{INPLACE}",
                cx.q(table),
                super::index::add_index(cx.dialect, name, index),
                foreign_key_indexes_replaced(cx, table)?
            ))]
        }
        Op::DropIndex { name, table, .. } => {
            // InnoDB refuses to drop the only index a foreign key can use:
            // replace it, in the same statement, by one named after the
            // constraint (as the server names the index it makes itself).
            vec![sql(format!(
                "ALTER TABLE {} DROP INDEX {}{}{INPLACE}",
                cx.q(table),
                cx.q(name),
                foreign_key_indexes_kept(cx, table)?
            ))]
        }
        Op::CreateUniqueConstraint {
            name,
            table,
            using_index,
            ..
        } => match using_index {
            // A unique constraint is a unique index to MySQL: the index
            // becomes the constraint by taking its name.
            Some(index) if index == name => Vec::new(),
            Some(index) => vec![sql(format!(
                "ALTER TABLE {} RENAME INDEX {} TO {}{INPLACE}",
                cx.q(table),
                cx.q(index),
                cx.q(name)
            ))],
            None => vec![sql(format!(
                "{}{}{INPLACE}",
                super::add_constraint(cx, table, name)?,
                foreign_key_indexes_replaced(cx, table)?
            ))],
        },
        Op::CreatePrimaryKey {
            table,
            columns,
            using_index,
            ..
        } => {
            // MySQL names every primary key PRIMARY, and builds its own: the
            // unique index it replaces goes in the same statement.
            let mut alter = format!("ALTER TABLE {} ", cx.q(table));
            if let Some(index) = using_index {
                alter.push_str(&format!("DROP INDEX {}, ", cx.q(index)));
            }
            let columns = cx.dialect.quote_list(columns);
            vec![sql(format!("{alter}ADD PRIMARY KEY ({columns})"))]
        }
        Op::CreateForeignKey {
            name,
            table,
            not_valid,
            ..
        } => {
            let add = super::add_constraint(cx, table, name)?;
            if *not_valid {
                // MySQL's NOT VALID: with the checks off the existing rows are
                // not scanned, and the constraint can be added in place.
                vec![
                    sql("SET foreign_key_checks = 0"),
                    sql(format!("{add}{INPLACE}")),
                    sql("SET foreign_key_checks = 1"),
                ]
            } else {
                vec![sql(add)]
            }
        }
        Op::CreateCheckConstraint {
            name, table, expr, ..
        } => vec![sql(format!(
            "ALTER TABLE {} ADD CONSTRAINT {} CHECK ({expr})",
            cx.q(table),
            cx.q(name)
        ))],
        Op::ValidateConstraint { table, name } => {
            let c = cx.constraint_before(table, name)?;
            match &c.kind {
                ConstraintKind::ForeignKey {
                    columns,
                    ref_table,
                    ref_columns,
                    ..
                } => {
                    let present = columns
                        .iter()
                        .map(|c| format!("c.{} IS NOT NULL", cx.q(c)))
                        .collect::<Vec<_>>()
                        .join(" AND ");
                    let join = columns
                        .iter()
                        .zip(ref_columns)
                        .map(|(c, r)| format!("p.{} = c.{}", cx.q(r), cx.q(c)))
                        .collect::<Vec<_>>()
                        .join(" AND ");
                    vec![Statement::ExpectEmpty {
                        sql: format!(
                            "SELECT 1 FROM {} c WHERE {present} AND NOT EXISTS (SELECT 1 FROM {} p WHERE {join}) LIMIT 1",
                            cx.q(table),
                            cx.q(ref_table)
                        ),
                        violation: format!(
                            "a row of `{table}` references a missing row of `{ref_table}`, so constraint `{name}` does not hold"
                        ),
                    }]
                }
                ConstraintKind::Check { expr } => vec![Statement::ExpectEmpty {
                    sql: format!("SELECT 1 FROM {} WHERE NOT ({expr}) LIMIT 1", cx.q(table)),
                    violation: format!("a row of `{table}` violates check constraint `{name}`"),
                }],
                _ => Vec::new(),
            }
        }
        Op::DropConstraint { table, name } => {
            let (t, c) = (cx.table_before(table)?, cx.constraint_before(table, name)?);
            drop_constraint(cx, table, t, name, &c.kind)
        }
        rendered_alike!() => super::alike(cx)?,
    })
}

/// Dropping one constraint, by kind: MySQL spells each differently.
fn drop_constraint(
    cx: &Context<'_>,
    table: &str,
    t: &Table,
    name: &str,
    kind: &ConstraintKind,
) -> Vec<Statement> {
    let q = |s: &str| cx.q(s);
    match kind {
        ConstraintKind::PrimaryKey { .. } => {
            vec![sql(format!("ALTER TABLE {} DROP PRIMARY KEY", q(table)))]
        }
        // A unique key is an index a foreign key may be using, as for
        // drop_index.
        ConstraintKind::Unique { .. } => vec![sql(format!(
            "ALTER TABLE {} DROP INDEX {}{}{INPLACE}",
            q(table),
            q(name),
            foreign_key_indexes_kept(cx, table).unwrap_or_default()
        ))],
        ConstraintKind::ForeignKey { columns, .. } => {
            let mut out = vec![sql(format!(
                "ALTER TABLE {} DROP FOREIGN KEY {}",
                q(table),
                q(name)
            ))];
            // With no index leading with its columns, the server created one
            // under the constraint's name; it stays behind unless dropped.
            if !t.has_index_leading_with(columns) {
                out.push(sql(format!(
                    "ALTER TABLE {} DROP INDEX {}{INPLACE}",
                    q(table),
                    q(name)
                )));
            }
            out
        }
        ConstraintKind::Check { .. } => vec![sql(format!(
            "ALTER TABLE {} DROP CONSTRAINT {}",
            q(table),
            q(name)
        ))],
    }
}

/// Before a column is dropped: the foreign keys, indexes and unique
/// constraints over it (MySQL would keep a multi-column index without the
/// column, and refuses to drop a column a foreign key uses).
/// `, DROP INDEX <fk>` for each foreign key of `table` that the op gives
/// its first index leading with its columns: the index named after the
/// constraint, which the server made (or `drop_index` put in, to keep one),
/// is not needed any more. The server drops the one it made by itself, but
/// not one put in, which would then stay behind the model's back and
/// collide with the next one `drop_index` puts in.
fn foreign_key_indexes_replaced(cx: &Context<'_>, table: &str) -> Result<String, RenderError> {
    let before = cx.table_before(table)?;
    let after = cx.table_after(table)?;
    let mut out = String::new();
    for (fk, c) in &before.constraints {
        if let ConstraintKind::ForeignKey { columns, .. } = &c.kind {
            if !before.has_index_leading_with(columns) && after.has_index_leading_with(columns) {
                out.push_str(&format!(", DROP INDEX {}", cx.q(fk)));
            }
        }
    }
    Ok(out)
}

/// `, ADD INDEX <fk> (<columns>)` for each foreign key of `table` left by
/// the op without an index leading with its columns: InnoDB refuses to drop
/// the last one a key can use, and this one, named after the constraint as
/// the server names its own, takes over in the same statement.
fn foreign_key_indexes_kept(cx: &Context<'_>, table: &str) -> Result<String, RenderError> {
    let before = cx.table_before(table)?;
    let after = cx.table_after(table)?;
    let mut out = String::new();
    for (fk, c) in &after.constraints {
        if let ConstraintKind::ForeignKey { columns, .. } = &c.kind {
            if before.has_index_leading_with(columns) && !after.has_index_leading_with(columns) {
                out.push_str(&format!(
                    ", ADD INDEX {} ({})",
                    cx.q(fk),
                    cx.dialect.quote_list(columns)
                ));
            }
        }
    }
    Ok(out)
}

fn drop_dependents(cx: &Context<'_>, table: &str, t: &Table, column: &str) -> Vec<Statement> {
    let q = |s: &str| cx.q(s);
    let mut out = Vec::new();
    let uses = |cols: &[String]| cols.iter().any(|c| c == column);
    for (name, c) in &t.constraints {
        // With the index the server made for it, if it has one: that index
        // would make the column's drop more than INSTANT.
        if matches!(c.kind, ConstraintKind::ForeignKey { .. }) && uses(c.kind.columns()) {
            out.extend(drop_constraint(cx, table, t, name, &c.kind));
        }
    }
    for (name, i) in &t.indexes {
        if i.uses_column(column) {
            out.push(sql(format!(
                "ALTER TABLE {} DROP INDEX {}{INPLACE}",
                q(table),
                q(name)
            )));
        }
    }
    for (name, c) in &t.constraints {
        // A check constraint naming the column too: MySQL refuses the drop otherwise.
        if !matches!(c.kind, ConstraintKind::ForeignKey { .. }) && c.kind.uses_column(column) {
            out.extend(drop_constraint(cx, table, t, name, &c.kind));
        }
    }
    out
}
