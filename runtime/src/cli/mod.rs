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

mod backup;
mod output;
mod scrub;
mod verify;

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand, ValueEnum};
use serde_json::json;

use crate::database::{redact, Database};
use crate::{connect, AnyConnection, Dialect, Error, MigrationSet, Options, Phase, Target};
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
    let mut out = Out::new(stdout.lock(), cli.json);
    match execute(set, &cli, &program, &mut out) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            out.error(&scrub::scrub(&e.to_string(), cli.database_url.as_deref()));
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

/// godwit: apply, inspect and verify this application's migrations.
#[derive(Debug, Parser)]
#[command(version, about, long_about = None)]
struct Cli {
    /// The database (`sqlite://path`, a file path, `postgres://..`, `mysql://..`).
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    database_url: Option<String>,
    /// Print results as JSON, one document per command.
    #[arg(long, global = true)]
    json: bool,
    /// Log what the runner does (also: RUST_LOG=godwit=debug).
    #[arg(long, short, global = true)]
    verbose: bool,
    /// PostgreSQL lock_timeout / MySQL lock_wait_timeout per statement, in seconds.
    #[arg(long, global = true, value_name = "SECONDS")]
    lock_timeout: Option<u64>,
    /// Seconds to wait for another process holding the migration lock.
    #[arg(long, global = true, value_name = "SECONDS")]
    lock_wait: Option<u64>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
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
    /// Print the current schema.
    Schema,
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
        /// The directory of migration files.
        #[arg(long, default_value = "src/migrations")]
        dir: PathBuf,
        /// Where to look for the `migrations![..]` list to extend.
        #[arg(long, default_value = "src")]
        src: PathBuf,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum DialectArg {
    Postgres,
    Mysql,
    Sqlite,
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

fn parse_target(text: &str) -> Result<Target<'_>, CliError> {
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

fn options(cli: &Cli) -> Options {
    let mut o = Options::default();
    if let Some(s) = cli.lock_timeout {
        o.lock_timeout = Duration::from_secs(s);
    }
    if let Some(s) = cli.lock_wait {
        o.lock_wait = Duration::from_secs(s);
    }
    o
}

fn url(cli: &Cli) -> Result<&str, CliError> {
    cli.database_url.as_deref().ok_or_else(|| {
        CliError::Usage("no database: pass --database-url or set DATABASE_URL".into())
    })
}

fn open(cli: &Cli) -> Result<AnyConnection, CliError> {
    let url = url(cli)?;
    tracing::debug!(url = %redact(url), "connecting");
    Ok(connect(url)?)
}

fn execute<W: Write>(
    set: &MigrationSet,
    cli: &Cli,
    program: &str,
    out: &mut Out<W>,
) -> Result<u8, CliError> {
    match &cli.command {
        Command::Upgrade {
            target,
            sql,
            backup,
        } => {
            let target = parse_target(target.as_deref().unwrap_or("head"))?;
            let mut db = open(cli)?;
            if *sql {
                let from = set.current(&mut db)?.map_or(Target::Base, Target::Revision);
                out.text(&set.sql(db.dialect(), from, target)?);
                return Ok(0);
            }
            if let Some(dir) = backup {
                let pending = set.len()
                    - set
                        .current(&mut db)?
                        .and_then(|r| set.position(r))
                        .map_or(0, |p| p + 1);
                if pending > 0 {
                    let made = backup::backup(set, &mut db, url(cli)?, dir)?;
                    out.line(
                        &format!("backed up to {}", made.file.display()),
                        json!({ "backup": made }),
                    );
                }
            }
            step_through(set, &mut db, target, Phase::Upgrade, &options(cli), out)
        }
        Command::Downgrade {
            target,
            sql,
            allow_data_loss,
        } => {
            let target = parse_target(target)?;
            let mut db = open(cli)?;
            if *sql {
                let from = set.current(&mut db)?.map_or(Target::Base, Target::Revision);
                out.text(&set.sql(db.dialect(), from, target)?);
                return Ok(0);
            }
            let phase = Phase::Downgrade;
            let options = options(cli);
            if !*allow_data_loss {
                refuse_data_loss(set, &mut db, target)?;
            }
            step_through(set, &mut db, target, phase, &options, out)
        }
        Command::Current => {
            let mut db = open(cli)?;
            let current = set.current(&mut db)?;
            let head = set.head();
            let text = match current {
                None => "base (no migration applied)".to_string(),
                Some(r) if Some(r) == head => format!("{r} (head)"),
                Some(r) => r.to_string(),
            };
            out.line(&text, json!({ "current": current, "head": head }));
            Ok(0)
        }
        Command::History => {
            let mut db = open(cli)?;
            let history = set.history(&mut db)?;
            out.history(&history);
            Ok(0)
        }
        Command::Heads => {
            let head = set.head();
            let text = match head.and_then(|h| set.get(h)) {
                Some(m) => format!("{} (head)  {}", m.revision, m.message),
                None => "no migrations".into(),
            };
            out.line(
                &text,
                json!({ "heads": head.into_iter().collect::<Vec<_>>() }),
            );
            Ok(0)
        }
        Command::Check => {
            let mut db = open(cli)?;
            // An edited, unknown or half-applied migration makes the next
            // upgrade refuse: not deployable, whatever the position says.
            let problems: Vec<String> = set
                .history(&mut db)?
                .iter()
                .filter_map(|h| {
                    let record = h.record.as_ref()?;
                    let embedded = set.get(&h.revision).map(|m| &*m.checksum);
                    if !h.known {
                        Some(format!("{} is applied but not in this binary", h.revision))
                    } else if record.state != "applied" {
                        Some(format!("{} is {}", h.revision, record.state))
                    } else if embedded != Some(record.checksum.as_str()) {
                        Some(format!(
                            "{} was edited after it was applied (checksum differs)",
                            h.revision
                        ))
                    } else {
                        None
                    }
                })
                .collect();
            if !problems.is_empty() {
                let text = format!(
                    "not deployable: {}; `{program} upgrade` would refuse",
                    problems.join("; ")
                );
                out.line(&text, json!({ "at_head": false, "problems": problems }));
                return Ok(1);
            }
            let current = set.current(&mut db)?;
            let pending = set.len() - current.and_then(|r| set.position(r)).map_or(0, |p| p + 1);
            let at_head = pending == 0;
            let text = if at_head {
                format!("ok: at head {}", current.unwrap_or("base"))
            } else {
                format!(
                    "behind: at {}, head is {}; {pending} migration(s) pending (run `{program} upgrade`)",
                    current.unwrap_or("base"),
                    set.head().unwrap_or("base")
                )
            };
            out.line(&text, json!({ "at_head": at_head, "current": current, "head": set.head(), "pending": pending }));
            Ok(if at_head { 0 } else { 1 })
        }
        Command::Stamp { revision } => {
            let target = parse_target(revision)?;
            let mut db = open(cli)?;
            set.stamp(&mut db, target)?;
            let now = set.current(&mut db)?;
            out.line(
                &format!(
                    "stamped: the database is recorded at {}",
                    now.unwrap_or("base")
                ),
                json!({ "current": now }),
            );
            Ok(0)
        }
        Command::Sql { range, dialect } => {
            let dialect = match dialect {
                Some(d) => Dialect::from(*d),
                None => dialect_of(url(cli).map_err(|_| {
                    CliError::Usage("say which SQL to print: --dialect postgres|mysql|sqlite (or give --database-url)".into())
                })?)?,
            };
            let (from, to) = match range.split_once(':') {
                Some((from, to)) => (parse_target(from)?, parse_target(to)?),
                None => (Target::Base, parse_target(range)?),
            };
            out.text(&set.sql(dialect, from, to)?);
            Ok(0)
        }
        Command::Verify => verify::verify(set, url(cli)?, &options(cli), out),
        Command::Schema => {
            let mut db = open(cli)?;
            let schema = db.introspect()?;
            out.schema(&schema);
            Ok(0)
        }
        Command::Backup { dir } => {
            let mut db = open(cli)?;
            let made = backup::backup(set, &mut db, url(cli)?, dir)?;
            out.line(
                &format!(
                    "backed up {} at {} to {} ({} bytes)",
                    redact(url(cli)?),
                    made.revision.as_deref().unwrap_or("base"),
                    made.file.display(),
                    made.size
                ),
                json!({ "backup": made }),
            );
            Ok(0)
        }
        Command::Restore { file, force } => {
            let restored = backup::restore(set, url(cli)?, file, *force)?;
            out.line(
                &format!(
                    "restored {} to {} (revision {})",
                    file.display(),
                    redact(url(cli)?),
                    restored.revision.as_deref().unwrap_or("base")
                ),
                json!({ "restored": restored }),
            );
            Ok(0)
        }
        Command::New { message, dir, src } => {
            let made = crate::scaffold::new_migration(
                dir,
                src,
                message,
                set.head(),
                std::time::SystemTime::now(),
            )
            .map_err(|e| CliError::Io(e.to_string()))?;
            let text = format!(
                "wrote {} (revision {}, follows {}){}",
                made.file.display(),
                made.revision,
                set.head().unwrap_or("base"),
                made.set_file
                    .as_ref()
                    .map(|f| format!("; added to the list in {}", f.display()))
                    .unwrap_or_default()
            );
            out.line(
                &text,
                json!({ "file": made.file, "revision": made.revision, "module": made.module, "down_revision": set.head(), "set_file": made.set_file }),
            );
            Ok(0)
        }
    }
}

/// Refuses a downgrade that would lose data, listing what (the irreversible
/// migrations are refused by `step_through` whatever the flag).
fn refuse_data_loss(
    set: &MigrationSet,
    db: &mut AnyConnection,
    target: Target<'_>,
) -> Result<(), CliError> {
    let Ok(current) = set.current(db) else {
        // A half-applied or unknown state: the runner says what it is.
        return Ok(());
    };
    let Ok(plan) = set.data_loss_in(db, target) else {
        // A target outside the set: step_through says so.
        return Ok(());
    };
    if plan.is_empty()
        || plan.iter().any(|p| {
            p.losses
                .iter()
                .any(|l| matches!(l, crate::Loss::Irreversible { .. }))
        })
    {
        return Ok(());
    }
    let lines: Vec<String> = plan.iter().map(|p| format!("  {p}")).collect();
    Err(CliError::Usage(format!(
        "refusing to downgrade from {}: it would lose data:\n{}\nNothing was undone. Back the database up first (`backup`), then run the same command with --allow-data-loss.",
        current.unwrap_or("base"),
        lines.join("\n")
    )))
}

/// The dialect a URL names.
fn dialect_of(url: &str) -> Result<Dialect, CliError> {
    let scheme = url.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
    Ok(match scheme.as_deref() {
        Some("postgres" | "postgresql") => Dialect::Postgres,
        Some("mysql" | "mariadb") => Dialect::Mysql,
        Some("sqlite") | None => Dialect::Sqlite,
        Some(other) => {
            return Err(CliError::Usage(format!(
            "`{other}://` is not a database godwit knows: use sqlite://, postgres:// or mysql://"
        )))
        }
    })
}

/// The revision the database is at, read without the migration lock: a
/// migration marked half-applied counts as not applied (for `downgrade`: as
/// applied). It may be one another process is running right now, or one an
/// earlier run left, which the runner resumes (or says why it cannot).
fn settled_current(
    set: &MigrationSet,
    db: &mut AnyConnection,
    phase: Phase,
) -> Result<Option<&'static str>, CliError> {
    match set.current(db) {
        Ok(current) => Ok(current),
        Err(Error::HalfApplied { revision, .. }) => {
            let p = set.position(&revision).unwrap_or(0);
            let at = if phase == Phase::Upgrade { p } else { p + 1 };
            Ok(at.checked_sub(1).map(|q| &*set.migrations()[q].revision))
        }
        Err(e) => Err(e.into()),
    }
}

/// Runs migrations one at a time towards `target`, printing a line per
/// migration and, for a long one, a progress line with the elapsed time.
fn step_through<W: Write>(
    set: &MigrationSet,
    db: &mut AnyConnection,
    target: Target<'_>,
    phase: Phase,
    options: &Options,
    out: &mut Out<W>,
) -> Result<u8, CliError> {
    let start = settled_current(set, db, phase)?;
    let started = Instant::now();
    // Resolve the target once, then take one step at a time so each
    // migration gets its own line while it runs.
    let position = |r: Option<&str>| r.and_then(|r| set.position(r)).map_or(0, |p| p + 1);
    let from = position(start);
    let to = match target {
        Target::Head => set.len(),
        Target::Base => 0,
        Target::Revision(r) => set.position(r).map(|p| p + 1).ok_or_else(|| {
            CliError::Usage(format!(
                "revision `{r}` is not one of this binary's migrations (see `heads` and `history`)"
            ))
        })?,
        Target::Relative(n) => {
            let t = from as i64 + i64::from(n);
            if t < 0 || t > set.len() as i64 {
                return Err(CliError::Usage(format!(
                    "{n:+} from {} is outside the history ({} migrations)",
                    start.unwrap_or("base"),
                    set.len()
                )));
            }
            t as usize
        }
    };
    let wrong_way = match phase {
        Phase::Upgrade => to < from,
        Phase::Downgrade => to > from,
    };
    if wrong_way {
        return Err(CliError::Usage(format!(
            "the database is at {}; {} cannot go {} (use `{}`)",
            start.unwrap_or("base"),
            phase.name(),
            if phase == Phase::Upgrade {
                "backwards"
            } else {
                "forwards"
            },
            if phase == Phase::Upgrade {
                "downgrade"
            } else {
                "upgrade"
            }
        )));
    }
    // Refuse before the first step, not half-way: an irreversible migration
    // in the range means nothing is undone.
    if phase == Phase::Downgrade {
        if let Some(m) = set.migrations()[to..from]
            .iter()
            .rev()
            .find(|m| m.irreversible.is_some())
        {
            return Err(CliError::Usage(format!(
                "cannot downgrade past {} ({:?}): it is irreversible: {}. Nothing was undone; downgrade to {} at the lowest",
                m.revision,
                &*m.message,
                m.irreversible.as_deref().unwrap_or_default(),
                m.revision
            )));
        }
    }
    let mut steps = Vec::new();
    let mut at = from;
    // One lock per step keeps other processes waiting only as long as needed.
    while at != to {
        let (next, m) = match phase {
            Phase::Upgrade => (at + 1, set.migrations()[at]),
            Phase::Downgrade => (at - 1, set.migrations()[at - 1]),
        };
        let step_target = match next {
            0 => Target::Base,
            n => Target::Revision(&set.migrations()[n - 1].revision),
        };
        out.progress_start(phase, &m.revision, &m.message);
        let ticker = output::Ticker::start(&m.revision, out.is_json());
        let result = match phase {
            Phase::Upgrade => set.upgrade_with(db, step_target, options),
            Phase::Downgrade => set.downgrade_with(db, step_target, options),
        };
        ticker.stop();
        let report = match result {
            // Another process went past this step between our steps.
            Err(Error::WrongDirection { .. }) => {
                out.progress_skipped(&m.revision);
                at = position(settled_current(set, db, phase)?);
                let done = match phase {
                    Phase::Upgrade => at >= to,
                    Phase::Downgrade => at <= to,
                };
                if done {
                    break;
                }
                continue;
            }
            other => other?,
        };
        for s in &report.steps {
            out.progress_done(s);
            steps.push(s.clone());
        }
        if report.steps.is_empty() {
            out.progress_skipped(&m.revision);
        }
        at = next;
    }
    let now = settled_current(set, db, phase)?;
    if steps.is_empty() && from == to {
        out.line(
            &format!(
                "nothing to do: the database is at {}",
                now.unwrap_or("base")
            ),
            json!({ "from": start, "to": now, "applied": [] }),
        );
    } else {
        out.line(
            &format!(
                "{} {} migration(s) in {:.2} s: {} -> {}",
                if phase == Phase::Upgrade {
                    "applied"
                } else {
                    "undid"
                },
                steps.len(),
                started.elapsed().as_secs_f64(),
                start.unwrap_or("base"),
                now.unwrap_or("base")
            ),
            json!({
                "from": start,
                "to": now,
                "applied": steps.iter().map(|s| json!({
                    "revision": s.revision, "message": s.message, "phase": s.phase.name(),
                    "ms": s.duration.as_millis() as u64, "attempts": s.attempts, "resumed_at_op": s.resumed_at,
                })).collect::<Vec<_>>(),
            }),
        );
    }
    Ok(0)
}
