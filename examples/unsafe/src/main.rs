//! Every migration after the first is a pattern that breaks the running
//! version of an application or stalls production traffic. `cargo build`
//! refuses each one; README.md shows what it prints.

use godwit::migration;

#[migration(revision = "0001", message = "create the users table")]
pub mod create_users {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("users", [
            column("id", BigInt).primary_key().autoincrement(),
            column("email", Varchar(255)).not_null(),
            column("username", Varchar(50)).not_null(),
            column("age", Integer),
            column("legacy_flag", Boolean),
        ]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("users");
    }
}

// The running version inserts users without this column.
#[migration(revision = "0002", down_revision = "0001", message = "add users.required_field column")]
pub mod add_required_field {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column("users", column("required_field", Text).not_null());
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("users", "required_field");
    }
}

// The running version still reads and writes legacy_flag.
#[migration(revision = "0003", down_revision = "0002", message = "drop users.legacy_flag column")]
pub mod drop_legacy_flag {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.drop_column("users", "legacy_flag");
    }

    pub fn downgrade(op: &mut Ops) {
        op.add_column("users", column("legacy_flag", Boolean));
    }
}

// The running version uses the old name.
#[migration(revision = "0004", down_revision = "0003", message = "rename users.username to display_name")]
pub mod rename_username {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.rename_column("users", "username", "display_name");
    }

    pub fn downgrade(op: &mut Ops) {
        op.rename_column("users", "display_name", "username");
    }
}

// All three steps of an expand/contract in one deploy: the running version
// still inserts users without nickname, and the backfill holds the DDL lock.
#[migration(revision = "0005", down_revision = "0004", message = "add and require users.nickname in one step")]
pub mod require_nickname {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column("users", column("nickname", Varchar(50)));
        op.backfill("users", "nickname = email");
        op.alter_column("users", "nickname").nullable(false);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("users", "nickname");
    }
}

// A type change in place rewrites the table under an exclusive lock.
#[migration(revision = "0006", down_revision = "0005", message = "widen users.age to bigint in place")]
pub mod widen_age {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.alter_column("users", "age").set_type(BigInt);
    }

    pub fn downgrade(op: &mut Ops) {
        op.alter_column("users", "age").set_type(Integer);
    }
}

// A plain CREATE INDEX blocks writes to users for the whole build.
#[migration(revision = "0007", down_revision = "0006", message = "add unique index on users.email")]
pub mod unique_email {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_index("idx_users_email", "users", ["email"]).unique();
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("idx_users_email", "users");
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    create_users,
    add_required_field,
    drop_legacy_flag,
    rename_username,
    require_nickname,
    widen_age,
    unique_email,
];

fn main() {
    println!("{} migrations", MIGRATIONS.len());
}
