//! The command line's arguments: the global flags, one subcommand each
//! command, and how a target is written.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use super::CliError;
use crate::{Dialect, Target};

/// godwit: apply, inspect and verify this application's migrations.
#[derive(Clone, Debug, Parser)]
#[command(version, about, long_about = None)]
pub(super) struct Cli {
    /// The database (`sqlite://path`, a file path, `postgres://..`, `mysql://..`).
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub(super) database_url: Option<String>,
    /// Print results as JSON, one document per command.
    #[arg(long, global = true)]
    pub(super) json: bool,
    /// Log what the runner does (also: RUST_LOG=godwit=debug).
    #[arg(long, short, global = true)]
    pub(super) verbose: bool,
    /// PostgreSQL lock_timeout / MySQL lock_wait_timeout per statement, in seconds.
    #[arg(long, global = true, value_name = "SECONDS")]
    pub(super) lock_timeout: Option<u64>,
    /// Seconds to wait for another process holding the migration lock.
    #[arg(long, global = true, value_name = "SECONDS")]
    pub(super) lock_wait: Option<u64>,
    #[command(subcommand)]
    pub(super) command: Command,
}

#[derive(Clone, Debug, Subcommand)]
pub(super) enum Command {
    /// Apply pending migrations up to TARGET (default: head).
    Upgrade {
        /// head, a revision, or +N.
        #[arg(allow_hyphen_values = true)]
        target: Option<String>,
        /// Print the SQL instead of running it.
        #[arg(long)]
        sql: bool,
        /// Back the database up into DIR first (when something is pending).
        #[arg(long, value_name = "DIR")]
        backup: Option<PathBuf>,
    },
    /// Undo migrations down to TARGET (base, a revision, or -N).
    Downgrade {
        /// base, a revision, or -N.
        #[arg(allow_hyphen_values = true)]
        target: String,
        /// Print the SQL instead of running it.
        #[arg(long)]
        sql: bool,
        /// Undo migrations even when that drops tables or columns, or loses
        /// what an upgrade dropped (without it, such a downgrade is refused
        /// and the data it would lose is listed).
        #[arg(long)]
        allow_data_loss: bool,
    },
    /// Print the revision the database is at.
    Current,
    /// List every migration: revision, state, applied time, message, safety_assured reasons.
    History,
    /// Print the head revision of this binary's migrations.
    Heads,
    /// Exit 0 if the database is at head, 1 if not (a deploy gate).
    Check,
    /// Record the database as being at REV without running anything.
    Stamp {
        /// head, base or a revision.
        revision: String,
    },
    /// Print the SQL between two revisions, offline: [FROM:]TO.
    Sql {
        /// [FROM:]TO, e.g. `head`, `base:head`, `20250101_000000:head`.
        range: String,
        /// The dialect (default: the database URL's).
        #[arg(long, value_enum)]
        dialect: Option<DialectArg>,
    },
    /// On a scratch database: every migration up, down, up again, comparing schemas.
    Verify,
    /// Print the current schema; with --diesel, Diesel's schema at head
    /// from the migrations, offline (what `diesel print-schema` prints).
    Schema {
        /// Print Diesel's `table!` definitions at head, computed from the
        /// migrations (deprecated columns and tables left out).
        #[arg(long)]
        diesel: bool,
        /// The backend whose Diesel types to use (default: the one the
        /// set's `pub mod schema;` uses, else the database URL's).
        #[arg(long, value_enum, requires = "diesel")]
        backend: Option<BackendArg>,
    },
    /// Back the database up into DIR.
    Backup {
        /// Where the backup and its info file go.
        #[arg(long, default_value = "backups")]
        dir: PathBuf,
    },
    /// Restore a backup made by `backup`.
    Restore {
        /// The backup file.
        file: PathBuf,
        /// Overwrite a database that is at a newer revision than the backup.
        #[arg(long)]
        force: bool,
    },
    /// Write the next migration file, following the current head.
    New {
        /// What the migration does (at least three words).
        message: String,
        /// The directory of migration files (default: that of the migrations
        /// listed, else src/migrations, else beside the list).
        #[arg(long)]
        dir: Option<PathBuf>,
        /// Where to look for the `migrations![..]` list to extend (default:
        /// ./src if it holds one, else the workspace crate that does).
        #[arg(long)]
        src: Option<PathBuf>,
        /// Write the first migration from the schema of the database
        /// (introspected): applied there, it is recorded without running.
        #[arg(long)]
        from_database: bool,
    },
    /// Run upgrade, check, current or history on every database of a
    /// targets file, several at a time; exit 0 only when every target is at
    /// the target revision (1: a `check` found one behind, 2: an error).
    Fleet {
        /// What to run on each target.
        #[arg(value_enum)]
        action: FleetAction,
        /// The targets: database URLs, one a line (`-`: standard input);
        /// blank lines and `#` comments are skipped.
        #[arg(long, value_name = "FILE")]
        targets: PathBuf,
        /// How many targets run at once, one connection each.
        #[arg(long, value_name = "N", default_value_t = 4)]
        parallel: usize,
        /// upgrade: the first K targets go first, alone; the rest start only
        /// if all of them reached the target revision.
        #[arg(long, value_name = "K", default_value_t = 0)]
        canary: usize,
        /// upgrade: start no new target once M have failed.
        #[arg(long, value_name = "M")]
        max_failures: Option<usize>,
        /// upgrade: where every target goes (head, a revision, +N; default head).
        #[arg(long, value_name = "REV", allow_hyphen_values = true)]
        to: Option<String>,
    },
    /// Write another tool's migration history as godwit migrations, after
    /// the current head (one module per migration, revisions kept).
    Import {
        /// The tool whose history it is.
        #[arg(value_enum)]
        tool: ToolArg,
        /// Its migration directory.
        from: PathBuf,
        /// The directory of migration files to write (found as for `new`).
        #[arg(long)]
        dir: Option<PathBuf>,
        /// Where to look for the `migrations![..]` list to extend (found as
        /// for `new`).
        #[arg(long)]
        src: Option<PathBuf>,
        /// The backend the SQL is written for (default: the database URL's,
        /// else postgres).
        #[arg(long, value_enum)]
        dialect: Option<DialectArg>,
    },
}

