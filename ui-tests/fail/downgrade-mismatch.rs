//! The downgrade drops one of the two columns the upgrade added; the
//! downgrade of a dropped table re-creates it without one of its indexes;
//! and a downgrade that undoes nothing, with every difference listed.

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
    message = "add users.bio and users.status columns",
)]
pub mod add_bio_and_status {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column("users", column("bio", Text));
        op.add_column("users", column("status", Varchar(20)).not_null().server_default("active"));
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("users", "status");
    }
}

#[migration(
    revision = "20250103_000000",
    down_revision = "20250102_000000",
    message = "create the sessions table",
)]
pub mod create_sessions {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("sessions", [
            column("id", BigInt).primary_key().autoincrement(),
            column("user_id", BigInt).not_null(),
            column("token", Varchar(64)).not_null(),
        ]);
        op.create_index("idx_sessions_token", "sessions", ["token"]).unique();
        op.create_index("idx_sessions_user_id", "sessions", ["user_id"]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("sessions");
    }
}

#[migration(
    revision = "20250104_000000",
    down_revision = "20250103_000000",
    message = "deprecate the sessions table",
)]
pub mod deprecate_sessions {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.deprecate_table("sessions");
    }

    pub fn downgrade(_op: &mut Ops) {}
}

#[migration(
    revision = "20250105_000000",
    down_revision = "20250104_000000",
    message = "drop the deprecated sessions table",
)]
pub mod drop_sessions {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.drop_table("sessions");
    }

    pub fn downgrade(op: &mut Ops) {
        op.create_table("sessions", [
            column("id", BigInt).primary_key().autoincrement(),
            column("user_id", BigInt).not_null(),
            column("token", Varchar(64)).not_null(),
        ]);
        op.create_index("idx_sessions_token", "sessions", ["token"]).unique();
    }
}

#[migration(
    revision = "20250106_000000",
    down_revision = "20250105_000000",
    message = "create the posts table and count posts per user",
)]
pub mod create_posts {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("posts", [
            column("id", BigInt).primary_key().autoincrement(),
            column("title", Text).not_null(),
        ]);
        op.add_column("users", column("post_count", BigInt).not_null().server_default(0));
    }

    pub fn downgrade(_op: &mut Ops) {}
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    create_users,
    add_bio_and_status,
    create_sessions,
    deprecate_sessions,
    drop_sessions,
    create_posts,
];

fn main() {}
