//! What a downgrade would lose, before it runs.
//!
//! Undoing a migration loses data when its downgrade drops a table or a
//! column (the rows and values written since are gone), changes a column's
//! type (values that do not fit are cut or refused), or deletes rows with raw
//! SQL; and when its upgrade dropped data that undoing it cannot bring back
//! (the column comes back, empty). An irreversible migration is not undone
//! at all.
//!
//! [`MigrationSet::downgrade`] does not check this: it undoes what it is told
//! to (refusing only an irreversible migration). The command line asks
//! [`MigrationSet::data_loss`] first and refuses without `--allow-data-loss`.

use std::fmt::{self, Display, Formatter};

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
            Loss::RawSql { sql } => write!(f, "runs `{sql}`, which deletes data"),
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

/// Whether raw SQL deletes or drops data: one of its statements starts with
/// DELETE, TRUNCATE or DROP (a `;` or a keyword inside a literal, a quoted
/// name or a comment does not count).
fn deletes(sql: &str, syntax: Syntax) -> bool {
    sql_text::statements(sql, syntax)
        .into_iter()
        .filter_map(|s| sql_text::first_token(s, syntax))
        .any(|t| {
            ["DELETE", "TRUNCATE", "DROP"]
                .iter()
                .any(|k| t.is_keyword(k))
        })
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
            Op::Execute { sql } if deletes(sql, syntax) => out.push(Loss::RawSql {
                sql: sql.to_string(),
            }),
            Op::SafetyAssured { ops, .. } => push_ops(ops, syntax, out),
            _ => {}
        }
    }
}

fn dropped_by_upgrade(ops: &[Op], out: &mut Vec<Loss>) {
    for op in ops {
        match op {
            Op::DropTable { name } => out.push(Loss::NotRestored {
                what: name.to_string(),
            }),
            Op::DropColumn { table, column } => out.push(Loss::NotRestored {
                what: format!("{table}.{column}"),
            }),
            Op::SafetyAssured { ops, .. } => dropped_by_upgrade(ops, out),
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
    dropped_by_upgrade(&m.upgrade, &mut out);
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

    #[test]
    fn raw_sql_that_deletes() {
        let deletes = |sql| deletes(sql, Syntax::Postgres);
        assert!(deletes("DELETE FROM users WHERE id = 1"));
        assert!(deletes("  truncate audit_log"));
        assert!(deletes("UPDATE a SET b = 1; DROP TABLE c"));
        assert!(!deletes("INSERT INTO users (id) VALUES (1)"));
        assert!(!deletes("UPDATE users SET deleted = true"));
    }

    #[test]
    fn raw_sql_is_split_outside_literals_and_comments() {
        let deletes = |sql| deletes(sql, Syntax::Postgres);
        // A `;` inside a literal does not start a statement.
        assert!(!deletes(
            "INSERT INTO log (note) VALUES ('done; DROP TABLE x')"
        ));
        assert!(!deletes("UPDATE t SET note = $$a; delete$$"));
        assert!(!deletes("UPDATE \"a;DROP\" SET b = 1"));
        // Nor does one inside a comment, and a comment is not the first word.
        assert!(!deletes("UPDATE t SET b = 1 -- ; DROP TABLE t"));
        assert!(deletes("-- clean up\nDELETE FROM sessions"));
        assert!(deletes("/* old rows */ TRUNCATE audit_log"));
        assert!(deletes("UPDATE a SET note = 'x;y'; drop table c"));
    }

    #[test]
    fn raw_sql_is_read_by_its_backend() {
        // MySQL: `#` starts a comment, and `\'` stays inside a literal.
        assert!(deletes("# purge\nDELETE FROM t", Syntax::Mysql));
        assert!(!deletes(
            "INSERT INTO t VALUES ('it\\'s; DROP')",
            Syntax::Mysql
        ));
        assert!(deletes(
            "INSERT INTO t VALUES ('it\\'s; DROP')",
            Syntax::Postgres
        ));
    }
}
