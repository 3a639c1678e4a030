//! The connection settings a run needs, set once for the whole run and put
//! back when it ends (the connection is the application's).
//!
//! - SQLite: foreign keys off, so that a table rebuild's `DROP TABLE` does
//!   not cascade into child rows (step 1 of SQLite's procedure); each rebuild
//!   checks them itself with `PRAGMA foreign_key_check`.
//! - PostgreSQL: `lock_timeout` and `statement_timeout` from [`Options`].
//! - MySQL: `lock_wait_timeout` from [`Options`]; `foreign_key_checks` is
//!   set back on at the end in case a failed op left it off.

use std::time::Duration;

use super::Options;
use crate::database::{text, Database};
use crate::dialect::Dialect;
use crate::Error;

/// What [`end`] must put back.
pub(crate) struct Session {
    sqlite_foreign_keys: bool,
}

/// Sets the connection up for a run.
pub(crate) fn begin<D: Database + ?Sized>(db: &mut D, options: &Options) -> Result<Session, Error> {
    let mut session = Session {
        sqlite_foreign_keys: false,
    };
    match db.dialect() {
        Dialect::Sqlite => session.sqlite_foreign_keys = sqlite_foreign_keys_off(db)?,
        Dialect::Postgres => setting(db, &pg_timeouts(options), "setting the timeouts")?,
        Dialect::Mysql => setting(
            db,
            &format!(
                "SET SESSION lock_wait_timeout = {}",
                options.lock_timeout.as_secs().max(1)
            ),
            "setting lock_wait_timeout",
        )?,
    }
    Ok(session)
}

/// Puts back what [`begin`] changed, also after a failed run.
pub(crate) fn end<D: Database + ?Sized>(db: &mut D, session: Session) -> Result<(), Error> {
    match db.dialect() {
        Dialect::Sqlite => restore_foreign_keys(db, session.sqlite_foreign_keys),
        // After a lost connection there is no session left to reset.
        Dialect::Postgres => {
            let _ = db.execute("RESET lock_timeout; RESET statement_timeout");
            Ok(())
        }
        Dialect::Mysql => {
            let _ = db.execute("SET foreign_key_checks = 1");
            let _ = db.execute("SET SESSION lock_wait_timeout = DEFAULT");
            Ok(())
        }
    }
}

fn setting<D: Database + ?Sized>(db: &mut D, sql: &str, context: &str) -> Result<(), Error> {
    db.execute(sql)
        .map_err(|e| Error::database(format!("{context} (`{sql}`)"), e))
}

/// PostgreSQL's timeouts for the session.
fn pg_timeouts(options: &Options) -> String {
    let statement = options.statement_timeout.map_or("0".into(), pg_interval);
    format!(
        "SET lock_timeout = '{}'; SET statement_timeout = '{statement}'",
        pg_interval(options.lock_timeout)
    )
}

/// A PostgreSQL timeout setting: whole seconds as `5s`, else milliseconds,
/// at least 1 (0 would mean no timeout at all).
pub(crate) fn pg_interval(d: Duration) -> String {
    let ms = d.as_millis().max(1);
    if ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}

/// Turns SQLite's foreign keys off; returns whether they were on.
pub(crate) fn sqlite_foreign_keys_off<D: Database + ?Sized>(db: &mut D) -> Result<bool, Error> {
    let on = db
        .query(
            "SELECT CAST(foreign_keys AS TEXT) AS c0 FROM pragma_foreign_keys",
            1,
        )
        .map_err(|e| Error::database("reading PRAGMA foreign_keys", e))?
        .first()
        .is_some_and(|r| text(r, 0) == "1");
    if on {
        db.execute("PRAGMA foreign_keys = OFF")
            .map_err(|e| Error::database("turning foreign keys off for the migration", e))?;
    }
    Ok(on)
}

/// Turns SQLite's foreign keys back on if they were.
pub(crate) fn restore_foreign_keys<D: Database + ?Sized>(
    db: &mut D,
    were_on: bool,
) -> Result<(), Error> {
    if were_on {
        setting(
            db,
            "PRAGMA foreign_keys = ON",
            "turning foreign keys back on",
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_timeouts() {
        assert_eq!(pg_interval(Duration::from_secs(5)), "5s");
        assert_eq!(pg_interval(Duration::from_millis(1500)), "1500ms");
        assert_eq!(pg_interval(Duration::ZERO), "1ms");
        assert_eq!(
            pg_timeouts(&Options::default()),
            "SET lock_timeout = '5s'; SET statement_timeout = '0'"
        );
    }
}
