//! A `.unique()` column added to an existing table, and a unique constraint
//! added to one without an index built before.

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
    message = "add a unique users.handle column",
)]
pub mod add_handle {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column("users", column("handle", Varchar(40)).unique());
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("users", "handle");
    }
}

#[migration(
    revision = "20250103_000000",
    down_revision = "20250102_000000",
    message = "make users.email unique",
)]
pub mod unique_email {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_unique_constraint("users_email_key", "users", ["email"]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_constraint("users_email_key", "users");
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    create_users,
    add_handle,
    unique_email,
];

fn main() {}
