//! Raw SQL the model learns from, applied: a column added by `execute` is
//! a column for the DSL op after it and for `check_drift`; on PostgreSQL a
//! raw `CREATE INDEX CONCURRENTLY` runs outside a transaction, as it must;
//! `verify` leaves out, as `check_drift` does, a table the model does not
//! follow (`CREATE TABLE .. AS SELECT`).

use godwit::{MigrationSet, Target};
use godwit_tests::{Backend, TestDb, RAW_SQL, RAW_SQL_POSTGRES};

fn up_and_down(db: &TestDb, set: &MigrationSet) {
    let mut conn = db.connect();
    for _ in 0..set.len() {
        set.upgrade(&mut conn, Target::Relative(1)).unwrap();
        set.check_drift(&mut conn).unwrap();
    }
    for _ in 0..set.len() {
        set.downgrade(&mut conn, Target::Relative(-1)).unwrap();
        set.check_drift(&mut conn).unwrap();
    }
}

#[test]
fn sqlite() {
    if let Some(db) = TestDb::create(Backend::Sqlite, "raw_sql") {
        up_and_down(&db, &RAW_SQL);
    }
}

#[test]
fn postgres() {
    if let Some(db) = TestDb::create(Backend::Postgres, "raw_sql") {
        up_and_down(&db, &RAW_SQL_POSTGRES);
    }
}

#[test]
fn verify_leaves_out_what_the_model_does_not_follow() {
    let Some(db) = TestDb::create(Backend::Postgres, "raw_sql_verify") else {
        return;
    };
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_godwit-test-cli"))
        .args(["verify"])
        .env("GODWIT_TEST_SET", "raw_sql_postgres")
        .env("DATABASE_URL", &db.url)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("ok     r008"), "{text}");
}

#[test]
fn mysql() {
    if let Some(db) = TestDb::create(Backend::Mysql, "raw_sql") {
        up_and_down(&db, &RAW_SQL);
    }
}
