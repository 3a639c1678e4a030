//! SQLite: ALTER TABLE can only rename a table or a column, add a plain
//! column and drop an unconstrained one. Everything else (changing a type,
//! nullability or default, adding or dropping a constraint, dropping a column
//! an index or constraint uses) is the table rebuild of
//! <https://www.sqlite.org/lang_altertable.html#otheralter>: create the new
//! table, copy the rows, drop the old one, rename, recreate the indexes, check
//! the foreign keys. The runner turns `foreign_keys` off around the
//! migration's transaction (it cannot be changed inside one), which is step 1
//! and 12 of that procedure; the rest is rendered here.

use godwit_core::{Column, DefaultValue, Op};

use super::{
    column_definition, create_index, create_table, rendered_alike, sql, Context, RenderError,
    Statement,
};

pub(crate) fn render(cx: &Context<'_>) -> Result<Vec<Statement>, RenderError> {
    Ok(match cx.op {
        Op::AddColumn { table, column } => {
            if can_add_natively(column) {
                let (t, state) = cx.column_after(table, &column.name)?;
                vec![sql(format!(
                    "ALTER TABLE {} ADD COLUMN {}",
                    cx.q(table),
                    column_definition(cx, table, t, state)
                ))]
            } else {
                rebuild(cx, table)?
            }
        }
        Op::DropColumn { table, column } => {
            let t = cx.table_before(table)?;
            let used = t.indexes.values().any(|i| i.uses_column(column))
                || !t.constraints.is_empty()
                && t.constraints.values().any(|c| {
                    c.kind.columns().iter().any(|c| c == &**column)
                        || matches!(&c.kind, godwit_core::schema::ConstraintKind::Check { expr } if expr.contains(&**column))
                });
            if used {
                rebuild(cx, table)?
            } else {
                vec![super::drop_column(cx, table, column, "")]
            }
        }
        Op::RenameColumn { table, from, to } => {
            vec![super::rename_column(cx, table, from, to, "")]
        }
        Op::AlterColumn { table, .. }
        | Op::CreateUniqueConstraint { table, .. }
        | Op::CreatePrimaryKey { table, .. }
        | Op::CreateForeignKey { table, .. }
        | Op::CreateCheckConstraint { table, .. }
        | Op::DropConstraint { table, .. } => rebuild(cx, table)?,
        Op::DeprecateColumn { table, column } => {
            if cx.was_nullable(table, column)? {
                Vec::new()
            } else {
                rebuild(cx, table)?
            }
        }
        Op::CreateIndex { name, table, .. } => {
            let index = cx.index_after(table, name)?;
            // SQLite has no concurrent build: the index is built in the transaction.
            vec![sql(create_index(cx.dialect, name, table, index, false))]
        }
        Op::DropIndex { name, .. } => vec![sql(format!("DROP INDEX {}", cx.q(name)))],
        Op::ValidateConstraint { table, name } => {
            // Every constraint is checked when the table is rebuilt; this
            // checks the foreign keys again in case rows changed since.
            let t = cx.table_before(table)?;
            match t.constraints.get(&**name).map(|c| &c.kind) {
                Some(godwit_core::schema::ConstraintKind::ForeignKey { .. }) => {
                    vec![fk_check(cx, Some(table))]
                }
                Some(godwit_core::schema::ConstraintKind::Check { expr }) => {
                    vec![Statement::ExpectEmpty {
                        sql: format!("SELECT 1 FROM {} WHERE NOT ({expr}) LIMIT 1", cx.q(table)),
                        violation: format!("a row of `{table}` violates check constraint `{name}`"),
                    }]
                }
                _ => Vec::new(),
            }
        }
        rendered_alike!() => super::alike(cx)?,
    })
}

/// What `ALTER TABLE .. ADD COLUMN` accepts: no key, no unique, no foreign
/// key (kept in the rebuilt table's definition instead), a constant default,
/// NOT NULL only with a default, and no stored generated column.
fn can_add_natively(c: &Column) -> bool {
    !c.primary_key
        && !c.unique
        && !c.autoincrement
        && (c.generated.is_none() || !c.stored)
        && c.references.is_none()
        && !matches!(c.default, Some(DefaultValue::Now | DefaultValue::Sql(_)))
        && (c.nullable || c.default.is_some())
}