/// What `fleet` runs on each target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(super) enum FleetAction {
    Upgrade,
    Check,
    Current,
    History,
}

/// A tool `import` reads.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub(super) enum ToolArg {
    Diesel,
    Sqlx,
    Refinery,
}

impl From<ToolArg> for crate::import::Tool {
    fn from(t: ToolArg) -> crate::import::Tool {
        use crate::import::Tool;
        match t {
            ToolArg::Diesel => Tool::Diesel,
            ToolArg::Sqlx => Tool::Sqlx,
            ToolArg::Refinery => Tool::Refinery,
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(super) enum DialectArg {
    Postgres,
    Mysql,
    Sqlite,
}

/// A backend, as `schema --diesel --backend` names it.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub(super) enum BackendArg {
    Postgres,
    Mysql,
    Mariadb,
    Sqlite,
}

impl From<BackendArg> for godwit_core::Backend {
    fn from(b: BackendArg) -> godwit_core::Backend {
        use godwit_core::Backend;
        match b {
            BackendArg::Postgres => Backend::Postgres,
            BackendArg::Mysql => Backend::Mysql,
            BackendArg::Mariadb => Backend::Mariadb,
            BackendArg::Sqlite => Backend::Sqlite,
        }
    }
}

impl From<DialectArg> for Dialect {
    fn from(d: DialectArg) -> Dialect {
        match d {
            DialectArg::Postgres => Dialect::Postgres,
            DialectArg::Mysql => Dialect::Mysql,
            DialectArg::Sqlite => Dialect::Sqlite,
        }
    }
}

/// A target as typed: `head`, `base`, a revision, `+N` or `-N`.
pub(super) fn parse_target(text: &str) -> Result<Target<'_>, CliError> {
    let t = text.trim();
    Ok(match t {
        "head" | "heads" => Target::Head,
        "base" => Target::Base,
        _ if (t.starts_with('+') || t.starts_with('-'))
            && t.len() > 1
            && t[1..].bytes().all(|b| b.is_ascii_digit()) =>
        {
            let n: i32 = t
                .parse()
                .map_err(|_| CliError::Usage(format!("`{t}` is too large a step")))?;
            Target::Relative(n)
        }
        "" => {
            return Err(CliError::Usage(
                "an empty target: use head, base, a revision, +N or -N".into(),
            ))
        }
        _ => Target::Revision(t),
    })
}
