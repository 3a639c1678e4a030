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
