//! Where `new`, `new --from-database` and `import` write, when the command
//! line does not say: the crate whose sources hold the `migrations!` list,
//! and the directory of its migration files.
//!
//! Two layouts are found without flags. In one crate, the list is in the
//! crate's `src` and the files in `src/migrations/` (run from the crate's
//! directory). In a workspace, the list and the files are in a crate of
//! their own, so that editing the application never expands `migrations!`
//! again; run from anywhere in the workspace, the crates under its root are
//! searched for the list, and the one holding the set's head revision is
//! taken.

use std::path::{Component, Path, PathBuf};

use super::{find_set_file, io, set_body, ScaffoldError};

/// Directories never searched for crates: build output, dependencies
/// vendored or installed by other tools, and hidden ones (`.git`).
const SKIPPED: [&str; 3] = ["target", "node_modules", "src"];

/// How deep under the workspace root a crate is looked for
/// (`crates/migrations` is 2, `examples/workspace/migrations` 3).
const DEPTH: usize = 4;

/// Where the next migration goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// The directory of the migration files.
    pub dir: PathBuf,
    /// The source directory whose `migrations!` list is extended.
    pub src: PathBuf,
    /// The file holding that list, when there is one.
    pub set_file: Option<PathBuf>,
}

/// Why the layout could not be found.
#[derive(Debug, thiserror::Error)]
pub enum LayoutError {
    /// A file could not be read.
    #[error(transparent)]
    Read(#[from] ScaffoldError),
    /// Several crates hold a `migrations!` list and the set's head does not
    /// tell which is this one.
    #[error(
        "{} crates hold a migrations! list{}: {}; run from the directory of the crate \
         whose migrations these are, or say which with --src (and --dir)",
        .candidates.len(),
        .head.as_ref().map(|h| format!(" and none alone holds the head revision {h}")).unwrap_or_default(),
        .candidates.iter().map(|c| c.display().to_string()).collect::<Vec<_>>().join(", ")
    )]
    Ambiguous {
        /// The source directories holding a list.
        candidates: Vec<PathBuf>,
        /// The head revision of the set that ran the command.
        head: Option<String>,
    },
}

/// The layout seen from `start` (the working directory), with `dir` and
/// `src` as given on the command line (relative to `start`), for the set
/// whose head revision is `head`.
///
/// `src`, unless given: `start/src` if it holds a `migrations!` list; else
/// the crate under the workspace root (the nearest directory at or above
/// `start` whose `Cargo.toml` has a `[workspace]` table) whose `src` holds
/// a list and the migration of revision `head`, or the only crate holding a
/// list; else `start/src`, where no list will be found.
///
/// `dir`, unless given: the directory of the last migration listed; else
/// `src/migrations` if it exists, or the file holding the list declares
/// `mod migrations;`, or is a `main.rs` or declares modules of its own (an
/// application); else the module directory of the file holding the list
/// (`src` for the `lib.rs` of a crate of migrations), the files then
/// declared in that file; else `src/migrations`.
pub fn locate(
    start: &Path,
    dir: Option<&Path>,
    src: Option<&Path>,
    head: Option<&str>,
) -> Result<Layout, LayoutError> {
    let (src, set_file) = match src {
        Some(src) => {
            let src = start.join(src);
            let set_file = find_set_file(&src)?;
            (src, set_file)
        }
        None => {
            let local = start.join("src");
            match find_set_file(&local)? {
                Some(file) => (local, Some(file)),
                None => match in_workspace(start, head)? {
                    Some((src, file)) => (src, Some(file)),
                    None => (local, None),
                },
            }
        }
    };
    let dir = match dir {
        Some(dir) => start.join(dir),
        None => files_dir(&src, set_file.as_deref())?,
    };
    Ok(Layout { dir, src, set_file })
}

