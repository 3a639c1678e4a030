//! An index over two Varchar(400) columns: 3200 bytes in utf8mb4, over
//! InnoDB's 3072.

use godwit::migration;

#[migration(revision = "20250101_000000", message = "create the users table")]
pub mod create_users {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("users", [
            column("id", BigInt).primary_key().autoincrement(),
            column("first_name", Varchar(400)).not_null(),
            column("last_name", Varchar(400)).not_null(),
        ]);
        op.create_index("idx_users_name", "users", ["last_name", "first_name"]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("idx_users_name", "users");
        op.drop_table("users");
    }
}

pub static MIGRATIO400S: godwit::MigrationSet = godwit::migrations![
    backends = [postgres, mysql];
    create_users,
];

fn main() {}
