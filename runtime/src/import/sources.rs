//! Reading another tool's migration directory: diesel_migrations'
//! `<version>_<name>/up.sql`, sqlx's `<version>_<description>.sql` (or
//! `.up.sql` and `.down.sql`), refinery's `V<version>__<name>.sql`, each in
//! the order that tool applies them.

use std::path::{Path, PathBuf};

use super::{ImportError, Tool};

/// One migration of the other tool, as its files say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Original {
    /// The version the tool records in its history table (Diesel's without
    /// its dashes, as Diesel records it).
    pub version: String,
    /// The name after the version (`create_users`).
    pub name: String,
    /// The SQL that applies it.
    pub up: String,
    /// The SQL that undoes it, when the tool has one.
    pub down: Option<String>,
    /// `false` when the tool runs it outside a transaction (Diesel's
    /// `run_in_transaction = false`, sqlx's `-- no-transaction`, refinery's
    /// `-- refinery:noTransaction`).
    pub transaction: bool,
    /// The file or directory it was read from.
    pub path: PathBuf,
}

/// The migrations under `dir`, in the order `tool` applies them.
pub fn read(tool: Tool, dir: &Path) -> Result<Vec<Original>, ImportError> {
    let entries = std::fs::read_dir(dir).map_err(|e| ImportError::io(dir, e))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            // Hidden files and directories are not migrations to any tool.
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| !n.starts_with('.'))
        })
        .collect();
    paths.sort();
    let mut out = match tool {
        Tool::Diesel => diesel(&paths)?,
        Tool::Sqlx => sqlx(&paths)?,
        Tool::Refinery => refinery(&paths)?,
    };
    match tool {
        // Diesel applies pending migrations in the order of their versions
        // as strings; sqlx and refinery as numbers.
        Tool::Diesel => out.sort_by(|a, b| a.version.cmp(&b.version)),
        Tool::Sqlx | Tool::Refinery => out.sort_by_key(|m| m.version.parse::<i64>().unwrap_or(0)),
    }
    for pair in out.windows(2) {
        if pair[0].version == pair[1].version {
            return Err(ImportError::DuplicateVersion {
                version: pair[0].version.clone(),
                first: pair[0].path.clone(),
                second: pair[1].path.clone(),
            });
        }
    }
    if out.is_empty() {
        return Err(ImportError::NoMigrations {
            tool,
            dir: dir.to_path_buf(),
        });
    }
    Ok(out)
}

fn read_text(path: &Path) -> Result<String, ImportError> {
    std::fs::read_to_string(path).map_err(|e| ImportError::io(path, e))
}

/// `<version>_<name>/` holding `up.sql`, `down.sql` and maybe
/// `metadata.toml`; a directory without `up.sql` is not a migration.
fn diesel(paths: &[PathBuf]) -> Result<Vec<Original>, ImportError> {
    let mut out = Vec::new();
    for dir in paths.iter().filter(|p| p.is_dir()) {
        let up = dir.join("up.sql");
        if !up.is_file() {
            continue;
        }
        let file_name = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let (version, name) = file_name.split_once('_').unwrap_or((file_name, ""));
        // Diesel records the version without its dashes (`2015-01-01-000000`
        // is `20150101000000` in `__diesel_schema_migrations`).
        let version = version.replace('-', "");
        if version.is_empty() {
            return Err(ImportError::BadName(
                dir.clone(),
                "no version before `_`".into(),
            ));
        }
        let down = dir.join("down.sql");
        let metadata = dir.join("metadata.toml");
        let transaction = if metadata.is_file() {
            !run_in_transaction_false(&read_text(&metadata)?)
        } else {
            true
        };
        out.push(Original {
            version,
            name: name.to_string(),
            up: read_text(&up)?,
            down: down.is_file().then(|| read_text(&down)).transpose()?,
            transaction,
            path: dir.clone(),
        });
    }
    Ok(out)
}

/// Whether a `metadata.toml` says `run_in_transaction = false`.
fn run_in_transaction_false(toml: &str) -> bool {
    toml.lines().any(|line| {
        let line = line.split('#').next().unwrap_or_default();
        let mut parts = line.splitn(2, '=');
        let key = parts.next().unwrap_or_default().trim();
        let value = parts.next().unwrap_or_default().trim();
        key == "run_in_transaction" && value == "false"
    })
}

