//! The runtime's errors. Each message says which migration, which
//! statement, what state the database is in now, and what to run next;
//! [`Error::parts`] gives the same facts one by one, for tools (the command
//! line's `--json`).

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use crate::dialect::{Dialect, RenderError};
use crate::runner::stamp_command;
use crate::Phase;

/// What went wrong while migrating, inspecting or connecting.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A statement of the runner's own (the version table, the lock,
    /// introspection) failed.
    Database {
        /// What the runner was doing.
        context: String,
        /// What the database said.
        source: diesel::result::Error,
    },

    /// The connection could not be opened.
    Connection {
        /// The URL, without its password.
        url: String,
        /// What the driver said.
        source: diesel::ConnectionError,
    },

    /// The URL names a backend this binary was built without, or no backend.
    UnsupportedUrl {
        /// The URL, without its password.
        url: String,
        /// Why, and which cargo feature to enable.
        reason: String,
    },

    /// A migration's ops cannot be rendered for this database.
    Render {
        /// The migration.
        revision: String,
        /// Its message.
        message: String,
        /// The backend.
        dialect: Dialect,
        /// Why.
        source: RenderError,
    },

    /// An op does not apply to the schema model of the migrations before it
    /// (a set that `migrations!` did not check), whatever the backend.
    Replay {
        /// The migration.
        revision: String,
        /// Its message.
        message: String,
        /// The op, as written in the migration.
        op: String,
        /// What is wrong.
        reason: String,
    },

    /// A statement of a migration failed.
    MigrationFailed(Box<MigrationFailure>),

    /// An applied migration is not the one embedded in this binary.
    ChecksumMismatch {
        /// The migration.
        revision: String,
        /// Its message.
        message: String,
        /// The checksum in the version table.
        applied: String,
        /// The checksum embedded in the binary.
        embedded: String,
    },

    /// The database records a revision this binary does not know.
    UnknownRevision {
        /// The revision in the version table.
        revision: String,
        /// The message recorded with it.
        message: String,
        /// The newest revision this binary knows, or `base`.
        head: String,
    },

    /// A previous run left a migration half-applied.
    HalfApplied(Box<HalfApplied>),

    /// Downgrading would undo a migration that cannot be undone.
    Irreversible {
        /// The migration: the newest irreversible one in the downgrade's
        /// range, so the lowest revision a downgrade can reach.
        revision: String,
        /// Its message.
        message: String,
        /// The reason given in `irreversible = ".."`.
        reason: String,
    },

    /// The target names no revision of the set, or lies outside it.
    Target(String),

    /// The target lies the other way: `upgrade` to a revision the database
    /// is already past, or `downgrade` to one it has not reached (which is
    /// also what a process sees when another one migrated in between).
    WrongDirection {
        /// What was asked.
        phase: Phase,
        /// Where the database is.
        current: String,
        /// Where it was asked to go.
        target: String,
    },

    /// Another process held the migration lock for longer than allowed.
    LockTimeout {
        /// The backend.
        dialect: Dialect,
        /// How long this process waited.
        waited: Duration,
    },

    /// The database's schema is not the one its migrations build.
    Drift {
        /// The revision the database is at.
        revision: String,
        /// The first difference, in words.
        difference: String,
    },

    /// The version table says something godwit never writes.
    Inconsistent(String),

    /// The run panicked: a bug in godwit or in a database driver. A fleet
    /// reports it as the error of the target it was running on (the
    /// migration lock released) and goes on with the others.
    Panicked(String),

    /// A database another tool migrated whose history table does not list
    /// exactly the migrations imported from that tool: it is not adopted.
    Adoption {
        /// The tool (`diesel`, `sqlx`, `refinery`).
        tool: String,
        /// Its history table.
        table: String,
        /// Versions the table lists that the set did not import.
        not_imported: Vec<String>,
        /// Imported revisions the table does not list.
        not_listed: Vec<String>,
        /// The newest imported revision the table lists in chain order, if
        /// any: what `stamp` would record.
        listed_up_to: Option<String>,
    },

    /// Diesel's harness (`run_pending_migrations`, `revert_last_migration`,
    /// ..) asked for a migration that godwit cannot run for it without a
    /// second application or a failed record, most often because another
    /// process applied it after Diesel listed it as pending here. Nothing
    /// was run.
    HarnessRefused {
        /// The migration.
        revision: String,
        /// Its message.
        message: String,
        /// What was found.
        reason: String,
        /// What to run instead.
        next: String,
    },
}

