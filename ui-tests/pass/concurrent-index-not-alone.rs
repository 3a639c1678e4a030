//! One concurrent index op per migration; the other op gets its own.

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
    message = "add the users.bio column",
)]
pub mod add_bio {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column("users", column("bio", Text));
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("users", "bio");
    }
}

#[migration(
    revision = "20250103_000000",
    down_revision = "20250102_000000",
    message = "make users.email unique with an index",
)]
pub mod unique_email {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_index("idx_users_email", "users", ["email"]).unique().concurrently();
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("idx_users_email", "users").concurrently();
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    create_users,
    add_bio,
    unique_email,
];

fn main() {}
