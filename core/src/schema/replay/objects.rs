//! The ops on objects whose body is SQL (views and materialized views,
//! functions, triggers), indexes on materialized views, and what those
//! objects depend on: a table or view that a view reads cannot be dropped
//! or renamed under it, nor a function that a trigger runs.

use std::collections::BTreeMap;

use super::{reserved, ReplayError};
use crate::diagnostic::Rule;
use crate::model::Op;
use crate::schema::{signature_key, Function, Index, Schema, Trigger, View};
use crate::sql_text::{self, Syntax};

impl Schema {
    /// After `rename_table(from, to)`: the views that read `from` read
    /// `to`, and their text says so. PostgreSQL's views follow a renamed
    /// table, and SQLite rewrites their text (MySQL's do neither:
    /// `backend::limits` says so); SQLite's table rebuild creates the views
    /// again from this text.
    pub(super) fn views_follow_table(&mut self, from: &str, to: &str) {
        for view in self.views.values_mut() {
            let mut reads_it = false;
            for read in view.reads.iter_mut().flatten() {
                if read == from {
                    *read = to.to_string();
                    reads_it = true;
                }
            }
            if reads_it {
                view.query = sql_text::rename(&view.query, Syntax::Postgres, from, to);
            }
        }
    }

    /// After `rename_column(table, from, to)`: the views that read `table`
    /// name the column `to`, as PostgreSQL and SQLite have them.
    pub(super) fn views_follow_column(&mut self, table: &str, from: &str, to: &str) {
        for view in self.views.values_mut().filter(|v| v.reads(table)) {
            view.query = sql_text::rename(&view.query, Syntax::Postgres, from, to);
        }
    }

    /// Whether `op` changes nothing here because of its `.if_exists()` or
    /// `.if_not_exists()`: a create of a table or index that is there, a
    /// drop of an index that is not. (The other ops with those options say
    /// so in their own replay.)
    pub fn is_no_op(&self, op: &Op) -> bool {
        match op {
            Op::CreateTable {
                name,
                if_not_exists: true,
                ..
            } => self.tables.contains_key(&**name) || self.views.contains_key(&**name),
            Op::CreateIndex {
                name,
                if_not_exists: true,
                ..
            } => self.relation_name_taken(name).is_some(),
            Op::DropIndex {
                name,
                table,
                if_exists: true,
                ..
            } => !self
                .indexes_of(table)
                .is_some_and(|i| i.contains_key(&**name)),
            _ => false,
        }
    }

