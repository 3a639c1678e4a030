//! The runtime's errors. Each message says which migration, which
//! statement, what state the database is in now, and what to run next.

use std::time::Duration;

use crate::dialect::{Dialect, RenderError};

/// What went wrong while migrating, inspecting or connecting.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A statement of the runner's own (the version table, the lock,
    /// introspection) failed.
    #[error("{context}: {source}")]
    Database {
        /// What the runner was doing.
        context: String,
        /// What the database said.
        #[source]
        source: diesel::result::Error,
    },

    /// The connection could not be opened.
    #[error("cannot connect to {url}: {source}")]
    Connection {
        /// The URL, without its password.
        url: String,
        /// What the driver said.
        #[source]
        source: diesel::ConnectionError,
    },

    /// The URL names a backend this binary was built without, or no backend.
    #[error("cannot connect to {url}: {reason}")]
    UnsupportedUrl {
        /// The URL, without its password.
        url: String,
        /// Why, and which cargo feature to enable.
        reason: String,
    },

    /// A migration's ops cannot be rendered for this database.
    #[error("migration {revision} ({message:?}) cannot be run on {dialect}: {source}")]
    Render {
        /// The migration.
        revision: String,
        /// Its message.
        message: String,
        /// The backend.
        dialect: Dialect,
        /// Why.
        #[source]
        source: RenderError,
    },

    /// An op does not apply to the schema model of the migrations before it
    /// (a set that `migrations!` did not check), whatever the backend.
    #[error(
        "migration {revision} ({message:?}) does not replay on the schema model: \
         `{op}` does not apply to the schema of the earlier migrations: {reason}"
    )]
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
    #[error(transparent)]
    MigrationFailed(Box<MigrationFailure>),

    /// An applied migration is not the one embedded in this binary.
    #[error(
        "migration {revision} ({message:?}) was changed after it was applied: the database recorded checksum {applied}, this binary embeds {embedded}.\n\
         state now: nothing was run; the database is unchanged.\n\
         next: put the migration back as it was when applied (see its history in version control) and write the change as a new migration; \
         or, if the database already matches the edited migration, record that with `stamp {revision}` \
         (in Rust: `MIGRATIONS.stamp(&mut conn, Target::Revision(\"{revision}\"))`), then run `upgrade` again"
    )]
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
    #[error(
        "the database has applied revision {revision} ({message:?}), which this binary does not know (its newest is {head}).\n\
         state now: nothing was run; the database is unchanged.\n\
         next: a newer version of the application migrated this database: deploy that version, \
         or downgrade the database with it to {head} first"
    )]
    UnknownRevision {
        /// The revision in the version table.
        revision: String,
        /// The message recorded with it.
        message: String,
        /// The newest revision this binary knows, or `base`.
        head: String,
    },

    /// A previous run left a migration half-applied.
    #[error(
        "migration {revision} ({message:?}) is half-applied: {what}.\n\
         state now: {state}\n\
         next: {next}"
    )]
    HalfApplied {
        /// The migration.
        revision: String,
        /// Its message.
        message: String,
        /// What the version table says happened.
        what: String,
        /// Which ops are applied.
        state: String,
        /// The commands that resolve it.
        next: String,
    },

    /// Downgrading would undo a migration that cannot be undone.
    #[error(
        "cannot downgrade past migration {revision} ({message:?}): it is irreversible: {reason}.\n\
         state now: nothing was run; the database is unchanged.\n\
         next: downgrade to {revision} at the lowest, or restore a backup"
    )]
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
    #[error("{0}")]
    Target(String),

    /// The target lies the other way: `upgrade` to a revision the database
    /// is already past, or `downgrade` to one it has not reached (which is
    /// also what a process sees when another one migrated in between).
    #[error(
        "the database is at {current}, {} the target {target}: use {} to go {}",
        if *phase == "upgrade" { "past" } else { "before" },
        if *phase == "upgrade" { "downgrade" } else { "upgrade" },
        if *phase == "upgrade" { "back" } else { "forward" }
    )]
    WrongDirection {
        /// `upgrade` or `downgrade`: what was asked.
        phase: &'static str,
        /// Where the database is.
        current: String,
        /// Where it was asked to go.
        target: String,
    },

    /// Another process held the migration lock for longer than allowed.
    #[error(
        "another process has held the migration lock on this {dialect} database for more than {waited:?}.\n\
         state now: nothing was run by this process.\n\
         next: wait for the other deploy to finish and run `upgrade` again, or raise `Options::lock_wait`"
    )]
    LockTimeout {
        /// The backend.
        dialect: Dialect,
        /// How long this process waited.
        waited: Duration,
    },

    /// The database's schema is not the one its migrations build.
    #[error(
        "the database is at {revision}, but its schema differs from what the migrations up to {revision} build: {difference}.\n\
         state now: nothing was changed.\n\
         next: find who changed the schema by hand (or which migration was edited after it ran) and undo that, \
         or write the change as a new migration"
    )]
    Drift {
        /// The revision the database is at.
        revision: String,
        /// The first difference, in words.
        difference: String,
    },

    /// The version table says something godwit never writes.
    #[error("the version table godwit_version is inconsistent: {0}")]
    Inconsistent(String),
}

impl Error {
    pub(crate) fn database(context: impl Into<String>, source: diesel::result::Error) -> Error {
        Error::Database {
            context: context.into(),
            source,
        }
    }
}

