// Imported from sqlx: fixtures/import/sqlx/postgres/20240210160000_customer_order_totals.up.sql
use godwit::migration;

#[migration(
    revision = "20240210160000",
    down_revision = "20240201120000",
    message = "customer order totals",
    imported = "sqlx"
)]
pub mod customer_order_totals {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_view("customer_order_totals", "SELECT c.id AS customer_id, c.email, COUNT(o.id) AS orders, COALESCE(SUM(o.total_cents), 0) AS total_cents FROM customers c LEFT JOIN orders o ON o.customer_id = c.id GROUP BY c.id, c.email");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_view("customer_order_totals");
    }
}
