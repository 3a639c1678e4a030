//! The scenario's migrations.

use godwit::migration;

#[migration(revision = "0001", message = "create the users table")]
pub mod create_users {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "users",
            [
                column("id", BigInt).primary_key().autoincrement(),
                column("email", Varchar(255)).not_null().unique(),
                column("username", Varchar(50)).not_null(),
                column("created_at", Timestamp).server_default(now()),
            ],
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("users");
    }
}

#[migration(
    revision = "0002",
    down_revision = "0001",
    message = "create the posts table with its author"
)]
pub mod create_posts {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "posts",
            [
                column("id", BigInt).primary_key().autoincrement(),
                column("author_id", BigInt)
                    .not_null()
                    .references("users", "id"),
                column("title", Varchar(200)).not_null(),
                column("body", Text),
                column("score", Numeric(10, 2)).not_null().server_default(0),
                column("published", Boolean)
                    .not_null()
                    .server_default(false),
            ],
        )
        .check("posts_score_nonnegative", "score >= 0");
        op.create_index("idx_posts_author_id", "posts", ["author_id"]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("idx_posts_author_id", "posts");
        op.drop_table("posts");
    }
}

#[migration(
    revision = "0003",
    down_revision = "0002",
    message = "add karma and bio to users"
)]
pub mod add_user_karma_and_bio {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column(
            "users",
            column("karma", Integer).not_null().server_default(0),
        );
        op.add_column("users", column("bio", Text));
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("users", "bio");
        op.drop_column("users", "karma");
    }
}

#[migration(
    revision = "0004",
    down_revision = "0003",
    message = "seed five example users"
)]
pub mod seed_users {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.execute(
            "INSERT INTO users (email, username) VALUES ('ada@example.com', 'ada'), ('bob@example.com', 'bob'), ('cy@example.com', 'cy'), ('di@example.com', 'di'), ('ed@example.com', 'ed')",
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.execute("DELETE FROM users WHERE email LIKE '%@example.com'");
    }
}

#[migration(
    revision = "0005",
    down_revision = "0004",
    message = "index usernames uniquely without blocking writes"
)]
pub mod index_usernames {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_index("idx_users_username", "users", ["username"])
            .unique()
            .concurrently();
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("idx_users_username", "users").concurrently();
    }
}

#[migration(
    revision = "0006",
    down_revision = "0005",
    message = "add an optional editor to posts"
)]
pub mod add_post_editor {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column("posts", column("editor_id", BigInt));
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("posts", "editor_id");
    }
}

#[migration(
    revision = "0007",
    down_revision = "0006",
    message = "index posts by editor without blocking writes"
)]
pub mod index_post_editor {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_index("idx_posts_editor_id", "posts", ["editor_id"])
            .concurrently();
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("idx_posts_editor_id", "posts").concurrently();
    }
}

#[migration(
    revision = "0008",
    down_revision = "0007",
    message = "constrain post editors and user karma, unvalidated"
)]
pub mod constrain_editor_and_karma {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_foreign_key("posts_editor_fk", "posts", ["editor_id"], "users", ["id"])
            .on_delete(Action::SetNull)
            .not_valid();
        // MySQL and MariaDB copy the table for a check (mysql-table-copy).
        op.safety_assured(
            "users is small here: MySQL's copy for the check is short",
            |op| {
                op.create_check_constraint("users_karma_nonnegative", "users", "karma >= 0")
                    .not_valid();
            },
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_constraint("users_karma_nonnegative", "users");
        op.drop_constraint("posts_editor_fk", "posts");
    }
}

#[migration(
    revision = "0009",
    down_revision = "0008",
    message = "validate the editor and karma constraints"
)]
pub mod validate_editor_and_karma {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.validate_constraint("posts_editor_fk", "posts");
        op.validate_constraint("users_karma_nonnegative", "users");
    }

    pub fn downgrade(op: &mut Ops) {
        op.safety_assured("going back to the unvalidated constraints of 0008", |op| {
            op.drop_constraint("users_karma_nonnegative", "users");
            op.drop_constraint("posts_editor_fk", "posts");
            op.create_foreign_key("posts_editor_fk", "posts", ["editor_id"], "users", ["id"])
                .on_delete(Action::SetNull)
                .not_valid();
            op.create_check_constraint("users_karma_nonnegative", "users", "karma >= 0")
                .not_valid();
        });
    }
}

