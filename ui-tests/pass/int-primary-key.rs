//! A 64-bit primary key; a 32-bit one on a lookup table that stays
//! small, with the hint turned off by `allow`; and a 1:1 extension of that
//! table, keyed by a foreign key to its key, which can only be as wide.

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
    message = "create the tags table",
)]
pub mod create_tags {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("tags", [
            column("id", BigInt).primary_key().autoincrement(),
            column("name", Varchar(50)).not_null(),
        ]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("tags");
    }
}

#[migration(
    revision = "20250103_000000",
    down_revision = "20250102_000000",
    message = "create the countries lookup table",
    allow = ["int-primary-key"],
)]
pub mod create_countries {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("countries", [
            column("id", SmallInt).primary_key(),
            column("code", Char(2)).not_null().unique(),
        ]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("countries");
    }
}

#[migration(
    revision = "20250104_000000",
    down_revision = "20250103_000000",
    message = "create the country_flags table",
)]
pub mod create_country_flags {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("country_flags", [
            column("country_id", SmallInt).primary_key().references("countries", "id"),
            column("emoji", Varchar(8)).not_null(),
        ]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("country_flags");
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    create_users,
    create_tags,
    create_countries,
    create_country_flags,
];

fn main() {}
