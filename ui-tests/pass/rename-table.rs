//! Expand/contract: create the new table, copy the rows over in a later
//! migration, and deprecate and drop the old one later still.

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
    message = "create the members table",
)]
pub mod create_members {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("members", [
            column("id", BigInt).primary_key(),
            column("email", Varchar(255)).not_null(),
        ]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("members");
    }
}

#[migration(
    revision = "20250103_000000",
    down_revision = "20250102_000000",
    message = "copy users into the members table",
)]
pub mod copy_users_to_members {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.execute("INSERT INTO members (id, email) SELECT id, email FROM users");
    }

    pub fn downgrade(op: &mut Ops) {
        op.execute("DELETE FROM members WHERE id IN (SELECT id FROM users)");
    }
}

#[migration(
    revision = "20250104_000000",
    down_revision = "20250103_000000",
    message = "deprecate the users table",
)]
pub mod deprecate_users {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.deprecate_table("users");
    }

    pub fn downgrade(_op: &mut Ops) {}
}

#[migration(
    revision = "20250105_000000",
    down_revision = "20250104_000000",
    message = "drop the users table",
)]
pub mod drop_users {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.drop_table("users");
    }

    pub fn downgrade(op: &mut Ops) {
        op.create_table("users", [
            column("id", BigInt).primary_key().autoincrement(),
            column("email", Varchar(255)).not_null(),
            column("username", Varchar(50)).not_null(),
        ]);
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    create_users,
    create_members,
    copy_users_to_members,
    deprecate_users,
    drop_users,
];

fn main() {}
