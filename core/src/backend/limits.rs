//! What a backend cannot do of what the DSL says: the one list, read by the
//! checker (`unsupported-on-backend`, for each backend of the set) and by
//! the runtime's dialects (which refuse before anything runs), so that a set
//! that compiles for a backend renders for it.

use super::Backend;
use crate::diagnostic::Rule;

mod keys;

use crate::model::{
    Action, Column, ColumnChange, ColumnType, Deferrable, IndexKey, IndexMethod, Op,
};
use crate::schema::{foreign_key_name, ConstraintKind, Index, Schema};
use crate::sql_text::{mentions, Syntax};
pub(crate) use keys::{blob_like, may_change_keys, type_name};

/// Why `backend` cannot do `op`, if it cannot: the first reason that
/// applies, with the rule that says it at compile time. `before` and
/// `after` are the schema around the op.
pub fn refusal(backend: Backend, op: &Op, before: &Schema, after: &Schema) -> Option<Refusal> {
    if let Some(reason) = general_refusal(backend, op, before, after) {
        return Some(Refusal {
            rule: Rule::UnsupportedOnBackend,
            reason,
        });
    }
    keys::refusal(backend, op, before, after)
}

/// A reason `backend` cannot do an op, and the rule that says it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// `unsupported-on-backend`, `text-in-key` or `key-too-long`.
    pub rule: Rule,
    /// What the backend lacks, and what to write instead.
    pub reason: String,
}

/// What `backend` lacks for `op` that no more specific rule says.
fn general_refusal(backend: Backend, op: &Op, before: &Schema, after: &Schema) -> Option<String> {
    let mysql = matches!(backend, Backend::Mysql | Backend::Mariadb);
    for ty in declared_types(op) {
        if let Some(why) = type_refusal(backend, ty) {
            return Some(why);
        }
    }
    if mysql {
        if let Some(name) = deferrable_key(op) {
            return Some(format!(
                "MySQL and MariaDB check every foreign key at once: they have no DEFERRABLE (foreign key `{name}`); drop .deferrable() / .initially_deferred(), or keep this migration to PostgreSQL and SQLite"
            ));
        }
        if let Some(why) = check_on_autoincrement(op, after) {
            return Some(why);
        }
        if let Some(why) = check_on_changed_by_foreign_key(op, before, after) {
            return Some(why);
        }
        if let Some(why) = not_null_set_null(op, before, after) {
            return Some(why);
        }
        if let Op::AlterColumn { changes, .. } = op {
            if changes.iter().any(|c| matches!(c, ColumnChange::Using(_))) {
                return Some("MySQL and MariaDB have no USING: MODIFY COLUMN converts the values itself. Remove .using(..), or add a column of the new type, fill it with op.backfill(..) from the expression, and drop the old one".to_string());
            }
        }
    }
    for c in declared_columns(op)
        .into_iter()
        .filter(|c| c.generated.is_some())
    {
        match backend {
            Backend::Postgres if !c.stored => return Some(format!(
                "column `{}` is a virtual generated column, and PostgreSQL before 18 has only stored ones: add .stored() (computed on write), or keep this migration to MySQL and SQLite",
                c.name
            )),
            Backend::Mysql | Backend::Mariadb if !c.nullable => return Some(format!(
                "MariaDB takes no NOT NULL on a generated column (`{}`): remove .not_null(), or add a check constraint `{} IS NOT NULL`",
                c.name, c.name
            )),
            _ => {}
        }
    }
    if backend != Backend::Postgres {
        if let Some(why) = object_refusal(backend, op, before, after) {
            return Some(why);
        }
    } else if let Some(why) = retype_under_view(op, before) {
        return Some(why);
    }
    match op {
        Op::CreateIndex { name, table, .. } => after
            .tables
            .get(&**table)
            .and_then(|t| t.indexes.get(&**name))
            .and_then(|index| index_refusal(backend, index)),
        // An array of the enum, on a backend without arrays.
        Op::CreateEnum { name, .. }
        | Op::AddEnumValue { name, .. }
        | Op::RenameEnumValue { name, .. }
        | Op::DropEnumValue { name, .. }
        | Op::DropEnum { name } => before
            .enum_columns(name)
            .find_map(|(_, c)| type_refusal(backend, &c.ty)),
        _ => None,
    }
}

