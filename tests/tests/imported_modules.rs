//! The imported sets of `godwit_tests::imported` are what `godwit::import`
//! writes for the histories under `tests/fixtures/import/`: each is imported
//! again into a scratch directory and compared file by file. When they
//! part, the failure says how to write them again:
//! `GODWIT_REGENERATE_IMPORTED=1 cargo test -p godwit-tests --test imported_modules`
//! (then review the difference with `git diff`). Both sides are compared as
//! `rustfmt` formats them, as `cargo fmt` keeps the committed copy. No
//! server is needed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use godwit::import::{import, ImportOptions, ImportReport};
use godwit_tests::imported::{seed, ImportedHistory, HISTORIES};

const REGENERATE: &str =
    "GODWIT_REGENERATE_IMPORTED=1 cargo test -p godwit-tests --test imported_modules";

/// A scratch directory, removed afterwards.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Every file under `dir`, by its path relative to `dir`.
fn files(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path
                    .strip_prefix(dir)
                    .expect("under the directory")
                    .to_string_lossy()
                    .into_owned();
                let text = std::fs::read_to_string(&path)
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                out.insert(relative, text);
            }
        }
    }
    out
}

/// Imports `history`'s fixture into a scratch `src/` seeded with an empty
/// set; the scratch directory and the import's report.
fn import_again(history: &ImportedHistory) -> (Scratch, ImportReport) {
    let root = std::env::temp_dir().join(format!(
        "godwit-imported-{}-{}",
        history.name,
        godwit_tests::testdb::unique_name()
    ));
    let scratch = Scratch(root.clone());
    let src = root.join("src");
    std::fs::create_dir_all(&src).expect("mkdir");
    std::fs::write(src.join("mod.rs"), seed(history)).expect("seed");
    let dir = src.join("migrations");
    // Relative to the tests crate, where `cargo test` runs it: the modules
    // name their original file by this path.
    let report = import(&ImportOptions {
        tool: history.tool,
        from: Path::new(history.fixture),
        dialect: history.dialect,
        dir: &dir,
        src: &src,
        existing: &[],
    })
    .unwrap_or_else(|e| panic!("importing {}: {e}", history.fixture));
    rustfmt(&src.join("mod.rs"));
    (scratch, report)
}

/// Formats the module tree from `root` in place, as `cargo fmt` formats the
/// committed copy (the import writes one statement to a line).
fn rustfmt(root: &Path) {
    let out = Command::new(std::env::var("RUSTFMT").unwrap_or_else(|_| "rustfmt".into()))
        .args(["--edition", "2021"])
        .arg(root)
        .output()
        .unwrap_or_else(|e| {
            panic!("running rustfmt (the comparison is of formatted code; set RUSTFMT): {e}")
        });
    assert!(
        out.status.success(),
        "rustfmt {}: {}",
        root.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn imported_modules_are_what_the_import_writes() {
    let regenerate = std::env::var_os("GODWIT_REGENERATE_IMPORTED").is_some();
    let mut parted = Vec::new();
    for history in &HISTORIES {
        let (scratch, report) = import_again(history);
        assert_eq!(
            report.problems,
            Vec::<(String, String)>::new(),
            "{}: the checker refuses the import",
            history.name
        );
        let dsl: usize = report.migrations.iter().map(|m| m.dsl).sum();
        let raw: usize = report.migrations.iter().map(|m| m.raw).sum();
        let irreversible: Vec<&str> = report
            .migrations
            .iter()
            .filter(|m| m.irreversible.is_some())
            .map(|m| m.revision.as_str())
            .collect();
        println!(
            "{}: {} migrations, {dsl} statements as DSL ops, {raw} as op.execute, \
             irreversible: {irreversible:?}, outside a transaction: {:?}",
            history.name,
            report.migrations.len(),
            report
                .migrations
                .iter()
                .filter(|m| m.outside_transaction)
                .map(|m| m.revision.as_str())
                .collect::<Vec<_>>(),
        );
        let written = files(&scratch.0.join("src"));
        let committed_dir = Path::new("src/imported").join(history.name);
        if regenerate {
            let _ = std::fs::remove_dir_all(&committed_dir);
            for (path, text) in &written {
                let to = committed_dir.join(path);
                std::fs::create_dir_all(to.parent().expect("a parent")).expect("mkdir");
                std::fs::write(&to, text).unwrap_or_else(|e| panic!("{}: {e}", to.display()));
            }
            println!("wrote {}", committed_dir.display());
            continue;
        }
        let committed = files(&committed_dir);
        for (path, text) in &written {
            match committed.get(path) {
                None => parted.push(format!("{}/{path}: not committed", history.name)),
                Some(old) if old != text => {
                    let line = old
                        .lines()
                        .zip(text.lines())
                        .position(|(a, b)| a != b)
                        .unwrap_or_else(|| old.lines().count().min(text.lines().count()));
                    parted.push(format!(
                        "{}/{path}: differs from line {}",
                        history.name,
                        line + 1
                    ));
                }
                Some(_) => {}
            }
        }
        for path in committed.keys().filter(|p| !written.contains_key(*p)) {
            parted.push(format!(
                "{}/{path}: committed, no longer written",
                history.name
            ));
        }
    }
    assert!(
        parted.is_empty(),
        "the committed imported modules are not what the import writes now:\n  {}\n\
         write them again with `{REGENERATE}` and review `git diff tests/src/imported`",
        parted.join("\n  ")
    );
}

/// The imported sets are those of the histories: as many migrations, with
/// the versions the tools record, each marked imported from its tool.
#[test]
fn imported_sets_have_the_tools_versions() {
    for history in &HISTORIES {
        let originals = godwit::import::sources::read(history.tool, Path::new(history.fixture))
            .unwrap_or_else(|e| panic!("{}: {e}", history.fixture));
        let set: Vec<(&str, Option<&str>)> = history
            .set
            .migrations()
            .iter()
            .map(|m| (&*m.revision, m.imported.as_deref()))
            .collect();
        let expected: Vec<(&str, Option<&str>)> = originals
            .iter()
            .map(|o| (o.version.as_str(), Some(history.tool.name())))
            .collect();
        assert_eq!(set, expected, "{}", history.name);
    }
}
