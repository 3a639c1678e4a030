//! Dropping a view no migration created, and refreshing a view as if it
//! were a materialized one.

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

#[migration(
    revision = "20250103_000000",
    down_revision = "20250102_000000",
    message = "list the users with karma",
)]
pub mod create_karma_view {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_view("karma_users", "SELECT id FROM users WHERE karma > 0");
        op.refresh_materialized_view("karma_users");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_view("karma_users");
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    backends = [postgres];
    create_users,
    drop_active_users,
    create_karma_view,
];

fn main() {}
