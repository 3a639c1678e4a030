//! Names hostile to SQL (quotes, semicolons, backticks, comment markers,
//! non-ASCII letters, reserved words) through every kind of op, on the real
//! servers and SQLite: each step's schema read back equals the model (a
//! default ending in a backslash included: each backend's catalog is read by
//! its own rules for literals), a default holding quotes comes back as
//! written, downgrade to base leaves
//! nothing, and the offline SQL builds the same schema. Names no backend can
//! take (outside the BMP, `sqlite_..`, the version table) are rejected at
//! compile time: `ui-tests/fail/invalid-identifier-reserved.rs`.

use godwit::dialect::normalise;
use godwit::{Database, MigrationSet, Schema, Target};
use godwit_tests::report::Tally;
use godwit_tests::{ensure, Backend, TestDb, HOSTILE};

fn schema_is(conn: &mut impl Database, set: &MigrationSet, count: usize) -> Result<(), String> {
    let d = conn.dialect();
    let model = normalise(&set.schema_at(count).map_err(|e| e.to_string())?, d);
    let actual = normalise(&conn.introspect().map_err(|e| e.to_string())?, d);
    match model.first_difference(&actual) {
        None => Ok(()),
        Some(diff) => Err(format!(
            "after {count} migration(s) the schema differs from the model: {diff}"
        )),
    }
}

fn walk(db: &TestDb) -> Result<(), String> {
    let mut conn = db.connect();
    let d = conn.dialect();
    for k in 1..=HOSTILE.len() {
        HOSTILE
            .upgrade(&mut conn, Target::Relative(1))
            .map_err(|e| e.to_string())?;
        schema_is(&mut conn, &HOSTILE, k)?;
    }
    // A row through the hostile names; the quoted default comes back whole.
    let table = d.quote("we\"ird; `table` 'x'");
    conn.execute(&format!(
        "INSERT INTO {table} ({}, {}) VALUES (1, {})",
        d.quote("id"),
        d.quote("café 日本語"),
        d.string_literal("ü; '--")
    ))
    .map_err(|e| e.to_string())?;
    let rows = conn
        .query(
            &format!(
                "SELECT {} AS c0, {} AS c1, {} AS c2 FROM {table}",
                d.quote("select"),
                d.quote("café 日本語"),
                d.cast_text(&d.quote("drop table x; --"))
            ),
            3,
        )
        .map_err(|e| e.to_string())?;
    ensure!(
        rows == vec![vec![
            Some("it's; \"q\"".to_string()),
            Some("ü; '--".to_string()),
            Some("7".to_string())
        ]],
        "the row read back: {rows:?}"
    );
    HOSTILE
        .downgrade(&mut conn, Target::Base)
        .map_err(|e| e.to_string())?;
    ensure!(
        conn.introspect().map_err(|e| e.to_string())? == Schema::new(),
        "downgrade to base left tables"
    );
    HOSTILE
        .upgrade(&mut conn, Target::Head)
        .map_err(|e| e.to_string())?;
    schema_is(&mut conn, &HOSTILE, HOSTILE.len())
}

fn offline_sql(db: &TestDb) -> Result<(), String> {
    let mut conn = db.connect();
    let d = conn.dialect();
    let sql = HOSTILE
        .sql(d, Target::Base, Target::Head)
        .map_err(|e| e.to_string())?;
    if d == godwit::Dialect::Postgres {
        // psql reads statements one by one, as a DBA would run the file.
        let file =
            std::env::temp_dir().join(format!("{}.sql", godwit_tests::testdb::unique_name()));
        std::fs::write(&file, &sql).map_err(|e| e.to_string())?;
        let out = std::process::Command::new("psql")
            .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", &db.url, "-f"])
            .arg(&file)
            .output()
            .map_err(|e| e.to_string())?;
        let _ = std::fs::remove_file(&file);
        ensure!(
            out.status.success(),
            "psql: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    } else {
        conn.execute(&sql).map_err(|e| format!("{e}\n{sql}"))?;
    }
    ensure!(
        HOSTILE.current(&mut conn).map_err(|e| e.to_string())? == HOSTILE.head(),
        "the offline SQL did not record head"
    );
    schema_is(&mut conn, &HOSTILE, HOSTILE.len())
}

fn hostile_on(backend: Backend) {
    if TestDb::create(backend, "hostile_identifiers").is_none() {
        return;
    }
    let mut tally = Tally::new(format!(
        "hostile identifiers on {backend:?}: 2 migrations, 13 ops up and 14 down over quoted, reserved and non-ASCII names"
    ));
    tally.run("upgrade, read back, downgrade, upgrade", || {
        walk(&TestDb::create(backend, "hostile_identifiers").expect("enabled"))
    });
    tally.run("offline SQL", || {
        offline_sql(&TestDb::create(backend, "hostile_identifiers").expect("enabled"))
    });
    tally.finish();
}

#[test]
fn hostile_identifiers_sqlite() {
    hostile_on(Backend::Sqlite);
}

#[test]
fn hostile_identifiers_postgres() {
    hostile_on(Backend::Postgres);
}

#[test]
fn hostile_identifiers_mysql() {
    hostile_on(Backend::Mysql);
}
