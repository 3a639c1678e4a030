use godwit::migration;

// Step 3, a later deploy: the application no longer reads or writes
// username. Deprecating makes it nullable, so the current release's inserts
// (which leave it out) work.
#[migration(
    revision = "20250130_090000",
    down_revision = "20250123_100500",
    message = "deprecate users.username column"
)]
pub mod deprecate_username {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.deprecate_column("users", "username");
    }

    pub fn downgrade(op: &mut Ops) {
        op.alter_column("users", "username").nullable(false);
    }
}
