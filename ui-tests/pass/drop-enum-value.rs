//! A value is removed by the downgrade of the migration that added it; an
//! upgrade removes one only inside `safety_assured`, once nothing writes it.

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
    message = "add the excited mood",
)]
pub mod add_excited {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_enum_value("mood", "excited");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_enum_value("mood", "excited");
    }
}

#[migration(
    revision = "20250103_000000",
    down_revision = "20250102_000000",
    message = "remove the sad mood no code writes",
)]
pub mod remove_sad {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.safety_assured("no released code writes sad, and no row holds it (checked)", |op| {
            op.drop_enum_value("mood", "sad");
        });
    }

    pub fn downgrade(op: &mut Ops) {
        op.add_enum_value("mood", "sad").before("ok");
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    create_users,
    add_excited,
    remove_sad,
];

fn main() {}
