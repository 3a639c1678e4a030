//! Adopting databases that sqlx, refinery and diesel_migrations migrated.
//!
//! Each history under `tests/fixtures/import/` (sqlx on PostgreSQL and on
//! MariaDB, refinery on SQLite and on PostgreSQL, diesel on PostgreSQL) was
//! imported into a set of `godwit_tests::imported`. For each:
//!
//! - adoption: database A is migrated the old tool's way
//!   (`godwit_tests::old_tools`: its files run as the tool runs them, its
//!   history table as the tool writes it); `upgrade` records the imported
//!   migrations as applied without running any (no step, no row count
//!   changed), `current` is the head, `check_drift` passes, a second
//!   `upgrade` does nothing. Database B, fresh, is upgraded from scratch by
//!   the imported set: its schema is A's (introspected, and on the servers
//!   dumped by `pg_dump` / `mariadb-dump`, functions and triggers
//!   included) and it holds the same rows;
//! - refusal: a history table listing a migration the set did not import,
//!   or missing one it did, is refused (`Error::Adoption`) with nothing
//!   recorded; after the `stamp` it advises, `upgrade` goes on (and runs
//!   the migration the old tool had not);
//! - a race: four threads upgrade one un-adopted database at once: every
//!   one succeeds without running a migration, the version table holds one
//!   row per migration; four threads adopting at once adopt once.
//!
//! SQLite always runs; the servers' tests say so and pass without their
//! `GODWIT_TEST_*_URL`.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Barrier};

use godwit::dialect::normalise;
use godwit::import::Tool;
use godwit::runner::{Adoption, VERSION_TABLE};
use godwit::{AnyConnection, Database, Dialect, Error, Options, Schema, Target};
use godwit_tests::dumps::{diff, mariadb_schema, pg_schema, pg_tools};
use godwit_tests::imported::{ImportedHistory, HISTORIES};
use godwit_tests::old_tools::{self, OldMigration};
use godwit_tests::{Backend, TestDb};

/// The history tables of the old tools: bookkeeping, not the application's schema.
const OLD_TABLES: [&str; 3] = [
    "_sqlx_migrations",
    "refinery_schema_history",
    "__diesel_schema_migrations",
];

fn history(name: &str) -> &'static ImportedHistory {
    HISTORIES
        .iter()
        .find(|h| h.name == name)
        .unwrap_or_else(|| panic!("no imported history {name}"))
}

fn backend(history: &ImportedHistory) -> Backend {
    match history.dialect {
        Dialect::Postgres => Backend::Postgres,
        Dialect::Mysql => Backend::Mysql,
        Dialect::Sqlite => Backend::Sqlite,
    }
}

fn originals(history: &ImportedHistory) -> Vec<OldMigration> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(history.fixture);
    old_tools::read(history.tool, &dir)
}

/// A database migrated by the old tool with `migrations`, or `None` when
/// the backend is not enabled for this run.
fn migrated_by_old_tool(
    history: &ImportedHistory,
    test: &str,
    migrations: &[OldMigration],
) -> Option<(TestDb, AnyConnection)> {
    let db = TestDb::create(backend(history), test)?;
    let mut conn = db.connect();
    old_tools::migrate(history.tool, &mut conn, migrations);
    Some((db, conn))
}

