//! Concurrent deploys: 16 processes run `upgrade` on the same fresh database
//! at once, 20 times per backend. Every process exits 0, each migration is
//! applied by exactly one of them, and none waits forever.
//!
//! And a process that cannot take the migration lock within `--lock-wait`
//! exits non-zero with a message saying so, having changed nothing.
//!
//! The processes run the scenario's 13 migrations (a seed, a batched
//! backfill, concurrent index builds): 8 through the command line
//! (`godwit::cli`, one lock per migration), 8 through the library
//! (`MIGRATIONS.upgrade(.., Target::Head)`, one lock for the run); two
//! prebuilt binaries, started 8 times each per round.

use std::collections::BTreeMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use godwit::dialect::normalise;
use godwit::{Database, Options, Target};
use godwit_tests::processes::{count, wait_all};
use godwit_tests::report::Tally;
use godwit_tests::{ensure, Backend, TestDb, MIGRATIONS};

const CLI: &str = env!("CARGO_BIN_EXE_godwit-test-cli");
/// Calls `MIGRATIONS.upgrade(&mut conn, Target::Head)` and prints `applied <revision>` lines.
const LIBRARY: &str = env!("CARGO_BIN_EXE_godwit-test-upgrade");
const PROCESSES: usize = 16;
const ROUNDS: usize = 20;
/// Longer than any round takes: a process still running then is stuck.
const DEADLINE: Duration = Duration::from_secs(120);

