//! The migrations the fault-injection, concurrency and backfill tests run.
//!
//! [`FAULTS`]: a ledger with rows, then `f003`, six ops that run in one
//! transaction on PostgreSQL and SQLite and op by op on MySQL, then `f004`,
//! three ops around a batched backfill, which run op by op everywhere.
//! [`LONG_BACKFILL`]: a counter table and a backfill of every row (`n = n + 1`),
//! so a row updated twice or never shows in its value.

use godwit::migration;

#[migration(revision = "f001", message = "create the ledger table")]
pub mod create_ledger {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "ledger",
            [
                column("id", BigInt).primary_key(),
                column("name", Varchar(40)).not_null(),
                column("n", BigInt).not_null().server_default(0),
            ],
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("ledger");
    }
}

#[migration(
    revision = "f002",
    down_revision = "f001",
    message = "seed the ledger with thirty rows"
)]
pub mod seed_ledger {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.execute(
            "INSERT INTO ledger (id, name, n) VALUES (1, 'a1', 10), (2, 'a2', 20), (3, 'a3', 30), (4, 'a4', 40), (5, 'a5', 50), (6, 'a6', 60), (7, 'a7', 70), (8, 'a8', 80), (9, 'a9', 90), (10, 'a10', 100), (11, 'b1', 11), (12, 'b2', 12), (13, 'b3', 13), (14, 'b4', 14), (15, 'b5', 15), (16, 'b6', 16), (17, 'b7', 17), (18, 'b8', 18), (19, 'b9', 19), (20, 'b10', 20), (21, 'c1', 1), (22, 'c2', 2), (23, 'c3', 3), (24, 'c4', 4), (25, 'c5', 5), (26, 'c6', 6), (27, 'c7', 7), (28, 'c8', 8), (29, 'c9', 9), (30, 'c10', 10)",
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.execute("DELETE FROM ledger WHERE id <= 30");
    }
}

#[migration(
    revision = "f003",
    down_revision = "f002",
    message = "add ledger notes, a memo and their constraints"
)]
pub mod add_ledger_notes {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "ledger_notes",
            [
                column("id", BigInt).primary_key(),
                column("entry_id", BigInt).not_null(),
                column("note", Varchar(100)).not_null(),
            ],
        );
        op.add_column("ledger", column("memo", Varchar(100)));
        op.create_index("idx_ledger_notes_entry_id", "ledger_notes", ["entry_id"]);
        op.execute("INSERT INTO ledger_notes (id, entry_id, note) SELECT id, id, name FROM ledger");
        op.alter_column("ledger", "memo").server_default("none");
        op.create_check_constraint(
            "ledger_notes_note_short",
            "ledger_notes",
            "length(note) < 90",
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_constraint("ledger_notes_note_short", "ledger_notes");
        op.alter_column("ledger", "memo").drop_default();
        op.drop_index("idx_ledger_notes_entry_id", "ledger_notes");
        op.drop_column("ledger", "memo");
        op.drop_table("ledger_notes");
    }
}

#[migration(
    revision = "f004",
    down_revision = "f003",
    message = "archive table and every ledger counter bumped once"
)]
pub mod bump_ledger_counters {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "ledger_archive",
            [
                column("id", BigInt).primary_key(),
                column("n", BigInt).not_null(),
            ],
        );
        op.backfill("ledger", "n = n + 1").batch_size(7);
        op.create_index("idx_ledger_archive_n", "ledger_archive", ["n"]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("idx_ledger_archive_n", "ledger_archive");
        op.backfill("ledger", "n = n - 1").batch_size(7);
        op.drop_table("ledger_archive");
    }
}

#[migration(
    revision = "f004",
    down_revision = "f003",
    message = "archive table and every ledger counter bumped once"
)]
pub mod bump_ledger_counters_edited {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "ledger_archive",
            [
                column("id", BigInt).primary_key(),
                column("n", BigInt).not_null(),
            ],
        );
        op.backfill("ledger", "n = n + 1").batch_size(8);
        op.create_index("idx_ledger_archive_n", "ledger_archive", ["n"]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("idx_ledger_archive_n", "ledger_archive");
        op.backfill("ledger", "n = n - 1").batch_size(8);
        op.drop_table("ledger_archive");
    }
}

