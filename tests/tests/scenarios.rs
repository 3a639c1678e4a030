//! The runtime's scenarios, run on SQLite always and on PostgreSQL and
//! MariaDB when their URLs are set (see `godwit_tests::testdb`).

use std::collections::BTreeMap;
use std::process::Command;
use std::time::Duration;

use godwit::dialect::normalise;
use godwit::runner::VersionState;
use godwit::{Database, Error, MigrationSet, Options, Schema, Target};
use godwit_tests::{
    Backend, TestDb, BASE_ONLY, CHECKS, EDITED, EVERY_OP, FAILING, IRREVERSIBLE, MIGRATIONS,
};

/// Runs a scenario once per backend, each in its own #[test].
macro_rules! on_every_backend {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            use super::*;
            #[test]
            fn sqlite() {
                if let Some(db) = TestDb::create(Backend::Sqlite, stringify!($name)) {
                    super::$name(&db);
                }
            }
            #[test]
            fn postgres() {
                if let Some(db) = TestDb::create(Backend::Postgres, stringify!($name)) {
                    super::$name(&db);
                }
            }
            #[test]
            fn mysql() {
                if let Some(db) = TestDb::create(Backend::Mysql, stringify!($name)) {
                    super::$name(&db);
                }
            }
        }
    )*};
}

on_every_backend!(
    upgrade_downgrade_and_upgrade_again,
    every_op_round_trips,
    failing_migration,
    unique_index_over_duplicates,
    concurrent_upgrades,
    edited_migration_is_refused,
    unknown_revision_is_refused,
    irreversible_migration_is_not_undone,
    offline_sql_gives_the_same_schema,
    diesel_harness_runs_the_set,
    stamp_and_history,
    checks_follow_their_columns,
    version_rows_in_any_order,
);

/// A start-up with nothing to do reads the version table once, in whatever
/// order the server returns its rows; a row not applied sends it the
/// locked way, which refuses.
fn version_rows_in_any_order(db: &TestDb) {
    let mut conn = db.connect();
    MIGRATIONS.upgrade(&mut conn, Target::Head).unwrap();
    // Written again newest first: PostgreSQL and SQLite return them so.
    conn.execute("CREATE TABLE godwit_version_copy AS SELECT * FROM godwit_version")
        .unwrap();
    conn.execute("DELETE FROM godwit_version").unwrap();
    conn.execute(
        "INSERT INTO godwit_version SELECT * FROM godwit_version_copy ORDER BY position DESC",
    )
    .unwrap();
    conn.execute("DROP TABLE godwit_version_copy").unwrap();
    assert_eq!(MIGRATIONS.current(&mut conn).unwrap(), MIGRATIONS.head());
    let report = MIGRATIONS.upgrade(&mut conn, Target::Head).unwrap();
    assert!(report.steps.is_empty(), "{report:?}");
    assert_eq!(report.to, MIGRATIONS.head());

    // Nothing to do takes no lock: with another connection holding it, the
    // start-up still answers, without waiting. On MySQL also with the joined
    // value cut short (after 4 bytes, then inside its last line), read again
    // a line per row.
    let mut holder = db.connect();
    holder.lock(&Options::default()).unwrap();
    let impatient = Options {
        lock_wait: Duration::from_millis(100),
        ..Options::default()
    };
    let mut limits = vec![None];
    if conn.dialect() == godwit::dialect::Dialect::Mysql {
        let whole = conn
            .query(
                "SELECT CAST(SUM(LENGTH(checksum) + LENGTH(revision) + 1) - 1 AS CHAR) AS c0 FROM godwit_version",
                1,
            )
            .unwrap()[0][0]
            .clone()
            .unwrap();
        let whole: usize = whole.parse().unwrap();
        limits = vec![Some(4), Some(whole - 1), Some(whole)];
    }
    for limit in limits {
        if let Some(limit) = limit {
            conn.execute(&format!("SET SESSION group_concat_max_len = {limit}"))
                .unwrap();
        }
        let report = MIGRATIONS.upgrade_with(&mut conn, Target::Head, &impatient);
        let report = report.unwrap_or_else(|e| panic!("group_concat_max_len {limit:?}: {e}"));
        assert!(report.steps.is_empty(), "{report:?}");
        assert_eq!(MIGRATIONS.current(&mut conn).unwrap(), MIGRATIONS.head());
    }
    holder.unlock().unwrap();
    if conn.dialect() == godwit::dialect::Dialect::Mysql {
        conn.execute("SET SESSION group_concat_max_len = DEFAULT")
            .unwrap();
    }

    // The base's row marked as still running: no longer settled.
    conn.execute("UPDATE godwit_version SET state = 'upgrading', op_index = 0 WHERE position = 0")
        .unwrap();
    let err = MIGRATIONS.current(&mut conn).unwrap_err();
    assert!(matches!(err, Error::HalfApplied(_)), "{err}");
    // A running base under applied migrations: refused either way.
    let err = MIGRATIONS.upgrade(&mut conn, Target::Head).unwrap_err();
    assert!(
        matches!(err, Error::HalfApplied(_) | Error::Inconsistent(_)),
        "{err}"
    );
}

