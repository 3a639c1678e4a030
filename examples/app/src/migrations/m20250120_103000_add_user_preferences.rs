use godwit::migration;

#[migration(
    revision = "20250120_103000",
    down_revision = "20250119_090000",
    message = "add user preferences table"
)]
pub mod add_user_preferences_table {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "user_preferences",
            [
                column("id", BigInt).primary_key().autoincrement(),
                column("user_id", BigInt)
                    .not_null()
                    .references("users", "id"),
                column("theme", Varchar(20)).server_default("light"),
                column("notifications_enabled", Boolean)
                    .not_null()
                    .server_default(true),
                column("created_at", Timestamp).server_default(now()),
                column("updated_at", Timestamp),
            ],
        );
        op.create_index(
            "idx_user_preferences_user_id",
            "user_preferences",
            ["user_id"],
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("idx_user_preferences_user_id", "user_preferences");
        op.drop_table("user_preferences");
    }
}
