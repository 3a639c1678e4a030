//! Fault injection: a migration of k ops fails at each op 1..k, three ways:
//!
//! - **rejected**: the database rejects the op's statement;
//! - **dropped**: the connection is killed from a second connection
//!   (PostgreSQL `pg_terminate_backend`, MariaDB `KILL CONNECTION`) before
//!   the op's first statement, or after its statements ran but before the
//!   runner recorded or committed it (**dropped after**);
//! - **killed**: the process running it is killed with SIGKILL (every
//!   backend; the only way to lose an SQLite connection).
//!
//! After the fault, a migration that runs in one transaction (`f003` on
//! PostgreSQL and SQLite) has left the database at the previous revision
//! with its data intact; one that runs op by op (`f003` on MariaDB, `f004`
//! everywhere) has left a version row saying which op stopped, with exactly
//! the ops before it applied. Then a plain `upgrade` must reach head,
//! resuming where the fault hit, with every row changed exactly once.
//!
//! And a backfill of 200 000 rows (`n = n + 1`) is killed twice in the middle;
//! the next run finishes it and every row ends at exactly 1.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use godwit::dialect::normalise;
use godwit::runner::VersionState;
use godwit::{Database, Error, MigrationSet, Schema, Target};
use godwit_tests::inject::{connection_id, watching, Fault, Faulty, OpAt, OpWatch, When};
use godwit_tests::report::Tally;
use godwit_tests::{ensure, Backend, TestDb, FAULTS, LONG_BACKFILL};

const CLI: &str = env!("CARGO_BIN_EXE_godwit-test-cli");

/// How a fault is injected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Rejected,
    Dropped,
    /// The connection is dropped after the op's statements ran, before the
    /// runner recorded (or committed) the op.
    DroppedAfter,
    Killed,
}

/// Whether `revision` runs in one transaction on `backend`.
fn transactional(backend: Backend, revision: &str) -> bool {
    revision == "f003" && backend != Backend::Mysql
}

/// Whether op `op` of `revision` commits on its own on `backend`, outside a
/// transaction with its record: MySQL's DDL (not the INSERT of f003, not the
/// backfill of f004).
fn commits_alone(backend: Backend, revision: &str, op: usize) -> bool {
    backend == Backend::Mysql && (revision, op) != ("f003", 4) && (revision, op) != ("f004", 2)
}

/// One value of a query, as text.
fn scalar(conn: &mut impl Database, sql: &str) -> Result<String, String> {
    let rows = conn.query(sql, 1).map_err(|e| format!("{sql}: {e}"))?;
    Ok(rows
        .first()
        .and_then(|r| r.first().cloned().flatten())
        .unwrap_or_default())
}

fn number(conn: &mut impl Database, expr: &str, from: &str) -> Result<i64, String> {
    let d = conn.dialect();
    let text = scalar(
        conn,
        &format!("SELECT {} AS c0 FROM {from}", d.cast_text(expr)),
    )?;
    text.parse().or_else(|_| {
        if text.is_empty() {
            Ok(0)
        } else {
            Err(format!("`{text}` is not a number"))
        }
    })
}

/// The ledger's rows, summed so that a lost, doubled or changed row shows:
/// (rows, sum of ids, sum of n, sum of name lengths).
fn ledger(conn: &mut impl Database) -> Result<[i64; 4], String> {
    Ok([
        number(conn, "COUNT(*)", "ledger")?,
        number(conn, "SUM(id)", "ledger")?,
        number(conn, "SUM(n)", "ledger")?,
        number(conn, "SUM(LENGTH(name))", "ledger")?,
    ])
}

/// The schema after the first `count` migrations and `ops` ops of the next.
fn model(set: &MigrationSet, count: usize, ops: usize) -> Schema {
    let mut s = set.schema_at(count).expect("the set replays");
    if let Some(m) = set.migrations().get(count) {
        for op in m.upgrade.iter().take(ops) {
            s.apply(op).expect("the op replays");
        }
    }
    s
}