fn checks_follow_their_columns(db: &TestDb) {
    let mut conn = db.connect();
    for k in 1..=CHECKS.len() {
        CHECKS.upgrade(&mut conn, Target::Relative(1)).unwrap();
        assert_schema(&mut conn, &CHECKS, k, &format!("after upgrading to {k}"));
    }
    // A column added back by a downgrade lands at the end: compare all but
    // the order.
    let d = conn.dialect();
    for k in (0..CHECKS.len()).rev() {
        CHECKS.downgrade(&mut conn, Target::Relative(-1)).unwrap();
        let expected = normalise(&CHECKS.schema_at(k).unwrap(), d);
        let found = normalise(&conn.introspect().unwrap(), d);
        let differences: Vec<_> = expected
            .differences(&found)
            .into_iter()
            .filter(|x| !matches!(x, godwit::schema::Difference::ColumnOrder { .. }))
            .collect();
        assert!(
            differences.is_empty(),
            "after downgrading to {k} on {d}: {differences:?}"
        );
    }
}

/// Asserts that the database has the schema of the first `count` migrations.
fn assert_schema(conn: &mut impl Database, set: &MigrationSet, count: usize, when: &str) {
    let d = conn.dialect();
    let expected = normalise(&set.schema_at(count).expect("the set replays"), d);
    let actual = normalise(&conn.introspect().expect("introspection works"), d);
    if let Some(diff) = expected.first_difference(&actual) {
        panic!(
            "{when} on {d}: the database differs from the model of the first {count} migrations: {diff}\n\nmodel: {expected:#?}\n\ndatabase: {actual:#?}"
        );
    }
}

/// `SELECT COUNT(*) FROM {from}`.
fn count(conn: &mut impl Database, from: &str) -> i64 {
    let sql = format!(
        "SELECT {} AS c0 FROM {from}",
        conn.dialect().cast_text("COUNT(*)")
    );
    let rows = conn.query(&sql, 1).expect("the count query runs");
    rows[0][0]
        .as_deref()
        .unwrap_or("0")
        .parse()
        .expect("a count")
}

