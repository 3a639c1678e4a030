//! `fleet upgrade|check|current|history --targets FILE` on the real command
//! line: PostgreSQL databases and schemas, MariaDB databases and SQLite
//! files in one targets file, one broken on purpose, then mended; the
//! canary; the failure budget; targets from standard input; `--json`; a
//! bad line refused before anything runs; passwords never printed.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use godwit_tests::fleet_targets::Targets;
use godwit_tests::{Backend, MIGRATIONS};
use serde_json::Value;

const CLI: &str = env!("CARGO_BIN_EXE_godwit-test-cli");

/// Runs the command line with `stdin` on its standard input.
fn cli(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(CLI)
        .args(args)
        .env_remove("DATABASE_URL")
        .env("GODWIT_TEST_SET", "scenario")
        .env("RUST_LOG", "off")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the test command line runs");
    let mut input = child.stdin.take().unwrap();
    // A command line that refuses a line may exit before reading the rest.
    match input.write_all(stdin.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        written => written.expect("writing the command line's input"),
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn head() -> &'static str {
    MIGRATIONS.head().unwrap()
}

#[test]
fn a_mixed_fleet_upgrades_around_its_broken_target_then_finishes_it() {
    let mut t = Targets::new("fleet_cli_mixed");
    t.databases(Backend::Postgres, 2);
    t.schemas(2);
    t.databases(Backend::Mysql, 2);
    t.databases(Backend::Sqlite, 2);
    // A password on one server target (the servers trust the test user):
    // it must never be printed.
    if let Some(u) = t
        .urls
        .iter_mut()
        .find(|u| u.starts_with("postgres://postgres@"))
    {
        *u = u.replacen("postgres://postgres@", "postgres://postgres:hunter2@", 1);
    }
    let n = t.urls.len();
    // A schema when there are some (else the last SQLite file): broken
    // there, the migration fails whole and the target stays at 0001.
    let broken = t
        .urls
        .iter()
        .position(|u| u.ends_with("?schema=tenant_2"))
        .unwrap_or(n - 1);
    t.break_one(broken);
    let file = t.write();

    let o = cli(
        &["fleet", "upgrade", "--targets", &file, "--parallel", "3"],
        "",
    );
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}\n{err}");
    assert_eq!(
        out.trim(),
        format!("{} at head, 1 failed, 0 not started", n - 1)
    );
    // A progress line per target, the broken one with its error.
    assert_eq!(err.matches(&format!("/{n}] ")).count(), n, "{err}");
    let failed: Vec<&str> = err.lines().filter(|l| l.contains("FAILED")).collect();
    assert_eq!(failed.len(), 1, "{err}");
    assert!(failed[0].contains("FAILED at 0001 (was base"), "{err}");
    assert!(failed[0].contains("0002"), "{err}");
    assert!(
        !out.contains("hunter2") && !err.contains("hunter2"),
        "{err}"
    );
    for i in 0..n {
        let expected = if i == broken {
            Some("0001")
        } else {
            Some(head())
        };
        assert_eq!(t.current(i), expected, "{}", t.urls[i]);
    }

    // check: one behind, exit 1; current prints a line per target.
    let o = cli(&["fleet", "check", "--targets", &file], "");
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}\n{err}");
    assert!(
        out.contains(&format!("{} at head, 1 not at head, 0 failed", n - 1)),
        "{out}"
    );
    assert_eq!(out.matches("behind: at 0001").count(), 1, "{out}");
    let o = cli(&["fleet", "current", "--targets", &file], "");
    let (out, _) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert_eq!(
        out.matches(&format!("{} (head)", head())).count(),
        n - 1,
        "{out}"
    );
    assert!(!out.contains("hunter2"), "{out}");

    // Mended, the same command finishes it and does nothing to the rest.
    t.mend(broken);
    let o = cli(&["fleet", "upgrade", "--targets", &file], "");
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}\n{err}");
    assert_eq!(out.trim(), format!("{n} at head, 0 failed, 0 not started"));
    assert_eq!(err.matches("nothing to do").count(), n - 1, "{err}");
    assert_eq!(
        err.matches(&format!("0001 -> {}", head())).count(),
        1,
        "{err}"
    );
    for i in 0..n {
        assert_eq!(t.current(i), Some(head()), "{}", t.urls[i]);
    }
    let o = cli(&["fleet", "check", "--targets", &file], "");
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));

    // history: every target's table under its URL.
    let o = cli(&["fleet", "history", "--targets", &file, "--json"], "");
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["targets"].as_array().unwrap().len(), n, "{v}");
    assert!(!v.to_string().contains("hunter2"), "{v}");
}

