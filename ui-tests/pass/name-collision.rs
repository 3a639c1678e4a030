//! A name that differs by more than case is a name of its own on every
//! backend.

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
        op.add_column("users", column("verified_email", Varchar(255)));
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("users", "verified_email");
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    backends = [postgres, sqlite];
    create_users,
    add_verified_email,
];

fn main() {}
