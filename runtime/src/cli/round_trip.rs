//! The command `verify`, a round trip: on a scratch database next to the
//! real one, every migration up, down and up again, with the introspected
//! schema compared to the model the compiler computed after each step. The
//! rollback is tested before it is needed. (Not `MigrationSet::check_drift`,
//! which compares the real database with its model once.)

use std::io::Write;
use std::time::{SystemTime, UNIX_EPOCH};

use godwit_core::schema::Difference;
use serde_json::json;

use super::scrub::scrub;
use super::{dialect_of, CliError, Context};
use crate::database::{redact, Database};
use crate::dialect::normalise;
use crate::{connect, AnyConnection, Dialect, MigrationSet, Options, Target};

/// A database created for the run and removed afterwards.
pub(super) struct Scratch {
    /// The URL of the scratch database.
    pub(super) url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    Database {
        admin_url: String,
        name: String,
        dialect: Dialect,
    },
}

fn unique_name() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("godwit_verify_{}_{nanos}", std::process::id())
}

/// `url` with its database name replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let (scheme, rest) = base.split_once("://").unwrap_or(("", base));
    let host = rest.split('/').next().unwrap_or(rest);
    let mut out = format!("{scheme}://{host}/{name}");
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

impl Scratch {
    /// Creates an empty scratch database of the same kind as `url`.
    pub(super) fn create(url: &str) -> Result<Scratch, CliError> {
        let dialect = dialect_of(url)?;
        // The scratch database is new: it has `public` and no tenant's
        // schema, so the round trip runs in `public`.
        let (url, _schema) = crate::database::take_schema(url)?;
        let url = url.as_str();
        let name = unique_name();
        match dialect {
            Dialect::Sqlite => {
                let path = std::env::temp_dir().join(format!("{name}.db"));
                Ok(Scratch {
                    url: path.display().to_string(),
                    cleanup: Cleanup::File(path),
                })
            }
            Dialect::Postgres | Dialect::Mysql => {
                let mut admin = connect(url)?;
                let quoted = dialect.quote(&name);
                admin
                    .execute(&format!("CREATE DATABASE {quoted}"))
                    .map_err(|e| {
                        CliError::Io(format!(
                            "cannot create the scratch database {name} on {}: {e}",
                            redact(url)
                        ))
                    })?;
                Ok(Scratch {
                    url: with_database(url, &name),
                    cleanup: Cleanup::Database {
                        admin_url: url.to_string(),
                        name,
                        dialect,
                    },
                })
            }
        }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-journal", "-wal", "-shm", "-godwit-lock"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Database {
                admin_url,
                name,
                dialect,
            } => {
                if let Ok(mut admin) = connect(admin_url) {
                    let _ =
                        admin.execute(&format!("DROP DATABASE IF EXISTS {}", dialect.quote(name)));
                }
            }
        }
    }
}

/// The differences that matter between the model after `count` migrations
/// and the database. Column order is not compared: a column added back by a
/// downgrade lands at the end of its table.
fn compare(
    set: &MigrationSet,
    db: &mut AnyConnection,
    count: usize,
) -> Result<Vec<String>, CliError> {
    let d = db.dialect();
    let mut model = set.schema_at(count)?;
    let mut found = db.introspect()?;
    crate::runner::leave_out_unfollowed(&mut model, &mut found);
    let expected = normalise(&model, d);
    let found = normalise(&found, d);
    Ok(expected
        .differences(&found)
        .into_iter()
        .filter(|x| !matches!(x, Difference::ColumnOrder { .. }))
        .map(|x| x.to_string())
        .collect())
}

