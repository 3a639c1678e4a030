//! Enum types, generated columns and serial columns, per backend (the enum
//! ops of every dialect are rendered here: `alike` sends them).
//!
//! - PostgreSQL has named enum types (`CREATE TYPE .. AS ENUM`), adds and
//!   renames their values in place, and cannot drop one: the type is
//!   recreated and every column of it converted. MySQL and MariaDB have no
//!   named types: a column spells its values (`ENUM('a','b')`), so the enum
//!   ops restate every column of the type. SQLite keeps an enum as `TEXT`
//!   without a check of its values: only the rows follow a rename.
//! - A generated column is `GENERATED ALWAYS AS (expr) VIRTUAL | STORED`;
//!   PostgreSQL before 18 has only STORED, and MariaDB takes no NULL or NOT
//!   NULL on one.
//! - `.serial()` is `SERIAL`, `BIGSERIAL` or `SMALLSERIAL` on PostgreSQL,
//!   and AUTO_INCREMENT / AUTOINCREMENT elsewhere.

use godwit_core::schema::{ColumnState, Schema};
use godwit_core::{ColumnType, Generated, Op};

use super::{column_definition, sql, Context, Dialect, RenderError, Statement};

/// The SQL type of a column of `ty`, its enum types spelled from `schema`
/// (on MySQL, the values themselves).
pub(crate) fn column_type(dialect: Dialect, schema: &Schema, ty: &ColumnType) -> String {
    match (dialect, ty) {
        (Dialect::Mysql, ColumnType::Enum(name)) => match schema.enums.get(&**name) {
            Some(values) => mysql_enum(values),
            None => dialect.column_type(ty),
        },
        _ => dialect.column_type(ty),
    }
}

/// MySQL's `ENUM('a', 'b')`.
pub(crate) fn mysql_enum(values: &[String]) -> String {
    let values: Vec<String> = values
        .iter()
        .map(|v| Dialect::Mysql.string_literal(v))
        .collect();
    format!("ENUM({})", values.join(", "))
}

/// PostgreSQL's serial type of the width of `ty`.
pub(crate) fn serial_type(ty: &ColumnType) -> String {
    match ty {
        ColumnType::SmallInt => "SMALLSERIAL",
        ColumnType::Integer => "SERIAL",
        _ => "BIGSERIAL",
    }
    .into()
}

/// ` GENERATED ALWAYS AS (expr) STORED`, or `VIRTUAL`.
pub(crate) fn generated_clause(dialect: Dialect, g: &Generated) -> String {
    let kind = match (dialect, g.stored) {
        (_, true) | (Dialect::Postgres, false) => "STORED",
        (_, false) => "VIRTUAL",
    };
    format!(" GENERATED ALWAYS AS ({}) {kind}", g.expr)
}

/// The statements of an enum op (see the module's documentation).
pub(crate) fn render_enum(cx: &Context<'_>) -> Result<Vec<Statement>, RenderError> {
    let q = |s: &str| cx.q(s);
    let lit = |s: &str| cx.dialect.string_literal(s);
    let name = match cx.op {
        Op::CreateEnum { name, .. }
        | Op::AddEnumValue { name, .. }
        | Op::RenameEnumValue { name, .. }
        | Op::DropEnumValue { name, .. }
        | Op::DropEnum { name } => name,
        _ => return Err(cx.unsupported("not an enum op")),
    };
    let mut out = Vec::new();
    if let Op::DropEnumValue { value, .. } = cx.op {
        // Every backend would lose or refuse the rows holding it: say which.
        out.extend(holding(cx, name, value));
    }
    match (cx.dialect, cx.op) {
        (Dialect::Postgres, Op::CreateEnum { .. }) => out.push(create_type(cx, name, name)?),
        (
            Dialect::Postgres,
            Op::AddEnumValue {
                value,
                before,
                after,
                ..
            },
        ) => {
            let place = match (before, after) {
                (Some(label), _) => format!(" BEFORE {}", lit(label)),
                (None, Some(label)) => format!(" AFTER {}", lit(label)),
                (None, None) => String::new(),
            };
            out.push(sql(format!(
                "ALTER TYPE {} ADD VALUE {}{place}",
                q(name),
                lit(value)
            )));
        }
        (Dialect::Postgres, Op::RenameEnumValue { from, to, .. }) => out.push(sql(format!(
            "ALTER TYPE {} RENAME VALUE {} TO {}",
            q(name),
            lit(from),
            lit(to)
        ))),
        (Dialect::Postgres, Op::DropEnumValue { .. }) => out.extend(recreate_type(cx, name)?),
        (Dialect::Postgres, Op::DropEnum { .. }) => out.push(sql(format!("DROP TYPE {}", q(name)))),
        (Dialect::Mysql, Op::AddEnumValue { .. } | Op::DropEnumValue { .. }) => {
            out.extend(modify_columns(cx, cx.after, name))
        }
        (Dialect::Mysql, Op::RenameEnumValue { from, to, .. }) => {
            // Both labels for a moment, so that no row is left without one.
            let mut both = cx.after.clone();
            if let Some(values) = both.enums.get_mut(&**name) {
                let at = values.iter().position(|v| v == &**to).unwrap_or(0);
                values.insert(at, from.to_string());
            }
            out.extend(modify_columns(cx, &both, name));
            out.extend(update_rows(cx, name, from, to));
            out.extend(modify_columns(cx, cx.after, name));
        }
        (Dialect::Sqlite, Op::RenameEnumValue { from, to, .. }) => {
            out.extend(update_rows(cx, name, from, to));
            // A default holding the old value follows it (as on
            // PostgreSQL): only a rebuild changes a default.
            for (table, after) in &cx.after.tables {
                let before = cx.table_before(table)?;
                let changed = after.columns.iter().any(|c| {
                    before
                        .column(&c.name)
                        .is_some_and(|b| b.default != c.default)
                });
                if changed {
                    out.extend(super::sqlite::rebuild(cx, table)?);
                }
            }
        }
        // MySQL spells the values in each column, SQLite keeps text: the
        // type itself is nothing to create or drop there.
        _ => {}
    }
    Ok(out)
}

