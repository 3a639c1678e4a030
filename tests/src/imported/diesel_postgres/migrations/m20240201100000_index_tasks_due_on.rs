// Imported from diesel: fixtures/import/diesel/2024-02-01-100000_index_tasks_due_on
use godwit::migration;

#[migration(
    revision = "20240201100000",
    down_revision = "20240112090000",
    message = "index tasks due on",
    imported = "diesel",
    transaction = false
)]
pub mod index_tasks_due_on {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_index("tasks_due_on_idx", "tasks", ["due_on"])
            .concurrently()
            .where_("NOT done");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("tasks_due_on_idx", "tasks").concurrently();
    }
}