fn upgrade_downgrade_and_upgrade_again(db: &TestDb) {
    let mut conn = db.connect();
    assert_eq!(MIGRATIONS.current(&mut conn).unwrap(), None);
    assert_schema(&mut conn, &MIGRATIONS, 0, "before the first upgrade");
    for k in 1..=MIGRATIONS.len() {
        let report = MIGRATIONS.upgrade(&mut conn, Target::Relative(1)).unwrap();
        let rev = &*MIGRATIONS.migrations()[k - 1].revision;
        assert_eq!(report.to, Some(rev));
        assert_eq!(report.steps.len(), 1);
        assert_eq!(MIGRATIONS.current(&mut conn).unwrap(), Some(rev));
        assert_schema(
            &mut conn,
            &MIGRATIONS,
            k,
            &format!("after upgrading to {rev}"),
        );
    }
    // The backfill ran over the seeded users, two per batch.
    assert_eq!(count(&mut conn, "users WHERE karma = 1"), 5);
    for k in (0..MIGRATIONS.len()).rev() {
        MIGRATIONS
            .downgrade(&mut conn, Target::Relative(-1))
            .unwrap();
        assert_schema(
            &mut conn,
            &MIGRATIONS,
            k,
            &format!("after downgrading to {k} migrations"),
        );
    }
    assert_eq!(MIGRATIONS.current(&mut conn).unwrap(), None);
    assert_eq!(
        conn.introspect().unwrap(),
        Schema::new(),
        "downgrade to base leaves no table"
    );

    let report = MIGRATIONS.upgrade(&mut conn, Target::Head).unwrap();
    assert_eq!(report.steps.len(), MIGRATIONS.len());
    assert_eq!(MIGRATIONS.current(&mut conn).unwrap(), MIGRATIONS.head());
    assert_schema(
        &mut conn,
        &MIGRATIONS,
        MIGRATIONS.len(),
        "after upgrading again",
    );
    let again = MIGRATIONS.upgrade(&mut conn, Target::Head).unwrap();
    assert!(again.steps.is_empty(), "nothing is pending at head");
    MIGRATIONS.check_drift(&mut conn).unwrap();
    conn.execute("ALTER TABLE users ADD COLUMN nickname TEXT")
        .unwrap();
    let drift = MIGRATIONS.check_drift(&mut conn).unwrap_err().to_string();
    assert!(
        drift.contains("column `users.nickname` is left over"),
        "{drift}"
    );
    conn.execute("ALTER TABLE users DROP COLUMN nickname")
        .unwrap();
    MIGRATIONS.check_drift(&mut conn).unwrap();
    MIGRATIONS.downgrade(&mut conn, Target::Base).unwrap();
    assert_eq!(conn.introspect().unwrap(), Schema::new());
}

fn every_op_round_trips(db: &TestDb) {
    let mut conn = db.connect();
    for k in 1..=EVERY_OP.len() {
        EVERY_OP.upgrade(&mut conn, Target::Relative(1)).unwrap();
        assert_schema(
            &mut conn,
            &EVERY_OP,
            k,
            &format!("after upgrading to {k} migrations"),
        );
    }
    for k in (0..EVERY_OP.len()).rev() {
        EVERY_OP.downgrade(&mut conn, Target::Relative(-1)).unwrap();
        assert_schema(
            &mut conn,
            &EVERY_OP,
            k,
            &format!("after downgrading to {k} migrations"),
        );
    }
    assert_eq!(conn.introspect().unwrap(), Schema::new());
}

fn failing_migration(db: &TestDb) {
    let mut conn = db.connect();
    let err = FAILING.upgrade(&mut conn, Target::Head).unwrap_err();
    let msg = err.to_string();
    assert!(
        matches!(&err, Error::MigrationFailed(f) if f.op_number == 2),
        "{msg}"
    );
    assert!(msg.contains("migration 0003"), "{msg}");
    assert!(
        msg.contains("while running:\n    INSERT INTO audit_log (entry) VALUES (NULL)\n"),
        "the failed statement is shown: {msg}"
    );
    match db.backend {
        Backend::Sqlite | Backend::Postgres => {
            assert!(msg.contains("rolled back"), "{msg}");
            assert_eq!(FAILING.current(&mut conn).unwrap(), Some("0002"));
            assert_schema(&mut conn, &FAILING, 2, "after the failed migration");
        }
        Backend::Mysql => {
            assert!(msg.contains("upgrade_failed at op 2"), "{msg}");
            // The INSERT ran in a transaction with its record: nothing of it
            // is applied, and the next upgrade resumes there.
            assert!(msg.contains("op 2 ran in a transaction"), "{msg}");
            assert!(msg.contains("it resumes at op 2"), "{msg}");
            let again = FAILING.upgrade(&mut conn, Target::Head).unwrap_err();
            assert!(
                matches!(&again, Error::MigrationFailed(f) if f.op_number == 2),
                "{again}"
            );
            // Every other command says what is applied and how to resolve it.
            let again = FAILING.current(&mut conn).unwrap_err();
            let msg = again.to_string();
            assert!(matches!(again, Error::HalfApplied(_)), "{msg}");
            assert!(msg.contains("migration 0003"), "{msg}");
            assert!(msg.contains("failed at op 2 of 2"), "{msg}");
            assert!(
                msg.contains("`stamp 0003`") && msg.contains("`stamp 0002`"),
                "{msg}"
            );
            // Resolve it as the message says: undo op 1 by hand, stamp 0002.
            conn.execute("DROP TABLE audit_log").unwrap();
            FAILING.stamp(&mut conn, Target::Revision("0002")).unwrap();
            assert_eq!(FAILING.current(&mut conn).unwrap(), Some("0002"));
            assert_schema(
                &mut conn,
                &FAILING,
                2,
                "after resolving the failed migration",
            );
        }
    }
}

