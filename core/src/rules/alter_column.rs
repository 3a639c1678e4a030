//! Changing a column of an existing table in place: `change-column-type`
//! and `set-not-null`.
//!
//! - A new type may reject values the running version still writes, and on
//!   PostgreSQL and MySQL most type changes rewrite the whole table under an
//!   exclusive lock. Widening a `Varchar` is the exception every backend does
//!   in place (PostgreSQL changes only the catalog; MySQL too, as long as the
//!   length prefix keeps its size: both lengths up to 63 characters, or both
//!   from 256), and it accepts every value the old type did, so it is allowed.
//! - NOT NULL breaks the running version if it still inserts NULL (a column
//!   added in the same migration is unknown to it: it inserts NULL for sure),
//!   and PostgreSQL scans the whole table under ACCESS EXCLUSIVE to check it.
//!   Unless a validated `CHECK (col IS NOT NULL)` already holds from an
//!   earlier migration: then no running code can insert NULL, and PostgreSQL
//!   12+ skips the scan.
//!
//! Both apply to every column of a table that existed before the migration.

use super::sql;
use super::{Finding, OpCheck};
use crate::backend::{Backend, Version};
use crate::diagnostic::Rule;
use crate::model::{ColumnChange, ColumnType, Op};
use crate::schema::ConstraintKind;

pub(super) fn check(cx: &OpCheck<'_>, out: &mut Vec<Finding>) {
    let Op::AlterColumn {
        table,
        column,
        changes,
    } = cx.op
    else {
        return;
    };
    if !cx.is_existing_table(table) {
        return;
    }
    let Some(state) = cx.column_now(table, column) else {
        return; // unknown-column, reported by the replay
    };
    let (mut ty, mut nullable) = (state.ty.clone(), state.nullable);
    for change in changes.iter() {
        match change {
            ColumnChange::SetType(new) => {
                if *new != ty && !is_in_place_widening(&ty, new) {
                    out.push(Finding::new(
                        Rule::ChangeColumnType,
                        if accepts_every_value(&ty, new) {
                            format!(
                                "changing column `{table}.{column}` from `{ty}` to `{new}` in place locks `{table}` exclusively, and PostgreSQL and MySQL rewrite the table for most type changes, blocking reads and writes until it is done"
                            )
                        } else {
                            format!(
                                "changing column `{table}.{column}` from `{ty}` to `{new}` in place: the running version may write values `{new}` rejects, and PostgreSQL and MySQL rewrite `{table}` under an exclusive lock"
                            )
                        },
                        format!(
                            "add a new column of type `{new}`, backfill it from `{column}` in a later migration, switch the code to it, then deprecate_column and drop_column `{column}` in later migrations"
                        ),
                    ));
                }
                ty = new.clone();
            }
            ColumnChange::Nullable(false) => {
                // Before PostgreSQL 12, SET NOT NULL scans the table even
                // when a valid check already proves it.
                let pg11 = cx
                    .backends
                    .older_than(Backend::Postgres, Version::new(12, 0));
                if nullable && pg11 && has_validated_not_null_check(cx, table, column) {
                    out.push(Finding::new(
                        Rule::SetNotNull,
                        format!(
                            "making `{table}.{column}` NOT NULL makes PostgreSQL before 12 (the set runs on PostgreSQL {}) scan every row of `{table}` under an ACCESS EXCLUSIVE lock, even with a validated CHECK ({column} IS NOT NULL): only 12 and later use the check",
                            cx.backends.min_version(Backend::Postgres).unwrap_or(Version::new(11, 0))
                        ),
                        "keep the validated check constraint as the NOT NULL guarantee and leave the column nullable, or declare `postgres >= 12` in migrations![backends = [..]; ..] if no older server runs the set",
                    ));
                } else if nullable && !has_validated_not_null_check(cx, table, column) {
                    out.push(Finding::new(
                        Rule::SetNotNull,
                        format!(
                            "making `{table}.{column}` NOT NULL breaks the running version if it still inserts NULL, and PostgreSQL checks every row of `{table}` under an ACCESS EXCLUSIVE lock"
                        ),
                        format!(
                            "backfill `{column}` first; in a later migration add op.create_check_constraint(\"{table}_{column}_not_null\", \"{table}\", \"{column} IS NOT NULL\").not_valid(), validate it with op.validate_constraint in a further one, and only then set NOT NULL"
                        ),
                    ));
                }
                nullable = false;
            }
            ColumnChange::Nullable(true) => nullable = true,
            ColumnChange::SetDefault(_) | ColumnChange::DropDefault | ColumnChange::Using(_) => {}
        }
    }
}

/// A `Varchar` made longer without a rewrite on any backend.
fn is_in_place_widening(from: &ColumnType, to: &ColumnType) -> bool {
    match (from, to) {
        (ColumnType::Varchar(n), ColumnType::Varchar(m)) => {
            m >= n && ((*n <= 63 && *m <= 63) || (*n >= 256 && *m >= 256))
        }
        _ => false,
    }
}

/// Whether every value of `from` fits `to` unchanged (a widening), so the
/// only harm of the change is the table rewrite.
fn accepts_every_value(from: &ColumnType, to: &ColumnType) -> bool {
    use ColumnType::*;
    match (from, to) {
        (SmallInt, Integer | BigInt) | (Integer, BigInt) | (Real, Double) => true,
        (Varchar(n), Varchar(m)) | (Char(n), Varchar(m)) => m >= n,
        (Varchar(_) | Char(_), Text | VarcharUnbounded) => true,
        (Numeric(p1, s1), Numeric(p2, s2)) => {
            s2 >= s1 && p2.saturating_sub(*s2) >= p1.saturating_sub(*s1)
        }
        _ => false,
    }
}

/// Whether an earlier migration added and validated `CHECK (column IS NOT NULL)`.
fn has_validated_not_null_check(cx: &OpCheck<'_>, table: &str, column: &str) -> bool {
    cx.before.tables.get(table).is_some_and(|t| {
        t.constraints.values().any(|c| {
            c.valid
                && matches!(&c.kind, ConstraintKind::Check { expr } if sql::is_not_null_check(expr, column))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::accepts_every_value;
    use crate::model::ColumnType::*;

    #[test]
    fn widenings_keep_every_value() {
        assert!(accepts_every_value(&Integer, &BigInt));
        assert!(accepts_every_value(&Varchar(20), &Text));
        assert!(accepts_every_value(&Numeric(10, 2), &Numeric(12, 2)));
        assert!(!accepts_every_value(&Numeric(10, 2), &Numeric(10, 4)));
        assert!(!accepts_every_value(&BigInt, &Integer));
        assert!(!accepts_every_value(&Text, &Varchar(20)));
    }
}
