//! What raw SQL destroys: the reading behind the runtime's data-loss listing
//! (what undoing a migration would lose), where an `op.execute(..)` of a
//! downgrade counts as much as a `drop_table`.
//!
//! Each statement is parsed as [`super::sql`] parses an `execute` (and so
//! looked into behind and inside a WITH clause), and what it destroys is
//! named: rows it deletes (DELETE, TRUNCATE, a MERGE that deletes), tables,
//! schemas, columns and partitions it drops, a column it sets to NULL or
//! gives another type, and what a CASCADE takes with it. What holds no data
//! is not counted: dropping an index or a view, renaming, adding.

use std::fmt::{self, Display, Formatter};

use sqlparser::ast::{
    AlterColumnOperation, AlterTableOperation, AssignmentTarget, CascadeOption, Expr, FromTable,
    MergeAction, ObjectName, ObjectType, Query, SetExpr, Statement, TableFactor, Value,
};

use super::sql::{self, Name};

/// One thing a statement destroys. Its `Display` completes "runs `..`,
/// which ..".
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Destroys {
    /// Deletes rows of a table: every row, or those its WHERE clause matches.
    Rows {
        /// The table.
        table: String,
        /// Every row (no WHERE clause).
        every: bool,
    },
    /// Drops a table with its rows.
    Table {
        /// The table.
        table: String,
    },
    /// Drops a column with its values.
    Column {
        /// The table.
        table: String,
        /// The column.
        column: String,
    },
    /// Sets a column to NULL, erasing the values it held.
    Nulls {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// In every row (no WHERE clause).
        every: bool,
    },
    /// Gives a column a type its values may not fit.
    Type {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// The type, as written.
        to: String,
    },
    /// Drops partitions of a table, with their rows.
    Partitions {
        /// The table.
        table: String,
    },
    /// Drops a schema or a database, with every table in it.
    Schema {
        /// `schema` or `database`.
        kind: &'static str,
        /// Its name.
        name: String,
    },
    /// Drops or truncates with CASCADE, which takes what depends on it too.
    Cascade {
        /// `drops` or `truncates`.
        verb: &'static str,
        /// What, as written (`type mood`, `table users`).
        what: String,
    },
}

impl Display for Destroys {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Destroys::Rows { table, every: true } => write!(f, "deletes every row of `{table}`"),
            Destroys::Rows {
                table,
                every: false,
            } => write!(f, "deletes rows of `{table}`"),
            Destroys::Table { table } => write!(f, "drops table `{table}`"),
            Destroys::Column { table, column } => write!(f, "drops column `{table}.{column}`"),
            Destroys::Nulls {
                table,
                column,
                every,
            } => write!(
                f,
                "sets `{table}.{column}` to NULL{}, erasing the values it held",
                if *every { " in every row" } else { "" }
            ),
            Destroys::Type { table, column, to } => write!(
                f,
                "changes `{table}.{column}` to {to}: values that do not fit are cut or refused"
            ),
            Destroys::Partitions { table } => {
                write!(f, "drops partitions of `{table}` with their rows")
            }
            Destroys::Schema { kind, name } => {
                write!(f, "drops {kind} `{name}` with every table in it")
            }
            Destroys::Cascade { verb, what } => write!(
                f,
                "{verb} {what} with CASCADE, which takes what depends on it too"
            ),
        }
    }
}

/// What raw SQL destroys, statement by statement; empty when it destroys
/// nothing this reading sees. `Err`: why no dialect reads it.
pub fn destroyed_by(sql: &str) -> Result<Vec<Destroys>, String> {
    let mut out = Vec::new();
    for statement in sql::statements(sql)? {
        statement_destroys(&statement, &mut out);
    }
    Ok(out)
}

fn last(name: &ObjectName) -> Option<String> {
    Name::last(name).map(|n| n.value)
}

