//! The names godwit derives for inline constraints (`<table>_<column>_fkey`)
//! must fit too: PostgreSQL would truncate them and MySQL refuse them.

use godwit::migration;

#[migration(revision = "0001", message = "create the notification tables")]
pub mod create_notifications {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("channels", [column("id", BigInt).primary_key()]);
        op.create_table("a_rather_long_table_name_for_customer_notifications", [
            column("id", BigInt).primary_key(),
            column("notification_channel_identifier", BigInt).references("channels", "id"),
        ]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("a_rather_long_table_name_for_customer_notifications");
        op.drop_table("channels");
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![create_notifications];

fn main() {}