fn schema_is(conn: &mut impl Database, expected: &Schema, when: &str) -> Result<(), String> {
    let d = conn.dialect();
    let actual = normalise(&conn.introspect().map_err(|e| e.to_string())?, d);
    match normalise(expected, d).first_difference(&actual) {
        None => Ok(()),
        Some(diff) => Err(format!("{when}: the schema differs from the model: {diff}")),
    }
}

/// The version row of `revision`: (state, op_index), if any.
fn record(
    conn: &mut impl Database,
    revision: &str,
) -> Result<Option<(String, Option<usize>)>, String> {
    let history = FAULTS.history(conn).map_err(|e| e.to_string())?;
    Ok(history
        .into_iter()
        .find(|h| h.revision == revision)
        .and_then(|h| h.record)
        .map(|r| (r.state.to_string(), r.op_index)))
}

/// Starts the test command line on `url`, stopping at `at`.
fn spawn_stopping(url: &str, set: &str, at: Option<&OpAt>, args: &[&str]) -> Child {
    let mut c = Command::new(CLI);
    c.args(args)
        .env("DATABASE_URL", url)
        .env("GODWIT_TEST_SET", set)
        .env("RUST_LOG", "off")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(at) = at {
        c.env("GODWIT_TEST_STOP_AT", format!("{}:{}", at.revision, at.op));
    }
    c.spawn().expect("the test command line starts")
}

