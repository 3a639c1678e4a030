// Imported from sqlx: fixtures/import/sqlx/postgres/20240201120000_index_orders_by_status.up.sql
use godwit::migration;

#[migration(
    revision = "20240201120000",
    down_revision = "20240120083000",
    message = "index orders by status",
    imported = "sqlx",
    transaction = false
)]
pub mod index_orders_by_status {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_index(
            "orders_status_placed_at_idx",
            "orders",
            ["status", "placed_at"],
        )
        .concurrently();
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("orders_status_placed_at_idx", "orders")
            .concurrently();
    }
}