fn unique_index_over_duplicates(db: &TestDb) {
    let mut conn = db.connect();
    MIGRATIONS
        .upgrade(&mut conn, Target::Revision("0004"))
        .unwrap();
    conn.execute("INSERT INTO users (email, username) VALUES ('ada2@example.org', 'ada')")
        .unwrap();
    // 0005 builds a unique index over usernames: the duplicate stops it.
    let err = MIGRATIONS.upgrade(&mut conn, Target::Head).unwrap_err();
    let msg = err.to_string();
    assert!(
        matches!(&err, Error::MigrationFailed(f) if f.revision == "0005"),
        "{msg}"
    );
    match db.backend {
        Backend::Postgres => {
            assert!(msg.contains("CREATE UNIQUE INDEX CONCURRENTLY"), "{msg}");
            assert!(msg.contains("invalid index was dropped"), "{msg}");
            assert!(msg.contains("still at 0004"), "{msg}");
        }
        Backend::Sqlite => assert!(msg.contains("still at 0004"), "{msg}"),
        Backend::Mysql => {
            assert!(msg.contains("upgrade_failed at op 1"), "{msg}");
            // The ALTER TABLE failed as a whole; the next upgrade resumes at it.
            assert!(
                msg.contains("op 1 is one statement, which the database refused"),
                "{msg}"
            );
            assert!(msg.contains("it resumes at op 1"), "{msg}");
            assert!(matches!(
                MIGRATIONS.current(&mut conn),
                Err(Error::HalfApplied(_))
            ));
        }
    }
    if db.backend != Backend::Mysql {
        assert_eq!(MIGRATIONS.current(&mut conn).unwrap(), Some("0004"));
    }
    assert_schema(&mut conn, &MIGRATIONS, 4, "after the failed index build");
    conn.execute("DELETE FROM users WHERE email = 'ada2@example.org'")
        .unwrap();
    let report = MIGRATIONS.upgrade(&mut conn, Target::Head).unwrap();
    if db.backend == Backend::Mysql {
        assert_eq!(report.steps[0].resumed_at, Some(1), "{report:?}");
    }
    assert_schema(
        &mut conn,
        &MIGRATIONS,
        MIGRATIONS.len(),
        "after removing the duplicate",
    );
}

