//! `godwit::fleet`: one set, many databases. PostgreSQL databases and
//! schemas, MariaDB databases and SQLite files in one fleet; a target
//! broken on purpose, one unreachable, one whose lock is held, each
//! stopping only itself; the canary and the failure budget; a rerun
//! finishing the mended targets and doing nothing to the rest; two fleets
//! at once applying each migration once; a target stopped mid-migration
//! resuming exactly.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use godwit::fleet::{Fleet, FleetReport, NotStarted, Outcome, Position, TargetReport};
use godwit::{AnyConnection, Database, Error, Options};
use godwit_tests::fleet_targets::Targets;
use godwit_tests::{Backend, MIGRATIONS};

const CLI: &str = env!("CARGO_BIN_EXE_godwit-test-cli");

/// The set's revisions, in order.
fn revisions() -> Vec<&'static str> {
    MIGRATIONS
        .migrations()
        .iter()
        .map(|m| &*m.revision)
        .collect()
}

fn head() -> Position {
    Position::At(MIGRATIONS.head().expect("the set has a head"))
}

/// Asserts that `t` went from base to head, applying every migration.
fn reached_from_base(t: &TargetReport) {
    assert!(t.reached(), "{}: {}", t.url, t.outcome);
    assert_eq!((t.before, t.after), (Position::Base, head()), "{}", t.url);
    let applied: Vec<&str> = t.applied.iter().map(|s| s.revision).collect();
    assert_eq!(applied, revisions(), "{}", t.url);
}

/// Asserts that `t` was broken at `0002`: `0001` applied, then the failure.
fn failed_at_0002(t: &TargetReport) {
    let err = t
        .error()
        .unwrap_or_else(|| panic!("{}: {}", t.url, t.outcome));
    assert!(
        matches!(err, Error::MigrationFailed(f) if f.revision == "0002"),
        "{}: {err}",
        t.url
    );
    assert_eq!((t.before, t.after), (Position::Base, Position::At("0001")));
    assert_eq!(t.applied.len(), 1, "{}", t.url);
    assert_eq!(t.applied[0].revision, "0001");
}

fn counts(r: &FleetReport) -> (usize, usize, usize) {
    (
        r.reached().count(),
        r.failed().count(),
        r.not_started().count(),
    )
}

#[test]
fn a_mixed_fleet_reaches_head_around_its_broken_targets() {
    let mut t = Targets::new("fleet");
    t.databases(Backend::Postgres, 10);
    t.schemas(5);
    t.databases(Backend::Mysql, 5);
    t.databases(Backend::Sqlite, 10);
    let n = t.urls.len();
    // A broken SQLite file, a broken schema (when there are some), and a
    // database that does not exist.
    let broken_file = n - 3;
    t.break_one(broken_file);
    let broken_schema = (n > 10).then_some(11);
    if let Some(i) = broken_schema {
        t.break_one(i);
    }
    let mut urls = t.urls.clone();
    // Unreachable: a database the server does not have (with a password
    // that must never show), or, without a server, a file in no directory.
    urls.push(
        if cfg!(feature = "postgres") && std::env::var("GODWIT_TEST_POSTGRES_URL").is_ok() {
            "postgres://postgres:hunter2@127.0.0.1:5432/godwit_no_such_database".into()
        } else {
            "sqlite:///godwit-no-such-directory/hunter2.db".into()
        },
    );

    let finished = AtomicUsize::new(0);
    let report = Fleet::new(&MIGRATIONS)
        .parallelism(4)
        .lock_wait(Duration::from_secs(30))
        .upgrade_with_progress(&urls, &|_| {
            finished.fetch_add(1, Ordering::SeqCst);
        });
    assert_eq!(finished.load(Ordering::SeqCst), urls.len());
    assert_eq!(report.targets.len(), urls.len());
    let broken = 1 + usize::from(broken_schema.is_some());
    assert_eq!(
        counts(&report),
        (n - broken, broken + 1, 0),
        "{}",
        report.summary()
    );
    for (i, r) in report.targets.iter().enumerate() {
        assert_eq!(r.index, i);
        if i == broken_file || Some(i) == broken_schema {
            failed_at_0002(r);
        } else if i == n {
            assert!(
                matches!(r.error(), Some(Error::Connection { .. })),
                "{}",
                r.outcome
            );
            if r.url.starts_with("postgres") {
                assert!(!r.url.contains("hunter2"), "{}", r.url);
                assert!(!r.outcome.to_string().contains("hunter2"), "{}", r.outcome);
            }
            assert_eq!((r.before, r.after), (Position::Unknown, Position::Unknown));
        } else {
            reached_from_base(r);
        }
    }
    for i in 0..n {
        let expected = if i == broken_file || Some(i) == broken_schema {
            Some("0001")
        } else {
            MIGRATIONS.head()
        };
        assert_eq!(MIGRATIONS.current(&mut t.connect(i)).unwrap(), expected);
    }

    // Mended, the same run finishes the broken ones and does nothing else.
    t.mend(broken_file);
    if let Some(i) = broken_schema {
        t.mend(i);
    }
    let again = Fleet::new(&MIGRATIONS).parallelism(4).upgrade(&t.urls);
    assert!(again.all_reached(), "{}", again.summary());
    for (i, r) in again.targets.iter().enumerate() {
        assert_eq!(r.after, head());
        if i == broken_file || Some(i) == broken_schema {
            assert_eq!(r.before, Position::At("0001"));
            assert_eq!(r.applied.len(), revisions().len() - 1);
        } else {
            assert_eq!(r.before, head());
            assert!(r.applied.is_empty(), "{}: {:?}", r.url, r.applied);
        }
    }
}

