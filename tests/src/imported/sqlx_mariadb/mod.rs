//! `import sqlx fixtures/import/sqlx/mariadb --dialect mysql` (tests/fixtures/import/sqlx/mariadb),
//! as the import wrote it.

// The modules the import wrote, one per original migration.
mod migrations;

/// The imported history, in the order sqlx applied it.
pub static SET: godwit::MigrationSet = godwit::migrations![
    backends = [mysql, mariadb];
    migrations::m20240105093000_create_customers::create_customers,
    migrations::m20240105094500_create_orders::create_orders,
    migrations::m20240112140000_add_customer_phone::add_customer_phone,
    migrations::m20240115101500_seed_customers::seed_customers,
    migrations::m20240120083000_create_order_items::create_order_items,
    migrations::m20240201120000_index_orders_by_status::index_orders_by_status,
    migrations::m20240210160000_customer_order_totals::customer_order_totals,
    migrations::m20240301091500_backfill_placed_at::backfill_placed_at,
    migrations::m20240315110000_add_notes_and_currency::add_notes_and_currency,
    migrations::m20240402150000_touch_orders::touch_orders,
];
