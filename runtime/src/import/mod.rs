//! `import diesel|sqlx|refinery DIR`: an existing migration history as
//! godwit migrations, one module per original migration, written where `new`
//! writes and listed where `new` lists.
//!
//! Each statement becomes the DSL ops that do exactly the same where there
//! are such ops (rendered back for the backend and read again, they must be
//! the same ops), and `op.execute` with the statement as written otherwise.
//! Revisions are the original versions, as the tool records them, chained
//! in the order the tool applies them; each module says
//! `imported = "<tool>"`, so the compatibility and performance rules, which
//! concern a deploy still to come, pass over history that already ran,
//! while the structural rules still apply. A migration whose down migration
//! does not undo it is declared irreversible with the difference as the
//! reason, its original down migration kept beside it for the user to
//! mend.

mod convert;
pub mod sources;

use std::fmt;
use std::path::{Path, PathBuf};

use godwit_core::schema::Schema;
use godwit_core::{Backend, Backends, Migration, Phase, Rule};

use crate::dialect::Dialect;
use crate::scaffold;
use convert::{Header, Piece};
pub use sources::Original;

/// What `imported = ".."` says of the first migration `new
/// --from-database` writes: the schema found in a database.
pub const FROM_DATABASE: &str = "database";

/// A tool whose history `import` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tool {
    /// diesel_migrations: `<version>_<name>/up.sql` and `down.sql`.
    Diesel,
    /// sqlx: `<version>_<description>.sql`, or `.up.sql` and `.down.sql`.
    Sqlx,
    /// refinery: `V<version>__<name>.sql`.
    Refinery,
}

impl Tool {
    /// Every tool, in the order the command line lists them.
    pub const ALL: [Tool; 3] = [Tool::Diesel, Tool::Sqlx, Tool::Refinery];

    /// Its name, as `import` and `imported = ".."` write it.
    pub fn name(self) -> &'static str {
        match self {
            Tool::Diesel => "diesel",
            Tool::Sqlx => "sqlx",
            Tool::Refinery => "refinery",
        }
    }

    /// The tool of this name.
    pub fn from_name(name: &str) -> Option<Tool> {
        Tool::ALL.into_iter().find(|t| t.name() == name)
    }

    /// The table in which the tool records what it applied.
    pub fn history_table(self) -> &'static str {
        match self {
            Tool::Diesel => "__diesel_schema_migrations",
            Tool::Sqlx => "_sqlx_migrations",
            Tool::Refinery => "refinery_schema_history",
        }
    }
}

impl fmt::Display for Tool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why an import wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// The directory holds no migration of that tool.
    #[error("{dir} holds no {tool} migration")]
    NoMigrations {
        /// The tool.
        tool: Tool,
        /// The directory.
        dir: PathBuf,
    },
    /// A file that looks like a migration but cannot be one.
    #[error("{0}: {1}")]
    BadName(PathBuf, String),
    /// Two migrations with the same version.
    #[error("version {version} is used twice: {first} and {second}")]
    DuplicateVersion {
        /// The version.
        version: String,
        /// One file.
        first: PathBuf,
        /// The other.
        second: PathBuf,
    },
    /// A migration of the set has that revision already.
    #[error("revision {0} is in the set already: was this history imported before?")]
    RevisionInSet(String),
    /// A file to write exists already.
    #[error("{0} exists already; not overwriting it")]
    Exists(PathBuf),
}

