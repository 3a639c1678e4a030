//! A migration run op by op (MySQL's DDL, a batched backfill, a concurrent
//! index build), with the version row kept exact: after any fault, a killed
//! process or a dropped connection, the row says which ops are done, and for
//! a backfill which batches.
//!
//! The row's `op_index` is the op running; ops before it are done. How an
//! op is run decides what that row can promise about the op itself:
//!
//! - [`OpClass::Atomic`]: the op's statements and the record that it is done
//!   (`op_index` moved on) commit in one transaction. A fault rolls both
//!   back, so the op is either done and recorded or not run at all.
//!   PostgreSQL and SQLite DDL, and statements that only change or read rows.
//! - [`OpClass::Batched`]: a backfill. Each batch commits together with the
//!   key it reached (`resume_key`); the last one together with the op's
//!   completion. A resumed run continues after the recorded key: no row is
//!   updated twice, none is skipped.
//! - [`OpClass::Outside`]: statements that commit on their own (MySQL DDL,
//!   `CREATE INDEX CONCURRENTLY`); the op is recorded as done right after. A
//!   fault between the two leaves the row one op behind; recovery then reads
//!   the schema back to tell (see `recovery`).

use super::plan::RenderedOp;
use super::statements::{backoff, begin, run_statement, OpFailure};
use super::{version, Options};
use godwit_core::sql_text::{self, Syntax};

use crate::database::Database;
use crate::dialect::{Backfill, Dialect, Statement};

/// How one op is run and recorded, see the module documentation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OpClass {
    /// The op and its completion record commit together.
    Atomic,
    /// A backfill whose batches commit with the key they reached.
    Batched,
    /// Statements that commit on their own.
    Outside,
}

/// Whether a raw statement only changes rows (one INSERT, UPDATE, DELETE or
/// REPLACE), which MySQL runs inside a transaction.
fn is_row_change(sql: &str) -> bool {
    // This runs on MySQL only: its lexical rules find where statements end.
    match sql_text::statements(sql, Syntax::Mysql)[..] {
        [one] => sql_text::first_token(one, Syntax::Mysql).is_some_and(|t| {
            ["INSERT", "UPDATE", "DELETE", "REPLACE"]
                .iter()
                .any(|k| t.is_keyword(k))
        }),
        _ => false,
    }
}

/// How `op` is run on `d` when its migration runs op by op.
pub(crate) fn class(d: Dialect, op: &RenderedOp) -> OpClass {
    let backfills = op
        .statements
        .iter()
        .filter(|s| matches!(s, Statement::Backfill(_)))
        .count();
    if backfills == 1 && op.statements.len() == 1 {
        return OpClass::Batched;
    }
    if backfills > 0 {
        // Batches commit on their own, without a key to resume at.
        return OpClass::Outside;
    }
    match d {
        Dialect::Postgres if op.concurrent => OpClass::Outside,
        Dialect::Postgres | Dialect::Sqlite => OpClass::Atomic,
        Dialect::Mysql => {
            let rows_only = op.statements.iter().all(|s| match s {
                Statement::Sql(sql) => is_row_change(sql),
                Statement::ExpectEmpty { .. } => true,
                Statement::Backfill(_) => false,
            });
            if rows_only {
                OpClass::Atomic
            } else {
                OpClass::Outside
            }
        }
    }
}

/// Announces an op to the log (`--verbose`), with the fields tools can
/// match on: `revision`, `phase`, `op` (1-based) and `of`.
pub(crate) fn announce(op: &RenderedOp, index: usize, of: usize) {
    tracing::debug!(
        revision = op.revision,
        phase = op.phase.name(),
        op = index + 1,
        of,
        "running {}",
        op.text
    );
}

/// Where a run starts: op `op` (0-based), inside a backfill after `key`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Start {
    pub(crate) op: usize,
    pub(crate) key: Option<String>,
}

