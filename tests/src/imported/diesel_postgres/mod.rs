//! `import diesel fixtures/import/diesel --dialect postgres` (tests/fixtures/import/diesel),
//! as the import wrote it.

// The modules the import wrote, one per original migration.
mod migrations;

/// The imported history, in the order diesel applied it.
pub static SET: godwit::MigrationSet = godwit::migrations![
    backends = [postgres];
    migrations::m00000000000000_diesel_initial_setup::diesel_initial_setup,
    migrations::m20240110120000_create_projects::create_projects,
    migrations::m20240112090000_create_tasks::create_tasks,
    migrations::m20240201100000_index_tasks_due_on::index_tasks_due_on,
    migrations::m20240215080000_add_task_priority::add_task_priority,
];
