use godwit::migration;

// Built concurrently, so that writes to users go on while it builds; alone
// in its migration because that cannot run inside a transaction.
#[migration(
    revision = "20250303_090000",
    down_revision = "20250302_090000",
    message = "add unique index on users.email"
)]
pub mod unique_user_email {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_index("idx_users_email", "users", ["email"])
            .unique()
            .concurrently();
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("idx_users_email", "users").concurrently();
    }
}
