//! The ordered, checked set of migrations built by `migrations![..]`.

use std::sync::OnceLock;

use godwit_core::EmbeddedMigration;

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
    source: Source,
}

#[derive(Clone, Copy, Debug)]
enum Source {
    Models(&'static [&'static Migration]),
    /// As `migrations![..]` builds it: the embedded descriptors, and the
    /// place (a `static` beside the set) where their models are listed the
    /// first time they are asked for.
    Embedded(
        &'static [&'static EmbeddedMigration],
        &'static OnceLock<Vec<&'static Migration>>,
    ),
}

impl MigrationSet {
    /// A set of migrations already in chain order, base first.
    #[doc(hidden)]
    pub const fn __from_ordered(migrations: &'static [&'static Migration]) -> Self {
        MigrationSet {
            source: Source::Models(migrations),
        }
    }

    /// Built by `migrations![..]`, which has already ordered and checked the chain.
    #[doc(hidden)]
    pub const fn __from_embedded(
        migrations: &'static [&'static EmbeddedMigration],
        models: &'static OnceLock<Vec<&'static Migration>>,
    ) -> Self {
        MigrationSet {
            source: Source::Embedded(migrations, models),
        }
    }

    /// The migrations, base first.
    pub fn migrations(&self) -> &'static [&'static Migration] {
        match self.source {
            Source::Models(migrations) => migrations,
            Source::Embedded(embedded, models) => {
                models.get_or_init(|| embedded.iter().map(|m| m.get()).collect())
            }
        }
    }

    /// How many migrations the set holds.
    pub fn len(&self) -> usize {
        match self.source {
            Source::Models(migrations) => migrations.len(),
            Source::Embedded(embedded, _) => embedded.len(),
        }
    }

    /// The revision and checksum of migration `i`, without reading the
    /// models of an embedded set (a start-up with nothing to do needs no more).
    pub(crate) fn revision_and_checksum(&self, i: usize) -> Option<(&'static str, &'static str)> {
        match self.source {
            Source::Models(migrations) => migrations.get(i).map(|m| (&*m.revision, &*m.checksum)),
            Source::Embedded(embedded, _) => embedded.get(i).map(|m| (m.revision(), m.checksum())),
        }
    }

    /// The revision of migration `i`, without reading the models.
    pub(crate) fn revision(&self, i: usize) -> Option<&'static str> {
        self.revision_and_checksum(i).map(|(revision, _)| revision)
    }

    /// Whether the set holds no migration.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The revision of the last migration.
    pub fn head(&self) -> Option<&'static str> {
        self.revision(self.len().checked_sub(1)?)
    }

    /// The revision of the first migration.
    pub fn base(&self) -> Option<&'static str> {
        self.revision(0)
    }

    /// The migration with this revision.
    pub fn get(&self, revision: &str) -> Option<&'static Migration> {
        self.migrations()
            .iter()
            .copied()
            .find(|m| m.revision == revision)
    }

    /// The position of a revision in the chain: its index, 0 for the base,
    /// as the version table's `position` column records it. (A database at
    /// this revision has `position + 1` migrations applied: a count, never
    /// called a position.)
    pub fn position(&self, revision: &str) -> Option<usize> {
        (0..self.len()).position(|i| self.revision(i) == Some(revision))
    }
}
