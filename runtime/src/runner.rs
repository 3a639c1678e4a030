//! The runner: applies the set to a database, keeps the version table, and
//! refuses to run when the database and the binary disagree.
//!
//! A start-up with nothing to do reads the version table once, without the
//! lock, and stops there when every row checks out. Otherwise, under a
//! database lock held for the whole run: read the version table once, check
//! every applied migration's checksum, replay the schema model up to there,
//! then one migration at a time: render its ops for the backend from the
//! model (carried forward from one migration to the next), run them in one
//! transaction where the backend allows and record the result in the same
//! transaction; where it does not (MySQL DDL, a concurrent index build, a
//! batched backfill), record progress per op so that a failure leaves a row
//! saying exactly which op failed.

use std::time::{Duration, Instant};

use godwit_core::schema::Schema;
use godwit_core::{Migration, Op, Phase};

use crate::database::{text, Database, Row};
use crate::dialect::{Dialect, Statement};
use crate::{Error, MigrationSet};

mod recorded;
mod recovery;
mod session;

pub(crate) use session::{restore_foreign_keys, sqlite_foreign_keys_off};

/// The table in which godwit records applied migrations.
pub const VERSION_TABLE: &str = "godwit_version";

/// Where to migrate to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target<'a> {
    /// The newest migration of the set.
    Head,
    /// Before the first migration: an empty schema.
    Base,
    /// Up to and including this revision.
    Revision(&'a str),
    /// This many migrations after (positive) or before (negative) the current one.
    Relative(i32),
}

/// How the runner waits, times out and retries. `Options::default()` is what
/// [`MigrationSet::upgrade`] uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// PostgreSQL `lock_timeout` (MySQL `lock_wait_timeout`) while a
    /// migration runs: how long one statement may wait for a table lock
    /// before it gives up, so that it does not queue every other query
    /// behind it. Default 5 s.
    pub lock_timeout: Duration,
    /// PostgreSQL `statement_timeout` while a migration runs; `None` for no
    /// limit (the default).
    pub statement_timeout: Option<Duration>,
    /// How many times a migration is tried again after its lock wait timed
    /// out. Default 3.
    pub retries: u32,
    /// The pause before the first retry, doubled for each further one. Default 1 s.
    pub retry_backoff: Duration,
    /// How long to wait for another process that holds the migration lock
    /// (and, on SQLite, the busy timeout). Default 10 min.
    pub lock_wait: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            lock_timeout: Duration::from_secs(5),
            statement_timeout: None,
            retries: 3,
            retry_backoff: Duration::from_secs(1),
            lock_wait: Duration::from_secs(600),
        }
    }
}

/// What `upgrade` or `downgrade` did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// The revision before (`None`: base).
    pub from: Option<&'static str>,
    /// The revision after (`None`: base).
    pub to: Option<&'static str>,
    /// The migrations this process ran, in order.
    pub steps: Vec<Step>,
}

/// One migration run by this process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// The migration.
    pub revision: &'static str,
    /// Its message.
    pub message: &'static str,
    /// Upgrade or downgrade.
    pub phase: Phase,
    /// How long it took.
    pub duration: Duration,
    /// How many tries it took (more than 1 after a lock timeout).
    pub attempts: u32,
    /// The op (1-based) this run resumed at, when it finished a migration
    /// that an earlier run left half-applied.
    pub resumed_at: Option<usize>,
}

/// One row of the version table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppliedRecord {
    /// The revision.
    pub revision: String,
    /// Its message when applied.
    pub message: String,
    /// Its checksum when applied.
    pub checksum: String,
    /// `applied`, or the state of a migration that did not complete
    /// (`upgrading`, `upgrade_failed`, `downgrading`, `downgrade_failed`).
    pub state: String,
    /// The index (0-based) of the op running or failed, when not applied.
    pub op_index: Option<usize>,
    /// The error that stopped it, when it failed.
    pub error: Option<String>,
    /// When it was applied (the database's clock, as text).
    pub applied_at: String,
    /// How long it took, in milliseconds.
    pub execution_ms: i64,
    /// While a batched backfill op runs: the primary key its committed
    /// batches reached, where a resumed run continues.
    pub resume_key: Option<String>,
}

impl AppliedRecord {
    /// Whether a process is (or was, until it stopped) running this
    /// migration op by op.
    pub fn in_progress(&self) -> bool {
        self.state == "upgrading" || self.state == "downgrading"
    }
}

/// One migration of the set, and what the database says about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryEntry {
    /// The revision.
    pub revision: String,
    /// The message.
    pub message: String,
    /// Why it cannot be undone, if so.
    pub irreversible: Option<String>,
    /// The reasons given to `op.safety_assured(..)` in its upgrade.
    pub safety_reasons: Vec<String>,
    /// Whether this binary knows it (false: only the database does).
    pub known: bool,
    /// Its row in the version table, if applied (or half-applied).
    pub record: Option<AppliedRecord>,
}

/// The ops of one migration body, rendered for one dialect.
pub(crate) struct RenderedOp {
    /// The migration it belongs to.
    revision: &'static str,
    /// The body it belongs to.
    phase: Phase,
    /// The op as written.
    pub(crate) text: String,
    statements: Vec<Statement>,
    /// `CREATE INDEX CONCURRENTLY` of this index: dropped again if it fails.
    concurrent_index: Option<String>,
    /// Runs outside a transaction (a concurrent index op).
    concurrent: bool,
}

/// A failure inside a migration: which op, which statement, what error.
pub(crate) struct OpFailure {
    pub(crate) index: usize,
    pub(crate) statement: String,
    pub(crate) cause: diesel::result::Error,
}

impl OpFailure {
    fn is_lock_timeout(&self) -> bool {
        let msg = self.cause.to_string().to_ascii_lowercase();
        msg.contains("lock timeout") || msg.contains("lock wait timeout")
    }
}

fn sql_string(d: Dialect, s: &str) -> String {
    d.string_literal(s)
}

/// The statements that keep the version table, per dialect.
pub(crate) mod version {
    use super::*;

    pub fn create_table(d: Dialect) -> String {
        let q = |s: &str| d.quote(s);
        let (rev, ts, now) = match d {
            Dialect::Mysql => ("VARCHAR(191)", "DATETIME(6)", "CURRENT_TIMESTAMP(6)"),
            Dialect::Postgres => ("VARCHAR(255)", "TIMESTAMPTZ", "CURRENT_TIMESTAMP"),
            Dialect::Sqlite => ("VARCHAR(255)", "TIMESTAMP", "CURRENT_TIMESTAMP"),
        };
        format!(
            "CREATE TABLE IF NOT EXISTS {} (\n    {} {rev} NOT NULL PRIMARY KEY,\n    {} INTEGER NOT NULL,\n    {} TEXT NOT NULL,\n    {} VARCHAR(64) NOT NULL,\n    {} VARCHAR(20) NOT NULL,\n    {} INTEGER NULL,\n    {} TEXT NULL,\n    {} {ts} NOT NULL DEFAULT {now},\n    {} BIGINT NOT NULL DEFAULT 0,\n    {} TEXT NULL\n)",
            q(VERSION_TABLE),
            q("revision"),
            q("position"),
            q("message"),
            q("checksum"),
            q("state"),
            q("op_index"),
            q("error"),
            q("applied_at"),
            q("execution_ms"),
            q("resume_key"),
        )
    }

    /// Adds `resume_key` to a version table created before it existed.
    pub fn add_resume_key(d: Dialect) -> String {
        format!(
            "ALTER TABLE {} ADD COLUMN {} TEXT NULL",
            d.quote(VERSION_TABLE),
            d.quote("resume_key")
        )
    }

