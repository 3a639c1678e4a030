//! A value added to an enum type used as a default in the same migration:
//! PostgreSQL refuses it until the transaction that added it commits.

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
    message = "add the excited mood as the default",
)]
pub mod add_excited {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_enum_value("mood", "excited");
        op.alter_column("users", "mood").server_default("excited");
    }

    pub fn downgrade(op: &mut Ops) {
        op.alter_column("users", "mood").server_default("ok");
        op.drop_enum_value("mood", "excited");
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    create_users,
    add_excited,
];

fn main() {}
