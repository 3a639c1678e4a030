//! The example application run as a user would: as a subprocess, checking
//! what it prints and its exit codes. SQLite always; PostgreSQL and MariaDB
//! when `GODWIT_TEST_POSTGRES_URL` / `GODWIT_TEST_MYSQL_URL` are set and the
//! example is built with the `postgres` / `mysql` features.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_godwit-example");
const MIGRATIONS: usize = 12;

/// A working directory of its own, removed afterwards.
struct Workdir(PathBuf);

impl Workdir {
    fn new(name: &str) -> Workdir {
        let dir =
            std::env::temp_dir().join(format!("godwit-example-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create the working directory");
        Workdir(dir)
    }
}

impl Drop for Workdir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs the example with `args` in `dir`, against `url` (`None`: its default).
fn run(dir: &Path, url: Option<&str>, args: &[&str]) -> Output {
    let mut c = Command::new(BIN);
    c.args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "off");
    if let Some(url) = url {
        c.env("DATABASE_URL", url);
    }
    c.output().expect("run the example")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn users(dir: &Path, url: Option<&str>) -> usize {
    // Each start inserts one user and prints the count.
    let o = run(dir, url, &[]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    let line = out
        .lines()
        .find(|l| l.starts_with("users:"))
        .expect("a users line");
    line["users:".len()..].trim().parse().expect("a count")
}

/// The acceptance walk of the example on one database.
fn walk(dir: &Path, url: Option<&str>) {
    // First start: every migration applied.
    let o = run(dir, url, &[]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains(&format!(
            "applied {MIGRATIONS} migration(s): base -> 20250224_090000"
        )),
        "{}",
        stdout(&o)
    );

    // Second start: nothing to apply, and it says so.
    let o = run(dir, url, &[]);
    assert!(
        stdout(&o).contains("no migration to apply"),
        "{}",
        stdout(&o)
    );

    // history lists them all, applied.
    let o = run(dir, url, &["history"]);
    assert_eq!(code(&o), 0);
    let applied = stdout(&o)
        .lines()
        .filter(|l| l.contains(" applied "))
        .count();
    assert_eq!(applied, MIGRATIONS, "{}", stdout(&o));

    // check gates a deploy: 0 at head, 1 behind.
    assert_eq!(code(&run(dir, url, &["check"])), 0);
    // The last migration dropped a column: undoing it cannot bring the
    // values back, so the downgrade says so and waits for the flag.
    let o = run(dir, url, &["downgrade", "-1"]);
    assert_eq!(code(&o), 2, "{}", stdout(&o));
    assert!(
        stderr(&o).contains("refusing to downgrade from 20250224_090000: it would lose data")
            && stderr(&o).contains("its upgrade dropped `user_preferences.theme`"),
        "{}",
        stderr(&o)
    );
    assert_eq!(code(&run(dir, url, &["check"])), 0, "nothing was undone");
    let o = run(dir, url, &["downgrade", "-1", "--allow-data-loss"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("undid 1 migration(s)"),
        "{}",
        stdout(&o)
    );
    let o = run(dir, url, &["check"]);
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o).contains("1 migration(s) pending"),
        "{}",
        stdout(&o)
    );
    let o = run(dir, url, &["upgrade"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("applied 1 migration(s)"),
        "{}",
        stdout(&o)
    );
    assert_eq!(code(&run(dir, url, &["check"])), 0);

    // --json for scripts.
    let o = run(dir, url, &["--json", "current"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["current"], "20250224_090000");
    assert_eq!(v["head"], "20250224_090000");

    // verify: every migration up, down, up on a scratch database.
    let o = run(dir, url, &["verify"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains(&format!("verify: {MIGRATIONS} passed, 0 failed")),
        "{}",
        stdout(&o)
    );
}

#[test]
fn sqlite_walk_backup_restore_and_new() {
    let dir = Workdir::new("sqlite");
    walk(&dir.0, None);
    assert!(
        dir.0.join("godwit-example.db").exists(),
        "the default database is a file in the working directory"
    );

    // backup, then more data, then restore: exactly the backed-up data.
    let before = users(&dir.0, None);
    let o = run(&dir.0, None, &["backup", "--dir", "backups"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let file = std::fs::read_dir(dir.0.join("backups"))
        .expect("backups")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "sqlite"))
        .expect("a backup file");
    assert!(PathBuf::from(format!("{}.info.json", file.display())).exists());
    users(&dir.0, None);
    users(&dir.0, None);
    let o = run(
        &dir.0,
        None,
        &["restore", file.to_str().expect("utf-8 path")],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(
        users(&dir.0, None),
        before + 1,
        "the restore brought back exactly the backed-up rows"
    );

    // restore refuses to overwrite a database newer than the backup.
    run(&dir.0, None, &["downgrade", "-2", "--allow-data-loss"]);
    let o = run(&dir.0, None, &["backup", "--dir", "old"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let old = std::fs::read_dir(dir.0.join("old"))
        .expect("old")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "sqlite"))
        .expect("a backup file");
    run(&dir.0, None, &["upgrade"]);
    let o = run(
        &dir.0,
        None,
        &["restore", old.to_str().expect("utf-8 path")],
    );
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("refusing to restore"), "{}", stderr(&o));
    let o = run(
        &dir.0,
        None,
        &["restore", "--force", old.to_str().expect("utf-8 path")],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = run(&dir.0, None, &["current"]);
    assert!(stdout(&o).starts_with("20250210_090500"), "{}", stdout(&o));

    // Offline SQL needs no database.
    let o = run(&dir.0, None, &["sql", "base:head", "--dialect", "postgres"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("CREATE UNIQUE INDEX CONCURRENTLY"),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).contains("SET lock_timeout = '5s';"));
    // With the lock timeout the run would have.
    let o = run(
        &dir.0,
        None,
        &[
            "sql",
            "head",
            "--dialect",
            "postgres",
            "--lock-timeout",
            "2",
        ],
    );
    assert!(
        stdout(&o).contains("SET lock_timeout = '2s';"),
        "{}",
        stdout(&o)
    );

    // heads needs no database either.
    let o = run(&dir.0, None, &["heads"]);
    assert!(
        stdout(&o).starts_with("20250224_090000 (head)"),
        "{}",
        stdout(&o)
    );

    // new writes the next migration after head and lists it.
    let src = dir.0.join("src");
    std::fs::create_dir_all(src.join("migrations")).expect("mkdir");
    std::fs::write(
        src.join("lib.rs"),
        "pub static M: godwit::MigrationSet = godwit::migrations![\n    migrations::m1_a::a,\n];\n",
    )
    .expect("write");
    let o = run(&dir.0, None, &["new", "add users.avatar_url column"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("follows 20250224_090000"),
        "{}",
        stdout(&o)
    );
    let lib = std::fs::read_to_string(src.join("lib.rs")).expect("read");
    assert!(lib.contains("::add_users_avatar_url_column,"), "{lib}");
    let o = run(&dir.0, None, &["new", "fix"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("too vague"), "{}", stderr(&o));
}

#[test]
fn usage_errors_and_secrets() {
    let dir = Workdir::new("usage");
    let o = run(&dir.0, None, &["no-such-command"]);
    assert_eq!(code(&o), 2);
    let o = run(&dir.0, None, &["downgrade", "+1"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("use upgrade to go forward"),
        "{}",
        stderr(&o)
    );
    // A password never shows, whatever fails.
    let o = run(
        &dir.0,
        Some("postgres://app:s3cret-pw@127.0.0.1:1/nowhere"),
        &["current"],
    );
    assert_eq!(code(&o), 2);
    assert!(
        !stderr(&o).contains("s3cret-pw") && !stdout(&o).contains("s3cret-pw"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("***"), "{}", stderr(&o));
}

/// A database of its own on a server, dropped afterwards.
#[cfg(any(feature = "postgres", feature = "mysql"))]
struct ServerDb {
    admin: String,
    name: String,
    url: String,
}

#[cfg(any(feature = "postgres", feature = "mysql"))]
impl ServerDb {
    fn create(admin: &str, tag: &str) -> ServerDb {
        use godwit::Database;
        let name = format!("godwit_example_{tag}_{}", std::process::id());
        let mut conn = godwit::connect(admin).expect("connect to the server");
        let q = conn.dialect().quote(&name);
        conn.execute(&format!("DROP DATABASE IF EXISTS {q}"))
            .expect("drop");
        conn.execute(&format!("CREATE DATABASE {q}"))
            .expect("create");
        let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(admin);
        ServerDb {
            admin: admin.to_string(),
            url: format!("{base}/{name}"),
            name,
        }
    }
}

#[cfg(any(feature = "postgres", feature = "mysql"))]
impl Drop for ServerDb {
    fn drop(&mut self) {
        use godwit::Database;
        if let Ok(mut conn) = godwit::connect(&self.admin) {
            let q = conn.dialect().quote(&self.name);
            let _ = conn.execute(&format!("DROP DATABASE IF EXISTS {q}"));
        }
    }
}

/// The walk, then backup, more data, restore: exactly the backed-up rows.
/// `extension` is the backup file's; `listed` checks the file if the
/// backend has a tool for it.
#[cfg(any(feature = "postgres", feature = "mysql"))]
fn server_walk_and_backup(admin: &str, tag: &str, extension: &str, listed: fn(&Path)) {
    let db = ServerDb::create(admin, tag);
    let dir = Workdir::new(tag);
    walk(&dir.0, Some(&db.url));
    let before = users(&dir.0, Some(&db.url));
    let o = run(&dir.0, Some(&db.url), &["backup", "--dir", "b"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let file = std::fs::read_dir(dir.0.join("b"))
        .expect("b")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == extension))
        .expect("a backup file");
    listed(&file);
    users(&dir.0, Some(&db.url));
    let o = run(
        &dir.0,
        Some(&db.url),
        &["restore", file.to_str().expect("utf-8")],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(users(&dir.0, Some(&db.url)), before + 1);
}

#[cfg(feature = "postgres")]
#[test]
fn postgres_walk_and_backup() {
    let Ok(admin) = std::env::var("GODWIT_TEST_POSTGRES_URL") else {
        eprintln!("skipped: set GODWIT_TEST_POSTGRES_URL to run against PostgreSQL");
        return;
    };
    // The dump is one pg_restore can read.
    server_walk_and_backup(&admin, "pg", "pgdump", |file| {
        let list = Command::new("pg_restore")
            .arg("--list")
            .arg(file)
            .output()
            .expect("pg_restore");
        assert!(
            list.status.success() && String::from_utf8_lossy(&list.stdout).contains("TABLE DATA")
        );
    });
}

#[cfg(feature = "mysql")]
#[test]
fn mariadb_walk_and_backup() {
    let Ok(admin) = std::env::var("GODWIT_TEST_MYSQL_URL") else {
        eprintln!("skipped: set GODWIT_TEST_MYSQL_URL to run against MariaDB");
        return;
    };
    server_walk_and_backup(&admin, "my", "sql", |_| {});
}