    /// Fails when the version table has no `resume_key` column.
    pub fn probe_resume_key(d: Dialect) -> String {
        format!(
            "SELECT {} AS c0 FROM {} WHERE 1 = 0",
            d.quote("resume_key"),
            d.quote(VERSION_TABLE)
        )
    }

    /// Records that the ops before `next` are done (and clears the key).
    pub fn op_done(d: Dialect, revision: &str, next: usize) -> String {
        let q = |s: &str| d.quote(s);
        format!(
            "UPDATE {} SET {} = {next}, {} = NULL WHERE {} = {}",
            q(VERSION_TABLE),
            q("op_index"),
            q("resume_key"),
            q("revision"),
            sql_string(d, revision)
        )
    }

    /// Records the key a backfill's committed batches reached.
    pub fn resume_key(d: Dialect, revision: &str, key: Option<&str>) -> String {
        let q = |s: &str| d.quote(s);
        format!(
            "UPDATE {} SET {} = {} WHERE {} = {}",
            q(VERSION_TABLE),
            q("resume_key"),
            key.map_or("NULL".to_string(), |k| sql_string(d, k)),
            q("revision"),
            sql_string(d, revision)
        )
    }

    pub fn insert(
        d: Dialect,
        m: &Migration,
        position: usize,
        state: &str,
        execution_ms: u128,
    ) -> String {
        let op_index = if state == "applied" { "NULL" } else { "0" };
        format!(
            "{}{}",
            insert_into(d),
            row(d, m, position, state, op_index, execution_ms)
        )
    }

    /// `INSERT INTO godwit_version (..) VALUES `, the columns of [`row`].
    fn insert_into(d: Dialect) -> String {
        let q = |s: &str| d.quote(s);
        format!(
            "INSERT INTO {} ({}, {}, {}, {}, {}, {}, {}) VALUES ",
            q(VERSION_TABLE),
            q("revision"),
            q("position"),
            q("message"),
            q("checksum"),
            q("state"),
            q("op_index"),
            q("execution_ms"),
        )
    }

    /// One row of values for [`insert_into`].
    fn row(
        d: Dialect,
        m: &Migration,
        position: usize,
        state: &str,
        op_index: &str,
        execution_ms: u128,
    ) -> String {
        format!(
            "({}, {position}, {}, {}, {}, {op_index}, {execution_ms})",
            sql_string(d, &m.revision),
            sql_string(d, &m.message),
            sql_string(d, &m.checksum),
            sql_string(d, state),
        )
    }

    pub fn progress(
        d: Dialect,
        revision: &str,
        state: &str,
        op_index: usize,
        error: Option<&str>,
    ) -> String {
        let q = |s: &str| d.quote(s);
        format!(
            "UPDATE {} SET {} = {}, {} = {op_index}, {} = {} WHERE {} = {}",
            q(VERSION_TABLE),
            q("state"),
            sql_string(d, state),
            q("op_index"),
            q("error"),
            error.map_or("NULL".to_string(), |e| sql_string(d, e)),
            q("revision"),
            sql_string(d, revision)
        )
    }

    pub fn finish(d: Dialect, m: &Migration, execution_ms: u128) -> String {
        let q = |s: &str| d.quote(s);
        format!(
            "UPDATE {} SET {} = 'applied', {} = NULL, {} = NULL, {} = NULL, {} = {}, {} = {}, {} = {execution_ms}, {} = CURRENT_TIMESTAMP WHERE {} = {}",
            q(VERSION_TABLE),
            q("state"),
            q("op_index"),
            q("error"),
            q("resume_key"),
            q("checksum"),
            sql_string(d, &m.checksum),
            q("message"),
            sql_string(d, &m.message),
            q("execution_ms"),
            q("applied_at"),
            q("revision"),
            sql_string(d, &m.revision)
        )
    }

    /// MySQL: [`version::finish`] for `m`, and the claim of `next` (at
    /// `position`, op 0) in the same statement, so that one durable write
    /// ends a migration and starts the next. `m`'s row exists (it was
    /// claimed), `next`'s does not (the lock is held and the table was read).
    pub fn finish_and_claim(
        m: &Migration,
        execution_ms: u128,
        next: &Migration,
        position: usize,
    ) -> String {
        let d = Dialect::Mysql;
        let q = |s: &str| d.quote(s);
        let update = |c: &str| format!("{} = VALUES({})", q(c), q(c));
        format!(
            "{}{}, {} ON DUPLICATE KEY UPDATE {}, {}, {} = NULL, {} = NULL, {}, {}, {}, {} = CURRENT_TIMESTAMP",
            insert_into(d),
            row(d, m, position - 1, "applied", "NULL", execution_ms),
            row(d, next, position, "upgrading", "0", 0),
            update("state"),
            update("op_index"),
            q("error"),
            q("resume_key"),
            update("checksum"),
            update("message"),
            update("execution_ms"),
            q("applied_at"),
        )
    }

    pub fn delete(d: Dialect, revision: &str) -> String {
        format!(
            "DELETE FROM {} WHERE {} = {}",
            d.quote(VERSION_TABLE),
            d.quote("revision"),
            sql_string(d, revision)
        )
    }

    pub fn select(d: Dialect) -> String {
        let q = |s: &str| d.quote(s);
        let t = |s: &str| d.cast_text(&q(s));
        format!(
            "SELECT {} AS c0, {} AS c1, {} AS c2, {} AS c3, {} AS c4, {} AS c5, {} AS c6, {} AS c7, {} AS c8, {} AS c9 FROM {} ORDER BY {}",
            q("revision"),
            t("position"),
            q("message"),
            q("checksum"),
            q("state"),
            t("op_index"),
            q("error"),
            t("applied_at"),
            t("execution_ms"),
            q("resume_key"),
            q(VERSION_TABLE),
            q("position")
        )
    }

    /// What [`MigrationSet::already_at`] reads: "<checksum><revision>" for
    /// each applied row, in no particular order, joined by the server into
    /// one value (a thousand rows cross the driver as one), and the count of
    /// rows beside it. Two strings joined and no separator: each `||` costs
    /// SQLite a string per row.
    ///
    /// SQLite and PostgreSQL: a row in another state gives no line, and then
    /// the lines fall short of the rows. MySQL: every row gives a line
    /// (`GROUP_CONCAT` joins its arguments, where `CONCAT` or `CASE` would
    /// cost MariaDB an expression per row), and a third column counts the
    /// rows in another state. MySQL cuts the joined value at
    /// `group_concat_max_len` (1 MiB by default on MariaDB, 1 KiB on MySQL),
    /// anywhere, also inside a line: MySQL 8 raises it for this statement
    /// (`SET_VAR`; MariaDB reads the hint as a comment), and when the lines
    /// do not check out [`version::select_applied_rows`] reads them again, a
    /// line per row.
    pub fn select_applied(d: Dialect) -> String {
        let q = |s: &str| d.quote(s);
        let (checksum, state, revision, table) =
            (q("checksum"), q("state"), q("revision"), q(VERSION_TABLE));
        let line = |concat: String| format!("CASE WHEN {state} = 'applied' THEN {concat} END");
        match d {
            Dialect::Sqlite => format!(
                "SELECT group_concat({}, char(10)) AS c0, CAST(count(*) AS TEXT) AS c1 FROM {table}",
                line(format!("{checksum} || {revision}"))
            ),
            Dialect::Postgres => format!(
                "SELECT string_agg({}, E'\\n') AS c0, CAST(count(*) AS TEXT) AS c1 FROM {table}",
                line(format!("{checksum} || {revision}"))
            ),
            // A newline character inside the literal: `'\\n'` would be two
            // characters under NO_BACKSLASH_ESCAPES.
            Dialect::Mysql => format!(
                "SELECT /*+ SET_VAR(group_concat_max_len = 4294967295) */ \
                 GROUP_CONCAT({checksum}, {revision} SEPARATOR '\n') AS c0, CAST(COUNT(*) AS CHAR) AS c1, \
                 CAST(COUNT(NULLIF({state}, 'applied')) AS CHAR) AS c2 FROM {table}"
            ),
        }
    }

