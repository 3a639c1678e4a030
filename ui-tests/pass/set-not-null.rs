//! Backfill first; then a NOT VALID check, validated by a further
//! migration; then NOT NULL, which PostgreSQL proves from the check.

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
    message = "check users.display_name is never null",
)]
pub mod check_display_name {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_check_constraint("users_display_name_not_null", "users", "display_name IS NOT NULL").not_valid();
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_constraint("users_display_name_not_null", "users");
    }
}

#[migration(
    revision = "20250105_000000",
    down_revision = "20250104_000000",
    message = "validate the users.display_name check",
)]
pub mod validate_display_name {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.validate_constraint("users_display_name_not_null", "users");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_constraint("users_display_name_not_null", "users");
        op.create_check_constraint("users_display_name_not_null", "users", "display_name IS NOT NULL").not_valid();
    }
}

#[migration(
    revision = "20250106_000000",
    down_revision = "20250105_000000",
    message = "make users.display_name NOT NULL",
)]
pub mod require_display_name {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.alter_column("users", "display_name").nullable(false);
    }

    pub fn downgrade(op: &mut Ops) {
        op.alter_column("users", "display_name").nullable(true);
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    create_users,
    add_display_name,
    backfill_display_name,
    check_display_name,
    validate_display_name,
    require_display_name,
];

fn main() {}
