//! History imported from another tool (`imported = "diesel"`) already ran:
//! the compatibility and performance rules pass over it (a column dropped
//! without being deprecated, a 32-bit key, an index built without
//! CONCURRENTLY), while the structural rules still apply. A migration the
//! tool ran outside a transaction says `transaction = false`.

use godwit::migration;

#[migration(
    revision = "20150101000000",
    message = "create users (diesel migration 20150101000000)",
    imported = "diesel",
)]
pub mod create_users {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("users", [
            column("id", Integer).primary_key().serial(),
            column("email", VarcharUnbounded).not_null(),
            column("nickname", Text),
        ]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("users");
    }
}

#[migration(
    revision = "20150102000000",
    down_revision = "20150101000000",
    message = "drop the nickname and index the emails",
    imported = "diesel",
    transaction = false,
)]
pub mod drop_nickname {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.drop_column("users", "nickname");
        op.create_index("users_email", "users", ["email"]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("users_email", "users");
        op.add_column("users", column("nickname", Text));
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    backends = [postgres];
    create_users,
    drop_nickname,
];

fn main() {
    assert!(!MIGRATIONS.migrations()[1].transaction);
    assert_eq!(MIGRATIONS.migrations()[0].imported.as_deref(), Some("diesel"));
}
