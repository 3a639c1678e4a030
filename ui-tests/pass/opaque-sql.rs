//! Raw SQL whose effect on the schema godwit does not follow, or that it
//! cannot read, said in `safety_assured` with the reason it is safe.

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
        op.safety_assured("a storage parameter: no column, index or constraint changes", |op| {
            op.execute("ALTER TABLE users SET (fillfactor = 70)");
        });
        op.safety_assured("statistics only: the block runs ANALYZE", |op| {
            op.execute("DO $$ BEGIN IF current_setting('server_version_num')::int >= 150000 THEN EXECUTE 'ANALYZE users'; END IF; END $$");
        });
    }

    pub fn downgrade(op: &mut Ops) {
        op.safety_assured("a storage parameter: no column, index or constraint changes", |op| {
            op.execute("ALTER TABLE users RESET (fillfactor)");
        });
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    create_users,
    tune_users,
];

fn main() {}
