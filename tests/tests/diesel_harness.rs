//! diesel_migrations' harness (`conn.run_pending_migrations(&MIGRATIONS)`)
//! under godwit's lock and checks.
//!
//! - Eight processes run the harness at once on one database, several
//!   rounds per backend, half of them on a database that has Diesel's table
//!   already (every deploy after the first), half on a fresh one; and rounds
//!   of four harness processes with four `MIGRATIONS.upgrade(.., Target::Head)`
//!   processes. Every process succeeds or is refused with
//!   `Error::HarnessRefused` (exit 3, its message saying nothing is lost and
//!   giving the `upgrade` line); a harness that finds a migration another
//!   process applied and Diesel lists leaves it for Diesel to record, and
//!   goes on. The one exception is Diesel's own: on a fresh PostgreSQL
//!   database its first statement, `CREATE TABLE IF NOT EXISTS
//!   __diesel_schema_migrations`, can fail in a process that sends it at the
//!   same moment as another (a unique violation in `pg_type`, or the type or
//!   relation found already there), before godwit is called; those are
//!   counted apart. Each migration is applied exactly once: the migrations
//!   each process logs as applied add up to one per revision, the seed's
//!   rows and the backfill are there once, both version tables list every
//!   migration, and the schema is the model's.
//! - A database whose applied migration was edited since is refused, with
//!   `upgrade`'s error, before anything runs.
//! - The harness, then `upgrade`, then the harness again (and the other way
//!   round) leave one consistent database; a database the harness migrated
//!   before godwit kept its own table gets that table filled in.

use std::collections::BTreeMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use diesel_migrations::MigrationHarness;
use godwit::{AnyConnection, Database, Error, MigrationSet, Target};
use godwit_tests::processes::{count, wait_all};
use godwit_tests::report::Tally;
use godwit_tests::{ensure, Backend, TestDb, BASE_ONLY, EDITED, FAILING, MIGRATIONS};

/// Runs `run_pending_migrations(&MIGRATIONS)`; prints `applied`, `skipped` and `ran` lines; exit 3 when refused.
const HARNESS: &str = env!("CARGO_BIN_EXE_godwit-test-harness");
/// Runs `MIGRATIONS.upgrade(&mut conn, Target::Head)`; prints `applied` lines.
const UPGRADE: &str = env!("CARGO_BIN_EXE_godwit-test-upgrade");
const PROCESSES: usize = 8;
const ROUNDS: usize = 10;
const DEADLINE: Duration = Duration::from_secs(180);

/// How the processes of the rounds ended, added up.
#[derive(Default)]
struct Outcomes {
    succeeded: usize,
    refused: usize,
    /// Stopped by Diesel's own `CREATE TABLE IF NOT EXISTS` race, before godwit.
    diesel_setup: usize,
    /// Migrations a harness process found applied by another and left for
    /// Diesel to record.
    skipped: usize,
}

/// Diesel's first statement lost PostgreSQL's catalog race: the process
/// stopped before godwit was called, having changed nothing. PostgreSQL
/// says so in one of three ways, depending on where the other creation was.
fn lost_diesel_setup(backend: Backend, stdout: &str, stderr: &str) -> bool {
    let said = stderr.trim();
    backend == Backend::Postgres
        && !stdout.contains("applied ")
        && (said.starts_with("duplicate key value violates unique constraint \"pg_")
            || said == "type \"__diesel_schema_migrations\" already exists"
            || said == "relation \"__diesel_schema_migrations\" already exists")
}

/// One round: a fresh database (with Diesel's table when `diesel_table`),
/// `PROCESSES` processes at once, the first `upgraders` of them calling
/// `upgrade`, the others the harness.
fn round(
    backend: Backend,
    upgraders: usize,
    diesel_table: bool,
    outcomes: &mut Outcomes,
) -> Result<(), String> {
    let db = TestDb::create(backend, "diesel_harness").expect("the backend is enabled");
    if diesel_table {
        db.connect()
            .execute(diesel::migration::CREATE_MIGRATIONS_TABLE)
            .map_err(|e| e.to_string())?;
    }
    let started = Instant::now();
    let children: Vec<Child> = (0..PROCESSES)
        .map(|i| {
            Command::new(if i < upgraders { UPGRADE } else { HARNESS })
                .arg(&db.url)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
        })
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    let outputs = wait_all(children, started + DEADLINE)?;
    let mut applied: BTreeMap<String, i64> = BTreeMap::new();
    let mut succeeded = 0;
    for out in &outputs {
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        match out.status.code() {
            Some(0) => succeeded += 1,
            Some(3) => {
                ensure!(
                    stderr.contains("which it refused")
                        && stderr.contains("nothing was run by this process and nothing is lost")
                        && stderr.contains("MIGRATIONS.upgrade(&mut conn, Target::Head)"),
                    "a refusal that does not say what happened: {stderr}"
                );
                outcomes.refused += 1;
            }
            Some(1) if !diesel_table && lost_diesel_setup(backend, &stdout, &stderr) => {
                outcomes.diesel_setup += 1
            }
            code => return Err(format!("a process exited {code:?}: {stdout}{stderr}")),
        }
        // Both binaries print `applied <revision>` for what they applied.
        for line in stdout.lines() {
            if let Some(r) = line.strip_prefix("applied ") {
                *applied.entry(r.to_string()).or_default() += 1;
            } else if line.starts_with("skipped ") {
                outcomes.skipped += 1;
            }
        }
    }
    ensure!(succeeded > 0, "no process succeeded");
    outcomes.succeeded += succeeded;
    let once: BTreeMap<String, i64> = MIGRATIONS
        .migrations()
        .iter()
        .map(|m| (m.revision.to_string(), 1))
        .collect();
    ensure!(
        applied == once,
        "migrations applied per revision, as the processes report them: {applied:?}"
    );
    let mut conn = db.connect();
    consistent(&mut conn, MIGRATIONS.len())?;
    if upgraders == 0 {
        ensure!(
            count(&mut conn, "__diesel_schema_migrations")? == MIGRATIONS.len() as i64,
            "Diesel's table does not list every migration"
        );
    }
    Ok(())
}

