//! Every form of literal argument the checker reads, and the same ops built
//! by running the bodies as Rust.

#[godwit::migration(revision = "0001", message = "create the accounts table")]
pub mod create_accounts {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("accounts", [
            column("id", BigInt).primary_key().autoincrement(),
            column("owner", Varchar(100)).not_null().unique(),
            column("balance", Numeric(12, 2)).not_null().server_default(0),
            column("overdraft", Integer).server_default(-500),
            column("rate", Double).server_default(1.5),
            column("active", Boolean).server_default(true),
            column("opened_at", TimestampTz).server_default(now()),
            column("token", Uuid).server_default(sql("gen_random_uuid()")),
            column("kind", Char(1)).server_default("p"),
            column("settings", Json),
        ])
        .unique(["owner", "kind"])
        .check("accounts_balance_positive", "balance >= overdraft");
        op.create_table("entries", [
            column("id", BigInt).primary_key(),
            column("account_id", BigInt).not_null(),
            column("amount", Numeric(12, 2)).not_null(),
        ]);
        op.create_foreign_key("entries_account_fk", "entries", ["account_id"], "accounts", ["id"])
            .on_delete(Action::Cascade);
        op.create_index("idx_entries_account_id", "entries", &["account_id"]);
        op.create_index("idx_entries_nonzero", "entries", ["amount"]).where_("amount <> 0");
        op.safety_assured("both tables are created by this migration", |op| {
            op.backfill("entries", "amount = 0").where_("amount IS NULL").batch_size(100);
        });
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("idx_entries_nonzero", "entries");
        op.drop_index("idx_entries_account_id", "entries");
        op.drop_table("entries");
        op.drop_table("accounts");
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![create_accounts];

fn main() {
    let mut ops = godwit::dsl::Ops::new();
    create_accounts::upgrade(&mut ops);
    assert_eq!(ops.ops(), &create_accounts::MIGRATION.upgrade[..]);
    let mut ops = godwit::dsl::Ops::new();
    create_accounts::downgrade(&mut ops);
    assert_eq!(ops.ops(), &create_accounts::MIGRATION.downgrade[..]);
}
