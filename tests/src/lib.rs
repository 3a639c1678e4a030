//! The migrations and helpers shared by godwit's integration tests.
//!
//! [`MIGRATIONS`] is a small application's history written the safe way:
//! new tables freely; on existing tables nullable columns or defaults, a
//! concurrent index alone in its migration, foreign keys and checks added
//! `NOT VALID` and validated in a later migration, seed data and a batched
//! backfill in migrations of their own, a column deprecated before it is
//! dropped. [`corpus`] is a longer one, 114 migrations in two histories,
//! each with the plain SQL a team would have written instead. [`histories`]
//! writes random ones, each op paired with its inverse, for the property
//! that what the checker accepts applies. [`imported`] holds histories
//! sqlx, refinery and diesel_migrations wrote, as `godwit::import` wrote
//! them, and [`old_tools`] migrates a database the way those tools do.

pub mod corpus;
pub mod dumps;
pub mod fault_migrations;
pub mod fleet_targets;
pub mod histories;
pub mod hostile_migrations;
pub mod imported;
pub mod inject;
pub mod key_migrations;
pub mod migrations;
pub mod object_migrations;
pub mod old_tools;
pub mod processes;
pub mod report;
pub mod testdb;
pub mod type_migrations;

pub use fault_migrations::{FAULTS, FAULTS_EDITED, LONG_BACKFILL};
pub use hostile_migrations::HOSTILE;
pub use key_migrations::{EXPRESSION_KEYS, KEYS, POSTGRES_INDEXES};
pub use migrations::{
    BACKFILL, BASE_ONLY, CHECKS, EDITED, EVERY_OP, FAILING, IRREVERSIBLE, MIGRATIONS,
    POSTGRES_TYPES, RAW_SQL, RAW_SQL_POSTGRES, SLOW_ON_POSTGRES,
};
pub use object_migrations::{
    COMMENTS, EXTENSIONS, IF_EXISTS, MATERIALIZED_VIEWS, TRIGGERS_MYSQL, TRIGGERS_POSTGRES,
    TRIGGERS_SQLITE, VIEWS,
};
pub use testdb::{Backend, TestDb};
pub use type_migrations::{ENUMS, GENERATED, SERIAL, USING, VIRTUAL};
