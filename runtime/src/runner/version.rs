//! The version table `godwit_version`: its rows, the states a row can be
//! in, every statement that reads or writes it, and what its rows say about
//! the database (how many migrations are applied, or why that cannot be
//! trusted).

use std::fmt;

use godwit_core::{Migration, Phase};

use super::advice;
use crate::database::{text, Database, Row};
use crate::dialect::Dialect;
use crate::{Error, MigrationSet};

/// The table in which godwit records applied migrations.
pub const VERSION_TABLE: &str = "godwit_version";

/// The `state` of a version row. A row not [`Applied`](VersionState::Applied)
/// belongs to a migration that runs op by op and did not complete.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VersionState {
    /// The migration completed.
    Applied,
    /// Its upgrade is running, or was until its process stopped.
    Upgrading,
    /// Its downgrade is running, or was until its process stopped.
    Downgrading,
    /// Its upgrade failed at the row's op.
    UpgradeFailed,
    /// Its downgrade failed at the row's op.
    DowngradeFailed,
}

impl VersionState {
    /// Every state.
    pub const ALL: [VersionState; 5] = [
        VersionState::Applied,
        VersionState::Upgrading,
        VersionState::Downgrading,
        VersionState::UpgradeFailed,
        VersionState::DowngradeFailed,
    ];

    /// The text the `state` column holds. Existing tables hold these
    /// strings: they never change.
    pub const fn as_str(self) -> &'static str {
        match self {
            VersionState::Applied => "applied",
            VersionState::Upgrading => "upgrading",
            VersionState::Downgrading => "downgrading",
            VersionState::UpgradeFailed => "upgrade_failed",
            VersionState::DowngradeFailed => "downgrade_failed",
        }
    }

    /// The state a `state` column holds; `None` for a text godwit never writes.
    pub fn parse(text: &str) -> Option<VersionState> {
        VersionState::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The state of a migration while its `phase` body runs op by op.
    pub const fn running(phase: Phase) -> VersionState {
        match phase {
            Phase::Upgrade => VersionState::Upgrading,
            Phase::Downgrade => VersionState::Downgrading,
        }
    }

    /// The state of a migration whose `phase` body failed.
    pub const fn failed(phase: Phase) -> VersionState {
        match phase {
            Phase::Upgrade => VersionState::UpgradeFailed,
            Phase::Downgrade => VersionState::DowngradeFailed,
        }
    }

    /// The body a migration not applied stopped in (`None`: applied).
    pub const fn phase(self) -> Option<Phase> {
        match self {
            VersionState::Applied => None,
            VersionState::Upgrading | VersionState::UpgradeFailed => Some(Phase::Upgrade),
            VersionState::Downgrading | VersionState::DowngradeFailed => Some(Phase::Downgrade),
        }
    }

    /// Whether the database refused a statement of the migration (rather
    /// than its process stopping).
    pub const fn is_failed(self) -> bool {
        matches!(
            self,
            VersionState::UpgradeFailed | VersionState::DowngradeFailed
        )
    }
}

impl fmt::Display for VersionState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
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
    /// Applied, or the state of a migration that did not complete.
    pub state: VersionState,
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
        matches!(
            self.state,
            VersionState::Upgrading | VersionState::Downgrading
        )
    }
}

/// A string literal of `d`.
fn lit(d: Dialect, s: &str) -> String {
    d.string_literal(s)
}

