//! Dropping a column, and a table, that a view still reads; dropping a
//! function that a trigger still runs.

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
    message = "list the active users",
)]
pub mod create_active_users {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_view("active_users", "SELECT id, email FROM users WHERE karma > 0");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_view("active_users");
    }
}

#[migration(
    revision = "20250103_000000",
    down_revision = "20250102_000000",
    message = "drop the karma of users",
)]
pub mod drop_karma {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.safety_assured("karma is read by nothing any more", |op| op.drop_column("users", "karma"));
    }

    pub fn downgrade(op: &mut Ops) {
        op.add_column("users", column("karma", Integer).not_null().server_default(0));
    }
}

#[migration(
    revision = "20250104_000000",
    down_revision = "20250103_000000",
    message = "drop the users table",
    irreversible = "the users are gone for good",
)]
pub mod drop_users {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.safety_assured("no code reads users any more", |op| {
            op.drop_table("users");
        });
    }
}

#[migration(
    revision = "20250105_000000",
    down_revision = "20250104_000000",
    message = "stamp each account on update",
)]
pub mod stamp_accounts {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("accounts", [
            column("id", BigInt).primary_key(),
            column("updated_at", TimestampTz),
        ]);
        op.create_function(
            "stamp()",
            "RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$",
        );
        op.create_trigger("accounts_stamp", "accounts", "BEFORE UPDATE", "FOR EACH ROW EXECUTE FUNCTION stamp()");
        op.drop_function("stamp()");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("accounts");
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    backends = [postgres];
    create_users,
    create_active_users,
    drop_karma,
    drop_users,
    stamp_accounts,
];

fn main() {}
