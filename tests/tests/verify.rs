//! `verify` on a history with a migration that fails at run time: that
//! migration is reported with the error, the others are still verified
//! where the database allows, and the summary counts what was not run.

use std::process::Output;

use godwit_tests::{Backend, TestDb};
use serde_json::Value;

const CLI: &str = env!("CARGO_BIN_EXE_godwit-test-cli");

fn run(url: &str, set: &str, args: &[&str]) -> Output {
    godwit_tests::processes::run_cli(CLI, url, set, args)
}

fn verify(url: &str, set: &str) -> (Output, Value) {
    let o = run(url, set, &["--json", "verify"]);
    let v: Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {o:?}"));
    (o, v)
}

/// Each migration's revision, whether it passed and its problems.
fn lines(v: &Value) -> Vec<(String, bool, Vec<String>)> {
    v["migrations"]
        .as_array()
        .unwrap_or_else(|| panic!("no migrations: {v}"))
        .iter()
        .map(|m| {
            let problems = m["problems"].as_array().expect("problems");
            (
                m["revision"].as_str().expect("revision").to_string(),
                m["ok"].as_bool().expect("ok"),
                problems
                    .iter()
                    .map(|p| p.as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect()
}

fn failed_steps(backend: Backend) {
    let Some(db) = TestDb::create(backend, "verify_failed_steps") else {
        return;
    };
    let (o, v) = verify(&db.url, "failing_downgrade");
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    let lines = lines(&v);
    let passed: Vec<(&str, bool)> = lines.iter().map(|l| (l.0.as_str(), l.1)).collect();
    // d002 was upgraded, its downgrade failed.
    assert_eq!(lines[1].2.len(), 1, "{v}");
    assert!(lines[1].2[0].starts_with("downgrade failed: "), "{v}");
    if backend == Backend::Mysql {
        // Without transactional DDL the failed downgrade is recorded as
        // half-done: nothing after it can start.
        assert_eq!(passed, [("d001", true), ("d002", false)], "{v}");
        assert_eq!(
            (&v["passed"], &v["failed"], &v["not_run"]),
            (&Value::from(1), &Value::from(1), &Value::from(2)),
            "{v}"
        );
        assert_eq!(v["base_ok"], Value::Null, "not run after a stop: {v}");
        return;
    }
    // The downgrade rolled back: d003 starts from d002, fails, and d004,
    // after it, is not run.
    assert_eq!(
        passed,
        [("d001", true), ("d002", false), ("d003", false)],
        "{v}"
    );
    assert_eq!(lines[2].2.len(), 1, "{v}");
    assert!(lines[2].2[0].starts_with("upgrade failed: "), "{v}");
    assert_eq!(
        (&v["passed"], &v["failed"], &v["not_run"]),
        (&Value::from(1), &Value::from(2), &Value::from(1)),
        "{v}"
    );
    assert_eq!(v["base_ok"], Value::Null, "not run after a stop: {v}");
    // The same run as text: every line, then what was left out.
    let Some(db) = TestDb::create(backend, "verify_failed_steps_text") else {
        return;
    };
    let o = run(&db.url, "failing_downgrade", &["verify"]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    let (out, err) = (
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr),
    );
    assert_eq!(out.trim(), "verify: 1 passed, 2 failed, 1 not run", "{o:?}");
    for line in [
        "ok     d001  up, down, up",
        "FAILED d002  up",
        "downgrade failed: ",
        "FAILED d003  up",
        "upgrade failed: ",
        "stopped: 1 later migration not run",
        // A runner's error, every line of it under the migration's.
        "\n         state now: ",
        "down to base: not run, as the run stopped",
    ] {
        assert!(err.contains(line), "no {line:?} in {err}");
    }
}

fn all_pass(backend: Backend) {
    let Some(db) = TestDb::create(backend, "verify_all_pass") else {
        return;
    };
    let (o, v) = verify(&db.url, "base_only");
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert_eq!(
        (&v["passed"], &v["failed"], &v["not_run"], &v["base_ok"]),
        (
            &Value::from(1),
            &Value::from(0),
            &Value::from(0),
            &Value::Bool(true)
        ),
        "{v}"
    );
}

fn failed_upgrade_stops(backend: Backend) {
    let Some(db) = TestDb::create(backend, "verify_failed_upgrade") else {
        return;
    };
    // `0003` fails at its second op: an INSERT of NULL into a NOT NULL column.
    let (o, v) = verify(&db.url, "failing");
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    let lines = lines(&v);
    let passed: Vec<(&str, bool)> = lines.iter().map(|l| (l.0.as_str(), l.1)).collect();
    assert_eq!(
        passed,
        [("0001", true), ("0002", true), ("0003", false)],
        "{v}"
    );
    assert!(lines[2].2[0].starts_with("upgrade failed: "), "{v}");
    assert_eq!(
        (&v["passed"], &v["failed"], &v["not_run"]),
        (&Value::from(2), &Value::from(1), &Value::from(0)),
        "{v}"
    );
    assert_eq!(v["base_ok"], Value::Null, "not run after a stop: {v}");
}

#[test]
fn sqlite() {
    failed_steps(Backend::Sqlite);
    failed_upgrade_stops(Backend::Sqlite);
    all_pass(Backend::Sqlite);
}

#[test]
fn postgres() {
    failed_steps(Backend::Postgres);
    failed_upgrade_stops(Backend::Postgres);
    all_pass(Backend::Postgres);
}

#[test]
fn mysql() {
    failed_steps(Backend::Mysql);
    failed_upgrade_stops(Backend::Mysql);
    all_pass(Backend::Mysql);
}
