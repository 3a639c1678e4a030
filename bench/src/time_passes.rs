//! rustc's own account of where a crate's compile time goes, from
//! `-Z time-passes`, taken through `RUSTC_WORKSPACE_WRAPPER` so that only
//! the generated application crate is compiled with it: its dependencies
//! keep their artifacts and fingerprints.
//!
//! The wrapper is this program: when `GODWIT_BENCH_TIME_PASSES` names a
//! file, it runs the rustc command it was handed with `-Z time-passes`
//! (allowed on stable by `RUSTC_BOOTSTRAP=1`, for that one rustc process)
//! and appends the `time:` lines to the file.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};

use anyhow::{bail, Context, Result};

use crate::apps::AppWorkspace;

/// The environment variable that turns this program into the wrapper.
pub const ENV: &str = "GODWIT_BENCH_TIME_PASSES";

/// Acts as `RUSTC_WORKSPACE_WRAPPER`: `args` are `rustc` and its arguments.
pub fn wrap(out: &Path, args: &[String]) -> Result<ExitCode> {
    let (rustc, rest) = args.split_first().context("no rustc to wrap")?;
    let is_build_script = rest
        .windows(2)
        .any(|w| w[0] == "--crate-name" && w[1].starts_with("build_script"));
    let compiles_a_crate = rest.iter().any(|a| a == "--crate-name");
    let mut cmd = Command::new(rustc);
    cmd.args(rest);
    if !compiles_a_crate || is_build_script {
        let status = cmd.status().context("running rustc")?;
        return Ok(if status.success() {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        });
    }
    cmd.arg("-Ztime-passes")
        .env("RUSTC_BOOTSTRAP", "1")
        .stderr(Stdio::piped());
    let output = cmd.output().context("running rustc -Z time-passes")?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(out)
        .with_context(|| format!("opening {}", out.display()))?;
    let mut passed_on = String::new();
    for line in stderr.lines() {
        if line.starts_with("time:") {
            writeln!(file, "{line}")?;
        } else {
            passed_on.push_str(line);
            passed_on.push('\n');
        }
    }
    std::io::stdout().write_all(&output.stdout)?;
    eprint!("{passed_on}");
    Ok(if output.status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Seconds per pass name (the last time rustc reported each).
pub type Passes = BTreeMap<String, f64>;

/// Parses `time:   1.750; rss: ... \tmacro_expand_crate` lines.
pub fn parse(text: &str) -> Passes {
    let mut passes = Passes::new();
    for line in text.lines() {
        let Some(rest) = line.strip_prefix("time:") else {
            continue;
        };
        let Some((secs, _)) = rest.split_once(';') else {
            continue;
        };
        let Some(name) = rest.split_whitespace().last() else {
            continue;
        };
        if let Ok(secs) = secs.trim().parse::<f64>() {
            passes.insert(name.to_string(), secs);
        }
    }
    passes
}

/// Rebuilds `package` twice with the wrapper, `change(i)` making the i-th
/// change (a touch, an edit) before each, and returns rustc's pass times
/// for the second build. The first build with `-Z time-passes` after builds
/// without it finds none of its incremental results reusable and
/// type-checks the whole crate again, which a developer's next build does
/// not.
pub fn measure(
    ws: &AppWorkspace,
    package: &str,
    change: impl Fn(usize) -> Result<()>,
) -> Result<Passes> {
    change(0)?;
    wrapped_build(ws, package)?;
    change(1)?;
    wrapped_build(ws, package)
}

/// One build of `package` with the wrapper.
fn wrapped_build(ws: &AppWorkspace, package: &str) -> Result<Passes> {
    let out = ws.target.join(format!("time-passes-{package}.txt"));
    let _ = std::fs::remove_file(&out);
    let exe = std::env::current_exe().context("locating godwit-bench")?;
    let output = crate::apps::cargo()
        .args(["build", "-p", package, "--color", "never"])
        .current_dir(&ws.dir)
        .env("CARGO_TARGET_DIR", &ws.target)
        .env("RUSTC_WORKSPACE_WRAPPER", &exe)
        .env(ENV, &out)
        .output()
        .with_context(|| format!("running cargo build -p {package} with -Z time-passes"))?;
    if !output.status.success() {
        bail!(
            "cargo build -p {package} with -Z time-passes failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let text = std::fs::read_to_string(&out).with_context(|| {
        format!(
            "reading {} (rustc printed no pass times):\n{}",
            out.display(),
            String::from_utf8_lossy(&output.stderr)
        )
    })?;
    Ok(parse(&text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pass_lines() {
        let p = parse(
            "time:   1.750; rss:   45MB ->  189MB ( +144MB)\tmacro_expand_crate\n\
             something else\n\
             time:   4.121; rss:   28MB ->   93MB (  +66MB)\ttotal\n",
        );
        assert_eq!(p.get("macro_expand_crate"), Some(&1.75));
        assert_eq!(p.get("total"), Some(&4.121));
        assert_eq!(p.len(), 2);
    }
}
