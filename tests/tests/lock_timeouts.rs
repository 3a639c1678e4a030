//! A migration queued behind a long transaction gives up after
//! `lock_timeout` instead of stalling every query behind it, and is tried
//! again (PostgreSQL and MariaDB; SQLite has no table locks).

use std::time::Duration;

use godwit::{Database, Error, Options, Target};
use godwit_tests::{Backend, TestDb, MIGRATIONS};

fn lock_timeout_is_retried(db: &TestDb) {
    let mut conn = db.connect();
    MIGRATIONS
        .upgrade(&mut conn, Target::Revision("0002"))
        .unwrap();

    // A reader in a long transaction: 0003's ALTER TABLE users must wait for it.
    let mut reader = db.connect();
    reader
        .execute(match db.backend {
            Backend::Mysql => "START TRANSACTION; SELECT COUNT(*) FROM users",
            _ => "BEGIN; SELECT COUNT(*) FROM users",
        })
        .unwrap();

    let impatient = Options {
        lock_timeout: Duration::from_millis(200),
        retries: 1,
        retry_backoff: Duration::from_millis(50),
        ..Options::default()
    };
    let err = MIGRATIONS
        .upgrade_with(&mut conn, Target::Relative(1), &impatient)
        .unwrap_err();
    let msg = err.to_string();
    assert!(
        matches!(&err, Error::MigrationFailed(f) if f.revision == "0003"),
        "{msg}"
    );
    assert!(msg.to_ascii_lowercase().contains("lock"), "{msg}");
    if db.backend == Backend::Postgres {
        assert!(msg.contains("tried 2 times"), "{msg}");
        assert!(msg.contains("still at 0002"), "{msg}");
        assert_eq!(MIGRATIONS.current(&mut conn).unwrap(), Some("0002"));
    } else {
        // MySQL records the op that gave up; nothing of it was applied (the
        // statement was refused), so the next upgrade resumes at that op.
        assert!(msg.contains("it resumes at op 1"), "{msg}");
        let again = MIGRATIONS
            .upgrade_with(&mut conn, Target::Relative(1), &impatient)
            .unwrap_err();
        assert!(
            matches!(&again, Error::MigrationFailed(f) if f.revision == "0003" && f.op_number == 1),
            "{again}"
        );
    }

    // The reader finishes while the migration is retrying: it goes through.
    let release = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(1500));
        reader.execute("COMMIT").unwrap();
    });
    let patient = Options {
        lock_timeout: Duration::from_millis(300),
        retries: 10,
        retry_backoff: Duration::from_millis(100),
        ..Options::default()
    };
    let report = MIGRATIONS
        .upgrade_with(&mut conn, Target::Relative(1), &patient)
        .unwrap();
    release.join().unwrap();
    assert_eq!(report.to, Some("0003"));
    if db.backend == Backend::Postgres {
        assert!(report.steps[0].attempts > 1, "{report:?}");
    }
}

#[test]
fn postgres() {
    if let Some(db) = TestDb::create(Backend::Postgres, "lock_timeout_is_retried") {
        lock_timeout_is_retried(&db);
    }
}

#[test]
fn mysql() {
    if let Some(db) = TestDb::create(Backend::Mysql, "lock_timeout_is_retried") {
        lock_timeout_is_retried(&db);
    }
}

#[test]
fn statement_timeout_stops_a_long_migration() {
    let Some(db) = TestDb::create(
        Backend::Postgres,
        "statement_timeout_stops_a_long_migration",
    ) else {
        return;
    };
    let mut conn = db.connect();
    let options = Options {
        statement_timeout: Some(Duration::from_millis(300)),
        ..Options::default()
    };
    let err = godwit_tests::SLOW_ON_POSTGRES
        .upgrade_with(&mut conn, Target::Head, &options)
        .unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("statement timeout"), "{msg}");
    assert!(msg.contains("still at 0001"), "{msg}");
    assert_eq!(
        godwit_tests::SLOW_ON_POSTGRES.current(&mut conn).unwrap(),
        Some("0001")
    );
    // Without the limit it goes through.
    godwit_tests::SLOW_ON_POSTGRES
        .upgrade(&mut conn, Target::Head)
        .unwrap();
}
