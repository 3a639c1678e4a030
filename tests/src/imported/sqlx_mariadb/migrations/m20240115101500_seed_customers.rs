// Imported from sqlx: fixtures/import/sqlx/mariadb/20240115101500_seed_customers.up.sql
use godwit::migration;

#[migration(
    revision = "20240115101500",
    down_revision = "20240112140000",
    message = "seed customers (sqlx migration 20240115101500)",
    imported = "sqlx"
)]
pub mod seed_customers {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.execute(
            r#"-- The accounts the support team uses for testing in every environment.
INSERT INTO customers (email, name) VALUES
    ('ada@example.com', 'Ada Lovelace'),
    ('grace@example.com', 'Grace Hopper'),
    ('edsger@example.com', 'Edsger Dijkstra')"#,
        );
        op.execute(
            r#"INSERT INTO orders (customer_id, status, total_cents)
SELECT id, 'paid', 4200 FROM customers WHERE email = 'ada@example.com'"#,
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.execute(r#"DELETE FROM orders WHERE customer_id IN (SELECT id FROM customers WHERE email LIKE '%@example.com')"#);
        op.execute(r#"DELETE FROM customers WHERE email LIKE '%@example.com'"#);
    }
}
