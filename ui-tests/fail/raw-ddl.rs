//! Raw DDL that the DSL expresses: ALTER TABLE, and CREATE INDEX.

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
        op.execute("ALTER TABLE users ADD COLUMN bio text");
    }

    pub fn downgrade(op: &mut Ops) {
        op.execute("ALTER TABLE users DROP COLUMN bio");
    }
}

#[migration(
    revision = "20250103_000000",
    down_revision = "20250102_000000",
    message = "index users by email concurrently",
)]
pub mod index_email {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.execute("CREATE INDEX CONCURRENTLY idx_users_email ON users (email)");
    }

    pub fn downgrade(op: &mut Ops) {
        op.execute("DROP INDEX idx_users_email");
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    create_users,
    add_bio,
    index_email,
];

fn main() {}
