//! A default on a TEXT column, in a set that must run on any MySQL 8.0
//! (from 8.0.12, the oldest godwit applies migrations on),
//! which takes none there.

use godwit::migration;

#[migration(revision = "20250101_000000", message = "create the notes table")]
pub mod create_notes {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("notes", [
            column("id", BigInt).primary_key(),
            column("body", Text).not_null().server_default(""),
        ]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("notes");
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    backends = [mysql >= 8.0, sqlite];
    create_notes,
];

fn main() {}
