// Imported from diesel: fixtures/import/diesel/2024-02-15-080000_add_task_priority
use godwit::migration;

#[migration(
    revision = "20240215080000",
    down_revision = "20240201100000",
    message = "add task priority",
    imported = "diesel",
    irreversible = "imported from diesel: its down migration does not undo it (upgrade adds column `tasks.priority`; downgrade never drops it)"
)]
pub mod add_task_priority {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column(
            "tasks",
            column("priority", SmallInt).not_null().server_default(0),
        );
        op.execute(r#"UPDATE tasks SET priority = 1 WHERE due_on IS NOT NULL"#);
    }

    // The original down migration, which does not undo the upgrade:
    // mend it, uncomment it and remove `irreversible`, or keep the
    // migration one-way.
    // pub fn downgrade(op: &mut Ops) {
    //     op.execute(r#"-- Keeps the column: the reports read it.
    //     UPDATE tasks SET priority = 0"#);
    // }
}