fn cli(url: &str, args: &[&str]) -> Command {
    let mut c = Command::new(CLI);
    c.args(args)
        .env("DATABASE_URL", url)
        .env("GODWIT_TEST_SET", "scenario")
        .env("RUST_LOG", "off")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

/// One round: a fresh database, 16 processes at once. Returns the seconds
/// the round took.
fn round(backend: Backend) -> Result<f64, String> {
    let db = TestDb::create(backend, "concurrency").expect("the backend is enabled");
    let started = Instant::now();
    // Half run the command line, half call `MIGRATIONS.upgrade(.., Head)`.
    let children: Vec<Child> = (0..PROCESSES)
        .map(|i| {
            if i % 2 == 0 {
                cli(&db.url, &["--json", "upgrade"]).spawn()
            } else {
                Command::new(LIBRARY)
                    .arg(&db.url)
                    .stdin(Stdio::null())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
            }
        })
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    let outputs = wait_all(children, started + DEADLINE)?;
    let took = started.elapsed().as_secs_f64();
    let mut applied: BTreeMap<String, usize> = BTreeMap::new();
    for out in &outputs {
        ensure!(
            out.status.success(),
            "a process exited {:?}: {}{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        if text.trim_start().starts_with('{') {
            let v: serde_json::Value =
                serde_json::from_str(&text).map_err(|e| format!("not JSON ({e}): {text}"))?;
            for step in v["applied"].as_array().into_iter().flatten() {
                let rev = step["revision"].as_str().unwrap_or_default().to_string();
                *applied.entry(rev).or_default() += 1;
            }
        } else {
            for rev in text.lines().filter_map(|l| l.strip_prefix("applied ")) {
                *applied.entry(rev.to_string()).or_default() += 1;
            }
        }
    }
    let expected: BTreeMap<String, usize> = MIGRATIONS
        .migrations()
        .iter()
        .map(|m| (m.revision.to_string(), 1))
        .collect();
    ensure!(
        applied == expected,
        "migrations applied per revision: {applied:?}"
    );
    let mut conn = db.connect();
    ensure!(
        MIGRATIONS.current(&mut conn).map_err(|e| e.to_string())? == MIGRATIONS.head(),
        "not at head"
    );
    ensure!(
        count(&mut conn, "godwit_version")? == MIGRATIONS.len() as i64,
        "version rows"
    );
    ensure!(
        count(&mut conn, "users")? == 5,
        "the seed ran more than once"
    );
    ensure!(
        count(&mut conn, "users WHERE karma = 1")? == 5,
        "the backfill did not run exactly once"
    );
    let d = conn.dialect();
    let model = normalise(
        &MIGRATIONS
            .schema_at(MIGRATIONS.len())
            .map_err(|e| e.to_string())?,
        d,
    );
    let actual = normalise(&conn.introspect().map_err(|e| e.to_string())?, d);
    if let Some(diff) = model.first_difference(&actual) {
        return Err(format!("schema: {diff}"));
    }
    Ok(took)
}

fn sixteen_processes_on(backend: Backend) {
    if TestDb::create(backend, "concurrency").is_none() {
        return;
    }
    let mut tally = Tally::new(format!(
        "{PROCESSES} processes upgrading one {backend:?} database at once, {ROUNDS} rounds"
    ));
    let mut times = Vec::new();
    for r in 1..=ROUNDS {
        tally.run(&format!("round {r}"), || {
            times.push(round(backend)?);
            Ok(())
        });
    }
    if !times.is_empty() {
        let max = times.iter().cloned().fold(0.0, f64::max);
        let mean = times.iter().sum::<f64>() / times.len() as f64;
        tally.note(format!(
            "{} processes exited 0; each of the {} migrations applied once per round; round time mean {mean:.2} s, max {max:.2} s",
            times.len() * PROCESSES,
            MIGRATIONS.len()
        ));
    }
    tally.finish();
}

#[test]
fn sixteen_processes_sqlite() {
    sixteen_processes_on(Backend::Sqlite);
}

#[test]
fn sixteen_processes_postgres() {
    sixteen_processes_on(Backend::Postgres);
}

#[test]
fn sixteen_processes_mysql() {
    sixteen_processes_on(Backend::Mysql);
}

// --- A process that cannot take the lock ---------------------------------

/// The database holds migrations up to `at` (a count); another connection
/// holds the migration lock; `upgrade --lock-wait 1` must give up, say why,
/// exit non-zero, and leave the database as it was.
fn lock_wait_gives_up(backend: Backend, at: usize) -> Result<(), String> {
    let db = TestDb::create(backend, "lock_wait").expect("the backend is enabled");
    let mut conn = db.connect();
    if at > 0 {
        let rev = &*MIGRATIONS.migrations()[at - 1].revision;
        MIGRATIONS
            .upgrade(&mut conn, Target::Revision(rev))
            .map_err(|e| e.to_string())?;
    }
    let before = conn.introspect().map_err(|e| e.to_string())?;
    let history = MIGRATIONS.history(&mut conn).map_err(|e| e.to_string())?;

    let mut holder = db.connect();
    holder
        .lock(&Options::default())
        .map_err(|e| e.to_string())?;
    let started = Instant::now();
    let out = cli(&db.url, &["upgrade", "--lock-wait", "1"])
        .output()
        .map_err(|e| e.to_string())?;
    let waited = started.elapsed();
    holder.unlock().map_err(|e| e.to_string())?;

    let stderr = String::from_utf8_lossy(&out.stderr);
    ensure!(
        out.status.code() == Some(2),
        "exit code {:?}, not 2: {stderr}",
        out.status.code()
    );
    ensure!(
        stderr.contains("another process has held the migration lock")
            && stderr.contains("for more than 1s")
            && stderr.contains("nothing was run by this process"),
        "the message does not say what happened: {stderr}"
    );
    ensure!(
        waited < Duration::from_secs(15),
        "it waited {waited:?} for a 1 s lock wait"
    );
    // Nothing changed: schema, version rows, and (on a fresh database) no
    // version table either.
    ensure!(
        conn.introspect().map_err(|e| e.to_string())? == before,
        "the schema changed"
    );
    ensure!(
        MIGRATIONS.history(&mut conn).map_err(|e| e.to_string())? == history,
        "the version table changed"
    );
    if at == 0 {
        let exists = conn
            .has_rows(&format!(
                "SELECT 1 AS c0 FROM {} WHERE 1 = 0",
                godwit::runner::VERSION_TABLE
            ))
            .is_ok();
        ensure!(!exists, "the version table was created");
    }
    // Once the lock is free, the same command goes through.
    let out = cli(&db.url, &["upgrade", "--lock-wait", "5"])
        .output()
        .map_err(|e| e.to_string())?;
    ensure!(
        out.status.success(),
        "after the lock was released: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    ensure!(
        MIGRATIONS.current(&mut conn).map_err(|e| e.to_string())? == MIGRATIONS.head(),
        "not at head after the lock was released"
    );
    Ok(())
}

fn lock_wait_on(backend: Backend) {
    if TestDb::create(backend, "lock_wait").is_none() {
        return;
    }
    let mut tally = Tally::new(format!(
        "upgrade --lock-wait 1 on {backend:?} while another connection holds the migration lock"
    ));
    tally.run("fresh database", || lock_wait_gives_up(backend, 0));
    tally.run("database at 0003", || lock_wait_gives_up(backend, 3));
    tally.finish();
}

#[test]
fn lock_wait_sqlite() {
    lock_wait_on(Backend::Sqlite);
}

#[test]
fn lock_wait_postgres() {
    lock_wait_on(Backend::Postgres);
}

#[test]
fn lock_wait_mysql() {
    lock_wait_on(Backend::Mysql);
}
