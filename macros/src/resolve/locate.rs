//! The file of a `migrations!` call, for a compiler that does not say which
//! file a call is in: rust-analyzer's proc-macro server answers no
//! `Span::local_file()` today. Without the file the set would go through
//! the chain, which a history of more than about a hundred migrations takes
//! past the recursion limit: the editor would then show no error of the
//! set, and the item form's `MIGRATIONS` and `schema` module would not
//! exist for it.
//!
//! Every `.rs` file of the package (`CARGO_MANIFEST_DIR`, which Cargo sets
//! and rust-analyzer passes on) that calls `migrations!` is read, and the
//! listed paths are followed from each module holding such a call,
//! whatever paths the call on disk lists: an editor hands over the call as
//! its buffer has it, which may differ from the file until it is saved.
//! When modules that let every path through lead to different migrations,
//! the call cannot be told apart and nothing is answered.
//!
//! Passed over: target directories (any directory with the `CACHEDIR.TAG`
//! Cargo writes at their root), `node_modules`, hidden directories, other
//! packages (a directory with a `Cargo.toml`), and directories reached
//! through a symbolic link, which could loop (a file that is one is read).

use std::path::{Path, PathBuf};

use super::{search_calls, Found, Resolver};

/// The migrations `paths` lead to from a `migrations!` call in a file under
/// `package`; `None` when no call lets them all through, or when calls that
/// do lead to different migrations.
pub fn locate(package: &Path, paths: &[syn::Path]) -> Option<Vec<Found>> {
    let mut files = Vec::new();
    rust_files(package, &mut files);
    let mut r = Resolver::default();
    let mut answer: Option<Vec<Found>> = None;
    for file in files {
        let calls = std::fs::read_to_string(&file).is_ok_and(|text| calls_migrations(&text));
        // Not known to lex: a file the compiler may not read at all.
        let Some(root) = calls.then(|| r.root(&file, false)).flatten() else {
            continue;
        };
        let mut modules = Vec::new();
        search_calls(&root, None, &mut modules);
        for module in modules {
            let Some(found) = r.follow(&module, paths) else {
                continue;
            };
            match &answer {
                None => answer = Some(found),
                Some(first) if same_migrations(first, &found) => {}
                Some(_) => return None,
            }
        }
    }
    answer
}

/// Whether `text` has `migrations` followed by `!` (spaces between).
fn calls_migrations(text: &str) -> bool {
    text.match_indices("migrations")
        .any(|(at, word)| text[at + word.len()..].trim_start().starts_with('!'))
}

/// Whether two answers are the same modules of the same files.
fn same_migrations(a: &[Found], b: &[Found]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.file == y.file && x.ident == y.ident)
}