/// [`FAULTS`] with `f004` edited after a run of it stopped (batches of 8).
pub static FAULTS_EDITED: godwit::MigrationSet = godwit::migrations![
    create_ledger,
    seed_ledger,
    add_ledger_notes,
    bump_ledger_counters_edited,
];

/// The fault-injection history: `f001`..`f004`.
pub static FAULTS: godwit::MigrationSet = godwit::migrations![
    create_ledger,
    seed_ledger,
    add_ledger_notes,
    bump_ledger_counters,
];

#[migration(revision = "b001", message = "create the counters table")]
pub mod create_counters {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "counters",
            [
                column("id", BigInt).primary_key(),
                column("n", BigInt).not_null().server_default(0),
            ],
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("counters");
    }
}

#[migration(
    revision = "b002",
    down_revision = "b001",
    message = "count every counter row once"
)]
pub mod count_every_row {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.backfill("counters", "n = n + 1").batch_size(2000);
    }

    pub fn downgrade(op: &mut Ops) {
        op.backfill("counters", "n = n - 1").batch_size(2000);
    }
}

/// A long backfill: `b001` creates `counters` (the test fills it), `b002`
/// adds one to every row in batches of 2000.
pub static LONG_BACKFILL: godwit::MigrationSet =
    godwit::migrations![create_counters, count_every_row];

#[migration(revision = "d001", message = "create the notes table")]
pub mod create_notes {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "notes",
            [
                column("id", BigInt).primary_key(),
                column("body", Text).not_null(),
            ],
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("notes");
    }
}

#[migration(
    revision = "d002",
    down_revision = "d001",
    message = "add notes.title, whose downgrade fails at run time"
)]
pub mod add_notes_title {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column("notes", column("title", Text));
    }

    pub fn downgrade(op: &mut Ops) {
        // Fails at run time: `body` is NOT NULL.
        op.safety_assured("a row written only to fail", |op| {
            op.execute("INSERT INTO notes (id, body) VALUES (1, NULL)");
        });
        op.drop_column("notes", "title");
    }
}

#[migration(
    revision = "d003",
    down_revision = "d002",
    message = "add notes.rank, which fails at run time"
)]
pub mod add_notes_rank {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column("notes", column("rank", Integer));
        // Fails at run time: `body` is NOT NULL.
        op.safety_assured("a row written only to fail", |op| {
            op.execute("INSERT INTO notes (id, body) VALUES (2, NULL)");
        });
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("notes", "rank");
    }
}

#[migration(
    revision = "d004",
    down_revision = "d003",
    message = "add the notes.tag column"
)]
pub mod add_notes_tag {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column("notes", column("tag", Text));
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("notes", "tag");
    }
}

/// Four migrations: the second cannot be undone at run time (its downgrade
/// fails before it changes anything), the third cannot be applied, so
/// `verify` reports the second and goes on, reports the third and stops
/// before the fourth.
pub static FAILING_DOWNGRADE: godwit::MigrationSet =
    godwit::migrations![create_notes, add_notes_title, add_notes_rank, add_notes_tag];

/// The sets the test binaries can be pointed at, by name (`GODWIT_TEST_SET`).
pub fn set_named(name: &str) -> Option<&'static godwit::MigrationSet> {
    match name {
        "scenario" => Some(&crate::MIGRATIONS),
        "base_only" => Some(&crate::BASE_ONLY),
        "irreversible" => Some(&crate::IRREVERSIBLE),
        "failing" => Some(&crate::FAILING),
        "faults" => Some(&FAULTS),
        "backfill" => Some(&LONG_BACKFILL),
        "failing_downgrade" => Some(&FAILING_DOWNGRADE),
        "hostile" => Some(&crate::HOSTILE),
        "raw_sql_postgres" => Some(&crate::RAW_SQL_POSTGRES),
        _ => None,
    }
}