/// What a backend other than PostgreSQL lacks of the objects: materialized
/// views (and indexes on them), extensions, and, on SQLite, functions.
fn object_refusal(backend: Backend, op: &Op, before: &Schema, after: &Schema) -> Option<String> {
    let lacks = match backend {
        Backend::Mysql | Backend::Mariadb => "MySQL and MariaDB have",
        _ => "SQLite has",
    };
    let on_view = |table: &str| {
        [before, after]
            .iter()
            .any(|s| !s.tables.contains_key(table) && s.views.contains_key(table))
    };
    match op {
        // A MySQL view names its tables: a rename leaves it reading one
        // that is gone.
        Op::RenameTable { from, .. } if lacks.starts_with("MySQL") => {
            let readers: Vec<&str> = before
                .views
                .iter()
                .filter(|(_, v)| v.reads(from))
                .map(|(n, _)| n.as_str())
                .collect();
            (!readers.is_empty()).then(|| format!(
                "MySQL and MariaDB views name the tables they read: renaming `{from}` leaves {} reading a table that is gone; drop {} first and create {} again after the rename",
                readers.iter().map(|r| format!("view `{r}`")).collect::<Vec<_>>().join(", "),
                if readers.len() == 1 { "it" } else { "them" },
                if readers.len() == 1 { "it" } else { "them" },
            ))
        }
        Op::CreateMaterializedView { .. }
        | Op::DropMaterializedView { .. }
        | Op::RefreshMaterializedView { .. } => Some(format!(
            "{lacks} no materialized views: use a view (create_view), or a table kept up to date by the application"
        )),
        Op::CreateIndex { table, .. } | Op::DropIndex { table, .. } if on_view(table) => {
            Some(format!(
                "{lacks} no materialized views, so no index on `{table}`: use a view (create_view), or a table kept up to date by the application"
            ))
        }
        Op::CreateExtension { .. } | Op::DropExtension { .. } => {
            Some(format!("{lacks} no extensions: they are PostgreSQL's"))
        }
        Op::CreateFunction { .. } | Op::ReplaceFunction { .. } | Op::DropFunction { .. }
            if backend == Backend::Sqlite =>
        {
            Some("SQLite has no SQL functions: register one on the connection from the application instead".to_string())
        }
        _ => None,
    }
}

/// PostgreSQL refuses to change the type of a column that a view reads
/// (`cannot alter type of a column used by a view or rule`); MySQL and
/// SQLite change it under the view. A column counts as read as for
/// `dependent-objects`: the view reads its table and names it.
fn retype_under_view(op: &Op, before: &Schema) -> Option<String> {
    if let Op::DropEnumValue { name, value } = op {
        return enum_under_view(name, value, before);
    }
    let Op::AlterColumn {
        table,
        column,
        changes,
    } = op
    else {
        return None;
    };
    if !changes
        .iter()
        .any(|c| matches!(c, ColumnChange::SetType(_)))
    {
        return None;
    }
    let readers: Vec<String> = before
        .views
        .iter()
        .filter(|(_, v)| v.reads_column(table, column, before))
        .map(|(n, v)| format!("{} `{n}`", v.kind()))
        .collect();
    if readers.is_empty() {
        return None;
    }
    Some(format!(
        "PostgreSQL cannot change the type of `{table}.{column}`: {} still {} it; drop the view before the change and create it again after, in this migration, and the same around the change back in the downgrade",
        readers.join(", "),
        if readers.len() == 1 { "reads" } else { "read" }
    ))
}

/// `drop_enum_value` on PostgreSQL creates the type anew and changes each
/// column of it to the new type, which a view reading the column forbids.
fn enum_under_view(name: &str, value: &str, before: &Schema) -> Option<String> {
    let readers: Vec<String> = before
        .enum_columns(name)
        .flat_map(|(table, c)| {
            before
                .views
                .iter()
                .filter(move |(_, v)| v.reads_column(table, &c.name, before))
                .map(move |(n, v)| format!("{} `{n}` reads `{table}.{}`", v.kind(), c.name))
        })
        .collect();
    if readers.is_empty() {
        return None;
    }
    Some(format!(
        "PostgreSQL cannot drop value `{value}` of `{name}` in place: godwit creates the type anew and changes its columns to it, and {}; drop the view before and create it again after, in this body",
        readers.join(", ")
    ))
}

/// Why `backend` has no column of type `ty`, if it has none.
pub fn type_refusal(backend: Backend, ty: &ColumnType) -> Option<String> {
    match (backend, ty) {
        (Backend::Postgres, ColumnType::Array(element)) => type_refusal(backend, element),
        (_, ColumnType::Array(_)) => Some(format!(
            "{} no array columns; store the list as Json, or keep this migration to PostgreSQL",
            match backend {
                Backend::Mysql | Backend::Mariadb => "MySQL and MariaDB have",
                _ => "SQLite has",
            }
        )),
        _ => None,
    }
}

