//! `?schema=NAME` on a PostgreSQL URL: each schema of one database is a
//! tenant with its own version table, tables and lock; the parameter is
//! refused on MariaDB and SQLite, and a missing schema is an error that
//! says how to create it.

use std::process::{Command, Stdio};
use std::time::Duration;

use godwit::{Database, Error, Options, Target};
use godwit_tests::{Backend, TestDb, MIGRATIONS};

const CLI: &str = env!("CARGO_BIN_EXE_godwit-test-cli");

/// `url` with `?schema=schema` (percent-encoding the space of a name).
fn in_schema(url: &str, schema: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}schema={}", schema.replace(' ', "%20"))
}

/// The tables of `schema`, by name, as the catalog lists them.
fn tables_of(conn: &mut impl Database, schema: &str) -> Vec<String> {
    conn.query(
        &format!(
            "SELECT CAST(table_name AS TEXT) AS c0 FROM information_schema.tables WHERE table_schema = '{schema}' ORDER BY table_name"
        ),
        1,
    )
    .unwrap()
    .into_iter()
    .map(|r| r[0].clone().unwrap())
    .collect()
}

fn cli(url: &str, args: &[&str]) -> std::process::Output {
    Command::new(CLI)
        .args(args)
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "off")
        .stdin(Stdio::null())
        .output()
        .expect("the test command line runs")
}