fn fk_check(cx: &Context<'_>, table: Option<&str>) -> Statement {
    let (sql, what) = match table {
        Some(t) => (
            format!("PRAGMA foreign_key_check({})", cx.q(t)),
            format!("a row of `{t}` references a missing row"),
        ),
        None => (
            "PRAGMA foreign_key_check".to_string(),
            "the rebuilt table breaks a foreign key: a row references a missing row".to_string(),
        ),
    };
    Statement::ExpectEmpty {
        sql,
        violation: what,
    }
}

/// Steps 4 to 10 of the rebuild of `table` into the shape the model has after
/// the op (steps 1–3 and 11–12 are the runner's transaction and pragmas).
pub(crate) fn rebuild(cx: &Context<'_>, table: &str) -> Result<Vec<Statement>, RenderError> {
    let d = cx.dialect;
    let q = |s: &str| cx.q(s);
    let before = cx.table_before(table)?;
    let after = cx.table_after(table)?;
    let temp = format!("_godwit_new_{table}");
    let create = create_table(cx, &temp, after);
    // A generated column computes its value again; a column retyped
    // `.using(expr)` takes the expression's.
    let copied: Vec<&str> = after
        .columns
        .iter()
        .filter(|c| c.generated.is_none())
        .filter(|c| {
            before
                .column(&c.name)
                .is_some_and(|b| b.generated.is_none())
        })
        .map(|c| c.name.as_str())
        .collect();
    let values: Vec<String> = copied
        .iter()
        .map(|c| match using(cx.op, table, c) {
            Some(expr) => format!("({expr})"),
            None => q(c),
        })
        .collect();
    let mut out = vec![
        sql(create),
        sql(format!(
            "INSERT INTO {} ({}) SELECT {} FROM {}",
            q(&temp),
            d.quote_list(&copied),
            values.join(", "),
            q(table)
        )),
    ];
    // SQLite checks every view when a table is renamed, and a view reading
    // the dropped table fails that check ("error in view"): the views are
    // dropped first and created again once the table is back under its name
    // (every one, since what a view reads may be unknown or indirect).
    // So are the triggers of the other tables, which the rename checks
    // too; the table's own go with it.
    let views = &cx.before.views;
    out.extend(views.keys().map(|v| sql(format!("DROP VIEW {}", q(v)))));
    let others: Vec<(&String, &String, &godwit_core::schema::Trigger)> = cx
        .before
        .tables
        .iter()
        .filter(|(t, _)| *t != table)
        .flat_map(|(t, tb)| tb.triggers.iter().map(move |(n, tr)| (t, n, tr)))
        .collect();
    out.extend(
        others
            .iter()
            .map(|(_, n, _)| sql(format!("DROP TRIGGER {}", q(n)))),
    );
    out.push(sql(format!("DROP TABLE {}", q(table))));
    out.push(sql(format!(
        "ALTER TABLE {} RENAME TO {}",
        q(&temp),
        q(table)
    )));
    for (name, index) in &after.indexes {
        out.push(sql(create_index(d, name, table, index, false)));
    }
    // Its triggers went with the old table.
    for (name, t) in &after.triggers {
        out.push(super::objects::create_trigger(
            cx, name, table, &t.timing, &t.body,
        ));
    }
    for (t, n, tr) in others {
        out.push(super::objects::create_trigger(
            cx, n, t, &tr.timing, &tr.body,
        ));
    }
    out.extend(
        views
            .iter()
            .map(|(name, v)| super::objects::create_view(cx, name, &v.query)),
    );
    out.push(fk_check(cx, None));
    Ok(out)
}

/// The `.using(expr)` of the last type change of `column` in `op`, if it has one.
fn using<'o>(op: &'o Op, table: &str, column: &str) -> Option<&'o str> {
    let Op::AlterColumn {
        table: t,
        column: c,
        changes,
    } = op
    else {
        return None;
    };
    if **t != *table || **c != *column {
        return None;
    }
    let mut using = None;
    for change in changes.iter() {
        match change {
            godwit_core::ColumnChange::SetType(_) => using = None,
            godwit_core::ColumnChange::Using(expr) => using = Some(&**expr),
            _ => {}
        }
    }
    using
}