    /// MySQL, when `GROUP_CONCAT` was cut: a line per row, NULL for a row
    /// in another state.
    pub fn select_applied_rows() -> String {
        let q = |s: &str| Dialect::Mysql.quote(s);
        format!(
            "SELECT CASE WHEN {} = 'applied' THEN CONCAT({}, {}) END AS c0 FROM {}",
            q("state"),
            q("checksum"),
            q("revision"),
            q(VERSION_TABLE)
        )
    }

    pub fn exists(d: Dialect) -> String {
        match d {
            Dialect::Postgres => format!(
                "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = '{VERSION_TABLE}'"
            ),
            Dialect::Mysql => format!(
                "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '{VERSION_TABLE}'"
            ),
            Dialect::Sqlite => format!(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '{VERSION_TABLE}'"
            ),
        }
    }

    pub fn parse(row: &Row) -> AppliedRecord {
        AppliedRecord {
            revision: text(row, 0).to_string(),
            message: text(row, 2).to_string(),
            checksum: text(row, 3).to_string(),
            state: text(row, 4).to_string(),
            op_index: row.get(5).and_then(|c| c.as_deref()?.parse().ok()),
            error: row.get(6).and_then(|c| c.clone()),
            applied_at: text(row, 7).to_string(),
            execution_ms: text(row, 8).parse().unwrap_or(0),
            resume_key: row.get(9).and_then(|c| c.clone()),
        }
    }
}

pub(crate) fn begin(d: Dialect) -> &'static str {
    match d {
        // Takes the write lock now, so that a second process waits here
        // (busy timeout) instead of failing later on.
        Dialect::Sqlite => "BEGIN IMMEDIATE",
        Dialect::Postgres => "BEGIN",
        Dialect::Mysql => "START TRANSACTION",
    }
}

fn stamp_command(revision: &str) -> String {
    format!(
        "`stamp {revision}` (in Rust: `MIGRATIONS.stamp(&mut conn, Target::Revision(\"{revision}\"))`)"
    )
}

fn base_stamp_command() -> String {
    "`stamp base` (in Rust: `MIGRATIONS.stamp(&mut conn, Target::Base)`)".to_string()
}

impl MigrationSet {
    /// Upgrades the database to `target` with the default [`Options`].
    pub fn upgrade<D: Database + ?Sized>(
        &self,
        db: &mut D,
        target: Target<'_>,
    ) -> Result<Report, Error> {
        self.upgrade_with(db, target, &Options::default())
    }

    /// Downgrades the database to `target` with the default [`Options`]
    /// (see [`MigrationSet::downgrade_with`]: data loss is not checked here).
    pub fn downgrade<D: Database + ?Sized>(
        &self,
        db: &mut D,
        target: Target<'_>,
    ) -> Result<Report, Error> {
        self.downgrade_with(db, target, &Options::default())
    }

    /// Upgrades the database to `target`: takes the migration lock, checks
    /// the applied migrations against the embedded ones, applies the pending
    /// ones in order, releases the lock.
    pub fn upgrade_with<D: Database + ?Sized>(
        &self,
        db: &mut D,
        target: Target<'_>,
        options: &Options,
    ) -> Result<Report, Error> {
        if let Some(report) = self.already_at(db, target) {
            return Ok(report);
        }
        self.locked(db, options, |set, db| {
            set.migrate(db, target, Phase::Upgrade, options)
        })
    }

    /// Downgrades the database to `target` (refusing to undo an
    /// irreversible migration).
    ///
    /// It does not ask whether the downgrade loses data: it undoes what it
    /// is told, dropping the tables and columns the downgrades drop. Ask
    /// [`MigrationSet::data_loss_in`] first, as the command line does
    /// (which refuses without `--allow-data-loss`).
    pub fn downgrade_with<D: Database + ?Sized>(
        &self,
        db: &mut D,
        target: Target<'_>,
        options: &Options,
    ) -> Result<Report, Error> {
        if let Some(report) = self.already_at(db, target) {
            return Ok(report);
        }
        self.locked(db, options, |set, db| {
            set.migrate(db, target, Phase::Downgrade, options)
        })
    }

    /// The report of a run with nothing to do, when one read of the version
    /// table, without the lock, shows the database exactly at `target`:
    /// every row a migration of this set, in chain order, applied, with the
    /// embedded checksum. That is the start of every deploy after the first,
    /// and it then costs one query. The lock only orders writers; a run that
    /// writes nothing need not wait for it. Anything else (no table, a
    /// half-applied or unknown row, a changed checksum, work to do) goes the
    /// locked way, which says what is wrong or does the work.
    fn already_at<D: Database + ?Sized>(&self, db: &mut D, target: Target<'_>) -> Option<Report> {
        let d = db.dialect();
        let mysql = d == Dialect::Mysql;
        let read = db
            .query(&version::select_applied(d), if mysql { 3 } else { 2 })
            .ok()?;
        let row = read.first()?;
        let rows: usize = text(row, 1).parse().ok()?;
        if mysql && text(row, 2) != "0" {
            return None;
        }
        let joined = row.first().and_then(|c| c.as_deref());
        let lines: Vec<&str> = joined.map_or_else(Vec::new, |j| j.split('\n').collect());
        let mut at = self.settled_at(&lines, rows);
        if mysql && at.is_none() {
            // Maybe cut at group_concat_max_len: read a line per row. (Also
            // when a row does differ, on the way to the locked read.)
            let per_row = db.query(&version::select_applied_rows(), 1).ok()?;
            let lines: Vec<&str> = per_row
                .iter()
                .map(|row| row.first().and_then(|c| c.as_deref()))
                .collect::<Option<_>>()?;
            at = self.settled_at(&lines, per_row.len());
        }
        let at = at?;
        (self.resolve(target, at).ok()? == at).then(|| Report {
            from: self.revision_at(at),
            to: self.revision_at(at),
            steps: Vec::new(),
        })
    }

    /// `Some(n)` when `lines` ("<checksum><revision>", one per row of `rows`)
    /// are exactly the first `n` migrations of the chain, in any order.
    fn settled_at(&self, lines: &[&str], rows: usize) -> Option<usize> {
        let at = lines.len();
        if at != rows || at > self.len() {
            return None;
        }
        // Row i is nearly always migration i (rows come back in the order
        // they were written); a lookup by revision is the exception.
        let mut by_revision: Option<std::collections::HashMap<&str, usize>> = None;
        let mut seen = vec![false; at];
        for (i, line) in lines.iter().enumerate() {
            let here = |p: usize| {
                self.revision_and_checksum(p)
                    .and_then(|(revision, checksum)| {
                        (line.strip_prefix(checksum) == Some(revision)).then_some(p)
                    })
            };
            let p = match here(i) {
                Some(p) => p,
                None => {
                    let index = by_revision.get_or_insert_with(|| {
                        (0..self.len())
                            .filter_map(|p| Some((self.revision(p)?, p)))
                            .collect()
                    });
                    let (_, checksum) = self.revision_and_checksum(0)?;
                    let revision = line.get(checksum.len()..)?;
                    here(*index.get(revision)?)?
                }
            };
            // Distinct positions below `at`, `at` of them: exactly the first
            // `at` migrations of the chain.
            if p >= at || seen[p] {
                return None;
            }
            seen[p] = true;
        }
        Some(at)
    }