fn statement_destroys(statement: &Statement, out: &mut Vec<Destroys>) {
    match statement {
        Statement::Delete(d) => {
            let every = d.selection.is_none();
            let mut targets: Vec<String> = d.tables.iter().filter_map(last).collect();
            if targets.is_empty() {
                let (FromTable::WithFromKeyword(from) | FromTable::WithoutKeyword(from)) = &d.from;
                targets.extend(from.iter().filter_map(sql::table_of).map(|n| n.value));
            }
            out.extend(
                targets
                    .into_iter()
                    .map(|table| Destroys::Rows { table, every }),
            );
        }
        Statement::Truncate(t) => {
            for target in &t.table_names {
                if let Some(table) = last(&target.name) {
                    out.push(Destroys::Rows { table, every: true });
                    if t.cascade == Some(CascadeOption::Cascade) {
                        out.push(Destroys::Cascade {
                            verb: "truncates",
                            what: format!("`{}`", target.name),
                        });
                    }
                }
            }
        }
        Statement::Update(u) => {
            let Some(table) = sql::table_of(&u.table) else {
                return;
            };
            for a in &u.assignments {
                let is_null = matches!(&a.value, Expr::Value(v) if v.value == Value::Null);
                if let (true, AssignmentTarget::ColumnName(column)) = (is_null, &a.target) {
                    if let Some(column) = last(column) {
                        out.push(Destroys::Nulls {
                            table: table.value.clone(),
                            column,
                            every: u.selection.is_none(),
                        });
                    }
                }
            }
        }
        Statement::Merge(m) => {
            let deletes = m
                .clauses
                .iter()
                .any(|c| matches!(c.action, MergeAction::Delete { .. }));
            if let (true, TableFactor::Table { name, .. }) = (deletes, &m.table) {
                out.extend(last(name).map(|table| Destroys::Rows {
                    table,
                    every: false,
                }));
            }
        }
        Statement::Query(q) => query_destroys(q, out),
        Statement::Drop {
            object_type,
            names,
            cascade,
            ..
        } => {
            for name in names {
                match object_type {
                    ObjectType::Table => {
                        out.extend(last(name).map(|table| Destroys::Table { table }))
                    }
                    ObjectType::Schema => out.push(Destroys::Schema {
                        kind: "schema",
                        name: name.to_string(),
                    }),
                    ObjectType::Database => out.push(Destroys::Schema {
                        kind: "database",
                        name: name.to_string(),
                    }),
                    _ => {}
                }
                if *cascade {
                    out.push(Destroys::Cascade {
                        verb: "drops",
                        what: format!("{} `{name}`", object_type.to_string().to_lowercase()),
                    });
                }
            }
        }
        Statement::AlterTable(a) => {
            let Some(table) = last(&a.name) else {
                return;
            };
            for operation in &a.operations {
                match operation {
                    AlterTableOperation::DropColumn { column_names, .. } => {
                        out.extend(column_names.iter().map(|c| Destroys::Column {
                            table: table.clone(),
                            column: c.value.clone(),
                        }))
                    }
                    AlterTableOperation::AlterColumn {
                        column_name,
                        op: AlterColumnOperation::SetDataType { data_type, .. },
                    }
                    | AlterTableOperation::ModifyColumn {
                        col_name: column_name,
                        data_type,
                        ..
                    }
                    | AlterTableOperation::ChangeColumn {
                        old_name: column_name,
                        data_type,
                        ..
                    } => out.push(Destroys::Type {
                        table: table.clone(),
                        column: column_name.value.clone(),
                        to: data_type.to_string(),
                    }),
                    AlterTableOperation::DropPartitions { .. } => out.push(Destroys::Partitions {
                        table: table.clone(),
                    }),
                    _ => {}
                }
            }
        }
        _ => {}
    }
}

