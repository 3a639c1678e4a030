//! Refreshed CONCURRENTLY, over its unique index; or without, where a
//! blocked read is said to be fine.

use godwit::migration;

#[migration(revision = "20250101_000000", message = "create the users table")]
pub mod create_users {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("users", [
            column("id", BigInt).primary_key().autoincrement(),
            column("email", Varchar(255)).not_null(),
            column("karma", Integer).not_null().server_default(0),
        ]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("users");
    }
}

#[migration(
    revision = "20250102_000000",
    down_revision = "20250101_000000",
    message = "count the users by karma",
)]
pub mod create_karma_counts {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_materialized_view("karma_counts", "SELECT karma, count(*) AS n FROM users GROUP BY karma")
            .with_no_data();
        op.create_index("karma_counts_karma", "karma_counts", ["karma"]).unique();
        op.refresh_materialized_view("karma_counts");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_materialized_view("karma_counts");
    }
}

#[migration(
    revision = "20250103_000000",
    down_revision = "20250102_000000",
    message = "refresh the karma counts",
)]
pub mod refresh_karma_counts {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.refresh_materialized_view("karma_counts").concurrently();
        op.safety_assured("only the nightly report reads it", |op| {
            op.refresh_materialized_view("karma_counts");
        });
    }

    pub fn downgrade(_op: &mut Ops) {}
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    backends = [postgres];
    create_users,
    create_karma_counts,
    refresh_karma_counts,
];

fn main() {}
