use godwit::migration;

// Step 3, a later deploy: reads switched to theme_name.
#[migration(
    revision = "20250217_090000",
    down_revision = "20250210_090500",
    message = "deprecate user_preferences.theme column"
)]
pub mod deprecate_theme {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.deprecate_column("user_preferences", "theme");
    }

    // theme was nullable already: undoing the deprecation mark changes no schema.
    pub fn downgrade(_op: &mut Ops) {}
}
