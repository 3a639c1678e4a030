//! The keys MySQL and MariaDB cannot build: a key over a TEXT, BLOB or JSON
//! column (`text-in-key`: MySQL wants a prefix length, MariaDB builds a
//! unique one through a hidden hash column that no INPLACE change can
//! add), and a key longer than InnoDB's 3072 bytes (`key-too-long`).
//!
//! Read on the table after the op, against the table before it, so that
//! the op that makes a key impossible is the one flagged: an index over a
//! TEXT column, or a type change to TEXT of an indexed column.

use super::{Backend, Refusal};
use crate::diagnostic::Rule;
use crate::model::{ColumnType, Op};
use crate::schema::{ConstraintKind, Schema, Table};

/// InnoDB's limit on a key, in bytes (DYNAMIC rows, the default since
/// MySQL 5.7 and MariaDB 10.2).
const KEY_LIMIT: u32 = 3072;

/// The first key `op` makes that `backend` cannot build, if any.
pub(super) fn refusal(
    backend: Backend,
    op: &Op,
    before: &Schema,
    after: &Schema,
) -> Option<Refusal> {
    if !matches!(backend, Backend::Mysql | Backend::Mariadb) {
        return None;
    }
    let table = op.table().filter(|_| may_change_keys(op))?;
    let now = after.tables.get(table)?;
    let was = before.tables.get(table);
    let known = |key: &Key| was.is_some_and(|t| keys(t).contains(key));
    for key in keys(now).into_iter().filter(|k| !known(k)) {
        let types: Vec<(&str, &ColumnType)> = key
            .columns
            .iter()
            .filter_map(|c| now.column(c).map(|s| (c.as_str(), &s.ty)))
            .collect();
        if let Some((column, ty)) = types.iter().find(|(_, ty)| blob_like(ty)) {
            return Some(Refusal {
                rule: Rule::TextInKey,
                reason: format!(
                    "{} on `{table}.{column}`, a {} column: MySQL indexes such a column only by a prefix of it, and MariaDB builds a unique one through a hidden hash column that it cannot add in place",
                    key.what,
                    type_name(ty)
                ),
            });
        }
        let bytes: u32 = types.iter().map(|(_, ty)| key_bytes(ty)).sum();
        if bytes > KEY_LIMIT {
            return Some(Refusal {
                rule: Rule::KeyTooLong,
                reason: format!(
                    "{} on `{table}` ({}) takes up to {bytes} bytes in utf8mb4 (4 bytes a character), over InnoDB's limit of {KEY_LIMIT}",
                    key.what,
                    key.columns.join(", ")
                ),
            });
        }
    }
    None
}

/// One key of a table: what it is, its columns, and their types (a key
/// whose column changed type is another key).
#[derive(Debug, PartialEq)]
struct Key {
    what: String,
    columns: Vec<String>,
    types: Vec<Option<ColumnType>>,
}

impl Key {
    fn new(t: &Table, what: String, columns: Vec<String>) -> Key {
        let types = columns
            .iter()
            .map(|c| t.column(c).map(|s| s.ty.clone()))
            .collect();
        Key {
            what,
            columns,
            types,
        }
    }
}

/// Every key of a table: its indexes' leading columns (MySQL has no
/// expression keys), its primary key, unique constraints and foreign keys
/// (InnoDB indexes the referencing columns).
fn keys(t: &Table) -> Vec<Key> {
    let mut out: Vec<Key> = t
        .indexes
        .iter()
        .map(|(name, i)| {
            let columns = i.leading_columns().into_iter().map(String::from).collect();
            Key::new(t, format!("index `{name}`"), columns)
        })
        .collect();
    for (name, c) in &t.constraints {
        let what = match c.kind {
            ConstraintKind::PrimaryKey { .. } => format!("primary key `{name}`"),
            ConstraintKind::Unique { .. } => format!("unique constraint `{name}`"),
            ConstraintKind::ForeignKey { .. } => format!("foreign key `{name}`"),
            ConstraintKind::Check { .. } => continue,
        };
        out.push(Key::new(t, what, c.kind.columns().to_vec()));
    }
    out
}

/// A type MySQL keeps off-page: TEXT, BLOB, JSON.
pub(crate) fn blob_like(ty: &ColumnType) -> bool {
    matches!(
        ty,
        ColumnType::Text
            | ColumnType::VarcharUnbounded
            | ColumnType::Binary
            | ColumnType::Json
            | ColumnType::JsonText
    )
}

/// How the mysql dialect spells a blob-like type.
pub(crate) fn type_name(ty: &ColumnType) -> &'static str {
    match ty {
        ColumnType::Binary => "LONGBLOB",
        ColumnType::Json | ColumnType::JsonText => "JSON",
        _ => "TEXT",
    }
}

/// The most bytes a value of `ty` takes in an InnoDB key, as the mysql
/// dialect maps it (utf8mb4: 4 bytes a character).
fn key_bytes(ty: &ColumnType) -> u32 {
    match ty {
        ColumnType::Varchar(n) | ColumnType::Char(n) => 4 * n,
        ColumnType::Uuid => 4 * 36,
        ColumnType::SmallInt => 2,
        ColumnType::Integer | ColumnType::Real | ColumnType::Date => 4,
        ColumnType::BigInt | ColumnType::Double | ColumnType::Timestamp => 8,
        ColumnType::TimestampTz | ColumnType::Time => 7,
        ColumnType::Boolean => 1,
        ColumnType::Numeric(p, _) => p / 2 + 1,
        ColumnType::Enum(_) => 2,
        _ => 0,
    }
}

/// Whether `op` may add a key, or change the type of a column a key holds.
pub(crate) fn may_change_keys(op: &Op) -> bool {
    matches!(
        op,
        Op::CreateTable { .. }
            | Op::AddColumn { .. }
            | Op::AlterColumn { .. }
            | Op::CreateIndex { .. }
            | Op::CreateUniqueConstraint { .. }
            | Op::CreatePrimaryKey { .. }
            | Op::CreateForeignKey { .. }
    )
}
