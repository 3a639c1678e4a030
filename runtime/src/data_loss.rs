//! What a downgrade would lose, before it runs.
//!
//! Undoing a migration loses data when its downgrade drops a table or a
//! column (the rows and values written since are gone), changes a column's
//! type (values that do not fit are cut or refused), or does any of that or
//! deletes rows with raw SQL; and when its upgrade dropped data that undoing
//! it cannot bring back (the column comes back, empty). An irreversible
//! migration is not undone at all. Dropping a view or a materialized view is
//! not listed: a view holds no data of its own, and a materialized view's
//! rows are computed again from its query when it is created again.
//!
//! Raw SQL is split into statements as its backend reads it, and each is
//! read by `godwit_core::rules::destroyed_by` (the rules' own parser): a
//! DELETE or TRUNCATE (also in a WITH clause), a DROP TABLE, SCHEMA or
//! DATABASE, anything with CASCADE, an ALTER TABLE that drops a column or a
//! partition or changes a type, an UPDATE that sets a column to NULL. A
//! statement it cannot read is listed as such: the listing does not pass
//! over what it cannot see.
//!
//! [`MigrationSet::downgrade`] does not check this: it undoes what it is told
//! to (refusing only an irreversible migration). The command line asks
//! [`MigrationSet::data_loss`] first and refuses without `--allow-data-loss`.

use std::fmt::{self, Display, Formatter};

use godwit_core::rules::{destroyed_by, Destroys};
use godwit_core::sql_text::{self, Syntax};
use godwit_core::{ColumnChange, Migration, Op};

use crate::database::{text, Database};
use crate::{Error, MigrationSet, Target};

/// One way undoing a migration loses data.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Loss {
    /// The downgrade drops this table, with its rows (`rows`: how many it
    /// holds now, when the database was asked and could tell).
    DropsTable {
        /// The table.
        table: String,
        /// Its rows now.
        rows: Option<u64>,
    },
    /// The downgrade drops this column, with its values (`values`: how many
    /// rows hold one that is not NULL).
    DropsColumn {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// Rows with a value in it now.
        values: Option<u64>,
    },
    /// The downgrade changes the type of this column: values that do not
    /// fit the old type are cut or refused.
    ChangesType {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// The type it goes back to.
        to: String,
    },
    /// The downgrade runs raw SQL that deletes or drops data.
    RawSql {
        /// The statement.
        sql: String,
        /// What it destroys, in words that complete "which ..".
        what: String,
    },
    /// The downgrade runs raw SQL that the listing cannot read: it cannot
    /// tell what the statement destroys.
    UnreadableSql {
        /// The statement.
        sql: String,
    },
    /// The upgrade dropped a table or column; undoing it creates it again,
    /// empty: the data it held does not come back.
    NotRestored {
        /// `table` or `table.column`.
        what: String,
    },
    /// The migration is irreversible; the downgrade is refused in any case.
    Irreversible {
        /// The reason it gives.
        reason: String,
    },
}

fn count(n: Option<u64>, one: &str, many: &str) -> String {
    match n {
        Some(1) => format!(" (1 {one})"),
        Some(n) => format!(" ({n} {many})"),
        None => String::new(),
    }
}

impl Display for Loss {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Loss::DropsTable { table, rows } => {
                write!(f, "drops table `{table}`{}", count(*rows, "row", "rows"))
            }
            Loss::DropsColumn {
                table,
                column,
                values,
            } => write!(
                f,
                "drops column `{table}.{column}`{}",
                count(*values, "row with a value", "rows with a value")
            ),
            Loss::ChangesType { table, column, to } => write!(
                f,
                "changes `{table}.{column}` back to {to}: values that do not fit are cut or refused"
            ),
            Loss::RawSql { sql, what } => write!(f, "runs `{sql}`, which {what}"),
            Loss::UnreadableSql { sql } => write!(
                f,
                "runs `{sql}`, raw SQL the listing cannot read: check by hand what it deletes"
            ),
            Loss::NotRestored { what } => write!(
                f,
                "its upgrade dropped `{what}`; undoing it brings `{what}` back empty, not the data"
            ),
            Loss::Irreversible { reason } => {
                write!(f, "is irreversible ({reason}): it cannot be undone at all")
            }
        }
    }
}