/// The "state now" of an error that changed nothing.
const UNCHANGED: &str = "nothing was run; the database is unchanged.";

/// The facts of an error one by one, for tools: the command line's `--json`
/// prints each under its own key. A fact the error does not have is `None`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ErrorParts<'a> {
    /// The migration concerned.
    pub revision: Option<&'a str>,
    /// `upgrade` or `downgrade`: the body that failed.
    pub phase: Option<&'a str>,
    /// The op, as written in the migration.
    pub op: Option<&'a str>,
    /// The statement that failed.
    pub statement: Option<&'a str>,
    /// What went wrong: the database's error, or what was found.
    pub cause: Option<String>,
    /// The state the database is in now.
    pub state: Option<Cow<'a, str>>,
    /// What to run next.
    pub next: Option<Cow<'a, str>>,
}

impl Error {
    /// What an [`Error::Adoption`] found, in words.
    fn adoption_cause(&self) -> String {
        let Error::Adoption {
            table,
            not_imported,
            not_listed,
            ..
        } = self
        else {
            return String::new();
        };
        let mut found = Vec::new();
        if !not_imported.is_empty() {
            found.push(format!(
                "{table} lists {} that the set did not import ({})",
                not_imported.len(),
                not_imported.join(", ")
            ));
        }
        if !not_listed.is_empty() {
            found.push(format!(
                "the set imported {} that {table} does not list ({})",
                not_listed.len(),
                not_listed.join(", ")
            ));
        }
        found.join("; ")
    }

    pub(crate) fn database(context: impl Into<String>, source: diesel::result::Error) -> Error {
        Error::Database {
            context: context.into(),
            source,
        }
    }

    /// The state the database is in after this error, and what to run
    /// next, for the errors that say so: worded here only, for the message
    /// and for [`Error::parts`].
    fn outcome(&self) -> Option<(Cow<'_, str>, Cow<'_, str>)> {
        Some(match self {
            Error::MigrationFailed(f) => (Cow::from(&*f.state), Cow::from(&*f.next)),
            Error::HalfApplied(h) => (Cow::from(&*h.state), Cow::from(&*h.next)),
            Error::ChecksumMismatch { revision, .. } => (
                UNCHANGED.into(),
                format!(
                    "put the migration back as it was when applied (see its history in version control) and write the change as a new migration; \
                     or, if the database already matches the edited migration, record that with {}, then run `upgrade` again",
                    stamp_command(revision)
                )
                .into(),
            ),
            Error::UnknownRevision { head, .. } => (
                UNCHANGED.into(),
                format!(
                    "a newer version of the application migrated this database: deploy that version, \
                     or downgrade the database with it to {head} first"
                )
                .into(),
            ),
            Error::Irreversible { revision, .. } => (
                UNCHANGED.into(),
                format!("downgrade to {revision} at the lowest, or restore a backup").into(),
            ),
            Error::LockTimeout { .. } => (
                "nothing was run by this process.".into(),
                "wait for the other deploy to finish and run `upgrade` again, or raise `Options::lock_wait`".into(),
            ),
            Error::Adoption {
                listed_up_to,
                not_imported,
                ..
            } => (
                UNCHANGED.into(),
                format!(
                    "{}if the database holds exactly the schema of the imported migrations up to one revision, \
                     record that with {}, then run `upgrade` again",
                    if not_imported.is_empty() {
                        String::new()
                    } else {
                        "import the migrations the table lists that the set lacks (`import` again into a clean \
                         directory), or, "
                            .to_string()
                    },
                    listed_up_to
                        .as_deref()
                        .map_or_else(|| "`stamp REVISION`".to_string(), stamp_command)
                )
                .into(),
            ),
            Error::HarnessRefused { next, .. } => (
                "nothing was run by this process and nothing is lost: every migration recorded as applied was applied once.".into(),
                Cow::from(&**next),
            ),
            Error::Panicked(_) => (
                "not known: the panic may have stopped a migration part-way, as a crash would.".into(),
                "run `current` against this database: it says where the database stands, and what a migration left half-applied needs; \
                 then run `upgrade` again, and report the panic"
                    .into(),
            ),
            Error::Drift { .. } => (
                "nothing was changed.".into(),
                "find who changed the schema by hand (or which migration was edited after it ran) and undo that, \
                 or write the change as a new migration"
                    .into(),
            ),
            _ => return None,
        })
    }

