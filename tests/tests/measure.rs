//! Timings, printed rather than asserted: run with
//! `cargo test -p godwit-tests --release --test measure -- --ignored --nocapture`
//! (plus the server URLs and features for PostgreSQL and MariaDB).

use std::time::Instant;

use godwit::{Database, Target};
use godwit_tests::{Backend, TestDb, BACKFILL, MIGRATIONS};

const ROWS: u32 = 100_000;

fn backfill(db: &TestDb) {
    let mut conn = db.connect();
    BACKFILL
        .upgrade(&mut conn, Target::Revision("b001"))
        .unwrap();
    let seed = format!(
        "INSERT INTO items (n) WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {ROWS}) SELECT i FROM s"
    );
    if db.backend == Backend::Mysql {
        conn.execute("SET SESSION max_recursive_iterations = 1000000")
            .unwrap();
    }
    conn.execute(&seed).unwrap();
    let start = Instant::now();
    BACKFILL.upgrade(&mut conn, Target::Head).unwrap();
    let took = start.elapsed();
    let left = conn
        .query(
            &format!(
                "SELECT {} AS c0 FROM items WHERE doubled IS NULL OR doubled <> n * 2",
                conn.dialect().cast_text("COUNT(*)")
            ),
            1,
        )
        .unwrap();
    assert_eq!(left[0][0].as_deref().map(str::trim), Some("0"));
    println!(
        "{:?}: backfill of {ROWS} rows in batches of 1000 ({} batches): {took:?}, {:.0} rows/s",
        db.backend,
        ROWS / 1000,
        f64::from(ROWS) / took.as_secs_f64()
    );
}

fn upgrade_and_downgrade(db: &TestDb) {
    let mut conn = db.connect();
    let start = Instant::now();
    MIGRATIONS.upgrade(&mut conn, Target::Head).unwrap();
    let up = start.elapsed();
    let start = Instant::now();
    MIGRATIONS.downgrade(&mut conn, Target::Base).unwrap();
    let down = start.elapsed();
    println!(
        "{:?}: upgrade base→head ({} migrations): {up:?}; downgrade head→base: {down:?}",
        db.backend,
        MIGRATIONS.len()
    );
}

fn eight_processes(db: &TestDb) {
    let start = Instant::now();
    let spawned: Vec<_> = (0..8)
        .map(|_| {
            std::process::Command::new(env!("CARGO_BIN_EXE_godwit-test-upgrade"))
                .arg(&db.url)
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in spawned {
        assert!(c.wait().unwrap().success());
    }
    println!(
        "{:?}: 8 processes upgrading one fresh database at once: {:?} until the last exited",
        db.backend,
        start.elapsed()
    );
}

#[test]
#[ignore]
fn timings() {
    for backend in [Backend::Sqlite, Backend::Postgres, Backend::Mysql] {
        if let Some(db) = TestDb::create(backend, "timings") {
            backfill(&db);
        }
        if let Some(db) = TestDb::create(backend, "timings") {
            upgrade_and_downgrade(&db);
        }
        if let Some(db) = TestDb::create(backend, "timings") {
            eight_processes(&db);
        }
    }
}
