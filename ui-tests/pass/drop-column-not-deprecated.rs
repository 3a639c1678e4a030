//! Seed scenario: step 1 deprecates the column; step 2, in a later
//! migration (a later deploy), drops it.

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
    message = "deprecate the users.username column",
)]
pub mod deprecate_username {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.deprecate_column("users", "username");
    }

    pub fn downgrade(op: &mut Ops) {
        op.alter_column("users", "username").nullable(false);
    }
}

#[migration(
    revision = "20250103_000000",
    down_revision = "20250102_000000",
    message = "drop the users.username column",
)]
pub mod drop_username {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.drop_column("users", "username");
    }

    pub fn downgrade(op: &mut Ops) {
        op.add_column("users", column("username", Varchar(50)));
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    create_users,
    deprecate_username,
    drop_username,
];

fn main() {}
