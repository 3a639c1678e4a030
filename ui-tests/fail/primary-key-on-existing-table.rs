//! A primary key added to an existing table: its index built under a lock,
//! and a nullable column made NOT NULL.

use godwit::migration;

#[migration(revision = "20250101_000000", message = "create the events table without a key")]
pub mod create_events {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("events", [
            column("id", BigInt).not_null(),
            column("source", Varchar(40)),
        ]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("events");
    }
}

#[migration(
    revision = "20250102_000000",
    down_revision = "20250101_000000",
    message = "key events by source and id",
)]
pub mod key_events {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_primary_key("events_pkey", "events", ["source", "id"]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_constraint("events_pkey", "events");
        op.alter_column("events", "source").nullable(true);
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    create_events,
    key_events,
];

fn main() {}
