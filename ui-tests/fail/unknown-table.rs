//! An op on a table that no earlier migration created.

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
    message = "add the profiles.bio column",
)]
pub mod add_profile_bio {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column("profiles", column("bio", Text));
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("profiles", "bio");
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    create_users,
    add_profile_bio,
];

fn main() {}