/// Runs `ops[start.op..]` of migration `revision`, whose version row is
/// already claimed (state `upgrading` or `downgrading`, at op `start.op`),
/// recording each op's completion in it. The last op's completion is
/// `finish()` (the migration's own record: applied, or the row deleted),
/// which saves a write per migration and promises the same: the op and its
/// record commit together, or the record follows the op. Returns whether
/// `finish()` ran (not when there was no op left to run).
pub(crate) fn run<D: Database + ?Sized>(
    db: &mut D,
    ops: &[RenderedOp],
    revision: &str,
    start: Start,
    retry: Option<&Options>,
    finish: &dyn Fn() -> String,
) -> Result<bool, OpFailure> {
    let d = db.dialect();
    let mut key = start.key;
    let finished = start.op < ops.len();
    for (index, op) in ops.iter().enumerate().skip(start.op) {
        let fail = |statement: String| {
            move |cause: diesel::result::Error| OpFailure {
                index,
                statement,
                cause,
            }
        };
        // The row already says op `index` is running: the claim (op 0), the
        // previous op's completion record, or the resume took care of it.
        announce(op, index, ops.len());
        let last = index + 1 == ops.len();
        // Made when it is written, so that `finish` records the time taken.
        let done = || {
            if last {
                finish()
            } else {
                version::op_done(d, revision, index + 1)
            }
        };
        match class(d, op) {
            OpClass::Batched => {
                if let [Statement::Backfill(b)] = op.statements.as_slice() {
                    backfill(db, b, revision, index, key.take(), &done)?;
                }
            }
            OpClass::Atomic => {
                let b = begin(d);
                db.execute(b).map_err(fail(b.to_string()))?;
                let result = op
                    .statements
                    .iter()
                    .try_for_each(|s| statement(db, s, false, retry, index))
                    .and_then(|()| {
                        let done = done();
                        db.execute(&done).map_err(fail(done))
                    })
                    .and_then(|()| db.execute("COMMIT").map_err(fail("COMMIT".into())));
                if let Err(f) = result {
                    let _ = db.execute("ROLLBACK");
                    return Err(f);
                }
            }
            OpClass::Outside => {
                for s in &op.statements {
                    statement(db, s, true, retry, index)?;
                }
                let done = done();
                db.execute(&done).map_err(fail(done))?;
            }
        }
    }
    Ok(finished)
}

/// One statement, tried again after a MySQL metadata-lock timeout (the
/// statement changed nothing).
fn statement<D: Database + ?Sized>(
    db: &mut D,
    s: &Statement,
    own_transactions: bool,
    retry: Option<&Options>,
    index: usize,
) -> Result<(), OpFailure> {
    let mut attempt = 0;
    loop {
        match run_statement(db, s, own_transactions) {
            Ok(()) => return Ok(()),
            Err((statement, cause)) => {
                let failure = OpFailure {
                    index,
                    statement,
                    cause,
                };
                match retry {
                    Some(o) if failure.is_lock_timeout() && attempt < o.retries => {
                        std::thread::sleep(backoff(o.retry_backoff, attempt));
                        attempt += 1;
                    }
                    _ => return Err(failure),
                }
            }
        }
    }
}

/// The batches of a backfill after `last`, each committed with the key it
/// reached; the last one with the op's completion, `done()`.
fn backfill<D: Database + ?Sized>(
    db: &mut D,
    b: &Backfill,
    revision: &str,
    index: usize,
    mut last: Option<String>,
    done: &dyn Fn() -> String,
) -> Result<(), OpFailure> {
    let d = b.dialect;
    let fail = |statement: String| {
        move |cause: diesel::result::Error| OpFailure {
            index,
            statement,
            cause,
        }
    };
    loop {
        let q = b.boundary_query(last.as_deref());
        let upto = db
            .query(&q, 1)
            .map_err(fail(q.clone()))?
            .first()
            .and_then(|r| r.first().cloned().flatten());
        let update = b.batch_update(last.as_deref(), upto.as_deref());
        let record = match &upto {
            Some(k) => version::resume_key(d, revision, Some(k)),
            None => done(),
        };
        let begin = begin(d);
        db.execute(begin).map_err(fail(begin.to_string()))?;
        let result = db
            .execute(&update)
            .map_err(fail(update.clone()))
            .and_then(|()| db.execute(&record).map_err(fail(record.clone())))
            .and_then(|()| db.execute("COMMIT").map_err(fail("COMMIT".into())));
        if let Err(f) = result {
            let _ = db.execute("ROLLBACK");
            return Err(f);
        }
        match upto {
            Some(k) => last = Some(k),
            None => return Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_row_change;

    #[test]
    fn a_row_change_is_one_dml_statement_whatever_its_literals_hold() {
        assert!(is_row_change("UPDATE t SET a = 'x;y' WHERE b = 1;"));
        assert!(is_row_change(
            "-- fix the names\nDELETE FROM t WHERE a = 'it\\'s; gone'"
        ));
        assert!(is_row_change("insert into `a;b` values (1)"));
        assert!(!is_row_change("UPDATE t SET a = 1; DELETE FROM t"));
        assert!(!is_row_change("ALTER TABLE t ADD COLUMN c INT"));
        assert!(!is_row_change("SELECT 'UPDATE'"));
    }
}
