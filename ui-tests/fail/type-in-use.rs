//! Dropping an enum type that a column still uses.

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
    message = "drop the mood enum type",
)]
pub mod drop_mood {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.drop_enum("mood");
    }

    pub fn downgrade(op: &mut Ops) {
        op.create_enum("mood", ["sad", "ok", "happy"]);
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    create_users,
    drop_mood,
];

fn main() {}
