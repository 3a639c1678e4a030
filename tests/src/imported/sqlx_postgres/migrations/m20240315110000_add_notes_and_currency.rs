// Imported from sqlx: fixtures/import/sqlx/postgres/20240315110000_add_notes_and_currency.up.sql
use godwit::migration;

#[migration(
    revision = "20240315110000",
    down_revision = "20240301091500",
    message = "add notes and currency",
    imported = "sqlx",
    irreversible = "imported from sqlx: its down migration does not undo it (upgrade adds column `orders.currency`; downgrade never drops it)"
)]
pub mod add_notes_and_currency {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column("customers", column("notes", Text));
        op.add_column(
            "orders",
            column("currency", Char(3)).not_null().server_default("EUR"),
        );
    }

    // The original down migration, which does not undo the upgrade:
    // mend it, uncomment it and remove `irreversible`, or keep the
    // migration one-way.
    // pub fn downgrade(op: &mut Ops) {
    //     op.drop_column("customers", "notes");
    // }
}
