//! The column is added by an earlier migration before its default is set.

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
    message = "add the users.nickname column",
)]
pub mod add_nickname {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column("users", column("nickname", Varchar(50)));
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("users", "nickname");
    }
}

#[migration(
    revision = "20250103_000000",
    down_revision = "20250102_000000",
    message = "default users.nickname to anonymous",
)]
pub mod default_nickname {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.alter_column("users", "nickname").server_default("anonymous");
    }

    pub fn downgrade(op: &mut Ops) {
        op.alter_column("users", "nickname").drop_default();
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    create_users,
    add_nickname,
    default_nickname,
];

fn main() {}
