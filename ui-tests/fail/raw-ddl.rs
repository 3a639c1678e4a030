//! Raw DDL with a hazard is judged as the op it reads as: a plain index
//! build that blocks writes, a NOT NULL column the running version does not
//! fill, a type change that rewrites the table.

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
    message = "index users by email",
)]
pub mod index_email {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.execute("CREATE INDEX idx_users_email ON users (email)");
    }

    pub fn downgrade(op: &mut Ops) {
        op.execute("DROP INDEX idx_users_email");
    }
}

#[migration(
    revision = "20250103_000000",
    down_revision = "20250102_000000",
    message = "add the required users.nickname column",
)]
pub mod add_nickname {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.execute("ALTER TABLE users ADD COLUMN nickname text NOT NULL");
    }

    pub fn downgrade(op: &mut Ops) {
        op.execute("ALTER TABLE users DROP COLUMN nickname");
    }
}

#[migration(
    revision = "20250104_000000",
    down_revision = "20250103_000000",
    message = "widen users.username to text",
)]
pub mod widen_username {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.execute("ALTER TABLE users ALTER COLUMN username TYPE text");
    }

    pub fn downgrade(op: &mut Ops) {
        op.execute("ALTER TABLE users ALTER COLUMN username TYPE varchar(50)");
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    create_users,
    index_email,
    add_nickname,
    widen_username,
];

fn main() {}
