//! The enum types of the schema model: [`Schema::apply`] of the enum ops,
//! and the check that every column names an enum type (and an enum value as
//! its default) that exists at that point of the history.
//!
//! The model follows PostgreSQL, where an enum is a named type: a table may
//! not share an enum's name (every table has a type of its name), a type a
//! column uses cannot be dropped, and renaming a value renames it wherever
//! it is stored, defaults included. MySQL and SQLite have no named types:
//! their dialects spell the values in each column, or keep text.

use std::sync::Arc;

use super::{ColumnState, Schema};
use crate::diagnostic::Rule;
use crate::model::{ColumnChange, ColumnType, DefaultValue, Op};

use super::ReplayError;

/// The enum types a column type names, at any depth of array.
fn enum_name(ty: &ColumnType) -> Option<&str> {
    match ty {
        ColumnType::Enum(name) => Some(name),
        ColumnType::Array(element) => enum_name(element),
        _ => None,
    }
}

fn unknown_value(name: &str, value: &str) -> ReplayError {
    ReplayError::new(
        Rule::UnknownType,
        format!("enum type `{name}` has no value `{value}` at this point of the history"),
    )
}

impl ColumnState {
    /// The enum type of the column (or of its array elements), if any.
    pub fn enum_type(&self) -> Option<&str> {
        enum_name(&self.ty)
    }
}

