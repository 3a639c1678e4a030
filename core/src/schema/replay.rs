//! [`Schema::apply`]: one op replayed on the model, or the structural rule
//! it breaks.

use std::borrow::Cow;
use std::sync::Arc;

use super::{
    foreign_key_name, primary_key_name, unique_name, ColumnState, Constraint, ConstraintKind,
    Index, Schema, Table,
};
use crate::diagnostic::Rule;
use crate::model::{CheckConstraint, Column, ColumnChange, Op, PrimaryKey, Str, UniqueConstraint};
use crate::sql_text::{self, Syntax};

mod keys;
mod objects;
mod renames;
mod unfollowed;
mod unknown;

use unfollowed::table_of;
use unknown::{reserved, unknown_column, unknown_table};

/// Why an op cannot be applied to the schema as it stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplayError {
    /// `unknown-table`, `unknown-column`, `unknown-index`,
    /// `unknown-constraint`, `unknown-type`, `type-in-use`, `already-exists`, `invalid-identifier` (a
    /// reserved or derived name) or `backfill-without-primary-key`.
    pub rule: Rule,
    /// What is wrong.
    pub message: String,
    /// What to do, when the rule's usual advice does not fit.
    advice: Option<Cow<'static, str>>,
}

impl ReplayError {
    pub(super) fn new(rule: Rule, message: impl Into<String>) -> Self {
        ReplayError {
            rule,
            message: message.into(),
            advice: None,
        }
    }

    /// What to do about it.
    pub fn help(&self) -> &str {
        if let Some(advice) = &self.advice {
            return advice;
        }
        match self.rule {
            Rule::AlreadyExists => "pick another name, or drop the existing one in an earlier migration",
            Rule::InvalidIdentifier => "name the constraint yourself: declare it with op.create_foreign_key(name, ..) or a shorter table or column name, so every backend keeps the same name",
            Rule::TypeInUse => "change or drop the columns of the type first (or their default), in this or an earlier migration",
            Rule::BackfillWithoutPrimaryKey => "give the table a primary key in an earlier migration, or update it with op.execute(\"UPDATE .. WHERE ..\") on a bounded set of rows",
            _ => "the schema model is replayed from the first migration: create it in an earlier migration (or fix the name)",
        }
    }
}

impl Table {
    fn column_mut(&mut self, name: &str) -> Option<&mut ColumnState> {
        self.columns.iter_mut().find(|c| c.name == name)
    }
}

impl Schema {
    /// The table with this name.
    pub fn table(&self, name: &str) -> Result<&Table, ReplayError> {
        self.tables
            .get(name)
            .map(|t| &**t)
            .ok_or_else(|| unknown_table(name))
    }

    /// The table with this name, copied first if another schema shares it.
    fn table_mut(&mut self, name: &str) -> Result<&mut Table, ReplayError> {
        self.tables
            .get_mut(name)
            .map(Arc::make_mut)
            .ok_or_else(|| unknown_table(name))
    }

