//! The same partial index, in a set for PostgreSQL and SQLite, which both
//! have them.

use godwit::migration;

#[migration(revision = "20250101_000000", message = "create the users table")]
pub mod create_users {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("users", [
            column("id", BigInt).primary_key().autoincrement(),
            column("email", Varchar(255)),
        ]);
        op.create_index("idx_users_email", "users", ["email"])
            .unique()
            .where_("email IS NOT NULL");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("idx_users_email", "users");
        op.drop_table("users");
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    backends = [postgres, sqlite];
    create_users,
];

fn main() {}
