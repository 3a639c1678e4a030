use godwit::migration;

// Step 4: the old column goes.
#[migration(
    revision = "20250224_090000",
    down_revision = "20250217_090000",
    message = "drop deprecated user_preferences.theme column"
)]
pub mod drop_theme {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.drop_column("user_preferences", "theme");
    }

    pub fn downgrade(op: &mut Ops) {
        op.add_column(
            "user_preferences",
            column("theme", Varchar(20)).server_default("light"),
        );
    }
}