#[migration(
    revision = "0010",
    down_revision = "0009",
    message = "give every seeded user one karma point"
)]
pub mod backfill_karma {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.backfill("users", "karma = 1")
            .where_("karma = 0")
            .batch_size(2);
    }

    pub fn downgrade(op: &mut Ops) {
        op.backfill("users", "karma = 0")
            .where_("karma = 1")
            .batch_size(2);
    }
}

#[migration(
    revision = "0011",
    down_revision = "0010",
    message = "deprecate users.bio before removing it"
)]
pub mod deprecate_bio {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.deprecate_column("users", "bio");
    }

    pub fn downgrade(op: &mut Ops) {
        op.alter_column("users", "bio").nullable(true);
    }
}

#[migration(
    revision = "0012",
    down_revision = "0011",
    message = "drop the deprecated users.bio column"
)]
pub mod drop_bio {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.drop_column("users", "bio");
    }

    pub fn downgrade(op: &mut Ops) {
        op.add_column("users", column("bio", Text));
    }
}

#[migration(
    revision = "0013",
    down_revision = "0012",
    message = "default post titles and require post bodies"
)]
pub mod post_title_default_and_body_required {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.alter_column("posts", "title").server_default("untitled");
        op.safety_assured("no post has been written without a body yet", |op| {
            op.alter_column("posts", "body").nullable(false);
        });
    }

    pub fn downgrade(op: &mut Ops) {
        op.safety_assured(
            "making a column nullable again never breaks a reader",
            |op| {
                op.alter_column("posts", "body").nullable(true);
            },
        );
        op.alter_column("posts", "title").drop_default();
    }
}

/// The scenario: thirteen migrations, base `0001`, head `0013`.
pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    create_users,
    create_posts,
    add_user_karma_and_bio,
    seed_users,
    index_usernames,
    add_post_editor,
    index_post_editor,
    constrain_editor_and_karma,
    validate_editor_and_karma,
    backfill_karma,
    deprecate_bio,
    drop_bio,
    post_title_default_and_body_required,
];

#[migration(
    revision = "0003",
    down_revision = "0002",
    message = "create the audit log with a first entry"
)]
pub mod broken_audit_log {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "audit_log",
            [
                column("id", BigInt).primary_key().autoincrement(),
                column("entry", Text).not_null(),
            ],
        );
        // Fails at run time: `entry` is NOT NULL.
        op.safety_assured("the audit log is created empty just above", |op| {
            op.execute("INSERT INTO audit_log (entry) VALUES (NULL)");
        });
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("audit_log");
    }
}

/// The first two migrations, then one that fails at its second op.
pub static FAILING: godwit::MigrationSet =
    godwit::migrations![create_users, create_posts, broken_audit_log];

#[migration(
    revision = "0002",
    down_revision = "0001",
    message = "create the posts table with its author"
)]
pub mod create_posts_edited {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "posts",
            [
                column("id", BigInt).primary_key().autoincrement(),
                column("author_id", BigInt)
                    .not_null()
                    .references("users", "id"),
                column("title", Varchar(300)).not_null(),
                column("body", Text),
                column("score", Numeric(10, 2)).not_null().server_default(0),
                column("published", Boolean)
                    .not_null()
                    .server_default(false),
            ],
        )
        .check("posts_score_nonnegative", "score >= 0");
        op.create_index("idx_posts_author_id", "posts", ["author_id"]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("idx_posts_author_id", "posts");
        op.drop_table("posts");
    }
}

/// The first two migrations with `0002` edited after it shipped (a longer title).
pub static EDITED: godwit::MigrationSet = godwit::migrations![create_users, create_posts_edited];

/// Only the first migration: a binary older than the database.
pub static BASE_ONLY: godwit::MigrationSet = godwit::migrations![create_users];

#[migration(
    revision = "0002",
    down_revision = "0001",
    message = "purge the users who never confirmed",
    irreversible = "the purged rows are gone; restore them from a backup"
)]
pub mod purge_unconfirmed {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.execute("DELETE FROM users WHERE username = 'ghost'");
    }
}

/// The first migration, then one that cannot be undone.
pub static IRREVERSIBLE: godwit::MigrationSet =
    godwit::migrations![create_users, purge_unconfirmed];