#[test]
fn a_failed_canary_leaves_the_rest_alone() {
    let mut t = Targets::new("fleet");
    t.databases(Backend::Sqlite, 6);
    t.break_one(1);
    let report = Fleet::new(&MIGRATIONS)
        .parallelism(3)
        .canary(2)
        .upgrade(&t.urls);
    assert_eq!(counts(&report), (1, 1, 4), "{}", report.summary());
    reached_from_base(&report.targets[0]);
    failed_at_0002(&report.targets[1]);
    for (i, r) in report.targets.iter().enumerate().skip(2) {
        assert!(
            matches!(r.outcome, Outcome::NotStarted(NotStarted::CanaryFailed)),
            "{}",
            r.outcome
        );
        assert!(r.applied.is_empty());
        assert_eq!(MIGRATIONS.current(&mut t.connect(i)).unwrap(), None);
    }
    // A canary that passes lets the rest go.
    t.mend(1);
    let report = Fleet::new(&MIGRATIONS).canary(2).upgrade(&t.urls);
    assert!(report.all_reached(), "{}", report.summary());
    for r in &report.targets[2..] {
        reached_from_base(r);
    }
}

#[test]
fn the_failure_budget_stops_new_targets() {
    let mut t = Targets::new("fleet");
    t.databases(Backend::Sqlite, 6);
    for i in [0, 2, 3] {
        t.break_one(i);
    }
    // One at a time, so that the order is known: fail, reach, fail, stop.
    let report = Fleet::new(&MIGRATIONS)
        .parallelism(1)
        .failure_budget(2)
        .upgrade(&t.urls);
    assert_eq!(counts(&report), (1, 2, 3), "{}", report.summary());
    failed_at_0002(&report.targets[0]);
    reached_from_base(&report.targets[1]);
    failed_at_0002(&report.targets[2]);
    for (i, r) in report.targets.iter().enumerate().skip(3) {
        assert!(
            matches!(
                r.outcome,
                Outcome::NotStarted(NotStarted::FailureBudgetSpent)
            ),
            "{}",
            r.outcome
        );
        assert_eq!(MIGRATIONS.current(&mut t.connect(i)).unwrap(), None);
    }
    // Without a budget every target is tried: the three broken ones fail
    // again, the one at head stays there, the two left alone reach it.
    let report = Fleet::new(&MIGRATIONS).parallelism(2).upgrade(&t.urls);
    assert_eq!(counts(&report), (3, 3, 0), "{}", report.summary());
    assert!(report.targets[1].applied.is_empty());
    reached_from_base(&report.targets[4]);
    reached_from_base(&report.targets[5]);
}

#[test]
fn a_held_lock_stops_only_its_target() {
    let mut t = Targets::new("fleet");
    t.databases(Backend::Postgres, 2);
    t.schemas(2);
    t.databases(Backend::Mysql, 2);
    t.databases(Backend::Sqlite, 2);
    let n = t.urls.len();
    // Another process migrates the first target (and, when there are
    // schemas, the first schema): its lock is held past the lock wait.
    let wait = Options {
        lock_wait: Duration::from_millis(300),
        ..Options::default()
    };
    let held: Vec<usize> = [0, 2].into_iter().filter(|&i| i < n).collect();
    let mut holders: Vec<AnyConnection> = held.iter().map(|&i| t.connect(i)).collect();
    for h in &mut holders {
        h.lock(&wait).unwrap();
    }
    let fleet = Fleet::new(&MIGRATIONS)
        .parallelism(4)
        .lock_wait(Duration::from_millis(300));
    let report = fleet.upgrade(&t.urls);
    for (i, r) in report.targets.iter().enumerate() {
        if held.contains(&i) {
            assert!(
                matches!(r.error(), Some(Error::LockTimeout { .. })),
                "{}: {}",
                r.url,
                r.outcome
            );
            assert_eq!((r.before, r.after), (Position::Base, Position::Base));
            assert!(r.applied.is_empty());
        } else {
            reached_from_base(r);
        }
    }
    for h in &mut holders {
        h.unlock().unwrap();
    }
    let again = fleet.upgrade(&t.urls);
    assert!(again.all_reached(), "{}", again.summary());
    for (i, r) in again.targets.iter().enumerate() {
        assert_eq!(r.applied.is_empty(), !held.contains(&i), "{}", r.url);
    }
}