fn concurrent_upgrades(db: &TestDb) {
    let bin = env!("CARGO_BIN_EXE_godwit-test-upgrade");
    let children: Vec<_> = (0..8)
        .map(|_| {
            Command::new(bin)
                .arg(&db.url)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("the upgrade binary starts")
        })
        .collect();
    let mut applied: BTreeMap<String, usize> = BTreeMap::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "a concurrent upgrade failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            if let Some(rev) = line.strip_prefix("applied ") {
                *applied.entry(rev.to_string()).or_default() += 1;
            }
        }
    }
    let expected: BTreeMap<String, usize> = MIGRATIONS
        .migrations()
        .iter()
        .map(|m| (m.revision.to_string(), 1))
        .collect();
    assert_eq!(
        applied, expected,
        "each migration is applied by exactly one process"
    );
    let mut conn = db.connect();
    assert_eq!(count(&mut conn, "godwit_version"), MIGRATIONS.len() as i64);
    assert_eq!(count(&mut conn, "users"), 5, "the seed migration ran once");
    assert_schema(
        &mut conn,
        &MIGRATIONS,
        MIGRATIONS.len(),
        "after concurrent upgrades",
    );
}

fn edited_migration_is_refused(db: &TestDb) {
    let mut conn = db.connect();
    MIGRATIONS
        .upgrade(&mut conn, Target::Revision("0002"))
        .unwrap();
    let err = EDITED.upgrade(&mut conn, Target::Head).unwrap_err();
    let msg = err.to_string();
    assert!(
        matches!(&err, Error::ChecksumMismatch { revision, .. } if revision == "0002"),
        "{msg}"
    );
    assert!(msg.contains("migration 0002 (\"create the posts table with its author\") was changed after it was applied"), "{msg}");
    assert!(msg.contains("`stamp 0002`"), "{msg}");
    assert_schema(&mut conn, &MIGRATIONS, 2, "after the refused upgrade");
}

fn unknown_revision_is_refused(db: &TestDb) {
    let mut conn = db.connect();
    MIGRATIONS
        .upgrade(&mut conn, Target::Revision("0003"))
        .unwrap();
    let err = BASE_ONLY.upgrade(&mut conn, Target::Head).unwrap_err();
    let msg = err.to_string();
    assert!(
        matches!(&err, Error::UnknownRevision { revision, .. } if revision == "0002"),
        "{msg}"
    );
    assert!(
        msg.contains("which this binary does not know (its newest is 0001)"),
        "{msg}"
    );
    assert!(BASE_ONLY.current(&mut conn).is_err());
}

fn irreversible_migration_is_not_undone(db: &TestDb) {
    let mut conn = db.connect();
    IRREVERSIBLE.upgrade(&mut conn, Target::Head).unwrap();
    let err = IRREVERSIBLE.downgrade(&mut conn, Target::Base).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, Error::Irreversible { .. }), "{msg}");
    assert!(
        msg.contains("the purged rows are gone; restore them from a backup"),
        "{msg}"
    );
    assert_eq!(IRREVERSIBLE.current(&mut conn).unwrap(), Some("0002"));
}