impl ImportError {
    fn io(path: &Path, source: std::io::Error) -> ImportError {
        ImportError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

impl From<scaffold::ScaffoldError> for ImportError {
    fn from(e: scaffold::ScaffoldError) -> ImportError {
        match e {
            scaffold::ScaffoldError::Io { path, source } => ImportError::Io { path, source },
            scaffold::ScaffoldError::Exists(path) => ImportError::Exists(path),
            scaffold::ScaffoldError::VagueMessage(m, why) => {
                ImportError::BadName(PathBuf::from(m), why)
            }
        }
    }
}

/// What to import and where to write it.
#[derive(Clone, Debug)]
pub struct ImportOptions<'a> {
    /// The tool whose history it is.
    pub tool: Tool,
    /// Its migration directory.
    pub from: &'a Path,
    /// The backend its SQL is written for.
    pub dialect: Dialect,
    /// The directory of godwit's migration files (`new`'s `--dir`).
    pub dir: &'a Path,
    /// Where the `migrations!` list is (`new`'s `--src`).
    pub src: &'a Path,
    /// The revisions of the set as it is, in chain order: the import follows
    /// its head.
    pub existing: &'a [&'a str],
}

/// One migration written.
#[derive(Clone, Debug)]
pub struct Imported {
    /// Its revision (the original version).
    pub revision: String,
    /// Its message.
    pub message: String,
    /// The file written.
    pub file: PathBuf,
    /// Statements written as DSL ops.
    pub dsl: usize,
    /// Statements kept as `op.execute`.
    pub raw: usize,
    /// Why it was declared irreversible, when it was.
    pub irreversible: Option<String>,
    /// `transaction = false`.
    pub outside_transaction: bool,
}

/// What `import` wrote and what the user should look at.
#[derive(Clone, Debug)]
pub struct ImportReport {
    /// The migrations, in chain order.
    pub migrations: Vec<Imported>,
    /// The file whose `migrations!` list was extended, if one was found.
    pub set_file: Option<PathBuf>,
    /// The `backends = [..];` setting added to that list, when it had none.
    pub backends_added: Option<String>,
    /// The down migrations that do not undo their up migrations: revision
    /// and the difference.
    pub unmatched_downs: Vec<(String, String)>,
    /// The down migrations the checker refuses, declared irreversible:
    /// revision and the checker's message.
    pub refused_downs: Vec<(String, String)>,
    /// What the checker will still refuse (structural rules), by revision.
    pub problems: Vec<(String, String)>,
    /// The tables at head with more columns than Diesel's `table!` takes
    /// by default (32), widest first: a `pub mod schema;` needs diesel's
    /// `64-column-tables` (or `128-column-tables`) feature for them.
    pub wide_tables: Vec<(String, usize)>,
}

/// Diesel's `table!` takes 32 columns unless a feature of diesel's says more.
const DIESEL_COLUMNS: usize = 32;

fn wide_tables(head: &Schema) -> Vec<(String, usize)> {
    let mut wide: Vec<(String, usize)> = head
        .tables
        .iter()
        .filter(|(_, t)| !t.deprecated)
        .map(|(name, t)| {
            (
                name.clone(),
                t.columns.iter().filter(|c| !c.marked_deprecated).count(),
            )
        })
        .filter(|(_, n)| *n > DIESEL_COLUMNS)
        .collect();
    wide.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    wide
}

/// The backends an import from `dialect`'s SQL is checked for.
pub fn backends_of(dialect: Dialect) -> Backends {
    Backends::new(
        dialect
            .backends()
            .iter()
            .map(|b| godwit_core::Target::new(*b)),
    )
}

