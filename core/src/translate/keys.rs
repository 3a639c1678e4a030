//! Index shapes and key options read into the model's words: an index's
//! keys (columns or expressions, their order, NULLS placement and operator
//! class) and access method, a foreign key's actions and deferrability, and
//! the columns `REFERENCES t` names without saying them.

use std::borrow::Cow;

use sqlparser::ast::{
    ConstraintCharacteristics, DeferrableInitial, Expr, ForeignKeyConstraint, IndexColumn,
    IndexType, OrderBySort,
};

use super::ddl::{ident_name, last};
use crate::model::{Deferrable, IndexKey, IndexMethod, Str};
use crate::schema::Schema;

/// The keys of an index or key constraint, in order.
pub(super) fn index_keys(columns: &[IndexColumn], what: &str) -> Result<Vec<IndexKey>, String> {
    columns.iter().map(|c| index_key(c, what)).collect()
}

fn index_key(c: &IndexColumn, what: &str) -> Result<IndexKey, String> {
    let (target, expression) = match &c.column.expr {
        Expr::Identifier(i) => (ident_name(i), false),
        // The renderer puts an expression key in parentheses of its own.
        Expr::Nested(inner) => (inner.to_string(), true),
        other => (other.to_string(), true),
    };
    let descending = match &c.column.options.sort {
        None | Some(OrderBySort::Asc) => false,
        Some(OrderBySort::Desc) => true,
        Some(OrderBySort::Using(op)) => {
            return Err(format!("{what}, ordered by the operator `{op}`"));
        }
    };
    Ok(IndexKey {
        target: target.into(),
        expression,
        descending,
        nulls_first: c.column.options.nulls_first,
        opclass: c
            .operator_class
            .as_ref()
            .map(|name| Cow::Owned(name.to_string())),
    })
}

/// The column names of `keys`, when every key is a plain column (what a
/// primary key or unique constraint holds).
pub(super) fn plain(keys: &[IndexKey]) -> Option<Vec<Str>> {
    keys.iter()
        .map(|k| k.is_plain().then(|| k.target.clone()))
        .collect()
}

/// The access method of `USING method`.
pub(super) fn method(using: Option<&IndexType>, what: &str) -> Result<Option<IndexMethod>, String> {
    let name = match using {
        None => return Ok(None),
        Some(IndexType::BTree) => "btree",
        Some(IndexType::Hash) => "hash",
        Some(IndexType::GIN) => "gin",
        Some(IndexType::GiST) => "gist",
        Some(IndexType::SPGiST) => "spgist",
        Some(IndexType::BRIN) => "brin",
        Some(IndexType::Bloom) => "bloom",
        Some(IndexType::Custom(ident)) => &ident.value,
    };
    IndexMethod::from_name(name)
        .map(Some)
        .ok_or_else(|| format!("{what}, built with the access method `{name}`"))
}

/// `DEFERRABLE [INITIALLY DEFERRED | IMMEDIATE]`, as the model holds it.
pub(super) fn deferrable(
    c: Option<&ConstraintCharacteristics>,
    what: &str,
) -> Result<Deferrable, String> {
    let Some(c) = c else {
        return Ok(Deferrable::NotDeferrable);
    };
    if c.enforced.is_some() {
        return Err(format!("{what}, with ENFORCED / NOT ENFORCED"));
    }
    Ok(match (c.deferrable, c.initially) {
        (Some(false), Some(DeferrableInitial::Deferred)) => {
            return Err(format!("{what}, NOT DEFERRABLE yet INITIALLY DEFERRED"));
        }
        (Some(false) | None, None | Some(DeferrableInitial::Immediate)) => {
            Deferrable::NotDeferrable
        }
        (_, Some(DeferrableInitial::Deferred)) => Deferrable::InitiallyDeferred,
        (Some(true), _) => Deferrable::InitiallyImmediate,
    })
}

/// The referenced columns of a foreign key: those it names, or, for
/// `REFERENCES t` alone, `t`'s primary key (`own_key` is the primary key of
/// `table`, the table the key is on, for a table that references itself).
pub(super) fn referenced_columns(
    fk: &ForeignKeyConstraint,
    schema: &Schema,
    table: &str,
    own_key: &[Str],
    what: &str,
) -> Result<Vec<Str>, String> {
    if !fk.referred_columns.is_empty() {
        return Ok(fk
            .referred_columns
            .iter()
            .map(|i| Cow::Owned(ident_name(i)))
            .collect());
    }
    let target = last(&fk.foreign_table).ok_or("a table name of another form")?;
    if target == table && !own_key.is_empty() {
        return Ok(own_key.to_vec());
    }
    schema
        .tables
        .get(&target)
        .and_then(|t| t.primary_key())
        .map(|key| key.iter().map(|c| Cow::Owned(c.clone())).collect())
        .ok_or_else(|| {
            format!("{what}, which references `{target}` without naming columns, and the model knows no primary key of `{target}`")
        })
}
