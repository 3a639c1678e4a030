//! PostgreSQL: transactional DDL, `CREATE INDEX CONCURRENTLY`, constraints
//! added `NOT VALID` and validated later, SET NOT NULL through a validated
//! check constraint so that it does not scan the table under an exclusive lock.

use godwit_core::schema::{foreign_key_name, primary_key_name, unique_name, ConstraintKind};
use godwit_core::{ColumnChange, Op};

use super::{
    canonical_sql, column_definition, constraint_definition, create_index, create_table, on_delete,
    sql, Context, RenderError, Statement,
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

/// SET NOT NULL without a long exclusive lock: a `CHECK (col IS NOT NULL)`
/// added NOT VALID, validated (which only blocks schema changes), then SET NOT
/// NULL (which uses the validated check instead of scanning), then the check
/// is dropped.
fn set_not_null(cx: &Context<'_>, table: &str, column: &str) -> Vec<Statement> {
    let q = |s: &str| cx.q(s);
    let set = sql(format!(
        "ALTER TABLE {} ALTER COLUMN {} SET NOT NULL",
        q(table),
        q(column)
    ));
    // An earlier migration may have added and validated the check already.
    let wanted = canonical_sql(&format!("{column} IS NOT NULL"));
    let validated = cx.before.table(table).is_ok_and(|t| {
        t.constraints.values().any(|c| {
            c.valid
                && matches!(&c.kind, ConstraintKind::Check { expr } if canonical_sql(expr) == wanted)
        })
    });
    if validated {
        return vec![set];
    }
    let check = truncate_identifier(&format!("{table}_{column}_not_null"));
    vec![
        sql(format!(
            "ALTER TABLE {} ADD CONSTRAINT {} CHECK ({} IS NOT NULL) NOT VALID",
            q(table),
            q(&check),
            q(column)
        )),
        sql(format!(
            "ALTER TABLE {} VALIDATE CONSTRAINT {}",
            q(table),
            q(&check)
        )),
        set,
        sql(format!(
            "ALTER TABLE {} DROP CONSTRAINT {}",
            q(table),
            q(&check)
        )),
    ]
}

/// PostgreSQL truncates identifiers to 63 bytes; do it first, on a character
/// boundary, so the name used later is the name created.
fn truncate_identifier(name: &str) -> String {
    let mut end = name.len().min(63);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    name[..end].to_string()
}

/// `Dialect::render` flattens `safety_assured` before calling a dialect.
pub(crate) fn unreachable_nested(cx: &Context<'_>) -> Result<Vec<Statement>, RenderError> {
    Err(cx.unsupported("safety_assured is rendered op by op"))
}
