use godwit::migration;

// Step 2: copy the values in batches.
#[migration(
    revision = "20250210_090500",
    down_revision = "20250210_090000",
    message = "backfill user_preferences.theme_name from theme"
)]
pub mod backfill_theme_name {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.backfill("user_preferences", "theme_name = theme")
            .where_("theme IS NOT NULL");
    }

    pub fn downgrade(op: &mut Ops) {
        op.backfill("user_preferences", "theme_name = 'light'");
    }
}
