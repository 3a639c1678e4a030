//! The example of the design page: two migrations and their set.

use godwit::migration;

#[migration(revision = "20250119_090000", message = "create the users table")]
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
    revision = "20250120_103000",
    down_revision = "20250119_090000",
    message = "add user preferences table",
)]
pub mod add_user_preferences_table {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("user_preferences", [
            column("id", BigInt).primary_key(),
            column("user_id", BigInt).not_null().references("users", "id"),
            column("theme", Varchar(20)).server_default("light"),
            column("notifications_enabled", Boolean).server_default(true),
            column("created_at", Timestamp).server_default(now()),
            column("updated_at", Timestamp),
        ]);
        op.create_index("idx_user_preferences_user_id", "user_preferences", ["user_id"]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("idx_user_preferences_user_id", "user_preferences");
        op.drop_table("user_preferences");
    }
}

// Listed out of order on purpose: the set is ordered by the chain.
pub static MIGRATIONS: godwit::MigrationSet =
    godwit::migrations![add_user_preferences_table, create_users];

fn main() {
    let revisions: Vec<&str> = MIGRATIONS.migrations().iter().map(|m| &*m.revision).collect();
    assert_eq!(revisions, ["20250119_090000", "20250120_103000"]);
    assert_eq!(MIGRATIONS.head(), Some("20250120_103000"));

    // What the checker saw is what the body builds when run as Rust.
    let mut ops = godwit::dsl::Ops::new();
    add_user_preferences_table::upgrade(&mut ops);
    assert_eq!(ops.ops(), &add_user_preferences_table::MIGRATION.upgrade[..]);
    assert_eq!(add_user_preferences_table::MIGRATION.checksum.len(), 32);
}
