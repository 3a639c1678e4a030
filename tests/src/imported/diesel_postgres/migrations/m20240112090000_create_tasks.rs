// Imported from diesel: fixtures/import/diesel/2024-01-12-090000_create_tasks
use godwit::migration;

#[migration(
    revision = "20240112090000",
    down_revision = "20240110120000",
    message = "create tasks (diesel migration 20240112090000)",
    imported = "diesel"
)]
pub mod create_tasks {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "tasks",
            [
                column("id", Integer).primary_key().serial(),
                column("project_id", Integer)
                    .not_null()
                    .references("projects", "id")
                    .on_delete(Action::Cascade),
                column("title", VarcharUnbounded).not_null(),
                column("done", Boolean).not_null().server_default(false),
                column("due_on", Date),
            ],
        );
        op.create_index("tasks_project_id_idx", "tasks", ["project_id"]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("tasks");
    }
}
