//! The corpus (`godwit_tests::corpus`) on every backend.
//!
//! - PostgreSQL: database A is migrated by godwit one migration at a time,
//!   database B by the same changes as plain SQL through `psql`; after every
//!   step up and down, `pg_dump --schema-only` of both must be equal.
//! - MariaDB and SQLite: the portable history up and down one step at a
//!   time; after each downgrade the schema (`mariadb-dump --no-data`,
//!   `sqlite_master`) must be the one before the upgrade, and `check_drift`
//!   must pass at head.
//!
//! Each prints its figures as one line. Without a server's URL the test of
//! that server says so and passes; SQLite always runs. Two tests need no
//! server: the corpus covers every kind of the DSL, and docs/RELIABILITY.md
//! states the corpus' figures.

use std::collections::BTreeSet;
use std::process::Command;

use godwit::{AnyConnection, Database, MigrationSet, Target};
use godwit_tests::corpus::{
    kinds, migrations, plain_sql, vocabulary_kinds, APP, PORTABLE, PORTABLE_KEYS,
};
use godwit_tests::dumps::{diff, mariadb_schema, pg_schema, pg_tools, run, PgTools};
use godwit_tests::{Backend, TestDb};

// ---------------------------------------------------------------- PostgreSQL

fn psql(tools: &PgTools, url: &str, script: &str) {
    run(
        Command::new(&tools.psql).args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", "-"]),
        script,
    );
}

/// `set` up and down on A by godwit and on B by its plain SQL; the number
/// of steps compared and the differences found.
fn against_plain_sql(set: &MigrationSet, name: &str) -> Option<(usize, Vec<String>)> {
    let a = TestDb::create(Backend::Postgres, name)?;
    let b = TestDb::create(Backend::Postgres, name)?;
    let tools = pg_tools(&a.url);
    let mut conn = a.connect();
    let mut steps = 0;
    let mut diffs = Vec::new();
    let mut compare = |when: String, steps: &mut usize| {
        *steps += 1;
        let (ours, theirs) = std::thread::scope(|s| {
            let theirs = s.spawn(|| pg_schema(&tools, &b.url, &[]));
            (
                pg_schema(&tools, &a.url, &[]),
                theirs.join().expect("pg_dump of B"),
            )
        });
        if ours != theirs {
            diffs.push(format!(
                "{when}:\n{}",
                diff(&ours, &theirs, "godwit", "plain SQL")
            ));
        }
    };
    for m in set.migrations() {
        let (up, _) =
            plain_sql(&m.revision).unwrap_or_else(|| panic!("no plain SQL for {}", m.revision));
        set.upgrade(&mut conn, Target::Relative(1))
            .unwrap_or_else(|e| panic!("godwit upgrading to {}: {e}", m.revision));
        psql(&tools, &b.url, &up);
        compare(format!("after upgrading to {}", m.revision), &mut steps);
    }
    let drift = set
        .check_drift(&mut conn)
        .err()
        .map(|e| format!("check_drift at head: {e}"));
    for m in set.migrations().iter().rev() {
        let (_, down) = plain_sql(&m.revision).expect("read above");
        set.downgrade(&mut conn, Target::Relative(-1))
            .unwrap_or_else(|e| panic!("godwit downgrading {}: {e}", m.revision));
        psql(&tools, &b.url, &down);
        compare(format!("after downgrading {}", m.revision), &mut steps);
    }
    diffs.extend(drift);
    Some((steps, diffs))
}

#[test]
fn corpus_on_postgres_equals_plain_sql() {
    let mut steps = 0;
    let mut diffs = Vec::new();
    for (set, name) in [(&APP, "corpus_app"), (&PORTABLE_KEYS, "corpus_portable")] {
        let Some((s, d)) = against_plain_sql(set, name) else {
            return;
        };
        steps += s;
        diffs.extend(d);
    }
    println!(
        "corpus on PostgreSQL: {} migrations, {steps} steps compared with plain SQL through pg_dump, {} schema diffs",
        APP.len() + PORTABLE_KEYS.len(),
        diffs.len()
    );
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}

// ---------------------------------------------------------- MariaDB, SQLite

/// The schema of the database, normalised: godwit's own tables left out.
fn schema_text(db: &TestDb, conn: &mut AnyConnection) -> String {
    match db.backend {
        Backend::Sqlite => {
            let rows = conn
                .query(
                    "SELECT type AS c0, name AS c1, tbl_name AS c2, sql AS c3 FROM sqlite_master \
                     WHERE name NOT LIKE 'godwit%' AND name NOT LIKE 'sqlite_%' \
                     ORDER BY type, name",
                    4,
                )
                .expect("sqlite_master reads");
            rows.iter()
                .map(|r| {
                    let cell = |i: usize| r[i].clone().unwrap_or_default();
                    format!(
                        "{} {} on {}: {}\n",
                        cell(0),
                        cell(1),
                        cell(2),
                        sqlite_definition(&cell(3))
                    )
                })
                .collect()
        }
        _ => mariadb_schema(&db.url, &[]),
    }
}

