//! The example application's schema history: the expand/contract patterns
//! godwit checks, as a team would write them.

pub mod app;
pub mod migrations;

use migrations::*;

godwit::migrations! {
    /// Every migration of the application, checked at compile time.
    pub static MIGRATIONS;
    /// Diesel's schema at head, from the migrations: no hand-written
    /// `table!`, and a column a migration deprecates is gone from it.
    pub mod schema;
    // The example runs on every backend; the schema has PostgreSQL's
    // types, the first of these (the same Diesel types on each, here).
    backends = [postgres, mysql, mariadb, sqlite];
    m20250119_090000_create_users::create_users,
    m20250120_103000_add_user_preferences::add_user_preferences_table,
    m20250121_140000_add_user_bio_and_status::add_user_bio_and_status,
    m20250122_090000_unique_user_email::unique_user_email,
    m20250123_100000_add_display_name::add_display_name,
    m20250123_100500_backfill_display_name::backfill_display_name,
    m20250130_090000_deprecate_username::deprecate_username,
    m20250206_090000_drop_username::drop_username,
    m20250210_090000_add_theme_name::add_theme_name,
    m20250210_090500_backfill_theme_name::backfill_theme_name,
    m20250217_090000_deprecate_theme::deprecate_theme,
    m20250224_090000_drop_theme::drop_theme,
}
