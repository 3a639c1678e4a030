//! The key's columns NOT NULL, its index built concurrently, alone; then the
//! key takes the index over.

use godwit::migration;

#[migration(revision = "20250101_000000", message = "create the events table without a key")]
pub mod create_events {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("events", [
            column("id", BigInt).not_null(),
            column("source", Varchar(40)).not_null(),
        ]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("events");
    }
}

#[migration(
    revision = "20250102_000000",
    down_revision = "20250101_000000",
    message = "build the unique index of the events key",
)]
pub mod index_event_key {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_index("events_source_id", "events", ["source", "id"]).unique().concurrently();
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("events_source_id", "events").concurrently();
    }
}

#[migration(
    revision = "20250103_000000",
    down_revision = "20250102_000000",
    message = "key events by source and id",
)]
pub mod key_events {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_primary_key("events_pkey", "events", ["source", "id"])
            .using_index("events_source_id");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_constraint("events_pkey", "events");
        op.create_index("events_source_id", "events", ["source", "id"]).unique();
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    create_events,
    index_event_key,
    key_events,
];

fn main() {}