fn count(conn: &mut AnyConnection, from: &str) -> i64 {
    let sql = format!(
        "SELECT {} AS c0 FROM {from}",
        conn.dialect().cast_text("COUNT(*)")
    );
    let rows = conn.query(&sql, 1).unwrap_or_else(|e| panic!("{sql}: {e}"));
    rows.first()
        .and_then(|r| r.first().cloned().flatten())
        .unwrap_or_default()
        .parse()
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// The rows godwit's version table holds (none when there is no table yet).
fn version_rows(conn: &mut AnyConnection) -> i64 {
    let sql = format!(
        "SELECT {} AS c0 FROM {VERSION_TABLE}",
        conn.dialect().cast_text("COUNT(*)")
    );
    match conn.query(&sql, 1) {
        Ok(rows) => rows
            .first()
            .and_then(|r| r.first().cloned().flatten())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{sql}: {rows:?}")),
        Err(_) => 0,
    }
}

/// The application's schema, normalised for comparison: without godwit's
/// and the old tools' tables.
fn schema(conn: &mut AnyConnection) -> Schema {
    let mut found = conn.introspect().expect("introspects");
    for table in OLD_TABLES {
        found.tables.remove(table);
    }
    normalise(&found, conn.dialect())
}

/// The row count of every table of the application.
fn row_counts(conn: &mut AnyConnection) -> BTreeMap<String, i64> {
    let d = conn.dialect();
    let tables: Vec<String> = schema(conn).tables.keys().cloned().collect();
    tables
        .into_iter()
        .map(|t| {
            let n = count(conn, &d.quote(&t));
            (t, n)
        })
        .collect()
}

fn head(history: &ImportedHistory) -> &'static str {
    history
        .set
        .migrations()
        .last()
        .map(|m| &*m.revision)
        .expect("a migration")
}

/// (a)–(c): A, migrated by the old tool, is adopted without running
/// anything; B, upgraded by the imported set, has A's schema and rows.
fn adopts(name: &str) {
    let history = history(name);
    let set = history.set;
    let test = format!("adopting::{name}");
    let originals = originals(history);
    let Some((a_db, mut a)) = migrated_by_old_tool(history, &test, &originals) else {
        return;
    };
    let rows_before = row_counts(&mut a);
    assert!(
        rows_before.values().any(|n| *n > 0),
        "{name}: the history's data statements left no row: {rows_before:?}"
    );
    assert_eq!(version_rows(&mut a), 0);

    let report = set.upgrade(&mut a, Target::Head).expect("adopts");
    assert_eq!(report.steps, Vec::new(), "{name}: adoption ran migrations");
    assert_eq!(report.to, Some(head(history)));
    assert_eq!(set.current(&mut a).expect("current"), Some(head(history)));
    set.check_drift(&mut a)
        .unwrap_or_else(|e| panic!("{name}: drift after adoption: {e}"));
    assert_eq!(version_rows(&mut a), set.migrations().len() as i64);
    assert_eq!(
        row_counts(&mut a),
        rows_before,
        "{name}: adoption changed data"
    );
    let entries = set.history(&mut a).expect("history");
    assert!(
        entries.iter().all(|e| e.known && e.record.is_some()),
        "{name}: {entries:?}"
    );
    let again = set.upgrade(&mut a, Target::Head).expect("upgrades again");
    assert_eq!(again.steps, Vec::new());
    assert_eq!(version_rows(&mut a), set.migrations().len() as i64);

    let Some(b_db) = TestDb::create(backend(history), &test) else {
        unreachable!("A's backend is enabled")
    };
    let mut b = b_db.connect();
    let report = set.upgrade(&mut b, Target::Head).expect("upgrades B");
    let ran: Vec<&str> = report.steps.iter().map(|s| s.revision).collect();
    let all: Vec<&str> = set.migrations().iter().map(|m| &*m.revision).collect();
    assert_eq!(ran, all, "{name}: B runs every imported migration");
    set.check_drift(&mut b)
        .unwrap_or_else(|e| panic!("{name}: drift on B: {e}"));
    let (schema_a, schema_b) = (schema(&mut a), schema(&mut b));
    assert_eq!(
        schema_a.first_difference(&schema_b),
        None,
        "{name}: A (migrated by {}) and B (by godwit) differ",
        history.tool
    );
    let dumps = match backend(history) {
        Backend::Postgres => {
            let tools = pg_tools(&a_db.url);
            Some((
                pg_schema(&tools, &a_db.url, &OLD_TABLES),
                pg_schema(&tools, &b_db.url, &OLD_TABLES),
            ))
        }
        Backend::Mysql => Some((
            mariadb_schema(&a_db.url, &OLD_TABLES),
            mariadb_schema(&b_db.url, &OLD_TABLES),
        )),
        Backend::Sqlite => None,
    };
    if let Some((dump_a, dump_b)) = &dumps {
        assert!(
            same_definitions(dump_a, dump_b),
            "{name}: the dumps of A (migrated by {}) and B (by godwit) differ: {}",
            history.tool,
            diff(dump_a, dump_b, "A", "B")
        );
    }
    assert_eq!(
        row_counts(&mut b),
        rows_before,
        "{name}: B's data statements left other rows than A's"
    );
    println!(
        "{name}: adopted {} migrations; B ran them, same schema ({} tables, {} views, {} functions)",
        set.migrations().len(),
        schema_a.tables.len(),
        schema_a.views.len(),
        schema_a.functions.len()
    );
}

