//! Benchmark 5: the criterion micro-benchmarks in `benches/` (the checker
//! and the dialects), run with short warm-up and measurement times so that
//! they fit in the report's run; `cargo bench --manifest-path bench/Cargo.toml` runs them with
//! criterion's defaults and keeps its history to compare against.

use std::time::Duration;

use anyhow::{bail, Context, Result};

use crate::apps::cargo;
use crate::report::{fmt_duration, Section, Table};

/// One result line of criterion's `--output-format bencher`:
/// `test <name> ... bench:      16,986 ns/iter (+/- 1,234)`.
pub fn parse_bencher(line: &str) -> Option<(String, Duration, Duration)> {
    let rest = line.strip_prefix("test ")?;
    let (name, rest) = rest.split_once(" ... bench:")?;
    let (time, rest) = rest.trim().split_once(" ns/iter")?;
    let spread = rest
        .trim()
        .strip_prefix("(+/-")?
        .trim()
        .trim_end_matches(')')
        .trim();
    let ns = |s: &str| {
        s.replace(',', "")
            .parse::<u64>()
            .ok()
            .map(Duration::from_nanos)
    };
    Some((name.trim().to_string(), ns(time)?, ns(spread)?))
}

/// Runs the micro-benchmarks and writes their section.
pub fn run(log: &mut dyn FnMut(&str)) -> Result<Section> {
    log("micro: cargo bench -p godwit-bench (criterion, short runs)");
    let output = cargo()
        .args([
            "bench",
            "-p",
            "godwit-bench",
            "--bench",
            "checker",
            "--bench",
            "render",
            "--bench",
            "runner",
            "--color",
            "never",
            "--",
            "--output-format",
            "bencher",
            "--warm-up-time",
            "1",
            "--measurement-time",
            "3",
        ])
        .current_dir(crate::apps::bench_root())
        .output()
        .context("running cargo bench")?;
    if !output.status.success() {
        bail!(
            "cargo bench failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut s = Section::new("5. Micro-benchmarks (criterion)");
    let mut t = Table::new(["benchmark", "time per iteration", "± (criterion's spread)"]);
    for (name, time, spread) in stdout.lines().filter_map(parse_bencher) {
        t.row([
            format!("`{name}`"),
            fmt_duration(time),
            fmt_duration(spread),
        ]);
        s.figure(format!("micro.{name}"), time);
    }
    s.para(
        "The checker `migrations!` runs at compile time and the rendering the runner does, over \
         the same generated history (listed newest first, so that ordering has work to do), \
         in memory. `chain::order` orders the revision chain; `Schema::apply` replays every \
         upgrade op on the schema model; `check_history` runs every rule over the history, as \
         `migrations!` does (the proc macro runs it unoptimised in a debug build); \
         `Dialect::render` renders every upgrade op for one backend (the runner \
         renders each migration before applying it), each op from the model before it. \
         `MigrationSet/sql(Postgres, base, head)` renders the whole history as `upgrade` \
         does, one model carried forward from migration to migration; `schema_at(1000)` is \
         the one replay a run starts with. Short runs here (1 s warm-up, 3 s measurement); \
         `cargo bench --manifest-path bench/Cargo.toml` runs them in full and \
         compares with the previous run.",
    );
    s.table(&t);
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_bencher_lines() {
        let (name, time, spread) = parse_bencher(
            "test chain::order/1000 migrations ... bench:      126,980 ns/iter (+/- 2,345)",
        )
        .expect("a result line");
        assert_eq!(name, "chain::order/1000 migrations");
        assert_eq!(time, Duration::from_nanos(126_980));
        assert_eq!(spread, Duration::from_nanos(2_345));
        assert_eq!(parse_bencher("Benchmarking x"), None);
    }
}
