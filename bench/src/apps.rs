//! Generated application crates and the cargo commands that build them.
//!
//! Each tool gets its own cargo workspace and target directory under
//! `target/godwit-bench/`, so that the peers' dependency graphs never meet
//! (sqlx and diesel bundle different `libsqlite3-sys` versions) and a build
//! of one never invalidates another's.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{bail, Context, Result};

/// One generated crate: its name and every file, by path relative to it.
#[derive(Clone, Debug)]
pub struct AppCrate {
    /// The package name.
    pub name: String,
    /// `Cargo.toml`'s `[dependencies]` body.
    pub dependencies: String,
    /// Files relative to the crate directory, with their text.
    pub files: Vec<(PathBuf, String)>,
}

/// A cargo workspace of generated crates with its own target directory.
#[derive(Clone, Debug)]
pub struct AppWorkspace {
    /// The workspace directory.
    pub dir: PathBuf,
    /// Its target directory.
    pub target: PathBuf,
    /// Extra text for the workspace manifest (a `[profile..]` section).
    pub manifest_extra: String,
}

/// What one `cargo build` did.
#[derive(Clone, Copy, Debug)]
pub struct Build {
    /// Wall-clock time of the cargo command.
    pub elapsed: Duration,
}

/// The godwit workspace root (the directory holding `Cargo.lock`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("bench/ sits in the workspace")
        .to_path_buf()
}

/// The bench crate's own directory (a workspace of its own).
pub fn bench_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The directory every generated workspace and database file lives in.
pub fn scratch_dir() -> PathBuf {
    repo_root().join("target").join("godwit-bench")
}

/// The cargo that runs this program (the same toolchain), or `cargo`.
pub fn cargo() -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    clean_env(&mut cmd);
    cmd
}

/// Removes the outer cargo invocation's settings from `cmd`'s environment,
/// for a command that runs cargo builds of the generated crates.
pub fn clean_env(cmd: &mut Command) {
    // Nothing of the outer cargo invocation leaks into the inner builds.
    for var in [
        "CARGO_TARGET_DIR",
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "CARGO_BUILD_TARGET",
        "CARGO_INCREMENTAL",
    ] {
        cmd.env_remove(var);
    }
    // Profile overrides (debug info, opt-level) would change what is timed.
    for (var, _) in std::env::vars_os() {
        if var
            .to_str()
            .is_some_and(|v| v.starts_with("CARGO_PROFILE_"))
        {
            cmd.env_remove(var);
        }
    }
}

/// Writes `path` only when its text differs, so unchanged files keep their
/// modification time and cargo's fingerprints stay fresh across runs.
pub fn write_if_changed(path: &Path, text: &str) -> Result<()> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

/// Sets a file's modification time to now, as `touch` does.
pub fn touch(path: &Path) -> Result<()> {
    let file = std::fs::File::options()
        .append(true)
        .open(path)
        .with_context(|| format!("opening {}", path.display()))?;
    file.set_modified(SystemTime::now())
        .with_context(|| format!("touching {}", path.display()))
}

/// Profile lines under which godwit's own crates build as the registry
/// dependency a user has: cargo compiles path dependencies incrementally,
/// as it does a workspace's own code, and registry ones not. The bench
/// depends on godwit by path only because it is not published; diesel and
/// sqlx come from the registry.
pub const GODWIT_AS_REGISTRY: &str = "\n[profile.dev.package.godwit]\nincremental = false\n\
     [profile.dev.package.godwit-core]\nincremental = false\n\
     [profile.dev.package.godwit-macros]\nincremental = false\n";

impl AppWorkspace {
    /// The workspace `target/godwit-bench/<name>` of an application that
    /// depends on godwit, built as a registry dependency
    /// ([`GODWIT_AS_REGISTRY`]).
    pub fn godwit(name: &str) -> Self {
        AppWorkspace {
            manifest_extra: GODWIT_AS_REGISTRY.to_string(),
            ..AppWorkspace::new(name)
        }
    }

    /// The workspace `target/godwit-bench/<name>`.
    pub fn new(name: &str) -> Self {
        let dir = scratch_dir().join(name);
        let target = dir.join("target");
        AppWorkspace {
            dir,
            target,
            manifest_extra: String::new(),
        }
    }

