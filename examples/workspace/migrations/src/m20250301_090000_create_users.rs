use godwit::migration;

#[migration(revision = "20250301_090000", message = "create the users table")]
pub mod create_users {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "users",
            [
                column("id", BigInt).primary_key().autoincrement(),
                column("email", Varchar(255)).not_null(),
                column("created_at", Timestamp)
                    .not_null()
                    .server_default(now()),
            ],
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("users");
    }
}