/// Why `backend` cannot build `index`, if it cannot: the first of its
/// refusals that applies.
pub fn index_refusal(backend: Backend, index: &Index) -> Option<String> {
    let any = |f: fn(&IndexKey) -> bool| index.keys.iter().any(f);
    let method = index.method.map_or("", IndexMethod::name);
    let included = !index.include.is_empty();
    let refusals: Vec<(bool, String)> = match backend {
        Backend::Postgres if index.method == Some(IndexMethod::Hash) => vec![
            (index.unique, "PostgreSQL's hash indexes cannot be unique; use a b-tree (the default)".into()),
            (index.keys.len() > 1, "PostgreSQL's hash indexes have one key; use a b-tree (the default) for several".into()),
            (any(|k| k.descending || k.nulls_first.is_some()), "PostgreSQL's hash indexes keep no order: drop .desc(), .nulls_first() and .nulls_last(), or use a b-tree".into()),
            (included, "PostgreSQL's hash indexes cannot include columns; use a b-tree (the default)".into()),
        ],
        Backend::Postgres => Vec::new(),
        Backend::Mysql | Backend::Mariadb => vec![
            (index.predicate.is_some(), "MySQL and MariaDB have no partial indexes; index the column without .where_(..), or keep this migration to PostgreSQL and SQLite".into()),
            (any(|k| k.expression), "MariaDB has no expression keys (MySQL has them from 8.0.13, but the mysql dialect renders what both servers run); index a generated column instead, or keep this migration to PostgreSQL and SQLite".into()),
            (any(against_own_nulls_order), "MySQL and MariaDB sort NULLs first in ascending keys and last in descending ones, and take no NULLS FIRST / NULLS LAST; drop .nulls_first() / .nulls_last()".into()),
            (any(|k| k.opclass.is_some()), "MySQL and MariaDB have no operator classes; drop .opclass(..)".into()),
            (!matches!(index.method, None | Some(IndexMethod::Btree | IndexMethod::Hash)), format!("MySQL and MariaDB index with BTREE or HASH, not {method}")),
            (included, "MySQL and MariaDB have no INCLUDE columns; make them keys after the others, or drop .include(..)".into()),
        ],
        Backend::Sqlite => vec![
            (any(against_own_nulls_order), "SQLite's indexes sort NULLs first in ascending keys and last in descending ones, and take no NULLS FIRST / NULLS LAST; drop .nulls_first() / .nulls_last()".into()),
            (any(|k| k.opclass.is_some()), "SQLite has no operator classes (a COLLATE is a collation, not one); drop .opclass(..)".into()),
            (!matches!(index.method, None | Some(IndexMethod::Btree)), format!("SQLite builds every index as a b-tree, not {method}")),
            (included, "SQLite has no INCLUDE columns; make them keys after the others, or drop .include(..)".into()),
        ],
    };
    refusals
        .into_iter()
        .find_map(|(lacks, why)| lacks.then_some(why))
}

/// A check constraint the op adds that names an auto-increment column,
/// which MySQL and MariaDB refuse (`AUTO_INCREMENT` cannot be used in a
/// CHECK clause: the value is not there yet when the check runs).
fn check_on_autoincrement(op: &Op, after: &Schema) -> Option<String> {
    let checks: Vec<(&str, &str)> = match op {
        Op::CreateTable { checks, .. } => checks.iter().map(|c| (&*c.name, &*c.expr)).collect(),
        Op::CreateCheckConstraint { name, expr, .. } => vec![(name, expr)],
        _ => return None,
    };
    let table = after.tables.get(op.table()?)?;
    checks.into_iter().find_map(|(name, expr)| {
        let c = table
            .columns
            .iter()
            .find(|c| c.autoincrement && mentions(expr, Syntax::Postgres, &c.name))?;
        Some(format!(
            "MySQL and MariaDB refuse a check constraint on an auto-increment column: `{name}` names `{}`; check another column, or keep this migration to PostgreSQL and SQLite",
            c.name
        ))
    })
}