/// Whether the SQL's first line is `marker` (a comment the tool reads).
fn starts_with_marker(sql: &str, marker: &str) -> bool {
    sql.trim_start()
        .lines()
        .next()
        .is_some_and(|l| l.trim().eq_ignore_ascii_case(marker))
}

/// Whether a line is refinery's annotation: on any line of the file, two or
/// more dashes, at most one space, `refinery:noTransaction` and nothing
/// after (refinery's own pattern, `^[-]{2,}[\s]?(refinery:noTransaction)$`).
fn refinery_no_transaction(line: &str) -> bool {
    let rest = line.trim_start_matches('-');
    if line.len() - rest.len() < 2 {
        return false;
    }
    let rest = rest
        .strip_prefix(|c: char| c.is_whitespace())
        .unwrap_or(rest);
    rest == "refinery:noTransaction"
}

/// `<version>_<description>.sql`, or `.up.sql` with `.down.sql`.
fn sqlx(paths: &[PathBuf]) -> Result<Vec<Original>, ImportError> {
    let mut out: Vec<Original> = Vec::new();
    let mut downs: Vec<(String, PathBuf)> = Vec::new();
    for path in paths.iter().filter(|p| p.is_file()) {
        let file_name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let Some(stem) = file_name.strip_suffix(".sql") else {
            continue;
        };
        let Some((version, description)) = stem.split_once('_') else {
            return Err(ImportError::BadName(
                path.clone(),
                "expected <version>_<description>.sql".into(),
            ));
        };
        let version: i64 = version.parse().map_err(|_| {
            ImportError::BadName(path.clone(), format!("`{version}` is not a number"))
        })?;
        if let Some(description) = description.strip_suffix(".down") {
            let _ = description;
            downs.push((version.to_string(), path.clone()));
            continue;
        }
        let description = description.strip_suffix(".up").unwrap_or(description);
        let up = read_text(path)?;
        out.push(Original {
            version: version.to_string(),
            name: description.to_string(),
            transaction: !starts_with_marker(&up, "-- no-transaction"),
            up,
            down: None,
            path: path.clone(),
        });
    }
    for (version, path) in downs {
        let Some(m) = out.iter_mut().find(|m| m.version == version) else {
            return Err(ImportError::BadName(
                path,
                "a down migration without its up migration".into(),
            ));
        };
        m.down = Some(read_text(&path)?);
    }
    Ok(out)
}