/// `CREATE TYPE "as" AS ENUM (..)` with the values `name` has after the op.
fn create_type(cx: &Context<'_>, as_name: &str, name: &str) -> Result<Statement, RenderError> {
    let values = cx.in_model(cx.after.enums.get(name), "enum type")?;
    let values: Vec<String> = values
        .iter()
        .map(|v| cx.dialect.string_literal(v))
        .collect();
    Ok(sql(format!(
        "CREATE TYPE {} AS ENUM ({})",
        cx.q(as_name),
        values.join(", ")
    )))
}

/// A query per column of the enum `name` that must find no row holding `value`.
fn holding(cx: &Context<'_>, name: &str, value: &str) -> Vec<Statement> {
    let lit = cx.dialect.string_literal(value);
    cx.before
        .enum_columns(name)
        .map(|(table, c)| {
            let test = match c.ty {
                ColumnType::Array(_) => format!("{lit} = ANY({})", cx.q(&c.name)),
                _ => format!("{} = {lit}", cx.q(&c.name)),
            };
            Statement::ExpectEmpty {
                sql: format!("SELECT 1 FROM {} WHERE {test} LIMIT 1", cx.q(table)),
                violation: format!(
                    "a row of `{table}` holds `{value}` in `{}`, which enum type `{name}` would no longer have",
                    c.name
                ),
            }
        })
        .collect()
}

/// PostgreSQL cannot drop an enum value: the type is renamed aside, created
/// again with the values it keeps, every column converted to it through
/// text (its default set aside meanwhile, as it is of the old type), and
/// the old type dropped.
fn recreate_type(cx: &Context<'_>, name: &str) -> Result<Vec<Statement>, RenderError> {
    let q = |s: &str| cx.q(s);
    let old = aside(name);
    let mut out = vec![
        sql(format!("ALTER TYPE {} RENAME TO {}", q(name), q(&old))),
        create_type(cx, name, name)?,
    ];
    for (table, c) in cx.before.enum_columns(name) {
        let alter = format!("ALTER TABLE {} ALTER COLUMN {}", q(table), q(&c.name));
        if c.default.is_some() {
            out.push(sql(format!("{alter} DROP DEFAULT")));
        }
        let ty = column_type(cx.dialect, cx.after, &c.ty);
        out.push(sql(format!(
            "{alter} TYPE {ty} USING {}::{}::{ty}",
            q(&c.name),
            as_text(&c.ty)
        )));
        if let Some(d) = &c.default {
            out.push(sql(format!(
                "{alter} SET DEFAULT {}",
                cx.dialect.default_value(d, &c.ty)
            )));
        }
    }
    out.push(sql(format!("DROP TYPE {}", q(&old))));
    Ok(out)
}

/// The name an enum type is renamed to while it is recreated: a prefix
/// (not a suffix, which PostgreSQL's 63-byte limit could cut off).
fn aside(name: &str) -> String {
    let mut out = String::from("_godwit_old_");
    for ch in name.chars() {
        if out.len() + ch.len_utf8() > 63 {
            break;
        }
        out.push(ch);
    }
    out
}

/// `TEXT` in the shape of `ty` (`TEXT[]` for an array of the enum).
fn as_text(ty: &ColumnType) -> String {
    match ty {
        ColumnType::Array(element) => format!("{}[]", as_text(element)),
        _ => "TEXT".into(),
    }
}

/// MySQL: every column of the enum `name` restated with the values it has
/// in `schema`, one ALTER TABLE per table.
fn modify_columns(cx: &Context<'_>, schema: &Schema, name: &str) -> Vec<Statement> {
    let spelled = Context {
        dialect: cx.dialect,
        op: cx.op,
        before: cx.before,
        after: schema,
    };
    let mut by_table: Vec<(&str, Vec<&ColumnState>)> = Vec::new();
    for (table, c) in cx.after.enum_columns(name) {
        match by_table.last_mut() {
            Some((t, columns)) if *t == table => columns.push(c),
            _ => by_table.push((table, vec![c])),
        }
    }
    by_table
        .into_iter()
        .filter_map(|(table, columns)| {
            let t = cx.after.tables.get(table)?;
            let modify: Vec<String> = columns
                .iter()
                .map(|c| format!("MODIFY COLUMN {}", column_definition(&spelled, table, t, c)))
                .collect();
            Some(sql(format!(
                "ALTER TABLE {} {}",
                cx.q(table),
                modify.join(", ")
            )))
        })
        .collect()
}

/// The rows holding `from` in a column of the enum `name` now hold `to`.
fn update_rows(cx: &Context<'_>, name: &str, from: &str, to: &str) -> Vec<Statement> {
    let lit = |s: &str| cx.dialect.string_literal(s);
    cx.before
        .enum_columns(name)
        .map(|(table, c)| {
            sql(format!(
                "UPDATE {} SET {col} = {} WHERE {col} = {}",
                cx.q(table),
                lit(to),
                lit(from),
                col = cx.q(&c.name)
            ))
        })
        .collect()
}
