// Imported from sqlx: fixtures/import/sqlx/mariadb/20240112140000_add_customer_phone.up.sql
use godwit::migration;

#[migration(
    revision = "20240112140000",
    down_revision = "20240105094500",
    message = "add customer phone",
    imported = "sqlx"
)]
pub mod add_customer_phone {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column("customers", column("phone", Varchar(30)));
        op.execute(
            r#"ALTER TABLE customers ADD COLUMN marketing_opt_in BOOLEAN NOT NULL DEFAULT FALSE"#,
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("customers", "marketing_opt_in");
        op.drop_column("customers", "phone");
    }
}