#[migration(
    revision = "e001",
    message = "create the accounts table with every column type"
)]
pub mod create_accounts {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "accounts",
            [
                column("id", BigInt).primary_key().autoincrement(),
                column("name", Varchar(100)).not_null(),
                column("kind", Char(1)).not_null().server_default("p"),
                column("balance", Numeric(12, 2))
                    .not_null()
                    .server_default(0),
                column("ratio", Double).server_default(0.5),
                column("rate", Real),
                column("flags", SmallInt),
                column("visits", Integer).server_default(-1),
                column("active", Boolean).server_default(true),
                column("born", Date).server_default(now()),
                column("wakes_at", Time).server_default(now()),
                column("seen_at", TimestampTz),
                column("created_at", Timestamp)
                    .not_null()
                    .server_default(now()),
                column("avatar", Binary),
                column("token", Uuid),
                column("settings", Json).server_default("{}"),
                column("notes", Text).server_default("it's \\ fine"),
                column("slug", VarcharUnbounded),
                column("raw_event", JsonText),
            ],
        )
        .unique(["name", "kind"])
        .check("accounts_balance_floor", "balance >= -1000");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("accounts");
    }
}

#[migration(
    revision = "e002",
    down_revision = "e001",
    message = "let an account have a unique owner account"
)]
pub mod add_account_owner {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.safety_assured("the accounts table is created empty by e001", |op| {
            op.add_column(
                "accounts",
                column("owner_id", BigInt)
                    .unique()
                    .references("accounts", "id"),
            );
        });
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("accounts", "owner_id");
    }
}

#[migration(
    revision = "e003",
    down_revision = "e002",
    message = "rename accounts to ledger accounts"
)]
pub mod rename_accounts {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.safety_assured("no deployed code reads the accounts table yet", |op| {
            op.rename_column("accounts", "flags", "flag_bits");
            op.rename_table("accounts", "ledger_accounts");
        });
    }

    pub fn downgrade(op: &mut Ops) {
        op.safety_assured(
            "no deployed code reads the ledger_accounts table yet",
            |op| {
                op.rename_table("ledger_accounts", "accounts");
                op.rename_column("accounts", "flag_bits", "flags");
            },
        );
    }
}

#[migration(
    revision = "e004",
    down_revision = "e003",
    message = "widen flag bits and make ratios exact"
)]
pub mod retype_account_columns {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.safety_assured("the ledger_accounts table is still empty", |op| {
            op.alter_column("ledger_accounts", "flag_bits")
                .set_type(Integer);
            op.alter_column("ledger_accounts", "ratio")
                .set_type(Numeric(10, 4))
                .drop_default();
            op.alter_column("ledger_accounts", "rate")
                .nullable(false)
                .server_default(1.25);
        });
    }

    pub fn downgrade(op: &mut Ops) {
        op.safety_assured("the ledger_accounts table is still empty", |op| {
            op.alter_column("ledger_accounts", "rate")
                .drop_default()
                .nullable(true);
            op.alter_column("ledger_accounts", "ratio")
                .set_type(Double)
                .server_default(0.5);
            op.alter_column("ledger_accounts", "flag_bits")
                .set_type(SmallInt);
        });
    }
}

#[migration(
    revision = "e005",
    down_revision = "e004",
    message = "replace the balance floor with a stricter check"
)]
pub mod replace_balance_check {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.drop_constraint("accounts_balance_floor", "ledger_accounts");
        op.safety_assured(
            "ledger_accounts is small here: MySQL's copy for the check is short",
            |op| {
                op.create_check_constraint(
                    "ledger_balance_floor",
                    "ledger_accounts",
                    "balance >= 0",
                )
                .not_valid();
            },
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_constraint("ledger_balance_floor", "ledger_accounts");
        op.safety_assured("restoring the check the table had before", |op| {
            op.create_check_constraint(
                "accounts_balance_floor",
                "ledger_accounts",
                "balance >= -1000",
            );
        });
    }
}

/// Every other op, on real databases: all column types, a unique
/// self-referencing column, renames, type changes, constraint swaps.
pub static EVERY_OP: godwit::MigrationSet = godwit::migrations![
    create_accounts,
    add_account_owner,
    rename_accounts,
    retype_account_columns,
    replace_balance_check,
];

