//! A check that PostgreSQL reads and SQLite does not (`~` is PostgreSQL's
//! regular expression match), in a set checked for both.

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
        op.create_check_constraint("users_email_shape", "users", "email ~ '^[^@]+@[^@]+$'")
            .not_valid();
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_constraint("users_email_shape", "users");
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    backends = [postgres, sqlite];
    create_users,
    check_email_shape,
];

fn main() {}
