#[godwit::migration(revision = "0002", down_revision = "0001", message = "create the posts table")]
pub mod add_posts {
    use godwit::dsl::*;
    pub fn upgrade(op: &mut Ops) {
        op.create_table("posts", [
            column("id", BigInt).primary_key(),
            column("author_id", BigInt).not_null().references("users", "id"),
            column("body", Text).not_null(),
        ]);
        op.create_index("idx_posts_author_id", "posts", ["author_id"]);
    }
    pub fn downgrade(op: &mut Ops) {
        op.drop_index("idx_posts_author_id", "posts");
        op.drop_table("posts");
    }
}