/// Whether two dumps define the same objects, spelled alike or not: the
/// import writes `DEFAULT now()` as `server_default(now())`, which
/// PostgreSQL keeps as `CURRENT_TIMESTAMP` (the same function), and
/// MariaDB keeps a trigger's text as it was written, quoted or not, on one
/// line or two.
fn same_definitions(a: &str, b: &str) -> bool {
    let canonical = |dump: &str| {
        dump.replace("DEFAULT now()", "DEFAULT CURRENT_TIMESTAMP")
            .replace('`', "")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    canonical(a) == canonical(b)
}

/// A migration the old tool applied that the set did not import (a
/// hotfix): it runs `SELECT 1` and is recorded as the tool records it.
fn hotfix(tool: Tool) -> OldMigration {
    OldMigration {
        version: match tool {
            Tool::Refinery => "99".into(),
            _ => "20991231000000".into(),
        },
        name: "hotfix".into(),
        up: "SELECT 1;".into(),
        transaction: true,
    }
}

fn adoption_refused<T: std::fmt::Debug>(result: Result<T, Error>, name: &str) -> Error {
    match result {
        Err(e @ Error::Adoption { .. }) => {
            assert!(
                e.to_string().contains("stamp"),
                "{name}: the refusal does not say how to resolve it: {e}"
            );
            e
        }
        other => panic!("{name}: expected Error::Adoption, got {other:?}"),
    }
}

/// (d): a history table that lists more, or fewer, migrations than the set
/// imported is refused with nothing recorded; the stamp it advises lets
/// `upgrade` go on.
fn refuses(name: &str) {
    let history = history(name);
    let set = history.set;
    let test = format!("adopting::{name}");
    let originals = originals(history);

    // One more: the set did not import the hotfix.
    let mut more = originals.clone();
    more.push(hotfix(history.tool));
    let Some((_a, mut a)) = migrated_by_old_tool(history, &test, &more) else {
        return;
    };
    let rows_before = row_counts(&mut a);
    let e = adoption_refused(set.upgrade(&mut a, Target::Head), name);
    let Error::Adoption {
        not_imported,
        not_listed,
        listed_up_to,
        ..
    } = &e
    else {
        unreachable!()
    };
    assert_eq!(not_imported, &[hotfix(history.tool).version], "{name}: {e}");
    assert!(not_listed.is_empty(), "{name}: {e}");
    assert_eq!(listed_up_to.as_deref(), Some(head(history)));
    assert_eq!(version_rows(&mut a), 0, "{name}: a refusal recorded rows");
    adoption_refused(set.current(&mut a), name);
    set.stamp(&mut a, Target::Head).expect("stamps");
    let report = set.upgrade(&mut a, Target::Head).expect("upgrades");
    assert_eq!(report.steps, Vec::new());
    assert_eq!(set.current(&mut a).expect("current"), Some(head(history)));
    set.check_drift(&mut a).expect("no drift");
    assert_eq!(row_counts(&mut a), rows_before);

    // One fewer: the old tool had not yet run the last migration.
    let (last, earlier) = originals.split_last().expect("migrations");
    let Some((_a2, mut a2)) = migrated_by_old_tool(history, &test, earlier) else {
        unreachable!("the backend is enabled")
    };
    let e = adoption_refused(set.upgrade(&mut a2, Target::Head), name);
    let Error::Adoption {
        not_imported,
        not_listed,
        listed_up_to,
        ..
    } = &e
    else {
        unreachable!()
    };
    assert!(not_imported.is_empty(), "{name}: {e}");
    assert_eq!(
        not_listed,
        std::slice::from_ref(&last.version),
        "{name}: {e}"
    );
    let up_to = listed_up_to.clone().expect("the last listed");
    assert_eq!(up_to, earlier.last().expect("earlier").version);
    assert_eq!(version_rows(&mut a2), 0, "{name}: a refusal recorded rows");
    set.stamp(&mut a2, Target::Revision(&up_to))
        .expect("stamps");
    let report = set.upgrade(&mut a2, Target::Head).expect("upgrades");
    let ran: Vec<&str> = report.steps.iter().map(|s| s.revision).collect();
    assert_eq!(ran, [last.version.as_str()], "{name}");
    set.check_drift(&mut a2).expect("no drift");
    assert_eq!(version_rows(&mut a2), set.migrations().len() as i64);
}

const THREADS: usize = 4;

/// (e): four threads upgrade an un-adopted database at once; four adopt
/// another at once.
fn races(name: &str) {
    let history = history(name);
    let set = history.set;
    let test = format!("adopting::{name}");
    let originals = originals(history);
    let Some((db, mut a)) = migrated_by_old_tool(history, &test, &originals) else {
        return;
    };
    let rows_before = row_counts(&mut a);
    let barrier = Arc::new(Barrier::new(THREADS));
    let reports: Vec<godwit::Report> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|_| {
                let barrier = Arc::clone(&barrier);
                let mut conn = db.connect();
                s.spawn(move || {
                    barrier.wait();
                    set.upgrade(&mut conn, Target::Head)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .expect("no panic")
                    .unwrap_or_else(|e| panic!("{name}: an upgrade failed: {e}"))
            })
            .collect()
    });
    for report in &reports {
        assert_eq!(report.steps, Vec::new(), "{name}: a migration ran");
        assert_eq!(report.to, Some(head(history)));
    }
    assert_eq!(version_rows(&mut a), set.migrations().len() as i64);
    assert_eq!(
        row_counts(&mut a),
        rows_before,
        "{name}: a data statement ran again"
    );
    set.check_drift(&mut a).expect("no drift");

    let Some((db2, _a2)) = migrated_by_old_tool(history, &test, &originals) else {
        unreachable!("the backend is enabled")
    };
    let barrier = Arc::new(Barrier::new(THREADS));
    let adoptions: Vec<Option<Adoption>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|_| {
                let barrier = Arc::clone(&barrier);
                let mut conn = db2.connect();
                s.spawn(move || {
                    barrier.wait();
                    set.adopt(&mut conn, &Options::default())
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("no panic").expect("adopts"))
            .collect()
    });
    let adopted: Vec<&Adoption> = adoptions.iter().flatten().collect();
    assert_eq!(
        adopted,
        [&Adoption {
            from: history.tool.name(),
            table: Some(history.tool.history_table()),
            recorded: set.migrations().len()
        }],
        "{name}: one adoption, not {adoptions:?}"
    );
}

macro_rules! scenarios {
    ($($module:ident),* $(,)?) => {$(
        mod $module {
            #[test]
            fn adopts() {
                super::adopts(stringify!($module));
            }

            #[test]
            fn refuses_other_histories() {
                super::refuses(stringify!($module));
            }

            #[test]
            fn adopts_once_under_a_race() {
                super::races(stringify!($module));
            }
        }
    )*};
}

scenarios!(
    sqlx_postgres,
    sqlx_mariadb,
    refinery_sqlite,
    refinery_postgres,
    diesel_postgres
);
