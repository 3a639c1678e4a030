//! The column goes first (deprecated in an earlier migration), then the type.

use godwit::migration;

#[migration(revision = "20250101_000000", message = "create the users table with a mood")]
pub mod create_users {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_enum("mood", ["sad", "ok", "happy"]);
        op.create_table("users", [
            column("id", BigInt).primary_key().autoincrement(),
            column("username", Varchar(50)).not_null(),
            column("mood", Enum("mood")).not_null().server_default("ok"),
        ]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("users");
        op.drop_enum("mood");
    }
}

#[migration(
    revision = "20250102_000000",
    down_revision = "20250101_000000",
    message = "deprecate the users.mood column",
)]
pub mod deprecate_mood {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.deprecate_column("users", "mood");
    }

    pub fn downgrade(op: &mut Ops) {
        op.alter_column("users", "mood").nullable(false);
    }
}

#[migration(
    revision = "20250103_000000",
    down_revision = "20250102_000000",
    message = "drop users.mood and the mood enum type",
)]
pub mod drop_mood {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.drop_column("users", "mood");
        op.drop_enum("mood");
    }

    pub fn downgrade(op: &mut Ops) {
        op.create_enum("mood", ["sad", "ok", "happy"]);
        op.add_column("users", column("mood", Enum("mood")).server_default("ok"));
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    create_users,
    deprecate_mood,
    drop_mood,
];

fn main() {}
