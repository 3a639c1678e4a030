//! Every migration has an upgrade and a downgrade that undoes it.

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
#[godwit::migration(revision = "0002", down_revision = "0001", message = "add users.bio column")]
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

fn main() {
    assert_eq!(MIGRATIONS.len(), 2);
}
