//! Safety rails of the command line, on every backend:
//!
//! - `downgrade` past a migration that would lose data (drops a table or a
//!   column, or undoes an upgrade that dropped one) refuses without
//!   `--allow-data-loss`, lists what would be lost with row counts, and
//!   changes nothing; an irreversible migration is refused even with it. The
//!   library's `downgrade` does not check (documented); `data_loss` says.
//! - `restore` refuses to overwrite a database newer than the backup, or one
//!   whose revision this binary does not know, without `--force`.
//! - No database password shows in any output, log, error or file the
//!   command line writes, whatever the URL looks like and whatever fails.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use godwit::{Database, Loss, Options, Target};
use godwit_tests::report::Tally;
use godwit_tests::{ensure, Backend, TestDb, MIGRATIONS};

const CLI: &str = env!("CARGO_BIN_EXE_godwit-test-cli");

fn cli(url: &str, set: &str, args: &[&str]) -> Output {
    godwit_tests::processes::run_cli(CLI, url, set, args)
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn current(db: &TestDb) -> Result<Option<&'static str>, String> {
    MIGRATIONS
        .current(&mut db.connect())
        .map_err(|e| e.to_string())
}

fn count(db: &TestDb, from: &str) -> Result<i64, String> {
    let mut conn = db.connect();
    let sql = format!(
        "SELECT {} AS c0 FROM {from}",
        conn.dialect().cast_text("COUNT(*)")
    );
    let rows = conn.query(&sql, 1).map_err(|e| e.to_string())?;
    rows.first()
        .and_then(|r| r.first().cloned().flatten())
        .unwrap_or_default()
        .parse()
        .map_err(|e| format!("{sql}: {e}"))
}

// --- downgrade and data loss ------------------------------------------------

