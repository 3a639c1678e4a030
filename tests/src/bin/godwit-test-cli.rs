//! The command line (`godwit::cli`) over one of the test sets, chosen by
//! `GODWIT_TEST_SET` (`scenario`, `base_only`, `irreversible`, `failing`,
//! `faults`, `backfill`, `failing_downgrade`, `hostile`, `raw_sql_postgres`;
//! default `scenario`).
//!
//! With `GODWIT_TEST_STOP_AT=<revision>:<op>`, when the runner starts that op
//! of that migration's upgrade the process prints `stopped at <revision> op
//! <op>` and waits there, so that a test can kill it in the middle of the
//! migration.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use godwit_tests::fault_migrations::set_named;
use godwit_tests::inject::{OpAt, OpWatch};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

fn main() -> ExitCode {
    let name = std::env::var("GODWIT_TEST_SET").unwrap_or_else(|_| "scenario".into());
    let Some(set) = set_named(&name) else {
        eprintln!("GODWIT_TEST_SET={name} names no test set");
        return ExitCode::from(2);
    };
    if let Some(at) = std::env::var("GODWIT_TEST_STOP_AT")
        .ok()
        .and_then(|s| OpAt::parse(&s))
    {
        let label = format!("stopped at {} op {}", at.revision, at.op);
        let watch = OpWatch::new(at, move || {
            let mut out = std::io::stdout();
            let _ = writeln!(out, "{label}");
            let _ = out.flush();
            loop {
                std::thread::sleep(Duration::from_secs(3600));
            }
        });
        tracing_subscriber::registry()
            .with(watch)
            .with(tracing_subscriber::filter::LevelFilter::DEBUG)
            .init();
    }
    godwit::cli::run(set)
}
