// Imported from sqlx: fixtures/import/sqlx/postgres/20240301091500_backfill_placed_at.up.sql
use godwit::migration;

#[migration(
    revision = "20240301091500",
    down_revision = "20240210160000",
    message = "backfill placed at",
    imported = "sqlx"
)]
pub mod backfill_placed_at {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.execute(
            r#"-- Orders paid before checkout recorded the time.
UPDATE orders SET placed_at = CURRENT_TIMESTAMP WHERE placed_at IS NULL AND status = 'paid'"#,
        );
    }

    pub fn downgrade(_op: &mut Ops) {}
}
