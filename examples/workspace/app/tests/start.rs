//! The application started as a deployed service is, as a subprocess: the
//! first start applies the migrations of the `migrations` crate, the next
//! applies nothing, and each does its work on the schema that crate
//! generates.

use std::path::PathBuf;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_godwit-workspace-example");

/// A working directory of its own, removed afterwards.
struct Workdir(PathBuf);

impl Drop for Workdir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn start(dir: &Workdir) -> String {
    let o: Output = Command::new(BIN)
        .current_dir(&dir.0)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "off")
        .output()
        .expect("run the application");
    let out = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(o.status.code(), Some(0), "{out}");
    out
}

#[test]
fn migrates_on_start_then_works() {
    let dir = Workdir(
        std::env::temp_dir().join(format!("godwit-workspace-start-{}", std::process::id())),
    );
    let _ = std::fs::remove_dir_all(&dir.0);
    std::fs::create_dir_all(&dir.0).expect("mkdir");
    let first = start(&dir);
    assert!(
        first.contains("applied 4 migration(s): base -> 20250304_090000"),
        "{first}"
    );
    assert!(first.contains("users: 1\nnotes not pinned: 1"), "{first}");
    let second = start(&dir);
    assert!(second.contains("no migration to apply"), "{second}");
    assert!(second.contains("users: 2\nnotes not pinned: 2"), "{second}");
}