/// The directory whose files are the submodules of `file`'s module:
/// `src` for `src/lib.rs`, `src/main.rs` or `src/mod.rs`, `src/db` for
/// `src/db.rs`.
pub fn module_dir(file: &Path) -> PathBuf {
    let parent = file.parent().unwrap_or(Path::new(""));
    match file.file_stem().and_then(|s| s.to_str()) {
        Some("lib" | "main" | "mod") | None => parent.to_path_buf(),
        Some(stem) => parent.join(stem),
    }
}

/// Whether two paths name the same directory as written (`./src` and
/// `src` do).
pub(super) fn same_dir(a: &Path, b: &Path) -> bool {
    let parts = |p: &Path| -> Vec<PathBuf> {
        p.components()
            .filter(|c| !matches!(c, Component::CurDir))
            .map(|c| PathBuf::from(c.as_os_str()))
            .collect()
    };
    parts(a) == parts(b)
}

/// See [`locate`]: where the migration files of the list in `set_file` are.
fn files_dir(src: &Path, set_file: Option<&Path>) -> Result<PathBuf, LayoutError> {
    let Some(set_file) = set_file else {
        return Ok(src.join("migrations"));
    };
    let text = read(set_file)?;
    let last_stem = set_body(&text).and_then(|(start, end)| {
        let entries: Vec<&str> = text[start..end]
            .split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .collect();
        let parts: Vec<&str> = entries.last()?.split("::").map(str::trim).collect();
        (parts.len() >= 2).then(|| parts[parts.len() - 2].to_string())
    });
    if let Some(found) = last_stem.and_then(|stem| find_file(src, &format!("{stem}.rs"))) {
        return Ok(found.parent().map(Path::to_path_buf).unwrap_or_default());
    }
    let migrations = src.join("migrations");
    let declared = text.lines().any(|l| {
        let l = l.trim();
        l.ends_with("mod migrations;") && (l.starts_with("mod ") || l.starts_with("pub"))
    });
    if migrations.is_dir() || declared {
        return Ok(migrations);
    }
    // Beside the list only in a crate of migrations: an application (its
    // `main.rs`, or a `lib.rs` declaring modules of its own) keeps them in
    // `src/migrations`, as before.
    let is_main = set_file.file_name().is_some_and(|n| n == "main.rs");
    // Outside the list: the item form's `pub mod schema;` is not one.
    let outside = match (text.find("migrations!"), set_body(&text)) {
        (Some(start), Some((_, end))) => format!("{}{}", &text[..start], &text[end..]),
        _ => text.clone(),
    };
    let own_modules = outside.lines().any(|l| {
        let l = l.trim_start();
        (l.starts_with("mod ") || l.starts_with("pub mod ")) && l.trim_end().ends_with(';')
    });
    if is_main || own_modules {
        return Ok(migrations);
    }
    Ok(module_dir(set_file))
}

/// The first file named `name` under `dir`.
fn find_file(dir: &Path, name: &str) -> Option<PathBuf> {
    files_under(dir).find(|p| p.file_name().and_then(|n| n.to_str()) == Some(name))
}

/// Every file under `dir`, at any depth; unreadable directories skipped.
fn files_under(dir: &Path) -> impl Iterator<Item = PathBuf> {
    let mut stack = vec![dir.to_path_buf()];
    let mut files = Vec::new().into_iter();
    std::iter::from_fn(move || loop {
        if let Some(file) = files.next() {
            return Some(file);
        }
        let dir = stack.pop()?;
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut found = Vec::new();
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.push(path);
            }
        }
        files = found.into_iter();
    })
}

