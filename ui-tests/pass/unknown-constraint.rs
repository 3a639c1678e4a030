//! The constraint is added NOT VALID by an earlier migration, then validated.

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
    revision = "20250103_000000",
    down_revision = "20250102_000000",
    message = "validate the lowercase email check",
)]
pub mod validate_email_check {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.validate_constraint("users_email_lower", "users");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_constraint("users_email_lower", "users");
        op.create_check_constraint("users_email_lower", "users", "email = lower(email)").not_valid();
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    create_users,
    check_email_lower,
    validate_email_check,
];

fn main() {}