impl Schema {
    /// Every column whose type is the enum `name` (or an array of it): its
    /// table and the column.
    pub fn enum_columns<'s>(
        &'s self,
        name: &'s str,
    ) -> impl Iterator<Item = (&'s str, &'s ColumnState)> + 's {
        self.tables.iter().flat_map(move |(t, table)| {
            table
                .columns
                .iter()
                .filter(move |c| c.enum_type() == Some(name))
                .map(move |c| (t.as_str(), c))
        })
    }

    /// The values of the enum type `name`.
    fn enum_values(&self, name: &str) -> Result<&Vec<String>, ReplayError> {
        let message = || format!("enum type `{name}` does not exist at this point of the history");
        self.enums
            .get(name)
            .ok_or_else(|| ReplayError::new(Rule::UnknownType, message()))
    }

    /// A column type (and a string default of it) that names only enum
    /// types and values that exist; `what` names the column for messages.
    fn require_type(
        &self,
        ty: &ColumnType,
        default: Option<&DefaultValue>,
        what: &str,
    ) -> Result<(), ReplayError> {
        let Some(name) = enum_name(ty) else {
            return Ok(());
        };
        let values = self.enums.get(name).ok_or_else(|| {
            ReplayError::new(
                Rule::UnknownType,
                format!("the type of {what} is enum type `{name}`, which does not exist at this point of the history"),
            )
        })?;
        match default {
            Some(DefaultValue::Str(v)) if matches!(ty, ColumnType::Enum(_)) && !values.contains(&v.to_string()) => {
                Err(ReplayError::new(
                    Rule::UnknownType,
                    format!("the default of {what} is `{v}`, which is not a value of enum type `{name}` at this point of the history"),
                ))
            }
            _ => Ok(()),
        }
    }

    /// Before an op is applied: the enum types and values its columns name
    /// exist, and a new table does not take an enum type's name.
    pub(super) fn require_types(&self, op: &Op) -> Result<(), ReplayError> {
        let taken = |name: &str| {
            if self.enums.contains_key(name) {
                Err(ReplayError::new(
                    Rule::AlreadyExists,
                    format!("enum type `{name}` exists, and PostgreSQL gives every table a type of the table's name"),
                ))
            } else {
                Ok(())
            }
        };
        match op {
            Op::CreateTable { name, columns, .. } => {
                taken(name)?;
                for c in columns.iter() {
                    let what = format!("column `{name}.{}`", c.name);
                    self.require_type(&c.ty, c.default.as_ref(), &what)?;
                }
                Ok(())
            }
            Op::RenameTable { to, .. } => taken(to),
            Op::AddColumn { table, column } => self.require_type(
                &column.ty,
                column.default.as_ref(),
                &format!("column `{table}.{}`", column.name),
            ),
            Op::AlterColumn {
                table,
                column,
                changes,
            } => {
                let Some(state) = self.tables.get(&**table).and_then(|t| t.column(column)) else {
                    return Ok(()); // unknown-table or -column, said by the replay
                };
                let what = format!("column `{table}.{column}`");
                let (mut ty, mut default) = (state.ty.clone(), state.default.clone());
                for change in changes.iter() {
                    match change {
                        ColumnChange::SetType(new) => ty = new.clone(),
                        ColumnChange::SetDefault(d) => default = Some(d.clone()),
                        ColumnChange::DropDefault => default = None,
                        ColumnChange::Nullable(_) | ColumnChange::Using(_) => continue,
                    }
                    self.require_type(&ty, default.as_ref(), &what)?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Applies an enum op (`create_enum`, `add_enum_value`,
    /// `rename_enum_value`, `drop_enum_value`, `drop_enum`); any other op
    /// is left alone.
    pub(super) fn apply_type_op(&mut self, op: &Op) -> Result<(), ReplayError> {
        match op {
            Op::CreateEnum { name, values } => {
                if self.enums.contains_key(&**name) {
                    return Err(ReplayError::new(
                        Rule::AlreadyExists,
                        format!("enum type `{name}` already exists"),
                    ));
                }
                if self.tables.contains_key(&**name) {
                    return Err(ReplayError::new(
                        Rule::AlreadyExists,
                        format!("table `{name}` exists, and PostgreSQL gives every table a type of the table's name"),
                    ));
                }
                let values = values.iter().map(|v| v.to_string()).collect();
                self.enums.insert(name.to_string(), values);
            }
            Op::AddEnumValue {
                name,
                value,
                before,
                after,
            } => {
                let values = self.enum_values(name)?;
                if let Some(existing) = values.iter().find(|v| v.eq_ignore_ascii_case(value)) {
                    return Err(already_has(name, existing, value));
                }
                let at = match (before, after) {
                    (Some(label), _) => position(values, name, label)?,
                    (None, Some(label)) => position(values, name, label)? + 1,
                    (None, None) => values.len(),
                };
                if let Some(values) = self.enums.get_mut(&**name) {
                    values.insert(at, value.to_string());
                }
            }
            Op::RenameEnumValue { name, from, to } => {
                let values = self.enum_values(name)?;
                let at = position(values, name, from)?;
                if let Some(existing) = values
                    .iter()
                    .enumerate()
                    .find(|(i, v)| *i != at && v.eq_ignore_ascii_case(to))
                    .map(|(_, v)| v)
                {
                    return Err(already_has(name, existing, to));
                }
                if let Some(values) = self.enums.get_mut(&**name) {
                    values[at] = to.to_string();
                }
                // As PostgreSQL does: a stored value follows the rename,
                // and a default is one.
                self.rewrite_defaults(name, from, to);
            }
            Op::DropEnumValue { name, value } => {
                let values = self.enum_values(name)?;
                let at = position(values, name, value)?;
                if let Some((table, c)) = self.enum_columns(name).find(|(_, c)| {
                    values.len() == 1
                        || matches!(&c.default, Some(DefaultValue::Str(d)) if d == value)
                }) {
                    let why = if values.len() == 1 {
                        "its last value, and a column of it needs one"
                    } else {
                        "the default of that column"
                    };
                    return Err(ReplayError::new(
                        Rule::TypeInUse,
                        format!(
                            "`{value}` of enum type `{name}` is {why}: column `{table}.{}`",
                            c.name
                        ),
                    ));
                }
                if let Some(values) = self.enums.get_mut(&**name) {
                    values.remove(at);
                }
            }
            Op::DropEnum { name } => {
                self.enum_values(name)?;
                if let Some((table, c)) = self.enum_columns(name).next() {
                    return Err(ReplayError::new(
                        Rule::TypeInUse,
                        format!(
                            "enum type `{name}` is the type of column `{table}.{}`",
                            c.name
                        ),
                    ));
                }
                self.enums.remove(&**name);
            }
            _ => {}
        }
        Ok(())
    }

    /// Every string default `from` of a column of the enum `name` becomes `to`.
    fn rewrite_defaults(&mut self, name: &str, from: &str, to: &str) {
        let holding: Vec<String> = self
            .enum_columns(name)
            .filter(|(_, c)| matches!(&c.default, Some(DefaultValue::Str(d)) if d == from))
            .map(|(t, _)| t.to_string())
            .collect();
        for table in holding {
            let Some(t) = self.tables.get_mut(&table).map(Arc::make_mut) else {
                continue;
            };
            for c in &mut t.columns {
                let holds = matches!(&c.default, Some(DefaultValue::Str(d)) if d == from);
                if holds && enum_name(&c.ty) == Some(name) {
                    c.default = Some(DefaultValue::Str(to.to_string().into()));
                }
            }
        }
    }
}

/// Where `label` is among the values of the enum `name`.
fn position(values: &[String], name: &str, label: &str) -> Result<usize, ReplayError> {
    values
        .iter()
        .position(|v| v == label)
        .ok_or_else(|| unknown_value(name, label))
}

fn already_has(name: &str, existing: &str, value: &str) -> ReplayError {
    let message = if existing == value {
        format!("enum type `{name}` already has the value `{value}`")
    } else {
        format!("enum type `{name}` already has the value `{existing}`, the same as `{value}` to MySQL, which compares them without case")
    };
    ReplayError::new(Rule::AlreadyExists, message)
}