    /// The workspace `target/godwit-bench/<name>` building into the
    /// bench crate's own target directory, so that dependencies already
    /// compiled for `godwit-bench` (same versions, features and profile)
    /// are reused rather than built again.
    pub fn sharing_repo_target(name: &str) -> Self {
        AppWorkspace {
            dir: scratch_dir().join(name),
            target: bench_root().join("target"),
            manifest_extra: String::new(),
        }
    }

    /// Writes the workspace manifest and every crate. `lock_seed` is copied
    /// as `Cargo.lock` when there is none yet, so that dependency versions
    /// are the pinned ones.
    pub fn write(&self, crates: &[AppCrate], lock_seed: Option<&Path>) -> Result<()> {
        let members: Vec<String> = crates.iter().map(|c| format!("{:?}", c.name)).collect();
        let manifest = format!(
            "# Generated by godwit-bench; rewritten on every run.\n\
             [workspace]\nresolver = \"2\"\nmembers = [{}]\n{}",
            members.join(", "),
            self.manifest_extra
        );
        write_if_changed(&self.dir.join("Cargo.toml"), &manifest)?;
        let lock = self.dir.join("Cargo.lock");
        if let (Some(seed), false) = (lock_seed, lock.exists()) {
            std::fs::copy(seed, &lock)
                .with_context(|| format!("copying {} to {}", seed.display(), lock.display()))?;
        }
        for c in crates {
            let dir = self.dir.join(&c.name);
            let has_build_rs = c.files.iter().any(|(p, _)| p == Path::new("build.rs"));
            let manifest = format!(
                "[package]\nname = {:?}\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n{}\n\
                 [dependencies]\n{}",
                c.name,
                if has_build_rs { "build = \"build.rs\"\n" } else { "" },
                c.dependencies
            );
            write_if_changed(&dir.join("Cargo.toml"), &manifest)?;
            for (path, text) in &c.files {
                write_if_changed(&dir.join(path), text)?;
            }
        }
        Ok(())
    }

    /// The directory of crate `name`.
    pub fn crate_dir(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    fn cargo(&self, args: &[&str]) -> Command {
        let mut cmd = cargo();
        cmd.args(args)
            .args(["--color", "never"])
            .current_dir(&self.dir)
            .env("CARGO_TARGET_DIR", &self.target);
        cmd
    }

    /// `cargo build -p package` (with `--release` when asked), timed.
    /// Fails when cargo fails or when it did not compile `package`, which
    /// would mean the change it was meant to measure went unnoticed.
    pub fn build(&self, package: &str, release: bool) -> Result<Build> {
        let mut args = vec!["build", "-p", package];
        if release {
            args.push("--release");
        }
        let started = Instant::now();
        let output = self
            .cargo(&args)
            .output()
            .with_context(|| format!("running cargo build -p {package}"))?;
        let elapsed = started.elapsed();
        let stderr = String::from_utf8_lossy(&output.stderr);
        if !output.status.success() {
            bail!("cargo build -p {package} failed:\n{stderr}");
        }
        if !stderr.contains(&format!("Compiling {package} ")) {
            bail!("cargo build -p {package} did not recompile {package}:\n{stderr}");
        }
        Ok(Build { elapsed })
    }

    /// Builds `package` and whatever it needs, untimed (dependencies).
    pub fn prepare(&self, package: &str, release: bool) -> Result<()> {
        let mut args = vec!["build", "-p", package];
        if release {
            args.push("--release");
        }
        let output = self
            .cargo(&args)
            .output()
            .with_context(|| format!("running cargo build -p {package}"))?;
        if !output.status.success() {
            bail!(
                "cargo build -p {package} failed:\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        Ok(())
    }

    /// `cargo clean -p package`: removes that crate's artifacts only.
    pub fn clean(&self, package: &str, release: bool) -> Result<()> {
        let mut args = vec!["clean", "-p", package];
        if release {
            args.push("--release");
        }
        let output = self
            .cargo(&args)
            .output()
            .with_context(|| format!("running cargo clean -p {package}"))?;
        if !output.status.success() {
            bail!(
                "cargo clean -p {package} failed:\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        Ok(())
    }
}