/// The `.rs` files under `dir`, into `out`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        // Not following links: `file_type` is the link's own.
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if kind.is_dir() {
            let passed_over = name.starts_with('.')
                || name == "node_modules"
                || path.join("CACHEDIR.TAG").is_file()
                || path.join("Cargo.toml").is_file();
            if !passed_over {
                rust_files(&path, out);
            }
        } else if name.ends_with(".rs") && (kind.is_file() || path.is_file()) {
            out.push(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A directory of its own, removed when dropped.
    pub(crate) struct Scratch(pub(crate) PathBuf);

    impl Scratch {
        pub(crate) fn new(name: &str) -> Scratch {
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

    pub(crate) fn write(root: &Path, file: &str, text: &str) {
        let path = root.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// A migration module, `name`, creating the table `name`.
    pub(crate) fn migration(name: &str, revision: usize) -> String {
        let down = match revision {
            0 => String::new(),
            r => format!("down_revision = \"{:04}\", ", r - 1),
        };
        format!(
            "use godwit::dsl::*;\n#[godwit::migration(revision = \"{revision:04}\", {down}\
             message = \"create the {name} table\")]\npub mod {name} {{\n    use super::*;\n    \
             pub fn upgrade(op: &mut Ops) {{ op.create_table(\"{name}\", [column(\"id\", \
             BigInt).primary_key()]); }}\n    pub fn downgrade(op: &mut Ops) {{ \
             op.drop_table(\"{name}\"); }}\n}}\n"
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

    /// Where each found migration is: file (under `root`) and module.
    fn places(root: &Path, found: &[Found]) -> Vec<(String, String)> {
        found
            .iter()
            .map(|f| {
                let file = f.file.strip_prefix(root).unwrap();
                (file.display().to_string(), f.ident.clone())
            })
            .collect()
    }

    /// A package whose `migrations!` call (`call`) is in an inline module
    /// of `src/main.rs`, its migrations in `src/migrations/`.
    fn package(dir: &Path, call: &str) {
        write(dir, "Cargo.toml", "[package]\nname = \"p\"\n");
        write(dir, "build.rs", "fn main() {}\n");
        write(
            dir,
            "src/main.rs",
            &format!(
                "mod migrations;\nmod app {{\n    pub static MIGRATIONS: godwit::MigrationSet = \
                 {call};\n}}\nfn main() {{}}\n"
            ),
        );
        migrations(dir, "src/migrations");
    }

    fn migrations(dir: &Path, at: &str) {
        write(dir, &format!("{at}/mod.rs"), "pub mod m1;\npub mod m2;\n");
        write(dir, &format!("{at}/m1.rs"), &migration("users", 0));
        write(dir, &format!("{at}/m2.rs"), &migration("posts", 1));
    }

    fn both() -> Vec<(String, String)> {
        vec![
            ("src/migrations/m1.rs".into(), "users".into()),
            ("src/migrations/m2.rs".into(), "posts".into()),
        ]
    }

    #[test]
    fn follows_the_paths_from_the_call() {
        let dir = Scratch::new("finds");
        let root = &dir.0;
        package(root, CALL);
        let found = locate(root, &wanted()).expect("the call is found");
        assert_eq!(places(root, &found), both());
    }

    #[test]
    fn follows_paths_the_call_on_disk_does_not_list_yet() {
        // The editor's buffer lists both; the saved file only the first.
        let dir = Scratch::new("unsaved");
        let root = &dir.0;
        package(root, "godwit::migrations![super::migrations::m1::users]");
        let found = locate(root, &wanted()).expect("the call's module is found");
        assert_eq!(places(root, &found), both());
        let reversed = paths("super::migrations::m2::posts, super::migrations::m1::users");
        let found = locate(root, &reversed).expect("in any order");
        assert_eq!(found[0].ident, "posts");
    }

    #[test]
    fn no_answer_for_paths_no_call_lets_through() {
        let dir = Scratch::new("none");
        package(&dir.0, CALL);
        assert!(locate(&dir.0, &paths("crate::elsewhere::users")).is_none());
        assert!(locate(&dir.0, &paths("super::migrations::m3::tags")).is_none());
    }

    #[test]
    fn calls_that_agree_answer_and_calls_that_differ_do_not() {
        let dir = Scratch::new("two");
        let root = &dir.0;
        package(root, CALL);
        // A second call in the same file, in a module that sees the same
        // migrations: one answer.
        let main = std::fs::read_to_string(root.join("src/main.rs")).unwrap();
        let copy = format!("{main}mod again {{ pub static M: godwit::MigrationSet = {CALL}; }}\n");
        write(root, "src/main.rs", &copy);
        let found = locate(root, &wanted()).expect("the calls agree");
        assert_eq!(places(root, &found), both());
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
    fn passes_over_target_hidden_and_other_packages_directories() {
        let dir = Scratch::new("passed");
        let root = &dir.0;
        package(root, CALL);
        // Copies that would make the call ambiguous, were they read.
        for copy in ["build-dir/copy", ".hidden/copy", "node_modules/copy"] {
            package(&root.join(copy), CALL);
            std::fs::remove_file(root.join(copy).join("Cargo.toml")).unwrap();
        }
        write(
            root,
            "build-dir/CACHEDIR.TAG",
            "Signature: 8a477f597d28d172789f06886806bc55\n",
        );
        let found = locate(root, &wanted()).expect("only the package's own call");
        assert_eq!(places(root, &found), both());
        // The package itself, below a workspace's root.
        let workspace = Scratch::new("workspace");
        write(
            &workspace.0,
            "Cargo.toml",
            "[workspace]\nmembers = [\"member\"]\n",
        );
        package(&workspace.0.join("member"), CALL);
        assert!(locate(&workspace.0, &wanted()).is_none());
        assert!(locate(&workspace.0.join("member"), &wanted()).is_some());
    }

    #[test]
    fn a_call_is_told_by_its_bang() {
        assert!(calls_migrations("godwit::migrations![a::b]"));
        assert!(calls_migrations("migrations ! { a::b }"));
        assert!(!calls_migrations(
            "mod migrations;\nuse crate::migrations::a;"
        ));
    }

    /// The output of `migrations!` over `n` migrations, one file each in a
    /// package, when the compiler names no file.
    fn set_of(n: usize, package: bool) -> String {
        let dir = Scratch::new(&format!("set-{n}-{package}"));
        let root = &dir.0;
        write(root, "Cargo.toml", "[package]\nname = \"p\"\n");
        let mut main = String::new();
        let mut list = Vec::new();
        for i in 0..n {
            write(
                root,
                &format!("src/m{i:04}.rs"),
                &migration(&format!("t{i:04}"), i),
            );
            main.push_str(&format!("mod m{i:04};\n"));
            list.push(format!("m{i:04}::t{i:04}"));
        }
        let call = list.join(", ");
        main.push_str(&format!(
            "pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![{call}];\n"
        ));
        write(root, "src/main.rs", &main);
        let input: proc_macro2::TokenStream = call.parse().unwrap();
        let package = package.then_some(root.as_path());
        crate::expand::set::expand_migrations(input, None, package).to_string()
    }

    #[test]
    fn a_set_longer_than_the_chain_carries_reads_its_files() {
        let chained = |out: &str| out.starts_with("m0000 :: t0000 :: __godwit_export !");
        assert!(chained(&set_of(96, true)));
        let read = set_of(97, true);
        assert!(
            !chained(&read) && read.contains("__from_embedded"),
            "{read}"
        );
        // No package to look in: the chain, as before.
        assert!(chained(&set_of(97, false)));
    }
}
