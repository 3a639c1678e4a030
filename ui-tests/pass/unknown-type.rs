//! A column of an enum type created by an earlier migration (or earlier in the same one).

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
    message = "add the users.previous_mood column",
)]
pub mod add_previous_mood {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column("users", column("previous_mood", Enum("mood")));
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("users", "previous_mood");
    }
}

#[migration(
    revision = "20250103_000000",
    down_revision = "20250102_000000",
    message = "add the tone enum and users.tone column",
)]
pub mod add_tone {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_enum("tone", ["low", "high"]);
        op.add_column("users", column("tone", Enum("tone")));
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("users", "tone");
        op.drop_enum("tone");
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    create_users,
    add_previous_mood,
    add_tone,
];

fn main() {}
