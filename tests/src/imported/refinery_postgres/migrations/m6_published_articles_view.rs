// Imported from refinery: fixtures/import/refinery/V6__published_articles_view.sql
use godwit::migration;

#[migration(
    revision = "6",
    down_revision = "5",
    message = "published articles view",
    imported = "refinery",
    irreversible = "imported from refinery, which has no down migration for it"
)]
pub mod published_articles_view {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_view("published_articles", "SELECT a.id, a.title, a.slug, au.handle AS author FROM articles a JOIN authors au ON au.id = a.author_id WHERE a.published");
    }
}
