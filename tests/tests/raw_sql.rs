//! Raw SQL the model learns from, applied: a column added by `execute` is
//! a column for the DSL op after it and for `check_drift`; on PostgreSQL a
//! raw `CREATE INDEX CONCURRENTLY` runs outside a transaction, as it must.

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
fn mysql() {
    if let Some(db) = TestDb::create(Backend::Mysql, "raw_sql") {
        up_and_down(&db, &RAW_SQL);
    }
}
