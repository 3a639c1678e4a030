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

fn main() {
    assert_eq!("idx_a_name_of_exactly_sixty_three_bytes_for_postgres_xxxxxxxxxx".len(), 63);
}
