//! The type words refuse what makes no sense, each at the option at fault:
//! a `.using(..)` not right after `.set_type(..)`, `.stored()` of a column
//! that is not generated, a generated column with a default, `.serial()` of
//! a column that is not an integer, and an enum value listed twice.

#[godwit::migration(revision = "0001", message = "create the orders table")]
pub mod create_orders {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_enum("status", ["new", "paid", "new"]);
        op.create_table("orders", [
            column("id", Text).primary_key().serial(),
            column("price", Integer).not_null(),
            column("total", Integer).stored(),
            column("double", Integer).generated("price * 2").stored().server_default(0),
        ]);
        op.alter_column("orders", "price").using("price::bigint").set_type(BigInt);
        op.add_enum_value("status", "sent").before("new").after("paid");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("orders");
        op.drop_enum("status");
    }
}

fn main() {}
