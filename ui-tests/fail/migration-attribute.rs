//! The attribute's arguments: required, literal, known.

#[godwit::migration(message = "create the users table", author = "me")]
pub mod no_revision {
    use godwit::dsl::*;
    pub fn upgrade(op: &mut Ops) {
        op.create_table("users", [column("id", BigInt).primary_key()]);
    }
    pub fn downgrade(op: &mut Ops) {
        op.drop_table("users");
    }
}

const REV: &str = "0002";

#[godwit::migration(revision = REV, message = "create the posts table", allow = ["rename-column", "no-such-rule"])]
pub mod computed_revision {
    use godwit::dsl::*;
    pub fn upgrade(op: &mut Ops) {
        op.create_table("posts", [column("id", BigInt).primary_key()]);
    }
    pub fn downgrade(op: &mut Ops) {
        op.drop_table("posts");
    }
}

#[godwit::migration(revision = "0003", message = "create the tags table", irreversible = "tags are never removed")]
pub mod irreversible_with_downgrade {
    use godwit::dsl::*;
    pub fn upgrade(op: &mut Ops) {
        op.create_table("tags", [column("id", BigInt).primary_key()]);
    }
    pub fn downgrade(op: &mut Ops) {
        op.drop_table("tags");
    }
}

#[godwit::migration(revision = "0004", message = "create the things table")]
pub mod file_module;

fn main() {}