/// What undoing one migration would lose.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataLoss {
    /// The migration.
    pub revision: String,
    /// Its message.
    pub message: String,
    /// Each loss, in the order its downgrade runs.
    pub losses: Vec<Loss>,
}

impl Display for DataLoss {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let losses: Vec<String> = self.losses.iter().map(ToString::to_string).collect();
        write!(
            f,
            "{} ({:?}) {}",
            self.revision,
            self.message,
            losses.join("; ")
        )
    }
}

/// Each statement of raw SQL, split as `syntax` reads it (a `;` inside a
/// literal, a quoted name or a comment does not end one) and from its first
/// word on, with what it destroys, or `None` if it cannot be read.
fn raw_statements(sql: &str, syntax: Syntax) -> Vec<(&str, Option<Vec<Destroys>>)> {
    sql_text::statements(sql, syntax)
        .into_iter()
        .filter_map(|s| {
            let statement = &s[sql_text::first_token(s, syntax)?.start..];
            Some((statement, destroyed_by(statement).ok()))
        })
        .collect()
}

/// What the raw SQL of a downgrade loses, statement by statement.
fn raw_losses(sql: &str, syntax: Syntax, out: &mut Vec<Loss>) {
    for (statement, destroys) in raw_statements(sql, syntax) {
        let sql = statement.to_string();
        match destroys {
            None => out.push(Loss::UnreadableSql { sql }),
            Some(d) if d.is_empty() => {}
            Some(d) => {
                let what: Vec<String> = d.iter().map(ToString::to_string).collect();
                out.push(Loss::RawSql {
                    sql,
                    what: what.join(" and "),
                });
            }
        }
    }
}

fn push_ops(ops: &[Op], syntax: Syntax, out: &mut Vec<Loss>) {
    for op in ops {
        match op {
            Op::DropTable { name } => out.push(Loss::DropsTable {
                table: name.to_string(),
                rows: None,
            }),
            Op::DropColumn { table, column } => out.push(Loss::DropsColumn {
                table: table.to_string(),
                column: column.to_string(),
                values: None,
            }),
            Op::AlterColumn {
                table,
                column,
                changes,
            } => {
                for change in changes.iter() {
                    if let ColumnChange::SetType(ty) = change {
                        out.push(Loss::ChangesType {
                            table: table.to_string(),
                            column: column.to_string(),
                            to: ty.to_string(),
                        });
                    }
                }
            }
            Op::Execute { sql } => raw_losses(sql, syntax, out),
            Op::SafetyAssured { ops, .. } => push_ops(ops, syntax, out),
            _ => {}
        }
    }
}

fn dropped_by_upgrade(ops: &[Op], syntax: Syntax, out: &mut Vec<Loss>) {
    for op in ops {
        match op {
            Op::DropTable { name } => out.push(Loss::NotRestored {
                what: name.to_string(),
            }),
            Op::DropColumn { table, column } => out.push(Loss::NotRestored {
                what: format!("{table}.{column}"),
            }),
            Op::Execute { sql } => {
                for d in raw_statements(sql, syntax)
                    .into_iter()
                    .flat_map(|(_, d)| d.unwrap_or_default())
                {
                    match d {
                        Destroys::Table { table } => out.push(Loss::NotRestored { what: table }),
                        Destroys::Column { table, column } => out.push(Loss::NotRestored {
                            what: format!("{table}.{column}"),
                        }),
                        _ => {}
                    }
                }
            }
            Op::SafetyAssured { ops, .. } => dropped_by_upgrade(ops, syntax, out),
            _ => {}
        }
    }
}

/// What undoing `m` loses, from its ops alone, its raw SQL read by `syntax`.
fn losses_of(m: &Migration, syntax: Syntax) -> Vec<Loss> {
    let mut out = Vec::new();
    if let Some(reason) = &m.irreversible {
        out.push(Loss::Irreversible {
            reason: reason.to_string(),
        });
        return out;
    }
    push_ops(&m.downgrade, syntax, &mut out);
    dropped_by_upgrade(&m.upgrade, syntax, &mut out);
    out
}

