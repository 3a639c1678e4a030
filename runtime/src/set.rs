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
    /// The backend and the text of Diesel's schema at head, when the item
    /// form of `migrations!` emitted it (`pub mod schema;`).
    diesel_schema: Option<(&'static str, &'static str)>,
}

#[derive(Clone, Copy, Debug)]
enum Source {
    Models(&'static [&'static Migration]),
    /// As `migrations![..]` builds it: the embedded descriptors, and the
    /// place (a `static` beside the set) where their models are listed the
    /// first time they are asked for.
    Embedded(
        &'static [EmbeddedMigration],
        &'static OnceLock<Vec<&'static Migration>>,
    ),
}

impl MigrationSet {
    /// A set of migrations already in chain order, base first.
    #[doc(hidden)]
    pub const fn __from_ordered(migrations: &'static [&'static Migration]) -> Self {
        MigrationSet {
            source: Source::Models(migrations),
            diesel_schema: None,
        }
    }

    /// Built by `migrations![..]`, which has already ordered and checked the chain.
    #[doc(hidden)]
    pub const fn __from_embedded(
        migrations: &'static [EmbeddedMigration],
        models: &'static OnceLock<Vec<&'static Migration>>,
    ) -> Self {
        MigrationSet {
            source: Source::Embedded(migrations, models),
            diesel_schema: None,
        }
    }

    /// The set, with the Diesel schema the item form of `migrations!`
    /// emitted beside it: the backend whose types it uses, and its text.
    #[doc(hidden)]
    pub const fn __with_diesel_schema(self, backend: &'static str, text: &'static str) -> Self {
        MigrationSet {
            source: self.source,
            diesel_schema: Some((backend, text)),
        }
    }

    /// Diesel's schema at head as the item form of
    /// [`migrations!`](crate::migrations) emitted it into the module it
    /// declares (`pub mod schema;`): the name of the backend whose types it
    /// uses (`postgres`, `mysql`, `mariadb`, `sqlite`) and the text. `None`
    /// for a set that did not ask for it.
    pub fn diesel_schema(&self) -> Option<(&'static str, &'static str)> {
        self.diesel_schema
    }

    /// The migrations, base first.
    pub fn migrations(&self) -> &'static [&'static Migration] {
        match self.source {
            Source::Models(migrations) => migrations,
            Source::Embedded(embedded, models) => {
                // Read once per set, kept for the process.
                models.get_or_init(|| {
                    embedded
                        .iter()
                        .map(|m| &*Box::leak(Box::new(m.read())))
                        .collect()
                })
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
