//! Adding a column to an existing table: `add-required-column`,
//! `volatile-default`, `add-autoincrement-column`.
//!
//! While the migration runs and until the new code is deployed everywhere,
//! the running version inserts rows without knowing the column. And on
//! PostgreSQL, a column whose default differs per row (or a serial one)
//! makes the database write every existing row, holding an ACCESS EXCLUSIVE
//! lock for the whole rewrite; MySQL copies the table for an AUTO_INCREMENT
//! column.
//!
//! Whether a default differs per row is `volatility.rs`'s to say: a volatile
//! built-in, or a function godwit does not know to be immutable or stable (a
//! user-defined function is volatile unless declared otherwise; the user who
//! knows better says so with `safety_assured`).
//!
//! A column added to a table created in the same migration is exempt:
//! nothing reads or writes that table yet.

use super::volatility::{volatile_call_with, Volatile};
use super::{Finding, OpCheck};
use crate::backend::{Backend, Version};
use crate::diagnostic::Rule;
use crate::model::{DefaultValue, Op};

pub(super) fn check(cx: &OpCheck<'_>, out: &mut Vec<Finding>) {
    let Op::AddColumn { table, column } = cx.op else {
        return;
    };
    if !cx.is_existing_table(table) {
        return;
    }
    let name = &column.name;
    let required = !column.nullable || column.primary_key;
    if required && column.default.is_none() && !column.autoincrement {
        out.push(Finding::new(
            Rule::AddRequiredColumn,
            format!(
                "adding NOT NULL column `{table}.{name}` without a server default breaks code that inserts {table}"
            ),
            format!(
                "add it nullable, or with .server_default(..); backfill `{name}` in a later migration; make it NOT NULL in a migration after that (see set-not-null)"
            ),
        ));
    }
    // A function of the history's own created IMMUTABLE or STABLE is not
    // volatile.
    let volatile = match &column.default {
        Some(DefaultValue::Sql(default)) => {
            volatile_call_with(default, |f| cx.current.declared_not_volatile(f))
                .map(|v| (default, v))
        }
        _ => None,
    };
    if let Some((default, why)) = &volatile {
        let (default, why) = (*default, why);
        let safe_path = format!(
            "add `{name}` without a default, then set it with op.alter_column(\"{table}\", \"{name}\").server_default(..) (new rows only, no rewrite), and fill the existing rows with op.backfill(\"{table}\", ..) in a later migration"
        );
        out.push(match why {
            Volatile::Known(_) => Finding::new(
                Rule::VolatileDefault,
                format!(
                    "adding column `{table}.{name}` with the volatile default `{default}` makes PostgreSQL rewrite every row of `{table}` under an exclusive lock"
                ),
                safe_path,
            ),
            Volatile::Unknown(function) => Finding::new(
                Rule::VolatileDefault,
                format!(
                    "adding column `{table}.{name}` with the default `{default}` makes PostgreSQL rewrite every row of `{table}` under an exclusive lock unless `{function}` is declared IMMUTABLE or STABLE: godwit does not know that function, and a function is VOLATILE unless declared otherwise"
                ),
                format!(
                    "{safe_path}; if `{function}` is declared IMMUTABLE or STABLE, there is no rewrite: say so with op.safety_assured(\"{function} is STABLE\", |op| {{ .. }})"
                ),
            ),
        });
    }
    // PostgreSQL 11 keeps a constant default in the catalog; before it,
    // any default is written into every row.
    let pg10 = cx
        .backends
        .older_than(Backend::Postgres, Version::new(11, 0));
    if pg10 && volatile.is_none() && column.default.is_some() && !column.autoincrement {
        out.push(Finding::new(
            Rule::VolatileDefault,
            format!(
                "adding column `{table}.{name}` with a server default makes PostgreSQL before 11 (the set runs on PostgreSQL {}) write the default into every row of `{table}` under an exclusive lock",
                cx.backends.min_version(Backend::Postgres).unwrap_or(Version::new(10, 0))
            ),
            format!(
                "add `{name}` without a default, set it with op.alter_column(\"{table}\", \"{name}\").server_default(..) (new rows only), and fill the existing rows with op.backfill(\"{table}\", ..) in a later migration; or declare `postgres >= 11` in migrations![backends = [..]; ..] if no older server runs the set"
            ),
        ));
    }
    if column.autoincrement {
        out.push(Finding::new(
            Rule::AddAutoincrementColumn,
            format!(
                "adding auto-increment column `{table}.{name}` numbers every existing row of `{table}`: PostgreSQL rewrites the table and MySQL copies it, under an exclusive lock"
            ),
            format!(
                "add `{name}` as a plain nullable BigInt and fill it with op.backfill(\"{table}\", ..) in a later migration, or create a new table with the column and move the rows over in batches"
            ),
        ));
    }
}
