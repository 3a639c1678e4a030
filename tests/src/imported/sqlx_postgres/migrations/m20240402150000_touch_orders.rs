// Imported from sqlx: fixtures/import/sqlx/postgres/20240402150000_touch_orders.up.sql
use godwit::migration;

#[migration(
    revision = "20240402150000",
    down_revision = "20240315110000",
    message = "touch orders (sqlx migration 20240402150000)",
    imported = "sqlx"
)]
pub mod touch_orders {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column(
            "orders",
            column("updated_at", Timestamp)
                .not_null()
                .server_default(now()),
        );
        op.create_function("orders_touch()", "RETURNS trigger AS $$\nBEGIN\n    NEW.updated_at := CURRENT_TIMESTAMP;\n    RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql");
        op.create_trigger(
            "orders_touch",
            "orders",
            "BEFORE UPDATE",
            "FOR EACH ROW EXECUTE FUNCTION orders_touch()",
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_trigger("orders_touch", "orders");
        op.drop_function("orders_touch()");
        op.drop_column("orders", "updated_at");
    }
}
