//! The head of `migrations!`'s item form, misspelled: a module without
//! `mod`, no static, a static with a type of its own.

use godwit::migration;

#[migration(revision = "20250101_000000", message = "create the users table")]
pub mod create_users {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("users", [
            column("id", BigInt).primary_key().autoincrement(),
            column("email", Varchar(255)).not_null(),
        ]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("users");
    }
}

mod misspelled_mod {
    godwit::migrations! {
        pub static MIGRATIONS;
        pub mdo schema;
        super::create_users,
    }
}

mod no_static {
    godwit::migrations! {
        pub mod schema;
        super::create_users,
    }
}

mod typed_static {
    godwit::migrations! {
        pub static MIGRATIONS: godwit::MigrationSet;
        super::create_users,
    }
}

fn main() {}
