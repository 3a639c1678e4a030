//! The view is created by an earlier migration, then dropped; a drop
//! `.if_exists()` of a view that may not be there.

use godwit::migration;

#[migration(revision = "20250101_000000", message = "create the users table")]
pub mod create_users {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("users", [
            column("id", BigInt).primary_key().autoincrement(),
            column("email", Varchar(255)).not_null(),
            column("karma", Integer).not_null().server_default(0),
        ]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("users");
    }
}

#[migration(
    revision = "20250102_000000",
    down_revision = "20250101_000000",
    message = "list the active users",
)]
pub mod create_active_users {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.drop_view("legacy_active_users").if_exists();
        op.create_view("active_users", "SELECT id, email FROM users WHERE karma > 0");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_view("active_users");
    }
}

#[migration(
    revision = "20250103_000000",
    down_revision = "20250102_000000",
    message = "drop the active users view",
)]
pub mod drop_active_users {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.drop_view("active_users");
    }

    pub fn downgrade(op: &mut Ops) {
        op.create_view("active_users", "SELECT id, email FROM users WHERE karma > 0");
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    create_users,
    create_active_users,
    drop_active_users,
];

fn main() {}
