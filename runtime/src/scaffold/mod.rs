//! `new "message"`: writes the next migration file from a template, with the
//! right `down_revision`, and adds it to the `migrations![..]` list;
//! [`layout`] finds where, when the command line does not say.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

pub mod layout;
pub use layout::{locate, Layout, LayoutError};

/// What `new` wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMigration {
    /// The revision given to the migration (a UTC timestamp).
    pub revision: String,
    /// The module's name.
    pub module: String,
    /// The file written.
    pub file: PathBuf,
    /// The file whose `migrations![..]` list was extended, if one was found.
    pub set_file: Option<PathBuf>,
}

/// Why `new` could not write the migration.
#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    /// The message is too vague to pass the `vague-message` rule.
    #[error("the message {0:?} is too vague: {1}")]
    VagueMessage(String, String),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// The file to write exists already.
    #[error("{0} exists already; not overwriting it")]
    Exists(PathBuf),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ScaffoldError + '_ {
    move |source| ScaffoldError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// `YYYYMMDD_HHMMSS` in UTC.
pub fn timestamp_revision(at: SystemTime) -> String {
    let secs = at
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}{month:02}{day:02}_{:02}{:02}{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// A Rust module name from a message: `add users.bio` → `add_users_bio`.
pub fn module_name(message: &str) -> String {
    let mut name = String::new();
    for c in message.trim().chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.ends_with('_') && !name.is_empty() {
            name.push('_');
        }
    }
    let mut name = name.trim_end_matches('_').to_string();
    name.truncate(48);
    let name = name.trim_end_matches('_').to_string();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("m_{name}")
    } else {
        name
    }
}

/// A migration file up to its bodies: the attribute with `args` (each a
/// key and its value as Rust source) and the module's opening.
fn module_head(args: &[(&str, String)], module: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "use godwit::migration;\n");
    let _ = writeln!(s, "#[migration(");
    let last = args.len().saturating_sub(1);
    for (i, (key, value)) in args.iter().enumerate() {
        let _ = writeln!(s, "    {key} = {value}{}", if i < last { "," } else { "" });
    }
    let _ = writeln!(s, ")]");
    let _ = writeln!(s, "pub mod {module} {{");
    let _ = writeln!(s, "    use godwit::dsl::*;\n");
    s
}

/// The source of a new migration.
pub fn template(
    revision: &str,
    down_revision: Option<&str>,
    message: &str,
    module: &str,
) -> String {
    let mut args = vec![("revision", format!("{revision:?}"))];
    if let Some(down) = down_revision {
        args.push(("down_revision", format!("{down:?}")));
    }
    args.push(("message", format!("{message:?}")));
    let mut s = module_head(&args, module);
    let _ = writeln!(s, "    pub fn upgrade(op: &mut Ops) {{");
    let _ = writeln!(
        s,
        "        // op.add_column(\"users\", column(\"bio\", Text));"
    );
    let _ = writeln!(s, "    }}\n");
    let _ = writeln!(s, "    pub fn downgrade(op: &mut Ops) {{");
    let _ = writeln!(s, "        // op.drop_column(\"users\", \"bio\");");
    let _ = writeln!(s, "    }}");
    let _ = writeln!(s, "}}");
    s
}

/// Writes the next migration into `dir` (and registers it in `dir/mod.rs`),
/// and appends it to the first `migrations![..]` list found under `src`.
pub fn new_migration(
    dir: &Path,
    src: &Path,
    message: &str,
    head: Option<&str>,
    now: SystemTime,
) -> Result<NewMigration, ScaffoldError> {
    let Next {
        revision,
        module,
        file_stem,
        file,
    } = next(dir, message, now)?;
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    std::fs::write(&file, template(&revision, head, message, &module)).map_err(io(&file))?;
    let registered = register(dir, src, &[(file_stem, module.clone())], None)?;
    Ok(NewMigration {
        revision,
        module,
        file,
        set_file: registered.set_file,
    })
}

