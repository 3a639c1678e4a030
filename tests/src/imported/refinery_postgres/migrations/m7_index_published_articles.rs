// Imported from refinery: fixtures/import/refinery/V7__index_published_articles.sql
use godwit::migration;

#[migration(
    revision = "7",
    down_revision = "6",
    message = "index published articles",
    imported = "refinery",
    transaction = false,
    irreversible = "imported from refinery, which has no down migration for it"
)]
pub mod index_published_articles {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_index("articles_published_idx", "articles", ["published", "id"]);
    }
}
