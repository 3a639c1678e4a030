//! Widening a column that a view reads, in a set that runs on PostgreSQL,
//! which refuses to change the type of a column under a view.

use godwit::migration;

#[migration(revision = "20250101_000000", message = "create the users table")]
pub mod create_users {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("users", [
            column("id", BigInt).primary_key().autoincrement(),
            column("name", Varchar(50)).not_null(),
        ]);
        op.create_view("user_names", "SELECT id, name FROM users");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_view("user_names");
        op.drop_table("users");
    }
}

#[migration(
    revision = "20250102_000000",
    down_revision = "20250101_000000",
    message = "widen the names of users",
)]
pub mod widen_user_names {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.safety_assured("users is small", |op| {
            op.alter_column("users", "name").set_type(Varchar(200));
        });
    }

    pub fn downgrade(op: &mut Ops) {
        op.safety_assured("users is small", |op| {
            op.alter_column("users", "name").set_type(Varchar(50));
        });
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    backends = [postgres, sqlite];
    create_users,
    widen_user_names,
];

fn main() {}
