// Imported from refinery: fixtures/import/refinery/V10__add_author_bio.sql
use godwit::migration;

#[migration(
    revision = "10",
    down_revision = "7",
    message = "add author bio",
    imported = "refinery",
    irreversible = "imported from refinery, which has no down migration for it"
)]
pub mod add_author_bio {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column("authors", column("bio", Text));
        op.execute(
            r#"UPDATE authors SET bio = 'Wrote the first published program.' WHERE handle = 'ada'"#,
        );
    }
}