/// The `src` and list file of the workspace crate the set comes from, when
/// one can be told apart (see [`locate`]).
fn in_workspace(
    start: &Path,
    head: Option<&str>,
) -> Result<Option<(PathBuf, PathBuf)>, LayoutError> {
    let root = start
        .ancestors()
        .find(|d| is_workspace_root(d))
        .unwrap_or(start);
    let mut candidates = Vec::new();
    for krate in crates_under(root) {
        let src = krate.join("src");
        if let Some(file) = find_set_file(&src)? {
            candidates.push((src, file));
        }
    }
    if let Some(head) = head {
        let mut holding = Vec::new();
        for (src, file) in &candidates {
            if holds_revision(src, head)? {
                holding.push((src.clone(), file.clone()));
            }
        }
        if holding.len() == 1 {
            return Ok(holding.pop());
        }
        if holding.len() > 1 {
            candidates = holding;
        }
    }
    match candidates.len() {
        0 => Ok(None),
        1 => Ok(candidates.pop()),
        _ => Err(LayoutError::Ambiguous {
            candidates: candidates.into_iter().map(|(src, _)| src).collect(),
            head: head.map(str::to_string),
        }),
    }
}

/// Whether `dir/Cargo.toml` declares a workspace.
fn is_workspace_root(dir: &Path) -> bool {
    std::fs::read_to_string(dir.join("Cargo.toml"))
        .is_ok_and(|text| text.lines().any(|l| l.trim() == "[workspace]"))
}

/// The directories at or under `root` (to [`DEPTH`]) holding a
/// `Cargo.toml` and a `src` directory, in path order.
fn crates_under(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![(root.to_path_buf(), 0)];
    while let Some((dir, depth)) = stack.pop() {
        if dir.join("Cargo.toml").is_file() && dir.join("src").is_dir() {
            found.push(dir.clone());
        }
        if depth == DEPTH {
            continue;
        }
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') || SKIPPED.contains(&name.as_ref()) {
                continue;
            }
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push((entry.path(), depth + 1));
            }
        }
    }
    found.sort();
    found
}

/// Whether a `.rs` file under `src` declares the migration of `revision`
/// (`revision = "<revision>"`, not `down_revision`).
fn holds_revision(src: &Path, revision: &str) -> Result<bool, LayoutError> {
    let needle = format!("\"{revision}\"");
    for path in files_under(src).filter(|p| p.extension().is_some_and(|e| e == "rs")) {
        let text = read(&path)?;
        let declares = text.match_indices(&needle).any(|(at, _)| {
            let before = text[..at].trim_end();
            before.strip_suffix('=').is_some_and(|key| {
                let key = key.trim_end();
                key.ends_with("revision") && !key.ends_with("down_revision")
            })
        });
        if declares {
            return Ok(true);
        }
    }
    Ok(false)
}

