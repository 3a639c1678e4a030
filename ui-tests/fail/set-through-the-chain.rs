//! A set whose paths cannot be followed in the files (a name from a glob
//! import, in a module that also calls a macro, which might declare anything)
//! is checked through the chain of the migrations' export macros: its errors
//! are placed in the migration all the same.

use godwit::migration;

macro_rules! nothing {
    () => {};
}

#[migration(revision = "20250101_000000", message = "create the users table")]
pub mod create_users {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("users", [column("id", BigInt).primary_key().autoincrement()]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("users");
    }
}

#[migration(
    revision = "20250102_000000",
    down_revision = "20250101_000000",
    message = "add users.bio column"
)]
pub mod add_bio {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column("users", column("bio", Text).not_null());
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("users", "bio");
    }
}

mod aliases {
    pub use super::create_users as base;
}

use aliases::*;
nothing!();

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![add_bio, base];

fn main() {}
