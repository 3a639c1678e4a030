//! Two branches written at the same time, put in order before they ship:
//! the avatar migration now follows the bio one.

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
#[godwit::migration(revision = "0002_bio", down_revision = "0001", message = "add users.bio column")]
pub mod add_bio {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column("users", column("bio", Text));
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("users", "bio");
    }
}
#[godwit::migration(revision = "0002_avatar", down_revision = "0002_bio", message = "add users.avatar_url column")]
pub mod add_avatar {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column("users", column("avatar_url", Text));
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("users", "avatar_url");
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![create_users, add_avatar, add_bio];

fn main() {
    assert_eq!(MIGRATIONS.head(), Some("0002_avatar"));
}
