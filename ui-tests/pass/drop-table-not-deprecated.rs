//! Two deploys: the table is deprecated, then dropped by a later migration.

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
    message = "create the sessions table",
)]
pub mod create_sessions {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("sessions", [column("id", BigInt).primary_key(), column("token", Text).not_null()]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("sessions");
    }
}

#[migration(
    revision = "20250103_000000",
    down_revision = "20250102_000000",
    message = "deprecate the sessions table",
)]
pub mod deprecate_sessions {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.deprecate_table("sessions");
    }

    pub fn downgrade(_op: &mut Ops) {}
}

#[migration(
    revision = "20250104_000000",
    down_revision = "20250103_000000",
    message = "drop the sessions table",
)]
pub mod drop_sessions {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.drop_table("sessions");
    }

    pub fn downgrade(op: &mut Ops) {
        op.create_table("sessions", [column("id", BigInt).primary_key(), column("token", Text).not_null()]);
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    create_users,
    create_sessions,
    deprecate_sessions,
    drop_sessions,
];

fn main() {}
