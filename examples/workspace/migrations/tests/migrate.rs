//! The `migrate` binary run as a user would, as a subprocess: on a database,
//! and `new` in the workspace layout, from the workspace root and from the
//! application's crate, with no flag saying where the migrations are.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_migrate");
const HEAD: &str = "20250304_090000";

/// A directory of its own, removed afterwards.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("godwit-migrate-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create the directory");
        Scratch(dir)
    }

    fn write(&self, path: &str, text: &str) {
        let path = self.0.join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.0.join(path)).expect("read")
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `migrate` with `args` in `dir`, on its default database.
fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "off")
        .output()
        .expect("run migrate")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A workspace laid out as the README recommends, with this crate's
/// sources (the migrations this binary was built from).
fn workspace(name: &str) -> Scratch {
    let s = Scratch::new(name);
    s.write(
        "Cargo.toml",
        "[workspace]\nresolver = \"2\"\nmembers = [\"app\", \"migrations\"]\n",
    );
    s.write("app/Cargo.toml", "[package]\nname = \"app\"\n");
    s.write("app/src/main.rs", "fn main() {}\n");
    s.write(
        "migrations/Cargo.toml",
        "[package]\nname = \"migrations\"\n",
    );
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for entry in std::fs::read_dir(&src).expect("src").flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "rs") {
            let name = path.file_name().expect("a name").to_string_lossy();
            s.write(
                &format!("migrations/src/{name}"),
                &std::fs::read_to_string(&path).expect("read"),
            );
        }
    }
    s
}

/// `new` from `start` (relative to the workspace) writes the next
/// migration into the migrations crate and lists it there.
fn new_from(name: &str, start: &str) {
    let ws = workspace(name);
    let o = run(
        &ws.0.join(start),
        &["--json", "new", "add users.display_name column"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let made: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(made["down_revision"], HEAD);
    let stem = format!(
        "m{}_add_users_display_name_column",
        made["revision"].as_str().expect("a revision")
    );
    let file = ws.0.join(format!("migrations/src/{stem}.rs"));
    let shown = PathBuf::from(made["file"].as_str().expect("a file"));
    assert_eq!(ws.0.join(start).join(&shown), file, "from {start}");
    let source = std::fs::read_to_string(&file).expect("the migration");
    assert!(
        source.contains(&format!("down_revision = \"{HEAD}\"")),
        "{source}"
    );

    let lib = ws.read("migrations/src/lib.rs");
    assert!(
        lib.contains(&format!(
            "pub mod m20250304_090000_add_notes_pinned;\npub mod {stem};\n"
        )),
        "{lib}"
    );
    assert!(
        lib.contains(&format!(
            "    m20250304_090000_add_notes_pinned::add_notes_pinned,\n    {stem}::add_users_display_name_column,\n}}"
        )),
        "{lib}"
    );
    assert!(!ws.0.join("migrations/src/mod.rs").exists());
    assert!(!ws.0.join("app/src/migrations").exists());
    assert!(!ws.0.join("src").exists());
}

#[test]
fn new_from_the_workspace_root() {
    new_from("root", ".");
}

#[test]
fn new_from_the_application_crate() {
    new_from("app", "app");
}

#[test]
fn upgrade_check_and_verify() {
    let dir = Scratch::new("run");
    let o = run(&dir.0, &["upgrade"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("applied 4 migration(s)"), "{}", text(&o));
    assert!(
        dir.0.join("godwit-workspace-example.db").exists(),
        "the default database is the application's"
    );
    let o = run(&dir.0, &["check"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = run(&dir.0, &["verify"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        text(&o).contains("verify: 4 passed, 0 failed"),
        "{}",
        text(&o)
    );
}