/// Imports the history: reads it, converts it, checks it, and writes the
/// modules only once every one of them could be written (nothing is
/// overwritten).
pub fn import(options: &ImportOptions<'_>) -> Result<ImportReport, ImportError> {
    let originals = sources::read(options.tool, options.from)?;
    for o in &originals {
        if options.existing.contains(&o.version.as_str()) {
            return Err(ImportError::RevisionInSet(o.version.clone()));
        }
    }
    let (plan, head) = plan(options, &originals);
    let files: Vec<PathBuf> = plan
        .iter()
        .map(|p| options.dir.join(format!("{}.rs", p.file_stem)))
        .collect();
    if let Some(existing) = files.iter().find(|f| f.exists()) {
        return Err(ImportError::Exists(existing.clone()));
    }
    std::fs::create_dir_all(options.dir).map_err(|e| ImportError::io(options.dir, e))?;
    let mut report = ImportReport {
        migrations: Vec::new(),
        set_file: None,
        backends_added: None,
        unmatched_downs: Vec::new(),
        refused_downs: Vec::new(),
        problems: Vec::new(),
        wide_tables: wide_tables(&head),
    };
    for (p, file) in plan.iter().zip(&files) {
        std::fs::write(file, &p.source).map_err(|e| ImportError::io(file, e))?;
        if let Some(diff) = &p.unmatched {
            report
                .unmatched_downs
                .push((p.migration.revision.to_string(), diff.clone()));
        }
        if let Some(why) = &p.refused {
            report
                .refused_downs
                .push((p.migration.revision.to_string(), why.clone()));
        }
        report.migrations.push(Imported {
            revision: p.migration.revision.to_string(),
            message: p.migration.message.to_string(),
            file: file.clone(),
            dsl: p.dsl,
            raw: p.raw,
            irreversible: p.migration.irreversible.as_deref().map(str::to_string),
            outside_transaction: !p.migration.transaction,
        });
    }
    let entries: Vec<(String, String)> = plan
        .iter()
        .map(|p| (p.file_stem.clone(), p.module.clone()))
        .collect();
    let setting = backends_of(options.dialect).setting();
    let registered = scaffold::register(options.dir, options.src, &entries, Some(&setting))?;
    report.set_file = registered.set_file;
    report.backends_added = registered.setting_added.then_some(setting);
    let migrations: Vec<Migration> = plan.into_iter().map(|p| p.migration).collect();
    report.problems = problems(&migrations, options.dialect);
    Ok(report)
}

/// One migration as it will be written.
struct Planned {
    migration: Migration,
    module: String,
    file_stem: String,
    source: String,
    dsl: usize,
    raw: usize,
    unmatched: Option<String>,
    refused: Option<String>,
}

