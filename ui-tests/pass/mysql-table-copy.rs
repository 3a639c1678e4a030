//! The same check on a table known to be small: the copy is short, and the
//! migration says so.

use godwit::migration;

#[migration(revision = "20250101_000000", message = "create the accounts table")]
pub mod create_accounts {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("accounts", [
            column("id", BigInt).primary_key(),
            column("balance", BigInt).not_null().server_default(0),
        ]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("accounts");
    }
}

#[migration(
    revision = "20250102_000000",
    down_revision = "20250101_000000",
    message = "check that balances are not negative",
)]
pub mod check_balance {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.safety_assured("accounts holds a few hundred rows: MySQL copies it in milliseconds", |op| {
            op.create_check_constraint("accounts_balance_floor", "accounts", "balance >= 0")
                .not_valid();
        });
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_constraint("accounts_balance_floor", "accounts");
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    backends = [postgres, mysql];
    create_accounts,
    check_balance,
];

fn main() {}
