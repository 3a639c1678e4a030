//! The keys of a table: a primary key (which makes its columns NOT NULL),
//! no unique key of a new table twice,
//! and a unique constraint or primary key added to an existing table, built
//! or made of a unique index built before (`.using_index(..)`).

use super::{strings, ReplayError};
use crate::diagnostic::Rule;
use crate::model::{IndexMethod, Str};
use crate::schema::{Constraint, ConstraintKind, Index, Schema};

impl Schema {
    /// A unique key of a new table over the same columns, in the same
    /// order, as its primary key or an earlier unique key: PostgreSQL's
    /// CREATE TABLE drops it without a word (the key there enforces it), so
    /// the database would lack a constraint the model has.
    pub(super) fn duplicate_key(&self, table: &str, columns: &[String]) -> Result<(), ReplayError> {
        let Some(t) = self.tables.get(table) else {
            return Ok(());
        };
        for (existing, c) in &t.constraints {
            let same = match &c.kind {
                ConstraintKind::PrimaryKey { columns: k }
                | ConstraintKind::Unique { columns: k } => k == columns,
                _ => false,
            };
            if same {
                return Err(ReplayError::new(
                    Rule::AlreadyExists,
                    format!(
                        "a unique key over ({}) of `{table}` already exists: `{existing}`, which enforces it (PostgreSQL would not create this one)",
                        columns.join(", ")
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The primary key `name` over `columns`, which it makes NOT NULL (as
    /// every backend does).
    pub(super) fn add_primary_key(
        &mut self,
        table: &str,
        name: String,
        columns: Vec<String>,
    ) -> Result<(), ReplayError> {
        let kind = ConstraintKind::PrimaryKey {
            columns: columns.clone(),
        };
        self.add_constraint(table, name, Constraint { kind, valid: true })?;
        let t = self.table_mut(table)?;
        for c in t.columns.iter_mut().filter(|c| columns.contains(&c.name)) {
            c.nullable = false;
        }
        Ok(())
    }

    /// `create_unique_constraint` and `create_primary_key`: the constraint,
    /// built, or made of the unique index `using_index`, which it takes
    /// over (PostgreSQL renames the index to the constraint's name).
    pub(super) fn add_key_constraint(
        &mut self,
        table: &str,
        name: &str,
        columns: &[Str],
        using_index: Option<&str>,
        primary: bool,
    ) -> Result<(), ReplayError> {
        self.require_columns(table, columns)?;
        let columns = strings(columns);
        let taken = match using_index {
            Some(index) => Some((index, self.index_for_constraint(table, index, &columns)?)),
            None => None,
        };
        let t = self.table_mut(table)?;
        if let Some((index, _)) = taken {
            t.indexes.remove(index);
        }
        let result = if primary {
            self.add_primary_key(table, name.to_string(), columns)
        } else {
            let kind = ConstraintKind::Unique { columns };
            self.add_constraint(table, name.to_string(), Constraint { kind, valid: true })
        };
        if let (Err(_), Some((index, i))) = (&result, taken) {
            self.table_mut(table)?.indexes.insert(index.to_string(), i);
        }
        result
    }

    /// The index `name` of `table`, if a constraint over `columns` can take
    /// it over: unique, b-tree, over exactly those columns in ascending
    /// order, with nothing included and no predicate (what PostgreSQL's
    /// `USING INDEX` accepts).
    fn index_for_constraint(
        &self,
        table: &str,
        name: &str,
        columns: &[String],
    ) -> Result<Index, ReplayError> {
        let index = self.table(table)?.indexes.get(name).ok_or_else(|| {
            ReplayError::new(
                Rule::UnknownIndex,
                format!(
                    "index `{name}` does not exist on table `{table}` at this point of the history"
                ),
            )
        })?;
        let plain_columns: Option<Vec<&str>> = index
            .keys
            .iter()
            .map(|k| k.is_plain().then_some(&*k.target))
            .collect();
        let fits = index.unique
            && index.predicate.is_none()
            && index.include.is_empty()
            && matches!(index.method, None | Some(IndexMethod::Btree))
            && plain_columns.is_some_and(|c| c == columns);
        if !fits {
            return Err(ReplayError {
                advice: Some("build the index for it with op.create_index(name, table, [columns]).unique().concurrently(): a b-tree over exactly the constraint's columns, in ascending order, with no .where_(..) or .include(..)".into()),
                ..ReplayError::new(
                    Rule::UnknownIndex,
                    format!(
                        "index `{name}` on `{table}` is not a unique index over exactly ({}) that a constraint can take over",
                        columns.join(", ")
                    ),
                )
            });
        }
        Ok(index.clone())
    }
}
