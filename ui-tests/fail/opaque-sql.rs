//! Raw SQL godwit cannot read (a PL/pgSQL block), and raw DDL whose effect
//! on the schema the model does not follow (a storage parameter): valid SQL,
//! but nothing after it sees what it did.

use godwit::migration;

#[migration(revision = "20250101_000000", message = "create the users table")]
pub mod create_users {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("users", [
            column("id", BigInt).primary_key().autoincrement(),
            column("email", Varchar(255)).not_null(),
        ]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("users");
    }
}

#[migration(
    revision = "20250102_000000",
    down_revision = "20250101_000000",
    message = "tune the users table for updates",
)]
pub mod tune_users {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.execute("ALTER TABLE users SET (fillfactor = 70)");
        op.execute("DO $$ BEGIN IF current_setting('server_version_num')::int >= 150000 THEN EXECUTE 'ANALYZE users'; END IF; END $$");
    }

    pub fn downgrade(op: &mut Ops) {
        op.execute("ALTER TABLE users RESET (fillfactor)");
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    create_users,
    tune_users,
];

fn main() {}
