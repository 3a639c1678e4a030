//! A migration module without `fn upgrade` does nothing.

#[godwit::migration(revision = "0001", message = "create the users table")]
pub mod create_users {
    use godwit::dsl::*;

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("users");
    }
}

fn main() {}
