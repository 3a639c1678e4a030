//! The checker must see exactly what will run: no variables, loops,
//! conditions or computed strings in a migration body. Every problem of the
//! migration is reported in the same build.

#[godwit::migration(revision = "0001", message = "create the users table")]
pub mod create_users {
    use godwit::dsl::*;

    const TABLE: &str = "users";

    pub fn upgrade(op: &mut Ops) {
        op.create_table(TABLE, [column("id", BigInt).primary_key()]);
        for name in ["a", "b"] {
            op.add_column("users", column(name, Text));
        }
        op.add_column("users", column("bio", Text).server_default(concat!("a", "b")));
        let size = 20;
        op.add_column("users", column("nick", Varchar(size)));
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("users");
    }
}



// A #[cfg] would make the compiled body and the checked ops differ.
#[godwit::migration(revision = "0002", down_revision = "0001", message = "add the users.ghost column")]
pub mod conditional_column {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        #[cfg(any())]
        op.add_column("users", column("ghost", BigInt));
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("users", "ghost");
    }
}
fn main() {}
