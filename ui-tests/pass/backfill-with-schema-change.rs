//! The schema change in one migration, the backfill in the next.

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

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    create_users,
    add_display_name,
    backfill_display_name,
];

fn main() {}