/// Writes the first migration of an application that never had
/// migrations: `ops` create the schema found in its database
/// (`Schema::creation_ops` of what introspection read). It says
/// `imported = "database"`, so that running it on a database that holds
/// exactly that schema records it as applied without running it, and it is
/// irreversible: undoing it would drop every table. `setting` (such as
/// `backends = [postgres];`) is added to the set when it has none.
pub fn baseline_migration(
    dir: &Path,
    src: &Path,
    message: &str,
    ops: &[godwit_core::Op],
    setting: &str,
    now: SystemTime,
) -> Result<NewMigration, ScaffoldError> {
    let Next {
        revision,
        module,
        file_stem,
        file,
    } = next(dir, message, now)?;
    let args = [
        ("revision", format!("{revision:?}")),
        ("message", format!("{message:?}")),
        ("imported", "\"database\"".to_string()),
        (
            "irreversible",
            "\"the schema the database was found with: undoing it would drop every table\""
                .to_string(),
        ),
    ];
    let mut s = "// The schema found in the database by `new --from-database`.\n".to_string();
    s += &module_head(&args, &module);
    let _ = writeln!(s, "    pub fn upgrade(op: &mut Ops) {{");
    for op in ops {
        let _ = writeln!(s, "        {op};");
    }
    let _ = writeln!(s, "    }}");
    let _ = writeln!(s, "}}");
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    std::fs::write(&file, s).map_err(io(&file))?;
    let registered = register(dir, src, &[(file_stem, module.clone())], Some(setting))?;
    Ok(NewMigration {
        revision,
        module,
        file,
        set_file: registered.set_file,
    })
}

/// The names of the next migration: its revision, module, file stem and
/// file.
struct Next {
    revision: String,
    module: String,
    file_stem: String,
    file: PathBuf,
}

/// [`Next`] for a migration written now with `message`, refusing a vague
/// message or a file that exists.
fn next(dir: &Path, message: &str, now: SystemTime) -> Result<Next, ScaffoldError> {
    if let Some(why) = godwit_core::validate::vague_message(message) {
        return Err(ScaffoldError::VagueMessage(message.to_string(), why));
    }
    let revision = timestamp_revision(now);
    let module = module_name(message);
    let file_stem = format!("m{revision}_{module}");
    let file = dir.join(format!("{file_stem}.rs"));
    if file.exists() {
        return Err(ScaffoldError::Exists(file));
    }
    Ok(Next {
        revision,
        module,
        file_stem,
        file,
    })
}

/// What [`register`] changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registered {
    /// The file whose `migrations!` list was extended, if one was found.
    pub set_file: Option<PathBuf>,
    /// Whether the setting asked for was added to it.
    pub setting_added: bool,
}

/// Declares each `(file stem, module)` and appends it to the first
/// `migrations!` list under `src`; adds `setting` (such as
/// `backends = [postgres];`) to that list when it has no setting of that
/// name yet. The modules are declared in the file holding the list when
/// `dir` is that file's module directory (a crate of migrations, its files
/// beside its `lib.rs`), in `dir/mod.rs` otherwise.
pub fn register(
    dir: &Path,
    src: &Path,
    entries: &[(String, String)],
    setting: Option<&str>,
) -> Result<Registered, ScaffoldError> {
    let set_file = find_set_file(src)?;
    let in_set_file = set_file
        .as_deref()
        .is_some_and(|f| layout::same_dir(&layout::module_dir(f), dir));
    if !in_set_file {
        let mod_rs = dir.join("mod.rs");
        let mut mods = std::fs::read_to_string(&mod_rs).unwrap_or_default();
        if !mods.is_empty() && !mods.ends_with('\n') {
            mods.push('\n');
        }
        for (file_stem, _) in entries {
            let _ = writeln!(mods, "pub mod {file_stem};");
        }
        std::fs::write(&mod_rs, mods).map_err(io(&mod_rs))?;
    }

    let mut setting_added = false;
    if let Some(path) = &set_file {
        let mut text = std::fs::read_to_string(path).map_err(io(path))?;
        // Without an entry to copy the path of, the module of the directory,
        // or none when the modules are declared beside the list.
        let prefix = if in_set_file {
            String::new()
        } else {
            dir.file_name()
                .map(|n| format!("{}::", n.to_string_lossy()))
                .unwrap_or_else(|| "migrations::".into())
        };
        if in_set_file {
            let stems: Vec<&str> = entries.iter().map(|(stem, _)| stem.as_str()).collect();
            if let Some(with) = declare(&text, &stems) {
                text = with;
            }
        } else if declares_no_module_of(&text, path, dir) {
            // A first migration in `src/migrations` of a list that has no
            // such module yet: the paths it gets name `migrations::..`.
            if let Some(with) = declare(&text, &["migrations"]) {
                text = with;
            }
        }
        if let Some(with) = setting.and_then(|s| add_setting(&text, s)) {
            text = with;
            setting_added = true;
        }
        for (file_stem, module) in entries {
            if let Some(updated) = append_to_set(&text, &prefix, file_stem, module) {
                text = updated;
            }
        }
        std::fs::write(path, text).map_err(io(path))?;
    }
    Ok(Registered {
        set_file,
        setting_added,
    })
}