/// A check constraint and a foreign key that changes the same column
/// (`ON UPDATE CASCADE / SET NULL / SET DEFAULT`, `ON DELETE SET NULL /
/// SET DEFAULT`), brought together by the op: MySQL and MariaDB refuse
/// either while the other is there.
fn check_on_changed_by_foreign_key(op: &Op, before: &Schema, after: &Schema) -> Option<String> {
    if !matches!(
        op,
        Op::CreateTable { .. }
            | Op::AddColumn { .. }
            | Op::CreateCheckConstraint { .. }
            | Op::CreateForeignKey { .. }
    ) {
        return None;
    }
    let table = op.table()?;
    let pairs = |schema: &Schema| -> Vec<(String, String, String)> {
        let Some(t) = schema.tables.get(table) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (fk, c) in &t.constraints {
            let ConstraintKind::ForeignKey {
                columns,
                on_delete,
                on_update,
                ..
            } = &c.kind
            else {
                continue;
            };
            let changes = matches!(
                on_update,
                Action::Cascade | Action::SetNull | Action::SetDefault
            ) || matches!(on_delete, Action::SetNull | Action::SetDefault);
            for (check, k) in &t.constraints {
                if let ConstraintKind::Check { expr } = &k.kind {
                    for column in columns
                        .iter()
                        .filter(|c| changes && mentions(expr, Syntax::Postgres, c))
                    {
                        out.push((check.clone(), fk.clone(), column.clone()));
                    }
                }
            }
        }
        out
    };
    let old = pairs(before);
    let (check, fk, column) = pairs(after).into_iter().find(|p| !old.contains(p))?;
    Some(format!(
        "MySQL and MariaDB refuse a check constraint on a column that a foreign key's action changes: check `{check}` names `{column}`, which foreign key `{fk}` sets on update or delete; check another column, give the key no such action (ON DELETE CASCADE, RESTRICT and NO ACTION change no column), or keep this migration to PostgreSQL and SQLite"
    ))
}

/// A foreign key that sets its columns to NULL (`ON DELETE SET NULL`,
/// `ON UPDATE SET NULL`) over a NOT NULL column, brought about by the op:
/// MySQL and MariaDB refuse the key, or the column's NOT NULL, while the
/// other is there.
fn not_null_set_null(op: &Op, before: &Schema, after: &Schema) -> Option<String> {
    let table = op.table()?;
    let pairs = |schema: &Schema| -> Vec<(String, String)> {
        let Some(t) = schema.tables.get(table) else {
            return Vec::new();
        };
        t.constraints
            .iter()
            .filter_map(|(fk, c)| match &c.kind {
                ConstraintKind::ForeignKey {
                    columns,
                    on_delete,
                    on_update,
                    ..
                } if *on_delete == Action::SetNull || *on_update == Action::SetNull => {
                    Some((fk, columns))
                }
                _ => None,
            })
            .flat_map(|(fk, columns)| {
                columns
                    .iter()
                    .filter(|c| t.column(c).is_some_and(|c| !c.nullable))
                    .map(move |c| (fk.clone(), c.clone()))
            })
            .collect()
    };
    let old = pairs(before);
    let (fk, column) = pairs(after).into_iter().find(|p| !old.contains(p))?;
    Some(format!(
        "MySQL and MariaDB refuse a NOT NULL column in a foreign key that sets it to NULL: `{column}` of `{table}` in `{fk}`; make the column nullable, or give the key another action"
    ))
}

/// Whether a key asks for NULLs in the other place than MySQL and SQLite
/// put them (first ascending, last descending), which neither can index.
fn against_own_nulls_order(k: &IndexKey) -> bool {
    k.nulls_first == Some(k.descending)
}

/// The columns an op defines.
fn declared_columns(op: &Op) -> Vec<&Column> {
    match op {
        Op::CreateTable { columns, .. } => columns.iter().collect(),
        Op::AddColumn { column, .. } => vec![column],
        _ => Vec::new(),
    }
}

/// The column types an op declares.
pub fn declared_types(op: &Op) -> Vec<&ColumnType> {
    match op {
        Op::AlterColumn { changes, .. } => changes
            .iter()
            .filter_map(|c| match c {
                ColumnChange::SetType(ty) => Some(ty),
                _ => None,
            })
            .collect(),
        other => declared_columns(other).into_iter().map(|c| &c.ty).collect(),
    }
}

/// The name of a DEFERRABLE foreign key the op adds, if it adds one.
fn deferrable_key(op: &Op) -> Option<String> {
    let deferrable = |d: &Deferrable| *d != Deferrable::NotDeferrable;
    match op {
        Op::CreateForeignKey {
            name,
            deferrable: d,
            ..
        } if deferrable(d) => Some(name.to_string()),
        Op::CreateTable {
            name: table,
            columns,
            ..
        } => columns
            .iter()
            .find(|c| c.references.is_some() && deferrable(&c.deferrable))
            .map(|c| foreign_key_name(table, &[c.name.to_string()])),
        Op::AddColumn { table, column }
            if column.references.is_some() && deferrable(&column.deferrable) =>
        {
            Some(foreign_key_name(table, &[column.name.to_string()]))
        }
        _ => None,
    }
}
