//! The command line (feature `cli`): what an application's `migrate` binary
//! or subcommand runs.
//!
//! ```no_run
//! # static MIGRATIONS: godwit::MigrationSet = godwit::migrations![];
//! fn main() -> std::process::ExitCode {
//!     godwit::cli::run(&MIGRATIONS)
//! }
//! ```
//!
//! It reads `--database-url` or `DATABASE_URL`; passwords are never printed
//! (every error is scrubbed of them). Every command takes `--json` for
//! scripts. Exit codes: 0 success, 1 a `check` that found the database behind
//! (or a failed `verify`), 2 an error, a refusal (a `downgrade` that would
//! lose data without `--allow-data-loss`, a `restore` over a newer database
//! without `--force`) or a lock not taken within `--lock-wait`.
//!
//! `fleet upgrade|check|current|history --targets FILE` runs the same on
//! many databases (one URL a line): 0 when every target is at the target
//! revision (for `check`: at head), 1 when a `check` found one behind and
//! none failed, 2 when any target failed or was not started.
//!
//! The runner decides (targets, refusals, what is applied); the command
//! line asks it and prints the answer: `args.rs` reads the arguments, one
//! function per command in `migrate.rs` (`upgrade`, `downgrade`),
//! `commands.rs` (the others) and `round_trip.rs` (`verify`), `fleet.rs` (`fleet`), `output.rs`
//! prints, `backup.rs` and `scrub.rs` do what their names say.

mod adopt;
mod args;
mod backup;
mod commands;
mod fleet;
mod migrate;
mod output;
mod round_trip;
mod scrub;

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;

use crate::database::redact;
use crate::scaffold::{Layout, LayoutError};
use crate::{connect, AnyConnection, Dialect, Error, MigrationSet, Options};
use args::{Cli, Command};
use output::Out;

/// How the command line was called, beyond its arguments.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// The database to use when neither `--database-url` nor `DATABASE_URL`
    /// is given (an application may default to an SQLite file).
    pub default_database_url: Option<String>,
    /// The program name shown in help and in suggested commands.
    pub program: Option<String>,
}

/// Runs the command line on the process's arguments and environment.
pub fn run(set: &MigrationSet) -> ExitCode {
    run_with(set, std::env::args_os(), &Settings::default())
}

/// Runs the command line on `args` (the first is the program name).
pub fn run_with<I, T>(set: &MigrationSet, args: I, settings: &Settings) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let mut cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version are not errors.
            if !e.use_stderr() {
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            // A URL typed in the wrong place is echoed back: scrub it.
            let url = std::env::var("DATABASE_URL").ok();
            eprint!("{}", scrub::scrub(&e.render().to_string(), url.as_deref()));
            return ExitCode::from(2);
        }
    };
    if cli.database_url.is_none() {
        cli.database_url = settings.default_database_url.clone();
    }
    init_tracing(cli.verbose);
    let program = settings.program.clone().unwrap_or_else(|| "godwit".into());
    let stdout = std::io::stdout();
    let mut cx = Context {
        set,
        cli: &cli,
        program: &program,
        out: Out::new(stdout.lock(), cli.json),
    };
    match execute(&mut cx) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            let url = cli.database_url.as_deref();
            cx.out.error(&e, |text| scrub::scrub(text, url));
            ExitCode::from(2)
        }
    }
}

fn init_tracing(verbose: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new(if verbose {
            "godwit=debug"
        } else {
            "godwit=warn"
        })
    });
    // A second call (tests run several commands in one process) keeps the first.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// A command-line failure: the runtime's error, or a usage problem.
#[derive(Debug, thiserror::Error)]
enum CliError {
    #[error(transparent)]
    Runtime(#[from] Error),
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Io(String),
}

/// One call of the command line, which every command is given: the set,
/// the arguments, the program's name, and where to print.
struct Context<'a, W: Write> {
    set: &'a MigrationSet,
    cli: &'a Cli,
    program: &'a str,
    out: Out<W>,
}

impl<'a, W: Write> Context<'a, W> {
    /// The options of a run, from the global flags.
    fn options(&self) -> Options {
        let mut o = Options::default();
        if let Some(s) = self.cli.lock_timeout {
            o.lock_timeout = Duration::from_secs(s);
        }
        if let Some(s) = self.cli.lock_wait {
            o.lock_wait = Duration::from_secs(s);
        }
        o
    }