    /// Every foreign key that references `table`, to be changed with it. Only
    /// the tables holding one are copied.
    fn references_to<'s>(
        &'s mut self,
        table: &'s str,
    ) -> impl Iterator<Item = (&'s mut String, &'s mut Vec<String>)> + 's {
        let refers = move |c: &Constraint| match &c.kind {
            ConstraintKind::ForeignKey { ref_table, .. } => ref_table == table,
            _ => false,
        };
        self.tables
            .values_mut()
            .filter(move |t| t.constraints.values().any(refers))
            .flat_map(|t| Arc::make_mut(t).constraints.values_mut())
            .filter_map(move |c| match &mut c.kind {
                ConstraintKind::ForeignKey {
                    ref_table,
                    ref_columns,
                    ..
                } if ref_table == table => Some((ref_table, ref_columns)),
                _ => None,
            })
    }

    /// The table of a constraint op. When there is no such table but the
    /// two names make sense the other way round, the op was written in the
    /// table-first order of earlier versions: say so.
    fn constraint_table(
        &mut self,
        op: &Op,
        table: &str,
        name: &str,
    ) -> Result<&mut Table, ReplayError> {
        let swapped = !self.tables.contains_key(table)
            && self
                .tables
                .get(name)
                .is_some_and(|t| t.constraints.contains_key(table));
        if swapped {
            return Err(ReplayError {
                rule: Rule::UnknownTable,
                message: format!(
                    "table `{table}` does not exist; `{name}` has a constraint `{table}`: `{}` takes the constraint's name first, then the table",
                    op.method()
                ),
                advice: Some("swap the two arguments: every op on a named object takes the name first, then the table (the migration's checksum does not change)".into()),
            });
        }
        self.table_mut(table)
    }

    fn require_columns(&self, table: &str, columns: &[impl AsRef<str>]) -> Result<(), ReplayError> {
        let t = self.table(table)?;
        for c in columns {
            if t.column(c.as_ref()).is_none() {
                return Err(unknown_column(table, c.as_ref()));
            }
        }
        Ok(())
    }

    fn require_free_name(&self, name: &str) -> Result<(), ReplayError> {
        reserved(name)?;
        match self.relation_name_taken(name) {
            Some(table) => Err(ReplayError::new(
                Rule::AlreadyExists,
                format!(
                    "an index or constraint named `{name}` already exists (on table `{table}`)"
                ),
            )),
            None => Ok(()),
        }
    }

    fn add_constraint(
        &mut self,
        table: &str,
        name: String,
        constraint: Constraint,
    ) -> Result<(), ReplayError> {
        // Derived names (`<table>_<cols>_fkey`) can outgrow what PostgreSQL
        // keeps (it would truncate, and the model would no longer match).
        if let Some(why) = crate::validate::invalid_identifier(&name) {
            return Err(ReplayError::new(
                Rule::InvalidIdentifier,
                format!("the constraint name godwit derives for `{table}`: {why}"),
            ));
        }
        self.require_free_name(&name)?;
        if let ConstraintKind::ForeignKey {
            ref_table,
            ref_columns,
            columns,
            ..
        } = &constraint.kind
        {
            let target = self.table(ref_table)?;
            for c in ref_columns {
                if target.column(c).is_none() {
                    return Err(unknown_column(ref_table, c));
                }
            }
            self.require_columns(table, columns)?;
        } else {
            self.require_columns(table, constraint.kind.columns())?;
        }
        let t = self.table_mut(table)?;
        if matches!(constraint.kind, ConstraintKind::PrimaryKey { .. }) && t.primary_key().is_some()
        {
            return Err(ReplayError::new(
                Rule::AlreadyExists,
                format!("table `{table}` already has a primary key"),
            ));
        }
        t.constraints.insert(name, constraint);
        Ok(())
    }

    /// The constraints a column definition implies (primary key, unique, foreign key).
    fn column_constraints(&mut self, table: &str, c: &Column) -> Result<(), ReplayError> {
        let cols = vec![c.name.to_string()];
        if c.unique && !c.primary_key {
            let name = unique_name(table, &cols);
            self.add_constraint(
                table,
                name,
                Constraint {
                    kind: ConstraintKind::Unique {
                        columns: cols.clone(),
                    },
                    valid: true,
                },
            )?;
        }
        if let Some(r) = &c.references {
            let name = foreign_key_name(table, &cols);
            let kind = ConstraintKind::ForeignKey {
                columns: cols,
                ref_table: r.table.to_string(),
                ref_columns: vec![r.column.to_string()],
                on_delete: c.on_delete,
                on_update: c.on_update,
                deferrable: c.deferrable,
            };
            self.add_constraint(table, name, Constraint { kind, valid: true })?;
        }
        Ok(())
    }

    /// `create_table`: the table with its columns, then the constraints they
    /// declare; nothing of it if one of them cannot be added.
    fn create_table(
        &mut self,
        name: &str,
        columns: &[Column],
        primary_key: Option<&PrimaryKey>,
        uniques: &[UniqueConstraint],
        checks: &[CheckConstraint],
    ) -> Result<(), ReplayError> {
        reserved(name)?;
        if let Some(view) = self.views.get(name) {
            return Err(ReplayError::new(
                Rule::AlreadyExists,
                format!(
                    "a {} named `{name}` already exists (tables and views share their names)",
                    view.kind()
                ),
            ));
        }
        if self.tables.contains_key(name) {
            return Err(ReplayError::new(
                Rule::AlreadyExists,
                format!("table `{name}` already exists"),
            ));
        }
        let mut table = Table::default();
        for c in columns.iter() {
            if table.column(&c.name).is_some() {
                return Err(ReplayError::new(
                    Rule::AlreadyExists,
                    format!("column `{name}.{}` is defined twice", c.name),
                ));
            }
            table.columns.push(ColumnState::from_column(c));
        }
        self.tables.insert(name.to_string(), Arc::new(table));
        let (pk_name, pk): (String, Vec<String>) = match primary_key {
            Some(key) => (
                key.name
                    .as_deref()
                    .map_or_else(|| primary_key_name(name), str::to_string),
                strings(&key.columns),
            ),
            None => (
                primary_key_name(name),
                columns
                    .iter()
                    .filter(|c| c.primary_key)
                    .map(|c| c.name.to_string())
                    .collect(),
            ),
        };
        let result = (|| {
            if !pk.is_empty() {
                self.add_primary_key(name, pk_name, pk)?;
            }
            for c in columns.iter() {
                if c.unique {
                    self.duplicate_key(name, &[c.name.to_string()])?;
                }
                self.column_constraints(name, c)?;
            }
            for u in uniques.iter() {
                let cols = strings(&u.columns);
                self.duplicate_key(name, &cols)?;
                let cname = u
                    .name
                    .as_deref()
                    .map_or_else(|| unique_name(name, &cols), str::to_string);
                let kind = ConstraintKind::Unique { columns: cols };
                self.add_constraint(name, cname, Constraint { kind, valid: true })?;
            }
            for c in checks.iter() {
                let kind = ConstraintKind::Check {
                    expr: c.expr.to_string(),
                };
                self.add_constraint(name, c.name.to_string(), Constraint { kind, valid: true })?;
            }
            Ok(())
        })();
        if result.is_err() {
            self.tables.remove(name);
        }
        result
    }

    /// `add_column`: the column, then the constraints it declares; the column
    /// is taken back if one of them cannot be added.
    fn add_column(&mut self, table: &str, column: &Column) -> Result<(), ReplayError> {
        let t = self.table_mut(table)?;
        if t.column(&column.name).is_some() {
            return Err(ReplayError::new(
                Rule::AlreadyExists,
                format!("column `{table}.{}` already exists", column.name),
            ));
        }
        t.columns.push(ColumnState::from_column(column));
        let result = (|| {
            if column.primary_key {
                let columns = vec![column.name.to_string()];
                self.add_primary_key(table, primary_key_name(table), columns)?;
            }
            self.column_constraints(table, column)
        })();
        if result.is_err() {
            if let Ok(t) = self.table_mut(table) {
                t.columns.retain(|c| c.name != *column.name);
            }
        }
        result
    }

    /// Applies one op, or says why it cannot be applied.
    pub fn apply(&mut self, op: &Op) -> Result<(), ReplayError> {
        self.unfollowed_renamed(op);
        match self.apply_op(op) {
            // What opaque raw SQL did to this table is not known: the
            // column, index or constraint named may well be there.
            Err(e)
                if matches!(
                    e.rule,
                    Rule::UnknownTable
                        | Rule::UnknownColumn
                        | Rule::UnknownIndex
                        | Rule::UnknownConstraint
                        | Rule::UnknownObject
                ) && op.table().is_some_and(|t| self.unfollowed.contains_key(t)) =>
            {
                Ok(())
            }
            result => result,
        }
    }

    fn apply_op(&mut self, op: &Op) -> Result<(), ReplayError> {
        if self.is_no_op(op) {
            return Ok(());
        }
        self.require_types(op)?;
        if let Some(result) = self.apply_view_index_op(op) {
            return result;
        }
        if let Some(e) = table_of(op)
            .filter(|_| !objects::is_view_op(op))
            .and_then(|t| self.not_a_table(t))
        {
            return Err(e);
        }
        match op {
            // Raw SQL is not modelled; a `safety_assured` block is its ops.
            Op::Execute { sql } => self.learn(sql),
            Op::SafetyAssured { ops, .. } => ops.iter().try_for_each(|op| self.apply(op)),
            Op::CreateTable {
                name,
                columns,
                primary_key,
                uniques,
                checks,
                ..
            } => self.create_table(name, columns, primary_key.as_ref(), uniques, checks),
            Op::DropTable { name } => {
                self.table(name)?;
                self.require_no_readers(name, "drop")?;
                self.tables.remove(&**name);
                Ok(())
            }
            Op::DeprecateTable { name } => {
                self.table_mut(name)?.deprecated = true;
                Ok(())
            }
            Op::RenameTable { from, to } => {
                self.table(from)?;
                reserved(to)?;
                if self.tables.contains_key(&**to) || self.views.contains_key(&**to) {
                    return Err(ReplayError::new(
                        Rule::AlreadyExists,
                        format!("table `{to}` already exists"),
                    ));
                }
                let table = self.tables.remove(&**from).expect("checked above");
                self.tables.insert(to.to_string(), table);
                for (ref_table, _) in self.references_to(from) {
                    *ref_table = to.to_string();
                }
                self.views_follow_table(from, to);
                Ok(())
            }
            Op::AddColumn { table, column } => self.add_column(table, column),
            Op::CreateView { .. }
            | Op::ReplaceView { .. }
            | Op::DropView { .. }
            | Op::CreateMaterializedView { .. }
            | Op::DropMaterializedView { .. }
            | Op::RefreshMaterializedView { .. } => self.apply_view_op(op),
            Op::CreateFunction { .. }
            | Op::ReplaceFunction { .. }
            | Op::DropFunction { .. }
            | Op::CreateTrigger { .. }
            | Op::DropTrigger { .. } => self.apply_routine_op(op),
            Op::CreateExtension { .. } | Op::DropExtension { .. } => self.apply_extension_op(op),
            Op::CommentOnTable { .. }
            | Op::CommentOnColumn { .. }
            | Op::DropCommentOnTable { .. }
            | Op::DropCommentOnColumn { .. }
            | Op::CommentOnConstraint { .. }
            | Op::DropCommentOnConstraint { .. } => self.apply_comment_op(op),
            Op::DropColumn { table, column } => {
                let t = self.table_mut(table)?;
                if t.column(column).is_none() {
                    return Err(unknown_column(table, column));
                }
                self.require_column_unread(table, column)?;
                let t = self.table_mut(table)?;
                t.columns.retain(|c| c.name != **column);
                t.column_comments.remove(&**column);
                // As PostgreSQL does: indexes and constraints over the column go with it.
                t.indexes.retain(|_, i| !i.uses_column(column));
                t.constraints.retain(|_, c| !c.kind.uses_column(column));
                Ok(())
            }
            Op::RenameColumn { table, from, to } => {
                let t = self.table_mut(table)?;
                if t.column(to).is_some() {
                    return Err(ReplayError::new(
                        Rule::AlreadyExists,
                        format!("column `{table}.{to}` already exists"),
                    ));
                }
                let c = t
                    .column_mut(from)
                    .ok_or_else(|| unknown_column(table, from))?;
                c.name = to.to_string();
                if let Some(comment) = t.column_comments.remove(&**from) {
                    t.column_comments.insert(to.to_string(), comment);
                }
                let rename = |cols: &mut Vec<String>| {
                    for c in cols.iter_mut() {
                        if c == &**from {
                            *c = to.to_string();
                        }
                    }
                };
                // As PostgreSQL does: keys, expressions, included columns and
                // predicates follow the new name.
                let rename_sql = |sql: &str| sql_text::rename(sql, Syntax::Postgres, from, to);
                for i in t.indexes.values_mut() {
                    for k in &mut i.keys {
                        if k.expression {
                            k.target = rename_sql(&k.target).into();
                        } else if k.target == **from {
                            k.target = to.clone();
                        }
                    }
                    rename(&mut i.include);
                    if let Some(p) = &mut i.predicate {
                        *p = rename_sql(p);
                    }
                }
                for c in t.constraints.values_mut() {
                    match &mut c.kind {
                        ConstraintKind::PrimaryKey { columns }
                        | ConstraintKind::Unique { columns }
                        | ConstraintKind::ForeignKey { columns, .. } => rename(columns),
                        // As PostgreSQL does: the check follows the new name.
                        ConstraintKind::Check { expr } => {
                            *expr = sql_text::rename(expr, Syntax::Postgres, from, to)
                        }
                    }
                }
                for (_, ref_columns) in self.references_to(table) {
                    rename(ref_columns);
                }
                self.views_follow_column(table, from, to);
                Ok(())
            }
            Op::AlterColumn {
                table,
                column,
                changes,
            } => {
                let t = self.table_mut(table)?;
                let c = t
                    .column_mut(column)
                    .ok_or_else(|| unknown_column(table, column))?;
                for change in changes.iter() {
                    match change {
                        ColumnChange::Nullable(n) => {
                            c.nullable = *n;
                            c.deprecated |= *n;
                        }
                        ColumnChange::SetDefault(d) => {
                            c.default = Some(d.clone());
                            forget_serial(c);
                        }
                        ColumnChange::DropDefault => {
                            c.default = None;
                            forget_serial(c);
                        }
                        ColumnChange::SetType(ty) => c.ty = ty.clone(),
                        // How the values are computed: the schema is the same.
                        ColumnChange::Using(_) => {}
                    }
                }
                Ok(())
            }
            Op::DeprecateColumn { table, column } => {
                let t = self.table_mut(table)?;
                let c = t
                    .column_mut(column)
                    .ok_or_else(|| unknown_column(table, column))?;
                c.nullable = true;
                c.deprecated = true;
                c.marked_deprecated = true;
                Ok(())
            }
            Op::CreateEnum { .. }
            | Op::AddEnumValue { .. }
            | Op::RenameEnumValue { .. }
            | Op::DropEnumValue { .. }
            | Op::DropEnum { .. } => self.apply_type_op(op),
            Op::CreateIndex {
                name,
                table,
                keys,
                unique,
                method,
                include,
                predicate,
                ..
            } => {
                let columns: Vec<&str> = keys.iter().filter_map(|k| k.column_name()).collect();
                self.require_columns(table, &columns)?;
                self.require_columns(table, include)?;
                self.require_free_name(name)?;
                let index = Index {
                    keys: keys.to_vec(),
                    unique: *unique,
                    predicate: predicate.as_ref().map(|p| p.to_string()),
                    method: *method,
                    include: strings(include),
                };
                self.table_mut(table)?
                    .indexes
                    .insert(name.to_string(), index);
                Ok(())
            }
            Op::DropIndex { name, table, .. } => {
                let t = self.table_mut(table)?;
                if t.indexes.remove(&**name).is_none() {
                    return Err(self.unknown_index(table, name));
                }
                Ok(())
            }
            Op::CreateUniqueConstraint {
                name,
                table,
                columns,
                using_index,
            } => self.add_key_constraint(table, name, columns, using_index.as_deref(), false),
            Op::CreatePrimaryKey {
                name,
                table,
                columns,
                using_index,
            } => self.add_key_constraint(table, name, columns, using_index.as_deref(), true),
            Op::CreateForeignKey { name, table, .. }
            | Op::CreateCheckConstraint { name, table, .. } => {
                self.table(table)?;
                let constraint = declared(op).expect("both ops declare a constraint");
                self.add_constraint(table, name.to_string(), constraint)
            }
            Op::ValidateConstraint { table, name } => {
                let t = self.constraint_table(op, table, name)?;
                match t.constraints.get_mut(&**name) {
                    Some(c) => c.valid = true,
                    None => return Err(self.unknown_constraint(op, table, name)),
                }
                Ok(())
            }
            Op::DropConstraint { table, name } => {
                let t = self.constraint_table(op, table, name)?;
                if t.constraints.remove(&**name).is_none() {
                    return Err(self.unknown_constraint(op, table, name));
                }
                // Its comment goes with it, as in PostgreSQL.
                t.constraint_comments.remove(&**name);
                Ok(())
            }
            Op::Backfill { table, .. } => {
                if self.table(table)?.primary_key().is_none() {
                    return Err(ReplayError::new(
                        Rule::BackfillWithoutPrimaryKey,
                        format!("table `{table}` has no primary key at this point of the history, and a backfill cuts its batches by primary key"),
                    ));
                }
                Ok(())
            }
        }
    }
}

