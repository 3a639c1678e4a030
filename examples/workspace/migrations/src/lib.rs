//! The workspace example's schema history: one file per migration beside
//! this one, declared here and listed in `migrations!` (`new` does both).
//!
//! The set and Diesel's schema at head live in this crate, apart from the
//! application, so that Cargo, which rebuilds a dependency only when its
//! files change, expands `migrations!` again only when a migration changes.

pub mod m20250301_090000_create_users;
pub mod m20250302_090000_create_notes;
pub mod m20250303_090000_unique_user_email;
pub mod m20250304_090000_add_notes_pinned;

/// The database the application and `migrate` use when neither
/// `--database-url` nor `DATABASE_URL` names one: an SQLite file in the
/// working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://godwit-workspace-example.db";

godwit::migrations! {
    /// Every migration of the application, checked at compile time.
    pub static MIGRATIONS;
    /// Diesel's schema at head, from the migrations: the application's
    /// queries name `migrations::schema::users`.
    pub mod schema;
    backends = [postgres, mysql, mariadb, sqlite];
    m20250301_090000_create_users::create_users,
    m20250302_090000_create_notes::create_notes,
    m20250303_090000_unique_user_email::unique_user_email,
    m20250304_090000_add_notes_pinned::add_notes_pinned,
}
