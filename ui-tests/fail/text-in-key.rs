//! A unique index over a TEXT column, in a set that runs on MySQL and
//! MariaDB too.

use godwit::migration;

#[migration(revision = "20250101_000000", message = "create the users table")]
pub mod create_users {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("users", [
            column("id", BigInt).primary_key().autoincrement(),
            column("email", Text).not_null(),
        ]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("users");
    }
}

#[migration(
    revision = "20250102_000000",
    down_revision = "20250101_000000",
    message = "add unique index on users.email",
)]
pub mod unique_user_email {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_index("idx_users_email", "users", ["email"])
            .unique()
            .concurrently();
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("idx_users_email", "users").concurrently();
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    backends = [postgres, mysql];
    create_users,
    unique_user_email,
];

fn main() {}
