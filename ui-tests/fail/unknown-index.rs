//! Dropping an index that no migration created; and dropping a constraint
//! as if it were an index.

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
    message = "drop the users email index",
)]
pub mod drop_email_index {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.drop_index("idx_users_email", "users").concurrently();
    }

    pub fn downgrade(op: &mut Ops) {
        op.create_index("idx_users_email", "users", ["email"]).concurrently();
    }
}

#[migration(
    revision = "20250103_000000",
    down_revision = "20250102_000000",
    message = "check that emails are lowercase",
)]
pub mod check_email_lower {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_check_constraint("users_email_lower", "users", "email = lower(email)").not_valid();
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_constraint("users_email_lower", "users");
    }
}

#[migration(
    revision = "20250104_000000",
    down_revision = "20250103_000000",
    message = "drop the lowercase email check",
)]
pub mod drop_email_check {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.drop_index("users_email_lower", "users").concurrently();
    }

    pub fn downgrade(op: &mut Ops) {
        op.create_check_constraint("users_email_lower", "users", "email = lower(email)").not_valid();
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    create_users,
    drop_email_index,
    check_email_lower,
    drop_email_check,
];

fn main() {}