    /// The revision the database is at (`None`: base, or no version table).
    pub fn current<D: Database + ?Sized>(&self, db: &mut D) -> Result<Option<&'static str>, Error> {
        // Wherever the database is, if every row checks out, it is there.
        if let Some(report) = self.already_at(db, Target::Relative(0)) {
            return Ok(report.to);
        }
        if !has_version_table(db)? {
            return Ok(None);
        }
        let records = read_records(db)?;
        let position = self.applied_count(db.dialect(), &records, false)?;
        Ok(self.revision_at(position))
    }

    /// Every migration of the set with its row in the version table, base
    /// first; revisions only the database knows come last.
    pub fn history<D: Database + ?Sized>(&self, db: &mut D) -> Result<Vec<HistoryEntry>, Error> {
        let records = if has_version_table(db)? {
            read_records(db)?
        } else {
            Vec::new()
        };
        let mut out: Vec<HistoryEntry> = self
            .migrations()
            .iter()
            .map(|m| HistoryEntry {
                revision: m.revision.to_string(),
                message: m.message.to_string(),
                irreversible: m.irreversible.as_ref().map(|r| r.to_string()),
                safety_reasons: m.safety_reasons().iter().map(|r| r.to_string()).collect(),
                known: true,
                record: records.iter().find(|r| r.revision == *m.revision).cloned(),
            })
            .collect();
        for r in &records {
            if self.get(&r.revision).is_none() {
                out.push(HistoryEntry {
                    revision: r.revision.clone(),
                    message: r.message.clone(),
                    irreversible: None,
                    safety_reasons: Vec::new(),
                    known: false,
                    record: Some(r.clone()),
                });
            }
        }
        Ok(out)
    }

    /// Records that the database is at `target` without running anything:
    /// the version table is rewritten to list exactly the migrations up to
    /// it, as applied, with the embedded checksums. This is how a
    /// half-applied migration finished (or undone) by hand is resolved.
    pub fn stamp<D: Database + ?Sized>(&self, db: &mut D, target: Target<'_>) -> Result<(), Error> {
        let options = Options::default();
        self.locked(db, &options, |set, db| {
            let d = db.dialect();
            let records = read_records(db)?;
            let current = records
                .iter()
                .filter(|r| r.state == "applied")
                .filter_map(|r| set.position_of(&r.revision))
                .map(|p| p + 1)
                .max()
                .unwrap_or(0);
            let to = set.resolve(target, current)?;
            let mut statements = vec![begin(d).to_string()];
            for r in &records {
                if set.position_of(&r.revision).map_or(true, |p| p >= to) {
                    statements.push(version::delete(d, &r.revision));
                }
            }
            for (i, m) in set.migrations()[..to].iter().enumerate() {
                if records.iter().any(|r| r.revision == *m.revision) {
                    statements.push(version::finish(d, m, 0));
                } else {
                    statements.push(version::insert(d, m, i, "applied", 0));
                }
            }
            statements.push("COMMIT".into());
            for s in &statements {
                if let Err(e) = db.execute(s) {
                    let _ = db.execute("ROLLBACK");
                    return Err(Error::database(
                        format!("recording the stamp with `{s}`"),
                        e,
                    ));
                }
            }
            Ok(())
        })
    }

    /// The SQL that `upgrade` (or `downgrade`, when `to` is before `from`)
    /// would run between two targets, with the version-table statements,
    /// without a connection. `Relative(n)` in `from` counts from the base;
    /// in `to`, from `from`.
    pub fn sql(&self, dialect: Dialect, from: Target<'_>, to: Target<'_>) -> Result<String, Error> {
        let from = self.resolve(from, 0)?;
        let to = self.resolve(to, from)?;
        let d = dialect;
        let mut out = format!(
            "-- godwit: {} from {} to {} ({d})\n\n",
            if to >= from { "upgrade" } else { "downgrade" },
            self.revision_at(from).unwrap_or("base"),
            self.revision_at(to).unwrap_or("base"),
        );
        match d {
            Dialect::Sqlite => out.push_str("PRAGMA foreign_keys = OFF;\n\n"),
            Dialect::Postgres => out.push_str("SET lock_timeout = '5s';\n\n"),
            Dialect::Mysql => {}
        }
        out.push_str(&version::create_table(d));
        out.push_str(";\n\n");
        let steps: Vec<(usize, Phase)> = if to >= from {
            (from..to).map(|k| (k, Phase::Upgrade)).collect()
        } else {
            (to..from).rev().map(|k| (k, Phase::Downgrade)).collect()
        };
        let mut carried = None;
        for (k, phase) in steps {
            let m = self.migrations()[k];
            if phase == Phase::Downgrade {
                if let Some(reason) = &m.irreversible {
                    return Err(irreversible(m, reason));
                }
            }
            let ops = self.render_step(d, k, phase, &mut carried)?;
            let transactional = transactional(d, m, phase);
            out.push_str(&format!(
                "-- {} {}: {}{}\n",
                phase.name(),
                m.revision,
                m.message,
                if transactional {
                    ""
                } else {
                    " (outside a transaction)"
                }
            ));
            if transactional {
                out.push_str(&format!("{};\n", begin(d)));
            }
            for op in &ops {
                out.push_str(&format!("-- {}\n", op.text));
                for s in &op.statements {
                    out.push_str(&format!("{s}\n"));
                }
            }
            let record = match phase {
                Phase::Upgrade => version::insert(d, m, k, "applied", 0),
                Phase::Downgrade => version::delete(d, &m.revision),
            };
            out.push_str(&format!("{record};\n"));
            if transactional {
                out.push_str("COMMIT;\n");
            }
            out.push('\n');
        }
        if d == Dialect::Sqlite {
            out.push_str("PRAGMA foreign_keys = ON;\n");
        }
        Ok(out)
    }

    /// Compares the database's schema (introspected) with the model of the
    /// migrations applied to it, and says where they first differ: a change
    /// made by hand, or a migration edited after it ran.
    pub fn verify<D: Database + ?Sized>(&self, db: &mut D) -> Result<(), Error> {
        let d = db.dialect();
        let count = match self.current(db)? {
            Some(rev) => self.position_of(rev).map_or(0, |p| p + 1),
            None => 0,
        };
        let expected = crate::dialect::normalise(&self.schema_at(count)?, d);
        let actual = crate::dialect::normalise(&db.introspect()?, d);
        match expected.first_difference(&actual) {
            None => Ok(()),
            Some(difference) => Err(Error::Drift {
                revision: self.revision_at(count).unwrap_or("base").to_string(),
                difference,
            }),
        }
    }

    /// The schema model after the first `count` migrations.
    pub fn schema_at(&self, count: usize) -> Result<Schema, Error> {
        let mut schema = Schema::new();
        for m in &self.migrations()[..count.min(self.len())] {
            for op in m.upgrade.iter() {
                schema.apply(op).map_err(|e| Error::Render {
                    revision: m.revision.to_string(),
                    message: m.message.to_string(),
                    dialect: Dialect::Postgres,
                    source: crate::dialect::RenderError::Replay {
                        op: op.to_string(),
                        message: e.message,
                    },
                })?;
            }
        }
        Ok(schema)
    }

    fn revision_at(&self, position: usize) -> Option<&'static str> {
        self.revision(position.checked_sub(1)?)
    }

    fn position_of(&self, revision: &str) -> Option<usize> {
        MigrationSet::position(self, revision)
    }

    /// A target as a count of applied migrations.
    pub(crate) fn resolve(&self, target: Target<'_>, current: usize) -> Result<usize, Error> {
        match target {
            Target::Head => Ok(self.len()),
            Target::Base => Ok(0),
            Target::Revision(r) => self.position_of(r).map(|p| p + 1).ok_or_else(|| {
                Error::Target(format!(
                    "revision {r} is not in this binary's migration set (its revisions run from {} to {})",
                    self.base().unwrap_or("none"),
                    self.head().unwrap_or("none")
                ))
            }),
            Target::Relative(n) => {
                let to = current as i64 + i64::from(n);
                if to < 0 || to > self.len() as i64 {
                    Err(Error::Target(format!(
                        "{n:+} migrations from {} is outside the set ({} migrations)",
                        self.revision_at(current).unwrap_or("base"),
                        self.len()
                    )))
                } else {
                    Ok(to as usize)
                }
            }
        }
    }

    pub(crate) fn render(
        &self,
        d: Dialect,
        k: usize,
        phase: Phase,
    ) -> Result<Vec<RenderedOp>, Error> {
        let mut schema = self.schema_before(k, phase)?;
        self.render_from(d, k, phase, &mut schema)
    }

    /// Renders one step of a run over several migrations. Upgrades carry one
    /// model forward in `carried` (replayed once, at the first step); a
    /// downgrade starts from the model its upgrade left, replayed.
    fn render_step(
        &self,
        d: Dialect,
        k: usize,
        phase: Phase,
        carried: &mut Option<Schema>,
    ) -> Result<Vec<RenderedOp>, Error> {
        if phase == Phase::Downgrade {
            return self.render(d, k, phase);
        }
        let schema = match carried {
            Some(schema) => schema,
            None => carried.insert(self.schema_at(k)?),
        };
        self.render_from(d, k, phase, schema)
    }

    /// The schema model that migration `k`'s `phase` body starts from.
    fn schema_before(&self, k: usize, phase: Phase) -> Result<Schema, Error> {
        match phase {
            Phase::Upgrade => self.schema_at(k),
            Phase::Downgrade => self.schema_at(k + 1),
        }
    }

    /// Renders migration `k`'s `phase` body from `schema`, the model before
    /// it, and leaves `schema` as the model after it: a run over many
    /// migrations carries one model forward instead of replaying the set
    /// for each.
    fn render_from(
        &self,
        d: Dialect,
        k: usize,
        phase: Phase,
        schema: &mut Schema,
    ) -> Result<Vec<RenderedOp>, Error> {
        let m = self.migrations()[k];
        let mut out = Vec::new();
        for op in m.ops(phase) {
            let render_err = |source| Error::Render {
                revision: m.revision.to_string(),
                message: m.message.to_string(),
                dialect: d,
                source,
            };
            let statements = d.render(op, schema).map_err(render_err)?;
            schema.apply(op).map_err(|e| {
                render_err(crate::dialect::RenderError::Replay {
                    op: op.to_string(),
                    message: e.message,
                })
            })?;
            let concurrent_index = match op {
                Op::CreateIndex {
                    name,
                    concurrently: true,
                    ..
                } if d == Dialect::Postgres => Some(name.to_string()),
                _ => None,
            };
            out.push(RenderedOp {
                revision: &m.revision,
                phase,
                text: op.to_string(),
                statements,
                concurrent_index,
                concurrent: op.is_concurrent(),
            });
        }
        Ok(out)
    }

    /// Runs `body` holding the migration lock, with the version table in place.
    fn locked<D: Database + ?Sized, T>(
        &self,
        db: &mut D,
        options: &Options,
        body: impl FnOnce(&Self, &mut D) -> Result<T, Error>,
    ) -> Result<T, Error> {
        tracing::debug!(dialect = %db.dialect(), "taking the migration lock");
        db.lock(options)?;
        tracing::debug!("migration lock taken");
        let result = ensure_version_table(db).and_then(|()| body(self, db));
        let unlocked = db.unlock();
        tracing::debug!("migration lock released");
        let value = result?;
        unlocked?;
        Ok(value)
    }

    /// How many migrations are applied, after checking every record: known
    /// revision, same checksum, completed, a prefix of the chain.
    fn applied_count(
        &self,
        d: Dialect,
        records: &[AppliedRecord],
        check_checksums: bool,
    ) -> Result<usize, Error> {
        let mut applied = vec![false; self.len()];
        for (i, r) in records.iter().enumerate() {
            // The records come ordered by position: record i is nearly always
            // migration i, so the lookup by name is the exception.
            let in_order = self
                .migrations()
                .get(i)
                .filter(|m| m.revision == r.revision);
            let Some(p) = in_order
                .map(|_| i)
                .or_else(|| self.position_of(&r.revision))
            else {
                return Err(Error::UnknownRevision {
                    revision: r.revision.clone(),
                    message: r.message.clone(),
                    head: self.head().unwrap_or("base").to_string(),
                });
            };
            let m = self.migrations()[p];
            if r.state != "applied" {
                return Err(self.half_applied(d, p, r));
            }
            if check_checksums && r.checksum != *m.checksum {
                return Err(Error::ChecksumMismatch {
                    revision: r.revision.clone(),
                    message: m.message.to_string(),
                    applied: r.checksum.clone(),
                    embedded: m.checksum.to_string(),
                });
            }
            applied[p] = true;
        }
        let count = applied.iter().take_while(|a| **a).count();
        if let Some(gap) = applied[count..].iter().position(|a| *a) {
            let later = self.migrations()[count + gap];
            let missing = self.migrations()[count];
            return Err(Error::Inconsistent(format!(
                "{} ({:?}) is recorded as applied but the earlier {} ({:?}) is not; record what the database really has with {}",
                later.revision,
                later.message,
                missing.revision,
                missing.message,
                stamp_command(&later.revision)
            )));
        }
        Ok(count)
    }

    fn half_applied(&self, d: Dialect, p: usize, r: &AppliedRecord) -> Error {
        let (what, state, next) = self.half_applied_parts(d, p, r);
        let m = self.migrations()[p];
        let phase = if r.state.starts_with("downgrad") {
            "downgrade"
        } else {
            "upgrade"
        };
        let next = format!(
            "`{phase}` to a target past it resumes the migration by itself when the database shows exactly how far it got. If it cannot tell, {next}"
        );
        Error::HalfApplied {
            revision: m.revision.to_string(),
            message: m.message.to_string(),
            what,
            state,
            next,
        }
    }

    /// What the version row of a half-applied migration says, what is
    /// applied, and what to run next.
    fn half_applied_parts(
        &self,
        d: Dialect,
        p: usize,
        r: &AppliedRecord,
    ) -> (String, String, String) {
        let m = self.migrations()[p];
        let phase = if r.state.starts_with("downgrad") {
            Phase::Downgrade
        } else {
            Phase::Upgrade
        };
        let ops = m.ops(phase);
        let i = r.op_index.unwrap_or(0).min(ops.len().saturating_sub(1));
        let op = ops.get(i).map_or_else(String::new, |o| o.to_string());
        let failed = r.state.ends_with("failed");
        let what = format!(
            "its {} {} at op {} of {}, `{op}`{}",
            phase.name(),
            if failed {
                "failed"
            } else {
                "was interrupted (the process running it stopped)"
            },
            i + 1,
            ops.len(),
            r.error
                .as_deref()
                .map(|e| format!(", with: {e}"))
                .unwrap_or_default()
        );
        let previous = p.checked_sub(1).map(|q| &*self.migrations()[q].revision);
        let stamp_previous = previous.map_or_else(base_stamp_command, stamp_command);
        let state = if i == 0 {
            format!(
                "no op of this {} completed; op 1 may be partly applied",
                phase.name()
            )
        } else {
            format!(
                "{} of this {} {} applied, op {} may be partly applied, the rest are not",
                op_range(1, i),
                phase.name(),
                if i == 1 { "is" } else { "are" },
                i + 1
            )
        };
        let (done, undone) = match phase {
            Phase::Upgrade => (stamp_command(&m.revision), stamp_previous),
            Phase::Downgrade => (stamp_previous, stamp_command(&m.revision)),
        };
        let target = |rev: Option<&str>| {
            rev.map_or("Target::Base".to_string(), |r| {
                format!("Target::Revision(\"{r}\")")
            })
        };
        let (from, to) = match phase {
            Phase::Upgrade => (target(previous), target(Some(&m.revision))),
            Phase::Downgrade => (target(Some(&m.revision)), target(previous)),
        };
        let undo = if i == 0 {
            String::new()
        } else {
            format!("undo {} by hand and ", op_range(1, i))
        };
        let next = format!(
            "godwit will not run anything until this is resolved. Either finish the {phase} by hand \
             ({} printed by `MIGRATIONS.sql(Dialect::{d:?}, {from}, {to})`) and record it with {done}; \
             or {undo}record the state before it with {undone}. Then run `upgrade` again.",
            op_range(i + 1, ops.len()),
            phase = phase.name(),
        );
        (what, state, next)
    }

    /// Reads the records and returns the applied count. The caller holds
    /// the migration lock (on every backend, for the whole run), so a
    /// migration still marked in progress was left by a run that stopped.
    fn settled_position<D: Database + ?Sized>(
        &self,
        db: &mut D,
        _options: &Options,
    ) -> Result<usize, Error> {
        let records = read_records(db)?;
        self.applied_count(db.dialect(), &records, true)
    }

    fn migrate<D: Database + ?Sized>(
        &self,
        db: &mut D,
        target: Target<'_>,
        phase: Phase,
        options: &Options,
    ) -> Result<Report, Error> {
        let session = session::begin(db, options)?;
        let result = self.migrate_in_session(db, target, phase, options);
        let ended = session::end(db, session);
        let report = result?;
        ended?;
        Ok(report)
    }

    /// `migrate`, with the session set up for migrating.
    fn migrate_in_session<D: Database + ?Sized>(
        &self,
        db: &mut D,
        target: Target<'_>,
        phase: Phase,
        options: &Options,
    ) -> Result<Report, Error> {
        let resumed = self.resume_interrupted(db, target, phase, options)?;
        let start = self.settled_position(db, options)?;
        // A relative target counts from where the database was before a
        // resumed migration, as `resume_interrupted` did.
        let origin = match &resumed {
            Some((k, _)) if phase == Phase::Upgrade => *k,
            Some((k, _)) => k + 1,
            None => start,
        };
        let to = self.resolve(target, origin)?;
        let wrong_way = match phase {
            Phase::Upgrade => to < start,
            Phase::Downgrade => to > start,
        };
        if wrong_way {
            return Err(Error::WrongDirection {
                phase: phase.name(),
                current: self.revision_at(start).unwrap_or("base").to_string(),
                target: self.revision_at(to).unwrap_or("base").to_string(),
            });
        }
        if phase == Phase::Downgrade {
            // The newest one: the lowest revision a downgrade can reach.
            for m in self.migrations()[to..start].iter().rev() {
                if let Some(reason) = &m.irreversible {
                    return Err(irreversible(m, reason));
                }
            }
        }
        let mut steps = Vec::new();
        if let Some((_, step)) = resumed {
            steps.push(step);
        }
        let mut position = start;
        let mut carried = None;
        // MySQL upgrades: the next migration, rendered before this one's
        // last record so that the record can claim it (see `RowPlan`); a
        // failure to render it is returned once this one is applied.
        let ahead = db.dialect() == Dialect::Mysql && phase == Phase::Upgrade;
        let mut next: Option<Result<Vec<RenderedOp>, Error>> = None;
        let mut claimed = false;
        loop {
            let k = match phase {
                Phase::Upgrade if position < to => position,
                Phase::Downgrade if position > to => position - 1,
                _ => break,
            };
            let ops = match next.take() {
                Some(ops) => ops?,
                None => self.render_step(db.dialect(), k, phase, &mut carried)?,
            };
            let mut row = RowPlan {
                claimed,
                ..RowPlan::default()
            };
            if ahead && k + 1 < to {
                let rendered = self.render_step(db.dialect(), k + 1, phase, &mut carried);
                if rendered.is_ok() {
                    row.claim_next = Some(k + 1);
                }
                next = Some(rendered);
            }
            claimed = row.claim_next.is_some();
            steps.push(self.apply(db, k, phase, options, row, ops)?);
            // The lock is held for the whole run: no other process moved
            // the database meanwhile, so there is nothing to read again.
            position = match phase {
                Phase::Upgrade => k + 1,
                Phase::Downgrade => k,
            };
        }
        Ok(Report {
            from: self.revision_at(origin),
            to: self.revision_at(position),
            steps,
        })
    }

    /// Finishes a migration an earlier run left half-applied in the same
    /// direction, when the target lies past it and the database can say
    /// exactly how far it got (see `recovery`); refuses with the resolution
    /// when it cannot. Returns the migration's position and its step.
    fn resume_interrupted<D: Database + ?Sized>(
        &self,
        db: &mut D,
        target: Target<'_>,
        phase: Phase,
        options: &Options,
    ) -> Result<Option<(usize, Step)>, Error> {
        let d = db.dialect();
        let records = read_records(db)?;
        let Some(record) = records.iter().find(|r| r.state != "applied") else {
            return Ok(None);
        };
        let Some(k) = self.position_of(&record.revision) else {
            return Ok(None);
        };
        let stopped = if record.state.starts_with("downgrad") {
            Phase::Downgrade
        } else {
            Phase::Upgrade
        };
        let others: Vec<AppliedRecord> = records
            .iter()
            .filter(|r| r.revision != record.revision)
            .cloned()
            .collect();
        // Anything else wrong with the table is reported as it is.
        if stopped != phase || self.applied_count(d, &others, true)? != k {
            return Ok(None);
        }
        let to = self.resolve(target, if phase == Phase::Upgrade { k } else { k + 1 })?;
        let passes = match phase {
            Phase::Upgrade => to > k,
            Phase::Downgrade => to <= k,
        };
        if !passes {
            return Ok(None);
        }
        let ops = self.render(d, k, phase)?;
        match recovery::plan(self, db, k, phase, &ops, record)? {
            recovery::Plan::Refuse { finding } => {
                let (what, state, next) = self.half_applied_parts(d, k, record);
                let m = self.migrations()[k];
                Err(Error::HalfApplied {
                    revision: m.revision.to_string(),
                    message: m.message.to_string(),
                    what,
                    state: format!("{state}; {finding}"),
                    next,
                })
            }
            recovery::Plan::Resume { start, how } => {
                tracing::info!(
                    revision = %record.revision,
                    op = start.op + 1,
                    "resuming the interrupted {}: {how}",
                    phase.name()
                );
                let row = RowPlan {
                    resume: Some(start),
                    ..RowPlan::default()
                };
                Ok(Some((k, self.apply(db, k, phase, options, row, ops)?)))
            }
        }
    }

    /// Runs migration `k`'s upgrade or downgrade (`ops`, rendered),
    /// retrying after a lock timeout.
    fn apply<D: Database + ?Sized>(
        &self,
        db: &mut D,
        k: usize,
        phase: Phase,
        options: &Options,
        row: RowPlan,
        ops: Vec<RenderedOp>,
    ) -> Result<Step, Error> {
        let d = db.dialect();
        let m = self.migrations()[k];
        let started = Instant::now();
        let mut attempt = 1;
        let resumed_at = row.resume.as_ref().map(|s| s.op + 1);
        tracing::info!(revision = %m.revision, what = %m.message, phase = phase.name(), ops = ops.len(), "running migration");
        loop {
            let result = if transactional(d, m, phase) && row.resume.is_none() {
                self.apply_in_transaction(db, k, phase, &ops, started)
            } else {
                self.apply_op_by_op(db, k, phase, &ops, options, started, row.clone())
            };
            match result {
                Ok(()) => {
                    tracing::info!(revision = %m.revision, phase = phase.name(), ms = started.elapsed().as_millis() as u64, attempts = attempt, "migration done");
                    return Ok(Step {
                        revision: &m.revision,
                        message: &m.message,
                        phase,
                        duration: started.elapsed(),
                        attempts: attempt,
                        resumed_at,
                    });
                }
                Err(Failure::Retryable(_)) if attempt <= options.retries => {
                    tracing::warn!(revision = %m.revision, attempt, "gave up waiting for a table lock; rolled back, retrying");
                    // Nothing is applied: wait, then try the whole migration again.
                    std::thread::sleep(backoff(options.retry_backoff, attempt - 1));
                    attempt += 1;
                }
                Err(Failure::Retryable(f)) => {
                    let state = format!(
                        "rolled back: the database is still at {} (tried {attempt} times, each gave up waiting for a lock)",
                        self.revision_at(if phase == Phase::Upgrade { k } else { k + 1 })
                            .unwrap_or("base")
                    );
                    return Err(self.failed(k, phase, &ops, f, state, "find what holds the lock on the table (PostgreSQL: pg_locks / pg_stat_activity), let it finish, and run `upgrade` again; or raise `Options::lock_timeout` / `retries`".into()));
                }
                Err(Failure::Fatal(e)) => return Err(e),
            }
        }
    }

    fn failed(
        &self,
        k: usize,
        phase: Phase,
        ops: &[RenderedOp],
        f: OpFailure,
        state: String,
        next: String,
    ) -> Error {
        let m = self.migrations()[k];
        Error::MigrationFailed(Box::new(crate::error::MigrationFailure {
            revision: m.revision.to_string(),
            message: m.message.to_string(),
            phase: phase.name(),
            op_number: f.index + 1,
            op_count: ops.len(),
            op: ops
                .get(f.index)
                .map_or_else(String::new, |o| o.text.clone()),
            statement: f.statement,
            cause: f.cause.to_string(),
            state,
            next,
        }))
    }

    /// PostgreSQL and SQLite: the ops and the version row in one transaction.
    fn apply_in_transaction<D: Database + ?Sized>(
        &self,
        db: &mut D,
        k: usize,
        phase: Phase,
        ops: &[RenderedOp],
        started: Instant,
    ) -> Result<(), Failure> {
        let d = db.dialect();
        let m = self.migrations()[k];
        let expected = if phase == Phase::Upgrade { k } else { k + 1 };
        let result = (|| {
            // PostgreSQL: the BEGIN goes with the first op's statements, a
            // round trip fewer. SQLite sends it alone (no network to save,
            // and a BEGIN IMMEDIATE that times out behind the application's
            // writers is then not blamed on the op), as does a migration
            // without plain SQL up front.
            let mut first = Some(begin(d));
            if d != Dialect::Postgres
                || !matches!(
                    ops.iter().find_map(|o| o.statements.first()),
                    Some(Statement::Sql(_))
                )
            {
                exec(db, begin(d), "starting the migration's transaction")?;
                first = None;
            }
            if let Err(f) = run_ops_after(db, first, ops, false) {
                let _ = db.execute("ROLLBACK");
                if f.is_lock_timeout() {
                    return Err(Failure::Retryable(f));
                }
                let state = format!(
                    "rolled back: nothing of this migration is applied; the database is still at {}",
                    self.revision_at(expected).unwrap_or("base")
                );
                let next = format!(
                    "fix the cause above (or the migration, in a new binary) and run `{}` again",
                    phase.name()
                );
                return Err(Failure::Fatal(self.failed(k, phase, ops, f, state, next)));
            }
            let record = match phase {
                Phase::Upgrade => {
                    version::insert(d, m, k, "applied", started.elapsed().as_millis())
                }
                Phase::Downgrade => version::delete(d, &m.revision),
            };
            // The record and the COMMIT in one round trip: if the record
            // fails, the server skips the COMMIT and the ROLLBACK below ends
            // the transaction.
            let mut commit = record;
            join(&mut commit, "COMMIT");
            if let Err(e) = db.execute(&commit) {
                let _ = db.execute("ROLLBACK");
                return Err(Failure::Fatal(Error::database(
                    format!(
                        "recording migration {} in {VERSION_TABLE} (rolled back: the database is still at {})",
                        m.revision,
                        self.revision_at(expected).unwrap_or("base")
                    ),
                    e,
                )));
            }
            Ok(())
        })();
        if result.is_err() {
            // Every error path ends the transaction, also those that returned
            // early with `?` (a session left in a transaction would keep its
            // locks and swallow the application's later writes).
            let _ = db.execute("ROLLBACK");
        }
        result
    }

    /// MySQL, a concurrent index build, a batched backfill: each op commits on
    /// its own, and the version row records which op is running.
    #[allow(clippy::too_many_arguments)] // private; each is one fact of the attempt
    fn apply_op_by_op<D: Database + ?Sized>(
        &self,
        db: &mut D,
        k: usize,
        phase: Phase,
        ops: &[RenderedOp],
        options: &Options,
        started: Instant,
        row: RowPlan,
    ) -> Result<(), Failure> {
        let d = db.dialect();
        let m = self.migrations()[k];
        let running = match phase {
            Phase::Upgrade => "upgrading",
            Phase::Downgrade => "downgrading",
        };
        let expected = if phase == Phase::Upgrade { k } else { k + 1 };
        let start = match row.resume {
            // The caller holds the lock and read the row: take it over.
            Some(start) => {
                let sql = version::progress(d, &m.revision, running, start.op, None);
                exec(db, &sql, "recording the migration as resumed")?;
                start
            }
            // Claimed, at op 0, by the previous migration's last record.
            None if row.claimed => recorded::Start::default(),
            None => {
                // Claim the migration: the lock is held, so no other process
                // can have claimed or applied it since the run began.
                let claim = match phase {
                    Phase::Upgrade => version::insert(d, m, k, running, 0),
                    Phase::Downgrade => version::progress(d, &m.revision, running, 0, None),
                };
                exec(db, &claim, "recording the migration as started")?;
                recorded::Start::default()
            }
        };

        let retry = (d == Dialect::Mysql).then_some(options);
        let next = row
            .claim_next
            .and_then(|p| Some((self.migrations().get(p)?, p)));
        let finish = || match (phase, next) {
            (Phase::Upgrade, Some((next, p))) if d == Dialect::Mysql => {
                version::finish_and_claim(m, started.elapsed().as_millis(), next, p)
            }
            (Phase::Upgrade, _) => version::finish(d, m, started.elapsed().as_millis()),
            (Phase::Downgrade, _) => version::delete(d, &m.revision),
        };
        let result = recorded::run(db, ops, &m.revision, start, retry, &finish);
        match result {
            Ok(true) => Ok(()),
            Ok(false) => {
                // Every op was done already (a resumed run): only the record is left.
                exec(db, &finish(), "recording the migration as done")?;
                Ok(())
            }
            Err(f) => {
                // A failed CREATE INDEX CONCURRENTLY leaves an INVALID index:
                // drop it, and the migration (alone in its migration) is undone.
                if let Some(index) = ops.get(f.index).and_then(|o| o.concurrent_index.as_ref()) {
                    let drop = format!("DROP INDEX CONCURRENTLY IF EXISTS {}", d.quote(index));
                    let undo = match phase {
                        Phase::Upgrade => version::delete(d, &m.revision),
                        Phase::Downgrade => version::finish(d, m, 0),
                    };
                    if db.execute(&drop).and_then(|()| db.execute(&undo)).is_ok() {
                        if f.is_lock_timeout() {
                            return Err(Failure::Retryable(f));
                        }
                        let state = format!(
                            "the failed build's invalid index was dropped: nothing of this migration is applied; the database is still at {}",
                            self.revision_at(expected).unwrap_or("base")
                        );
                        let next = format!(
                            "fix the cause above (for a unique index: the duplicate rows) and run `{}` again",
                            phase.name()
                        );
                        return Err(Failure::Fatal(self.failed(k, phase, ops, f, state, next)));
                    }
                }
                let failed_state = format!("{}_failed", phase.name());
                // Recorded: the connection is alive, so the database refused
                // the statement. Not recorded: the connection was lost.
                let recorded = db
                    .execute(&version::progress(
                        d,
                        &m.revision,
                        &failed_state,
                        f.index,
                        Some(&f.cause.to_string()),
                    ))
                    .is_ok();
                let (state, resumes) = recorded::stopped_at(d, ops, f.index, phase, None, recorded);
                let state = if recorded {
                    format!(
                        "{state}; {VERSION_TABLE} records the migration as {failed_state} at op {}",
                        f.index + 1
                    )
                } else {
                    format!(
                        "{state}; the connection was lost, so {VERSION_TABLE} still records the migration as {}ing at op {}",
                        phase.name().trim_end_matches('e'),
                        f.index + 1
                    )
                };
                let next = if resumes {
                    format!(
                        "fix the cause above and run `{}` again: it resumes at op {}",
                        phase.name(),
                        f.index + 1
                    )
                } else {
                    let record = AppliedRecord {
                        revision: m.revision.to_string(),
                        message: m.message.to_string(),
                        checksum: m.checksum.to_string(),
                        state: failed_state,
                        op_index: Some(f.index),
                        error: Some(f.cause.to_string()),
                        applied_at: String::new(),
                        execution_ms: 0,
                        resume_key: None,
                    };
                    format!(
                        "run `{}` again: it resumes at op {} or after it if the schema shows whether op {} ran. If it cannot tell, {}",
                        phase.name(),
                        f.index + 1,
                        f.index + 1,
                        self.half_applied_parts(d, k, &record).2
                    )
                };
                Err(Failure::Fatal(self.failed(k, phase, ops, f, state, next)))
            }
        }
    }
}