/// The database holds the first `n` migrations of the scenario, each once,
/// and godwit's version table says so.
fn consistent(conn: &mut AnyConnection, n: usize) -> Result<(), String> {
    let at = n
        .checked_sub(1)
        .map(|i| &*MIGRATIONS.migrations()[i].revision);
    ensure!(
        MIGRATIONS.current(conn).map_err(|e| e.to_string())? == at,
        "current is not {at:?}"
    );
    MIGRATIONS.check_drift(conn).map_err(|e| e.to_string())?;
    ensure!(
        count(conn, "godwit_version WHERE state = 'applied'")? == n as i64,
        "godwit_version does not hold {n} applied rows"
    );
    if n >= 4 {
        ensure!(count(conn, "users")? == 5, "the seed ran more than once");
    }
    if n >= 10 {
        ensure!(
            count(conn, "users WHERE karma = 1")? == 5,
            "the backfill did not run exactly once"
        );
    }
    Ok(())
}

fn race(backend: Backend, upgraders: usize) {
    if TestDb::create(backend, "diesel_harness").is_none() {
        return;
    }
    let who = if upgraders == 0 {
        format!("{PROCESSES} harness processes")
    } else {
        format!(
            "{} harness and {upgraders} upgrade processes",
            PROCESSES - upgraders
        )
    };
    let mut tally = Tally::new(format!(
        "{who} on one {backend:?} database at once, {ROUNDS} rounds"
    ));
    let mut outcomes = Outcomes::default();
    for r in 1..=ROUNDS {
        // Odd rounds: Diesel's table is there before the processes start.
        let diesel_table = r % 2 == 1;
        let what = if diesel_table {
            "Diesel's table present"
        } else {
            "fresh"
        };
        tally.run(&format!("round {r} ({what})"), || {
            round(backend, upgraders, diesel_table, &mut outcomes)
        });
    }
    tally.note(format!(
        "{} processes: {} succeeded, {} refused cleanly, {} stopped by Diesel's own table creation before godwit was called, none failed otherwise; \
         {} migrations found applied by another process and left for Diesel to record; each of the {} migrations applied once per round",
        ROUNDS * PROCESSES,
        outcomes.succeeded,
        outcomes.refused,
        outcomes.diesel_setup,
        outcomes.skipped,
        MIGRATIONS.len()
    ));
    tally.finish();
}

#[test]
fn eight_harness_processes_sqlite() {
    race(Backend::Sqlite, 0);
}

#[test]
fn eight_harness_processes_postgres() {
    race(Backend::Postgres, 0);
}

#[test]
fn eight_harness_processes_mysql() {
    race(Backend::Mysql, 0);
}

#[test]
fn harness_and_upgrade_processes_sqlite() {
    race(Backend::Sqlite, 4);
}

#[test]
fn harness_and_upgrade_processes_postgres() {
    race(Backend::Postgres, 4);
}

#[test]
fn harness_and_upgrade_processes_mysql() {
    race(Backend::Mysql, 4);
}

// --- One process -------------------------------------------------------------

/// `run_pending_migrations(set)` on the connection, as godwit's error when
/// godwit refused.
fn harness(conn: &mut AnyConnection, set: &'static MigrationSet) -> Result<usize, String> {
    macro_rules! run {
        ($c:expr) => {
            $c.run_pending_migrations(set).map(|v| v.len())
        };
    }
    let result = match conn {
        AnyConnection::Sqlite(c) => run!(c),
        #[cfg(feature = "postgres")]
        AnyConnection::Postgres(c) => run!(c),
        #[cfg(feature = "mysql")]
        AnyConnection::Mysql(c) => run!(c),
        #[allow(unreachable_patterns)]
        _ => unreachable!("a backend this test was built with"),
    };
    result.map_err(|e| e.to_string())
}

