use godwit::migration;

#[migration(
    revision = "20250302_090000",
    down_revision = "20250301_090000",
    message = "create the notes table"
)]
pub mod create_notes {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "notes",
            [
                column("id", BigInt).primary_key().autoincrement(),
                column("user_id", BigInt)
                    .not_null()
                    .references("users", "id"),
                column("body", Text).not_null(),
                column("created_at", Timestamp)
                    .not_null()
                    .server_default(now()),
            ],
        );
        op.create_index("idx_notes_user_id", "notes", ["user_id"]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("idx_notes_user_id", "notes");
        op.drop_table("notes");
    }
}