fn data_loss_refused(backend: Backend) -> Result<(), String> {
    let db = TestDb::create(backend, "data_loss").expect("enabled");
    let o = cli(&db.url, "scenario", &["upgrade"]);
    ensure!(o.status.success(), "upgrade: {}", text(&o));
    // A user of the application's own, with two posts (one edited by a
    // seeded user, whom the seed's downgrade deletes: the FK sets NULL).
    let mut conn = db.connect();
    for sql in [
        "INSERT INTO users (email, username) VALUES ('zed@other.org', 'zed')",
        "INSERT INTO posts (author_id, title, body, editor_id) SELECT id, 't1', 'b', 2 FROM users WHERE username = 'zed'",
        "INSERT INTO posts (author_id, title, body) SELECT id, 't2', 'b' FROM users WHERE username = 'zed'",
    ] {
        conn.execute(sql).map_err(|e| format!("{sql}: {e}"))?;
    }

    // 0013 loses nothing: it goes without the flag.
    let o = cli(&db.url, "scenario", &["downgrade", "-1"]);
    ensure!(o.status.success(), "downgrade of 0013: {}", text(&o));
    ensure!(current(&db)? == Some("0012"), "not at 0012");

    // 0012 dropped users.bio on its upgrade: undoing it brings an empty column.
    let o = cli(&db.url, "scenario", &["downgrade", "-1"]);
    let out = text(&o);
    ensure!(
        o.status.code() == Some(2),
        "exit {:?}: {out}",
        o.status.code()
    );
    ensure!(
        out.contains("refusing to downgrade from 0012: it would lose data")
            && out.contains(
                "its upgrade dropped `users.bio`; undoing it brings `users.bio` back empty"
            )
            && out.contains("--allow-data-loss")
            && out.contains("Nothing was undone"),
        "{out}"
    );
    ensure!(
        current(&db)? == Some("0012"),
        "the refused downgrade changed the revision"
    );

    // Down to 0002: every loss on the way, with what the database holds now.
    let o = cli(&db.url, "scenario", &["downgrade", "0002"]);
    let out = text(&o);
    ensure!(
        o.status.code() == Some(2),
        "exit {:?}: {out}",
        o.status.code()
    );
    for expected in [
        "0006 (\"add an optional editor to posts\") drops column `posts.editor_id` (1 row with a value)",
        "0004 (\"seed five example users\") runs `DELETE FROM users WHERE email LIKE '%@example.com'`, which deletes rows of `users`",
        "0003 (\"add karma and bio to users\") drops column `users.bio`",
        "drops column `users.karma` (6 rows with a value)",
    ] {
        ensure!(out.contains(expected), "`{expected}` is not listed: {out}");
    }
    ensure!(
        current(&db)? == Some("0012"),
        "the refused downgrade changed the revision"
    );
    ensure!(count(&db, "posts")? == 2, "rows were lost");

    // JSON callers get the refusal as an error document.
    let o = cli(&db.url, "scenario", &["--json", "downgrade", "0002"]);
    let v: serde_json::Value =
        serde_json::from_slice(&o.stdout).map_err(|e| format!("{e}: {}", text(&o)))?;
    ensure!(
        v["error"]
            .as_str()
            .is_some_and(|e| e.contains("would lose data")),
        "{v}"
    );

    // With the flag it goes.
    let o = cli(
        &db.url,
        "scenario",
        &["downgrade", "0002", "--allow-data-loss"],
    );
    ensure!(o.status.success(), "with --allow-data-loss: {}", text(&o));
    ensure!(current(&db)? == Some("0002"), "not at 0002");

    // The library does not refuse (it undoes what it is told); data_loss says.
    let mut conn = db.connect();
    let plan = MIGRATIONS
        .data_loss_in(&mut conn, Target::Base)
        .map_err(|e| e.to_string())?;
    ensure!(
        plan.iter().map(|p| p.revision.as_str()).collect::<Vec<_>>() == ["0002", "0001"],
        "{plan:?}"
    );
    ensure!(
        plan[0].losses.contains(&Loss::DropsTable {
            table: "posts".into(),
            rows: Some(2)
        }),
        "{plan:?}"
    );
    MIGRATIONS
        .downgrade(&mut conn, Target::Base)
        .map_err(|e| format!("the library's downgrade refused: {e}"))?;

    // An irreversible migration is refused with or without the flag.
    let db = TestDb::create(backend, "data_loss").expect("enabled");
    let o = cli(&db.url, "irreversible", &["upgrade"]);
    ensure!(o.status.success(), "upgrade: {}", text(&o));
    let o = cli(
        &db.url,
        "irreversible",
        &["downgrade", "base", "--allow-data-loss"],
    );
    let out = text(&o);
    ensure!(
        o.status.code() == Some(2) && out.contains("it is irreversible: the purged rows are gone"),
        "{out}"
    );
    Ok(())
}

// --- restore ---------------------------------------------------------------

fn backup_file(dir: &Path, ext: &str) -> Result<PathBuf, String> {
    std::fs::read_dir(dir)
        .map_err(|e| e.to_string())?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == ext))
        .ok_or_else(|| format!("no .{ext} file in {}", dir.display()))
}

