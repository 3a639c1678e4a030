//! `imported` names where a migration came from, and `transaction` is a
//! boolean: anything else is refused at the argument.

use godwit::migration;

#[migration(
    revision = "20150102000000",
    message = "a migration from an unknown tool",
    imported = "flyway",
    transaction = "no",
)]
pub mod unknown_tool {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.execute("SELECT 1");
    }

    pub fn downgrade(op: &mut Ops) {
        op.execute("SELECT 1");
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![unknown_tool];

fn main() {}