fn read(path: &Path) -> Result<String, LayoutError> {
    Ok(std::fs::read_to_string(path).map_err(io(path))?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scaffold::new_migration;
    use std::time::{Duration, UNIX_EPOCH};

    /// A directory of files, removed afterwards.
    struct Tree(PathBuf);

    impl Tree {
        fn new(name: &str, files: &[(&str, &str)]) -> Tree {
            let root =
                std::env::temp_dir().join(format!("godwit-layout-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&root);
            for (path, text) in files {
                let path = root.join(path);
                std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
                std::fs::write(path, text).expect("write");
            }
            Tree(root)
        }

        fn read(&self, path: &str) -> String {
            std::fs::read_to_string(self.0.join(path)).expect("read")
        }
    }

    impl Drop for Tree {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    const MIGRATION_1: &str =
        "#[migration(revision = \"1\", message = \"create the users table\")]\npub mod a {}\n";
    const MIGRATIONS_LIB: &str = "//! The schema's history.\n\npub mod m1_a;\n\ngodwit::migrations! {\n    pub static MIGRATIONS;\n    pub mod schema;\n    m1_a::a,\n}\n";
    const AT: u64 = 1_737_282_600; // 2025-01-19 10:30:00

    fn workspace(name: &str) -> Tree {
        Tree::new(
            name,
            &[
                (
                    "Cargo.toml",
                    "[workspace]\nmembers = [\"app\", \"migrations\"]\n",
                ),
                ("app/Cargo.toml", "[package]\nname = \"app\"\n"),
                ("app/src/main.rs", "fn main() {}\n"),
                ("migrations/Cargo.toml", "[package]\nname = \"migrations\"\n"),
                ("migrations/src/lib.rs", MIGRATIONS_LIB),
                ("migrations/src/m1_a.rs", MIGRATION_1),
                (
                    "migrations/src/bin/migrate.rs",
                    "fn main() -> std::process::ExitCode { godwit::cli::run(&migrations::MIGRATIONS) }\n",
                ),
            ],
        )
    }

    #[test]
    fn one_crate_keeps_its_migrations_directory() {
        let t = Tree::new(
            "one-crate",
            &[
                ("Cargo.toml", "[package]\nname = \"app\"\n"),
                (
                    "src/lib.rs",
                    "pub mod migrations;\nuse migrations::*;\n\npub static M: godwit::MigrationSet = godwit::migrations![\n    m1_a::a,\n];\n",
                ),
                ("src/migrations/mod.rs", "pub mod m1_a;\n"),
                ("src/migrations/m1_a.rs", MIGRATION_1),
            ],
        );
        let layout = locate(&t.0, None, None, Some("1")).expect("found");
        assert_eq!(layout.src, t.0.join("src"));
        assert_eq!(layout.dir, t.0.join("src/migrations"));
        assert_eq!(layout.set_file, Some(t.0.join("src/lib.rs")));
        let at = UNIX_EPOCH + Duration::from_secs(AT);
        new_migration(
            &layout.dir,
            &layout.src,
            "add users.bio column",
            Some("1"),
            at,
        )
        .expect("written");
        assert_eq!(
            t.read("src/migrations/mod.rs"),
            "pub mod m1_a;\npub mod m20250119_103000_add_users_bio_column;\n"
        );
        assert!(t.read("src/lib.rs").contains(
            "    m1_a::a,\n    m20250119_103000_add_users_bio_column::add_users_bio_column,\n];"
        ));
        assert!(t
            .0
            .join("src/migrations/m20250119_103000_add_users_bio_column.rs")
            .is_file());
    }

    #[test]
    fn a_workspace_crate_is_found_from_the_root_and_from_the_app() {
        let t = workspace("workspace");
        let migrations_src = t.0.join("migrations/src");
        for start in [t.0.clone(), t.0.join("app"), t.0.join("migrations")] {
            let layout = locate(&start, None, None, Some("1")).expect("found");
            assert_eq!(layout.src, migrations_src, "from {}", start.display());
            assert_eq!(layout.dir, migrations_src, "from {}", start.display());
        }
        let layout = locate(&t.0.join("app"), None, None, Some("1")).expect("found");
        let at = UNIX_EPOCH + Duration::from_secs(AT);
        let made = new_migration(
            &layout.dir,
            &layout.src,
            "add users.bio column",
            Some("1"),
            at,
        )
        .expect("written");
        assert_eq!(
            made.file,
            migrations_src.join("m20250119_103000_add_users_bio_column.rs")
        );
        assert_eq!(made.set_file, Some(migrations_src.join("lib.rs")));
        assert_eq!(
            t.read("migrations/src/lib.rs"),
            "//! The schema's history.\n\npub mod m1_a;\npub mod m20250119_103000_add_users_bio_column;\n\ngodwit::migrations! {\n    pub static MIGRATIONS;\n    pub mod schema;\n    m1_a::a,\n    m20250119_103000_add_users_bio_column::add_users_bio_column,\n}\n"
        );
        assert!(
            !migrations_src.join("mod.rs").exists(),
            "the modules are declared in lib.rs"
        );
    }

    #[test]
    fn a_first_migration_goes_beside_the_list_and_is_declared_above_it() {
        let t = Tree::new(
            "empty",
            &[
                ("Cargo.toml", "[workspace]\nmembers = [\"migrations\"]\n"),
                ("migrations/Cargo.toml", "[package]\nname = \"migrations\"\n"),
                (
                    "migrations/src/lib.rs",
                    "//! The schema's history.\n\ngodwit::migrations! {\n    /// Every migration.\n    pub static MIGRATIONS;\n}\n",
                ),
            ],
        );
        let layout = locate(&t.0, None, None, None).expect("found");
        assert_eq!(layout.dir, t.0.join("migrations/src"));
        let at = UNIX_EPOCH + Duration::from_secs(AT);
        new_migration(&layout.dir, &layout.src, "create the users table", None, at)
            .expect("written");
        assert_eq!(
            t.read("migrations/src/lib.rs"),
            "//! The schema's history.\n\npub mod m20250119_103000_create_the_users_table;\n\ngodwit::migrations! {\n    /// Every migration.\n    pub static MIGRATIONS;\n    m20250119_103000_create_the_users_table::create_the_users_table,\n}\n"
        );
    }

    #[test]
    fn an_applications_first_migration_goes_to_src_migrations() {
        for (file, text) in [
            (
                "src/main.rs",
                "static M: godwit::MigrationSet = godwit::migrations![];\nfn main() {}\n",
            ),
            (
                "src/lib.rs",
                "pub mod app;\npub static M: godwit::MigrationSet = godwit::migrations![];\n",
            ),
        ] {
            let t = Tree::new(
                "application",
                &[("Cargo.toml", "[package]\nname = \"app\"\n"), (file, text)],
            );
            let layout = locate(&t.0, None, None, None).expect("found");
            assert_eq!(layout.dir, t.0.join("src/migrations"), "{file}");
            let at = UNIX_EPOCH + Duration::from_secs(AT);
            new_migration(&layout.dir, &layout.src, "create the users table", None, at)
                .expect("written");
            let list = t.read(file);
            assert!(list.contains("pub mod migrations;\n"), "{list}");
            assert!(
                list.contains(
                    "migrations::m20250119_103000_create_the_users_table::create_the_users_table,"
                ),
                "{list}"
            );
            assert_eq!(
                t.read("src/migrations/mod.rs"),
                "pub mod m20250119_103000_create_the_users_table;\n"
            );
        }
    }

    #[test]
    fn declarations_go_above_the_items_doc_comment() {
        let text = "//! Crate.\n/// The set.\n#[allow(unused)]\npub static M: S = godwit::migrations![];\n";
        assert_eq!(
            crate::scaffold::declare(text, &["m1_a"]).expect("a list"),
            "//! Crate.\npub mod m1_a;\n\n/// The set.\n#[allow(unused)]\npub static M: S = godwit::migrations![];\n"
        );
    }

    #[test]
    fn the_head_revision_tells_the_crates_apart() {
        let t = workspace("several");
        for (path, text) in [
            ("other/Cargo.toml", "[package]\nname = \"other\"\n"),
            ("other/src/lib.rs", "pub mod m2_b;\ngodwit::migrations! {\n    pub static M;\n    m2_b::b,\n}\n"),
            (
                "other/src/m2_b.rs",
                "#[migration(revision = \"2\", down_revision = \"1\", message = \"add users.bio column\")]\npub mod b {}\n",
            ),
        ] {
            let path = t.0.join(path);
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
            std::fs::write(path, text).expect("write");
        }
        let app = t.0.join("app");
        let found = |head| locate(&app, None, None, head).map(|l| l.src);
        assert_eq!(found(Some("1")).expect("found"), t.0.join("migrations/src"));
        assert_eq!(found(Some("2")).expect("found"), t.0.join("other/src"));
        // Neither holds revision 3, and nothing tells them apart without a head.
        for head in [Some("3"), None] {
            let err = found(head).expect_err("ambiguous");
            assert!(
                matches!(&err, LayoutError::Ambiguous { candidates, .. } if candidates.len() == 2)
            );
            assert!(err.to_string().contains("--src"), "{err}");
        }
        // What the command line says wins.
        let given = locate(
            &app,
            Some(Path::new("../other/src")),
            Some(Path::new("../other/src")),
            None,
        )
        .expect("given");
        assert_eq!(given.set_file, Some(app.join("../other/src/lib.rs")));
    }
}
