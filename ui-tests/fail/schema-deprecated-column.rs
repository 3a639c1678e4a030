//! Code that still reads a column a migration of the set deprecates does
//! not compile: the column is gone from Diesel's schema at head.

use diesel::prelude::*;
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
    message = "deprecate users.username column"
)]
pub mod deprecate_username {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.deprecate_column("users", "username");
    }

    pub fn downgrade(op: &mut Ops) {
        op.alter_column("users", "username").nullable(false);
    }
}

godwit::migrations! {
    pub static MIGRATIONS;
    pub mod schema;
    backends = [sqlite];
    create_users,
    deprecate_username,
}

/// The release before the column's removal still reads it: refused.
pub fn usernames(conn: &mut SqliteConnection) -> QueryResult<Vec<String>> {
    use schema::users;
    users::table.select(users::username).load(conn)
}

fn main() {}