/// Runs `upgrade <revision>` in a process that stops at `at`, and kills it there.
fn kill_at(url: &str, at: &OpAt) -> Result<(), String> {
    let mut child = spawn_stopping(url, "faults", Some(at), &["upgrade", &at.revision]);
    let stdout = child.stdout.take().expect("piped");
    let mut line = String::new();
    let read = BufReader::new(stdout).read_line(&mut line);
    if read.is_err() || !line.starts_with("stopped at") {
        let _ = child.kill();
        let out = child.wait_with_output().map_err(|e| e.to_string())?;
        return Err(format!(
            "the process did not stop at {at:?} (exit {:?}): {line}{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let killed = child.kill(); // SIGKILL
    child.wait().map_err(|e| e.to_string())?;
    killed.map_err(|e| e.to_string())
}

/// A plain upgrade to head after a fault: at head, the schema of the
/// model, and the ledger as before it with f004's change made exactly once.
fn recover(conn: &mut impl Database, before: [i64; 4]) -> Result<godwit::Report, String> {
    let report = FAULTS
        .upgrade(conn, Target::Head)
        .map_err(|e| format!("the upgrade after the fault failed: {e}"))?;
    ensure!(
        FAULTS.current(conn).map_err(|e| e.to_string())? == FAULTS.head(),
        "not at head after recovery"
    );
    schema_is(conn, &model(&FAULTS, FAULTS.len(), 0), "after recovery")?;
    let after = ledger(conn)?;
    let mut expected = before;
    expected[2] += before[0]; // f004 adds one to every n, once
    ensure!(
        after == expected,
        "ledger after recovery {after:?}, expected {expected:?}"
    );
    Ok(report)
}

/// One fault: migration `revision` stopped at op `op` by `kind`, then
/// recovered by a plain upgrade.
fn scenario(backend: Backend, revision: &str, op: usize, kind: Kind) -> Result<String, String> {
    let db = TestDb::create(backend, "faults").expect("the backend is enabled");
    let k = FAULTS.position(revision).expect("a revision of the set");
    let previous = &*FAULTS.migrations()[k - 1].revision;
    let mut conn = db.connect();
    FAULTS
        .upgrade(&mut conn, Target::Revision(previous))
        .map_err(|e| e.to_string())?;
    let before = ledger(&mut conn)?;
    let at = OpAt::upgrade(revision, op);

    // The fault.
    match kind {
        Kind::Killed => kill_at(&db.url, &at)?,
        Kind::Rejected | Kind::Dropped | Kind::DroppedAfter => {
            let fault = if kind == Kind::Rejected {
                Fault::Reject
            } else {
                let mut victim = db.connect();
                let id = connection_id(&mut victim);
                conn = victim;
                Fault::DropConnection {
                    killer: db.connect(),
                    victim: id,
                }
            };
            let when = if kind == Kind::DroppedAfter {
                When::After
            } else {
                When::Before
            };
            let (mut faulty, armed) = Faulty::new(conn, fault, when);
            let result = watching(
                OpWatch::new(at.clone(), move || {
                    armed.store(true, std::sync::atomic::Ordering::SeqCst)
                }),
                || FAULTS.upgrade(&mut faulty, Target::Revision(revision)),
            );
            ensure!(faulty.injected, "the fault was never injected");
            let err = match result {
                Ok(r) => return Err(format!("the faulted upgrade succeeded: {r:?}")),
                Err(e) => e,
            };
            if kind == Kind::Rejected {
                let msg = err.to_string();
                ensure!(
                    matches!(&err, Error::MigrationFailed(f) if f.op_number == op && f.revision == revision),
                    "the error names another op: {msg}"
                );
                ensure!(
                    msg.contains("godwit_fault_injected"),
                    "the database's rejection is not shown: {msg}"
                );
                ensure!(msg.contains("state now:") && msg.contains("next:"), "{msg}");
            }
        }
    }

    // Right after the fault, on a new connection.
    let mut conn = db.connect();
    let n_rows = before[0];
    if transactional(backend, revision) {
        let current = FAULTS.current(&mut conn).map_err(|e| e.to_string())?;
        ensure!(
            current == Some(previous),
            "after the fault the database is at {current:?}, not {previous}"
        );
        ensure!(
            record(&mut conn, revision)?.is_none(),
            "a version row was left"
        );
        schema_is(&mut conn, &model(&FAULTS, k, 0), "after the fault")?;
        ensure!(
            ledger(&mut conn)? == before,
            "the ledger changed: {:?} -> {:?}",
            before,
            ledger(&mut conn)?
        );
    } else {
        let r = record(&mut conn, revision)?;
        let expected_state = match kind {
            Kind::Rejected => "upgrade_failed",
            _ => "upgrading",
        };
        ensure!(
            r == Some((expected_state.to_string(), Some(op - 1))),
            "the version row says {r:?}, not {expected_state} at op index {}",
            op - 1
        );
        // Dropped after its statements, an op that commits alone has run.
        let ran = if kind == Kind::DroppedAfter && commits_alone(backend, revision, op) {
            op
        } else {
            op - 1
        };
        schema_is(&mut conn, &model(&FAULTS, k, ran), "after the fault")?;
        // Only the ops before the fault changed data.
        let mut expected = before;
        if revision == "f004" && op > 2 {
            expected[2] += n_rows;
        }
        ensure!(
            ledger(&mut conn)? == expected,
            "ledger {:?}, expected {expected:?}",
            ledger(&mut conn)?
        );
        // Every other command refuses to guess.
        match FAULTS.current(&mut conn) {
            Err(Error::HalfApplied(_)) => {}
            other => return Err(format!("current() on a half-applied migration: {other:?}")),
        }
    }

    // Recovery: a plain upgrade to head.
    let report = recover(&mut conn, before)?;
    ensure!(
        number(&mut conn, "COUNT(*)", "ledger_notes")? == n_rows,
        "ledger_notes has {} rows, not {n_rows}",
        number(&mut conn, "COUNT(*)", "ledger_notes")?
    );
    let step = report
        .steps
        .iter()
        .find(|s| s.revision == revision)
        .ok_or("the recovery did not run the faulted migration")?;
    Ok(match step.resumed_at {
        Some(n) => format!("resumed at op {n}"),
        None => "ran again from op 1".to_string(),
    })
}

fn faults_on(backend: Backend) {
    if TestDb::create(backend, "faults").is_none() {
        return;
    }
    let mut tally = Tally::new(format!(
        "faults on {backend:?}: f003 (6 ops) and f004 (3 ops) failed at every op, rejected / dropped / killed, then upgraded"
    ));
    let mut outcomes = std::collections::BTreeMap::<String, usize>::new();
    let kinds: &[Kind] = match backend {
        Backend::Sqlite => &[Kind::Rejected, Kind::Killed],
        _ => &[
            Kind::Rejected,
            Kind::Dropped,
            Kind::DroppedAfter,
            Kind::Killed,
        ],
    };
    for &kind in kinds {
        for (revision, ops) in [("f003", 6), ("f004", 3)] {
            for op in 1..=ops {
                let name = format!("{kind:?} at {revision} op {op}");
                tally.run(&name, || {
                    let how = scenario(backend, revision, op, kind)?;
                    *outcomes
                        .entry(format!("{kind:?} {revision}: {how}"))
                        .or_default() += 1;
                    Ok(())
                });
            }
        }
    }
    for (how, n) in outcomes {
        tally.note(format!("{how}: {n}"));
    }
    tally.finish();
}

#[test]
fn faults_sqlite() {
    faults_on(Backend::Sqlite);
}

#[test]
fn faults_postgres() {
    faults_on(Backend::Postgres);
}

#[test]
fn faults_mysql() {
    faults_on(Backend::Mysql);
}

// --- Between two migrations of one run ----------------------------------

/// One run applies f003 then f004 and loses its connection between them:
/// before f004's first op (on MySQL f003's last record has claimed f004
/// already, docs/RUNTIME.md), or after f003's last op ran, before its
/// record. The rows say exactly that, and a plain upgrade reaches head.
fn between_migrations(backend: Backend, at: OpAt, when: When) -> Result<(), String> {
    let db = TestDb::create(backend, "faults_between").expect("the backend is enabled");
    let k3 = FAULTS.position("f003").expect("f003 is in the set");
    let k4 = FAULTS.position("f004").expect("f004 is in the set");
    let mut conn = db.connect();
    FAULTS
        .upgrade(
            &mut conn,
            Target::Revision(&FAULTS.migrations()[k3 - 1].revision),
        )
        .map_err(|e| e.to_string())?;
    let before = ledger(&mut conn)?;
    let mut victim = db.connect();
    let id = connection_id(&mut victim);
    let fault = Fault::DropConnection {
        killer: db.connect(),
        victim: id,
    };
    let (mut faulty, armed) = Faulty::new(victim, fault, when);
    let result = watching(
        OpWatch::new(at.clone(), move || {
            armed.store(true, std::sync::atomic::Ordering::SeqCst)
        }),
        || FAULTS.upgrade(&mut faulty, Target::Revision("f004")),
    );
    ensure!(faulty.injected, "the fault was never injected");
    ensure!(result.is_err(), "the faulted upgrade succeeded: {result:?}");

    let mut conn = db.connect();
    let (f003, f004) = (record(&mut conn, "f003")?, record(&mut conn, "f004")?);
    let upgrading = |op: usize| Some(("upgrading".to_string(), Some(op)));
    if when == When::Before {
        // f003 done and recorded; f004 claimed, nothing of it run.
        ensure!(
            f003 == Some(("applied".to_string(), None)),
            "f003's row says {f003:?}"
        );
        ensure!(f004 == upgrading(0), "f004's row says {f004:?}");
        schema_is(&mut conn, &model(&FAULTS, k4, 0), "after the fault")?;
    } else if transactional(backend, "f003") {
        ensure!(
            f003.is_none() && f004.is_none(),
            "rows left: {f003:?} {f004:?}"
        );
        schema_is(&mut conn, &model(&FAULTS, k3, 0), "after the fault")?;
    } else {
        // Its last op ran (MySQL DDL commits alone), its record did not:
        // f004 is not claimed either.
        let last = FAULTS.migrations()[k3].upgrade.len();
        ensure!(f003 == upgrading(last - 1), "f003's row says {f003:?}");
        ensure!(f004.is_none(), "f004's row says {f004:?}");
        schema_is(&mut conn, &model(&FAULTS, k3, last), "after the fault")?;
    }

    recover(&mut conn, before)?;
    Ok(())
}

fn between_migrations_on(backend: Backend) {
    if TestDb::create(backend, "faults_between").is_none() {
        return;
    }
    let mut tally = Tally::new(format!(
        "one run of f003 and f004 on {backend:?}, its connection dropped between them"
    ));
    tally.run("before f004's first op", || {
        between_migrations(backend, OpAt::upgrade("f004", 1), When::Before)
    });
    let last = FAULTS.migrations()[FAULTS.position("f003").expect("f003")]
        .upgrade
        .len();
    tally.run("after f003's last op, before its record", || {
        between_migrations(backend, OpAt::upgrade("f003", last), When::After)
    });
    tally.finish();
}

// (SQLite: a connection cannot be dropped from outside.)
#[test]
fn between_migrations_postgres() {
    between_migrations_on(Backend::Postgres);
}

#[test]
fn between_migrations_mysql() {
    between_migrations_on(Backend::Mysql);
}

// --- The long backfill, killed twice -------------------------------------

const BACKFILL_ROWS: i64 = 200_000;

/// Inserts ids 1..=BACKFILL_ROWS into `counters` with n = 0, in one statement.
fn fill_counters(conn: &mut impl Database) {
    let digits = "(SELECT 0 AS i UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)";
    let sql = format!(
        "INSERT INTO counters (id, n) SELECT a.i + 10 * b.i + 100 * c.i + 1000 * d.i + 10000 * e.i + 100000 * f.i + 1, 0 \
         FROM {digits} a, {digits} b, {digits} c, {digits} d, {digits} e, {digits} f \
         WHERE a.i + 10 * b.i + 100 * c.i + 1000 * d.i + 10000 * e.i + 100000 * f.i < {BACKFILL_ROWS}"
    );
    conn.execute(&sql).expect("filling the counters");
}

/// The key the backfill's committed batches reached, from its version row.
fn backfill_key(conn: &mut impl Database) -> Result<i64, String> {
    let sql = "SELECT resume_key AS c0 FROM godwit_version WHERE revision = 'b002'";
    Ok(scalar(conn, sql)?.parse().unwrap_or(0))
}

/// Starts the backfill in a process and kills it with SIGKILL once its
/// committed batches have gone 10% of the rows past `key_before` (and not
/// past 85%). Returns the key reached at the kill, or `None` if the process
/// finished first.
fn kill_mid_backfill(db: &TestDb, key_before: i64) -> Result<Option<i64>, String> {
    let mut child = spawn_stopping(&db.url, "backfill", None, &["upgrade"]);
    let mut watcher = db.connect();
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            let out = child.wait_with_output().map_err(|e| e.to_string())?;
            ensure!(
                status.success(),
                "the backfill failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            return Ok(None);
        }
        let key = backfill_key(&mut watcher).unwrap_or(0);
        if key > key_before + BACKFILL_ROWS / 10 && key < BACKFILL_ROWS * 85 / 100 {
            let killed = child.kill(); // SIGKILL
            child.wait().map_err(|e| e.to_string())?;
            killed.map_err(|e| e.to_string())?;
            return Ok(Some(key));
        }
        ensure!(
            started.elapsed() < Duration::from_secs(300),
            "the backfill did not progress"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Kills the backfill twice, checking the rows after each kill; `Ok(None)`
/// when the process finished before a kill landed (the caller starts over).
fn kill_twice(db: &TestDb, tally: &mut Tally) -> Result<Option<Vec<String>>, String> {
    let mut notes = Vec::new();
    let mut key_before = 0;
    for round in 1..=2 {
        let started = Instant::now();
        let Some(key) = kill_mid_backfill(db, key_before)? else {
            return Ok(None);
        };
        key_before = key;
        tally.run(&format!("kill {round}"), || {
            let mut c = db.connect();
            let done = number(&mut c, "COUNT(*)", "counters WHERE n = 1")?;
            let doubled = number(&mut c, "COUNT(*)", "counters WHERE n > 1")?;
            let total = number(&mut c, "COUNT(*)", "counters")?;
            ensure!(doubled == 0, "{doubled} rows were updated twice");
            ensure!(total == BACKFILL_ROWS, "{total} rows, not {BACKFILL_ROWS}");
            // Exactly the rows up to the recorded key are done.
            let key = backfill_key(&mut c)?;
            ensure!(
                done == key,
                "{done} rows are done but the recorded key is {key}"
            );
            let state = LONG_BACKFILL
                .history(&mut c)
                .map_err(|e| e.to_string())?
                .into_iter()
                .find(|h| h.revision == "b002")
                .and_then(|h| h.record)
                .map(|r| r.state);
            ensure!(
                state == Some(VersionState::Upgrading),
                "b002 is recorded as {state:?}"
            );
            notes.push(format!(
                "kill {round}: {done} of {BACKFILL_ROWS} rows done, {:.2} s after the process started",
                started.elapsed().as_secs_f64()
            ));
            Ok(())
        });
    }
    Ok(Some(notes))
}

fn backfill_killed_on(backend: Backend) {
    let Some(db) = TestDb::create(backend, "backfill_killed") else {
        return;
    };
    let mut tally = Tally::new(format!(
        "backfill of {BACKFILL_ROWS} rows (n = n + 1) on {backend:?}, killed with SIGKILL twice, then upgraded"
    ));
    let mut conn = db.connect();
    LONG_BACKFILL
        .upgrade(&mut conn, Target::Revision("b001"))
        .expect("b001");
    fill_counters(&mut conn);
    assert_eq!(
        number(&mut conn, "COUNT(*)", "counters").expect("a count"),
        BACKFILL_ROWS
    );
    let mut notes = None;
    for attempt in 1..=3 {
        match kill_twice(&db, &mut tally) {
            Ok(Some(n)) => {
                notes = Some(n);
                break;
            }
            Ok(None) => {
                // Too fast to catch: undo it and start over.
                tally.note(format!(
                    "attempt {attempt}: the backfill finished before the kill; undone and tried again"
                ));
                LONG_BACKFILL
                    .downgrade(&mut conn, Target::Revision("b001"))
                    .expect("undoing the backfill");
            }
            Err(e) => {
                tally.run("kill", || Err(e));
                break;
            }
        }
    }
    let Some(notes) = notes else {
        tally.run("kill", || Err("no kill landed in three attempts".into()));
        tally.finish();
        return;
    };
    for n in notes {
        tally.note(n);
    }
    let mut recovery = None;
    tally.run("recovery", || {
        let started = Instant::now();
        let report = LONG_BACKFILL
            .upgrade(&mut conn, Target::Head)
            .map_err(|e| format!("the upgrade after the kills failed: {e}"))?;
        let step = report.steps.first().ok_or("nothing ran")?;
        ensure!(
            step.resumed_at == Some(1),
            "the backfill was not resumed: {step:?}"
        );
        let ones = number(&mut conn, "COUNT(*)", "counters WHERE n = 1")?;
        let others = number(&mut conn, "COUNT(*)", "counters WHERE n <> 1")?;
        ensure!(
            ones == BACKFILL_ROWS && others == 0,
            "{ones} rows at 1, {others} not: rows lost or doubled"
        );
        recovery = Some(started.elapsed());
        Ok(())
    });
    if let Some(took) = recovery {
        tally.note(format!(
            "the next upgrade resumed after the recorded key and finished in {:.2} s: every row at exactly 1, none lost, none doubled",
            took.as_secs_f64()
        ));
    }
    tally.finish();
}

#[test]
fn backfill_killed_sqlite() {
    backfill_killed_on(Backend::Sqlite);
}

#[test]
fn backfill_killed_postgres() {
    backfill_killed_on(Backend::Postgres);
}

#[test]
fn backfill_killed_mysql() {
    backfill_killed_on(Backend::Mysql);
}

// --- PostgreSQL: a concurrent index build cut off half-way -----------------

/// `CREATE INDEX CONCURRENTLY` registers the index (invalid) before it
/// builds it. Here the build waits behind an open transaction that wrote to
/// the table; its connection is terminated while it waits. The invalid index
/// stays, and the version row says `upgrading`. The next upgrade must drop the
/// invalid index and build it again, not take it for built.
#[test]
fn concurrent_index_interrupted_postgres() {
    use godwit_tests::MIGRATIONS;
    let Some(db) = TestDb::create(Backend::Postgres, "concurrent_index_interrupted") else {
        return;
    };
    let mut tally = Tally::new(
        "CREATE INDEX CONCURRENTLY on Postgres, its connection terminated mid-build, then upgraded",
    );
    tally.run("terminated mid-build", || {
        let mut conn = db.connect();
        MIGRATIONS
            .upgrade(&mut conn, Target::Revision("0004"))
            .map_err(|e| e.to_string())?;
        let mut blocker = db.connect();
        blocker
            .execute("BEGIN; UPDATE users SET karma = karma WHERE id = 1")
            .map_err(|e| e.to_string())?;
        let mut victim = db.connect();
        let pid = connection_id(&mut victim);
        let run = std::thread::spawn(move || {
            MIGRATIONS
                .upgrade(&mut victim, Target::Revision("0005"))
                .map(|_| ())
                .map_err(|e| e.to_string())
        });
        let invalid = "pg_index ix JOIN pg_class c ON c.oid = ix.indexrelid WHERE c.relname = 'idx_users_username' AND NOT ix.indisvalid";
        let started = Instant::now();
        while number(&mut conn, "COUNT(*)", invalid)? == 0 {
            ensure!(
                started.elapsed() < Duration::from_secs(30),
                "the build never registered its index"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        let mut killer = db.connect();
        godwit_tests::inject::kill_connection(&mut killer, &pid);
        let result = run.join().map_err(|_| "the upgrade thread panicked")?;
        ensure!(result.is_err(), "the terminated build succeeded");
        blocker.execute("ROLLBACK").map_err(|e| e.to_string())?;
        ensure!(
            number(&mut conn, "COUNT(*)", invalid)? == 1,
            "no invalid index was left to recover from"
        );
        ensure!(
            record(&mut conn, "0005")?.map(|r| r.0).as_deref() == Some("upgrading"),
            "0005 is not recorded as upgrading"
        );
        let report = MIGRATIONS
            .upgrade(&mut conn, Target::Revision("0005"))
            .map_err(|e| format!("the upgrade after the termination failed: {e}"))?;
        ensure!(
            report.steps.first().and_then(|s| s.resumed_at) == Some(1),
            "the build was not resumed: {report:?}"
        );
        ensure!(
            number(&mut conn, "COUNT(*)", invalid)? == 0,
            "an invalid index is left"
        );
        schema_is(&mut conn, &model(&MIGRATIONS, 5, 0), "after recovery")
    });
    tally.finish();
}

// --- When the runner must not resume ----------------------------------------

/// `f004` stopped at its backfill; the next binary has `f004` edited. The
/// ops that ran may not be the ones it has: refused, with the resolution.
fn edited_migration_is_not_resumed(backend: Backend) -> Result<(), String> {
    let db = TestDb::create(backend, "refusals").expect("enabled");
    let mut conn = db.connect();
    FAULTS
        .upgrade(&mut conn, Target::Revision("f003"))
        .map_err(|e| e.to_string())?;
    kill_at(&db.url, &OpAt::upgrade("f004", 3))?;
    let mut conn = db.connect();
    let err = godwit_tests::FAULTS_EDITED
        .upgrade(&mut conn, Target::Head)
        .expect_err("an edited half-applied migration is not resumed");
    let msg = err.to_string();
    ensure!(matches!(err, Error::HalfApplied(_)), "{msg}");
    ensure!(
        msg.contains("the migration was changed since the interrupted run")
            && msg.contains("`stamp f004`")
            && msg.contains("`stamp f003`"),
        "{msg}"
    );
    ensure!(
        record(&mut conn, "f004")? == Some(("upgrading".to_string(), Some(2))),
        "the refusal changed the version row"
    );
    // The binary it was started with finishes it.
    let report = FAULTS
        .upgrade(&mut conn, Target::Head)
        .map_err(|e| e.to_string())?;
    ensure!(
        report.steps.first().and_then(|s| s.resumed_at) == Some(3),
        "{report:?}"
    );
    Ok(())
}

/// MariaDB: `f003` stopped before its op 3 (an index); someone made an index
/// of that name by hand, on another column. The schema is neither before op
/// 3 nor after it: refused, naming the difference. Once the stray index is
/// gone, the next upgrade resumes at op 3.
fn partly_applied_op_is_refused(backend: Backend) -> Result<(), String> {
    let db = TestDb::create(backend, "refusals").expect("enabled");
    let mut conn = db.connect();
    FAULTS
        .upgrade(&mut conn, Target::Revision("f002"))
        .map_err(|e| e.to_string())?;
    kill_at(&db.url, &OpAt::upgrade("f003", 3))?;
    let mut conn = db.connect();
    conn.execute("CREATE INDEX idx_ledger_notes_entry_id ON ledger_notes (note)")
        .map_err(|e| e.to_string())?;
    let err = FAULTS
        .upgrade(&mut conn, Target::Head)
        .expect_err("a partly applied op is not resumed");
    let msg = err.to_string();
    ensure!(matches!(err, Error::HalfApplied(_)), "{msg}");
    ensure!(
        msg.contains("the schema matches neither the state before op 3 nor the state after it")
            && msg.contains("idx_ledger_notes_entry_id")
            && msg.contains("`stamp f003`")
            && msg.contains("`stamp f002`"),
        "{msg}"
    );
    conn.execute("DROP INDEX idx_ledger_notes_entry_id ON ledger_notes")
        .map_err(|e| e.to_string())?;
    let report = FAULTS
        .upgrade(&mut conn, Target::Head)
        .map_err(|e| e.to_string())?;
    ensure!(
        report.steps.first().and_then(|s| s.resumed_at) == Some(3),
        "{report:?}"
    );
    schema_is(
        &mut conn,
        &model(&FAULTS, FAULTS.len(), 0),
        "after resolving",
    )
}

fn refusals_on(backend: Backend) {
    if TestDb::create(backend, "refusals").is_none() {
        return;
    }
    let mut tally = Tally::new(format!(
        "half-applied migrations the runner must not resume, on {backend:?}"
    ));
    tally.run("edited since the run stopped", || {
        edited_migration_is_not_resumed(backend)
    });
    if backend == Backend::Mysql {
        tally.run("op partly applied by hand", || {
            partly_applied_op_is_refused(backend)
        });
    }
    tally.finish();
}

#[test]
fn refusals_sqlite() {
    refusals_on(Backend::Sqlite);
}

#[test]
fn refusals_postgres() {
    refusals_on(Backend::Postgres);
}

#[test]
fn refusals_mysql() {
    refusals_on(Backend::Mysql);
}
