//! Section 1's editor cost: `rust-analyzer analysis-stats` over the godwit
//! application crate and over the control crate without the macros (the
//! one the `-Z time-passes` table compares against).
//!
//! rust-analyzer is not part of the build: the binary is
//! `GODWIT_BENCH_RUST_ANALYZER`, else `rust-analyzer` on `PATH`. When it
//! does not run (rustup's proxy without the component answers with an
//! error), the table says so instead of giving figures.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::apps::{clean_env, repo_root, scratch_dir, AppWorkspace};
use crate::compile::godwit_app;
use crate::history::history;
use crate::report::{fmt_duration, fmt_ratio, median, Section, Table};

/// The environment variable naming the rust-analyzer binary.
pub const ENV: &str = "GODWIT_BENCH_RUST_ANALYZER";

/// The rust-analyzer binary to run.
pub fn binary() -> OsString {
    std::env::var_os(ENV).unwrap_or_else(|| "rust-analyzer".into())
}

/// `rust-analyzer --version`'s line, or why it could not be run.
pub fn version(bin: &OsString) -> std::result::Result<String, String> {
    let output = Command::new(bin).arg("--version").output().map_err(|e| {
        format!(
            "`{} --version` could not be started ({e})",
            bin.to_string_lossy()
        )
    })?;
    let first = |b: &[u8]| {
        String::from_utf8_lossy(b)
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .trim()
            .to_string()
    };
    if output.status.success() {
        Ok(first(&output.stdout))
    } else {
        Err(format!(
            "`{} --version` failed: {}",
            bin.to_string_lossy(),
            first(&output.stderr)
        ))
    }
}

/// One `analysis-stats` run: the command's wall time, the time rust-analyzer
/// reports for loading the workspace, and its metrics (`RA_METRICS`).
#[derive(Clone, Debug, Default)]
pub struct Stats {
    /// Wall-clock time of the whole command.
    pub wall: Duration,
    /// "Database loaded": cargo metadata, build scripts and proc macros
    /// built by `cargo check`, the sysroot and the crates read.
    pub loaded: Option<Duration>,
    /// `METRIC:<name>:<value>:<unit>` lines: milliseconds, megabytes, counts.
    pub metrics: BTreeMap<String, u64>,
    /// Declarations and bodies it analysed ("Total Statistics"): more with
    /// the macros expanded.
    pub counts: Option<(u64, u64)>,
}

/// Reads rust-analyzer's `METRIC:<name>:<value>:<unit>` lines, which may
/// follow its progress output on the same line.
pub fn parse_metrics(stdout: &str) -> BTreeMap<String, u64> {
    let mut m = BTreeMap::new();
    for piece in stdout.split("METRIC:").skip(1) {
        let line = piece.lines().next().unwrap_or("");
        let mut parts = line.split(':');
        if let (Some(name), Some(value)) = (parts.next(), parts.next()) {
            if let Ok(v) = value.trim().parse::<u64>() {
                m.insert(name.to_string(), v);
            }
        }
    }
    m
}

/// A duration printed with `{:.2?}`: `1.23s`, `456.78ms`, `12.00µs`, `5.00ns`.
pub fn parse_debug_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let secs = match unit {
        "s" => number,
        "ms" => number / 1e3,
        "µs" | "us" => number / 1e6,
        "ns" => number / 1e9,
        _ => return None,
    };
    Some(Duration::from_secs_f64(secs))
}

/// The time on `Database loaded:     1.23s, ...`.
pub fn parse_loaded(stderr: &str) -> Option<Duration> {
    let line = stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("Database loaded:"))?;
    parse_debug_duration(line.trim().split([',', ' ']).next()?)
}

/// The `decls` and `bodies` of the first `crates: .., decls: N, bodies: M`
/// line (the totals).
pub fn parse_counts(stderr: &str) -> Option<(u64, u64)> {
    let line = stderr.lines().find(|l| l.contains("decls:"))?;
    let field = |name: &str| -> Option<u64> {
        let rest = &line[line.find(name)? + name.len()..];
        rest.trim_start()
            .split(|c: char| !c.is_ascii_digit() && c != '_')
            .next()?
            .replace('_', "")
            .parse()
            .ok()
    };
    Some((field("decls:")?, field("bodies:")?))
}

/// Runs `rust-analyzer analysis-stats <crate_dir>` with its build-script
/// check in `target`.
pub fn measure(bin: &OsString, crate_dir: &Path, target: &Path) -> Result<Stats> {
    let mut cmd = Command::new(bin);
    clean_env(&mut cmd);
    cmd.arg("analysis-stats")
        .arg(crate_dir)
        .current_dir(crate_dir)
        .env("CARGO_TARGET_DIR", target)
        .env("RA_METRICS", "1");
    let started = Instant::now();
    let output = cmd.output().with_context(|| {
        format!(
            "running rust-analyzer analysis-stats {}",
            crate_dir.display()
        )
    })?;
    let wall = started.elapsed();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        bail!(
            "rust-analyzer analysis-stats {} failed: {}",
            crate_dir.display(),
            stderr.lines().last().unwrap_or("")
        );
    }
    let metrics = parse_metrics(&stdout);
    if !metrics.contains_key("total time") {
        bail!(
            "rust-analyzer analysis-stats {} reported no total time:\n{stderr}",
            crate_dir.display()
        );
    }
    Ok(Stats {
        wall,
        loaded: parse_loaded(&stderr),
        metrics,
        counts: parse_counts(&stderr),
    })
}

