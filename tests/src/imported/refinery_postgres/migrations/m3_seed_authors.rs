// Imported from refinery: fixtures/import/refinery/V3__seed_authors.sql
use godwit::migration;

#[migration(
    revision = "3",
    down_revision = "2",
    message = "seed authors (refinery migration 3)",
    imported = "refinery",
    irreversible = "imported from refinery, which has no down migration for it"
)]
pub mod seed_authors {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.execute(
            r#"INSERT INTO authors (id, handle, display_name) VALUES
    (1, 'ada', 'Ada Lovelace'),
    (2, 'alan', 'Alan Turing')"#,
        );
        op.execute(
            r#"INSERT INTO articles (id, author_id, title, body, published) VALUES
    (1, 1, 'Notes on the Engine', 'The engine weaves algebraic patterns.', TRUE),
    (2, 2, 'Computable Numbers', 'A draft.', FALSE)"#,
        );
    }
}
