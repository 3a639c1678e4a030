//! [`Rename`]s raw SQL makes, followed by the model: a type's columns take
//! its new name; an index backing a unique or primary key constraint is
//! that constraint, so renaming either renames both; a function's
//! triggers run it under its new name.

use std::sync::Arc;

use super::{unknown_table, ReplayError, Schema};
use crate::diagnostic::Rule;
use crate::model::ColumnType;
use crate::schema::signature_key;
use crate::sql_text::{self, Syntax};
use crate::translate::Rename;

impl Schema {
    /// A rename read from raw SQL, applied.
    pub fn rename(&mut self, rename: &Rename) -> Result<(), ReplayError> {
        match rename {
            Rename::Type { from, to } => self.rename_type(from, to),
            Rename::Index { from, to } => self.rename_index(from, to),
            Rename::Constraint { table, from, to } => self.rename_constraint(table, from, to),
            Rename::Function { signature, to } => self.rename_function(signature, to),
            Rename::Trigger { table, from, to } => self.rename_trigger(table, from, to),
        }
    }

    fn rename_type(&mut self, from: &str, to: &str) -> Result<(), ReplayError> {
        if self.enums.contains_key(to) {
            return Err(exists(format!("enum type `{to}`")));
        }
        if let Some(values) = self.enums.remove(from) {
            self.enums.insert(to.to_string(), values);
        }
        let uses = |t: &ColumnType| renamed(t, from, to).is_some();
        for table in self.tables.values_mut() {
            if !table.columns.iter().any(|c| uses(&c.ty)) {
                continue;
            }
            for column in &mut Arc::make_mut(table).columns {
                if let Some(ty) = renamed(&column.ty, from, to) {
                    column.ty = ty;
                }
            }
        }
        Ok(())
    }

    fn rename_index(&mut self, from: &str, to: &str) -> Result<(), ReplayError> {
        if self.relation_name_taken(to).is_some() || self.tables.contains_key(to) {
            return Err(exists(format!("index or constraint `{to}`")));
        }
        let Some(relation) = self.relation_name_taken(from).map(str::to_string) else {
            return Err(ReplayError::new(
                Rule::UnknownIndex,
                format!("index `{from}` does not exist at this point of the history"),
            ));
        };
        if let Some(table) = self.tables.get_mut(&relation) {
            let table = Arc::make_mut(table);
            if let Some(index) = table.indexes.remove(from) {
                table.indexes.insert(to.to_string(), index);
                return Ok(());
            }
            if table
                .constraints
                .get(from)
                .is_some_and(|c| crate::translate::backed_by_index(&c.kind))
            {
                return self.rename_constraint(&relation, from, to);
            }
            return Err(ReplayError::new(
                Rule::UnknownIndex,
                format!("`{from}` of `{relation}` is a constraint no index backs"),
            ));
        }
        if let Some(view) = self.views.get_mut(&relation) {
            if let Some(index) = view.indexes.remove(from) {
                view.indexes.insert(to.to_string(), index);
            }
        }
        Ok(())
    }

    fn rename_constraint(&mut self, table: &str, from: &str, to: &str) -> Result<(), ReplayError> {
        let t = self.tables.get(table).ok_or_else(|| unknown_table(table))?;
        if t.constraints.contains_key(to) {
            return Err(exists(format!("constraint `{to}` on table `{table}`")));
        }
        let t = Arc::make_mut(self.tables.get_mut(table).expect("checked above"));
        let Some(constraint) = t.constraints.remove(from) else {
            return Err(ReplayError::new(
                Rule::UnknownConstraint,
                format!(
                    "constraint `{from}` does not exist on table `{table}` at this point of the history"
                ),
            ));
        };
        t.constraints.insert(to.to_string(), constraint);
        if let Some(comment) = t.constraint_comments.remove(from) {
            t.constraint_comments.insert(to.to_string(), comment);
        }
        Ok(())
    }
}

impl Schema {
    fn rename_function(&mut self, signature: &str, to: &str) -> Result<(), ReplayError> {
        let Some(mut function) = self.functions.remove(&signature_key(signature)) else {
            return Err(ReplayError::new(
                Rule::UnknownObject,
                format!("function `{signature}` does not exist at this point of the history"),
            ));
        };
        let from = function.name();
        let args = function
            .signature
            .find('(')
            .map_or("()", |i| &function.signature[i..]);
        let bare = to
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        let signature_to = match bare {
            true => format!("{to}{args}"),
            false => format!("\"{}\"{args}", to.replace('"', "\"\"")),
        };
        let key = signature_key(&signature_to);
        if self.functions.contains_key(&key) {
            let back = signature_key(&function.signature);
            self.functions.insert(back, function);
            return Err(exists(format!("function `{signature_to}`")));
        }
        function.signature = signature_to;
        self.functions.insert(key, function);
        // The model ties a trigger to its function by name: unless another
        // function keeps the old one, the triggers follow.
        if self.functions.values().any(|f| f.name() == from) {
            return Ok(());
        }
        for table in self.tables.values_mut() {
            if !table
                .triggers
                .values()
                .any(|t| t.function().as_deref() == Some(&from))
            {
                continue;
            }
            for trigger in Arc::make_mut(table).triggers.values_mut() {
                if trigger.function().as_deref() == Some(&from) {
                    trigger.body = sql_text::rename(&trigger.body, Syntax::Postgres, &from, to);
                }
            }
        }
        Ok(())
    }

    fn rename_trigger(&mut self, table: &str, from: &str, to: &str) -> Result<(), ReplayError> {
        let t = self.tables.get(table).ok_or_else(|| unknown_table(table))?;
        if t.triggers.contains_key(to) {
            return Err(exists(format!("trigger `{to}` on table `{table}`")));
        }
        let t = Arc::make_mut(self.tables.get_mut(table).expect("checked above"));
        let Some(trigger) = t.triggers.remove(from) else {
            return Err(ReplayError::new(
                Rule::UnknownObject,
                format!(
                    "trigger `{from}` does not exist on table `{table}` at this point of the history"
                ),
            ));
        };
        t.triggers.insert(to.to_string(), trigger);
        Ok(())
    }
}

/// `ty` with the type `from` named `to` (an element of an array too);
/// `None` when it does not use `from`.
fn renamed(ty: &ColumnType, from: &str, to: &str) -> Option<ColumnType> {
    match ty {
        ColumnType::Enum(name) if name == from => Some(ColumnType::Enum(to.to_string().into())),
        ColumnType::Custom(name) if name.trim_matches('"') == from => {
            Some(ColumnType::Custom(to.to_string().into()))
        }
        ColumnType::Array(element) => {
            renamed(element, from, to).map(|e| ColumnType::Array(Box::new(e)))
        }
        _ => None,
    }
}

fn exists(what: String) -> ReplayError {
    ReplayError::new(Rule::AlreadyExists, format!("{what} already exists"))
}
