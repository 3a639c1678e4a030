//! `Email` next to `email`: two columns on PostgreSQL, one name on SQLite,
//! which compares names without case.

use godwit::migration;

#[migration(revision = "20250101_000000", message = "create the users table")]
pub mod create_users {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("users", [
            column("id", BigInt).primary_key(),
            column("email", Varchar(255)),
        ]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("users");
    }
}

#[migration(
    revision = "20250102_000000",
    down_revision = "20250101_000000",
    message = "add the verified email column",
)]
pub mod add_verified_email {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column("users", column("Email", Varchar(255)));
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("users", "Email");
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    backends = [postgres, sqlite];
    create_users,
    add_verified_email,
];

fn main() {}
