//! Names are quoted when rendered; an empty one cannot be (said by
//! the migration attribute), and one longer than a backend of the set keeps cannot
//! be either (said by the set: PostgreSQL keeps 63 bytes of a name).

#[godwit::migration(revision = "0001", message = "create the users table")]
pub mod create_users {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("users", [
            column("id", BigInt).primary_key(),
            column("", Text),
        ]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("users");
    }
}

#[godwit::migration(revision = "0001", message = "create the accounts table")]
pub mod create_accounts {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("accounts", [column("id", BigInt).primary_key()]);
        op.create_index(
            "idx_accounts_on_a_name_that_goes_on_and_on_far_past_what_postgres_keeps",
            "accounts",
            ["id"],
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("accounts");
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    backends = [postgres, sqlite];
    create_accounts,
];

fn main() {}
