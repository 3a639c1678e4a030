//! Running rendered statements: an op's plain SQL batched into one round
//! trip, a check query, a backfill's batches; and what a failure of one of
//! them says (which op, which statement, the database's error).

use std::time::Duration;

use super::plan::RenderedOp;
use super::recorded;
use crate::database::Database;
use crate::dialect::{Dialect, Statement};
use crate::Error;

/// A failure inside a migration: which op, which statement, what error.
pub(crate) struct OpFailure {
    pub(crate) index: usize,
    pub(crate) statement: String,
    pub(crate) cause: diesel::result::Error,
}

impl OpFailure {
    /// Whether the statement gave up waiting for a lock (and so changed
    /// nothing, and may be tried again).
    pub(crate) fn is_lock_timeout(&self) -> bool {
        let msg = self.cause.to_string().to_ascii_lowercase();
        msg.contains("lock timeout") || msg.contains("lock wait timeout")
    }
}

/// The statement that opens a migration's transaction.
pub(crate) fn begin(d: Dialect) -> &'static str {
    match d {
        // Takes the write lock now, so that a second process waits here
        // (busy timeout) instead of failing later on.
        Dialect::Sqlite => "BEGIN IMMEDIATE",
        Dialect::Postgres => "BEGIN",
        Dialect::Mysql => "START TRANSACTION",
    }
}

/// The pause before retry number `n` (0-based): `base`, doubled each time.
pub(crate) fn backoff(base: Duration, n: u32) -> Duration {
    base.saturating_mul(1u32 << n.min(16))
}

/// Runs the rendered ops in order (op-by-op runs go through `recorded`;
/// this is the path inside one transaction), with `first` (a `BEGIN`) sent
/// at the head of the first batch: one round trip fewer per migration. A
/// failure of the batch is the first op's, and shows the batch without
/// `first`. With `batches_commit`, a backfill commits each batch on its own.
///
/// An op's consecutive plain statements go to the server as one batch (one
/// round trip); a failure still names its op, and shows the batch.
pub(crate) fn run_ops_after<D: Database + ?Sized>(
    db: &mut D,
    mut first: Option<&str>,
    ops: &[RenderedOp],
    batches_commit: bool,
) -> Result<(), OpFailure> {
    for (index, op) in ops.iter().enumerate() {
        recorded::announce(op, index, ops.len());
        let mut pending = String::new();
        // How much of `pending` is `first` and its separator.
        let mut head = 0;
        let mut statements = op.statements.iter().peekable();
        while let Some(s) = statements.next() {
            let fail = |statement: String, cause| OpFailure {
                index,
                statement,
                cause,
            };
            if let Statement::Sql(sql) = s {
                if let Some(first) = first.take() {
                    join(&mut pending, first);
                    head = pending.len() + SEPARATOR.len();
                }
                join(&mut pending, sql);
                if matches!(statements.peek(), Some(Statement::Sql(_))) {
                    continue;
                }
                let batch = std::mem::take(&mut pending);
                let own = std::mem::take(&mut head);
                tracing::debug!(statement = %batch, "executing");
                db.execute(&batch)
                    .map_err(|e| fail(batch[own..].to_string(), e))?;
                continue;
            }
            if let Some(first) = first.take() {
                db.execute(first).map_err(|e| fail(first.to_string(), e))?;
            }
            run_statement(db, s, batches_commit)
                .map_err(|(statement, cause)| fail(statement, cause))?;
        }
    }
    Ok(())
}

/// What [`join`] puts between two statements.
const SEPARATOR: &str = "\n;\n";

/// Appends `sql` to a batch of statements. The separator stands on a line
/// of its own, so that a statement ending in a `--` comment cannot swallow it.
pub(crate) fn join(batch: &mut String, sql: &str) {
    if !batch.is_empty() {
        batch.push_str(SEPARATOR);
    }
    batch.push_str(sql);
}

/// Runs one statement; a backfill in batches, each its own transaction
/// with `own_transactions`. A failure names the statement that failed.
pub(crate) fn run_statement<D: Database + ?Sized>(
    db: &mut D,
    statement: &Statement,
    own_transactions: bool,
) -> Result<(), (String, diesel::result::Error)> {
    tracing::debug!(statement = ?statement, "executing");
    match statement {
        Statement::Sql(sql) => db.execute(sql).map_err(|e| (sql.clone(), e)),
        Statement::ExpectEmpty { sql, violation } => match db.has_rows(sql) {
            Ok(false) => Ok(()),
            Ok(true) => Err((
                sql.clone(),
                diesel::result::Error::QueryBuilderError(violation.clone().into()),
            )),
            Err(e) => Err((sql.clone(), e)),
        },
        Statement::Backfill(b) => {
            let mut last: Option<String> = None;
            loop {
                let q = b.boundary_query(last.as_deref());
                let upto = db
                    .query(&q, 1)
                    .map_err(|e| (q.clone(), e))?
                    .first()
                    .and_then(|r| r.first().cloned().flatten());
                let update = b.batch_update(last.as_deref(), upto.as_deref());
                if own_transactions {
                    let begin = begin(b.dialect);
                    db.execute(begin).map_err(|e| (begin.to_string(), e))?;
                }
                if let Err(e) = db.execute(&update) {
                    if own_transactions {
                        let _ = db.execute("ROLLBACK");
                    }
                    return Err((update, e));
                }
                if own_transactions {
                    db.execute("COMMIT")
                        .map_err(|e| ("COMMIT".to_string(), e))?;
                }
                match upto {
                    Some(k) => last = Some(k),
                    None => return Ok(()),
                }
            }
        }
    }
}

/// Runs `statements` (writes to the version table) in one transaction,
/// rolled back at the first that fails; `what` says what they record.
pub(crate) fn write_rows<D: Database + ?Sized>(
    db: &mut D,
    statements: &[String],
    what: &str,
) -> Result<(), Error> {
    let begin = begin(db.dialect());
    for s in std::iter::once(begin)
        .chain(statements.iter().map(String::as_str))
        .chain(["COMMIT"])
    {
        if let Err(e) = db.execute(s) {
            let _ = db.execute("ROLLBACK");
            return Err(Error::database(format!("recording {what} with `{s}`"), e));
        }
    }
    Ok(())
}
