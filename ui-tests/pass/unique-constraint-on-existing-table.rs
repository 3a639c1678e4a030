//! The column first, then its unique index built concurrently, alone; then
//! a unique constraint that takes the index over.

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
    message = "add the users.handle column",
)]
pub mod add_handle {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column("users", column("handle", Varchar(40)));
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("users", "handle");
    }
}

#[migration(
    revision = "20250103_000000",
    down_revision = "20250102_000000",
    message = "make users.handle unique with an index",
)]
pub mod unique_handle {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_index("users_handle_key", "users", ["handle"]).unique().concurrently();
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("users_handle_key", "users").concurrently();
    }
}

#[migration(
    revision = "20250104_000000",
    down_revision = "20250103_000000",
    message = "make the users.handle index a unique constraint",
)]
pub mod constrain_handle {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_unique_constraint("users_handle_unique", "users", ["handle"])
            .using_index("users_handle_key");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_constraint("users_handle_unique", "users");
        op.create_index("users_handle_key", "users", ["handle"]).unique();
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    create_users,
    add_handle,
    unique_handle,
    constrain_handle,
];

fn main() {}
