//! Adopting a database godwit did not migrate, once, under the migration
//! lock, when godwit's version table has no row:
//!
//! - another tool migrated it: when the set holds migrations imported from
//!   diesel_migrations, sqlx or refinery (`imported = ".."`) and the
//!   database has that tool's history table, the imported migrations the
//!   table lists are recorded as applied, without running them;
//! - nothing did: when the set's first migration is the schema `new
//!   --from-database` found (`imported = "database"`) and the database has
//!   tables, it is recorded as applied if the database holds exactly that
//!   schema, and refused with the first difference otherwise.
//!
//! From then on the database is godwit's; an old table is left as it is.

use godwit_core::Migration;

use super::{version, VersionState};
use crate::database::{text, Database};
use crate::import::{Tool, FROM_DATABASE};
use crate::{Error, MigrationSet};

/// What an adoption recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Adoption {
    /// Where the migrations came from: a tool's name, or `"database"`.
    pub from: &'static str,
    /// The history table read, when a tool migrated the database.
    pub table: Option<&'static str>,
    /// How many migrations were recorded as applied.
    pub recorded: usize,
}

impl MigrationSet {
    /// The tools the set imported migrations from, in chain order.
    pub(super) fn imported_tools(&self) -> Vec<Tool> {
        let mut tools = Vec::new();
        for m in self.migrations() {
            if let Some(tool) = m.imported.as_deref().and_then(Tool::from_name) {
                if !tools.contains(&tool) {
                    tools.push(tool);
                }
            }
        }
        tools
    }

    /// Whether this database should be adopted first: the set imported
    /// migrations, godwit's version table has no row, and an imported-from
    /// tool's table is there. Read without the lock; [`Self::adopt_locked`]
    /// decides again under it.
    pub(super) fn needs_adoption<D: Database + ?Sized>(&self, db: &mut D) -> Result<bool, Error> {
        let tools = self.imported_tools();
        if tools.is_empty() && self.baseline().is_none() {
            return Ok(false);
        }
        if version::exists_in(db)? && !version::read(db)?.is_empty() {
            return Ok(false);
        }
        if self.baseline().is_some() {
            return has_tables(db);
        }
        for tool in tools {
            if version::has_table(db, tool.history_table())? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Records the imported migrations the old tool's table lists, when
    /// godwit's version table (which the caller made sure exists) is empty.
    /// The caller holds the migration lock.
    pub(super) fn adopt_locked<D: Database + ?Sized>(
        &self,
        db: &mut D,
    ) -> Result<Option<Adoption>, Error> {
        if (self.imported_tools().is_empty() && self.baseline().is_none())
            || !version::read(db)?.is_empty()
        {
            return Ok(None);
        }
        if let Some(baseline) = self.baseline() {
            let found = db.introspect()?;
            if found.tables.is_empty() && found.views.is_empty() {
                // An empty database: the baseline runs like any migration.
                return Ok(None);
            }
            self.drift_from(db.dialect(), 1, found)?;
            record(db, &self.migrations()[..1], "database")?;
            tracing::info!(revision = %baseline.revision, "adopted the database: it holds the baseline's schema");
            return Ok(Some(Adoption {
                from: FROM_DATABASE,
                table: None,
                recorded: 1,
            }));
        }
        for tool in self.imported_tools() {
            if !version::has_table(db, tool.history_table())? {
                continue;
            }
            let listed = listed_versions(db, tool)?;
            let recorded = self.record_listed(db, tool, &listed)?;
            tracing::info!(
                tool = tool.name(),
                recorded,
                "adopted the database from its history table"
            );
            return Ok(Some(Adoption {
                from: tool.name(),
                table: Some(tool.history_table()),
                recorded,
            }));
        }
        Ok(None)
    }

    /// Compares the imported migrations with what the table lists and
    /// records them, or refuses with both lists.
    fn record_listed<D: Database + ?Sized>(
        &self,
        db: &mut D,
        tool: Tool,
        listed: &[String],
    ) -> Result<usize, Error> {
        let imported: Vec<(usize, &Migration)> = self
            .migrations()
            .iter()
            .enumerate()
            .filter(|(_, m)| m.imported.as_deref() == Some(tool.name()))
            .map(|(i, m)| (i, *m))
            .collect();
        let not_imported: Vec<String> = listed
            .iter()
            .filter(|v| !imported.iter().any(|(_, m)| *m.revision == ***v))
            .cloned()
            .collect();
        let not_listed: Vec<String> = imported
            .iter()
            .filter(|(_, m)| !listed.iter().any(|v| *v == *m.revision))
            .map(|(_, m)| m.revision.to_string())
            .collect();
        // What is recorded must be the start of the chain: the migrations
        // before the first imported one too (none, for a set that began
        // with the import).
        let count = imported.last().map_or(0, |(i, _)| i + 1);
        let prefix = imported.iter().map(|(i, _)| *i).eq(0..imported.len());
        if !not_imported.is_empty() || !not_listed.is_empty() || !prefix {
            let listed_up_to = imported
                .iter()
                .take_while(|(_, m)| listed.iter().any(|v| *v == *m.revision))
                .last()
                .map(|(_, m)| m.revision.to_string());
            return Err(Error::Adoption {
                tool: tool.name().into(),
                table: tool.history_table().into(),
                not_imported,
                not_listed,
                listed_up_to,
            });
        }
        record(db, &self.migrations()[..count], tool.name())?;
        Ok(count)
    }

    /// The first migration, when it is the schema `new --from-database`
    /// found.
    fn baseline(&self) -> Option<&'static Migration> {
        self.migrations()
            .first()
            .copied()
            .filter(|m| m.imported.as_deref() == Some(FROM_DATABASE))
    }
}

/// Records `migrations` (the start of the chain) as applied, in one
/// transaction.
fn record<D: Database + ?Sized>(
    db: &mut D,
    migrations: &[&Migration],
    from: &str,
) -> Result<(), Error> {
    let d = db.dialect();
    let rows: Vec<String> = migrations
        .iter()
        .enumerate()
        .map(|(index, m)| version::insert(d, m, index, VersionState::Applied, 0))
        .collect();
    super::statements::write_rows(db, &rows, &format!("the migrations {from} applied"))
}

/// Whether the database has a table or view besides the version tables.
fn has_tables<D: Database + ?Sized>(db: &mut D) -> Result<bool, Error> {
    let found = db.introspect()?;
    Ok(!found.tables.is_empty() || !found.views.is_empty())
}

/// The versions `tool`'s table says were applied (sqlx: successfully).
fn listed_versions<D: Database + ?Sized>(db: &mut D, tool: Tool) -> Result<Vec<String>, Error> {
    let d = db.dialect();
    let version = d.cast_text(&d.quote("version"));
    let table = d.quote(tool.history_table());
    let sql = match tool {
        Tool::Sqlx => format!("SELECT {version} AS c0 FROM {table} WHERE success"),
        Tool::Diesel | Tool::Refinery => format!("SELECT {version} AS c0 FROM {table}"),
    };
    let rows = db
        .query(&sql, 1)
        .map_err(|e| Error::database(format!("reading {}", tool.history_table()), e))?;
    Ok(rows.iter().map(|r| text(r, 0).trim().to_string()).collect())
}
