// Imported from sqlx: fixtures/import/sqlx/postgres/20240105094500_create_orders.up.sql
use godwit::migration;

#[migration(
    revision = "20240105094500",
    down_revision = "20240105093000",
    message = "create orders (sqlx migration 20240105094500)",
    imported = "sqlx"
)]
pub mod create_orders {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "orders",
            [
                column("id", BigInt).primary_key().serial(),
                column("customer_id", BigInt)
                    .not_null()
                    .references("customers", "id"),
                column("status", Varchar(20))
                    .not_null()
                    .server_default("new"),
                column("total_cents", Integer).not_null().server_default(0),
                column("placed_at", Timestamp),
            ],
        );
        op.create_index("orders_customer_id_idx", "orders", ["customer_id"]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("orders");
    }
}
