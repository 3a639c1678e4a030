//! The file of a `migrations!` call, for a compiler that does not say which
//! file a call is in: rust-analyzer's proc-macro server answers no
//! `Span::local_file()` today. Without the file the set would go through
//! the chain, which a history of more than about a hundred migrations takes
//! past the recursion limit: the editor would then show no error of the
//! set, and the item form's `MIGRATIONS` and `schema` module would not
//! exist for it.
//!
//! Every `.rs` file of the package (`CARGO_MANIFEST_DIR`, which both
//! compilers set) that names `migrations` and the first and last listed
//! modules is a candidate, and [`super::find`] says whether it holds the
//! call. Directories named `target`, hidden ones and other packages' are
//! passed over. When files that hold the call lead to different modules,
//! the call cannot be told apart and nothing is answered.

use std::path::{Path, PathBuf};

use super::{find, Found};

/// The file under `package` holding the `migrations!` call that lists
/// `paths`, and what they lead to; `None` when no file does, or when
/// several lead to different modules.
pub fn locate(package: &Path, paths: &[syn::Path]) -> Option<(PathBuf, Vec<Found>)> {
    let names: Vec<String> = [paths.first()?, paths.last()?]
        .iter()
        .map(|p| Some(p.segments.last()?.ident.to_string()))
        .collect::<Option<_>>()?;
    let mut files = Vec::new();
    rust_files(package, true, &mut files);
    // The package's own sources first, in a stable order.
    let src = package.join("src");
    files.sort_by_key(|f| (!f.starts_with(&src), f.clone()));
    let mut answer: Option<(PathBuf, Vec<Found>)> = None;
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        if !text.contains("migrations") || !names.iter().all(|n| text.contains(n.as_str())) {
            continue;
        }
        let Some(found) = find(&file, paths) else {
            continue;
        };
        match &answer {
            None => answer = Some((file, found)),
            Some((_, first)) if same_files(first, &found) => {}
            Some(_) => return None,
        }
    }
    answer
}

/// Whether two answers lead to the same files.
fn same_files(a: &[Found], b: &[Found]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.file == y.file)
}

/// The `.rs` files under `dir`, into `out`.
fn rust_files(dir: &Path, top: bool, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if kind.is_dir() {
            let skipped = name.starts_with('.') || (top && name == "target");
            // Another package (a workspace member below this one).
            if !skipped && !path.join("Cargo.toml").is_file() {
                rust_files(&path, false, out);
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A directory of its own, removed when dropped.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Scratch {
            let dir =
                std::env::temp_dir().join(format!("godwit-locate-{}-{name}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            Scratch(dir)
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn write(root: &Path, file: &str, text: &str) {
        let path = root.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn migration(name: &str, revision: &str, down: Option<&str>) -> String {
        let down = down.map_or(String::new(), |d| format!("down_revision = \"{d}\","));
        format!(
            "use godwit::dsl::*;\n#[godwit::migration(revision = \"{revision}\", {down} \
             message = \"create the {name} table\")]\npub mod {name} {{\n    use super::*;\n    \
             pub fn upgrade(op: &mut Ops) {{ op.create_table(\"{name}\", |t| {{ \
             t.column(\"id\", BigInt).primary_key(); }}); }}\n    pub fn downgrade(op: &mut \
             Ops) {{ op.drop_table(\"{name}\"); }}\n}}\n"
        )
    }

    const CALL: &str = "godwit::migrations![super::migrations::m1::users, \
                        super::migrations::m2::posts]";

    fn wanted() -> Vec<syn::Path> {
        paths("super::migrations::m1::users, super::migrations::m2::posts")
    }

    fn paths(text: &str) -> Vec<syn::Path> {
        text.split(',')
            .map(|p| syn::parse_str(p.trim()).unwrap())
            .collect()
    }

    /// A package (`dir`, or `dir`'s `member`) whose `migrations!` call is in
    /// an inline module of `src/main.rs`, its migrations in `src/migrations/`.
    fn package(dir: &Path) {
        write(dir, "Cargo.toml", "[package]\nname = \"p\"\n");
        write(dir, "build.rs", "fn main() {}\n");
        write(
            dir,
            "src/main.rs",
            &format!(
                "mod migrations;\nmod app {{\n    pub static MIGRATIONS: godwit::MigrationSet = \
                 {CALL};\n}}\nfn main() {{}}\n"
            ),
        );
        migrations(dir, "src/migrations");
    }

    fn migrations(dir: &Path, at: &str) {
        write(dir, &format!("{at}/mod.rs"), "pub mod m1;\npub mod m2;\n");
        write(dir, &format!("{at}/m1.rs"), &migration("users", "1", None));
        write(
            dir,
            &format!("{at}/m2.rs"),
            &migration("posts", "2", Some("1")),
        );
    }

    #[test]
    fn finds_the_file_of_the_call_and_its_modules() {
        let dir = Scratch::new("finds");
        let root = &dir.0;
        package(root);
        // A copy where no compiler reads it, which would otherwise make
        // the call ambiguous.
        package(&root.join("target/copy"));
        std::fs::remove_file(root.join("target/copy/Cargo.toml")).unwrap();
        let (file, found) = locate(root, &wanted()).expect("the call is found");
        assert_eq!(file, root.join("src/main.rs"));
        let files: Vec<PathBuf> = found.iter().map(|f| f.file.clone()).collect();
        assert_eq!(
            files,
            [
                root.join("src/migrations/m1.rs"),
                root.join("src/migrations/m2.rs")
            ]
        );
    }

    #[test]
    fn no_answer_for_a_call_no_file_holds() {
        let dir = Scratch::new("none");
        package(&dir.0);
        let reversed = paths("super::migrations::m2::posts, super::migrations::m1::users");
        assert!(locate(&dir.0, &reversed).is_none());
        assert!(locate(&dir.0, &paths("crate::elsewhere::users")).is_none());
    }

    #[test]
    fn no_answer_when_two_calls_lead_to_different_modules() {
        let dir = Scratch::new("two");
        let root = &dir.0;
        package(root);
        // An example with the same call, whose modules are its own files.
        write(
            root,
            "examples/demo/main.rs",
            &format!(
                "mod migrations;\nmod app {{ pub static M: godwit::MigrationSet = {CALL}; }}\n"
            ),
        );
        migrations(root, "examples/demo/migrations");
        assert!(locate(root, &wanted()).is_none());
    }

    #[test]
    fn passes_over_other_packages() {
        let dir = Scratch::new("member");
        let root = &dir.0;
        write(root, "Cargo.toml", "[workspace]\nmembers = [\"member\"]\n");
        package(&root.join("member"));
        assert!(locate(root, &wanted()).is_none());
        assert!(locate(&root.join("member"), &wanted()).is_some());
    }
}
