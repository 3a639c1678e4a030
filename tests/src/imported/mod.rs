//! Histories another tool wrote, imported: the files under
//! `tests/fixtures/import/` (sqlx's, refinery's and diesel_migrations' own
//! layout) run through `godwit::import`, one set per tool and backend. Each
//! directory here is what the import wrote, untouched;
//! `tests/tests/imported_modules.rs` imports the fixtures again and fails
//! when the two part (it says how to write them again), and
//! `tests/tests/adopting.rs` adopts databases the old tools migrated.

use godwit::import::Tool;
use godwit::{Dialect, MigrationSet};

pub mod diesel_postgres;
pub mod refinery_postgres;
pub mod refinery_sqlite;
pub mod sqlx_mariadb;
pub mod sqlx_postgres;

/// One imported history: where its original is, how it was imported, and
/// the set it became.
#[derive(Debug)]
pub struct ImportedHistory {
    /// The directory under `tests/src/imported/` (and the module's name).
    pub name: &'static str,
    /// The tool that wrote the original.
    pub tool: Tool,
    /// The original's directory, relative to the tests crate.
    pub fixture: &'static str,
    /// The SQL dialect the original is written in.
    pub dialect: Dialect,
    /// The set the import wrote.
    pub set: &'static MigrationSet,
}

/// Every imported history.
pub static HISTORIES: [ImportedHistory; 5] = [
    ImportedHistory {
        name: "sqlx_postgres",
        tool: Tool::Sqlx,
        fixture: "fixtures/import/sqlx/postgres",
        dialect: Dialect::Postgres,
        set: &sqlx_postgres::SET,
    },
    ImportedHistory {
        name: "sqlx_mariadb",
        tool: Tool::Sqlx,
        fixture: "fixtures/import/sqlx/mariadb",
        dialect: Dialect::Mysql,
        set: &sqlx_mariadb::SET,
    },
    ImportedHistory {
        name: "refinery_sqlite",
        tool: Tool::Refinery,
        fixture: "fixtures/import/refinery",
        dialect: Dialect::Sqlite,
        set: &refinery_sqlite::SET,
    },
    ImportedHistory {
        name: "refinery_postgres",
        tool: Tool::Refinery,
        fixture: "fixtures/import/refinery",
        dialect: Dialect::Postgres,
        set: &refinery_postgres::SET,
    },
    ImportedHistory {
        name: "diesel_postgres",
        tool: Tool::Diesel,
        fixture: "fixtures/import/diesel",
        dialect: Dialect::Postgres,
        set: &diesel_postgres::SET,
    },
];

/// The file the import starts from: an empty set, which the import fills
/// and gives its backends.
pub fn seed(history: &ImportedHistory) -> String {
    format!(
        "//! `import {tool} {fixture} --dialect {dialect}` (tests/{fixture}),\n\
         //! as the import wrote it.\n\
         \n\
         // The modules the import wrote, one per original migration.\n\
         mod migrations;\n\
         \n\
         /// The imported history, in the order {tool} applied it.\n\
         pub static SET: godwit::MigrationSet = godwit::migrations![];\n",
        tool = history.tool,
        fixture = history.fixture,
        dialect = history.dialect,
    )
}
