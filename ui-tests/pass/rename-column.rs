//! Seed scenario: the expand/contract path, as separate migrations: add
//! `display_name`, backfill it, and (later) deprecate and drop `username`.

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
    message = "add the users.display_name column",
)]
pub mod add_display_name {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column("users", column("display_name", Varchar(50)));
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("users", "display_name");
    }
}

#[migration(
    revision = "20250103_000000",
    down_revision = "20250102_000000",
    message = "copy username into users.display_name",
)]
pub mod backfill_display_name {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.backfill("users", "display_name = username").where_("display_name IS NULL");
    }

    pub fn downgrade(_op: &mut Ops) {}
}

#[migration(
    revision = "20250104_000000",
    down_revision = "20250103_000000",
    message = "deprecate the users.username column",
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

#[migration(
    revision = "20250105_000000",
    down_revision = "20250104_000000",
    message = "drop the users.username column",
)]
pub mod drop_username {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.drop_column("users", "username");
    }

    pub fn downgrade(op: &mut Ops) {
        op.add_column("users", column("username", Varchar(50)));
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    create_users,
    add_display_name,
    backfill_display_name,
    deprecate_username,
    drop_username,
];

fn main() {}
