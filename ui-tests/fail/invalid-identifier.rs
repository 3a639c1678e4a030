//! Names are quoted when rendered; an empty name, or one longer than
//! PostgreSQL keeps (63 bytes), cannot be.

#[godwit::migration(revision = "0001", message = "create the users table")]
pub mod create_users {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("users", [
            column("id", BigInt).primary_key(),
            column("", Text),
        ]);
        op.create_index(
            "idx_users_on_a_name_that_goes_on_and_on_far_past_what_postgres_keeps",
            "users",
            ["id"],
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("users");
    }
}

fn main() {}
