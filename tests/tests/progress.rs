//! `run_with_progress`: the one locked run the command line's `upgrade` and
//! `downgrade` are, telling each migration as it starts and ends, in order,
//! with the steps its report holds (`concurrency.rs` races the command line
//! itself).

use std::cell::RefCell;

use godwit::{Options, Phase, Progress, Target};
use godwit_tests::migrations::MIGRATIONS;
use godwit_tests::{Backend, TestDb};

/// What the callback saw: `+rev` when a migration started, `-rev` when it ended.
fn run(
    conn: &mut godwit::AnyConnection,
    phase: Phase,
    target: Target<'_>,
) -> (Vec<String>, Vec<String>) {
    let seen = RefCell::new(Vec::new());
    let report = MIGRATIONS
        .run_with_progress(conn, phase, target, &Options::default(), &|p| match p {
            Progress::Starting {
                revision, phase: p, ..
            } => {
                assert_eq!(p, phase);
                seen.borrow_mut().push(format!("+{revision}"));
            }
            Progress::Done(step) => seen.borrow_mut().push(format!("-{}", step.revision)),
        })
        .expect("runs");
    let steps = report
        .steps
        .iter()
        .map(|s| s.revision.to_string())
        .collect();
    (seen.into_inner(), steps)
}

fn check(backend: Backend) {
    let Some(db) = TestDb::create(backend, "progress") else {
        return;
    };
    let mut conn = db.connect();
    let (seen, steps) = run(&mut conn, Phase::Upgrade, Target::Head);
    assert_eq!(steps.len(), MIGRATIONS.len(), "{backend:?}");
    let expected: Vec<String> = steps
        .iter()
        .flat_map(|r| [format!("+{r}"), format!("-{r}")])
        .collect();
    assert_eq!(seen, expected, "{backend:?}");
    // Nothing to do: nothing told.
    let (seen, steps) = run(&mut conn, Phase::Upgrade, Target::Head);
    assert!(seen.is_empty() && steps.is_empty(), "{backend:?}");
    let (seen, steps) = run(&mut conn, Phase::Downgrade, Target::Relative(-2));
    assert_eq!(steps.len(), 2, "{backend:?}");
    assert_eq!(seen.len(), 4, "{backend:?}");
    assert_eq!(seen[0], format!("+{}", MIGRATIONS.head().expect("a head")));
}

#[test]
fn sqlite() {
    check(Backend::Sqlite);
}

#[test]
fn postgres() {
    check(Backend::Postgres);
}

#[test]
fn mariadb() {
    check(Backend::Mysql);
}