/// What the rust-analyzer table shows.
#[derive(Clone, Debug)]
pub enum Outcome {
    /// Not measured, and why.
    NotMeasured {
        /// The size it would have measured.
        n: usize,
        /// Why not.
        why: String,
    },
    /// Runs of both crates.
    Measured {
        /// The number of migrations.
        n: usize,
        /// `rust-analyzer --version`.
        version: String,
        /// Runs over the godwit crate.
        godwit: Vec<Stats>,
        /// Runs over the control crate.
        plain: Vec<Stats>,
    },
}

/// Runs `analysis-stats` over both crates at `n` migrations: once each
/// untimed (it builds the proc macros and build scripts it needs), then
/// `reps` times each, interleaved.
pub fn run(n: usize, reps: usize, log: &mut dyn FnMut(&str)) -> Result<Outcome> {
    let bin = binary();
    let version = match version(&bin) {
        Ok(v) => v,
        Err(why) => {
            log(&format!("compile: rust-analyzer not measured: {why}"));
            return Ok(Outcome::NotMeasured { n, why });
        }
    };
    let steps = history(n);
    // A workspace per crate, so that each run analyses that crate alone;
    // one target directory of their own for rust-analyzer's `cargo check`.
    let target = scratch_dir().join("analysis-stats-target");
    let mut dirs = Vec::new();
    for (name, macros) in [("godwit", true), ("plain", false)] {
        let ws = AppWorkspace {
            target: target.clone(),
            ..AppWorkspace::new(&format!("analysis-stats-{name}"))
        };
        let package = if macros {
            format!("godwit-{n}")
        } else {
            format!("godwit-plain-{n}")
        };
        ws.write(
            &[godwit_app(&package, &steps, macros)],
            Some(&repo_root().join("Cargo.lock")),
        )?;
        dirs.push(ws.crate_dir(&package));
    }
    let mut runs: [Vec<Stats>; 2] = [Vec::new(), Vec::new()];
    for rep in 0..=reps {
        for (dir, samples) in dirs.iter().zip(runs.iter_mut()) {
            let stats = match measure(&bin, dir, &target) {
                Ok(s) => s,
                Err(e) => {
                    let why = format!("{e:#}");
                    log(&format!("compile: rust-analyzer not measured: {why}"));
                    return Ok(Outcome::NotMeasured { n, why });
                }
            };
            log(&format!(
                "compile: rust-analyzer analysis-stats {}{}: {}",
                dir.display(),
                if rep == 0 { " (untimed)" } else { "" },
                fmt_duration(stats.wall)
            ));
            if rep > 0 {
                samples.push(stats);
            }
        }
    }
    let [godwit, plain] = runs;
    Ok(Outcome::Measured {
        n,
        version,
        godwit,
        plain,
    })
}

/// The metrics shown, with their labels; the unit is milliseconds.
const PHASES: [(&str, &str); 7] = [
    ("item tree time", "item trees (parsing, item lists)"),
    (
        "crate def map time",
        "item collection (name resolution, macro expansion)",
    ),
    ("body lowering time", "body lowering"),
    ("inference time", "type inference"),
    ("mir lowering time", "MIR lowering"),
    ("const eval time", "const evaluation"),
    ("total time", "total analysis (rust-analyzer's `Total`)"),
];

