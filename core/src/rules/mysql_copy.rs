//! `mysql-table-copy` (backward compatibility): an op on an existing table
//! that PostgreSQL makes without blocking writes, and that MySQL and
//! MariaDB can make only by copying the table (`ALGORITHM=COPY`, which
//! takes a SHARED lock: reads continue, every write waits for the copy).
//!
//! - a CHECK constraint: InnoDB checks every row while it copies the
//!   table, and has no NOT VALID to skip it;
//! - a value inserted before the last value of an enum type: a MySQL enum
//!   is the column's type, and only a value added at the end of the list
//!   leaves the stored numbers as they are (INSTANT); any other position
//!   renumbers, so each column of the type is converted by a copy.
//!
//! What both backends copy anyway (a type change, a volatile default, an
//! auto-increment column, a stored generated column, a validated foreign
//! key) has a rule of its own, which says so. Said only when the set runs
//! on MySQL or MariaDB.

use super::{Finding, OpCheck};
use crate::backend::{Backend, Backends, Target};
use crate::diagnostic::Rule;
use crate::model::Op;

pub(super) fn check(cx: &OpCheck<'_>, out: &mut Vec<Finding>) {
    if !cx.backends.has_mysql_like() {
        return;
    }
    let others = Backends::new(
        cx.backends
            .targets()
            .iter()
            .copied()
            .filter(|t| !t.backend.is_mysql_like()),
    );
    let narrow = if others.is_empty() {
        String::new()
    } else {
        format!(
            "; or, if the set runs on {} only, say so: `{}`",
            others.describe(),
            others.setting()
        )
    };
    let on = mysql_names(cx.backends);
    match cx.op {
        Op::CreateCheckConstraint { name, table, .. } if cx.is_existing_table(table) => {
            out.push(Finding::new(
                Rule::MysqlTableCopy,
                format!(
                    "adding check constraint `{name}` to `{table}` makes {on} copy the table (ALGORITHM=COPY, LOCK=SHARED): reads go on, but every write to `{table}` waits until each row is copied and checked; .not_valid() has no equivalent there"
                ),
                format!(
                    "on a large table, check the values in the application instead; on a small one, say that the copy is short with op.safety_assured(\"..\", |op| {{ .. }}){narrow}"
                ),
            ));
        }
        Op::AddEnumValue {
            name,
            value,
            before,
            after,
        } if before.is_some() || after.is_some() => {
            let values = cx.current.enums.get(&**name);
            let at_end = after
                .as_deref()
                .is_some_and(|a| values.and_then(|v| v.last()).is_some_and(|l| l == a));
            let tables: Vec<&str> = cx
                .current
                .enum_columns(name)
                .map(|(t, _)| t)
                .filter(|t| cx.is_existing_table(t))
                .collect();
            if at_end || tables.is_empty() {
                return;
            }
            let mut tables = tables;
            tables.dedup();
            out.push(Finding::new(
                Rule::MysqlTableCopy,
                format!(
                    "adding value `{value}` of enum type `{name}` anywhere but at the end renumbers the values, so {on} copy {} (ALGORITHM=COPY, LOCK=SHARED): reads go on, writes wait for the copy",
                    tables.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", ")
                ),
                format!(
                    "add `{value}` at the end (without .before(..) / .after(..)): order the values in the application if their order matters{narrow}"
                ),
            ));
        }
        _ => {}
    }
}

/// `MySQL and MariaDB`, or the one declared.
fn mysql_names(backends: &Backends) -> String {
    Backends::new(
        [Backend::Mysql, Backend::Mariadb]
            .into_iter()
            .filter(|b| backends.has(*b))
            .map(Target::new),
    )
    .describe()
}
