// A second branch written at the same time as add_bio, on the same parent.
#[godwit::migration(
    revision = "0002_avatar",
    down_revision = "0001",
    message = "add users.avatar_url column"
)]
pub mod add_avatar {
    use godwit::dsl::*;
    pub fn upgrade(op: &mut Ops) {
        op.add_column("users", column("avatar_url", Text));
    }
    pub fn downgrade(op: &mut Ops) {
        op.drop_column("users", "avatar_url");
    }
}
