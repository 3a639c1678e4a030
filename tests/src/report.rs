//! Scenario counts: each test runs many scenarios, keeps going past a
//! failure, and ends with a line `N passed, N failed` of its own.

use std::io::Write;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Instant;

/// `ensure!(cond, "format", args..)`: return `Err(message)` from a scenario.
#[macro_export]
macro_rules! ensure {
    ($cond:expr, $($fmt:tt)+) => {
        if !$cond {
            return Err(format!($($fmt)+));
        }
    };
}

/// The scenarios of one test and how they went.
pub struct Tally {
    title: String,
    started: Instant,
    passed: usize,
    failures: Vec<String>,
    notes: Vec<String>,
}

impl Tally {
    /// A tally for the test described by `title` (backend included).
    pub fn new(title: impl Into<String>) -> Tally {
        Tally {
            title: title.into(),
            started: Instant::now(),
            passed: 0,
            failures: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// Runs one scenario; an `Err` or a panic counts as a failure.
    pub fn run(&mut self, scenario: &str, body: impl FnOnce() -> Result<(), String>) {
        match catch_unwind(AssertUnwindSafe(body)) {
            Ok(Ok(())) => self.passed += 1,
            Ok(Err(e)) => self.failures.push(format!("{scenario}: {e}")),
            Err(panic) => {
                let msg = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                self.failures.push(format!("{scenario}: panicked: {msg}"));
            }
        }
    }

    /// A figure to print with the counts (e.g. how a run was resolved).
    pub fn note(&mut self, note: impl Into<String>) {
        self.notes.push(note.into());
    }

    /// Prints the summary, written straight to stderr so that it shows
    /// without `--nocapture`, and fails the test if a scenario failed.
    pub fn finish(self) {
        let mut text = format!(
            "{} ({:.1} s)\n",
            self.title,
            self.started.elapsed().as_secs_f64()
        );
        for n in &self.notes {
            text.push_str(&format!("  {n}\n"));
        }
        for f in &self.failures {
            text.push_str(&format!("  FAILED {f}\n"));
        }
        text.push_str(&format!(
            "{} passed, {} failed\n",
            self.passed,
            self.failures.len()
        ));
        let _ = std::io::stderr().write_all(text.as_bytes());
        assert!(
            self.failures.is_empty(),
            "{} scenario(s) failed:\n{}",
            self.failures.len(),
            self.failures.join("\n")
        );
    }
}
