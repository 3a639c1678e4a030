//! What compiles applies: random histories (`godwit_tests::histories`) that
//! the checker accepts for every backend are applied by the runtime to a
//! real database (upgrade to head, the schema equal to the model, downgrade
//! to base leaving nothing, upgrade again), on SQLite always and on
//! PostgreSQL and MariaDB when their URLs are set.
//!
//! `GODWIT_HISTORIES_SEED=<n>` replays a run (the seed is random
//! otherwise, and printed); `GODWIT_HISTORIES_CASES=<n>` sets how many
//! histories (200 by default). A failing history is shrunk, and printed
//! with the seed, its case number and the error.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{BuildHasher, Hasher};
use std::io::Write;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use godwit::{Database, Migration, MigrationSet, Op, Schema, Target};
use godwit_tests::histories::{flatten, History};
use godwit_tests::{Backend, TestDb};

#[test]
fn sqlite() {
    run(Backend::Sqlite);
}

#[test]
fn postgres() {
    run(Backend::Postgres);
}

#[test]
fn mysql() {
    run(Backend::Mysql);
}

/// The seed of this run: `GODWIT_HISTORIES_SEED`, or a random one.
fn seed() -> u64 {
    if let Ok(text) = std::env::var("GODWIT_HISTORIES_SEED") {
        return text
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("GODWIT_HISTORIES_SEED={text} is not a number"));
    }
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    h.finish()
}

fn cases() -> u64 {
    match std::env::var("GODWIT_HISTORIES_CASES") {
        Ok(text) => text
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("GODWIT_HISTORIES_CASES={text} is not a number")),
        Err(_) => 200,
    }
}

/// What a run saw, for the figures it prints.
#[derive(Default)]
struct Figures {
    accepted: usize,
    rejected: usize,
    rejected_by: BTreeMap<&'static str, usize>,
    /// The first message of each rule, to show what was rejected.
    examples: BTreeMap<&'static str, String>,
    ops: usize,
    migrations: usize,
    kinds: BTreeSet<String>,
    types: BTreeSet<String>,
}

impl Figures {
    fn count(&mut self, history: &History) {
        self.accepted += 1;
        self.ops += history.op_count();
        for m in history.migrations() {
            self.migrations += 1;
            for op in flatten(&m.upgrade).into_iter().chain(flatten(&m.downgrade)) {
                self.kinds.insert(op.to_call().name.to_string());
                let columns: Vec<&godwit::Column> = match op {
                    Op::CreateTable { columns, .. } => columns.iter().collect(),
                    Op::AddColumn { column, .. } => vec![column],
                    _ => Vec::new(),
                };
                for c in columns {
                    let ty = format!("{:?}", c.ty);
                    self.types
                        .insert(ty.split('(').next().unwrap_or_default().to_string());
                }
            }
        }
    }
}

fn run(backend: Backend) {
    // Skipped (with the reason printed) when the backend is not enabled.
    let Some(first) = TestDb::create(backend, "histories") else {
        return;
    };
    // One backend at a time: each run's time is its own, not shared with
    // the others' on a small machine.
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let seed = seed();
    let cases = cases();
    let started = Instant::now();
    let mut figures = Figures::default();
    let mut db = Some(first);
    for case in 0..cases {
        let history = History::generate(seed, case);
        let diagnostics = history.check();
        if !diagnostics.is_empty() {
            for d in &diagnostics {
                let id = d.rule.id();
                assert!(
                    !id.is_empty() && godwit::Rule::from_id(id) == Some(d.rule),
                    "seed {seed}, case {case}: a diagnostic without a rule: {d:?}"
                );
            }
            figures.rejected += 1;
            let mut rules: Vec<&'static str> = diagnostics.iter().map(|d| d.rule.id()).collect();
            rules.dedup();
            for rule in rules {
                *figures.rejected_by.entry(rule).or_default() += 1;
            }
            for d in &diagnostics {
                figures
                    .examples
                    .entry(d.rule.id())
                    .or_insert_with(|| format!("case {case}: {}", d.message));
            }
            continue;
        }
        if let Err(error) = apply(backend, &mut db, &history) {
            fail(backend, seed, case, history, error);
        }
        figures.count(&history);
    }
    report(backend, seed, cases, &figures, started);
}

/// Applies an accepted history: up, drift, down to base (nothing left),
/// up again, drift, and down to base again so that the database can serve
/// the next history. A database that saw a failure is not used again.
fn apply(backend: Backend, slot: &mut Option<TestDb>, history: &History) -> Result<(), String> {
    // SQLite: a new file per history costs nothing; a server database is
    // kept while every history leaves it empty.
    if backend == Backend::Sqlite || slot.is_none() {
        *slot = Some(TestDb::create(backend, "histories").expect("the backend was enabled"));
    }
    let db = slot.as_ref().expect("just made");
    let result =
        catch_unwind(AssertUnwindSafe(|| round_trip(db, history))).unwrap_or_else(|panic| {
            Err(format!(
                "panicked: {}",
                panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default()
            ))
        });
    if result.is_err() {
        *slot = None;
    }
    result
}

thread_local! {
    /// Time spent upgrading, comparing with the model, downgrading, and
    /// checking the empty database, in this thread (one backend's run).
    static PHASES: std::cell::RefCell<[Duration; 4]> = const {
        std::cell::RefCell::new([Duration::ZERO; 4])
    };
}

/// `f`, its time added to phase `i`.
fn timed<T>(i: usize, f: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let out = f();
    PHASES.with(|p| p.borrow_mut()[i] += started.elapsed());
    out
}