#[test]
fn two_schemas_of_one_database_move_independently() {
    let Some(db) = TestDb::create(Backend::Postgres, "two_schemas") else {
        return;
    };
    let mut admin = db.connect();
    admin
        .execute("CREATE SCHEMA tenant_a; CREATE SCHEMA \"Tenant B\"")
        .unwrap();
    let (a, b) = (
        in_schema(&db.url, "tenant_a"),
        in_schema(&db.url, "Tenant B"),
    );
    let mut ca = godwit::connect(&a).unwrap();
    let mut cb = godwit::connect(&b).unwrap();

    MIGRATIONS.upgrade(&mut ca, Target::Head).unwrap();
    MIGRATIONS
        .upgrade(&mut cb, Target::Revision("0002"))
        .unwrap();
    assert_eq!(MIGRATIONS.current(&mut ca).unwrap(), MIGRATIONS.head());
    assert_eq!(MIGRATIONS.current(&mut cb).unwrap(), Some("0002"));
    // `public` was not touched: no version table, no tables.
    assert_eq!(MIGRATIONS.current(&mut admin).unwrap(), None);
    assert!(tables_of(&mut admin, "public").is_empty());
    assert_eq!(
        tables_of(&mut admin, "Tenant B"),
        ["godwit_version", "posts", "users"]
    );
    assert!(tables_of(&mut admin, "tenant_a").contains(&"godwit_version".to_string()));

    // Introspection and drift see their own schema alone.
    let seen_b: Vec<String> = cb.introspect().unwrap().tables.keys().cloned().collect();
    assert_eq!(seen_b, ["posts", "users"]);
    MIGRATIONS.check_drift(&mut ca).unwrap();
    MIGRATIONS.check_drift(&mut cb).unwrap();

    // A downgrade in one leaves the other where it was.
    MIGRATIONS
        .downgrade(&mut ca, Target::Revision("0001"))
        .unwrap();
    assert_eq!(MIGRATIONS.current(&mut ca).unwrap(), Some("0001"));
    assert_eq!(MIGRATIONS.current(&mut cb).unwrap(), Some("0002"));
    assert_eq!(
        tables_of(&mut admin, "tenant_a"),
        ["godwit_version", "users"]
    );
    assert_eq!(
        tables_of(&mut admin, "Tenant B"),
        ["godwit_version", "posts", "users"]
    );

    // The command line reads the schema from the URL, like `connect`.
    let out = cli(&b, &["current"]);
    assert!(out.status.success(), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("0002"),
        "{out:?}"
    );
    let out = cli(&a, &["upgrade"]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(MIGRATIONS.current(&mut ca).unwrap(), MIGRATIONS.head());
    let out = cli(&a, &["check"]);
    assert!(out.status.success(), "{out:?}");
    // `verify`'s round trip runs in a scratch database next to it.
    let out = cli(&a, &["verify"]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(MIGRATIONS.current(&mut cb).unwrap(), Some("0002"));
    // `backup` and `restore` take one schema: `Tenant B` at 0002, moved
    // on to 0004, restored to 0002; `tenant_a` is left as it was.
    let dir = std::env::temp_dir().join(godwit_tests::testdb::unique_name());
    let out = cli(&b, &["backup", "--dir", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{out:?}");
    let file = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "pgdump"))
        .expect("a .pgdump file");
    let file = file.to_str().unwrap();
    assert!(cli(&b, &["upgrade", "0004"]).status.success());
    assert!(count_users(&mut cb) > 0, "0004 seeds users");
    let out = cli(&b, &["restore", file]);
    assert!(!out.status.success(), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("newer than the backup"),
        "{out:?}"
    );
    // Into another schema, or a whole database: refused, nothing changed.
    for elsewhere in [&a, &db.url] {
        let out = cli(elsewhere, &["restore", "--force", file]);
        assert!(!out.status.success(), "{out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("is a backup of the schema \"Tenant B\""),
            "{err}"
        );
    }
    let out = cli(&b, &["restore", "--force", file]);
    assert!(out.status.success(), "{out:?}");
    let mut cb = godwit::connect(&b).unwrap();
    assert_eq!(MIGRATIONS.current(&mut cb).unwrap(), Some("0002"));
    assert_eq!(count_users(&mut cb), 0);
    MIGRATIONS.check_drift(&mut cb).unwrap();
    assert_eq!(MIGRATIONS.current(&mut ca).unwrap(), MIGRATIONS.head());
    assert!(tables_of(&mut admin, "public").is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

fn count_users(conn: &mut impl Database) -> usize {
    conn.query("SELECT CAST(id AS TEXT) AS c0 FROM users", 1)
        .unwrap()
        .len()
}

#[test]
fn each_schema_has_its_own_lock() {
    let Some(db) = TestDb::create(Backend::Postgres, "schema_locks") else {
        return;
    };
    let mut admin = db.connect();
    admin.execute("CREATE SCHEMA t1; CREATE SCHEMA t2").unwrap();
    let (t1, t2) = (in_schema(&db.url, "t1"), in_schema(&db.url, "t2"));
    let options = Options {
        lock_wait: Duration::from_millis(300),
        ..Options::default()
    };
    // t1's lock is held: t2 and `public` migrate all the same.
    let mut holder = godwit::connect(&t1).unwrap();
    holder.lock(&options).unwrap();
    let mut c2 = godwit::connect(&t2).unwrap();
    MIGRATIONS
        .upgrade_with(&mut c2, Target::Head, &options)
        .unwrap();
    MIGRATIONS
        .upgrade_with(&mut admin, Target::Revision("0001"), &options)
        .unwrap();
    // t1 itself waits, and gives up after the lock wait.
    let mut c1 = godwit::connect(&t1).unwrap();
    let err = MIGRATIONS
        .upgrade_with(&mut c1, Target::Head, &options)
        .unwrap_err();
    assert!(matches!(err, Error::LockTimeout { .. }), "{err}");
    holder.unlock().unwrap();
    MIGRATIONS
        .upgrade_with(&mut c1, Target::Head, &options)
        .unwrap();
    assert_eq!(MIGRATIONS.current(&mut c1).unwrap(), MIGRATIONS.head());
    // The database's own lock leaves the tenants free too.
    admin.lock(&options).unwrap();
    MIGRATIONS
        .downgrade_with(&mut c2, Target::Revision("0005"), &options)
        .unwrap();
    admin.unlock().unwrap();
    assert_eq!(MIGRATIONS.current(&mut admin).unwrap(), Some("0001"));
}

#[test]
fn a_missing_schema_says_how_to_create_it() {
    let Some(db) = TestDb::create(Backend::Postgres, "missing_schema") else {
        return;
    };
    // The server trusts the user: the password is never checked, and must
    // never be shown.
    let url = db.url.replacen("://postgres@", "://postgres:hunter2@", 1);
    assert_ne!(url, db.url, "the test URL names the user postgres");
    let err = godwit::connect(&in_schema(&url, "tenant_9"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("CREATE SCHEMA \"tenant_9\""), "{err}");
    assert!(err.contains("schema=tenant_9"), "{err}");
    assert!(!err.contains("hunter2"), "{err}");
    let err = godwit::connect(&format!("{url}?schema="))
        .unwrap_err()
        .to_string();
    assert!(err.contains("empty") && !err.contains("hunter2"), "{err}");
    // The other parameters still reach the driver.
    let mut conn =
        godwit::connect(&format!("{url}?application_name=tenants&schema=public")).unwrap();
    let name = conn
        .query("SELECT current_setting('application_name') AS c0", 1)
        .unwrap();
    assert_eq!(name[0][0].as_deref(), Some("tenants"));
}

#[test]
fn the_schema_parameter_is_refused_elsewhere() {
    for backend in [Backend::Sqlite, Backend::Mysql] {
        let Some(db) = TestDb::create(backend, "schema_refused") else {
            continue;
        };
        let err = godwit::connect(&in_schema(&db.url, "tenant_1"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`schema=` is for PostgreSQL"),
            "{backend:?}: {err}"
        );
        let out = cli(&in_schema(&db.url, "tenant_1"), &["current"]);
        assert!(!out.status.success(), "{out:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("`schema=` is for PostgreSQL"),
            "{out:?}"
        );
    }
}