/// `V<version>__<name>.sql` (and `U<version>__`, which refinery runs like
/// the others but does not check for order); `.rs` migrations are Rust
/// code, which cannot be read as SQL.
fn refinery(paths: &[PathBuf]) -> Result<Vec<Original>, ImportError> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = paths.to_vec();
    // refinery looks into subdirectories too.
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            let entries = std::fs::read_dir(&path).map_err(|e| ImportError::io(&path, e))?;
            stack.extend(entries.filter_map(Result::ok).map(|e| e.path()));
            continue;
        }
        let file_name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let Some((prefix, rest)) = file_name.split_at_checked(1) else {
            continue;
        };
        if prefix != "V" && prefix != "U" {
            continue;
        }
        let Some((version, name)) = rest.split_once("__") else {
            continue;
        };
        if !version.bytes().all(|b| b.is_ascii_digit()) || version.is_empty() {
            continue;
        }
        if let Some(name) = name.strip_suffix(".rs") {
            return Err(ImportError::BadName(
                path.clone(),
                format!("`{name}` is a Rust migration; only SQL migrations can be imported"),
            ));
        }
        let Some(name) = name.strip_suffix(".sql") else {
            continue;
        };
        let up = read_text(&path)?;
        out.push(Original {
            // refinery records the number (`V01` is 1).
            version: version
                .parse::<i64>()
                .map_err(|_| ImportError::BadName(path.clone(), "the version is too large".into()))?
                .to_string(),
            name: name.to_string(),
            transaction: !up.lines().any(refinery_no_transaction),
            up,
            down: None,
            path,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("godwit-import-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("mkdir");
        dir
    }

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    #[test]
    fn diesel_directories_in_version_order() {
        let dir = scratch("diesel");
        write(
            &dir.join("2015-01-02-000000_add_bio/up.sql"),
            "ALTER TABLE users ADD bio TEXT;",
        );
        write(
            &dir.join("2015-01-02-000000_add_bio/down.sql"),
            "ALTER TABLE users DROP bio;",
        );
        write(
            &dir.join("2015-01-02-000000_add_bio/metadata.toml"),
            "run_in_transaction = false # index\n",
        );
        write(
            &dir.join("00000000000000_diesel_initial_setup/up.sql"),
            "SELECT 1;",
        );
        write(
            &dir.join("2015-01-01-000000_create_users/up.sql"),
            "CREATE TABLE users (id INT);",
        );
        write(&dir.join("not_a_migration/README"), "");
        write(&dir.join(".keep"), "");
        let read = read(Tool::Diesel, &dir).expect("reads");
        let versions: Vec<_> = read
            .iter()
            .map(|m| (m.version.as_str(), m.name.as_str()))
            .collect();
        assert_eq!(
            versions,
            [
                ("00000000000000", "diesel_initial_setup"),
                ("20150101000000", "create_users"),
                ("20150102000000", "add_bio")
            ]
        );
        assert_eq!(read[1].down, None);
        assert!(read[1].transaction);
        assert_eq!(read[2].down.as_deref(), Some("ALTER TABLE users DROP bio;"));
        assert!(!read[2].transaction);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn sqlx_files_reversible_or_not() {
        let dir = scratch("sqlx");
        write(
            &dir.join("20220102000000_add_bio.up.sql"),
            "-- no-transaction\nALTER TABLE users ADD bio TEXT;",
        );
        write(
            &dir.join("20220102000000_add_bio.down.sql"),
            "ALTER TABLE users DROP bio;",
        );
        write(
            &dir.join("20220101000000_create_users.sql"),
            "CREATE TABLE users (id INT);",
        );
        write(&dir.join("notes.txt"), "");
        let read = read(Tool::Sqlx, &dir).expect("reads");
        assert_eq!(read.len(), 2);
        assert_eq!(
            (read[0].version.as_str(), read[0].down.is_none()),
            ("20220101000000", true)
        );
        assert_eq!(read[1].name, "add_bio");
        assert!(!read[1].transaction && read[1].down.is_some());
        write(&dir.join("x_bad.sql"), "");
        assert!(matches!(
            read_err(Tool::Sqlx, &dir),
            ImportError::BadName(..)
        ));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn refinery_files_in_numeric_order() {
        let dir = scratch("refinery");
        write(
            &dir.join("V10__add_bio.sql"),
            "ALTER TABLE users ADD bio TEXT;",
        );
        write(
            &dir.join("sub/V2__create_users.sql"),
            "CREATE TABLE users (id INT);",
        );
        write(
            &dir.join("V1__init.sql"),
            "-- refinery:noTransaction\nSELECT 1;",
        );
        let read = read(Tool::Refinery, &dir).expect("reads");
        let versions: Vec<_> = read.iter().map(|m| m.version.as_str()).collect();
        assert_eq!(versions, ["1", "2", "10"]);
        assert!(!read[0].transaction && read[1].transaction);
        // refinery reads the annotation on any line, not only the first.
        write(
            &dir.join("V11__late_marker.sql"),
            "-- index the bios\n--refinery:noTransaction\nSELECT 1;",
        );
        write(
            &dir.join("V12__not_a_marker.sql"),
            "-- refinery:noTransaction, says the comment\nSELECT 1;",
        );
        let read = super::read(Tool::Refinery, &dir).expect("reads");
        assert!(!read[3].transaction, "{:?}", read[3]);
        assert!(read[4].transaction, "{:?}", read[4]);
        std::fs::remove_file(dir.join("V11__late_marker.sql")).expect("rm");
        std::fs::remove_file(dir.join("V12__not_a_marker.sql")).expect("rm");
        write(&dir.join("V3__code.rs"), "");
        assert!(matches!(
            read_err(Tool::Refinery, &dir),
            ImportError::BadName(..)
        ));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn duplicates_and_empty_directories_are_refused() {
        let dir = scratch("dup");
        assert!(matches!(
            read_err(Tool::Refinery, &dir),
            ImportError::NoMigrations { .. }
        ));
        write(&dir.join("V1__a.sql"), "");
        write(&dir.join("V01__b.sql"), "");
        assert!(matches!(
            read_err(Tool::Refinery, &dir),
            ImportError::DuplicateVersion { .. }
        ));
        let _ = std::fs::remove_dir_all(&dir);
    }

    fn read_err(tool: Tool, dir: &Path) -> ImportError {
        read(tool, dir).expect_err("refused")
    }
}
