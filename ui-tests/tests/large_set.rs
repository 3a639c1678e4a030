//! A generated application of 5000 migrations in 50 files (tables, columns,
//! indexes, deprecate/drop pairs) builds with every rule checked and no
//! `recursion_limit`; with one bad migration near the end, the error points
//! at its file and line.
//!
//! Builds a real crate with cargo, in trybuild's target directory so the
//! dependencies compiled for the ui-tests are reused.

use std::fmt::Write as _;
use std::path::PathBuf;

mod support;
use support::{cargo_build, generated_crate};

const FILES: usize = 50;
const PER_FILE: usize = 100;

/// One generated migration.
struct Generated {
    source: String,
}

/// The i-th migration of the history. Every fifth creates a table; the others
/// cycle through safe changes of the latest table.
fn migration(i: usize) -> Generated {
    let revision = format!("{i:04}");
    let down = if i == 0 {
        String::new()
    } else {
        format!(", down_revision = \"{:04}\"", i - 1)
    };
    let table = format!("table_{}", i / 5);
    let (message, up, down_ops) = match i % 5 {
        0 => (
            format!("create the {table} table"),
            format!(
                "op.create_table(\"{table}\", [column(\"id\", BigInt).primary_key(), column(\"name\", Text).not_null(), column(\"legacy\", Integer)]);"
            ),
            format!("op.drop_table(\"{table}\");"),
        ),
        1 => (
            format!("add {table}.note column"),
            format!("op.add_column(\"{table}\", column(\"note\", Varchar(100)).server_default(\"none\"));"),
            format!("op.drop_column(\"{table}\", \"note\");"),
        ),
        2 => (
            format!("index {table} by name concurrently"),
            format!("op.create_index(\"idx_{table}_name\", \"{table}\", [\"name\"]).concurrently();"),
            format!("op.drop_index(\"idx_{table}_name\", \"{table}\").concurrently();"),
        ),
        3 => (
            format!("deprecate {table}.legacy column"),
            format!("op.deprecate_column(\"{table}\", \"legacy\");"),
            // legacy was nullable already: nothing to restore.
            String::new(),
        ),
        _ => (
            format!("drop deprecated {table}.legacy column"),
            format!("op.drop_column(\"{table}\", \"legacy\");"),
            format!("op.add_column(\"{table}\", column(\"legacy\", Integer));"),
        ),
    };
    let mut source = String::new();
    let _ = writeln!(
        source,
        "#[godwit::migration(revision = \"{revision}\"{down}, message = \"{message}\")]"
    );
    let _ = writeln!(source, "pub mod m{i} {{");
    let _ = writeln!(source, "    use godwit::dsl::*;");
    let _ = writeln!(source, "    pub fn upgrade(op: &mut Ops) {{");
    let _ = writeln!(source, "        {up}");
    let _ = writeln!(source, "    }}");
    let _ = writeln!(source, "    pub fn downgrade(op: &mut Ops) {{");
    if !down_ops.is_empty() {
        let _ = writeln!(source, "        {down_ops}");
    }
    let _ = writeln!(source, "    }}");
    let _ = writeln!(source, "}}");
    Generated { source }
}

/// Writes the crate; `bad` replaces migration `bad.0`'s upgrade and downgrade
/// lines with `bad.1` and `bad.2`.
/// Returns the crate directory and the (file, line) of the replaced line.
fn write_crate(name: &str, bad: Option<(usize, &str, &str)>) -> (PathBuf, Option<(String, usize)>) {
    let dir = generated_crate(name, "");
    let src = dir.join("src").join("migrations");
    std::fs::create_dir_all(&src).expect("create the migrations directory");

    let mut paths = Vec::new();
    let mut bad_at = None;
    let mut mods = String::new();
    for f in 0..FILES {
        let mut text = String::new();
        for k in 0..PER_FILE {
            let i = f * PER_FILE + k;
            let mut m = migration(i);
            if let Some((bad_i, bad_up, bad_down)) = bad {
                if bad_i == i {
                    let start = text.lines().count();
                    // The upgrade's op is the fifth line of a generated
                    // migration, the downgrade's the eighth.
                    let lines: Vec<&str> = m.source.lines().collect();
                    let mut replaced: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
                    replaced[4] = format!("        {bad_up}");
                    replaced[7] = format!("        {bad_down}");
                    m.source = replaced.join("\n") + "\n";
                    bad_at = Some((format!("src/migrations/f{f:02}.rs"), start + 5));
                }
            }
            text.push_str(&m.source);
            paths.push(format!("migrations::f{f:02}::m{i}"));
        }
        std::fs::write(src.join(format!("f{f:02}.rs")), text).expect("write a migration file");
        let _ = writeln!(mods, "pub mod f{f:02};");
    }
    std::fs::write(src.join("mod.rs"), mods).expect("write mod.rs");
    let list = paths.join(",\n    ");
    std::fs::write(
        dir.join("src").join("main.rs"),
        format!(
            "mod migrations;\n\n\
             pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![\n    {list}\n];\n\n\
             fn main() {{\n    println!(\"{{}}\", MIGRATIONS.len());\n}}\n"
        ),
    )
    .expect("write main.rs");
    (dir, bad_at)
}

#[test]
fn five_thousand_migrations_build_and_errors_point_at_their_file() {
    let (dir, _) = write_crate("godwit-large-set", None);
    let (ok, stderr) = cargo_build(&dir, &format!("{} migrations", FILES * PER_FILE));
    assert!(ok, "the generated set must build:\n{stderr}");

    // Migration 4986 (file 49) adds a required column to an existing table.
    let (dir, at) = write_crate(
        "godwit-large-set-bad",
        Some((
            4986,
            "op.add_column(\"table_997\", column(\"required_field\", Text).not_null());",
            "op.drop_column(\"table_997\", \"required_field\");",
        )),
    );
    let (file, line) = at.expect("the bad migration was written");
    let (ok, stderr) = cargo_build(&dir, &format!("{} migrations", FILES * PER_FILE));
    assert!(!ok, "the bad migration must fail the build");
    assert!(stderr.contains("[add-required-column]"), "{stderr}");
    let location = format!("--> {file}:{line}:9");
    assert!(
        stderr.contains(&location),
        "expected the error at {location}:\n{stderr}"
    );
    assert_eq!(stderr.matches("error: [").count(), 1, "{stderr}");
}
