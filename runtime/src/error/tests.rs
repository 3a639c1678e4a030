//! The messages and parts of the errors, as the command line prints them.

use super::*;

/// Op 2 of 3 of `0003` failed: the same failure for every test.
fn failed_migration() -> Error {
    Error::MigrationFailed(Box::new(MigrationFailure {
        revision: "0003".into(),
        message: "seed".into(),
        phase: Phase::Upgrade,
        op_number: 2,
        op_count: 3,
        op: "op.execute(\"X\")".into(),
        statement: "X".into(),
        cause: "syntax error".into(),
        state: "rolled back".into(),
        next: "fix it".into(),
    }))
}

/// Op 2 of 3 of `0004` failed in an earlier run.
fn half_applied() -> Error {
    Error::HalfApplied(Box::new(HalfApplied {
        revision: "0004".into(),
        message: "m".into(),
        phase: Phase::Upgrade,
        failed: true,
        op_number: 2,
        op_count: 3,
        op: "op.execute(\"X\")".into(),
        cause: Some("deadlock".into()),
        state: "op 1 is applied".into(),
        next: "stamp it".into(),
    }))
}

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
            half_applied(),
            "migration 0004 (\"m\") is half-applied: its upgrade failed at op 2 of 3, `op.execute(\"X\")`, with: deadlock.\n\
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
                phase: Phase::Upgrade,
                current: "0003".into(),
                target: "0001".into(),
            },
            "the database is at 0003, past the target 0001: use downgrade to go back",
        ),
        (
            Error::WrongDirection {
                phase: Phase::Downgrade,
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
            Error::Panicked("index out of bounds".into()),
            "the run panicked: index out of bounds.\n\
             state now: not known: the panic may have stopped a migration part-way, as a crash would.\n\
             next: run `current` against this database: it says where the database stands, and what a migration \
             left half-applied needs; then run `upgrade` again, and report the panic",
        ),
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
            failed_migration(),
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

/// `--json` prints these: the same facts as the message.
#[test]
fn parts() {
    let failed = failed_migration();
    let parts = failed.parts();
    assert_eq!(parts.revision, Some("0003"));
    assert_eq!(parts.phase, Some("upgrade"));
    assert_eq!(parts.op, Some("op.execute(\"X\")"));
    assert_eq!(parts.statement, Some("X"));
    assert_eq!(parts.cause.as_deref(), Some("syntax error"));
    assert_eq!(parts.state.as_deref(), Some("rolled back"));
    assert_eq!(parts.next.as_deref(), Some("fix it"));

    let irreversible = Error::Irreversible {
        revision: "0004".into(),
        message: "purge".into(),
        reason: "gone".into(),
    };
    let parts = irreversible.parts();
    assert_eq!(parts.revision, Some("0004"));
    assert_eq!(parts.phase, None);
    assert_eq!(parts.state.as_deref(), Some(UNCHANGED));
    assert_eq!(
        parts.next.as_deref(),
        Some("downgrade to 0004 at the lowest, or restore a backup")
    );

    let half = half_applied();
    let parts = half.parts();
    assert_eq!(
        (
            parts.revision,
            parts.phase,
            parts.op,
            parts.cause.as_deref()
        ),
        (
            Some("0004"),
            Some("upgrade"),
            Some("op.execute(\"X\")"),
            Some("deadlock")
        )
    );

    assert_eq!(Error::Target("x".into()).parts(), ErrorParts::default());
}

/// What the harness's refusal says, in its message and in its parts.
#[test]
fn harness_refused() {
    let refused = Error::HarnessRefused {
        revision: "0002".into(),
        message: "posts".into(),
        reason: "it is already applied".into(),
        next: "call upgrade".into(),
    };
    assert_eq!(
        refused.to_string(),
        "diesel_migrations asked godwit to run migration 0002 (\"posts\"), which it refused: it is already applied.\n\
         state now: nothing was run by this process and nothing is lost: every migration recorded as applied was applied once.\n\
         next: call upgrade"
    );
    let parts = refused.parts();
    assert_eq!(parts.revision, Some("0002"));
    assert_eq!(parts.cause.as_deref(), Some("it is already applied"));
    assert_eq!(parts.next.as_deref(), Some("call upgrade"));
}
