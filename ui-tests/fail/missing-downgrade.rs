//! A migration without `fn downgrade` cannot be undone.

#[godwit::migration(revision = "0001", message = "create the users table")]
pub mod create_users {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("users", [column("id", BigInt).primary_key()]);
    }
}

fn main() {}
