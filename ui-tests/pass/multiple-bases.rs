//! Only the first migration has no down_revision.

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
#[godwit::migration(revision = "0002", down_revision = "0001", message = "create the posts table")]
pub mod create_posts {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("posts", [column("id", BigInt).primary_key()]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("posts");
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![create_users, create_posts];

fn main() {}
