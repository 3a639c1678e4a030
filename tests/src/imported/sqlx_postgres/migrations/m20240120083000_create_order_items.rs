// Imported from sqlx: fixtures/import/sqlx/postgres/20240120083000_create_order_items.up.sql
use godwit::migration;

#[migration(
    revision = "20240120083000",
    down_revision = "20240115101500",
    message = "create order items",
    imported = "sqlx"
)]
pub mod create_order_items {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "order_items",
            [
                column("order_id", BigInt)
                    .primary_key()
                    .references("orders", "id")
                    .on_delete(Action::Cascade),
                column("line", Integer).primary_key(),
                column("sku", Varchar(40)).not_null(),
                column("quantity", Integer).not_null().server_default(1),
                column("unit_cents", Integer).not_null(),
            ],
        )
        .check("order_items_quantity_check", "quantity > 0");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("order_items");
    }
}
