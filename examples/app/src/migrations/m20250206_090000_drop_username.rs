use godwit::migration;

// Step 4 (contract), one deploy later still: nothing uses username any more.
#[migration(
    revision = "20250206_090000",
    down_revision = "20250130_090000",
    message = "drop deprecated users.username column"
)]
pub mod drop_username {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.drop_column("users", "username");
    }

    pub fn downgrade(op: &mut Ops) {
        op.add_column("users", column("username", Varchar(50)));
    }
}
