//! Each migration has its own revision: a timestamp of when it was written.

#[godwit::migration(revision = "20250101_090000", message = "create the users table")]
pub mod create_users {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("users", [column("id", BigInt).primary_key()]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("users");
    }
}
#[godwit::migration(revision = "20250102_090000", down_revision = "20250101_090000", message = "add users.bio column")]
pub mod add_bio {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column("users", column("bio", Text));
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("users", "bio");
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![create_users, add_bio];

fn main() {}
