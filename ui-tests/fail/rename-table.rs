//! Renaming an existing table in place.

use godwit::migration;

#[migration(revision = "20250101_000000", message = "create the users table")]
pub mod create_users {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("users", [
            column("id", BigInt).primary_key().autoincrement(),
            column("email", Varchar(255)).not_null(),
            column("username", Varchar(50)).not_null(),
        ]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("users");
    }
}

#[migration(
    revision = "20250102_000000",
    down_revision = "20250101_000000",
    message = "rename users to members",
)]
pub mod rename_users {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.rename_table("users", "members");
    }

    pub fn downgrade(op: &mut Ops) {
        op.rename_table("members", "users");
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    create_users,
    rename_users,
];

fn main() {}
