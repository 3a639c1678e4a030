use godwit::migration;

// Step 2: copy the old values over, in batches, in a migration of its own so
// no DDL lock is held while rows are updated.
#[migration(
    revision = "20250123_100500",
    down_revision = "20250123_100000",
    message = "backfill users.display_name from username"
)]
pub mod backfill_display_name {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.backfill("users", "display_name = username")
            .where_("display_name IS NULL")
            .batch_size(500);
    }

    pub fn downgrade(op: &mut Ops) {
        op.backfill("users", "display_name = NULL");
    }
}
