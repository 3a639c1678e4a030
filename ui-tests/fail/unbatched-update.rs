//! An UPDATE of every row of an existing table in one statement; and a
//! DELETE of every row inside a WITH clause.

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
        op.execute("UPDATE users SET email = lower(email)");
    }

    pub fn downgrade(_op: &mut Ops) {}
}

#[migration(
    revision = "20250103_000000",
    down_revision = "20250102_000000",
    message = "move every user to the archive table",
)]
pub mod archive_users {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("archived_users", [
            column("id", BigInt).primary_key(),
            column("email", Varchar(255)).not_null(),
            column("username", Varchar(50)).not_null(),
        ]);
        op.execute("WITH moved AS (DELETE FROM users RETURNING id, email, username) INSERT INTO archived_users SELECT * FROM moved");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("archived_users");
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    create_users,
    lowercase_emails,
    archive_users,
];

fn main() {}