#[test]
fn two_fleets_at_once_apply_each_migration_once() {
    let mut t = Targets::new("fleet");
    t.databases(Backend::Postgres, 4);
    t.schemas(2);
    t.databases(Backend::Mysql, 2);
    t.databases(Backend::Sqlite, 4);
    let fleet = Fleet::new(&MIGRATIONS).parallelism(3);
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| fleet.upgrade(&t.urls));
        let b = s.spawn(|| fleet.upgrade(&t.urls));
        (a.join().unwrap(), b.join().unwrap())
    });
    assert!(a.all_reached(), "{}", a.summary());
    assert!(b.all_reached(), "{}", b.summary());
    for (i, (x, y)) in a.targets.iter().zip(&b.targets).enumerate() {
        // Whoever took the lock first applied what was pending; the other
        // found it done. Between them, each migration once, in order.
        let mut applied: Vec<&str> = x
            .applied
            .iter()
            .chain(&y.applied)
            .map(|s| s.revision)
            .collect();
        applied.sort_unstable();
        assert_eq!(applied, revisions(), "{}", x.url);
        let rows = t
            .connect(i)
            .query("SELECT revision AS c0 FROM godwit_version", 1)
            .unwrap();
        assert_eq!(rows.len(), revisions().len(), "{}", x.url);
    }
}

#[test]
fn a_target_stopped_mid_migration_resumes_exactly() {
    let mut t = Targets::new("fleet");
    t.databases(Backend::Mysql, 1);
    if t.urls.is_empty() {
        println!("skipped: MariaDB runs a migration op by op, which the stop needs");
        return;
    }
    t.databases(Backend::Sqlite, 2);
    t.databases(Backend::Postgres, 1);
    // A process upgrading the MariaDB target dies inside 0003, after its first op.
    let mut child = Command::new(CLI)
        .args(["upgrade", "0003"])
        .env("DATABASE_URL", &t.urls[0])
        .env("GODWIT_TEST_STOP_AT", "0003:2")
        .env("RUST_LOG", "off")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the test command line starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("piped"))
        .read_line(&mut line)
        .unwrap();
    assert!(line.starts_with("stopped at 0003 op 2"), "{line}");
    child.kill().unwrap();
    child.wait().unwrap();

    let report = Fleet::new(&MIGRATIONS).upgrade(&t.urls);
    assert!(report.all_reached(), "{}", report.summary());
    let resumed = &report.targets[0];
    assert_eq!(resumed.after, head());
    assert_eq!(resumed.applied[0].revision, "0003");
    assert_eq!(
        resumed.applied[0].resumed_at,
        Some(2),
        "{:?}",
        resumed.applied
    );
    assert_eq!(resumed.applied.len(), revisions().len() - 2);
    for r in &report.targets[1..] {
        reached_from_base(r);
    }
}

#[test]
fn an_empty_fleet_and_odd_options_are_no_trouble() {
    let none: [&str; 0] = [];
    let report = Fleet::new(&MIGRATIONS)
        .parallelism(0)
        .canary(5)
        .failure_budget(0)
        .upgrade(&none);
    assert!(report.targets.is_empty() && report.all_reached());
    assert_eq!(
        report.summary(),
        "0 targets: 0 reached, 0 failed, 0 not started"
    );
    // A canary longer than the list is the whole list; parallelism 0 is 1.
    let mut t = Targets::new("fleet");
    t.databases(Backend::Sqlite, 2);
    let report = Fleet::new(&MIGRATIONS)
        .parallelism(0)
        .canary(5)
        .upgrade(&t.urls);
    assert!(report.all_reached(), "{}", report.summary());
    // `to` moves every target elsewhere than the head: down is refused
    // (a fleet upgrades), so a new pair of files goes up to 0002.
    let down = Fleet::new(&MIGRATIONS)
        .to(godwit::Target::Revision("0002"))
        .upgrade(&t.urls);
    for r in &down.targets {
        assert!(
            matches!(r.error(), Some(Error::WrongDirection { .. })),
            "{}",
            r.outcome
        );
        assert_eq!((r.before, r.after), (head(), head()));
    }
    let mut u = Targets::new("fleet");
    u.databases(Backend::Sqlite, 2);
    let report = Fleet::new(&MIGRATIONS)
        .to(godwit::Target::Revision("0002"))
        .upgrade(&u.urls);
    for r in &report.targets {
        assert_eq!((r.before, r.after), (Position::Base, Position::At("0002")));
        assert_eq!(r.applied.len(), 2);
    }
    // A budget of 0 starts nothing.
    let report = Fleet::new(&MIGRATIONS).failure_budget(0).upgrade(&t.urls);
    assert_eq!(counts(&report), (0, 0, 2), "{}", report.summary());
}
