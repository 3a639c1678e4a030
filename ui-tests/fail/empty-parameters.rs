//! A body or closure without its parameter is reported at its empty
//! parentheses or bars, not at the attribute; a stray `;` runs nothing and
//! is accepted.

#[godwit::migration(revision = "0001", message = "create the users table")]
pub mod create_users {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("users", [column("id", BigInt).primary_key()]);;
        op.safety_assured("the table is new", || {});
    }

    pub fn downgrade() {}
}

fn main() {}
