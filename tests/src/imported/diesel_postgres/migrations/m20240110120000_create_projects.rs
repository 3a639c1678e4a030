// Imported from diesel: fixtures/import/diesel/2024-01-10-120000_create_projects
use godwit::migration;

#[migration(
    revision = "20240110120000",
    down_revision = "00000000000000",
    message = "create projects (diesel migration 20240110120000)",
    imported = "diesel"
)]
pub mod create_projects {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "projects",
            [
                column("id", Integer).primary_key().serial(),
                column("name", VarcharUnbounded).not_null(),
                column("archived", Boolean).not_null().server_default(false),
                column("created_at", Timestamp)
                    .not_null()
                    .server_default(sql("now()")),
                column("updated_at", Timestamp)
                    .not_null()
                    .server_default(sql("now()")),
            ],
        );
        op.create_trigger(
            "set_updated_at",
            "projects",
            "BEFORE UPDATE",
            "FOR EACH ROW EXECUTE PROCEDURE diesel_set_updated_at()",
        );
        op.execute(r#"INSERT INTO projects (name) VALUES ('Inbox')"#);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("projects");
    }
}
