//! A column with a per-row default added to an existing table; and one
//! whose default calls a function godwit does not know, which is volatile
//! unless declared otherwise.

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
    message = "add the users.api_token column",
)]
pub mod add_api_token {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column("users", column("api_token", Uuid).server_default(sql("gen_random_uuid()")));
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("users", "api_token");
    }
}

#[migration(
    revision = "20250103_000000",
    down_revision = "20250102_000000",
    message = "add the users.invite_code column",
)]
pub mod add_invite_code {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column("users", column("invite_code", Text).server_default(sql("random_string(26)")));
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("users", "invite_code");
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    create_users,
    add_api_token,
    add_invite_code,
];

fn main() {}