fn offline_sql_gives_the_same_schema(db: &TestDb) {
    let d = {
        let conn = db.connect();
        conn.dialect()
    };
    let sql = MIGRATIONS.sql(d, Target::Base, Target::Head).unwrap();
    match db.backend {
        Backend::Postgres => {
            let file =
                std::env::temp_dir().join(format!("{}.sql", godwit_tests::testdb::unique_name()));
            std::fs::write(&file, &sql).unwrap();
            let out = Command::new("psql")
                .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", &db.url, "-f"])
                .arg(&file)
                .output()
                .expect("psql runs");
            let _ = std::fs::remove_file(&file);
            assert!(
                out.status.success(),
                "psql failed: {}\n{sql}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        _ => db
            .connect()
            .execute(&sql)
            .unwrap_or_else(|e| panic!("{e}\n{sql}")),
    }
    let mut conn = db.connect();
    assert_eq!(MIGRATIONS.current(&mut conn).unwrap(), MIGRATIONS.head());
    assert_schema(
        &mut conn,
        &MIGRATIONS,
        MIGRATIONS.len(),
        "after running the offline SQL",
    );

    // The same as what `upgrade` builds on a second database.
    let other = TestDb::create(db.backend, "offline_sql_gives_the_same_schema").unwrap();
    let mut upgraded = other.connect();
    MIGRATIONS.upgrade(&mut upgraded, Target::Head).unwrap();
    let a = normalise(&conn.introspect().unwrap(), d);
    let b = normalise(&upgraded.introspect().unwrap(), d);
    assert_eq!(a.first_difference(&b), None);

    // And back down.
    let down = MIGRATIONS.sql(d, Target::Head, Target::Base).unwrap();
    match db.backend {
        Backend::Postgres => {}
        _ => {
            conn.execute(&down)
                .unwrap_or_else(|e| panic!("{e}\n{down}"));
            assert_eq!(conn.introspect().unwrap(), Schema::new());
        }
    }
}

fn diesel_harness_runs_the_set(db: &TestDb) {
    use diesel_migrations::MigrationHarness;
    let mut conn = db.connect();
    macro_rules! harness {
        ($c:expr) => {{
            let c = $c;
            let applied = c
                .run_pending_migrations(&MIGRATIONS)
                .expect("diesel runs the set");
            assert_eq!(applied.len(), MIGRATIONS.len());
            c.revert_all_migrations(&MIGRATIONS)
                .expect("diesel reverts the set");
            c.run_pending_migrations(MIGRATIONS)
                .expect("diesel runs the set again");
        }};
    }
    match &mut conn {
        godwit::AnyConnection::Sqlite(c) => harness!(c),
        #[cfg(feature = "postgres")]
        godwit::AnyConnection::Postgres(c) => harness!(c),
        #[cfg(feature = "mysql")]
        godwit::AnyConnection::Mysql(c) => harness!(c),
        _ => unreachable!("a backend this test was built with"),
    }
    assert_schema(
        &mut conn,
        &MIGRATIONS,
        MIGRATIONS.len(),
        "after diesel_migrations",
    );
}

fn stamp_and_history(db: &TestDb) {
    let mut conn = db.connect();
    MIGRATIONS
        .upgrade(&mut conn, Target::Revision("0003"))
        .unwrap();
    let history = MIGRATIONS.history(&mut conn).unwrap();
    assert_eq!(history.len(), MIGRATIONS.len());
    assert!(history[..3].iter().all(|h| h
        .record
        .as_ref()
        .is_some_and(|r| r.state == VersionState::Applied)));
    assert!(history[3..].iter().all(|h| h.record.is_none()));
    let validate = history.iter().find(|h| h.revision == "0013").unwrap();
    assert_eq!(
        validate.safety_reasons,
        ["no post has been written without a body yet"]
    );

    MIGRATIONS
        .stamp(&mut conn, Target::Revision("0001"))
        .unwrap();
    assert_eq!(MIGRATIONS.current(&mut conn).unwrap(), Some("0001"));
    MIGRATIONS
        .stamp(&mut conn, Target::Revision("0003"))
        .unwrap();
    assert_eq!(MIGRATIONS.current(&mut conn).unwrap(), Some("0003"));
    assert_schema(&mut conn, &MIGRATIONS, 3, "stamping runs nothing");
    let err = MIGRATIONS
        .upgrade(&mut conn, Target::Revision("0002"))
        .unwrap_err();
    assert!(err.to_string().contains("use downgrade"), "{err}");
    let err = MIGRATIONS
        .upgrade(&mut conn, Target::Revision("9999"))
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("revision 9999 is not in this binary's migration set"),
        "{err}"
    );

    // A state godwit never writes (a newer godwit's, or a hand edit) reads
    // as an interrupted upgrade: `upgrade` refuses, and `stamp`, the way out,
    // still rewrites the row.
    conn.execute("UPDATE godwit_version SET state = 'paused' WHERE revision = '0003'")
        .unwrap();
    let history = MIGRATIONS.history(&mut conn).unwrap();
    let record = history[2].record.as_ref().unwrap();
    assert_eq!(record.state, VersionState::Upgrading);
    assert!(MIGRATIONS.upgrade(&mut conn, Target::Head).is_err());
    MIGRATIONS
        .stamp(&mut conn, Target::Revision("0003"))
        .unwrap();
    assert_eq!(MIGRATIONS.current(&mut conn).unwrap(), Some("0003"));
}
