//! Seed scenario: a unique index on existing `users(email)` without
//! `.concurrently()` is rejected; so is a plain one on `users(username)`.

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
    message = "make users.email unique with an index",
)]
pub mod unique_email {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_index("idx_users_email", "users", ["email"]).unique();
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("idx_users_email", "users");
    }
}

#[migration(
    revision = "20250103_000000",
    down_revision = "20250102_000000",
    message = "index users by username",
)]
pub mod index_username {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_index("idx_users_username", "users", ["username"]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("idx_users_username", "users");
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    create_users,
    unique_email,
    index_username,
];

fn main() {}