/// The constraint a `create_foreign_key` or `create_check_constraint` declares.
fn declared(op: &Op) -> Option<Constraint> {
    let (kind, not_valid) = match op {
        Op::CreateForeignKey {
            columns,
            ref_table,
            ref_columns,
            on_delete,
            on_update,
            deferrable,
            not_valid,
            ..
        } => (
            ConstraintKind::ForeignKey {
                columns: strings(columns),
                ref_table: ref_table.to_string(),
                ref_columns: strings(ref_columns),
                on_delete: *on_delete,
                on_update: *on_update,
                deferrable: *deferrable,
            },
            not_valid,
        ),
        Op::CreateCheckConstraint {
            expr, not_valid, ..
        } => (
            ConstraintKind::Check {
                expr: expr.to_string(),
            },
            not_valid,
        ),
        _ => return None,
    };
    Some(Constraint {
        kind,
        valid: !not_valid,
    })
}

/// Names as the schema model holds them.
fn strings(names: &[Str]) -> Vec<String> {
    names.iter().map(|n| n.to_string()).collect()
}

/// A serial column is one whose default takes the next value of its
/// sequence: another default, or none, leaves a plain column (the sequence
/// stays, owned by it), as PostgreSQL then reports it.
fn forget_serial(c: &mut super::ColumnState) {
    if c.serial {
        c.serial = false;
        c.autoincrement = false;
    }
}