    /// The facts of this error one by one (its message joins them).
    pub fn parts(&self) -> ErrorParts<'_> {
        let (state, next) = self.outcome().unzip();
        let mut parts = ErrorParts {
            state,
            next,
            ..ErrorParts::default()
        };
        match self {
            Error::Database { source, .. } => parts.cause = Some(source.to_string()),
            Error::Connection { source, .. } => parts.cause = Some(source.to_string()),
            Error::UnsupportedUrl { reason, .. } => parts.cause = Some(reason.clone()),
            Error::Render {
                revision, source, ..
            } => {
                parts.revision = Some(revision);
                parts.cause = Some(source.to_string());
            }
            Error::Replay {
                revision,
                op,
                reason,
                ..
            } => {
                parts.revision = Some(revision);
                parts.op = Some(op);
                parts.cause = Some(reason.clone());
            }
            Error::MigrationFailed(f) => {
                parts.revision = Some(&f.revision);
                parts.phase = Some(f.phase.name());
                parts.op = Some(&f.op);
                parts.statement = Some(&f.statement);
                parts.cause = Some(f.cause.clone());
            }
            Error::HalfApplied(h) => {
                parts.revision = Some(&h.revision);
                parts.phase = Some(h.phase.name());
                parts.op = Some(&h.op);
                parts.cause = h.cause.clone();
            }
            Error::WrongDirection { phase, .. } => parts.phase = Some(phase.name()),
            Error::ChecksumMismatch { revision, .. }
            | Error::UnknownRevision { revision, .. }
            | Error::Irreversible { revision, .. } => parts.revision = Some(revision),
            Error::Drift {
                revision,
                difference,
            } => {
                parts.revision = Some(revision);
                parts.cause = Some(difference.clone());
            }
            Error::Adoption { .. } => parts.cause = Some(self.adoption_cause()),
            Error::HarnessRefused {
                revision, reason, ..
            } => {
                parts.revision = Some(revision);
                parts.cause = Some(reason.clone());
            }
            Error::Panicked(message) => parts.cause = Some(message.clone()),
            Error::Target(_) | Error::LockTimeout { .. } | Error::Inconsistent(_) => {}
        }
        parts
    }
}

