//! Several test binaries started at once on one database: waiting for them
//! all (or finding one stuck), and counting rows afterwards; one run of the
//! test command line to its end.

use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use godwit::Database;

/// The test command line `bin` (a test's `CARGO_BIN_EXE_godwit-test-cli`)
/// run with `args` on `url` over the test set named `set`, quiet, to its
/// end.
pub fn run_cli(bin: &str, url: &str, set: &str, args: &[&str]) -> Output {
    Command::new(bin)
        .args(args)
        .env("DATABASE_URL", url)
        .env("GODWIT_TEST_SET", set)
        .env("RUST_LOG", "off")
        .stdin(Stdio::null())
        .output()
        .expect("the test command line runs")
}

/// Waits for every child until `deadline`; kills the rest after it.
pub fn wait_all(children: Vec<Child>, deadline: Instant) -> Result<Vec<Output>, String> {
    let mut children: Vec<Option<Child>> = children.into_iter().map(Some).collect();
    let mut outputs: Vec<Option<Output>> = (0..children.len()).map(|_| None).collect();
    loop {
        let mut running = 0;
        for (i, slot) in children.iter_mut().enumerate() {
            let Some(child) = slot else { continue };
            match child.try_wait() {
                Ok(Some(_)) => {
                    let child = slot.take().expect("present");
                    outputs[i] = Some(child.wait_with_output().map_err(|e| e.to_string())?);
                }
                Ok(None) => running += 1,
                Err(e) => return Err(e.to_string()),
            }
        }
        if running == 0 {
            return Ok(outputs.into_iter().flatten().collect());
        }
        if Instant::now() > deadline {
            for child in children.iter_mut().flatten() {
                let _ = child.kill();
                let _ = child.wait();
            }
            return Err(format!(
                "{running} process(es) still running at the deadline: deadlock"
            ));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// `SELECT COUNT(*) FROM <from>` (`from` may carry a `WHERE`).
pub fn count(conn: &mut impl Database, from: &str) -> Result<i64, String> {
    let sql = format!(
        "SELECT {} AS c0 FROM {from}",
        conn.dialect().cast_text("COUNT(*)")
    );
    let rows = conn.query(&sql, 1).map_err(|e| format!("{sql}: {e}"))?;
    rows.first()
        .and_then(|r| r.first().cloned().flatten())
        .unwrap_or_default()
        .parse()
        .map_err(|e| format!("{sql}: {e}"))
}
