//! Add the column without a default, set the default (new rows only), and
//! fill the existing rows in batches in a later migration. A default that
//! calls a function declared STABLE is evaluated once: `safety_assured`
//! says so.

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
        op.add_column("users", column("api_token", Uuid));
        op.alter_column("users", "api_token").server_default(sql("gen_random_uuid()"));
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("users", "api_token");
    }
}

#[migration(
    revision = "20250103_000000",
    down_revision = "20250102_000000",
    message = "give every existing user an api token",
)]
pub mod backfill_api_token {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.backfill("users", "api_token = gen_random_uuid()").where_("api_token IS NULL");
    }

    pub fn downgrade(_op: &mut Ops) {}
}

#[migration(
    revision = "20250104_000000",
    down_revision = "20250103_000000",
    message = "add the users.region column",
)]
pub mod add_region {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.safety_assured("default_region() is declared STABLE: one value for the whole statement", |op| {
            op.add_column("users", column("region", Text).server_default(sql("default_region()")));
        });
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("users", "region");
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    create_users,
    add_api_token,
    backfill_api_token,
    add_region,
];

fn main() {}