fn restore_refuses_newer(backend: Backend) -> Result<(), String> {
    let db = TestDb::create(backend, "restore").expect("enabled");
    let dir = std::env::temp_dir().join(godwit_tests::testdb::unique_name());
    let result = (|| {
        let ext = match backend {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "pgdump",
            Backend::Mysql => "sql",
        };
        // A backup at 0001, taken by a binary that knows only 0001.
        let o = cli(&db.url, "base_only", &["upgrade"]);
        ensure!(o.status.success(), "{}", text(&o));
        let old = dir.join("at-0001");
        let o = cli(
            &db.url,
            "base_only",
            &["backup", "--dir", old.to_str().unwrap_or_default()],
        );
        ensure!(o.status.success(), "backup: {}", text(&o));
        let file = backup_file(&old, ext)?;
        let file = file.to_str().unwrap_or_default();

        // The database moves on to 0004 (five users) under the full binary.
        let o = cli(&db.url, "scenario", &["upgrade", "0004"]);
        ensure!(o.status.success(), "{}", text(&o));

        // The old binary cannot tell where the database stands: refused.
        let o = cli(&db.url, "base_only", &["restore", file]);
        let out = text(&o);
        ensure!(
            o.status.code() == Some(2) && out.contains("refusing to restore: cannot tell where"),
            "restore by a binary that does not know the revision: {out}"
        );
        // The full binary sees a database newer than the backup: refused.
        let o = cli(&db.url, "scenario", &["restore", file]);
        let out = text(&o);
        ensure!(
            o.status.code() == Some(2)
                && out.contains("refusing to restore")
                && out.contains("is at 0004, newer than the backup (0001)"),
            "{out}"
        );
        ensure!(
            current(&db)? == Some("0004"),
            "the refused restore changed the revision"
        );
        ensure!(count(&db, "users")? == 5, "the refused restore lost rows");

        // --force restores the backup.
        let o = cli(&db.url, "scenario", &["restore", "--force", file]);
        ensure!(o.status.success(), "restore --force: {}", text(&o));
        ensure!(
            current(&db)? == Some("0001"),
            "not at the backup's revision"
        );
        ensure!(count(&db, "users")? == 0, "the backup had no users");

        // A backup at the same revision restores without --force.
        let same = dir.join("at-0001-again");
        let o = cli(
            &db.url,
            "scenario",
            &["backup", "--dir", same.to_str().unwrap_or_default()],
        );
        ensure!(o.status.success(), "backup: {}", text(&o));
        let again = backup_file(&same, ext)?;
        let o = cli(
            &db.url,
            "scenario",
            &["restore", again.to_str().unwrap_or_default()],
        );
        ensure!(
            o.status.success(),
            "restore at the same revision: {}",
            text(&o)
        );
        Ok(())
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result
}

// --- secrets ---------------------------------------------------------------

/// The password every URL below carries, in the forms it could leak in.
const SECRET: &str = "Sup3r-s3cret";

fn leaks(text: &str) -> bool {
    ["Sup3r-s3cret", "Sup3r", "s3cret", "Sup3r%2Ds3cret"]
        .iter()
        .any(|s| text.contains(s))
}

/// URLs with the password in every place a URL can hold one, pointing at
/// servers that are not there.
fn unreachable_urls() -> Vec<String> {
    vec![
        format!("postgres://app:{SECRET}@127.0.0.1:1/app"),
        format!("postgresql://app:{SECRET}@127.0.0.1:1/app?sslmode=disable"),
        format!("postgres://app@127.0.0.1:1/app?password={SECRET}"),
        format!("postgres://app:{SECRET}@db@127.0.0.1:1/app"),
        "postgres://app:Sup3r@s3cret@127.0.0.1:1/app".to_string(),
        "mysql://root:Sup3r/s3cret@127.0.0.1:1/app".to_string(),
        format!("postgres://app:Sup3r/s3cret@127.0.0.1:1/app"),
        "postgres://app:Sup3r%2Ds3cret@127.0.0.1:1/app".to_string(),
        format!("mysql://root:{SECRET}@127.0.0.1:1/app"),
        format!("mariadb://root:{SECRET}@127.0.0.1:1/app"),
        format!("oracle://app:{SECRET}@127.0.0.1:1/app"),
        format!("postgres://app:{SECRET}@127.0.0.1:notaport/app"),
    ]
}

/// Every command, on a URL that fails: nothing shows the password.
fn secrets_in_failures() -> Result<(), String> {
    let dir = std::env::temp_dir().join(godwit_tests::testdb::unique_name());
    let dir_s = dir.display().to_string();
    let commands: Vec<Vec<&str>> = vec![
        vec!["current"],
        vec!["history"],
        vec!["check"],
        vec!["upgrade"],
        vec!["--verbose", "upgrade"],
        vec!["downgrade", "-1"],
        vec!["stamp", "head"],
        vec!["schema"],
        vec!["verify"],
        vec!["backup", "--dir", &dir_s],
        vec!["--json", "upgrade"],
        vec!["sql", "head"],
    ];
    for url in unreachable_urls() {
        // The library's error, shown and debugged.
        let err = godwit::connect(&url).expect_err("nothing listens there");
        ensure!(
            !leaks(&err.to_string()) && !leaks(&format!("{err:?}")),
            "godwit::connect({url}) error shows the password: {err} / {err:?}"
        );
        for args in &commands {
            let mut c = Command::new(CLI);
            c.args(args)
                .env("DATABASE_URL", &url)
                .env("RUST_LOG", "godwit=trace")
                .stdin(Stdio::null());
            let o = c.output().map_err(|e| e.to_string())?;
            ensure!(
                !leaks(&text(&o)),
                "`{}` with {url} shows the password:\n{}",
                args.join(" "),
                text(&o)
            );
            ensure!(
                args[0] == "sql" || !o.status.success(),
                "`{}` with {url} succeeded",
                args.join(" ")
            );
        }
        // Given on the command line, or in the wrong place.
        for args in [
            vec!["--database-url", url.as_str(), "current"],
            vec!["current", url.as_str()],
            vec!["upgrade", url.as_str()],
            vec!["downgrade", url.as_str()],
        ] {
            let o = Command::new(CLI)
                .args(&args)
                .env_remove("DATABASE_URL")
                .stdin(Stdio::null())
                .output()
                .map_err(|e| e.to_string())?;
            ensure!(
                !leaks(&text(&o)),
                "`{}` shows the password:\n{}",
                args.join(" "),
                text(&o)
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// A user with a password on the real server: a whole walk, with debug
/// logs, a lock timeout, a backup (and its info file) and a restore, and a
/// wrong password. Nothing shows the password.
fn secrets_on_server(backend: Backend) -> Result<(), String> {
    let db = TestDb::create(backend, "secrets").expect("enabled");
    let mut admin = db.connect();
    let user = godwit_tests::testdb::unique_name();
    let (create, cleanup) = match backend {
        Backend::Postgres => (
            vec![
                format!("CREATE ROLE {user} LOGIN CREATEDB PASSWORD '{SECRET}'"),
                format!("GRANT ALL ON SCHEMA public TO {user}"),
                format!("ALTER SCHEMA public OWNER TO {user}"),
            ],
            vec![format!("DROP ROLE IF EXISTS {user}")],
        ),
        _ => (
            vec![
                format!("CREATE USER '{user}'@'%' IDENTIFIED BY '{SECRET}'"),
                format!("CREATE USER '{user}'@'localhost' IDENTIFIED BY '{SECRET}'"),
                format!("GRANT ALL PRIVILEGES ON *.* TO '{user}'@'%'"),
                format!("GRANT ALL PRIVILEGES ON *.* TO '{user}'@'localhost'"),
            ],
            vec![
                format!("DROP USER IF EXISTS '{user}'@'%'"),
                format!("DROP USER IF EXISTS '{user}'@'localhost'"),
            ],
        ),
    };
    for s in &create {
        admin.execute(s).map_err(|e| format!("{s}: {e}"))?;
    }
    let dir = std::env::temp_dir().join(godwit_tests::testdb::unique_name());
    let result = (|| {
        // The test URL with the user and password spliced in.
        let (scheme, rest) = db.url.split_once("://").ok_or("a URL")?;
        let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
        let url = format!("{scheme}://{user}:{SECRET}@{host}");
        let wrong = format!("{scheme}://{user}:{SECRET}-wrong@{host}");
        let dir_s = dir.display().to_string();
        let walk: Vec<Vec<&str>> = vec![
            vec!["--verbose", "upgrade", "0004"],
            vec!["--verbose", "upgrade"],
            vec!["history"],
            vec!["--json", "history"],
            vec!["current"],
            vec!["check"],
            vec!["schema"],
            vec!["backup", "--dir", &dir_s],
            vec!["downgrade", "-2"],
            vec!["--verbose", "downgrade", "-2", "--allow-data-loss"],
            vec!["verify"],
            vec!["stamp", "0013"],
            vec!["upgrade", "9999"],
        ];
        for args in &walk {
            let o = Command::new(CLI)
                .args(args)
                .env("DATABASE_URL", &url)
                .env("GODWIT_TEST_SET", "scenario")
                .env("RUST_LOG", "godwit=trace")
                .stdin(Stdio::null())
                .output()
                .map_err(|e| e.to_string())?;
            ensure!(
                !leaks(&text(&o)),
                "`{}` shows the password:\n{}",
                args.join(" "),
                text(&o)
            );
        }
        // What backup wrote: the dump and its info file.
        for entry in std::fs::read_dir(&dir)
            .map_err(|e| e.to_string())?
            .flatten()
        {
            let bytes = std::fs::read(entry.path()).map_err(|e| e.to_string())?;
            ensure!(
                !leaks(&String::from_utf8_lossy(&bytes)),
                "{} holds the password",
                entry.path().display()
            );
        }
        let file = backup_file(
            &dir,
            if backend == Backend::Postgres {
                "pgdump"
            } else {
                "sql"
            },
        )?;
        let o = cli(
            &url,
            "scenario",
            &["restore", "--force", file.to_str().unwrap_or_default()],
        );
        ensure!(
            !leaks(&text(&o)),
            "restore shows the password:\n{}",
            text(&o)
        );
        ensure!(o.status.success(), "restore: {}", text(&o));

        // A lock held elsewhere: the timeout error names no password.
        let mut holder = db.connect();
        holder
            .lock(&Options::default())
            .map_err(|e| e.to_string())?;
        let o = cli(&url, "scenario", &["--lock-wait", "1", "downgrade", "-1"]);
        holder.unlock().map_err(|e| e.to_string())?;
        ensure!(
            !leaks(&text(&o)),
            "the lock timeout shows the password:\n{}",
            text(&o)
        );

        // A wrong password: the server refuses (MariaDB checks it; the
        // PostgreSQL of the tests may trust local connections).
        let o = cli(&wrong, "scenario", &["current"]);
        ensure!(
            !leaks(&text(&o)),
            "a refused login shows the password:\n{}",
            text(&o)
        );
        if backend == Backend::Mysql {
            ensure!(
                !o.status.success() && text(&o).contains("Access denied"),
                "{}",
                text(&o)
            );
        }
        let err = godwit::connect(&wrong).map(|_| ());
        if let Err(e) = err {
            ensure!(
                !leaks(&e.to_string()) && !leaks(&format!("{e:?}")),
                "{e} / {e:?}"
            );
        }
        Ok(())
    })();
    let _ = std::fs::remove_dir_all(&dir);
    // The user goes once its database has: PostgreSQL keeps the grants on
    // the database's schema until then.
    drop(admin);
    drop(db);
    let server = backend.env_var().and_then(|v| std::env::var(v).ok());
    if let Some(mut server) = server.and_then(|url| godwit::connect(&url).ok()) {
        for s in &cleanup {
            let _ = server.execute(s);
        }
    }
    result
}

// --- one test per backend ---------------------------------------------------

fn safety_on(backend: Backend) {
    if TestDb::create(backend, "safety").is_none() {
        return;
    }
    let mut tally = Tally::new(format!(
        "safety rails on {backend:?}: data loss refused, restore refused, no password shown"
    ));
    tally.run("downgrade that loses data", || data_loss_refused(backend));
    tally.run("restore over a newer database", || {
        restore_refuses_newer(backend)
    });
    match backend {
        Backend::Sqlite => tally.run("passwords in failing URLs", secrets_in_failures),
        _ => tally.run("password of a real user", || secrets_on_server(backend)),
    }
    tally.finish();
}

#[test]
fn safety_sqlite() {
    safety_on(Backend::Sqlite);
}

#[test]
fn safety_postgres() {
    safety_on(Backend::Postgres);
}

#[test]
fn safety_mysql() {
    safety_on(Backend::Mysql);
}
