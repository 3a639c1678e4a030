//! Building crates with cargo from a test.
// Each test binary uses a part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The workspace's root directory.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("ui-tests sits in the workspace")
        .to_path_buf()
}

/// A crate of its own, `name`, under the workspace's `target/tests/`,
/// depending on godwit by path and on `dependencies` (manifest lines), with
/// the workspace's lock file (same versions, no registry access needed).
/// Returns its directory; its `src/` exists.
pub fn generated_crate(name: &str, dependencies: &str) -> PathBuf {
    let root = workspace_root();
    let dir = root.join("target").join("tests").join(name);
    std::fs::create_dir_all(dir.join("src")).expect("create the crate directory");
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\ngodwit = {{ path = {:?} }}\n{dependencies}\n[workspace]\n",
            root.join("runtime")
        ),
    )
    .expect("write Cargo.toml");
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).expect("copy Cargo.lock");
    dir
}

/// trybuild's target directory, where the ui-tests' dependencies are built.
pub fn trybuild_target() -> PathBuf {
    workspace_root()
        .join("target")
        .join("tests")
        .join("trybuild")
}

/// `cargo build` of a generated or example crate, offline, in trybuild's
/// target directory (its dependencies are already built there). Prints the
/// time it took; returns success and stderr.
pub fn cargo_build(dir: &Path, what: &str) -> (bool, String) {
    let target = trybuild_target();
    let started = Instant::now();
    let output = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--offline", "--color", "never"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .output()
        .expect("run cargo");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    println!(
        "cargo build of {what}: {:.1} s",
        started.elapsed().as_secs_f64()
    );
    (output.status.success(), stderr)
}
