//! An SQL fragment the checker must read, that no dialect parses: the
//! predicate of a backfill is cut off.

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
    message = "lowercase every stored email address",
)]
pub mod lowercase_emails {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.backfill("users", "email = lower(email)").where_("email <>");
    }

    pub fn downgrade(_op: &mut Ops) {}
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    create_users,
    lowercase_emails,
];

fn main() {}
