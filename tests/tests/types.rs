//! Enum types, generated columns, serial columns and type changes `.using(..)`
//! an expression go up and down on every backend that has them, and the
//! database reads back as the model says after each step (`check_drift`);
//! the rows follow. A backend without one refuses it when rendering, saying
//! so.

use godwit::{Database, Dialect, MigrationSet, Target};
use godwit_tests::{Backend, TestDb, ENUMS, GENERATED, SERIAL, USING, VIRTUAL};

/// Runs a scenario once per backend, each in its own #[test].
macro_rules! on_backends {
    ($($name:ident: [$($backend:ident),*]),* $(,)?) => {$(
        mod $name {
            use super::*;
            $(
                #[test]
                #[allow(non_snake_case)]
                fn $backend() {
                    if let Some(db) = TestDb::create(Backend::$backend, stringify!($name)) {
                        super::$name(&db);
                    }
                }
            )*
        }
    )*};
}

on_backends!(
    enums_round_trip: [Sqlite, Postgres, Mysql],
    generated_round_trip: [Sqlite, Postgres, Mysql],
    virtual_generated_round_trip: [Sqlite, Mysql],
    serial_round_trip: [Sqlite, Postgres, Mysql],
    using_round_trip: [Sqlite, Postgres],
    serial_drift_is_seen: [Postgres],
);

/// Every migration up with a drift check after each, then every one down
/// with the same, then nothing is left.
fn round_trip(
    db: &TestDb,
    set: &MigrationSet,
    mut after: impl FnMut(&mut godwit::AnyConnection, usize),
) {
    let mut conn = db.connect();
    for k in 1..=set.len() {
        set.upgrade(&mut conn, Target::Relative(1))
            .unwrap_or_else(|e| panic!("upgrading to {k}: {e}"));
        set.check_drift(&mut conn)
            .unwrap_or_else(|e| panic!("after upgrading to {k}: {e}"));
        after(&mut conn, k);
    }
    for k in (0..set.len()).rev() {
        set.downgrade(&mut conn, Target::Relative(-1))
            .unwrap_or_else(|e| panic!("downgrading to {k}: {e}"));
        set.check_drift(&mut conn)
            .unwrap_or_else(|e| panic!("after downgrading to {k}: {e}"));
        after(&mut conn, k);
    }
    assert_eq!(conn.introspect().unwrap(), godwit::Schema::new());
}

/// `expr` as text, in the first column of every row of `FROM ..`.
fn texts(conn: &mut godwit::AnyConnection, expr: &str, from: &str) -> Vec<String> {
    let sql = format!(
        "SELECT {} AS c0 FROM {from}",
        conn.dialect().cast_text(expr)
    );
    column(conn, &sql)
}

/// The first column of every row of `sql`, as text.
fn column(conn: &mut godwit::AnyConnection, sql: &str) -> Vec<String> {
    conn.query(sql, 1)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .into_iter()
        .map(|r| r[0].clone().unwrap_or_default())
        .collect()
}

fn enums_round_trip(db: &TestDb) {
    round_trip(db, &ENUMS, |conn, k| {
        let expected: &[&str] = match k {
            0 => return,
            1 | 2 => &["sad", "ok"],
            3 => &["sad", "ok", "excited"],
            _ => &["sad", "fine", "excited"],
        };
        let moods = texts(conn, "mood", "people ORDER BY id");
        assert_eq!(moods, expected, "the rows after {k} migrations");
    });
    // A value a row holds is not dropped: the downgrade stops, saying why.
    let mut conn = db.connect();
    ENUMS.upgrade(&mut conn, Target::Head).unwrap();
    conn.execute("DELETE FROM people WHERE id = 3").unwrap();
    conn.execute("INSERT INTO people (id, name, mood) VALUES (4, 'di', 'calm')")
        .unwrap();
    ENUMS
        .downgrade(&mut conn, Target::Revision("e003"))
        .unwrap();
    let err = ENUMS
        .downgrade(&mut conn, Target::Revision("e001"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("holds `calm` in `mood`"), "{err}");
}

fn generated_round_trip(db: &TestDb) {
    round_trip(db, &GENERATED, |conn, k| {
        if k > 0 {
            assert_eq!(texts(conn, "total", "orders"), ["12"]);
        }
        if k >= 2 {
            assert_eq!(texts(conn, "doubled", "orders"), ["6"]);
        }
    });
}

fn virtual_generated_round_trip(db: &TestDb) {
    round_trip(db, &VIRTUAL, |conn, k| {
        if k > 0 {
            conn.execute("INSERT INTO order_lines (id, sku) VALUES (1, 'ab')")
                .unwrap();
            assert_eq!(column(conn, "SELECT label AS c0 FROM order_lines"), ["AB"]);
            assert_eq!(texts(conn, "sku_length", "order_lines"), ["2"]);
        }
    });
}

fn serial_round_trip(db: &TestDb) {
    round_trip(db, &SERIAL, |conn, k| {
        if k > 0 {
            assert_eq!(texts(conn, "id", "tickets ORDER BY id"), ["1", "2"]);
        }
    });
}

fn using_round_trip(db: &TestDb) {
    round_trip(db, &USING, |conn, k| {
        let expected = match k {
            1 => "41",
            2 => "42",
            _ => return,
        };
        let code = texts(conn, "code", "codes");
        assert_eq!(code, [expected], "after {k} migrations");
    });
}

/// On PostgreSQL an identity column and a serial one differ, and the drift
/// check says so.
fn serial_drift_is_seen(db: &TestDb) {
    let mut conn = db.connect();
    SERIAL.upgrade(&mut conn, Target::Head).unwrap();
    conn.execute("ALTER TABLE tickets ALTER COLUMN id DROP DEFAULT")
        .unwrap();
    let err = SERIAL.check_drift(&mut conn).unwrap_err().to_string();
    assert!(
        err.contains("column `tickets.id` is a plain column instead of a serial column"),
        "{err}"
    );
}

#[test]
fn backends_without_them_refuse_them_naming_them() {
    let pg = VIRTUAL
        .sql(Dialect::Postgres, Target::Base, Target::Head)
        .unwrap_err()
        .to_string();
    assert!(
        pg.contains("PostgreSQL before 18 has only stored ones"),
        "{pg}"
    );
    let mysql = USING
        .sql(Dialect::Mysql, Target::Base, Target::Head)
        .unwrap_err()
        .to_string();
    assert!(mysql.contains("MySQL and MariaDB have no USING"), "{mysql}");
}