/// The closing lines of a message: `state now: ..` and `next: ..`.
fn write_outcome(f: &mut fmt::Formatter<'_>, state: &str, next: &str) -> fmt::Result {
    write!(f, "\nstate now: {state}\nnext: {next}")
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Database { context, source } => write!(f, "{context}: {source}"),
            Error::Connection { url, source } => write!(f, "cannot connect to {url}: {source}"),
            Error::UnsupportedUrl { url, reason } => write!(f, "cannot connect to {url}: {reason}"),
            Error::Render {
                revision,
                message,
                dialect,
                source,
            } => write!(
                f,
                "migration {revision} ({message:?}) cannot be run on {dialect}: {source}"
            ),
            Error::Replay {
                revision,
                message,
                op,
                reason,
            } => write!(
                f,
                "migration {revision} ({message:?}) does not replay on the schema model: `{op}` does not apply to the schema of the earlier migrations: {reason}"
            ),
            // Its own message, with its advice.
            Error::MigrationFailed(failure) => return failure.fmt(f),
            Error::ChecksumMismatch {
                revision,
                message,
                applied,
                embedded,
            } => write!(
                f,
                "migration {revision} ({message:?}) was changed after it was applied: \
                 the database recorded checksum {applied}, this binary embeds {embedded}."
            ),
            Error::UnknownRevision {
                revision,
                message,
                head,
            } => write!(
                f,
                "the database has applied revision {revision} ({message:?}), which this binary does not know (its newest is {head})."
            ),
            Error::HalfApplied(h) => write!(
                f,
                "migration {} ({:?}) is half-applied: its {} {} at op {} of {}, `{}`{}.",
                h.revision,
                h.message,
                h.phase.name(),
                if h.failed {
                    "failed"
                } else {
                    "was interrupted (the process running it stopped)"
                },
                h.op_number,
                h.op_count,
                h.op,
                h.cause
                    .as_deref()
                    .map(|c| format!(", with: {c}"))
                    .unwrap_or_default()
            ),
            Error::Irreversible {
                revision,
                message,
                reason,
            } => write!(
                f,
                "cannot downgrade past migration {revision} ({message:?}): it is irreversible: {reason}."
            ),
            Error::Target(text) => f.write_str(text),
            Error::WrongDirection {
                phase,
                current,
                target,
            } => {
                let (side, other, way) = match phase {
                    Phase::Upgrade => ("past", "downgrade", "back"),
                    Phase::Downgrade => ("before", "upgrade", "forward"),
                };
                write!(
                    f,
                    "the database is at {current}, {side} the target {target}: use {other} to go {way}"
                )
            }
            Error::LockTimeout { dialect, waited } => write!(
                f,
                "another process has held the migration lock on this {dialect} database for more than {waited:?}."
            ),
            Error::Drift {
                revision,
                difference,
            } => write!(
                f,
                "the database is at {revision}, but its schema differs from what the migrations up to {revision} build: {difference}."
            ),
            Error::Inconsistent(text) => {
                write!(f, "the version table godwit_version is inconsistent: {text}")
            }
            Error::Panicked(message) => write!(f, "the run panicked: {message}."),
            Error::Adoption { tool, table, .. } => write!(
                f,
                "this database was migrated by {tool} ({table}), but not with the migrations imported from it: {}.",
                self.adoption_cause()
            ),
            Error::HarnessRefused {
                revision,
                message,
                reason,
                ..
            } => write!(
                f,
                "diesel_migrations asked godwit to run migration {revision} ({message:?}), which it refused: {reason}."
            ),
        }?;
        match self.outcome() {
            Some((state, next)) => write_outcome(f, &state, &next),
            None => Ok(()),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Database { source, .. } => Some(source),
            Error::Connection { source, .. } => Some(source),
            Error::Render { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// A previous run left a migration half-applied: where it stopped, and what
/// to do. Built by the runner in one place.
#[derive(Debug)]
pub struct HalfApplied {
    /// The migration.
    pub revision: String,
    /// Its message.
    pub message: String,
    /// The body that stopped.
    pub phase: Phase,
    /// Whether it failed (else its process stopped while running it).
    pub failed: bool,
    /// 1-based number of the op it stopped at.
    pub op_number: usize,
    /// How many ops the body has.
    pub op_count: usize,
    /// That op, as written in the migration.
    pub op: String,
    /// The error the version table recorded, if any.
    pub cause: Option<String>,
    /// Which ops are applied.
    pub state: String,
    /// The commands that resolve it.
    pub next: String,
}

/// A statement of a migration failed: where, why, and what is applied now.
/// Built by the runner in one place, for its own runs and Diesel's harness.
#[derive(Debug)]
pub struct MigrationFailure {
    /// The migration.
    pub revision: String,
    /// Its message.
    pub message: String,
    /// The body that failed.
    pub phase: Phase,
    /// 1-based number of the failed op.
    pub op_number: usize,
    /// How many ops the body has.
    pub op_count: usize,
    /// The op, as written in the migration.
    pub op: String,
    /// The statement that failed.
    pub statement: String,
    /// The database's error.
    pub cause: String,
    /// What is applied now.
    pub state: String,
    /// What to do.
    pub next: String,
}

impl fmt::Display for MigrationFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "migration {} ({:?}) failed in its {} at op {} of {}, `{}`,\n\
             while running:\n    {}\n\
             the database said: {}",
            self.revision,
            self.message,
            self.phase.name(),
            self.op_number,
            self.op_count,
            self.op,
            self.statement,
            self.cause
        )?;
        write_outcome(f, &self.state, &self.next)
    }
}

impl std::error::Error for MigrationFailure {}

#[cfg(test)]
mod tests;