/// The version table, created if it is not there.
pub(crate) fn create_table(d: Dialect) -> String {
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
fn add_resume_key(d: Dialect) -> String {
    format!(
        "ALTER TABLE {} ADD COLUMN {} TEXT NULL",
        d.quote(VERSION_TABLE),
        d.quote("resume_key")
    )
}

/// Fails when the version table has no `resume_key` column.
fn probe_resume_key(d: Dialect) -> String {
    format!(
        "SELECT {} AS c0 FROM {} WHERE 1 = 0",
        d.quote("resume_key"),
        d.quote(VERSION_TABLE)
    )
}

/// Records that the ops before `next` are done (and clears the key).
pub(crate) fn op_done(d: Dialect, revision: &str, next: usize) -> String {
    let q = |s: &str| d.quote(s);
    format!(
        "UPDATE {} SET {} = {next}, {} = NULL WHERE {} = {}",
        q(VERSION_TABLE),
        q("op_index"),
        q("resume_key"),
        q("revision"),
        lit(d, revision)
    )
}

/// Records the key a backfill's committed batches reached.
pub(crate) fn resume_key(d: Dialect, revision: &str, key: Option<&str>) -> String {
    let q = |s: &str| d.quote(s);
    format!(
        "UPDATE {} SET {} = {} WHERE {} = {}",
        q(VERSION_TABLE),
        q("resume_key"),
        key.map_or("NULL".to_string(), |k| lit(d, k)),
        q("revision"),
        lit(d, revision)
    )
}

/// The row of `m`, at `index` in the chain, in `state` (at op 0 when not
/// applied).
pub(crate) fn insert(
    d: Dialect,
    m: &Migration,
    index: usize,
    state: VersionState,
    execution_ms: u128,
) -> String {
    format!(
        "{}{}",
        insert_into(d),
        row(d, m, index, state, execution_ms)
    )
}

/// The columns [`insert_into`] names, in the order of [`row`]'s values.
const INSERTED: [&str; 7] = [
    "revision",
    "position",
    "message",
    "checksum",
    "state",
    "op_index",
    "execution_ms",
];

/// `INSERT INTO godwit_version (..) VALUES `, the columns of [`row`].
fn insert_into(d: Dialect) -> String {
    let columns: Vec<String> = INSERTED.iter().map(|c| d.quote(c)).collect();
    format!(
        "INSERT INTO {} ({}) VALUES ",
        d.quote(VERSION_TABLE),
        columns.join(", ")
    )
}

/// One row of values for [`insert_into`]: `op_index` is NULL when applied,
/// op 0 otherwise.
fn row(d: Dialect, m: &Migration, index: usize, state: VersionState, execution_ms: u128) -> String {
    let op_index = if state == VersionState::Applied {
        "NULL"
    } else {
        "0"
    };
    format!(
        "({}, {index}, {}, {}, {}, {op_index}, {execution_ms})",
        lit(d, &m.revision),
        lit(d, &m.message),
        lit(d, &m.checksum),
        lit(d, state.as_str()),
    )
}

/// Moves the row of `revision` to `state` at op `op_index`, with `error`.
pub(crate) fn progress(
    d: Dialect,
    revision: &str,
    state: VersionState,
    op_index: usize,
    error: Option<&str>,
) -> String {
    let q = |s: &str| d.quote(s);
    format!(
        "UPDATE {} SET {} = {}, {} = {op_index}, {} = {} WHERE {} = {}",
        q(VERSION_TABLE),
        q("state"),
        lit(d, state.as_str()),
        q("op_index"),
        q("error"),
        error.map_or("NULL".to_string(), |e| lit(d, e)),
        q("revision"),
        lit(d, revision)
    )
}

/// Marks the (existing) row of `m` applied, with the embedded checksum.
pub(crate) fn finish(d: Dialect, m: &Migration, execution_ms: u128) -> String {
    let q = |s: &str| d.quote(s);
    format!(
        "UPDATE {} SET {} = {}, {} = NULL, {} = NULL, {} = NULL, {} = {}, {} = {}, {} = {execution_ms}, {} = CURRENT_TIMESTAMP WHERE {} = {}",
        q(VERSION_TABLE),
        q("state"),
        lit(d, VersionState::Applied.as_str()),
        q("op_index"),
        q("error"),
        q("resume_key"),
        q("checksum"),
        lit(d, &m.checksum),
        q("message"),
        lit(d, &m.message),
        q("execution_ms"),
        q("applied_at"),
        q("revision"),
        lit(d, &m.revision)
    )
}

/// MySQL: [`finish`] for `m`, and the claim of `next` (at `index` in the
/// chain, op 0) in the same statement, so that one durable write ends a
/// migration and starts the next. `m`'s row exists (it was claimed),
/// `next`'s does not (the lock is held and the table was read).
pub(crate) fn finish_and_claim(
    m: &Migration,
    execution_ms: u128,
    next: &Migration,
    index: usize,
) -> String {
    let d = Dialect::Mysql;
    let q = |s: &str| d.quote(s);
    let update = |c: &str| format!("{} = VALUES({})", q(c), q(c));
    format!(
        "{}{}, {} ON DUPLICATE KEY UPDATE {}, {}, {} = NULL, {} = NULL, {}, {}, {}, {} = CURRENT_TIMESTAMP",
        insert_into(d),
        row(d, m, index - 1, VersionState::Applied, execution_ms),
        row(d, next, index, VersionState::Upgrading, 0),
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

/// Removes the row of `revision`: undone, or stamped away.
pub(crate) fn delete(d: Dialect, revision: &str) -> String {
    format!(
        "DELETE FROM {} WHERE {} = {}",
        d.quote(VERSION_TABLE),
        d.quote("revision"),
        lit(d, revision)
    )
}

/// Every row, in chain order, as [`read_row`] reads it.
fn select(d: Dialect) -> String {
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

/// What [`MigrationSet::settled_count`] reads: "<checksum><revision>" for each
/// applied row, in no particular order, joined by the server into one value
/// (a thousand rows cross the driver as one), and the count of rows beside
/// it. Two strings joined and no separator: each `||` costs SQLite a string
/// per row.
///
/// SQLite and PostgreSQL: a row in another state gives no line, and then
/// the lines fall short of the rows. MySQL: every row gives a line
/// (`GROUP_CONCAT` joins its arguments, where `CONCAT` or `CASE` would cost
/// MariaDB an expression per row), and a third column counts the rows in
/// another state. MySQL cuts the joined value at `group_concat_max_len`
/// (1 MiB by default on MariaDB, 1 KiB on MySQL), anywhere, also inside a
/// line: MySQL 8 raises it for this statement (`SET_VAR`; MariaDB reads the
/// hint as a comment), and when the lines do not check out
/// [`select_applied_rows`] reads them again, a line per row.
fn select_applied(d: Dialect) -> String {
    let q = |s: &str| d.quote(s);
    let (checksum, state, revision, table) =
        (q("checksum"), q("state"), q("revision"), q(VERSION_TABLE));
    let applied = lit(d, VersionState::Applied.as_str());
    let line = |concat: String| format!("CASE WHEN {state} = {applied} THEN {concat} END");
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
             CAST(COUNT(NULLIF({state}, {applied})) AS CHAR) AS c2 FROM {table}"
        ),
    }
}

/// MySQL, when `GROUP_CONCAT` was cut: a line per row, NULL for a row in
/// another state.
fn select_applied_rows() -> String {
    let d = Dialect::Mysql;
    let q = |s: &str| d.quote(s);
    format!(
        "SELECT CASE WHEN {} = {} THEN CONCAT({}, {}) END AS c0 FROM {}",
        q("state"),
        lit(d, VersionState::Applied.as_str()),
        q("checksum"),
        q("revision"),
        q(VERSION_TABLE)
    )
}

/// A row when the current schema (database) has the table `table`
/// (godwit's version table, Diesel's, another tool's).
fn table_exists(d: Dialect, table: &str) -> String {
    let name = lit(d, table);
    match d {
        Dialect::Postgres => format!(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = {name}"
        ),
        Dialect::Mysql => format!(
            "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = {name}"
        ),
        Dialect::Sqlite => {
            format!("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = {name}")
        }
    }
}

/// One row of [`select`]. A state godwit never writes (one a newer godwit
/// wrote, or a hand edit) reads as an interrupted upgrade, as it always has:
/// `upgrade` then says what it knows, and `stamp` can still rewrite the row.
fn read_row(row: &Row) -> AppliedRecord {
    let revision = text(row, 0).to_string();
    let state = VersionState::parse(text(row, 4)).unwrap_or(VersionState::Upgrading);
    AppliedRecord {
        revision,
        message: text(row, 2).to_string(),
        checksum: text(row, 3).to_string(),
        state,
        op_index: row.get(5).and_then(|c| c.as_deref()?.parse().ok()),
        error: row.get(6).and_then(|c| c.clone()),
        applied_at: text(row, 7).to_string(),
        execution_ms: text(row, 8).parse().unwrap_or(0),
        resume_key: row.get(9).and_then(|c| c.clone()),
    }
}

/// Whether the database has a version table.
pub(crate) fn exists_in<D: Database + ?Sized>(db: &mut D) -> Result<bool, Error> {
    has_table(db, VERSION_TABLE)
}

/// Whether the current schema (database) has the table `name`.
pub(crate) fn has_table<D: Database + ?Sized>(db: &mut D, name: &str) -> Result<bool, Error> {
    let sql = table_exists(db.dialect(), name);
    db.has_rows(&sql)
        .map_err(|e| Error::database(format!("looking for the table {name}"), e))
}

/// Diesel's version table, which diesel_migrations' harness keeps.
pub(crate) const DIESEL_TABLE: &str = "__diesel_schema_migrations";

/// The versions Diesel's table records (none when there is no such table).
pub(crate) fn diesel_versions<D: Database + ?Sized>(db: &mut D) -> Result<Vec<String>, Error> {
    let d = db.dialect();
    let context = format!("reading Diesel's version table {DIESEL_TABLE}");
    // The harness creates it first; a `run` called by hand may come before.
    if !has_table(db, DIESEL_TABLE)? {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {} AS c0 FROM {}",
        d.cast_text(&d.quote("version")),
        d.quote(DIESEL_TABLE)
    );
    let rows = db.query(&sql, 1).map_err(|e| Error::database(context, e))?;
    Ok(rows.iter().map(|r| text(r, 0).to_string()).collect())
}

/// Removes `version` from Diesel's table.
pub(crate) fn diesel_delete(d: Dialect, version: &str) -> String {
    format!(
        "DELETE FROM {} WHERE {} = {}",
        d.quote(DIESEL_TABLE),
        d.quote("version"),
        lit(d, version)
    )
}

/// Creates the version table, or adds the columns an older one lacks.
pub(crate) fn ensure<D: Database + ?Sized>(db: &mut D) -> Result<(), Error> {
    let d = db.dialect();
    if exists_in(db)? {
        // A table made before backfills recorded their key gets the column.
        if db.has_rows(&probe_resume_key(d)).is_err() {
            db.execute(&add_resume_key(d))
                .map_err(|e| Error::database(format!("adding resume_key to {VERSION_TABLE}"), e))?;
        }
        return Ok(());
    }
    db.execute(&create_table(d))
        .map_err(|e| Error::database(format!("creating the version table {VERSION_TABLE}"), e))
}

/// Every row, in chain order.
pub(crate) fn read<D: Database + ?Sized>(db: &mut D) -> Result<Vec<AppliedRecord>, Error> {
    let d = db.dialect();
    let rows = db
        .query(&select(d), 10)
        .map_err(|e| Error::database(format!("reading the version table {VERSION_TABLE}"), e))?;
    Ok(rows.iter().map(read_row).collect())
}

impl MigrationSet {
    /// How many migrations the database has applied, when one read of the
    /// version table, without the lock, shows every row a migration of this
    /// set, applied, with the embedded checksum, the rows exactly the first
    /// migrations of the chain. That is the start of every deploy after the
    /// first, and it then costs one query. Anything else (no table, a
    /// half-applied or unknown row, a changed checksum) is `None`: the
    /// locked way says what is wrong.
    ///
    /// So is an empty table for a set that imported migrations: the database
    /// may be another tool's, not adopted yet (a refused adoption leaves the
    /// table empty), which only the locked way finds out.
    pub(super) fn settled_count<D: Database + ?Sized>(&self, db: &mut D) -> Option<usize> {
        let count = self.settled_count_read(db)?;
        (count > 0 || self.imported_tools().is_empty()).then_some(count)
    }

    fn settled_count_read<D: Database + ?Sized>(&self, db: &mut D) -> Option<usize> {
        let d = db.dialect();
        let mysql = d == Dialect::Mysql;
        let read = db
            .query(&select_applied(d), if mysql { 3 } else { 2 })
            .ok()?;
        let row = read.first()?;
        let rows: usize = text(row, 1).parse().ok()?;
        if mysql && text(row, 2) != "0" {
            return None;
        }
        let joined = row.first().and_then(|c| c.as_deref());
        let lines: Vec<&str> = joined.map_or_else(Vec::new, |j| j.split('\n').collect());
        let count = self.count_of_lines(&lines, rows);
        if count.is_some() || !mysql {
            return count;
        }
        // Maybe cut at group_concat_max_len: read a line per row. (Also when
        // a row does differ, on the way to the locked read.)
        let per_row = db.query(&select_applied_rows(), 1).ok()?;
        let lines: Vec<&str> = per_row
            .iter()
            .map(|row| row.first().and_then(|c| c.as_deref()))
            .collect::<Option<_>>()?;
        self.count_of_lines(&lines, per_row.len())
    }

    /// `Some(n)` when `lines` ("<checksum><revision>", one per row of `rows`)
    /// are exactly the first `n` migrations of the chain, in any order.
    fn count_of_lines(&self, lines: &[&str], rows: usize) -> Option<usize> {
        let count = lines.len();
        if count != rows || count > self.len() {
            return None;
        }
        // Row i is nearly always migration i (rows come back in the order
        // they were written); a lookup by revision is the exception.
        let mut by_revision: Option<std::collections::HashMap<&str, usize>> = None;
        let mut seen = vec![false; count];
        for (i, line) in lines.iter().enumerate() {
            let here = |index: usize| {
                self.revision_and_checksum(index)
                    .and_then(|(revision, checksum)| {
                        (line.strip_prefix(checksum) == Some(revision)).then_some(index)
                    })
            };
            let index = match here(i) {
                Some(index) => index,
                None => {
                    let lookup = by_revision.get_or_insert_with(|| {
                        (0..self.len())
                            .filter_map(|index| Some((self.revision(index)?, index)))
                            .collect()
                    });
                    let (_, checksum) = self.revision_and_checksum(0)?;
                    let revision = line.get(checksum.len()..)?;
                    here(*lookup.get(revision)?)?
                }
            };
            // Distinct indexes below `count`, `count` of them: exactly the
            // first `count` migrations of the chain.
            if index >= count || seen[index] {
                return None;
            }
            seen[index] = true;
        }
        Some(count)
    }

    /// How many migrations are applied, after checking every record: known
    /// revision, same checksum (with `check_checksums`), completed, a
    /// prefix of the chain.
    pub(super) fn applied_count(
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
            let Some(index) = in_order.map(|_| i).or_else(|| self.position(&r.revision)) else {
                return Err(Error::UnknownRevision {
                    revision: r.revision.clone(),
                    message: r.message.clone(),
                    head: self.head().unwrap_or("base").to_string(),
                });
            };
            let m = self.migrations()[index];
            if r.state != VersionState::Applied {
                return Err(advice::half_applied(self, d, index, r, None));
            }
            if check_checksums && r.checksum != *m.checksum {
                return Err(Error::ChecksumMismatch {
                    revision: r.revision.clone(),
                    message: m.message.to_string(),
                    applied: r.checksum.clone(),
                    embedded: m.checksum.to_string(),
                });
            }
            applied[index] = true;
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
                advice::stamp_command(&later.revision)
            )));
        }
        Ok(count)
    }
}

#[cfg(test)]
mod tests {
    use super::VersionState;

    #[test]
    fn states_read_back_as_written() {
        for state in VersionState::ALL {
            assert_eq!(VersionState::parse(state.as_str()), Some(state));
        }
        assert_eq!(VersionState::parse("applying"), None);
        assert_eq!(
            VersionState::ALL.map(VersionState::as_str),
            [
                "applied",
                "upgrading",
                "downgrading",
                "upgrade_failed",
                "downgrade_failed"
            ]
        );
    }
}