#[test]
fn a_failed_canary_leaves_every_other_target_alone() {
    let mut t = Targets::new("fleet_cli_canary");
    t.databases(Backend::Sqlite, 2);
    t.databases(Backend::Postgres, 1);
    t.schemas(1);
    t.databases(Backend::Mysql, 1);
    t.break_one(0);
    let file = t.write();
    let o = cli(
        &["fleet", "upgrade", "--targets", &file, "--canary", "1"],
        "",
    );
    let (out, err) = text(&o);
    let n = t.urls.len();
    assert_eq!(o.status.code(), Some(2), "{out}\n{err}");
    assert_eq!(
        out.trim(),
        format!("0 at head, 1 failed, {} not started", n - 1)
    );
    assert_eq!(
        err.matches("not started: the canary failed").count(),
        n - 1,
        "{err}"
    );
    assert_eq!(t.current(0), Some("0001"));
    for i in 1..n {
        assert_eq!(t.current(i), None, "{}", t.urls[i]);
    }
    // The failure budget: one target at a time, every one broken, the
    // first failure stops the rest.
    for i in 1..n {
        t.break_one(i);
    }
    let o = cli(
        &[
            "fleet",
            "upgrade",
            "--targets",
            &file,
            "--parallel",
            "1",
            "--max-failures",
            "1",
        ],
        "",
    );
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}\n{err}");
    assert_eq!(
        out.trim(),
        format!("0 at head, 1 failed, {} not started", n - 1)
    );
    for i in 1..n {
        assert_eq!(t.current(i), None, "{}", t.urls[i]);
    }
}

#[test]
fn targets_from_standard_input_and_the_json_report() {
    let mut t = Targets::new("fleet_cli_stdin");
    t.databases(Backend::Sqlite, 2);
    t.schemas(2);
    t.databases(Backend::Mysql, 1);
    let input = format!("# from stdin\n{}\n", t.urls.join("\n"));
    let o = cli(&["--json", "fleet", "upgrade", "--targets", "-"], &input);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    let v: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", text(&o)));
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(v["reached"], t.urls.len(), "{v}");
    let revisions: Vec<Value> = MIGRATIONS
        .migrations()
        .iter()
        .map(|m| Value::from(&*m.revision))
        .collect();
    for (target, url) in v["targets"].as_array().unwrap().iter().zip(&t.urls) {
        assert_eq!(target["url"], url.as_str(), "{v}");
        assert_eq!(target["outcome"], "reached", "{v}");
        assert_eq!(target["before"], "base", "{v}");
        assert_eq!(target["after"], head(), "{v}");
        assert_eq!(target["applied"].as_array().unwrap(), &revisions, "{v}");
        assert_eq!(target["error"], Value::Null, "{v}");
    }
    let o = cli(&["--json", "fleet", "check", "--targets", "-"], &input);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    for target in v["targets"].as_array().unwrap() {
        assert_eq!(target["result"]["at_head"], true, "{v}");
        assert_eq!(target["exit"], 0, "{v}");
    }
}

#[test]
fn a_bad_line_is_refused_before_anything_runs() {
    let mut t = Targets::new("fleet_cli_bad_line");
    t.databases(Backend::Sqlite, 1);
    let input = format!("# first\n{}\n\nnot a url\n", t.urls[0]);
    let o = cli(&["fleet", "upgrade", "--targets", "-"], &input);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}\n{err}");
    assert!(
        err.contains("standard input line 4: `not a url` is not a database URL"),
        "{err}"
    );
    assert_eq!(t.current(0), None);
    // Flags that mean nothing to a read-only command are refused too.
    let o = cli(
        &["fleet", "check", "--targets", "-", "--canary", "1"],
        &input,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o)
        .1
        .contains("--canary applies to `fleet upgrade` only"));
}

#[test]
fn an_unreachable_target_is_an_error_without_its_password() {
    let mut t = Targets::new("fleet_cli_unreachable");
    t.databases(Backend::Sqlite, 1);
    let Ok(server) = std::env::var("GODWIT_TEST_POSTGRES_URL") else {
        return;
    };
    if !cfg!(feature = "postgres") {
        return;
    }
    let (scheme, rest) = server.split_once("://").unwrap();
    let host = rest.split_once('@').map_or(rest, |(_, h)| h);
    let host = host.split('/').next().unwrap();
    t.urls.push(format!(
        "{scheme}://postgres:hunter2@{host}/godwit_no_such_database"
    ));
    let file = t.write();
    for action in ["current", "check", "upgrade"] {
        for json in [false, true] {
            let mut args = vec!["fleet", action, "--targets", &file];
            if json {
                args.push("--json");
            }
            let o = cli(&args, "");
            let (out, err) = text(&o);
            assert_eq!(o.status.code(), Some(2), "{action}: {out}\n{err}");
            assert!(
                !out.contains("hunter2") && !err.contains("hunter2"),
                "{out}\n{err}"
            );
            if json {
                let v: Value = serde_json::from_str(&out).unwrap();
                assert_eq!(v["ok"], false, "{v}");
                assert!(v["targets"][1]["error"]["error"].is_string(), "{v}");
            } else if action != "upgrade" {
                assert!(out.contains("1 failed"), "{out}");
            }
        }
    }
}