impl MigrationSet {
    /// What downgrading from `from` to `to` would lose, newest migration
    /// first; migrations that lose nothing are left out. `Relative(n)` in
    /// `to` counts from `from`. Offline: no row counts, and raw SQL read as
    /// PostgreSQL writes it (see [`MigrationSet::data_loss_in`]).
    pub fn data_loss(&self, from: Target<'_>, to: Target<'_>) -> Result<Vec<DataLoss>, Error> {
        self.losses(from, to, Syntax::Postgres)
    }

    fn losses(
        &self,
        from: Target<'_>,
        to: Target<'_>,
        syntax: Syntax,
    ) -> Result<Vec<DataLoss>, Error> {
        let from = self.resolve(from, 0)?;
        let to = self.resolve(to, from)?;
        Ok((to..from)
            .rev()
            .filter_map(|k| {
                let m = self.migrations()[k];
                let losses = losses_of(m, syntax);
                (!losses.is_empty()).then(|| DataLoss {
                    revision: m.revision.to_string(),
                    message: m.message.to_string(),
                    losses,
                })
            })
            .collect())
    }

    /// [`MigrationSet::data_loss`] from where `db` is now down to `to`, with
    /// the rows and values each drop would take, counted in the database as
    /// it is now (where the table or column still exists then), and raw SQL
    /// read as the database's backend reads it.
    pub fn data_loss_in<D: Database + ?Sized>(
        &self,
        db: &mut D,
        to: Target<'_>,
    ) -> Result<Vec<DataLoss>, Error> {
        let current = self.current(db)?;
        let from = current.map_or(Target::Base, Target::Revision);
        let d = db.dialect();
        let mut plan = self.losses(from, to, d.syntax())?;
        let mut number = |sql: String| -> Option<u64> {
            db.query(&sql, 1)
                .ok()?
                .first()
                .and_then(|r| text(r, 0).parse().ok())
        };
        for loss in plan.iter_mut().flat_map(|p| p.losses.iter_mut()) {
            match loss {
                Loss::DropsTable { table, rows } => {
                    *rows = number(format!(
                        "SELECT {} AS c0 FROM {}",
                        d.cast_text("COUNT(*)"),
                        d.quote(table)
                    ));
                }
                Loss::DropsColumn {
                    table,
                    column,
                    values,
                } => {
                    *values = number(format!(
                        "SELECT {} AS c0 FROM {} WHERE {} IS NOT NULL",
                        d.cast_text("COUNT(*)"),
                        d.quote(table),
                        d.quote(column)
                    ));
                }
                _ => {}
            }
        }
        Ok(plan)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The downgrade losses of raw SQL, as the listing prints them.
    fn listed(sql: &str, syntax: Syntax) -> Vec<String> {
        let mut out = Vec::new();
        raw_losses(sql, syntax, &mut out);
        out.iter().map(ToString::to_string).collect()
    }

    fn pg(sql: &str) -> Vec<String> {
        listed(sql, Syntax::Postgres)
    }

    #[test]
    fn raw_sql_that_deletes() {
        assert_eq!(
            pg("DELETE FROM users WHERE id = 1"),
            ["runs `DELETE FROM users WHERE id = 1`, which deletes rows of `users`"]
        );
        assert_eq!(
            pg("  truncate audit_log"),
            ["runs `truncate audit_log`, which deletes every row of `audit_log`"]
        );
        assert_eq!(
            pg("UPDATE a SET b = 1 WHERE id = 2; DROP TABLE c"),
            ["runs `DROP TABLE c`, which drops table `c`"]
        );
        assert_eq!(
            pg("INSERT INTO users (id) VALUES (1)"),
            Vec::<String>::new()
        );
        assert_eq!(pg("UPDATE users SET deleted = true"), Vec::<String>::new());
    }

    #[test]
    fn raw_sql_that_drops_behind_other_words() {
        assert_eq!(
            pg("ALTER TABLE users DROP COLUMN bio"),
            ["runs `ALTER TABLE users DROP COLUMN bio`, which drops column `users.bio`"]
        );
        assert_eq!(
            pg("DROP TABLE IF EXISTS sessions"),
            ["runs `DROP TABLE IF EXISTS sessions`, which drops table `sessions`"]
        );
        assert_eq!(
            pg("WITH gone AS (DELETE FROM sessions RETURNING id) SELECT count(*) FROM gone"),
            ["runs `WITH gone AS (DELETE FROM sessions RETURNING id) SELECT count(*) FROM gone`, which deletes every row of `sessions`"]
        );
        assert_eq!(
            pg("UPDATE users SET tagline = NULL"),
            ["runs `UPDATE users SET tagline = NULL`, which sets `users.tagline` to NULL in every row, erasing the values it held"]
        );
        assert_eq!(
            pg("ALTER TABLE users DROP COLUMN a, DROP COLUMN b"),
            ["runs `ALTER TABLE users DROP COLUMN a, DROP COLUMN b`, which drops column `users.a` and drops column `users.b`"]
        );
        // An index or a view holds no data.
        assert_eq!(
            pg("DROP INDEX IF EXISTS idx_users_email"),
            Vec::<String>::new()
        );
        assert_eq!(pg("DROP VIEW IF EXISTS active_users"), Vec::<String>::new());
    }

    #[test]
    fn raw_sql_it_cannot_read_is_listed() {
        assert_eq!(
            pg("DELETE FROM users; FROBNICATE users"),
            [
                "runs `DELETE FROM users`, which deletes every row of `users`",
                "runs `FROBNICATE users`, raw SQL the listing cannot read: check by hand what it deletes"
            ]
        );
    }

    #[test]
    fn raw_sql_is_split_outside_literals_and_comments() {
        // A `;` inside a literal does not start a statement.
        assert_eq!(
            pg("INSERT INTO log (note) VALUES ('done; DROP TABLE x')"),
            Vec::<String>::new()
        );
        assert_eq!(
            pg("UPDATE t SET note = $$a; delete$$"),
            Vec::<String>::new()
        );
        assert_eq!(pg("UPDATE \"a;DROP\" SET b = 1"), Vec::<String>::new());
        // Nor does one inside a comment, and a comment is not the first word.
        assert_eq!(
            pg("UPDATE t SET b = 1 -- ; DROP TABLE t"),
            Vec::<String>::new()
        );
        assert_eq!(
            pg("-- clean up\nDELETE FROM sessions"),
            ["runs `DELETE FROM sessions`, which deletes every row of `sessions`"]
        );
        assert_eq!(
            pg("/* old rows */ TRUNCATE audit_log"),
            ["runs `TRUNCATE audit_log`, which deletes every row of `audit_log`"]
        );
        assert_eq!(
            pg("UPDATE a SET note = 'x;y'; drop table c"),
            ["runs `drop table c`, which drops table `c`"]
        );
    }

    #[test]
    fn raw_sql_is_read_by_its_backend() {
        // MySQL: `#` starts a comment, and `\'` stays inside a literal.
        assert_eq!(
            listed("# purge\nDELETE FROM t", Syntax::Mysql),
            ["runs `DELETE FROM t`, which deletes every row of `t`"]
        );
        assert_eq!(
            listed("INSERT INTO t VALUES ('it\\'s; DROP')", Syntax::Mysql),
            Vec::<String>::new()
        );
        // Read as PostgreSQL, the `;` ends a statement in the middle of the
        // literal: neither half can be read, and both are listed.
        assert_eq!(pg("INSERT INTO t VALUES ('it\\'s; DROP')").len(), 2);
    }

    #[test]
    fn an_upgrade_that_dropped_with_raw_sql() {
        let mut out = Vec::new();
        let ops = godwit_core::vocabulary::parse_ops(
            r#"op.execute("ALTER TABLE users DROP COLUMN bio; DROP TABLE sessions; DELETE FROM logs");"#,
        )
        .unwrap();
        dropped_by_upgrade(&ops, Syntax::Postgres, &mut out);
        assert_eq!(
            out,
            [
                Loss::NotRestored {
                    what: "users.bio".into()
                },
                Loss::NotRestored {
                    what: "sessions".into()
                },
            ]
        );
    }
}