/// Behind and inside a WITH clause, as [`sql::effect`] reads it.
fn query_destroys(query: &Query, out: &mut Vec<Destroys>) {
    for cte in query.with.iter().flat_map(|w| &w.cte_tables) {
        query_destroys(&cte.query, out);
    }
    body_destroys(&query.body, out);
}

fn body_destroys(body: &SetExpr, out: &mut Vec<Destroys>) {
    match body {
        SetExpr::Insert(s) | SetExpr::Update(s) | SetExpr::Delete(s) | SetExpr::Merge(s) => {
            statement_destroys(s, out)
        }
        SetExpr::Query(q) => query_destroys(q, out),
        SetExpr::SetOperation { left, right, .. } => {
            body_destroys(left, out);
            body_destroys(right, out);
        }
        SetExpr::Select(_) | SetExpr::Values(_) | SetExpr::Table(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn said(sql: &str) -> Vec<String> {
        destroyed_by(sql)
            .unwrap()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn rows_deleted() {
        assert_eq!(said("DELETE FROM users"), ["deletes every row of `users`"]);
        assert_eq!(
            said("DELETE FROM public.users WHERE id = 1"),
            ["deletes rows of `users`"]
        );
        assert_eq!(
            said("TRUNCATE audit_log CASCADE"),
            [
                "deletes every row of `audit_log`",
                "truncates `audit_log` with CASCADE, which takes what depends on it too"
            ]
        );
        assert_eq!(
            said("WITH gone AS (DELETE FROM sessions RETURNING *) INSERT INTO old_sessions SELECT * FROM gone"),
            ["deletes every row of `sessions`"]
        );
        assert_eq!(
            said("MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE"),
            ["deletes rows of `t`"]
        );
    }

    #[test]
    fn tables_columns_and_types_dropped_or_changed() {
        assert_eq!(
            said("DROP TABLE IF EXISTS sessions"),
            ["drops table `sessions`"]
        );
        assert_eq!(
            said("ALTER TABLE users DROP COLUMN bio, DROP COLUMN IF EXISTS tagline"),
            ["drops column `users.bio`", "drops column `users.tagline`"]
        );
        assert_eq!(
            said("ALTER TABLE users ALTER COLUMN age TYPE smallint"),
            ["changes `users.age` to SMALLINT: values that do not fit are cut or refused"]
        );
        assert_eq!(
            said("ALTER TABLE `users` MODIFY COLUMN `name` varchar(20) NOT NULL"),
            ["changes `users.name` to VARCHAR(20): values that do not fit are cut or refused"]
        );
        assert_eq!(
            said("DROP SCHEMA archive CASCADE"),
            [
                "drops schema `archive` with every table in it",
                "drops schema `archive` with CASCADE, which takes what depends on it too"
            ]
        );
        assert_eq!(
            said("DROP TYPE mood CASCADE"),
            ["drops type `mood` with CASCADE, which takes what depends on it too"]
        );
    }

    #[test]
    fn values_set_to_null() {
        assert_eq!(
            said("UPDATE users SET bio = NULL, tagline = 'x'"),
            ["sets `users.bio` to NULL in every row, erasing the values it held"]
        );
        assert_eq!(
            said("UPDATE users SET bio = NULL WHERE id < 10"),
            ["sets `users.bio` to NULL, erasing the values it held"]
        );
    }

    #[test]
    fn what_holds_no_data_is_not_counted() {
        for sql in [
            "DROP INDEX IF EXISTS idx_users_email",
            "DROP VIEW active_users",
            "ALTER TABLE users DROP CONSTRAINT users_email_key",
            "ALTER TABLE users ADD COLUMN bio text",
            "UPDATE users SET deleted = true",
            "INSERT INTO users (id) VALUES (1)",
            "CREATE INDEX idx ON users (email)",
            "SELECT 1",
        ] {
            assert_eq!(said(sql), Vec::<String>::new(), "{sql}");
        }
        assert!(destroyed_by("DELETE users WHERE").is_err());
    }
}
