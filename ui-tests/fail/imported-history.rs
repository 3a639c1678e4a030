//! Imported history is spared the compatibility rules, not the structural
//! ones: an op on a table that does not exist is still an error.

use godwit::migration;

#[migration(
    revision = "20150101000000",
    message = "add a column to a table never created",
    imported = "diesel",
)]
pub mod add_bio {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column("users", column("bio", Text));
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("users", "bio");
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    backends = [postgres];
    add_bio,
];

fn main() {}
