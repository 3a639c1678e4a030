//! What the oldest declared version of a backend lacks (`migrations![
//! backends = [mysql >= 8.0.13, postgres >= 11]; ..]`): each is said for
//! the version the set declares, with the version that brings it.
//!
//! - MySQL before 8.0.13 takes no default on a TEXT, BLOB or JSON column
//!   (`default-on-text`), and no expression default at all;
//! - MySQL before 8.0.16 parses CHECK constraints and ignores them;
//! - PostgreSQL before 12 has no generated columns, before 11 no INCLUDE.
//!
//! The rules whose advice changes with the version (`volatile-default`
//! before PostgreSQL 11, `set-not-null` before 12) read it themselves.

use super::Finding;
use crate::backend::limits::{blob_like, type_name};
use crate::backend::{Backend, Backends, Version};
use crate::diagnostic::Rule;
use crate::model::{ColumnChange, ColumnType, DefaultValue, Op};
use crate::schema::{ColumnState, Schema};

/// MySQL's first release with expression defaults (and defaults on TEXT).
const MYSQL_EXPRESSION_DEFAULTS: Version = Version::patch(8, 0, 13);
/// MySQL's first release that enforces CHECK constraints.
const MYSQL_CHECKS: Version = Version::patch(8, 0, 16);

/// Checks `op` against the oldest version of each declared backend.
pub(super) fn check(
    op: &Op,
    _before: &Schema,
    after: &Schema,
    backends: &Backends,
    out: &mut Vec<Finding>,
) {
    let old_mysql = |v: Version| backends.older_than(Backend::Mysql, v);
    let declared = |b: Backend| backends.min_version(b).unwrap_or(v0());
    if old_mysql(MYSQL_EXPRESSION_DEFAULTS) {
        for c in defaulted_columns(op, after) {
            let Some(default) = &c.default else { continue };
            let expression = matches!(default, DefaultValue::Sql(_))
                || matches!(
                    (default, &c.ty),
                    (DefaultValue::Now, ColumnType::Date | ColumnType::Time)
                );
            let (rule, what) = if blob_like(&c.ty) {
                (
                    Rule::DefaultOnText,
                    format!(
                        "`{}` is a {} column with a default",
                        c.name,
                        type_name(&c.ty)
                    ),
                )
            } else if expression {
                (
                    Rule::UnsupportedOnBackend,
                    format!("the default of `{}` is an expression", c.name),
                )
            } else {
                continue;
            };
            out.push(Finding::new(
                rule,
                format!(
                    "{what}, which MySQL takes only from 8.0.13 (the set runs on MySQL {})",
                    declared(Backend::Mysql)
                ),
                format!(
                    "{}, or declare `mysql >= 8.0.13` in migrations![backends = [..]; ..] if no older server runs the set",
                    if rule == Rule::DefaultOnText {
                        "make the column a Varchar(n), or drop the default and have the application write the value"
                    } else {
                        "drop the default and have the application write the value"
                    }
                ),
            ));
        }
    }
    if old_mysql(MYSQL_CHECKS) && adds_check(op) {
        out.push(Finding::new(
            Rule::UnsupportedOnBackend,
            format!(
                "MySQL before 8.0.16 reads a CHECK constraint and ignores it (the set runs on MySQL {}): the constraint would hold on the other backends only",
                declared(Backend::Mysql)
            ),
            "enforce the rule in the application on MySQL, or declare `mysql >= 8.0.16` in migrations![backends = [..]; ..] if no older server runs the set",
        ));
    }
    let pg = |v: Version| backends.older_than(Backend::Postgres, v);
    if pg(Version::new(12, 0)) && adds_generated(op) {
        out.push(Finding::new(
            Rule::UnsupportedOnBackend,
            format!(
                "PostgreSQL has generated columns from 12 (the set runs on PostgreSQL {})",
                declared(Backend::Postgres)
            ),
            "fill the column from the application or a trigger, or declare `postgres >= 12` in migrations![backends = [..]; ..] if no older server runs the set",
        ));
    }
    if pg(Version::new(11, 0))
        && matches!(op, Op::CreateIndex { include, .. } if !include.is_empty())
    {
        out.push(Finding::new(
            Rule::UnsupportedOnBackend,
            format!(
                "PostgreSQL has INCLUDE columns in indexes from 11 (the set runs on PostgreSQL {})",
                declared(Backend::Postgres)
            ),
            "make the included columns keys after the others, or declare `postgres >= 11` in migrations![backends = [..]; ..] if no older server runs the set",
        ));
    }
}

fn v0() -> Version {
    Version::new(0, 0)
}

/// The columns whose default `op` sets, as they stand after it: those it
/// adds, and one whose default or type it changes.
fn defaulted_columns<'s>(op: &Op, after: &'s Schema) -> Vec<&'s ColumnState> {
    let names: Vec<(&str, &str)> = match op {
        Op::CreateTable { name, columns, .. } => {
            columns.iter().map(|c| (&**name, &*c.name)).collect()
        }
        Op::AddColumn { table, column } => vec![(table, &column.name)],
        Op::AlterColumn {
            table,
            column,
            changes,
        } if changes
            .iter()
            .any(|c| matches!(c, ColumnChange::SetDefault(_) | ColumnChange::SetType(_))) =>
        {
            vec![(table, column)]
        }
        _ => Vec::new(),
    };
    names
        .into_iter()
        .filter_map(|(t, c)| after.tables.get(t)?.column(c))
        .collect()
}

/// Whether `op` adds a CHECK constraint.
fn adds_check(op: &Op) -> bool {
    match op {
        Op::CreateCheckConstraint { .. } => true,
        Op::CreateTable { checks, .. } => !checks.is_empty(),
        _ => false,
    }
}

/// Whether `op` adds a generated column.
fn adds_generated(op: &Op) -> bool {
    match op {
        Op::CreateTable { columns, .. } => columns.iter().any(|c| c.generated.is_some()),
        Op::AddColumn { column, .. } => column.generated.is_some(),
        _ => false,
    }
}