/// Converts every original, then declares irreversible those whose down
/// migration the checker finds does not undo them.
fn plan(options: &ImportOptions<'_>, originals: &[Original]) -> (Vec<Planned>, Schema) {
    let tool = options.tool;
    let mut schema = Schema::new();
    let mut converted = Vec::new();
    let mut down_revision = options.existing.last().map(|r| r.to_string());
    for o in originals {
        let up = convert::body(&o.up, options.dialect, &mut schema);
        let down = o.down.as_ref().map(|sql| {
            // Read on the schema after the upgrade, which stays as it is.
            convert::body(sql, options.dialect, &mut schema.clone())
        });
        let message = convert::message(tool, o);
        let migration = Migration {
            revision: o.version.clone().into(),
            down_revision: down_revision.clone().map(Into::into),
            message: message.clone().into(),
            irreversible: down.is_none().then(|| {
                format!("imported from {tool}, which has no down migration for it").into()
            }),
            allow: Vec::new().into(),
            imported: Some(tool.name().into()),
            transaction: o.transaction,
            upgrade: flatten(&up).into(),
            downgrade: down.as_deref().map(flatten).unwrap_or_default().into(),
            checksum: "".into(),
        };
        down_revision = Some(o.version.clone());
        converted.push((o, up, down, migration));
    }
    let migrations: Vec<Migration> = converted.iter().map(|c| c.3.clone()).collect();
    let order: Vec<usize> = (0..migrations.len()).collect();
    let mismatches =
        godwit_core::check_history_for(&migrations, &order, &backends_of(options.dialect));
    let mut planned = Vec::new();
    for (index, (o, up, down, mut migration)) in converted.into_iter().enumerate() {
        let unmatched = mismatches
            .iter()
            .find(|d| d.rule == Rule::DowngradeMismatch && d.at.migration() == index)
            .map(|d| d.message.clone());
        // A down migration the checker refuses (it drops what is not there,
        // creates what is): history that ran is not rewritten, and a
        // downgrade godwit cannot follow is not run; the user decides.
        let refused = mismatches
            .iter()
            .find(|d| {
                d.at.migration() == index
                    && matches!(
                        d.at,
                        godwit_core::Location::Op {
                            phase: Phase::Downgrade,
                            ..
                        }
                    )
            })
            .filter(|_| down.is_some());
        let kept = match (refused, &unmatched) {
            (Some(d), _) => Some((
                KeptDown::Refused,
                format!(
                    "the checker refuses its down migration ([{}] {})",
                    d.rule.id(),
                    summary(&d.message)
                ),
            )),
            (None, Some(diff)) => Some((
                KeptDown::Unmatched,
                format!("its down migration does not undo it ({})", summary(diff)),
            )),
            (None, None) => None,
        };
        let mut down = down;
        let mut kept_down = None;
        if let Some((_, why)) = &kept {
            migration.irreversible = Some(format!("imported from {tool}: {why}").into());
            migration.downgrade = Vec::new().into();
            kept_down = down.take();
        }
        // Named after the original, not the message, which may carry the
        // tool and version.
        let module = convert::module_ident(if o.name.is_empty() {
            &migration.message
        } else {
            &o.name
        });
        let revision_part: String = o
            .version
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let file_stem = format!("m{revision_part}_{module}");
        let header = Header {
            tool,
            original: o,
            revision: &migration.revision,
            down_revision: migration.down_revision.as_deref(),
            message: &migration.message,
            module: &module,
            irreversible: migration.irreversible.as_deref(),
            unmatched_down: kept_down.as_deref().zip(kept.as_ref().map(|(how, _)| *how)),
        };
        let source = convert::module_source(&header, &up, down.as_deref());
        let count = |pieces: &[Piece], raw: bool| {
            pieces
                .iter()
                .filter(|p| matches!(p, Piece::Raw(_)) == raw)
                .count()
        };
        let all: Vec<Piece> = up.iter().chain(down.iter().flatten()).cloned().collect();
        planned.push(Planned {
            dsl: count(&all, false),
            raw: count(&all, true),
            migration,
            module,
            file_stem,
            source,
            refused: refused
                .map(|d| format!("[{}] {}", d.rule.id(), d.message.replace('\n', "; "))),
            unmatched: unmatched.filter(|_| refused.is_none()),
        });
    }
    (planned, schema)
}

/// Why an original down migration was kept aside, commented out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeptDown {
    /// It does not undo the upgrade.
    Unmatched,
    /// The checker refuses it.
    Refused,
}

/// A checker's message as one line of a reason: whitespace collapsed, cut
/// at a word near 160 characters, its `code` quotes kept in pairs.
fn summary(text: &str) -> String {
    const MOST: usize = 160;
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut out = String::new();
    for word in words {
        if out.chars().count() + word.chars().count() > MOST {
            if out.matches('`').count() % 2 == 1 {
                out.push('`');
            }
            out.push_str(" ..");
            return out;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

fn flatten(pieces: &[Piece]) -> Vec<godwit_core::Op> {
    pieces.iter().flat_map(Piece::ops).collect()
}

/// What the checker refuses of the imported set, by revision.
fn problems(migrations: &[Migration], dialect: Dialect) -> Vec<(String, String)> {
    let order: Vec<usize> = (0..migrations.len()).collect();
    godwit_core::check_history_for(migrations, &order, &backends_of(dialect))
        .into_iter()
        .map(|d| {
            let revision = migrations
                .get(d.at.migration())
                .map(|m| m.revision.to_string())
                .unwrap_or_default();
            let phase = match d.at {
                godwit_core::Location::Op {
                    phase: Phase::Downgrade,
                    ..
                } => " (downgrade)",
                _ => "",
            };
            (
                revision,
                format!("[{}]{phase} {}", d.rule.id(), d.message.replace('\n', "; ")),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests;

/// The backend each dialect's SQL is read for when nothing says otherwise.
pub fn default_backend(dialect: Dialect) -> Backend {
    dialect.backends()[0]
}
