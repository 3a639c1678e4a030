//! Seed scenario: changing a column's type in place is rejected.

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
    message = "store users.username as unbounded text",
)]
pub mod widen_username {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.alter_column("users", "username").set_type(Text);
    }

    pub fn downgrade(op: &mut Ops) {
        op.alter_column("users", "username").set_type(Varchar(50));
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    create_users,
    widen_username,
];

fn main() {}
