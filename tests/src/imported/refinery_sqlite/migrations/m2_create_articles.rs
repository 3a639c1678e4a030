// Imported from refinery: fixtures/import/refinery/V2__create_articles.sql
use godwit::migration;

#[migration(
    revision = "2",
    down_revision = "1",
    message = "create articles (refinery migration 2)",
    imported = "refinery",
    irreversible = "imported from refinery, which has no down migration for it"
)]
pub mod create_articles {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "articles",
            [
                column("id", Integer).primary_key(),
                column("author_id", Integer)
                    .not_null()
                    .references("authors", "id"),
                column("title", Varchar(200)).not_null(),
                column("body", Text).not_null().server_default(""),
                column("published", Boolean)
                    .not_null()
                    .server_default(false),
            ],
        );
        op.create_index("articles_author_id_idx", "articles", ["author_id"]);
    }
}
