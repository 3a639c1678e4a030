//! What an editor shows for a long history: rust-analyzer, whose
//! proc-macro server does not say which file a macro call is in, expands a
//! set of 300 migrations (one file each, as `godwit new` writes them, and
//! the item form with Diesel's schema) with its rules checked and its
//! `MIGRATIONS` and `schema` there for the application's code.
//!
//! Runs `rust-analyzer diagnostics` on a generated crate. Without the
//! rust-analyzer component the test says so and passes, unless
//! `GODWIT_TEST_RUST_ANALYZER` is set (as `.ci/run` does): then it fails.

use std::path::{Path, PathBuf};
use std::process::Command;

mod support;
use support::{generated_crate, trybuild_target};

const MIGRATIONS: usize = 300;
/// The migration that adds a required column (a table of its own exists).
const BAD: usize = 250;

/// The i-th migration's file and module, and its text: every third
/// creates a table, the others add a nullable column to it; `BAD` adds a
/// NOT NULL one without a default.
fn migration(i: usize) -> (String, String, String) {
    let down = if i == 0 {
        String::new()
    } else {
        format!("down_revision = \"{:04}\", ", i - 1)
    };
    let table = format!("table_{}", i / 3);
    let (message, up, undo) = match i % 3 {
        0 => (
            format!("create the {table} table"),
            format!("op.create_table(\"{table}\", [column(\"id\", BigInt).primary_key()]);"),
            format!("op.drop_table(\"{table}\");"),
        ),
        k => {
            let column = format!("c{k}");
            let required = if i == BAD { ".not_null()" } else { "" };
            (
                format!("add the {table}.{column} column"),
                format!("op.add_column(\"{table}\", column(\"{column}\", Text){required});"),
                format!("op.drop_column(\"{table}\", \"{column}\");"),
            )
        }
    };
    let name = message.replace(['.', ' '], "_");
    let text = format!(
        "use godwit::dsl::*;\n\n\
         #[godwit::migration(revision = \"{i:04}\", {down}message = \"{message}\")]\n\
         pub mod {name} {{\n    use super::*;\n\n    \
         pub fn upgrade(op: &mut Ops) {{\n        {up}\n    }}\n\n    \
         pub fn downgrade(op: &mut Ops) {{\n        {undo}\n    }}\n}}\n"
    );
    (format!("m{i:04}"), name, text)
}

/// Writes the crate and returns its directory.
fn write_crate() -> PathBuf {
    let dir = generated_crate(
        "godwit-editor-set",
        "diesel = { version = \"2.3\", default-features = false, features = [\"sqlite\"] }\n",
    );
    let src = dir.join("src");
    // The layout `new` writes: a file per migration beside the set.
    let mut mods = String::new();
    let mut paths = String::new();
    for i in 0..MIGRATIONS {
        let (file, module, text) = migration(i);
        std::fs::write(src.join(format!("{file}.rs")), text).expect("write a migration");
        mods.push_str(&format!("mod {file};\n"));
        paths.push_str(&format!("    {file}::{module},\n"));
    }
    std::fs::write(
        src.join("main.rs"),
        format!(
            "{mods}\n\
             godwit::migrations! {{\n    pub static MIGRATIONS;\n    pub mod schema;\n{paths}}}\n\n\
             use schema::table_0;\n\n\
             fn main() {{\n    let _ = table_0::table;\n    println!(\"{{}}\", MIGRATIONS.len());\n}}\n"
        ),
    )
    .expect("write main.rs");
    dir
}

/// `rust-analyzer diagnostics` of `dir`: the diagnostics it reports in the
/// crate's own files, one per line.
fn diagnostics(dir: &Path) -> Option<Vec<String>> {
    let available = Command::new("rust-analyzer")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !available {
        assert!(
            std::env::var_os("GODWIT_TEST_RUST_ANALYZER").is_none(),
            "GODWIT_TEST_RUST_ANALYZER is set but rust-analyzer does not run \
             (rustup component add rust-analyzer)"
        );
        return None;
    }
    let output = Command::new("rust-analyzer")
        .arg("diagnostics")
        .arg(dir)
        .env("CARGO_TARGET_DIR", trybuild_target())
        .env("CARGO_NET_OFFLINE", "true")
        .output()
        .expect("run rust-analyzer");
    // Progress lines end with carriage returns; a diagnostic names its crate.
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    assert!(
        text.contains("diagnostic scan complete"),
        "rust-analyzer did not finish:\n{text}"
    );
    Some(
        text.split(['\r', '\n'])
            .filter_map(|line| Some(line[line.find("at crate godwit_editor_set")?..].to_string()))
            .collect(),
    )
}

#[test]
fn rust_analyzer_checks_a_set_longer_than_the_recursion_limit() {
    let dir = write_crate();
    let Some(found) = diagnostics(&dir) else {
        eprintln!("rust-analyzer is not installed: the editor's view of a long set is not checked");
        return;
    };
    let errors: Vec<&String> = found.iter().filter(|d| d.contains(": Error ")).collect();
    // The set's rules ran: its one error is there, on the call (where
    // rust-analyzer shows an error of the set's expansion).
    assert_eq!(errors.len(), 1, "{found:#?}");
    assert!(
        errors[0].contains("[add-required-column] adding NOT NULL column `table_83.c1`"),
        "{found:#?}"
    );
    let call_file = format!("file {}:", dir.join("src").join("main.rs").display());
    assert!(errors[0].contains(&call_file), "{found:#?}");
    // What the item form declares exists for the code that uses it.
    assert!(
        !found
            .iter()
            .any(|d| d.contains("unresolved") || d.contains("E0425")),
        "{found:#?}"
    );
}