/// Appends the rust-analyzer paragraph and table to section 1.
pub fn report(s: &mut Section, outcome: &Outcome, reps: usize) {
    let headers = [
        "rust-analyzer",
        "godwit",
        "without macros",
        "difference",
        "÷",
    ];
    match outcome {
        Outcome::NotMeasured { n, why } => {
            let why = why.trim_end_matches('.');
            s.para(format!(
                "**rust-analyzer.** `rust-analyzer analysis-stats` over the {n}-migration godwit \
                 crate and the control crate without macros was not measured in this run: {why}. \
                 The benchmark runs the binary named by `{ENV}`, else `rust-analyzer` on `PATH`."
            ));
            let mut t = Table::new(headers);
            t.note_row(format!("{n} migrations"), format!("not measured: {why}"));
            s.table(&t);
        }
        Outcome::Measured {
            n,
            version,
            godwit,
            plain,
        } => {
            s.para(format!(
                "**rust-analyzer.** What an editor's analysis costs: `rust-analyzer \
                 analysis-stats <crate dir>` (`rust-analyzer --version`: {version}; \
                 `RA_METRICS=1` for its figures) over the godwit application crate with {n} \
                 migrations and over the control crate without macros (the ones of the \
                 `-Z time-passes` table), each in a workspace of its own; the proc macros are \
                 expanded by the toolchain's `rust-analyzer-proc-macro-srv`, which names no \
                 file for a macro call, so that the set finds its call among the package's \
                 files (README, \"Large histories\"). Median of {reps} \
                 runs after an untimed one (which builds the proc macros and build scripts \
                 rust-analyzer needs). The first row is the whole command; \"loading\" is \
                 rust-analyzer's \"Database loaded\" (cargo metadata, the build-script check, \
                 the sysroot); the rest are its phases. rust-analyzer analyses path \
                 dependencies as it does the workspace, so both runs also analyse godwit's own \
                 crates: the difference column is what the migrations' macros add."
            ));
            let mut t = Table::new(headers);
            let med = |runs: &[Stats], f: &dyn Fn(&Stats) -> Option<Duration>| {
                let v: Vec<Duration> = runs.iter().filter_map(f).collect();
                (!v.is_empty()).then(|| median(&v))
            };
            let mut row = |label: String, f: &dyn Fn(&Stats) -> Option<Duration>| {
                let (g, p) = (med(godwit, f), med(plain, f));
                let cell = |d: Option<Duration>| d.map_or_else(|| "n/a".to_string(), fmt_duration);
                let (diff, ratio) = match (g, p) {
                    (Some(g), Some(p)) if g >= p => (fmt_duration(g - p), fmt_ratio(g, p)),
                    (Some(g), Some(p)) => (format!("−{}", fmt_duration(p - g)), fmt_ratio(g, p)),
                    _ => ("n/a".to_string(), "n/a".to_string()),
                };
                t.row([label, cell(g), cell(p), diff, ratio]);
            };
            row("whole command".to_string(), &|r| Some(r.wall));
            row("loading".to_string(), &|r| r.loaded);
            for (key, label) in PHASES {
                row(label.to_string(), &|r| {
                    r.metrics.get(key).map(|ms| Duration::from_millis(*ms))
                });
            }
            let middle = |mut v: Vec<u64>| {
                v.sort_unstable();
                v.get(v.len().saturating_sub(1) / 2).copied()
            };
            let mb = |runs: &[Stats]| {
                middle(
                    runs.iter()
                        .filter_map(|r| r.metrics.get("total memory").copied())
                        .collect(),
                )
            };
            if let (Some(g), Some(p)) = (mb(godwit), mb(plain)) {
                t.row([
                    "memory allocated by the analysis".to_string(),
                    format!("{g} MB"),
                    format!("{p} MB"),
                    if g >= p {
                        format!("{} MB", g - p)
                    } else {
                        format!("−{} MB", p - g)
                    },
                    format!("{:.2}x", g as f64 / (p as f64).max(1.0)),
                ]);
            }
            let counts = |runs: &[Stats]| runs.iter().find_map(|r| r.counts);
            if let (Some((gd, gb)), Some((pd, pb))) = (counts(godwit), counts(plain)) {
                t.row([
                    "declarations / bodies analysed".to_string(),
                    format!("{gd} / {gb}"),
                    format!("{pd} / {pb}"),
                    format!("{} / {}", gd as i64 - pd as i64, gb as i64 - pb as i64),
                    String::new(),
                ]);
            }
            s.table(&t);
            if let (Some(g), Some(p)) = (
                med(godwit, &|r| {
                    r.metrics
                        .get("total time")
                        .map(|ms| Duration::from_millis(*ms))
                }),
                med(plain, &|r| {
                    r.metrics
                        .get("total time")
                        .map(|ms| Duration::from_millis(*ms))
                }),
            ) {
                s.figure("compile.analyzer.godwit", g);
                s.figure("compile.analyzer.plain", p);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_analysis_stats_prints() {
        let m = parse_metrics(
            "METRIC:total time:1234:ms\nsomething\nMETRIC:total memory:56:MB\nMETRIC:bad:x:ms\n",
        );
        assert_eq!(m.get("total time"), Some(&1234));
        assert_eq!(m.get("total memory"), Some(&56));
        assert_eq!(m.len(), 2);
        assert_eq!(
            parse_debug_duration("456.78ms").map(|d| d.as_micros()),
            Some(456_780)
        );
        assert_eq!(
            parse_loaded("Database loaded:     1.50s, 0b (metadata 300.00ms; build 1.00s)\n"),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(parse_debug_duration("12 parsecs"), None);
        assert_eq!(
            parse_metrics("0/69 0% 1/69 100%    METRIC:crate lang items time:278:ms\n")
                .get("crate lang items time"),
            Some(&278)
        );
        assert_eq!(
            parse_counts(
                "  Total Statistics:\n    crates: 9, mods: 361, decls: 3964, bodies: 3_034, adts: 2\n"
            ),
            Some((3964, 3034))
        );
    }

    #[test]
    fn a_binary_that_is_not_there_is_not_measured() {
        let why = version(&OsString::from("/nonexistent/rust-analyzer")).unwrap_err();
        assert!(why.contains("could not be started"), "{why}");
    }
}
