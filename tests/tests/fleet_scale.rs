//! A fleet at full size through `fleet upgrade --targets FILE`: 200
//! PostgreSQL databases, 100 schemas of one PostgreSQL database, 50 MariaDB
//! databases and 200 SQLite files in one targets file (550 targets). The set
//! is the test crate's [`MIGRATIONS`] (the history of a small application,
//! the one `godwit-test-cli` runs), since the example application's crate is
//! not a dependency of this one. In order: a canary whose target is broken
//! stops the rest; two `fleet upgrade` processes at once with one tenant
//! broken on purpose (both report it, every other tenant at head, each
//! tenant's migrations applied exactly once between the two); the tenant
//! mended, the rerun finishes it and applies nothing elsewhere. Without a
//! PostgreSQL or MariaDB server (their URL variables unset) it runs with
//! what is there and says so in its figures.

use std::collections::BTreeMap;
use std::process::{Command, Output, Stdio};
use std::time::Instant;

use godwit::{AnyConnection, Database};
use godwit_tests::report::Tally;
use godwit_tests::{Backend, TestDb, MIGRATIONS};
use serde_json::Value;

const CLI: &str = env!("CARGO_BIN_EXE_godwit-test-cli");

/// `n` fresh databases of `backend`, made by 8 threads at once (none when
/// its server is not configured).
fn databases(backend: Backend, n: usize) -> Vec<TestDb> {
    let per = n.div_ceil(8);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..n)
            .step_by(per)
            .map(|start| {
                let count = per.min(n - start);
                s.spawn(move || {
                    (0..count)
                        .filter_map(|_| TestDb::create(backend, "fleet_scale"))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("creating the test databases"))
            .collect()
    })
}

fn connect(url: &str) -> AnyConnection {
    godwit::connect(url).unwrap_or_else(|e| panic!("{url}: {e}"))
}

fn current(url: &str) -> Option<&'static str> {
    MIGRATIONS.current(&mut connect(url)).unwrap()
}

/// `fleet upgrade --json` over the targets file, with `extra` flags.
fn upgrade(file: &str, extra: &[&str]) -> Command {
    let mut c = Command::new(CLI);
    c.args(["--json", "fleet", "upgrade", "--targets", file])
        .args(extra)
        .env_remove("DATABASE_URL")
        .env("GODWIT_TEST_SET", "scenario")
        .env("RUST_LOG", "off")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

/// The JSON report of a run, with its exit code.
fn report(o: &Output) -> (Option<i32>, Value) {
    let v = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    });
    (o.status.code(), v)
}

/// The revisions each target's run applied, by URL.
fn applied(v: &Value) -> BTreeMap<String, Vec<String>> {
    v["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let revs = t["applied"].as_array().unwrap();
            let revs = revs.iter().map(|r| r.as_str().unwrap().to_string());
            (t["url"].as_str().unwrap().to_string(), revs.collect())
        })
        .collect()
}

fn outcomes(v: &Value, outcome: &str) -> usize {
    let targets = v["targets"].as_array().unwrap();
    targets.iter().filter(|t| t["outcome"] == outcome).count()
}

