//! Following down_revision from 0002 leads back to 0002.

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

#[godwit::migration(revision = "0002", down_revision = "0003", message = "create the posts table")]
pub mod create_posts {
    use godwit::dsl::*;
    pub fn upgrade(op: &mut Ops) {
        op.create_table("posts", [column("id", BigInt).primary_key()]);
    }
    pub fn downgrade(op: &mut Ops) {
        op.drop_table("posts");
    }
}

#[godwit::migration(revision = "0003", down_revision = "0002", message = "create the tags table")]
pub mod create_tags {
    use godwit::dsl::*;
    pub fn upgrade(op: &mut Ops) {
        op.create_table("tags", [column("id", BigInt).primary_key()]);
    }
    pub fn downgrade(op: &mut Ops) {
        op.drop_table("tags");
    }
}

pub static MIGRATIONS: godwit::MigrationSet =
    godwit::migrations![create_users, create_posts, create_tags];

fn main() {}
