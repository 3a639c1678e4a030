//! Names every backend quotes but one refuses: a character outside the
//! Basic Multilingual Plane (MySQL and MariaDB), a table or index named
//! `sqlite_..` (SQLite), godwit's own version table.

use godwit::migration;

#[migration(revision = "0001", message = "create the reactions table")]
pub mod create_reactions {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("reactions", [
            column("id", BigInt).primary_key(),
            column("thumbs_👍", Integer),
        ]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("reactions");
    }
}

#[migration(revision = "0002", message = "create the statistics tables")]
pub mod create_statistics {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("sqlite_statistics", [column("id", BigInt).primary_key()]);
        op.create_table("godwit_version", [column("id", BigInt).primary_key()]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("godwit_version");
        op.drop_table("sqlite_statistics");
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![create_statistics];

fn main() {}