fn round_trip(db: &TestDb, history: &History) -> Result<(), String> {
    let set = leak(history.migrations());
    let mut conn = db.connect();
    let conn = &mut conn;
    for round in ["first", "second"] {
        timed(0, || set.upgrade(conn, Target::Head))
            .map_err(|e| format!("upgrade to head ({round} time): {e}"))?;
        timed(1, || set.check_drift(conn))
            .map_err(|e| format!("check_drift at head ({round} upgrade): {e}"))?;
        timed(2, || set.downgrade(conn, Target::Base))
            .map_err(|e| format!("downgrade to base ({round} time): {e}"))?;
        timed(3, || empty(&set, conn))
            .map_err(|e| format!("after the {round} downgrade to base: {e}"))?;
    }
    Ok(())
}

/// Nothing but godwit's version table, and no migration recorded in it.
fn empty(set: &MigrationSet, conn: &mut godwit::AnyConnection) -> Result<(), String> {
    let schema = conn.introspect().map_err(|e| e.to_string())?;
    if schema != Schema::new() {
        return Err(format!(
            "the database still holds tables {:?}, views {:?}, enum types {:?}, functions {:?}",
            schema.tables.keys().collect::<Vec<_>>(),
            schema.views.keys().collect::<Vec<_>>(),
            schema.enums.keys().collect::<Vec<_>>(),
            schema.functions.keys().collect::<Vec<_>>(),
        ));
    }
    let current = set.current(conn).map_err(|e| e.to_string())?;
    let recorded: Vec<String> = set
        .history(conn)
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter(|h| h.record.is_some())
        .map(|h| h.revision)
        .collect();
    if current.is_some() || !recorded.is_empty() {
        return Err(format!(
            "the version table says {current:?}, with rows for {recorded:?}"
        ));
    }
    Ok(())
}

/// The set of a history, for the runner (which wants `'static`).
fn leak(migrations: Vec<Migration>) -> MigrationSet {
    let owned: &'static [Migration] = Box::leak(migrations.into_boxed_slice());
    let refs: &'static [&'static Migration] =
        Box::leak(owned.iter().collect::<Vec<_>>().into_boxed_slice());
    MigrationSet::__from_ordered(refs)
}

/// Shrinks a failing history (each smaller one still accepted by the
/// checker and still failing, on a fresh database) and panics with it.
fn fail(backend: Backend, seed: u64, case: u64, mut history: History, mut error: String) -> ! {
    let original = history.op_count();
    let mut tries = 0;
    // Bounded in time: a server database per try costs a fraction of a second.
    let started = Instant::now();
    'shrink: while started.elapsed().as_secs() < 300 {
        for candidate in history.shrink_candidates() {
            tries += 1;
            if !candidate.check().is_empty() {
                continue;
            }
            let mut slot = None;
            match apply(backend, &mut slot, &candidate) {
                Err(e) if same_failure(&e, &error) => {
                    history = candidate;
                    error = e;
                    continue 'shrink;
                }
                _ => {}
            }
        }
        break;
    }
    panic!(
        "a history the checker accepts failed on {backend:?}\n\
         seed {seed}, case {case} (replay: GODWIT_HISTORIES_SEED={seed}); \
         shrunk from {original} ops to {} in {tries} tries:\n{}\nerror: {error}",
        history.op_count(),
        history.describe()
    );
}

/// Whether two errors are the same failure: the same step of the round
/// trip and the same words from the database, numbers aside (a smaller
/// history numbers its migrations anew). A smaller history that fails
/// otherwise shows another fault, not this one.
fn same_failure(a: &str, b: &str) -> bool {
    fn signature(e: &str) -> String {
        let first = e.lines().next().unwrap_or_default();
        let said = e
            .lines()
            .find(|l| l.starts_with("the database said"))
            .unwrap_or_default();
        format!("{}|{said}", first.split(':').next().unwrap_or_default())
            .chars()
            .filter(|c| !c.is_ascii_digit())
            .collect()
    }
    signature(a) == signature(b)
}

fn report(backend: Backend, seed: u64, cases: u64, f: &Figures, started: Instant) {
    let rejected: Vec<String> = f
        .rejected_by
        .iter()
        .map(|(rule, n)| format!("{rule} {n}"))
        .collect();
    let text = format!(
        "histories on {backend:?} ({:.1} s): seed {seed}, {cases} histories: {} accepted and applied \
         ({} migrations, {} ops), {} rejected by the checker (histories per rule: {}), 0 failed\n  \
         op kinds: {}\n  column types: {}\n",
        started.elapsed().as_secs_f64(),
        f.accepted,
        f.migrations,
        f.ops,
        f.rejected,
        rejected.join(", "),
        f.kinds.iter().cloned().collect::<Vec<_>>().join(", "),
        f.types.iter().cloned().collect::<Vec<_>>().join(", "),
    );
    let mut text = text;
    let [up, drift, down, empty] = PHASES.with(|p| *p.borrow());
    text.push_str(&format!(
        "  time: upgrades {:.1} s, check_drift {:.1} s, downgrades {:.1} s, the empty database {:.1} s\n",
        up.as_secs_f64(),
        drift.as_secs_f64(),
        down.as_secs_f64(),
        empty.as_secs_f64()
    ));
    for (rule, example) in &f.examples {
        let example = example.lines().next().unwrap_or_default();
        text.push_str(&format!("  rejected by {rule}, e.g. {example}\n"));
    }
    let _ = std::io::stderr().write_all(text.as_bytes());
}