#[migration(
    revision = "b001",
    message = "create the items table for the backfill measurement"
)]
pub mod create_items {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "items",
            [
                column("id", BigInt).primary_key().autoincrement(),
                column("n", Integer).not_null(),
                column("doubled", BigInt),
            ],
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("items");
    }
}

#[migration(
    revision = "b002",
    down_revision = "b001",
    message = "backfill items.doubled in batches"
)]
pub mod backfill_items {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.backfill("items", "doubled = n * 2").batch_size(1000);
    }

    pub fn downgrade(op: &mut Ops) {
        op.backfill("items", "doubled = NULL").batch_size(1000);
    }
}

/// A table and a batched backfill over it (`tests/tests/measure.rs`).
pub static BACKFILL: godwit::MigrationSet = godwit::migrations![create_items, backfill_items];

#[migration(
    revision = "s002",
    down_revision = "0001",
    message = "wait two seconds on PostgreSQL"
)]
pub mod slow_on_postgres {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.execute("SELECT pg_sleep(2)");
    }

    pub fn downgrade(op: &mut Ops) {
        op.execute("SELECT pg_sleep(0)");
    }
}

/// A migration that takes two seconds (PostgreSQL only): for `statement_timeout`.
pub static SLOW_ON_POSTGRES: godwit::MigrationSet =
    godwit::migrations![create_users, slow_on_postgres];

#[migration(revision = "k1", message = "create the ledger with a check")]
pub mod create_ledger {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "ledger",
            [
                column("id", BigInt).primary_key(),
                column("balance", Integer).not_null().server_default(0),
                column("floor", Integer),
                column("note", Text),
            ],
        )
        .check("ledger_balance_floor", "balance >= floor");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("ledger");
    }
}

#[migration(
    revision = "k2",
    down_revision = "k1",
    message = "rename ledger.balance to amount"
)]
pub mod rename_balance {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.safety_assured("the ledger holds test rows only", |op| {
            op.rename_column("ledger", "balance", "amount");
        });
    }

    pub fn downgrade(op: &mut Ops) {
        op.rename_column("ledger", "amount", "balance");
    }
}

#[migration(
    revision = "k3",
    down_revision = "k2",
    message = "drop ledger.floor and its check"
)]
pub mod drop_floor {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.safety_assured("nothing reads the floor", |op| {
            op.drop_column("ledger", "floor");
        });
    }

    pub fn downgrade(op: &mut Ops) {
        op.add_column("ledger", column("floor", Integer));
        op.create_check_constraint("ledger_balance_floor", "ledger", "amount >= floor");
    }
}

/// A check constraint that follows a renamed column and goes with a
/// dropped one, as PostgreSQL does, on every backend.
pub static CHECKS: godwit::MigrationSet =
    godwit::migrations![create_ledger, rename_balance, drop_floor];

#[migration(
    revision = "t001",
    message = "create the documents table with arrays and opaque types"
)]
pub mod create_documents {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "documents",
            [
                column("id", BigInt).primary_key(),
                column("tags", Array(Text))
                    .not_null()
                    .server_default(sql("'{}'")),
                column("scores", Array(Array(Integer))),
                column("codes", Array(Varchar(8))),
                column("search", Custom("tsvector")),
                column("origin", Custom("inet")),
            ],
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("documents");
    }
}

#[migration(
    revision = "t002",
    down_revision = "t001",
    message = "add and retype document columns of PostgreSQL types"
)]
pub mod retype_documents {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column("documents", column("aliases", Array(VarcharUnbounded)));
        op.safety_assured("the table is new and empty in this test", |op| {
            op.alter_column("documents", "codes").set_type(Array(Text));
        });
    }

    pub fn downgrade(op: &mut Ops) {
        op.safety_assured("the table is new and empty in this test", |op| {
            op.alter_column("documents", "codes")
                .set_type(Array(Varchar(8)));
        });
        op.drop_column("documents", "aliases");
    }
}

/// PostgreSQL's own types: arrays (nested too) and types godwit does not
/// model, created, read back and compared.
pub static POSTGRES_TYPES: godwit::MigrationSet =
    godwit::migrations![backends = [postgres]; create_documents, retype_documents];