    /// The database URL, which most commands need.
    fn url(&self) -> Result<&'a str, CliError> {
        self.cli.database_url.as_deref().ok_or_else(|| {
            CliError::Usage("no database: pass --database-url or set DATABASE_URL".into())
        })
    }

    /// A connection to the database.
    fn open(&self) -> Result<AnyConnection, CliError> {
        let url = self.url()?;
        tracing::debug!(url = %redact(url), "connecting");
        Ok(connect(url)?)
    }

    /// Where `new` and `import` write: `dir` and `src` as given, the rest
    /// found from the working directory (`scaffold::locate`), shown
    /// relative to it where it holds them.
    fn layout(&self, dir: Option<&Path>, src: Option<&Path>) -> Result<Layout, CliError> {
        let cwd = std::env::current_dir()
            .map_err(|e| CliError::Io(format!("the working directory: {e}")))?;
        let found =
            crate::scaffold::locate(&cwd, dir, src, self.set.head()).map_err(|e| match e {
                LayoutError::Ambiguous { .. } => CliError::Usage(e.to_string()),
                LayoutError::Read(e) => CliError::Io(e.to_string()),
            })?;
        let shown = |path: PathBuf| match path.strip_prefix(&cwd) {
            Ok(p) if p.as_os_str().is_empty() => PathBuf::from("."),
            Ok(p) => p.to_path_buf(),
            Err(_) => path,
        };
        tracing::debug!(dir = %found.dir.display(), src = %found.src.display(), "layout");
        Ok(Layout {
            dir: shown(found.dir),
            src: shown(found.src),
            set_file: found.set_file.map(shown),
        })
    }
}

/// The backend a URL names, as `connect` reads it; an unknown scheme is a
/// usage error.
fn dialect_of(url: &str) -> Result<Dialect, CliError> {
    crate::database::dialect_of(url).map_err(|e| match e {
        Error::UnsupportedUrl { reason, .. } => CliError::Usage(reason),
        e => e.into(),
    })
}

/// Runs the command the arguments name.
fn execute<W: Write>(cx: &mut Context<'_, W>) -> Result<u8, CliError> {
    let cli = cx.cli;
    match &cli.command {
        Command::Upgrade {
            target,
            sql,
            backup,
        } => migrate::upgrade(cx, target.as_deref(), *sql, backup.as_deref()),
        Command::Downgrade {
            target,
            sql,
            allow_data_loss,
        } => migrate::downgrade(cx, target, *sql, *allow_data_loss),
        Command::Current => commands::current(cx),
        Command::History => commands::history(cx),
        Command::Heads => commands::heads(cx),
        Command::Check => commands::check(cx),
        Command::Stamp { revision } => commands::stamp(cx, revision),
        Command::Sql { range, dialect } => commands::sql(cx, range, *dialect),
        Command::Verify => round_trip::run(cx),
        Command::Schema { diesel: false, .. } => commands::schema(cx),
        Command::Schema {
            diesel: true,
            backend,
        } => commands::diesel_schema(cx, *backend),
        Command::Backup { dir } => commands::backup(cx, dir),
        Command::Restore { file, force } => commands::restore(cx, file, *force),
        Command::New {
            message,
            dir,
            src,
            from_database,
        } => {
            let layout = cx.layout(dir.as_deref(), src.as_deref())?;
            if *from_database {
                adopt::from_database(cx, message, &layout)
            } else {
                commands::new(cx, message, &layout)
            }
        }
        Command::Fleet {
            action,
            targets,
            parallel,
            canary,
            max_failures,
            to,
        } => fleet::run(
            cx,
            *action,
            targets,
            fleet::Limits {
                parallel: *parallel,
                canary: *canary,
                max_failures: *max_failures,
            },
            to.as_deref(),
        ),
        Command::Import {
            tool,
            from,
            dir,
            src,
            dialect,
        } => {
            let layout = cx.layout(dir.as_deref(), src.as_deref())?;
            adopt::import(cx, *tool, from, &layout, *dialect)
        }
    }
}