/// A statement of a migration failed: where, why, and what is applied now.
#[derive(Debug, thiserror::Error)]
#[error(
    "migration {revision} ({message:?}) failed in its {phase} at op {op_number} of {op_count}, `{op}`,\n\
     while running:\n    {statement}\n\
     the database said: {cause}\n\
     state now: {state}\n\
     next: {next}"
)]
pub struct MigrationFailure {
    /// The migration.
    pub revision: String,
    /// Its message.
    pub message: String,
    /// `upgrade` or `downgrade`.
    pub phase: &'static str,
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every message, whole: the tests of the command line and of scripts
    /// read them.
    #[test]
    fn messages() {
        let cases: Vec<(Error, &str)> = vec![
            (
                Error::ChecksumMismatch {
                    revision: "0002".into(),
                    message: "add posts".into(),
                    applied: "aa".into(),
                    embedded: "bb".into(),
                },
                "migration 0002 (\"add posts\") was changed after it was applied: the database recorded checksum aa, this binary embeds bb.\n\
                 state now: nothing was run; the database is unchanged.\n\
                 next: put the migration back as it was when applied (see its history in version control) and write the change as a new migration; \
                 or, if the database already matches the edited migration, record that with `stamp 0002` \
                 (in Rust: `MIGRATIONS.stamp(&mut conn, Target::Revision(\"0002\"))`), then run `upgrade` again",
            ),
            (
                Error::UnknownRevision {
                    revision: "0009".into(),
                    message: "later".into(),
                    head: "0003".into(),
                },
                "the database has applied revision 0009 (\"later\"), which this binary does not know (its newest is 0003).\n\
                 state now: nothing was run; the database is unchanged.\n\
                 next: a newer version of the application migrated this database: deploy that version, or downgrade the database with it to 0003 first",
            ),
            (
                Error::HalfApplied {
                    revision: "0004".into(),
                    message: "m".into(),
                    what: "its upgrade failed at op 2 of 3".into(),
                    state: "op 1 is applied".into(),
                    next: "stamp it".into(),
                },
                "migration 0004 (\"m\") is half-applied: its upgrade failed at op 2 of 3.\n\
                 state now: op 1 is applied\n\
                 next: stamp it",
            ),
            (
                Error::Irreversible {
                    revision: "0004".into(),
                    message: "purge".into(),
                    reason: "gone".into(),
                },
                "cannot downgrade past migration 0004 (\"purge\"): it is irreversible: gone.\n\
                 state now: nothing was run; the database is unchanged.\n\
                 next: downgrade to 0004 at the lowest, or restore a backup",
            ),
            (
                Error::WrongDirection {
                    phase: "upgrade",
                    current: "0003".into(),
                    target: "0001".into(),
                },
                "the database is at 0003, past the target 0001: use downgrade to go back",
            ),
            (
                Error::WrongDirection {
                    phase: "downgrade",
                    current: "0001".into(),
                    target: "0003".into(),
                },
                "the database is at 0001, before the target 0003: use upgrade to go forward",
            ),
            (
                Error::LockTimeout {
                    dialect: Dialect::Mysql,
                    waited: Duration::from_secs(1),
                },
                "another process has held the migration lock on this mysql database for more than 1s.\n\
                 state now: nothing was run by this process.\n\
                 next: wait for the other deploy to finish and run `upgrade` again, or raise `Options::lock_wait`",
            ),
            (
                Error::Drift {
                    revision: "0003".into(),
                    difference: "a column is missing".into(),
                },
                "the database is at 0003, but its schema differs from what the migrations up to 0003 build: a column is missing.\n\
                 state now: nothing was changed.\n\
                 next: find who changed the schema by hand (or which migration was edited after it ran) and undo that, \
                 or write the change as a new migration",
            ),
            (
                Error::Inconsistent("row 2 is odd".into()),
                "the version table godwit_version is inconsistent: row 2 is odd",
            ),
            (Error::Target("no such".into()), "no such"),
            (
                Error::Replay {
                    revision: "0002".into(),
                    message: "drop a table".into(),
                    op: "op.drop_table(\"t\")".into(),
                    reason: "no table t".into(),
                },
                "migration 0002 (\"drop a table\") does not replay on the schema model: \
                 `op.drop_table(\"t\")` does not apply to the schema of the earlier migrations: no table t",
            ),
            (
                Error::UnsupportedUrl {
                    url: "x://h".into(),
                    reason: "no".into(),
                },
                "cannot connect to x://h: no",
            ),
            (
                Error::database("reading", diesel::result::Error::NotFound),
                "reading: Record not found",
            ),
            (
                Error::MigrationFailed(Box::new(MigrationFailure {
                    revision: "0003".into(),
                    message: "seed".into(),
                    phase: "upgrade",
                    op_number: 2,
                    op_count: 3,
                    op: "op.execute(\"X\")".into(),
                    statement: "X".into(),
                    cause: "syntax error".into(),
                    state: "rolled back".into(),
                    next: "fix it".into(),
                })),
                "migration 0003 (\"seed\") failed in its upgrade at op 2 of 3, `op.execute(\"X\")`,\n\
                 while running:\n    X\n\
                 the database said: syntax error\n\
                 state now: rolled back\n\
                 next: fix it",
            ),
        ];
        for (error, text) in cases {
            assert_eq!(error.to_string(), text);
        }
    }
}