/// Whether `dir` is the `migrations` directory of the module of
/// `set_file` (whose text is `text`) and that file declares no
/// `mod migrations`.
fn declares_no_module_of(text: &str, set_file: &Path, dir: &Path) -> bool {
    let is_child = dir.file_name().is_some_and(|n| n == "migrations")
        && dir
            .parent()
            .is_some_and(|p| layout::same_dir(p, &layout::module_dir(set_file)));
    is_child
        && !text.lines().any(|l| {
            let l = l.trim();
            (l.starts_with("mod ") || l.starts_with("pub")) && l.contains("mod migrations")
        })
}

/// `text` with `pub mod <stem>;` for each of `stems`: after the last module
/// declaration before its `migrations!`, or else above that item (and the
/// doc comments and attributes on it); `None` without a list.
pub(crate) fn declare(text: &str, stems: &[&str]) -> Option<String> {
    let list = macro_start(text)?;
    let lines: Vec<(usize, &str)> = text
        .split_inclusive('\n')
        .scan(0, |at, line| {
            let start = *at;
            *at += line.len();
            Some((start, line))
        })
        .take_while(|(start, _)| *start <= list)
        .collect();
    let is_mod = |line: &str| {
        let t = line.trim();
        (t.starts_with("mod ") || t.starts_with("pub mod ") || t.starts_with("pub(crate) mod "))
            && t.ends_with(';')
    };
    let declarations: String = stems.iter().map(|s| format!("pub mod {s};\n")).collect();
    if let Some((start, line)) = lines.iter().rev().find(|(_, l)| is_mod(l)) {
        let at = start + line.len();
        let newline = if line.ends_with('\n') { "" } else { "\n" };
        return Some(format!(
            "{}{newline}{declarations}{}",
            &text[..at],
            &text[at..]
        ));
    }
    // The line the item starts on, then up past what belongs to it.
    let mut at = lines.last().map(|(start, _)| *start)?;
    for (start, line) in lines.iter().rev().skip(1) {
        let t = line.trim_start();
        let attached = t.starts_with("///")
            || t.starts_with("#[")
            || (t.starts_with("//") && !t.starts_with("//!"));
        if !attached {
            break;
        }
        at = *start;
    }
    Some(format!("{}{declarations}\n{}", &text[..at], &text[at..]))
}

/// `text` with `setting` added before the paths of its `migrations!` list,
/// unless the list has a setting of the same name; `None` when unchanged.
fn add_setting(text: &str, setting: &str) -> Option<String> {
    let (start, _) = set_body(text)?;
    let name = setting.split('=').next()?.trim();
    let open = ["migrations![", "migrations! {", "migrations!{"]
        .iter()
        .filter_map(|m| text.find(m).map(|at| at + m.len()))
        .min()?;
    let settings = &text[open..start];
    let named = settings.split(';').any(|s| {
        s.lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<String>()
            .split('=')
            .next()
            .is_some_and(|n| n.trim() == name)
    });
    (!named).then(|| format!("{}\n    {setting}{}", &text[..start], &text[start..]))
}