#[migration(revision = "r001", message = "create the notes table for raw SQL")]
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
    revision = "r002",
    down_revision = "r001",
    message = "add notes.title with raw SQL"
)]
pub mod add_note_title_raw {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.execute("ALTER TABLE notes ADD COLUMN title VARCHAR(120)");
    }

    pub fn downgrade(op: &mut Ops) {
        op.execute("ALTER TABLE notes DROP COLUMN title");
    }
}

#[migration(
    revision = "r003",
    down_revision = "r002",
    message = "index the raw notes.title column by the DSL"
)]
pub mod index_note_title {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_index("idx_notes_title", "notes", ["title"])
            .concurrently();
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("idx_notes_title", "notes").concurrently();
    }
}

/// Raw SQL the model learns from: a column added by `execute` is indexed by
/// a DSL op, and `check_drift` sees both.
pub static RAW_SQL: godwit::MigrationSet =
    godwit::migrations![create_notes, add_note_title_raw, index_note_title];

#[migration(
    revision = "r004",
    down_revision = "r003",
    message = "index notes by body concurrently with raw SQL"
)]
pub mod index_note_body_raw {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.execute("CREATE INDEX CONCURRENTLY idx_notes_body ON notes (body)");
    }

    pub fn downgrade(op: &mut Ops) {
        op.execute("DROP INDEX CONCURRENTLY idx_notes_body");
    }
}

#[migration(
    revision = "r005",
    down_revision = "r004",
    message = "create note links with raw SQL of every key shape"
)]
pub mod create_note_links_raw {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.execute(
            "CREATE TABLE note_links (
                 id BIGSERIAL PRIMARY KEY,
                 note_id BIGINT NOT NULL REFERENCES notes ON DELETE CASCADE ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED,
                 label TEXT NOT NULL CHECK (length(label) < 50),
                 tags TEXT[],
                 CONSTRAINT note_links_once UNIQUE (note_id, label)
             );
             CREATE INDEX note_links_label_lower ON note_links (lower(label) text_pattern_ops DESC NULLS LAST);
             CREATE INDEX note_links_tags ON note_links USING gin (tags);
             CREATE INDEX note_links_note ON note_links (note_id) INCLUDE (label) WHERE tags IS NOT NULL;",
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.execute("DROP TABLE note_links");
    }
}

#[migration(
    revision = "r006",
    down_revision = "r005",
    message = "build the unique index for note titles concurrently"
)]
pub mod index_note_title_unique_raw {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.execute("CREATE UNIQUE INDEX CONCURRENTLY notes_title_idx ON notes (title)");
    }

    pub fn downgrade(op: &mut Ops) {
        op.execute("DROP INDEX CONCURRENTLY notes_title_idx");
    }
}

#[migration(
    revision = "r007",
    down_revision = "r006",
    message = "make note titles unique with the index built before"
)]
pub mod unique_note_title_raw {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.execute(
            "ALTER TABLE notes ADD CONSTRAINT notes_title_key UNIQUE USING INDEX notes_title_idx",
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.execute("ALTER TABLE notes DROP CONSTRAINT notes_title_key");
        op.execute("CREATE UNIQUE INDEX notes_title_idx ON notes (title)");
    }
}

#[migration(
    revision = "r008",
    down_revision = "r007",
    message = "keep a table of note title lengths built by a query"
)]
pub mod create_note_stats_raw {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.safety_assured(
            "a new table built from a query, which no one reads yet",
            |op| {
                op.execute(
                    "CREATE TABLE note_stats AS SELECT id, length(body) AS body_length FROM notes",
                );
            },
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.execute("DROP TABLE note_stats");
    }
}

/// [`RAW_SQL`] and raw SQL only PostgreSQL runs: a `CREATE INDEX
/// CONCURRENTLY` (only outside a transaction), index shapes, foreign key
/// options, a unique constraint taking over an index, and a table built by
/// a query, which the model does not follow and `check_drift` leaves out.
pub static RAW_SQL_POSTGRES: godwit::MigrationSet = godwit::migrations![
    backends = [postgres];
    create_notes,
    add_note_title_raw,
    index_note_title,
    index_note_body_raw,
    create_note_links_raw,
    index_note_title_unique_raw,
    unique_note_title_raw,
    create_note_stats_raw
];
