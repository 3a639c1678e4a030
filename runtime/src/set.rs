//! The ordered, checked set of migrations built by `migrations![..]`.

use crate::Migration;

/// Every migration of an application, in chain order (base first), as checked
/// at compile time by [`migrations!`](crate::migrations).
///
/// ```ignore
/// pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
///     migrations::m0001_create_users::create_users,
///     migrations::m0002_add_bio::add_bio,
/// ];
/// ```
#[derive(Clone, Copy, Debug)]
pub struct MigrationSet {
    migrations: &'static [&'static Migration],
}

impl MigrationSet {
    /// Built by `migrations![..]`, which has already ordered and checked the chain.
    #[doc(hidden)]
    pub const fn __from_ordered(migrations: &'static [&'static Migration]) -> Self {
        MigrationSet { migrations }
    }

    /// The migrations, base first.
    pub fn migrations(&self) -> &'static [&'static Migration] {
        self.migrations
    }

    /// How many migrations the set holds.
    pub fn len(&self) -> usize {
        self.migrations.len()
    }

    /// Whether the set holds no migration.
    pub fn is_empty(&self) -> bool {
        self.migrations.is_empty()
    }

    /// The revision of the last migration.
    pub fn head(&self) -> Option<&'static str> {
        self.migrations.last().map(|m| &*m.revision)
    }

    /// The revision of the first migration.
    pub fn base(&self) -> Option<&'static str> {
        self.migrations.first().map(|m| &*m.revision)
    }

    /// The migration with this revision.
    pub fn get(&self, revision: &str) -> Option<&'static Migration> {
        self.migrations
            .iter()
            .copied()
            .find(|m| m.revision == revision)
    }

    /// The position of a revision in the chain (0 for the base).
    pub fn position(&self, revision: &str) -> Option<usize> {
        self.migrations.iter().position(|m| m.revision == revision)
    }
}
