use godwit::migration;

// Both are safe on a live table: the running version never names them, and
// inserts that leave them out get NULL or the default.
#[migration(
    revision = "20250121_140000",
    down_revision = "20250120_103000",
    message = "add users.bio and users.status columns"
)]
pub mod add_user_bio_and_status {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column("users", column("bio", Text));
        op.add_column(
            "users",
            column("status", Varchar(20))
                .not_null()
                .server_default("active"),
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("users", "status");
        op.drop_column("users", "bio");
    }
}
