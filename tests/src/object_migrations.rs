//! Objects whose body is SQL, on real databases: [`VIEWS`] on every backend
//! (with a change of the table a view reads, which SQLite makes by
//! rebuilding the table), [`MATERIALIZED_VIEWS`] on PostgreSQL.

use godwit::migration;

#[migration(revision = "v001", message = "create the accounts table")]
pub mod create_accounts {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "accounts",
            [
                column("id", BigInt).primary_key(),
                column("email", Varchar(255)).not_null(),
                column("karma", Integer).not_null().server_default(0),
                column("note", Text),
            ],
        );
        op.execute("INSERT INTO accounts (id, email, karma) VALUES (1, 'a@example.com', 3), (2, 'b@example.com', 0)");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("accounts");
    }
}

#[migration(
    revision = "v002",
    down_revision = "v001",
    message = "list the accounts with karma"
)]
pub mod create_views {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_view(
            "karma_accounts",
            "SELECT id, email FROM accounts WHERE karma > 0",
        );
        op.execute("CREATE VIEW karma_emails AS SELECT email FROM karma_accounts");
    }

    pub fn downgrade(op: &mut Ops) {
        op.execute("DROP VIEW karma_emails");
        op.drop_view("karma_accounts");
    }
}

#[migration(
    revision = "v003",
    down_revision = "v002",
    message = "show the karma in the karma view"
)]
pub mod replace_view {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.drop_view("karma_emails");
        op.replace_view(
            "karma_accounts",
            "SELECT id, email, karma FROM accounts WHERE karma > 0",
        );
        op.create_view("karma_emails", "SELECT email FROM karma_accounts");
    }

    // PostgreSQL replaces a view only with a query that keeps its columns
    // (adding some at the end): one that loses a column is created anew.
    pub fn downgrade(op: &mut Ops) {
        op.drop_view("karma_emails");
        op.drop_view("karma_accounts");
        op.create_view(
            "karma_accounts",
            "SELECT id, email FROM accounts WHERE karma > 0",
        );
        op.create_view("karma_emails", "SELECT email FROM karma_accounts");
    }
}

#[migration(
    revision = "v004",
    down_revision = "v003",
    message = "require a note on every account"
)]
pub mod require_note {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.safety_assured("every account has a note by now", |op| {
            op.alter_column("accounts", "note")
                .server_default("")
                .set_type(Varchar(500));
        });
    }

    pub fn downgrade(op: &mut Ops) {
        op.safety_assured("widening back", |op| {
            op.alter_column("accounts", "note")
                .drop_default()
                .set_type(Text);
        });
    }
}

/// Views, replaced and read across a rebuild of their table.
pub static VIEWS: godwit::MigrationSet =
    godwit::migrations![create_accounts, create_views, replace_view, require_note];

#[migration(revision = "m001", message = "create the scores table")]
pub mod create_scores {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "scores",
            [
                column("id", BigInt).primary_key(),
                column("player", Text).not_null(),
                column("points", Integer).not_null(),
            ],
        );
        op.execute("INSERT INTO scores VALUES (1, 'ann', 3), (2, 'bob', 5), (3, 'ann', 4)");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("scores");
    }
}

#[migration(
    revision = "m002",
    down_revision = "m001",
    message = "total the points of each player"
)]
pub mod create_totals {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_materialized_view(
            "player_totals",
            "SELECT player, sum(points) AS total FROM scores GROUP BY player",
        )
        .with_no_data();
        op.create_index("player_totals_player", "player_totals", ["player"])
            .unique();
        op.refresh_materialized_view("player_totals");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_materialized_view("player_totals");
    }
}

#[migration(
    revision = "m003",
    down_revision = "m002",
    message = "refresh the totals of each player"
)]
pub mod refresh_totals {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.refresh_materialized_view("player_totals").concurrently();
    }

    pub fn downgrade(_op: &mut Ops) {}
}

/// A materialized view with a unique index, refreshed concurrently.
pub static MATERIALIZED_VIEWS: godwit::MigrationSet =
    godwit::migrations![backends = [postgres]; create_scores, create_totals, refresh_totals];

#[migration(revision = "t001", message = "create the notes table")]
pub mod create_notes {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "notes",
            [
                column("id", BigInt).primary_key(),
                column("body", Text).not_null(),
                column("edits", Integer).not_null().server_default(0),
            ],
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("notes");
    }
}

#[migration(
    revision = "t002",
    down_revision = "t001",
    message = "count the edits of each note in PostgreSQL"
)]
pub mod count_edits_postgres {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_function(
            "count_edit()",
            "RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.edits := OLD.edits + 1; RETURN NEW; END $$",
        );
        op.create_trigger(
            "notes_count_edit",
            "notes",
            "BEFORE UPDATE",
            "FOR EACH ROW EXECUTE FUNCTION count_edit()",
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_trigger("notes_count_edit", "notes");
        op.drop_function("count_edit()");
    }
}

