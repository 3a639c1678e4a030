//! The fleet benchmark: one set, many databases. The example application's
//! binary (`examples/app`, built in release) brings `n` fresh SQLite files
//! to head with `fleet upgrade --targets FILE` at `--parallel` 1, 4 and 16,
//! against the way it is done without the fleet command: a shell loop
//! calling `upgrade --database-url URL` once per target. Each run gets its
//! own fresh files, and every run is checked afterwards (`fleet check`
//! exits 0 only when every target is at head).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::apps::{cargo, repo_root, scratch_dir};
use crate::report::{fmt_duration, fmt_ratio, Section, Table};

/// What the fleet benchmark runs.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Targets per run (SQLite files).
    pub n: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options { n: 500 }
    }
}

/// The `--parallel` values timed.
const PARALLEL: [usize; 3] = [1, 4, 16];

/// Builds the example application in release, in a target directory of its
/// own under the bench's scratch directory, and returns its binary.
fn example_binary(log: &mut dyn FnMut(&str)) -> Result<PathBuf> {
    let target = scratch_dir().join("fleet-target");
    log("fleet: building the example application (release)");
    let status = cargo()
        .current_dir(repo_root())
        .args(["build", "--release", "--quiet", "-p", "godwit-example"])
        .arg("--target-dir")
        .arg(&target)
        .status()
        .context("running cargo build -p godwit-example")?;
    if !status.success() {
        bail!("cargo build --release -p godwit-example failed");
    }
    let bin = target
        .join("release")
        .join(format!("godwit-example{}", std::env::consts::EXE_SUFFIX));
    if !bin.exists() {
        bail!("{} was not built", bin.display());
    }
    Ok(bin)
}

/// `n` fresh SQLite targets in a new directory, and the targets file.
fn fresh_targets(dir: &Path, n: usize) -> Result<PathBuf> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).with_context(|| format!("clearing {}", dir.display()))?;
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let urls: Vec<String> = (0..n)
        .map(|i| format!("sqlite://{}", dir.join(format!("tenant_{i}.db")).display()))
        .collect();
    let file = dir.join("targets");
    std::fs::write(&file, urls.join("\n") + "\n")?;
    Ok(file)
}

/// Runs `cmd` quietly, timed; an exit other than 0 is an error.
fn timed(what: &str, cmd: &mut Command) -> Result<Duration> {
    let started = Instant::now();
    let out = cmd
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "off")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .with_context(|| format!("running {what}"))?;
    let elapsed = started.elapsed();
    if !out.status.success() {
        bail!(
            "{what} exited with {}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(elapsed)
}

/// One run on fresh targets: its time, checked with `fleet check`.
fn run_one(bin: &Path, dir: &Path, n: usize, parallel: Option<usize>) -> Result<Duration> {
    let file = fresh_targets(dir, n)?;
    let elapsed = match parallel {
        Some(p) => timed(
            &format!("fleet upgrade --parallel {p}"),
            Command::new(bin)
                .args(["fleet", "upgrade", "--targets"])
                .arg(&file)
                .args(["--parallel", &p.to_string()]),
        )?,
        None => timed(
            "the shell loop",
            Command::new("sh")
                .arg("-c")
                .arg(
                    "for url in $(cat \"$1\"); do \
                     \"$2\" upgrade --database-url \"$url\" || exit 1; done",
                )
                .arg("sh")
                .arg(&file)
                .arg(bin),
        )?,
    };
    timed(
        "fleet check",
        Command::new(bin)
            .args(["fleet", "check", "--targets"])
            .arg(&file),
    )?;
    Ok(elapsed)
}

/// Runs the fleet benchmark and returns its section.
pub fn run(opts: &Options, log: &mut dyn FnMut(&str)) -> Result<Section> {
    let bin = example_binary(log)?;
    let dir = scratch_dir().join("fleet-targets");
    let n = opts.n;
    log(&format!("fleet: shell loop, {n} targets"));
    let shell = run_one(&bin, &dir, n, None);
    let mut runs = Vec::new();
    for p in PARALLEL {
        log(&format!("fleet: fleet upgrade --parallel {p}, {n} targets"));
        runs.push((p, run_one(&bin, &dir, n, Some(p))));
    }
    let _ = std::fs::remove_dir_all(&dir);
    let shell = shell?;

    let mut section = Section::new(format!("6. A fleet of {n} databases"));
    section.para(format!(
        "The example application's set (`examples/app`, built in release) \
         brought to head on {n} fresh SQLite files: `godwit-example fleet \
         upgrade --targets FILE --parallel P` against a shell loop calling \
         `godwit-example upgrade --database-url URL` once per target (`sh -c \
         'for url in ...; do ...; done'`). Each run starts from new files; \
         after each, `fleet check` confirms every target is at head (not \
         timed). One run each, wall-clock time of the whole command."
    ));
    let mut table = Table::new(["how", "time", "per target", "shell loop / this"]);
    let per = |d: Duration| fmt_duration(d / n as u32);
    table.row([
        "shell loop, `upgrade` per target".to_string(),
        fmt_duration(shell),
        per(shell),
        "1.00x".to_string(),
    ]);
    section.figure("fleet_shell_loop", shell);
    for (p, r) in runs {
        let d = r?;
        table.row([
            format!("`fleet upgrade --parallel {p}`"),
            fmt_duration(d),
            per(d),
            fmt_ratio(shell, d),
        ]);
        section.figure(format!("fleet_parallel_{p}"), d);
    }
    section.table(&table);
    Ok(section)
}
