// Imported from sqlx: fixtures/import/sqlx/mariadb/20240105093000_create_customers.up.sql
use godwit::migration;

#[migration(
    revision = "20240105093000",
    message = "create customers (sqlx migration 20240105093000)",
    imported = "sqlx"
)]
pub mod create_customers {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "customers",
            [
                column("id", BigInt).primary_key().autoincrement(),
                column("email", Varchar(255)).not_null(),
                column("name", Varchar(100)).not_null(),
                column("created_at", Timestamp)
                    .not_null()
                    .server_default(sql("CURRENT_TIMESTAMP(6)")),
            ],
        );
        op.execute(r#"CREATE UNIQUE INDEX customers_email_key ON customers (email)"#);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("customers");
    }
}
