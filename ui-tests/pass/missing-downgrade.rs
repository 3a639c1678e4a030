//! A downgrade that undoes the upgrade, or `irreversible = "why"` without one.

#[godwit::migration(revision = "0001", message = "create the users table")]
pub mod create_users {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("users", [column("id", BigInt).primary_key()]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("users");
    }
}

#[godwit::migration(
    revision = "0002",
    down_revision = "0001",
    message = "delete the seeded demo users",
    irreversible = "deleted rows cannot be brought back"
)]
pub mod delete_demo_users {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.execute("DELETE FROM users WHERE id < 100");
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![create_users, delete_demo_users];

fn main() {}