    /// An op on a view (any other op changes no view).
    pub(super) fn apply_view_op(&mut self, op: &Op) -> Result<(), ReplayError> {
        match op {
            Op::CreateView { name, query } => self.create_view(name, query, false),
            Op::CreateMaterializedView { name, query, .. } => self.create_view(name, query, true),
            Op::ReplaceView { name, query } => self.view_mut(name, false).map(|v| {
                v.reads = crate::translate::relations_read(query);
                v.query = query.to_string();
            }),
            Op::DropView { name, if_exists } => self.drop_view(name, false, *if_exists),
            Op::DropMaterializedView { name, if_exists } => self.drop_view(name, true, *if_exists),
            Op::RefreshMaterializedView { name, concurrently } => {
                let view = self.view_mut(name, true)?;
                let unique = view
                    .indexes
                    .values()
                    .any(|i| i.unique && i.predicate.is_none());
                if *concurrently && !unique {
                    return Err(ReplayError {
                        advice: Some(format!("create a unique index on `{name}` (over columns that tell its rows apart, without .where_(..)) in an earlier migration, or refresh it without .concurrently()").into()),
                        ..ReplayError::new(
                            Rule::UnknownIndex,
                            format!("materialized view `{name}` has no unique index without a WHERE clause at this point of the history, and PostgreSQL refreshes only such a view CONCURRENTLY"),
                        )
                    });
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn create_view(
        &mut self,
        name: &str,
        query: &str,
        materialized: bool,
    ) -> Result<(), ReplayError> {
        reserved(name)?;
        let taken = match self.views.get(name) {
            Some(v) => Some(v.kind()),
            None => self.tables.contains_key(name).then_some("table"),
        };
        if let Some(kind) = taken {
            return Err(ReplayError::new(
                Rule::AlreadyExists,
                format!(
                    "a {kind} named `{name}` already exists (tables and views share their names)"
                ),
            ));
        }
        self.views.insert(
            name.to_string(),
            View {
                materialized,
                query: query.to_string(),
                reads: crate::translate::relations_read(query),
                indexes: BTreeMap::new(),
            },
        );
        Ok(())
    }

    /// The view `name` of the kind asked for, or `unknown-object`.
    fn view_mut(&mut self, name: &str, materialized: bool) -> Result<&mut View, ReplayError> {
        match self.views.get(name) {
            Some(v) if v.materialized == materialized => {}
            found => return Err(unknown_view(name, materialized, found)),
        }
        Ok(self.views.get_mut(name).expect("checked above"))
    }

    fn drop_view(
        &mut self,
        name: &str,
        materialized: bool,
        if_exists: bool,
    ) -> Result<(), ReplayError> {
        if if_exists && !self.views.contains_key(name) {
            return Ok(());
        }
        self.view_mut(name, materialized)?;
        self.require_no_readers(name, "drop")?;
        self.views.remove(name);
        Ok(())
    }

    /// An op on a function or a trigger (any other op changes neither).
    pub(super) fn apply_routine_op(&mut self, op: &Op) -> Result<(), ReplayError> {
        match op {
            Op::CreateFunction {
                signature,
                definition,
            } => {
                let key = signature_key(signature);
                if self.functions.contains_key(&key) {
                    return Err(ReplayError::new(
                        Rule::AlreadyExists,
                        format!("function `{signature}` already exists"),
                    ));
                }
                let function = Function {
                    signature: signature.to_string(),
                    definition: definition.to_string(),
                };
                self.functions.insert(key, function);
                Ok(())
            }
            Op::ReplaceFunction {
                signature,
                definition,
            } => match self.functions.get_mut(&signature_key(signature)) {
                Some(f) => {
                    f.definition = definition.to_string();
                    Ok(())
                }
                None => Err(unknown_function(signature)),
            },
            Op::DropFunction {
                signature,
                if_exists,
            } => {
                let key = signature_key(signature);
                let Some(function) = self.functions.get(&key) else {
                    return match if_exists {
                        true => Ok(()),
                        false => Err(unknown_function(signature)),
                    };
                };
                let name = function.name();
                let users: Vec<String> = self
                    .triggers_running(&name)
                    .map(|(t, n)| format!("trigger `{n}` on `{t}`"))
                    .collect();
                if !users.is_empty() {
                    return Err(dependents(signature, &users, "drop", "runs"));
                }
                self.functions.remove(&key);
                Ok(())
            }
            Op::CreateTrigger {
                name,
                table,
                timing,
                body,
            } => {
                let t = self.table_mut(table)?;
                if t.triggers.contains_key(&**name) {
                    return Err(ReplayError::new(
                        Rule::AlreadyExists,
                        format!("trigger `{name}` already exists on table `{table}`"),
                    ));
                }
                let trigger = Trigger {
                    timing: timing.to_string(),
                    body: body.to_string(),
                };
                t.triggers.insert(name.to_string(), trigger);
                Ok(())
            }
            Op::DropTrigger {
                name,
                table,
                if_exists,
            } => {
                let t = self.table_mut(table)?;
                if t.triggers.remove(&**name).is_none() && !if_exists {
                    return Err(ReplayError {
                        advice: Some(NOT_THERE.into()),
                        ..ReplayError::new(
                            Rule::UnknownObject,
                            format!("trigger `{name}` does not exist on table `{table}` at this point of the history"),
                        )
                    });
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// An op on an extension (any other op changes none).
    pub(super) fn apply_extension_op(&mut self, op: &Op) -> Result<(), ReplayError> {
        match op {
            Op::CreateExtension {
                name,
                if_not_exists,
            } => {
                if !self.extensions.insert(name.to_string()) && !if_not_exists {
                    return Err(ReplayError::new(
                        Rule::AlreadyExists,
                        format!("extension `{name}` is already installed"),
                    ));
                }
                Ok(())
            }
            Op::DropExtension { name, if_exists } => {
                if !self.extensions.remove(&**name) && !if_exists {
                    return Err(ReplayError {
                        advice: Some(NOT_THERE.into()),
                        ..ReplayError::new(
                            Rule::UnknownObject,
                            format!(
                                "extension `{name}` is not installed at this point of the history"
                            ),
                        )
                    });
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// `unknown-constraint` unless `table` has the constraint `name`.
    fn require_constraint(&self, table: &str, name: &str) -> Result<(), ReplayError> {
        if self.table(table)?.constraints.contains_key(name) {
            return Ok(());
        }
        let op = Op::DropConstraint {
            name: name.to_string().into(),
            table: table.to_string().into(),
        };
        Err(self.unknown_constraint(&op, table, name))
    }

    /// A comment op (any other op changes no comment).
    pub(super) fn apply_comment_op(&mut self, op: &Op) -> Result<(), ReplayError> {
        match op {
            Op::CommentOnTable { table, text } => {
                self.table_mut(table)?.comment = Some(text.to_string());
            }
            Op::DropCommentOnTable { table } => self.table_mut(table)?.comment = None,
            Op::CommentOnColumn {
                table,
                column,
                text,
            } => {
                self.require_columns(table, &[column])?;
                let t = self.table_mut(table)?;
                t.column_comments
                    .insert(column.to_string(), text.to_string());
            }
            Op::DropCommentOnColumn { table, column } => {
                self.require_columns(table, &[column])?;
                self.table_mut(table)?.column_comments.remove(&**column);
            }
            Op::CommentOnConstraint { name, table, text } => {
                self.require_constraint(table, name)?;
                let t = self.table_mut(table)?;
                t.constraint_comments
                    .insert(name.to_string(), text.to_string());
            }
            Op::DropCommentOnConstraint { name, table } => {
                self.require_constraint(table, name)?;
                self.table_mut(table)?.constraint_comments.remove(&**name);
            }
            _ => {}
        }
        Ok(())
    }

    /// `dependent-objects` if some view reads `relation`, which the op
    /// (`doing`: "drop", "rename") would take away from under it.
    pub(super) fn require_no_readers(
        &self,
        relation: &str,
        doing: &str,
    ) -> Result<(), ReplayError> {
        let readers: Vec<String> = self
            .views
            .iter()
            .filter(|(n, v)| *n != relation && v.reads(relation))
            .map(|(n, v)| format!("{} `{n}`", v.kind()))
            .collect();
        if readers.is_empty() {
            return Ok(());
        }
        Err(dependents(relation, &readers, doing, "reads"))
    }

    /// `dependent-objects` if a view reads `column` of `table` (as far as
    /// its query tells: [`View::reads_column`]).
    pub(super) fn require_column_unread(
        &self,
        table: &str,
        column: &str,
    ) -> Result<(), ReplayError> {
        let readers: Vec<String> = self
            .views
            .iter()
            .filter(|(_, v)| v.reads_column(table, column, self))
            .map(|(n, v)| format!("{} `{n}`", v.kind()))
            .collect();
        if readers.is_empty() {
            return Ok(());
        }
        Err(dependents(
            &format!("{table}.{column}"),
            &readers,
            "drop",
            "reads",
        ))
    }

    /// An index op on a materialized view (not a table), or `None`: the
    /// model knows no columns of a view, so only the name is checked.
    pub(super) fn apply_view_index_op(&mut self, op: &Op) -> Option<Result<(), ReplayError>> {
        let (Op::CreateIndex { table, .. } | Op::DropIndex { table, .. }) = op else {
            return None;
        };
        if self.tables.contains_key(&**table) || !self.views.get(&**table)?.materialized {
            return None;
        }
        Some(match op {
            Op::CreateIndex {
                name,
                keys,
                unique,
                method,
                include,
                predicate,
                ..
            } => self.require_free_name(name).map(|()| {
                let index = Index {
                    keys: keys.to_vec(),
                    unique: *unique,
                    predicate: predicate.as_ref().map(|p| p.to_string()),
                    method: *method,
                    include: include.iter().map(|c| c.to_string()).collect(),
                };
                let view = self.views.get_mut(&**table).expect("checked above");
                view.indexes.insert(name.to_string(), index);
            }),
            Op::DropIndex { name, .. } => {
                let view = self.views.get_mut(&**table).expect("checked above");
                match view.indexes.remove(&**name) {
                    Some(_) => Ok(()),
                    None => Err(ReplayError::new(
                        Rule::UnknownIndex,
                        format!("materialized view `{table}` has no index `{name}` at this point of the history"),
                    )),
                }
            }
            _ => unreachable!("matched above"),
        })
    }

    /// A column op on a view's name: `unknown-table`, said as such.
    pub(super) fn not_a_table(&self, name: &str) -> Option<ReplayError> {
        let view = self.views.get(name)?;
        Some(ReplayError::new(
            Rule::UnknownTable,
            format!(
                "`{name}` is a {}, not a table: {} changes it",
                view.kind(),
                if view.materialized {
                    "drop_materialized_view, or create_index and drop_index,"
                } else {
                    "replace_view or drop_view"
                }
            ),
        ))
    }
}

/// What to do about an object that is not there.
const NOT_THERE: &str = "the schema model is replayed from the first migration: create it in an earlier migration (or fix the name), or say `.if_exists()` on a drop that may find nothing";

/// `unknown-object` for a function.
fn unknown_function(signature: &str) -> ReplayError {
    ReplayError {
        advice: Some(NOT_THERE.into()),
        ..ReplayError::new(
            Rule::UnknownObject,
            format!("function `{signature}` does not exist at this point of the history (functions are told apart by their name and argument types)"),
        )
    }
}

/// Whether `op` is one of the view ops (whose name is a view's, not a table's).
pub(super) fn is_view_op(op: &Op) -> bool {
    matches!(
        op,
        Op::CreateView { .. }
            | Op::ReplaceView { .. }
            | Op::DropView { .. }
            | Op::CreateMaterializedView { .. }
            | Op::DropMaterializedView { .. }
            | Op::RefreshMaterializedView { .. }
    )
}

/// `unknown-object` for a view, saying so when `found` is of the other kind.
fn unknown_view(name: &str, materialized: bool, found: Option<&View>) -> ReplayError {
    let kind = if materialized {
        "materialized view"
    } else {
        "view"
    };
    let message = match found {
        Some(v) => format!("`{name}` is a {}, not a {kind}", v.kind()),
        None => format!("{kind} `{name}` does not exist at this point of the history"),
    };
    let advice = match found {
        Some(v) if v.materialized => "use the materialized view ops: drop_materialized_view, refresh_materialized_view (a materialized view is never replaced: drop and create it)",
        Some(_) => "use the view ops: replace_view, drop_view",
        None => NOT_THERE,
    };
    ReplayError {
        advice: Some(advice.into()),
        ..ReplayError::new(Rule::UnknownObject, message)
    }
}

/// `dependent-objects`: the `users` of `subject` (each of which `verb`s
/// it: "reads", "runs") would lose it.
fn dependents(subject: &str, users: &[String], doing: &str, verb: &str) -> ReplayError {
    let verb = match users.len() {
        1 => verb.to_string(),
        _ => verb.trim_end_matches('s').to_string(),
    };
    ReplayError {
        advice: Some(format!("drop the dependents (or replace them so they no longer use it) before the {doing}, in this or an earlier migration, and create them again in the downgrade").into()),
        ..ReplayError::new(
            Rule::DependentObjects,
            format!("cannot {doing} `{subject}`: {} still {verb} it", users.join(", ")),
        )
    }
}