#[test]
fn a_fleet_of_550_targets_canary_broken_tenant_and_two_runs_at_once() {
    let started = Instant::now();
    let mut dbs = databases(Backend::Postgres, 200);
    let pg = dbs.len();
    let mut urls: Vec<String> = dbs.iter().map(|d| d.url.clone()).collect();
    let mut schemas = 0;
    if let Some(db) = TestDb::create(Backend::Postgres, "fleet_scale_schemas") {
        let mut admin = db.connect();
        for i in 1..=100 {
            admin.execute(&format!("CREATE SCHEMA tenant_{i}")).unwrap();
            urls.push(format!("{}?schema=tenant_{i}", db.url));
        }
        schemas = 100;
        dbs.push(db);
    }
    let maria = databases(Backend::Mysql, 50);
    urls.extend(maria.iter().map(|d| d.url.clone()));
    let my = maria.len();
    dbs.extend(maria);
    let files = databases(Backend::Sqlite, 200);
    urls.extend(files.iter().map(|d| d.url.clone()));
    dbs.extend(files);
    let n = urls.len();
    let made = started.elapsed().as_secs_f64();

    let file =
        std::env::temp_dir().join(format!("{}.targets", godwit_tests::testdb::unique_name()));
    std::fs::write(&file, urls.join("\n") + "\n").unwrap();
    let file_name = file.display().to_string();
    let revisions: Vec<String> = MIGRATIONS
        .migrations()
        .iter()
        .map(|m| m.revision.to_string())
        .collect();
    let head = MIGRATIONS.head().unwrap();

    let mut tally = Tally::new(format!(
        "fleet_scale: {n} targets ({pg} PostgreSQL databases, {schemas} schemas of one, \
         {my} MariaDB databases, 200 SQLite files), {} migrations each",
        revisions.len()
    ));
    if pg == 0 {
        tally.note(
            "PostgreSQL targets left out: GODWIT_TEST_POSTGRES_URL unset or no `postgres` feature",
        );
    }
    if my == 0 {
        tally.note("MariaDB targets left out: GODWIT_TEST_MYSQL_URL unset or no `mysql` feature");
    }
    tally.note(format!("{n} targets made in {made:.1} s"));

    // The tenant broken on purpose: a schema when there are some (its
    // `0002` fails whole, leaving it at `0001`), else a SQLite file.
    let broken = urls
        .iter()
        .position(|u| u.ends_with("?schema=tenant_50"))
        .unwrap_or(n - 100);
    // `0002` creates `posts`: a table of that name already there fails it.
    let break_one = |i: usize| {
        connect(&urls[i])
            .execute("CREATE TABLE posts (id INTEGER PRIMARY KEY)")
            .unwrap();
    };
    let mend = |i: usize| connect(&urls[i]).execute("DROP TABLE posts").unwrap();

    tally.run("a failed canary leaves the other targets alone", || {
        break_one(0);
        let t = Instant::now();
        let o = upgrade(&file_name, &["--canary", "1"]).output().unwrap();
        let (code, v) = report(&o);
        godwit_tests::ensure!(code == Some(2), "exit {code:?}: {v}");
        godwit_tests::ensure!(
            outcomes(&v, "failed") == 1 && v["not_started"] == n - 1,
            "outcomes: {v}"
        );
        godwit_tests::ensure!(
            current(&urls[0]) == Some("0001"),
            "canary target moved past 0001"
        );
        let touched = (1..n).filter(|&i| current(&urls[i]).is_some()).count();
        godwit_tests::ensure!(touched == 0, "{touched} other targets were touched");
        mend(0);
        tally_note(format!(
            "canary: 1 failed, {} not started, none touched ({:.2} s)",
            n - 1,
            t.elapsed().as_secs_f64()
        ));
        Ok(())
    });

    tally.run("two runs at once around a broken tenant", || {
        break_one(broken);
        let t = Instant::now();
        let a = upgrade(&file_name, &["--parallel", "16"]).spawn().unwrap();
        let b = upgrade(&file_name, &["--parallel", "16"]).spawn().unwrap();
        let a = a.wait_with_output().unwrap();
        let b = b.wait_with_output().unwrap();
        let secs = t.elapsed().as_secs_f64();
        let mut applied_total = 0;
        let (mut by_a, mut by_b) = (0, 0);
        let runs = [report(&a), report(&b)];
        for (code, v) in &runs {
            godwit_tests::ensure!(*code == Some(2), "exit {code:?}: {v}");
            godwit_tests::ensure!(
                outcomes(v, "reached") == n - 1 && outcomes(v, "failed") == 1,
                "outcomes: {v}"
            );
        }
        let (la, lb) = (applied(&runs[0].1), applied(&runs[1].1));
        by_a += la.values().map(Vec::len).sum::<usize>();
        by_b += lb.values().map(Vec::len).sum::<usize>();
        for (i, url) in urls.iter().enumerate() {
            let mut both = la[url].clone();
            both.extend(lb[url].iter().cloned());
            applied_total += both.len();
            both.sort();
            // Target 0 was left at `0001` by the canary; the broken one
            // stops after `0001`.
            let expected: Vec<String> = match i {
                0 => revisions[1..].to_vec(),
                _ if i == broken => revisions[..1].to_vec(),
                _ => revisions.clone(),
            };
            godwit_tests::ensure!(both == expected, "{url}: applied {both:?} between the two");
            let at = current(url);
            let want = if i == broken { "0001" } else { head };
            godwit_tests::ensure!(at == Some(want), "{url}: at {at:?}");
        }
        tally_note(format!(
            "two runs at once (--parallel 16 each): {} at head, 1 failed in both; \
             {applied_total} migrations applied ({by_a} by one, {by_b} by the other), \
             each exactly once ({secs:.1} s)",
            n - 1
        ));
        Ok(())
    });

    tally.run(
        "mended, the rerun finishes it and applies nothing elsewhere",
        || {
            mend(broken);
            let t = Instant::now();
            let o = upgrade(&file_name, &["--parallel", "16"]).output().unwrap();
            let (code, v) = report(&o);
            godwit_tests::ensure!(code == Some(0), "exit {code:?}: {v}");
            let l = applied(&v);
            for (i, url) in urls.iter().enumerate() {
                let want = if i == broken {
                    revisions[1..].to_vec()
                } else {
                    Vec::new()
                };
                godwit_tests::ensure!(l[url] == want, "{url}: applied {:?}", l[url]);
                godwit_tests::ensure!(current(url) == Some(head), "{url} not at head");
            }
            tally_note(format!(
                "rerun: {} applied on the mended tenant, nothing on the other {} ({:.1} s)",
                revisions.len() - 1,
                n - 1,
                t.elapsed().as_secs_f64()
            ));
            Ok(())
        },
    );

    for note in NOTES.lock().unwrap().drain(..) {
        tally.note(note);
    }
    let _ = std::fs::remove_file(&file);
    // The databases are dropped by 8 threads (on a panic, one by one as
    // the test unwinds).
    let t = Instant::now();
    let mut chunks: Vec<Vec<TestDb>> = Vec::new();
    while !dbs.is_empty() {
        let rest = dbs.split_off(dbs.len().saturating_sub(n.div_ceil(8)));
        chunks.push(rest);
    }
    std::thread::scope(|s| {
        for c in chunks {
            s.spawn(move || drop(c));
        }
    });
    tally.note(format!("dropped in {:.1} s", t.elapsed().as_secs_f64()));
    tally.finish();
}

/// Figures recorded inside the scenarios (which borrow the tally's runner).
static NOTES: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

fn tally_note(note: String) {
    NOTES.lock().unwrap().push(note);
}
