//! Validating a constraint that no migration added; and dropping an index
//! as if it were a constraint.

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
    message = "validate the lowercase email check",
)]
pub mod validate_email_check {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.validate_constraint("users_email_lower", "users");
    }

    pub fn downgrade(_op: &mut Ops) {}
}

#[migration(
    revision = "20250103_000000",
    down_revision = "20250102_000000",
    message = "index users by email address",
)]
pub mod index_email {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_index("idx_users_email", "users", ["email"]).concurrently();
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("idx_users_email", "users").concurrently();
    }
}

#[migration(
    revision = "20250104_000000",
    down_revision = "20250103_000000",
    message = "drop the users email index",
)]
pub mod drop_email_index {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.drop_constraint("idx_users_email", "users");
    }

    pub fn downgrade(op: &mut Ops) {
        op.create_index("idx_users_email", "users", ["email"]).concurrently();
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    create_users,
    validate_email_check,
    index_email,
    drop_email_index,
];

fn main() {}
