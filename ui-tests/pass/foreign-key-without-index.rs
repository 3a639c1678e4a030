//! The same foreign key with its index; and one on a small table where the
//! hint is turned off with `allow`.

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
    message = "create the posts table",
)]
pub mod create_posts {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("posts", [
            column("id", BigInt).primary_key(),
            column("author_id", BigInt).not_null().references("users", "id"),
        ]);
        op.create_index("idx_posts_author_id", "posts", ["author_id"]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("idx_posts_author_id", "posts");
        op.drop_table("posts");
    }
}

#[migration(
    revision = "20250103_000000",
    down_revision = "20250102_000000",
    message = "create the post flags table",
    allow = ["foreign-key-without-index"],
)]
pub mod create_post_flags {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("post_flags", [
            column("id", BigInt).primary_key(),
            column("post_id", BigInt).not_null().references("posts", "id"),
        ]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("post_flags");
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    create_users,
    create_posts,
    create_post_flags,
];

fn main() {}