/// The first `.rs` file under `src` that calls `migrations![`.
fn find_set_file(src: &Path) -> Result<Option<PathBuf>, ScaffoldError> {
    let mut stack = vec![src.to_path_buf()];
    let mut files = Vec::new();
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    for path in files {
        let text = std::fs::read_to_string(&path).map_err(io(&path))?;
        if set_body(&text).is_some() {
            return Ok(Some(path));
        }
    }
    Ok(None)
}

/// Where the first `migrations![..]` or `migrations! { .. }` of `text`
/// starts.
fn macro_start(text: &str) -> Option<usize> {
    ["migrations![", "migrations! {", "migrations!{"]
        .iter()
        .filter_map(|m| text.find(m))
        .min()
}

/// Where the paths of the first `migrations![..]` (or item form
/// `migrations! { .. }`) of `text` start and end: after its item form's
/// head and its settings (each ending in `;`), up to its closing bracket.
/// Brackets are matched and `//` comments skipped, so that
/// `backends = [..]` or a comment does not end it.
fn set_body(text: &str) -> Option<(usize, usize)> {
    let (at, open) = ["migrations![", "migrations! {", "migrations!{"]
        .iter()
        .filter_map(|m| text.find(m).map(|at| (at + m.len(), m.chars().last())))
        .min_by_key(|(at, _)| *at)?;
    let close = if open == Some('[') { ']' } else { '}' };
    let (mut depth, mut paths_start) = (0usize, at);
    let mut chars = text[at..].char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '/' if chars.peek().map(|(_, n)| *n) == Some('/') => {
                for (_, n) in chars.by_ref() {
                    if n == '\n' {
                        break;
                    }
                }
            }
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' if depth > 0 => depth -= 1,
            c if c == close => return Some((paths_start, at + i)),
            ';' if depth == 0 => paths_start = at + i + 1,
            _ => {}
        }
    }
    None
}

