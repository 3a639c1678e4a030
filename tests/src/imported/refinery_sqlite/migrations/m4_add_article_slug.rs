// Imported from refinery: fixtures/import/refinery/V4__add_article_slug.sql
use godwit::migration;

#[migration(
    revision = "4",
    down_revision = "3",
    message = "add article slug",
    imported = "refinery",
    irreversible = "imported from refinery, which has no down migration for it"
)]
pub mod add_article_slug {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column("articles", column("slug", Varchar(200)));
        op.execute(r#"UPDATE articles SET slug = LOWER(REPLACE(title, ' ', '-'))"#);
        op.create_index("articles_slug_key", "articles", ["slug"])
            .unique();
    }
}
