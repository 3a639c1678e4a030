//! `godwit-bench`: runs godwit's benchmarks against the tools users would
//! pick instead, and writes the report to stdout and `docs/BENCHMARKS.md`.
//!
//! ```text
//! cargo run --release --manifest-path bench/Cargo.toml -- all
//! ```
//!
//! See `docs/BENCHMARKS.md` for what each table measures.

use godwit_bench::history::Backend;
use godwit_bench::{
    apps, compile, findings, fleet, header, locks, micro, report, runtime, time_passes,
};

use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context, Result};

use godwit_bench::report::Section;

const USAGE: &str =
    "usage: godwit-bench <all|compile|runtime|locks|micro|fleet> [--sizes 100,300,1000] \
     [--reps N] [--migrations N] [--backends sqlite,postgres,mysql] [--rows N] [--targets N] \
     [--no-write]";

fn main() -> Result<ExitCode> {
    if let Some(out) = std::env::var_os(time_passes::ENV) {
        // Invoked by cargo as RUSTC_WORKSPACE_WRAPPER: see time_passes.rs.
        let args: Vec<String> = std::env::args().skip(1).collect();
        return time_passes::wrap(std::path::Path::new(&out), &args);
    }
    let mut args = std::env::args().skip(1);
    let what = args.next().unwrap_or_default();
    if matches!(what.as_str(), "help" | "--help" | "-h") {
        println!("{USAGE}");
        return Ok(ExitCode::SUCCESS);
    }
    let mut sizes = vec![100, 300, 1000];
    let mut reps = 3;
    let mut write = true;
    let mut migrations = 1000;
    let mut rows = 1_000_000;
    let mut fleet_opts = fleet::Options::default();
    let mut backends = Backend::ALL.to_vec();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--sizes" => {
                let list = args.next().context("--sizes needs a list")?;
                sizes = list
                    .split(',')
                    .map(|s| s.trim().parse::<usize>())
                    .collect::<Result<_, _>>()
                    .with_context(|| format!("--sizes {list}"))?;
            }
            "--reps" => {
                reps = args.next().context("--reps needs a number")?.parse()?;
            }
            "--migrations" => {
                migrations = args
                    .next()
                    .context("--migrations needs a number")?
                    .parse()?;
            }
            "--backends" => {
                let list = args.next().context("--backends needs a list")?;
                backends = list
                    .split(',')
                    .map(|k| {
                        Backend::from_key(k.trim()).with_context(|| format!("unknown backend {k}"))
                    })
                    .collect::<Result<_>>()?;
            }
            "--rows" => {
                rows = args.next().context("--rows needs a number")?.parse()?;
            }
            "--targets" => {
                fleet_opts.n = args.next().context("--targets needs a number")?.parse()?;
            }
            "--no-write" => write = false,
            other => bail!("unknown argument {other}\n{USAGE}"),
        }
    }
    if sizes.is_empty() || sizes.contains(&0) || migrations == 0 || reps == 0 || fleet_opts.n == 0 {
        bail!("--sizes, --migrations, --reps and --targets need numbers above 0\n{USAGE}");
    }
    let command = std::iter::once("godwit-bench".to_string())
        .chain(std::env::args().skip(1))
        .collect::<Vec<_>>()
        .join(" ");
    let mut machine = header::Machine::at_start();
    let started_at = std::time::SystemTime::now();
    let started = Instant::now();
    let mut log = |line: &str| eprintln!("[{:>6.1}s] {line}", started.elapsed().as_secs_f64());
    let mut sections: Vec<Section> = Vec::new();
    if !matches!(
        what.as_str(),
        "all" | "compile" | "runtime" | "locks" | "micro" | "fleet"
    ) {
        bail!("{USAGE}");
    }
    if matches!(what.as_str(), "all" | "compile") {
        sections.push(compile::run(&compile::Options { sizes, reps }, &mut log)?);
    }
    if matches!(what.as_str(), "all" | "runtime") {
        let opts = runtime::Options {
            n: migrations,
            backends,
        };
        sections.extend(runtime::run(&opts, &mut log)?);
    }
    if matches!(what.as_str(), "all" | "locks") {
        let opts = locks::Options {
            rows,
            ..locks::Options::default()
        };
        sections.push(locks::run(&opts, &mut log)?);
    }
    if matches!(what.as_str(), "all" | "micro") {
        sections.push(micro::run(&mut log)?);
    }
    if matches!(what.as_str(), "all" | "fleet") {
        sections.push(fleet::run(&fleet_opts, &mut log)?);
    }
    if let Some(s) = findings::section(&sections) {
        sections.push(s);
    }
    machine.load_at_end = header::load_average();
    let head = header::header(&machine, started_at, started.elapsed(), &command);
    let text = report::render(&head, &sections);
    print!("{text}");
    if write {
        let path = apps::repo_root().join("docs").join("BENCHMARKS.md");
        std::fs::write(&path, &text).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(ExitCode::SUCCESS)
}