fn backends() -> Vec<TestDb> {
    [Backend::Sqlite, Backend::Postgres, Backend::Mysql]
        .into_iter()
        .filter_map(|b| TestDb::create(b, "diesel_harness"))
        .collect()
}

fn each_backend(title: &str, scenario: fn(&TestDb) -> Result<(), String>) {
    let mut tally = Tally::new(title);
    for db in backends() {
        tally.run(&format!("{:?}", db.backend), || scenario(&db));
    }
    tally.finish();
}

/// `0002` applied as edited, then the harness with the original `0002` and
/// a pending `0003`: refused with `upgrade`'s error, `0003` not run.
fn edited(db: &TestDb) -> Result<(), String> {
    let mut conn = db.connect();
    ensure!(harness(&mut conn, &EDITED)? == 2, "EDITED did not run");
    let refused = harness(&mut conn, &FAILING)
        .err()
        .ok_or("the harness ran over an edited migration")?;
    let by_upgrade = match FAILING.upgrade(&mut conn, Target::Head) {
        Err(e @ Error::ChecksumMismatch { .. }) => e.to_string(),
        other => return Err(format!("upgrade did not refuse the edit: {other:?}")),
    };
    ensure!(
        refused == by_upgrade,
        "the harness said\n{refused}\nwhere upgrade says\n{by_upgrade}"
    );
    ensure!(
        count(&mut conn, "__diesel_schema_migrations")? == 2,
        "Diesel recorded the refused migration"
    );
    ensure!(
        !conn
            .introspect()
            .map_err(|e| e.to_string())?
            .tables
            .contains_key("audit_log"),
        "0003 ran"
    );
    Ok(())
}

#[test]
fn the_harness_refuses_an_edited_migration() {
    each_backend("the harness over an edited migration", edited);
}

/// The harness, then `upgrade`, then the harness again.
fn harness_then_upgrade(db: &TestDb) -> Result<(), String> {
    let mut conn = db.connect();
    ensure!(
        harness(&mut conn, &BASE_ONLY)? == 1,
        "BASE_ONLY did not run"
    );
    consistent(&mut conn, 1)?;
    let report = MIGRATIONS
        .upgrade(&mut conn, Target::Head)
        .map_err(|e| e.to_string())?;
    ensure!(
        report.steps.len() == MIGRATIONS.len() - 1,
        "upgrade ran {} migrations after the harness's one",
        report.steps.len()
    );
    consistent(&mut conn, MIGRATIONS.len())?;
    // Diesel's table lists 0001 only: the harness finds the rest applied.
    match harness(&mut conn, &MIGRATIONS) {
        Err(e) if e.contains("migration 0002") && e.contains("godwit_version records it") => {}
        other => return Err(format!("the harness after upgrade: {other:?}")),
    }
    consistent(&mut conn, MIGRATIONS.len())?;
    ensure!(
        MIGRATIONS
            .upgrade(&mut conn, Target::Head)
            .map_err(|e| e.to_string())?
            .steps
            .is_empty(),
        "upgrade found work after the harness"
    );
    Ok(())
}

#[test]
fn harness_then_upgrade_stays_consistent() {
    each_backend(
        "the harness, then upgrade, then the harness",
        harness_then_upgrade,
    );
}

/// `upgrade` to 0003, then the harness, then `upgrade`.
fn upgrade_then_harness(db: &TestDb) -> Result<(), String> {
    let mut conn = db.connect();
    MIGRATIONS
        .upgrade(&mut conn, Target::Revision("0003"))
        .map_err(|e| e.to_string())?;
    // Diesel's table is empty: it asks for 0001, which godwit records as applied.
    match harness(&mut conn, &MIGRATIONS) {
        Err(e) if e.contains("migration 0001") && e.contains("godwit_version records it") => {
            consistent(&mut conn, 3)?
        }
        other => return Err(format!("the harness after upgrade: {other:?}")),
    }
    MIGRATIONS
        .upgrade(&mut conn, Target::Head)
        .map_err(|e| e.to_string())?;
    consistent(&mut conn, MIGRATIONS.len())
}

#[test]
fn upgrade_then_harness_stays_consistent() {
    each_backend(
        "upgrade, then the harness, then upgrade",
        upgrade_then_harness,
    );
}

/// A database the harness migrated before godwit kept its own table there:
/// the next harness run records the earlier migrations with their checksums.
fn adopted(db: &TestDb) -> Result<(), String> {
    let mut conn = db.connect();
    ensure!(
        harness(&mut conn, &BASE_ONLY)? == 1,
        "BASE_ONLY did not run"
    );
    conn.execute("DROP TABLE godwit_version")
        .map_err(|e| e.to_string())?;
    ensure!(
        harness(&mut conn, &MIGRATIONS)? == MIGRATIONS.len() - 1,
        "the harness did not run the rest"
    );
    consistent(&mut conn, MIGRATIONS.len())
}

#[test]
fn the_harness_records_what_diesel_applied_before() {
    each_backend("the harness over Diesel's older records", adopted);
}
