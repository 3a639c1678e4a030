//! A foreign key added to an existing table, validated at once.

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
            column("author_id", BigInt),
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
    message = "reference users from posts.author_id",
)]
pub mod posts_author_fk {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_foreign_key("posts_author_id_fkey", "posts", ["author_id"], "users", ["id"]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_constraint("posts_author_id_fkey", "posts");
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    create_users,
    create_posts,
    posts_author_fk,
];

fn main() {}
