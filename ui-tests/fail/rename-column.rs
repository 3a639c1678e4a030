//! Seed scenario: renaming `username` to `display_name` in place is rejected.

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
    message = "rename users.username to display_name",
)]
pub mod rename_username {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.rename_column("users", "username", "display_name");
    }

    pub fn downgrade(op: &mut Ops) {
        op.rename_column("users", "display_name", "username");
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    create_users,
    rename_username,
];

fn main() {}
