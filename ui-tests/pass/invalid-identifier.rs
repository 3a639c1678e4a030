//! Names are quoted on every backend: quotes, semicolons, backticks, spaces,
//! unicode and reserved words are fine, up to 63 bytes.

#[godwit::migration(revision = "0001", message = "create a table with awkward names")]
pub mod awkward_names {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("select", [
            column("id", BigInt).primary_key(),
            column("order", Text),
            column("it's \"quoted\"; `really`", Text),
            column("größe", Integer),
        ]);
        op.create_index("idx_a_name_of_exactly_sixty_three_bytes_for_postgres_xxxxxxxxxx", "select", ["order"]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("idx_a_name_of_exactly_sixty_three_bytes_for_postgres_xxxxxxxxxx", "select");
        op.drop_table("select");
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![awkward_names];

/// MySQL takes 64 characters, SQLite any: a 64-byte name is fine in a set
/// that does not run on PostgreSQL.
#[godwit::migration(revision = "0001", message = "create a table with a long index name")]
pub mod long_name {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("pages", [column("id", BigInt).primary_key(), column("title", Varchar(80))]);
        op.create_index("idx_a_name_of_exactly_sixty_four_bytes_for_mysql_and_sqlite_xxxx", "pages", ["title"]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("pages");
    }
}

pub static NOT_ON_POSTGRES: godwit::MigrationSet = godwit::migrations![
    backends = [mysql, sqlite];
    long_name,
];

fn main() {
    assert_eq!("idx_a_name_of_exactly_sixty_three_bytes_for_postgres_xxxxxxxxxx".len(), 63);
    assert_eq!("idx_a_name_of_exactly_sixty_four_bytes_for_mysql_and_sqlite_xxxx".len(), 64);
}
