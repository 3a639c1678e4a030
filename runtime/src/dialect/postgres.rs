//! PostgreSQL: transactional DDL, `CREATE INDEX CONCURRENTLY`, constraints
//! added `NOT VALID` and validated later (a validated `CHECK (col IS NOT
//! NULL)` also lets a later SET NOT NULL skip its scan).

use godwit_core::schema::{foreign_key_name, primary_key_name, unique_name};
use godwit_core::{ColumnChange, Op};

use super::{
    column_definition, constraint_definition, create_index, rendered_alike, sql, Context,
    RenderError, Statement,
};

pub(crate) fn render(cx: &Context<'_>) -> Result<Vec<Statement>, RenderError> {
    Ok(match cx.op {
        Op::AddColumn { table, column } => {
            let (t, state) = cx.column_after(table, &column.name)?;
            let mut out = vec![sql(format!(
                "ALTER TABLE {} ADD COLUMN {}",
                cx.q(table),
                column_definition(cx, table, t, state)
            ))];
            let cols = vec![column.name.to_string()];
            let mut names = Vec::new();
            if column.primary_key {
                names.push(primary_key_name(table));
            }
            if column.unique && !column.primary_key {
                names.push(unique_name(table, &cols));
            }
            if column.references.is_some() {
                names.push(foreign_key_name(table, &cols));
            }
            for n in names {
                if let Some(c) = t.constraints.get(&n) {
                    out.push(sql(format!(
                        "ALTER TABLE {} ADD {}",
                        cx.q(table),
                        constraint_definition(cx.dialect, &n, c)
                    )));
                }
            }
            out
        }
        Op::DropColumn { table, column } => vec![super::drop_column(cx, table, column, "")],
        Op::RenameColumn { table, from, to } => {
            vec![super::rename_column(cx, table, from, to, "")]
        }
        Op::AlterColumn {
            table,
            column,
            changes,
        } => {
            let mut out = Vec::new();
            for (i, change) in changes.iter().enumerate() {
                let alter = format!("ALTER TABLE {} ALTER COLUMN {}", cx.q(table), cx.q(column));
                match change {
                    ColumnChange::Nullable(true) => out.push(sql(format!("{alter} DROP NOT NULL"))),
                    ColumnChange::Nullable(false) => out.extend(set_not_null(cx, table, column)),
                    ColumnChange::SetDefault(v) => {
                        let (_, state) = cx.column_after(table, column)?;
                        out.push(sql(format!(
                            "{alter} SET DEFAULT {}",
                            cx.dialect.default_value(v, &state.ty)
                        )))
                    }
                    ColumnChange::DropDefault => out.push(sql(format!("{alter} DROP DEFAULT"))),
                    ColumnChange::SetType(ty) => {
                        let ty = cx.dialect.column_type(ty);
                        let using = match changes.get(i + 1) {
                            Some(ColumnChange::Using(expr)) => expr.to_string(),
                            _ => format!("{}::{ty}", cx.q(column)),
                        };
                        out.push(sql(format!("{alter} TYPE {ty} USING {using}")))
                    }
                    // Said with the `.set_type(..)` before it.
                    ColumnChange::Using(_) => {}
                }
            }
            out
        }
        Op::DeprecateColumn { table, column } => {
            if cx.was_nullable(table, column)? {
                Vec::new()
            } else {
                vec![sql(format!(
                    "ALTER TABLE {} ALTER COLUMN {} DROP NOT NULL",
                    cx.q(table),
                    cx.q(column)
                ))]
            }
        }
        Op::CreateIndex {
            name,
            table,
            concurrently,
            ..
        } => {
            let index = cx.index_after(table, name)?;
            vec![sql(create_index(
                cx.dialect,
                name,
                table,
                index,
                *concurrently,
            ))]
        }
        Op::DropIndex {
            name, concurrently, ..
        } => vec![sql(format!(
            "DROP INDEX {}{}",
            if *concurrently { "CONCURRENTLY " } else { "" },
            cx.q(name)
        ))],
        Op::CreateUniqueConstraint {
            name,
            table,
            using_index,
            ..
        }
        | Op::CreatePrimaryKey {
            name,
            table,
            using_index,
            ..
        } => vec![sql(add_key(cx, table, name, using_index.as_deref())?)],
        Op::CreateForeignKey {
            name,
            table,
            not_valid,
            ..
        } => vec![sql(format!(
            "{}{}",
            super::add_constraint(cx, table, name)?,
            if *not_valid { " NOT VALID" } else { "" }
        ))],
        Op::CreateCheckConstraint {
            name,
            table,
            expr,
            not_valid,
        } => vec![sql(format!(
            "ALTER TABLE {} ADD CONSTRAINT {} CHECK ({expr}){}",
            cx.q(table),
            cx.q(name),
            if *not_valid { " NOT VALID" } else { "" }
        ))],
        Op::ValidateConstraint { table, name } => vec![sql(format!(
            "ALTER TABLE {} VALIDATE CONSTRAINT {}",
            cx.q(table),
            cx.q(name)
        ))],
        Op::DropConstraint { table, name } => vec![sql(format!(
            "ALTER TABLE {} DROP CONSTRAINT {}",
            cx.q(table),
            cx.q(name)
        ))],
        rendered_alike!() => super::alike(cx)?,
    })
}

/// `ADD CONSTRAINT .. UNIQUE` or `.. PRIMARY KEY`: built over its columns,
/// or made of an existing unique index, which PostgreSQL renames to the
/// constraint's name (and, for a primary key, whose columns it makes NOT
/// NULL).
fn add_key(
    cx: &Context<'_>,
    table: &str,
    name: &str,
    using_index: Option<&str>,
) -> Result<String, RenderError> {
    let kind = match cx.op {
        Op::CreatePrimaryKey { .. } => "PRIMARY KEY",
        _ => "UNIQUE",
    };
    Ok(match using_index {
        Some(index) => format!(
            "ALTER TABLE {} ADD CONSTRAINT {} {kind} USING INDEX {}",
            cx.q(table),
            cx.q(name),
            cx.q(index)
        ),
        None => super::add_constraint(cx, table, name)?,
    })
}

/// SET NOT NULL. PostgreSQL scans the table for NULLs under an ACCESS
/// EXCLUSIVE lock, unless a validated `CHECK (col IS NOT NULL)` already
/// proves there are none (PostgreSQL 12+). The safe path the `set-not-null`
/// rule asks for adds that check `.not_valid()` in one migration and validates
/// it in a later one, each in its own transaction; this op then takes the
/// lock only for a moment. (Adding and validating the check here, inside the
/// same transaction, would scan under the same exclusive lock: no gain.)
fn set_not_null(cx: &Context<'_>, table: &str, column: &str) -> Vec<Statement> {
    let q = |s: &str| cx.q(s);
    vec![sql(format!(
        "ALTER TABLE {} ALTER COLUMN {} SET NOT NULL",
        q(table),
        q(column)
    ))]
}
