// Imported from refinery: fixtures/import/refinery/V5__create_tags.sql
use godwit::migration;

#[migration(
    revision = "5",
    down_revision = "4",
    message = "create tags (refinery migration 5)",
    imported = "refinery",
    irreversible = "imported from refinery, which has no down migration for it"
)]
pub mod create_tags {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "tags",
            [
                column("id", Integer).primary_key(),
                column("name", Varchar(50)).not_null().unique(),
            ],
        );
        op.create_table(
            "article_tags",
            [
                column("article_id", Integer)
                    .primary_key()
                    .references("articles", "id")
                    .on_delete(Action::Cascade),
                column("tag_id", Integer)
                    .primary_key()
                    .references("tags", "id"),
            ],
        );
    }
}