/// `text` with `file_stem::module,` added as the last entry of its
/// `migrations![..]` list, after the path prefix of the entries before it
/// (`prefix`, such as `migrations::`, when it has none).
fn append_to_set(text: &str, prefix: &str, file_stem: &str, module: &str) -> Option<String> {
    let (start, end) = set_body(text)?;
    let body = &text[start..end];
    let entries: Vec<&str> = body
        .split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .collect();
    // `a::b::m0001_x::x` → `a::b::`; without entries, the directory's module.
    let prefix = entries
        .last()
        .and_then(|last| {
            let parts: Vec<&str> = last.split("::").collect();
            (parts.len() >= 2).then(|| {
                parts[..parts.len() - 2]
                    .iter()
                    .map(|p| format!("{p}::"))
                    .collect::<String>()
            })
        })
        .unwrap_or_else(|| prefix.to_string());
    let entry = format!("{prefix}{file_stem}::{module}");
    let trimmed = body.trim_end();
    let mut new_body = trimmed.to_string();
    if !entries.is_empty() && !trimmed.ends_with(',') {
        new_body.push(',');
    }
    let _ = write!(new_body, "\n    {entry},\n");
    Some(format!("{}{}{}", &text[..start], new_body, &text[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn the_item_form_and_settings_are_read_past() {
        let text = "godwit::migrations! {\n    pub static M;\n    pub mod schema;\n    // a comment, with [brackets]; and more\n    backends = [postgres, sqlite];\n    migrations::m1_a::a,\n}\n";
        assert_eq!(
            append_to_set(text, "migrations::", "m2_b", "b").expect("a list"),
            "godwit::migrations! {\n    pub static M;\n    pub mod schema;\n    // a comment, with [brackets]; and more\n    backends = [postgres, sqlite];\n    migrations::m1_a::a,\n    migrations::m2_b::b,\n}\n"
        );
        let bracketed = "godwit::migrations![backends = [sqlite]; m::m1_a::a];";
        assert_eq!(
            append_to_set(bracketed, "m::", "m2_b", "b").expect("a list"),
            "godwit::migrations![backends = [sqlite]; m::m1_a::a,\n    m::m2_b::b,\n];"
        );
    }

    #[test]
    fn a_setting_is_added_once() {
        let empty = "pub static M: S = godwit::migrations![];";
        let with = add_setting(empty, "backends = [postgres];").expect("added");
        assert_eq!(
            with,
            "pub static M: S = godwit::migrations![\n    backends = [postgres];];"
        );
        assert_eq!(add_setting(&with, "backends = [sqlite];"), None);
        let item =
            "godwit::migrations! {\n    pub static M;\n    pub mod schema;\n    m::m1_a::a,\n}";
        assert_eq!(
            add_setting(item, "backends = [postgres];").expect("added"),
            "godwit::migrations! {\n    pub static M;\n    pub mod schema;\n    backends = [postgres];\n    m::m1_a::a,\n}"
        );
    }

    #[test]
    fn revisions_are_utc_timestamps() {
        let at = UNIX_EPOCH + Duration::from_secs(1_737_282_600); // 2025-01-19 10:30:00
        assert_eq!(timestamp_revision(at), "20250119_103000");
        assert_eq!(timestamp_revision(UNIX_EPOCH), "19700101_000000");
    }

    #[test]
    fn module_names_are_identifiers() {
        assert_eq!(module_name("Add users.bio column"), "add_users_bio_column");
        assert_eq!(module_name("  2 new tables!  "), "m_2_new_tables");
    }

    #[test]
    fn appends_with_the_existing_prefix() {
        let text = "pub static M: S = godwit::migrations![\n    migrations::m1_a::a,\n    migrations::m2_b::b\n];\n";
        let out = append_to_set(text, "migrations::", "m3_c", "c").expect("a list");
        assert_eq!(
            out,
            "pub static M: S = godwit::migrations![\n    migrations::m1_a::a,\n    migrations::m2_b::b,\n    migrations::m3_c::c,\n];\n"
        );
        let empty =
            append_to_set("godwit::migrations![]", "migrations::", "m1_a", "a").expect("a list");
        assert_eq!(empty, "godwit::migrations![\n    migrations::m1_a::a,\n]");
    }

    #[test]
    fn writes_the_file_and_registers_it() {
        let root = std::env::temp_dir().join(format!("godwit-scaffold-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let src = root.join("src");
        let dir = src.join("migrations");
        std::fs::create_dir_all(&dir).expect("mkdir");
        std::fs::write(
            src.join("lib.rs"),
            "pub static M: S = godwit::migrations![\n    migrations::m1_a::a,\n];\n",
        )
        .expect("write");
        let at = UNIX_EPOCH + Duration::from_secs(1_737_282_600);
        let new =
            new_migration(&dir, &src, "add users.bio column", Some("1"), at).expect("written");
        assert_eq!(new.module, "add_users_bio_column");
        let source = std::fs::read_to_string(&new.file).expect("read");
        assert!(source.contains("down_revision = \"1\""));
        assert!(source.contains("pub mod add_users_bio_column {"));
        let lib = std::fs::read_to_string(src.join("lib.rs")).expect("read");
        assert!(lib
            .contains("migrations::m20250119_103000_add_users_bio_column::add_users_bio_column,"));
        let mods = std::fs::read_to_string(dir.join("mod.rs")).expect("read");
        assert_eq!(mods, "pub mod m20250119_103000_add_users_bio_column;\n");
        assert!(matches!(
            new_migration(&dir, &src, "fix", None, at),
            Err(ScaffoldError::VagueMessage(..))
        ));
        let _ = std::fs::remove_dir_all(&root);
    }
}