/// A function and the trigger that runs it, on PostgreSQL.
pub static TRIGGERS_POSTGRES: godwit::MigrationSet =
    godwit::migrations![backends = [postgres]; create_notes, count_edits_postgres];

#[migration(
    revision = "t002",
    down_revision = "t001",
    message = "count the edits of each note in MySQL"
)]
pub mod count_edits_mysql {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_function("next_edit(n INT)", "RETURNS INT DETERMINISTIC RETURN n + 1");
        op.create_trigger(
            "notes_count_edit",
            "notes",
            "BEFORE UPDATE",
            "FOR EACH ROW SET NEW.edits = next_edit(OLD.edits)",
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_trigger("notes_count_edit", "notes");
        op.drop_function("next_edit(n INT)");
    }
}

/// A function and a trigger that calls it, on MySQL and MariaDB.
pub static TRIGGERS_MYSQL: godwit::MigrationSet =
    godwit::migrations![backends = [mysql, mariadb]; create_notes, count_edits_mysql];

#[migration(
    revision = "t002",
    down_revision = "t001",
    message = "count the edits of each note in SQLite"
)]
pub mod count_edits_sqlite {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_trigger(
            "notes_count_edit",
            "notes",
            "AFTER UPDATE OF body",
            "FOR EACH ROW BEGIN UPDATE notes SET edits = edits + 1 WHERE id = NEW.id; END",
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_trigger("notes_count_edit", "notes");
    }
}

#[migration(
    revision = "t003",
    down_revision = "t002",
    message = "give each note a default body"
)]
pub mod default_body {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.alter_column("notes", "body").server_default("");
    }

    pub fn downgrade(op: &mut Ops) {
        op.alter_column("notes", "body").drop_default();
    }
}

/// A trigger on SQLite, kept across a rebuild of its table.
pub static TRIGGERS_SQLITE: godwit::MigrationSet =
    godwit::migrations![backends = [sqlite]; create_notes, count_edits_sqlite, default_body];

#[migration(revision = "e001", message = "install the trigram extension")]
pub mod install_trigrams {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_extension("pg_trgm").if_not_exists();
        op.create_table(
            "words",
            [
                column("id", BigInt).primary_key(),
                column("word", Text).not_null(),
            ],
        );
        op.create_index(
            "words_trigrams",
            "words",
            [key("word").opclass("gin_trgm_ops")],
        )
        .using("gin");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("words");
        op.drop_extension("pg_trgm");
    }
}

/// An extension, and an index that needs it, on PostgreSQL.
pub static EXTENSIONS: godwit::MigrationSet =
    godwit::migrations![backends = [postgres]; install_trigrams];

#[migration(revision = "c001", message = "create the invoices table")]
pub mod create_invoices {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "invoices",
            [column("id", BigInt).primary_key(), column("total", Integer)],
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("invoices");
    }
}

#[migration(
    revision = "c002",
    down_revision = "c001",
    message = "describe the invoices and their totals"
)]
pub mod describe_invoices {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.comment_on_table("invoices", "one per order, never deleted");
        op.comment_on_column("invoices", "total", "in cents, it's tax included");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_comment_on_column("invoices", "total");
        op.drop_comment_on_table("invoices");
    }
}

#[migration(
    revision = "c003",
    down_revision = "c002",
    message = "require the total of every invoice"
)]
pub mod require_total {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.safety_assured("every invoice has a total", |op| {
            op.alter_column("invoices", "total").nullable(false);
        });
    }

    pub fn downgrade(op: &mut Ops) {
        op.alter_column("invoices", "total").nullable(true);
    }
}

/// Comments on a table and a column, kept across a change of the column.
pub static COMMENTS: godwit::MigrationSet =
    godwit::migrations![create_invoices, describe_invoices, require_total];

#[migration(revision = "i001", message = "create the labels table if missing")]
pub mod create_labels {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "labels",
            [
                column("id", BigInt).primary_key(),
                column("name", Varchar(50)).not_null(),
            ],
        )
        .if_not_exists();
        op.create_index("labels_name", "labels", ["name"])
            .if_not_exists();
        op.drop_index("labels_gone", "labels").if_exists();
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("labels_name", "labels").if_exists();
        op.drop_table("labels");
    }
}

/// `.if_not_exists()` and `.if_exists()` of tables and indexes.
pub static IF_EXISTS: godwit::MigrationSet = godwit::migrations![create_labels];