/// Why one attempt at a migration stopped.
pub(crate) enum Failure {
    /// A lock wait timed out; nothing is applied; try again.
    Retryable(OpFailure),
    /// Give up with this error.
    Fatal(Error),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Fatal(e)
    }
}

/// How a migration run op by op starts and ends its version row.
#[derive(Clone, Debug, Default)]
struct RowPlan {
    /// Resumes an interrupted run: the row is there, at this op.
    resume: Option<recorded::Start>,
    /// The previous migration's record already claimed this one.
    claimed: bool,
    /// Claim the migration at this position with this one's last record
    /// (MySQL upgrades: one durable write between two migrations, not two).
    claim_next: Option<usize>,
}

fn exec<D: Database + ?Sized>(db: &mut D, sql: &str, context: &str) -> Result<(), Failure> {
    db.execute(sql)
        .map_err(|e| Failure::Fatal(Error::database(format!("{context} (`{sql}`)"), e)))
}

fn irreversible(m: &Migration, reason: &str) -> Error {
    Error::Irreversible {
        revision: m.revision.to_string(),
        message: m.message.to_string(),
        reason: reason.to_string(),
    }
}

/// Whether the migration runs in one transaction on this backend.
pub(crate) fn transactional(d: Dialect, m: &Migration, phase: Phase) -> bool {
    let ops = m.ops(phase);
    let backfill = ops.iter().any(Op::is_data_change);
    match d {
        Dialect::Mysql => false,
        Dialect::Postgres => !backfill && !ops.iter().any(Op::is_concurrent),
        Dialect::Sqlite => !backfill,
    }
}

