//! PostgreSQL: transactional DDL, `CREATE INDEX CONCURRENTLY`, constraints
//! added `NOT VALID` and validated later (a validated `CHECK (col IS NOT
//! NULL)` also lets a later SET NOT NULL skip its scan).

use godwit_core::schema::{foreign_key_name, primary_key_name, unique_name};
use godwit_core::{ColumnChange, Op};

use super::{
    column_definition, constraint_definition, create_index, create_table, on_delete, sql, Context,
    RenderError, Statement,
};

pub(crate) fn render(cx: &Context<'_>) -> Result<Vec<Statement>, RenderError> {
    let d = cx.dialect;
    let q = |s: &str| cx.q(s);
    Ok(match cx.op {
        Op::CreateTable { name, .. } => vec![sql(create_table(d, name, cx.table_after(name)?))],
        Op::DropTable { name } => vec![sql(format!("DROP TABLE {}", q(name)))],
        Op::DeprecateTable { .. } => Vec::new(),
        Op::RenameTable { from, to } => {
            vec![sql(format!("ALTER TABLE {} RENAME TO {}", q(from), q(to)))]
        }
        Op::AddColumn { table, column } => {
            let t = cx.table_after(table)?;
            let state = t
                .column(&column.name)
                .ok_or_else(|| cx.unsupported("the column is missing from the model"))?;
            let mut out = vec![sql(format!(
                "ALTER TABLE {} ADD COLUMN {}",
                q(table),
                column_definition(d, table, t, state)
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
                        q(table),
                        constraint_definition(d, &n, c)
                    )));
                }
            }
            out
        }
        Op::DropColumn { table, column } => {
            vec![sql(format!(
                "ALTER TABLE {} DROP COLUMN {}",
                q(table),
                q(column)
            ))]
        }
        Op::RenameColumn { table, from, to } => vec![sql(format!(
            "ALTER TABLE {} RENAME COLUMN {} TO {}",
            q(table),
            q(from),
            q(to)
        ))],
        Op::AlterColumn {
            table,
            column,
            changes,
        } => {
            let mut out = Vec::new();
            for change in changes.iter() {
                let alter = format!("ALTER TABLE {} ALTER COLUMN {}", q(table), q(column));
                match change {
                    ColumnChange::Nullable(true) => out.push(sql(format!("{alter} DROP NOT NULL"))),
                    ColumnChange::Nullable(false) => out.extend(set_not_null(cx, table, column)),
                    ColumnChange::SetDefault(v) => {
                        let ty = cx
                            .table_after(table)?
                            .column(column)
                            .map(|c| c.ty)
                            .ok_or_else(|| {
                                cx.unsupported("the column is missing from the model")
                            })?;
                        out.push(sql(format!(
                            "{alter} SET DEFAULT {}",
                            d.default_value(v, ty)
                        )))
                    }
                    ColumnChange::DropDefault => out.push(sql(format!("{alter} DROP DEFAULT"))),
                    ColumnChange::SetType(ty) => {
                        let ty = d.column_type(*ty);
                        out.push(sql(format!("{alter} TYPE {ty} USING {}::{ty}", q(column))))
                    }
                }
            }
            out
        }
        Op::DeprecateColumn { table, column } => {
            let was_nullable = cx
                .table_before(table)?
                .column(column)
                .is_some_and(|c| c.nullable);
            if was_nullable {
                Vec::new()
            } else {
                vec![sql(format!(
                    "ALTER TABLE {} ALTER COLUMN {} DROP NOT NULL",
                    q(table),
                    q(column)
                ))]
            }
        }
        Op::CreateIndex {
            name,
            table,
            concurrently,
            ..
        } => {
            let index = cx
                .table_after(table)?
                .indexes
                .get(&**name)
                .ok_or_else(|| cx.unsupported("the index is missing from the model"))?;
            vec![sql(create_index(d, name, table, index, *concurrently))]
        }
        Op::DropIndex {
            name, concurrently, ..
        } => vec![sql(format!(
            "DROP INDEX {}{}",
            if *concurrently { "CONCURRENTLY " } else { "" },
            q(name)
        ))],
        Op::CreateForeignKey {
            name,
            table,
            columns,
            ref_table,
            ref_columns,
            on_delete: action,
            not_valid,
        } => vec![sql(format!(
            "ALTER TABLE {} ADD CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({}){}{}",
            q(table),
            q(name),
            d.quote_list(columns),
            q(ref_table),
            d.quote_list(ref_columns),
            on_delete(*action),
            if *not_valid { " NOT VALID" } else { "" }
        ))],
        Op::CreateCheckConstraint {
            name,
            table,
            expr,
            not_valid,
        } => vec![sql(format!(
            "ALTER TABLE {} ADD CONSTRAINT {} CHECK ({expr}){}",
            q(table),
            q(name),
            if *not_valid { " NOT VALID" } else { "" }
        ))],
        Op::ValidateConstraint { table, name } => vec![sql(format!(
            "ALTER TABLE {} VALIDATE CONSTRAINT {}",
            q(table),
            q(name)
        ))],
        Op::DropConstraint { table, name } => vec![sql(format!(
            "ALTER TABLE {} DROP CONSTRAINT {}",
            q(table),
            q(name)
        ))],
        Op::Execute { sql: s } => vec![sql(s.trim().trim_end_matches(';').to_string())],
        Op::Backfill {
            table,
            set,
            predicate,
            batch_size,
        } => vec![cx.backfill(table, set, predicate.as_deref(), *batch_size)?],
        Op::SafetyAssured { .. } => unreachable_nested(cx)?,
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

/// `Dialect::render` flattens `safety_assured` before calling a dialect.
pub(crate) fn unreachable_nested(cx: &Context<'_>) -> Result<Vec<Statement>, RenderError> {
    Err(cx.unsupported("safety_assured is rendered op by op"))
}
