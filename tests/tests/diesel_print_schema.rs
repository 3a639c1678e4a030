//! godwit's Diesel schema at head (`godwit::diesel_schema::print`) against
//! `diesel print-schema` run on the database the same set was upgraded on,
//! for histories that use many types: the corpus (`APP` on PostgreSQL,
//! `PORTABLE` on MariaDB and SQLite), the enum, generated and serial sets,
//! the hostile identifiers. Runs where the server is given (testdb.rs) and
//! `diesel` (diesel_cli) is on the PATH; says why it skips otherwise. The
//! example application's comparison needs neither: its golden files are in
//! examples/app/tests/golden.

use std::process::Command;

use godwit::{Database, MigrationSet, Target};
use godwit_tests::corpus::{APP, PORTABLE};
use godwit_tests::{Backend, TestDb, ENUMS, GENERATED, HOSTILE, SERIAL};

/// Runs a comparison once per backend, each in its own #[test].
macro_rules! on_backends {
    ($($name:ident($set:expr): [$($backend:ident),*]),* $(,)?) => {$(
        mod $name {
            use super::*;
            $(
                #[test]
                #[allow(non_snake_case)]
                fn $backend() {
                    if let Some(db) = TestDb::create(Backend::$backend, stringify!($name)) {
                        compare(&$set, &db);
                    }
                }
            )*
        }
    )*};
}

on_backends!(
    corpus_app(APP): [Postgres],
    corpus_portable(PORTABLE): [Sqlite, Mysql],
    enums(ENUMS): [Sqlite, Postgres, Mysql],
    generated(GENERATED): [Postgres, Mysql],
    serial(SERIAL): [Sqlite, Postgres, Mysql],
    hostile(HOSTILE): [Sqlite, Postgres, Mysql],
);

fn compare(set: &MigrationSet, db: &TestDb) {
    if Command::new("diesel").arg("--version").output().is_err() {
        println!("skipped: `diesel` (diesel_cli) is not on the PATH");
        return;
    }
    let mut conn = db.connect();
    set.upgrade(&mut conn, Target::Head).expect("upgrade");
    let backend = match db.backend {
        Backend::Postgres => godwit::Backend::Postgres,
        Backend::Sqlite => godwit::Backend::Sqlite,
        Backend::Mysql => {
            let sql = format!("SELECT {} AS c0", conn.dialect().cast_text("VERSION()"));
            let version = conn.query(&sql, 1).expect("the version");
            let text = version[0][0].clone().unwrap_or_default();
            if text.contains("MariaDB") {
                godwit::Backend::Mariadb
            } else {
                godwit::Backend::Mysql
            }
        }
    };
    drop(conn);
    let url = db.url.trim_start_matches("sqlite://");
    let mut print_schema = Command::new("diesel");
    print_schema.args(["print-schema", "--database-url", url]);
    // The derives of the diesel.toml `diesel setup` writes.
    for derive in ["diesel::query_builder::QueryId", "Clone"] {
        print_schema.args(["--custom-type-derives", derive]);
    }
    if backend == godwit::Backend::Sqlite {
        print_schema.arg("--sqlite-integer-primary-key-is-bigint");
    }
    let out = print_schema.output().expect("run diesel print-schema");
    let schema = set.schema_at(set.len()).expect("the history replays");
    let ours = godwit::diesel_schema::print(&schema, backend);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if backend == godwit::Backend::Sqlite && stderr.contains("Unsupported type") {
        // print-schema refuses SQLite's UUID, TIMESTAMPTZ and JSON; godwit
        // prints the Diesel type that reads each (docs/SCHEMA.md).
        let refused = ["uuid", "timestamptz", "json"];
        assert!(
            refused.iter().any(|t| stderr.contains(&format!("`{t}`"))),
            "{stderr}"
        );
        println!("not compared: diesel print-schema refuses a type godwit maps: {stderr}");
        return;
    }
    assert!(
        out.status.success(),
        "diesel print-schema failed on {backend}: {}\ngodwit prints:\n{ours}",
        String::from_utf8_lossy(&out.stderr)
    );
    let theirs = String::from_utf8(out.stdout).expect("UTF-8");
    assert_eq!(
        godwit::diesel_schema::code(&ours),
        godwit::diesel_schema::code(&theirs),
        "on {backend}\ngodwit:\n{ours}\ndiesel:\n{theirs}"
    );
}