/// The round trip of every migration, and a line per migration.
pub(super) fn run<W: Write>(cx: &mut Context<'_, W>) -> Result<u8, CliError> {
    let (set, url, options, out) = (cx.set, cx.url()?, cx.options(), &mut cx.out);
    let scratch = Scratch::create(url)?;
    let mut db = connect(&scratch.url)?;
    if !out.is_json() {
        eprintln!(
            "verifying {} migrations on a scratch database next to {}",
            set.len(),
            redact(url)
        );
    }
    let mut results = Vec::new();
    let mut failed = 0;
    let mut stopped = false;
    for (k, m) in set.migrations().iter().enumerate() {
        let mut problems = Vec::new();
        let (undone, go_on) = round_trip(set, &mut db, k, &options, url, &mut problems)?;
        let ok = problems.is_empty();
        failed += usize::from(!ok);
        if !out.is_json() {
            let what = if undone {
                "up, down, up"
            } else if m.irreversible.is_some() {
                "up (irreversible)"
            } else {
                "up"
            };
            eprintln!(
                "{} {}  {}: {}",
                if ok { "ok    " } else { "FAILED" },
                m.revision,
                what,
                m.message
            );
            // Under the migration's line, every line of a problem (a
            // runner's error spans several).
            for p in &problems {
                eprintln!("         {}", p.replace('\n', "\n         "));
            }
        }
        results.push(
            json!({ "revision": m.revision, "ok": ok, "round_trip": undone, "problems": problems }),
        );
        if !go_on {
            stopped = true;
            break;
        }
    }
    // The migrations after one that left the database where the next
    // cannot start from.
    let not_run = set.len() - results.len();
    if not_run > 0 && !out.is_json() {
        let s = if not_run == 1 { "" } else { "s" };
        eprintln!("stopped: {not_run} later migration{s} not run");
    }
    // Down to base at the end: the whole chain of downgrades works too.
    // Not run after a stop, nor over an irreversible migration (`null`).
    let mut base_ok = None;
    if !stopped && set.migrations().iter().all(|m| m.irreversible.is_none()) {
        let problem = match set.downgrade_with(&mut db, Target::Base, &options) {
            Ok(_) => {
                let left = compare(set, &mut db, 0)?;
                (!left.is_empty()).then(|| left.join("; "))
            }
            Err(e) => Some(scrub(&e.to_string(), Some(url))),
        };
        if let (Some(p), false) = (&problem, out.is_json()) {
            eprintln!("FAILED down to base: {p}");
        }
        base_ok = Some(problem.is_none());
    } else if stopped && !out.is_json() {
        eprintln!("down to base: not run, as the run stopped");
    }
    drop(db);
    drop(scratch);
    let passed = results.len() - failed;
    out.line(
        &format!(
            "verify: {passed} passed, {failed} failed{}{}",
            if not_run > 0 {
                format!(", {not_run} not run")
            } else {
                String::new()
            },
            if base_ok == Some(false) {
                "; down to base failed"
            } else {
                ""
            }
        ),
        json!({ "passed": passed, "failed": failed, "not_run": not_run, "base_ok": base_ok, "migrations": results }),
    );
    Ok(if failed == 0 && not_run == 0 && base_ok != Some(false) {
        0
    } else {
        1
    })
}

/// Migration `k` up, compared, then (unless irreversible) down and up
/// again, each compared; a step that fails is one of its `problems`, not
/// the end of the run. Returns whether it was undone, and whether the run
/// can go on: not after a failed upgrade, nor after a failed downgrade
/// that left the database anywhere but just after `k`.
fn round_trip(
    set: &MigrationSet,
    db: &mut AnyConnection,
    k: usize,
    options: &Options,
    url: &str,
    problems: &mut Vec<String>,
) -> Result<(bool, bool), CliError> {
    // What the command line prints goes through `scrub`: a driver's error
    // may hold the URL.
    let failed = |step: &str, e: crate::Error| {
        format!("{step} failed: {}", scrub(&e.to_string(), Some(url)))
    };
    if let Err(e) = set.upgrade_with(db, set.target_after(k + 1), options) {
        problems.push(failed("upgrade", e));
        return Ok((false, false));
    }
    compared(set, db, k + 1, "after upgrade", problems)?;
    if set.migrations()[k].irreversible.is_some() {
        return Ok((false, true));
    }
    if let Err(e) = set.downgrade_with(db, set.target_after(k), options) {
        problems.push(failed("downgrade", e));
        // Where a backend without transactional DDL recorded the downgrade
        // as half-done, `current` says so with an error: the end of the run.
        let at = set.current(db).ok().flatten();
        return Ok((false, at == Some(&*set.migrations()[k].revision)));
    }
    compared(set, db, k, "after downgrade", problems)?;
    if let Err(e) = set.upgrade_with(db, set.target_after(k + 1), options) {
        problems.push(failed("upgrading again", e));
        return Ok((true, false));
    }
    compared(set, db, k + 1, "after upgrading again", problems)?;
    Ok((true, true))
}

/// [`compare`] at `count`, each difference a problem prefixed with `when`.
fn compared(
    set: &MigrationSet,
    db: &mut AnyConnection,
    count: usize,
    when: &str,
    problems: &mut Vec<String>,
) -> Result<(), CliError> {
    let found = compare(set, db, count)?;
    problems.extend(found.into_iter().map(|d| format!("{when}: {d}")));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn replaces_the_database_name() {
        assert_eq!(
            with_database("postgres://u:p@h:5432/test", "x"),
            "postgres://u:p@h:5432/x"
        );
        assert_eq!(
            with_database("mysql://root@127.0.0.1:3306/test?ssl=0", "x"),
            "mysql://root@127.0.0.1:3306/x?ssl=0"
        );
        assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
    }
}