/// SQLite's text of a table or index with its white space made single
/// spaces and, for a table, its column and constraint definitions sorted:
/// a column a downgrade adds back comes last (`ALTER TABLE .. ADD COLUMN`
/// appends it to the text), and a table rebuilt by godwit is laid out anew.
fn sqlite_definition(sql: &str) -> String {
    let sql = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    let (Some(open), Some(close)) = (sql.find('('), sql.rfind(')')) else {
        return sql;
    };
    if !sql.starts_with("CREATE TABLE") {
        return sql;
    }
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, open + 1);
    for (i, c) in sql[..close].char_indices().skip(open + 1) {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(sql[start..i].trim().to_string());
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(sql[start..close].trim().to_string());
    parts.sort();
    format!(
        "{}({}){}",
        &sql[..open],
        parts.join(", "),
        &sql[close + 1..]
    )
}

/// `set` up and down one step at a time; the steps checked and the round
/// trips that did not bring the schema back.
fn round_trips(backend: Backend, set: &MigrationSet) -> Option<(usize, Vec<String>)> {
    let db = TestDb::create(backend, "corpus_round_trip")?;
    let mut conn = db.connect();
    let mut before = Vec::new();
    for m in set.migrations() {
        before.push(schema_text(&db, &mut conn));
        set.upgrade(&mut conn, Target::Relative(1))
            .unwrap_or_else(|e| panic!("upgrading to {} on {backend:?}: {e}", m.revision));
    }
    let mut diffs = Vec::new();
    if let Err(e) = set.check_drift(&mut conn) {
        diffs.push(format!("check_drift at head on {backend:?}: {e}"));
    }
    for (m, expected) in set.migrations().iter().zip(before).rev() {
        set.downgrade(&mut conn, Target::Relative(-1))
            .unwrap_or_else(|e| panic!("downgrading {} on {backend:?}: {e}", m.revision));
        let found = schema_text(&db, &mut conn);
        if found != expected {
            diffs.push(format!(
                "{} up and down on {backend:?}:\n{}",
                m.revision,
                diff(&expected, &found, "before", "after")
            ));
        }
    }
    Some((2 * set.len(), diffs))
}

fn round_trip_on(backend: Backend, sets: &[&MigrationSet]) {
    let (mut steps, mut diffs) = (0, Vec::new());
    for set in sets {
        let Some((s, d)) = round_trips(backend, set) else {
            return;
        };
        steps += s;
        diffs.extend(d);
    }
    let migrations: BTreeSet<&str> = sets
        .iter()
        .flat_map(|s| s.migrations().iter().map(|m| &*m.revision))
        .collect();
    println!(
        "corpus on {backend:?}: {} migrations, {steps} steps, {} schema diffs",
        migrations.len(),
        diffs.len()
    );
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}

#[test]
fn corpus_round_trips_on_sqlite() {
    round_trip_on(Backend::Sqlite, &[&PORTABLE, &PORTABLE_KEYS]);
}

#[test]
fn corpus_round_trips_on_mysql() {
    round_trip_on(Backend::Mysql, &[&PORTABLE]);
}

// ------------------------------------------------------- no server needed

/// Every word of the vocabulary, type, action, method and kind of default
/// is used by some migration of the corpus.
#[test]
fn corpus_covers_every_kind() {
    let all = vocabulary_kinds();
    let used = kinds(&[&APP, &PORTABLE, &PORTABLE_KEYS]);
    let missing: Vec<&String> = all.difference(&used).collect();
    println!(
        "corpus: {} migrations, {} of {} kinds covered, backends: PostgreSQL, MariaDB, SQLite",
        migrations().len(),
        all.len() - missing.len(),
        all.len()
    );
    assert!(
        missing.is_empty(),
        "no migration of the corpus uses {missing:?}"
    );
    for m in migrations() {
        assert!(
            plain_sql(&m.revision).is_some(),
            "no plain SQL for {}",
            m.revision
        );
    }
}

/// docs/RELIABILITY.md states the corpus' figures as they are.
#[test]
fn reliability_doc_states_the_corpus_figures() {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../docs/RELIABILITY.md"
    ))
    .expect("docs/RELIABILITY.md reads");
    let kinds = vocabulary_kinds().len();
    let expected = [
        format!("{} migrations", migrations().len()),
        format!("`APP`, {} migrations", APP.len()),
        format!("`PORTABLE`, {} migrations", PORTABLE.len()),
        format!("`PORTABLE_KEYS`, {} migrations", PORTABLE_KEYS.len()),
        format!("{kinds} of {kinds} kinds"),
        format!(
            "{} steps on PostgreSQL",
            2 * (APP.len() + PORTABLE_KEYS.len())
        ),
        format!("{} steps on MariaDB", 2 * PORTABLE.len()),
        format!(
            "{} steps on SQLite",
            2 * (PORTABLE.len() + PORTABLE_KEYS.len())
        ),
    ];
    let section = doc
        .split("\n## ")
        .find(|s| s.starts_with("The corpus"))
        .expect("docs/RELIABILITY.md has a section `## The corpus`");
    for figure in expected {
        assert!(
            section.contains(&figure),
            "docs/RELIABILITY.md's corpus section does not say `{figure}`"
        );
    }
}