/// Runs the rendered ops in order (op-by-op runs go through
/// `recorded`; this is the path inside one transaction, and Diesel's harness).
/// With `batches_commit`, a backfill commits each batch on its own.
///
/// An op's consecutive plain statements go to the server as one batch (one
/// round trip); a failure still names its op, and shows the batch.
pub(crate) fn run_ops<D: Database + ?Sized>(
    db: &mut D,
    ops: &[RenderedOp],
    batches_commit: bool,
) -> Result<(), OpFailure> {
    run_ops_after(db, None, ops, batches_commit)
}

/// [`run_ops`], with `first` (a `BEGIN`) sent at the head of the first
/// batch: one round trip fewer per migration. A failure of the batch is the
/// first op's, and shows the batch without `first`.
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

fn run_statement<D: Database + ?Sized>(
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

fn has_version_table<D: Database + ?Sized>(db: &mut D) -> Result<bool, Error> {
    let d = db.dialect();
    db.has_rows(&version::exists(d))
        .map_err(|e| Error::database("looking for the version table", e))
}

fn ensure_version_table<D: Database + ?Sized>(db: &mut D) -> Result<(), Error> {
    let d = db.dialect();
    if has_version_table(db)? {
        // A table made before backfills recorded their key gets the column.
        if db.has_rows(&version::probe_resume_key(d)).is_err() {
            db.execute(&version::add_resume_key(d))
                .map_err(|e| Error::database(format!("adding resume_key to {VERSION_TABLE}"), e))?;
        }
        return Ok(());
    }
    db.execute(&version::create_table(d))
        .map_err(|e| Error::database(format!("creating the version table {VERSION_TABLE}"), e))
}

fn read_records<D: Database + ?Sized>(db: &mut D) -> Result<Vec<AppliedRecord>, Error> {
    let d = db.dialect();
    Ok(db
        .query(&version::select(d), 10)
        .map_err(|e| Error::database(format!("reading the version table {VERSION_TABLE}"), e))?
        .iter()
        .map(version::parse)
        .collect())
}

/// "op 3" or "ops 1 to 2".
fn op_range(from: usize, to: usize) -> String {
    if from == to {
        format!("op {from}")
    } else {
        format!("ops {from} to {to}")
    }
}

/// The pause before retry number `n` (0-based): `base`, doubled each time.
fn backoff(base: Duration, n: u32) -> Duration {
    base.saturating_mul(1u32 << n.min(16))
}
