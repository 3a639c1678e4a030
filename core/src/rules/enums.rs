//! Changing the values of an existing enum type: `rename-enum-value`,
//! `drop-enum-value`; and using a value in the migration that adds it:
//! `new-enum-value-used`.
//!
//! - The running version still writes the values it knows: renaming one
//!   breaks its inserts and updates at once, and so does removing one.
//!   Removing one also costs a rewrite on PostgreSQL, which cannot drop an
//!   enum value: the type is recreated and every column of it converted,
//!   under an ACCESS EXCLUSIVE lock on each table. An enum type created in
//!   the same migration is exempt: nothing uses it yet.
//! - PostgreSQL 12+ adds a value inside a transaction, but refuses to use it
//!   (as a default, in a check, in a statement) until that transaction
//!   commits, even in a type created by the same transaction. A migration
//!   runs in one transaction on PostgreSQL, unless it holds a backfill or a
//!   concurrent index op (each op then commits on its own): only then may a
//!   later op of it use the value.

use super::{Finding, MigrationCheck, OpCheck, Step};
use crate::diagnostic::Rule;
use crate::model::{ColumnChange, ColumnType, DefaultValue, Op};
use crate::schema::Schema;
use crate::sql_text::{self, Syntax, TokenKind};

pub(super) fn check(cx: &OpCheck<'_>, out: &mut Vec<Finding>) {
    match cx.op {
        Op::RenameEnumValue { name, from, to } if cx.before.enums.contains_key(&**name) => {
            out.push(Finding::new(
                Rule::RenameEnumValue,
                format!(
                    "renaming value `{from}` of enum type `{name}` to `{to}` breaks the running version, which still writes `{from}` and reads rows holding it"
                ),
                format!(
                    "add the new value with op.add_enum_value(\"{name}\", \"{to}\"), ship code that writes `{to}`, then backfill the rows from `{from}` to `{to}` in a later migration; PostgreSQL cannot drop `{from}` without rewriting every table of the type, so leave it unused"
                ),
            ));
        }
        Op::DropEnumValue { name, value } if cx.before.enums.contains_key(&**name) => {
            let tables = tables_of(cx.current, name);
            let rewrite = if tables.is_empty() {
                String::new()
            } else {
                format!(
                    ", and PostgreSQL recreates the type, rewriting {} under an ACCESS EXCLUSIVE lock",
                    tables.join(", ")
                )
            };
            out.push(Finding::new(
                Rule::DropEnumValue,
                format!(
                    "removing value `{value}` from enum type `{name}` breaks the running version if it still writes `{value}`{rewrite}"
                ),
                format!(
                    "ship code that no longer writes `{value}` and backfill its rows to another value first; then keep `{value}` unused, or drop it inside op.safety_assured(..) when the tables are small"
                ),
            ));
        }
        _ => {}
    }
}

/// The tables with a column of the enum `name`, quoted for a message.
fn tables_of(schema: &Schema, name: &str) -> Vec<String> {
    let mut tables: Vec<String> = schema
        .enum_columns(name)
        .map(|(t, _)| format!("`{t}`"))
        .collect();
    tables.dedup();
    tables
}

/// `new-enum-value-used`: an op after `add_enum_value` in the same
/// (transactional) migration that uses the new value.
pub(super) fn check_migration(cx: &MigrationCheck<'_>, out: &mut Vec<(usize, Finding)>) {
    let commits_each_op = cx
        .steps
        .iter()
        .any(|s| s.op.is_data_change() || s.op.is_concurrent());
    if commits_each_op {
        return;
    }
    let mut added: Vec<(&str, &str)> = Vec::new();
    for (i, step) in cx.steps.iter().enumerate() {
        for &(name, value) in &added {
            if uses(step, cx.after, name, value) {
                out.push((
                    i,
                    Finding::new(
                        Rule::NewEnumValueUsed,
                        format!(
                            "`{}` uses `{value}`, which this migration adds to enum type `{name}`: PostgreSQL refuses a new enum value until the transaction that added it commits",
                            step.op.method()
                        ),
                        "add the value in one migration, and use it (a default, a check, an UPDATE) in a later one",
                    ),
                ));
            }
        }
        if let Op::AddEnumValue { name, value, .. } = step.op {
            added.push((name, value));
        }
    }
}

/// Whether the op of `step` uses `value` of the enum `name`: as the
/// default of a column of the type, or as a string literal in its SQL.
fn uses(step: &Step<'_>, after: &Schema, name: &str, value: &str) -> bool {
    let of_type = |ty: &ColumnType| matches!(ty, ColumnType::Enum(n) if n == name);
    let is_value = |d: Option<&DefaultValue>| matches!(d, Some(DefaultValue::Str(v)) if v == value);
    let mut sql: Vec<&str> = Vec::new();
    let mut default_use = false;
    /// The SQL of a column definition: an expression default, a generation.
    fn column_sql<'o>(c: &'o crate::model::Column, sql: &mut Vec<&'o str>) {
        if let Some(DefaultValue::Sql(s)) = &c.default {
            sql.push(s);
        }
        if let Some(expr) = &c.generated {
            sql.push(expr);
        }
    }
    let column = |c: &crate::model::Column| of_type(&c.ty) && is_value(c.default.as_ref());
    match step.op {
        Op::CreateTable {
            columns, checks, ..
        } => {
            for c in columns.iter() {
                default_use |= column(c);
                column_sql(c, &mut sql);
            }
            sql.extend(checks.iter().map(|c| &*c.expr));
        }
        Op::AddColumn { column: c, .. } => {
            default_use |= column(c);
            column_sql(c, &mut sql);
        }
        Op::AlterColumn {
            table,
            column: c,
            changes,
        } => {
            let ty = after
                .tables
                .get(&**table)
                .and_then(|t| t.column(c))
                .map(|c| &c.ty);
            for change in changes.iter() {
                match change {
                    ColumnChange::SetDefault(d) => {
                        default_use |= ty.is_some_and(of_type) && is_value(Some(d));
                        if let DefaultValue::Sql(s) = d {
                            sql.push(s);
                        }
                    }
                    ColumnChange::Using(expr) => sql.push(expr),
                    _ => {}
                }
            }
        }
        Op::CreateIndex {
            predicate: Some(p), ..
        } => sql.push(p),
        Op::CreateCheckConstraint { expr, .. } => sql.push(expr),
        Op::Execute { sql: s } => sql.push(s),
        _ => {}
    }
    default_use
        || sql.iter().any(|s| {
            sql_text::tokens(s, Syntax::Postgres).any(|t| {
                matches!(t.kind, TokenKind::String | TokenKind::DollarString)
                    && t.string_value().as_deref() == Some(value)
            })
        })
}
