//! A stored generated column added to an existing table computes it for every row.

use godwit::migration;

#[migration(revision = "20250101_000000", message = "create the users table")]
pub mod create_users {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("users", [
            column("id", BigInt).primary_key().autoincrement(),
            column("email", Varchar(255)).not_null(),
            column("username", Varchar(50)).not_null(),
        ]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("users");
    }
}

#[migration(
    revision = "20250102_000000",
    down_revision = "20250101_000000",
    message = "add the users.email_domain column",
)]
pub mod add_email_domain {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column(
            "users",
            column("email_domain", Text).generated("split_part(email, '@', 2)").stored(),
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("users", "email_domain");
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    create_users,
    add_email_domain,
];

fn main() {}
