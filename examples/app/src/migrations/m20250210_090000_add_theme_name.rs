use godwit::migration;

// Changing user_preferences.theme from Varchar(20) to Text without a table
// rewrite, step 1: a new column of the new type.
#[migration(
    revision = "20250210_090000",
    down_revision = "20250206_090000",
    message = "add user_preferences.theme_name text column"
)]
pub mod add_theme_name {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column(
            "user_preferences",
            column("theme_name", Text).server_default("light"),
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("user_preferences", "theme_name");
    }
}
