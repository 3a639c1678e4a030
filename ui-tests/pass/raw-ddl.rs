//! Raw DDL without a hazard passes, and the model learns from it: a
//! nullable column of a type the DSL has no word for, then a concurrent
//! index on it alone in its migration, and raw DDL on a table the same
//! migration creates.

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
    message = "add the users.search text search column",
)]
pub mod add_search {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.execute("ALTER TABLE users ADD COLUMN search tsvector");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("users", "search");
    }
}

#[migration(
    revision = "20250103_000000",
    down_revision = "20250102_000000",
    message = "index users.search concurrently",
)]
pub mod index_search {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.execute("CREATE INDEX CONCURRENTLY idx_users_search ON users (search)");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("idx_users_search", "users").concurrently();
    }
}

#[migration(
    revision = "20250104_000000",
    down_revision = "20250103_000000",
    message = "create the sessions table with its index",
)]
pub mod create_sessions {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.execute(
            "CREATE TABLE sessions (id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL, token TEXT NOT NULL);
             CREATE INDEX idx_sessions_user_id ON sessions (user_id)",
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.execute("DROP TABLE sessions");
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    create_users,
    add_search,
    index_search,
    create_sessions,
];

fn main() {}
