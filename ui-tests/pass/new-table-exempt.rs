//! A table created in a migration is new: no running code uses it, so the
//! migration may index it, reference from it, alter, fill and update it
//! without any rule firing.

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
    message = "create and fill the orders table",
)]
pub mod create_orders {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("orders", [
            column("id", BigInt).primary_key(),
            column("user_id", BigInt).not_null().references("users", "id"),
            column("total", Integer),
        ]);
        op.add_column("orders", column("status", Varchar(20)).not_null());
        op.add_column("orders", column("code", Varchar(20)).unique());
        op.alter_column("orders", "total").set_type(BigInt).nullable(false);
        op.rename_column("orders", "total", "total_cents");
        op.create_index("idx_orders_user_id", "orders", ["user_id"]);
        op.create_index("idx_orders_status", "orders", ["status"]).where_("status <> 'done'");
        op.create_check_constraint("orders_total_positive", "orders", "total_cents >= 0");
        op.execute("INSERT INTO orders (id, user_id, total_cents, status) SELECT id, id, 0, 'new' FROM users");
        op.execute("UPDATE orders SET status = 'open'");
        op.backfill("orders", "code = status");
        op.drop_column("orders", "code");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("orders");
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    create_users,
    create_orders,
];

fn main() {}
