//! The new value is added; the code writes it; the rows move to it in a later migration.

use godwit::migration;

#[migration(revision = "20250101_000000", message = "create the users table with a mood")]
pub mod create_users {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_enum("mood", ["sad", "ok", "happy"]);
        op.create_table("users", [
            column("id", BigInt).primary_key().autoincrement(),
            column("username", Varchar(50)).not_null(),
            column("mood", Enum("mood")).not_null().server_default("ok"),
        ]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("users");
        op.drop_enum("mood");
    }
}

#[migration(
    revision = "20250102_000000",
    down_revision = "20250101_000000",
    message = "add the fine mood",
)]
pub mod add_fine {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_enum_value("mood", "fine").after("ok");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_enum_value("mood", "fine");
    }
}

#[migration(
    revision = "20250103_000000",
    down_revision = "20250102_000000",
    message = "make fine the default mood of users",
)]
pub mod default_fine {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.alter_column("users", "mood").server_default("fine");
    }

    pub fn downgrade(op: &mut Ops) {
        op.alter_column("users", "mood").server_default("ok");
    }
}

#[migration(
    revision = "20250104_000000",
    down_revision = "20250103_000000",
    message = "move the rows of users from ok to fine",
)]
pub mod move_rows {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.backfill("users", "mood = 'fine'").where_("mood = 'ok'");
    }

    pub fn downgrade(_op: &mut Ops) {}
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    create_users,
    add_fine,
    default_fine,
    move_rows,
];

fn main() {}
