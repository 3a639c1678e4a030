// Imported from refinery: fixtures/import/refinery/V1__create_authors.sql
use godwit::migration;

#[migration(
    revision = "1",
    message = "create authors (refinery migration 1)",
    imported = "refinery",
    irreversible = "imported from refinery, which has no down migration for it"
)]
pub mod create_authors {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "authors",
            [
                column("id", Integer).primary_key(),
                column("handle", Varchar(40)).not_null().unique(),
                column("display_name", Varchar(100)).not_null(),
                column("joined_on", Date)
                    .not_null()
                    .server_default(sql("CURRENT_DATE")),
            ],
        );
    }
}
