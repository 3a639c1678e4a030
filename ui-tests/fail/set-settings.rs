//! Settings of `migrations![..]` it does not know, and a version older
//! than any godwit applies migrations on.

use godwit::migration;

#[migration(revision = "20250101_000000", message = "create the users table")]
pub mod create_users {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("users", [
            column("id", BigInt).primary_key().autoincrement(),
            column("email", Varchar(255)).not_null(),
        ]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("users");
    }
}

#[migration(
    revision = "20250102_000000",
    down_revision = "20250101_000000",
    message = "check the shape of email addresses",
)]
pub mod check_email_shape {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_check_constraint("users_email_shape", "users", "email LIKE '%@%'")
            .not_valid();
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_constraint("users_email_shape", "users");
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    backends = [postgres, oracle];
    create_users,
    check_email_shape,
];

/// Older than any MySQL godwit's SQL runs on.
pub static ON_OLD_MYSQL: godwit::MigrationSet = godwit::migrations![
    backends = [mysql >= 5.7, sqlite];
    create_users,
];

fn main() {}
