//! Index shapes and key options read into the model's words: an index's
//! keys (columns or expressions, their order, NULLS placement and operator
//! class) and access method, a foreign key's actions and deferrability, and
//! the columns `REFERENCES t` names without saying them; and the
//! statements made of them: `CREATE INDEX`, a foreign key, and `ADD
//! [CONSTRAINT] UNIQUE | PRIMARY KEY [USING INDEX]`.

use std::borrow::Cow;

use sqlparser::ast::{
    ConstraintCharacteristics, DeferrableInitial, Expr, ForeignKeyConstraint, IndexColumn,
    IndexType, OrderBySort, TableConstraint,
};

use super::ddl::{action, ident_name, last, names, Translated};
use crate::model::{Deferrable, IndexKey, IndexMethod, Op, Str};
use crate::schema::{foreign_key_name, primary_key_name, unique_name, Schema};

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

/// A foreign key constraint, named as PostgreSQL names it when it is not.
pub(super) fn foreign_key(
    fk: &ForeignKeyConstraint,
    table: &str,
    not_valid: bool,
    schema: &Schema,
    own_key: &[Str],
) -> Result<Op, String> {
    let columns = names(&fk.columns);
    let owned: Vec<String> = columns.iter().map(|c| c.to_string()).collect();
    let name = fk
        .name
        .as_ref()
        .map(ident_name)
        .unwrap_or_else(|| foreign_key_name(table, &owned));
    let ref_table = last(&fk.foreign_table).ok_or("a table name of another form")?;
    let what = format!("foreign key `{name}`");
    if fk.match_kind.is_some() {
        return Err(format!("{what}, with a MATCH clause"));
    }
    let ref_columns = referenced_columns(fk, schema, table, own_key, &what)?;
    Ok(Op::CreateForeignKey {
        name: name.into(),
        table: table.to_string().into(),
        columns: Cow::Owned(columns),
        ref_table: ref_table.into(),
        ref_columns: Cow::Owned(ref_columns),
        on_delete: action(&fk.on_delete)?,
        on_update: action(&fk.on_update)?,
        deferrable: deferrable(fk.characteristics.as_ref(), &what)?,
        not_valid,
    })
}

/// `CREATE [UNIQUE] INDEX` of any shape the model has.
pub(super) fn create_index(c: &sqlparser::ast::CreateIndex, schema: &Schema) -> Translated {
    let table = last(&c.table_name).ok_or("a table name of another form")?;
    let name = c
        .name
        .as_ref()
        .and_then(last)
        .ok_or_else(|| format!("an unnamed index on `{table}`"))?;
    if c.if_not_exists && schema.relation_name_taken(&name).is_some() {
        return Ok(Vec::new());
    }
    let what = format!("index `{name}`");
    let other_options = c
        .index_options
        .iter()
        .any(|o| !matches!(o, sqlparser::ast::IndexOption::Using(_)));
    if !c.with.is_empty() || c.nulls_distinct.is_some() || other_options {
        return Err(format!(
            "{what}, with storage parameters, NULLS [NOT] DISTINCT or index options"
        ));
    }
    let using = c.using.as_ref().or_else(|| {
        // MySQL's `CREATE INDEX i ON t (c) USING BTREE` puts it among the options.
        c.index_options.iter().find_map(|o| match o {
            sqlparser::ast::IndexOption::Using(t) => Some(t),
            _ => None,
        })
    });
    Ok(vec![Op::CreateIndex {
        name: name.into(),
        table: table.into(),
        keys: Cow::Owned(index_keys(&c.columns, &what)?),
        method: method(using, &what)?,
        include: Cow::Owned(names(&c.include)),
        unique: c.unique,
        concurrently: c.concurrently,
        predicate: c.predicate.as_ref().map(|p| p.to_string().into()),
        if_not_exists: c.if_not_exists,
    }])
}

/// `ADD [CONSTRAINT n] UNIQUE | PRIMARY KEY (cols)`, or `.. USING INDEX i`
/// (PostgreSQL: the constraint takes over a unique index built before).
pub(super) fn key_constraint(
    constraint: &TableConstraint,
    table: &str,
    schema: &Schema,
) -> Result<Op, String> {
    let (name, columns, using_index, primary) = match constraint {
        TableConstraint::Unique(u) => {
            let what = format!("a unique constraint on `{table}`");
            if u.index_type.is_some() || !u.include.is_empty() || u.characteristics.is_some() {
                return Err(format!("{what}, with USING, INCLUDE or DEFERRABLE"));
            }
            let cols = plain(&index_keys(&u.columns, &what)?)
                .ok_or_else(|| format!("{what}, over expressions"))?;
            let owned: Vec<String> = cols.iter().map(|c| c.to_string()).collect();
            let name = u
                .name
                .as_ref()
                .or(u.index_name.as_ref())
                .map_or_else(|| unique_name(table, &owned), ident_name);
            (name, cols, None, false)
        }
        TableConstraint::PrimaryKey(pk) => {
            let what = format!("the primary key of `{table}`");
            if pk.index_type.is_some() || !pk.include.is_empty() || pk.characteristics.is_some() {
                return Err(format!("{what}, with USING, INCLUDE or DEFERRABLE"));
            }
            let cols = plain(&index_keys(&pk.columns, &what)?)
                .ok_or_else(|| format!("{what}, over expressions"))?;
            let name = pk
                .name
                .as_ref()
                .map_or_else(|| primary_key_name(table), ident_name);
            (name, cols, None, true)
        }
        TableConstraint::UniqueUsingIndex(c) | TableConstraint::PrimaryKeyUsingIndex(c) => {
            let primary = matches!(constraint, TableConstraint::PrimaryKeyUsingIndex(_));
            let index = ident_name(&c.index_name);
            if c.characteristics.is_some() {
                return Err(format!(
                    "a key on `{table}` using index `{index}`, DEFERRABLE"
                ));
            }
            let cols = schema
                .tables
                .get(table)
                .and_then(|t| t.indexes.get(&index))
                .filter(|i| i.include.is_empty() && i.predicate.is_none())
                .and_then(|i| plain(&i.keys))
                .ok_or_else(|| {
                    format!("a key on `{table}` using index `{index}`, which is not a plain index of columns in the model")
                })?;
            // PostgreSQL renames the index to the constraint's name; unnamed,
            // the constraint takes the index's.
            let name = c.name.as_ref().map_or_else(|| index.clone(), ident_name);
            (name, cols, Some(index), primary)
        }
        other => return Err(format!("ADD `{other}` on `{table}`")),
    };
    let (name, table, columns) = (name.into(), table.to_string().into(), Cow::Owned(columns));
    let using_index = using_index.map(Into::into);
    Ok(if primary {
        Op::CreatePrimaryKey {
            name,
            table,
            columns,
            using_index,
        }
    } else {
        Op::CreateUniqueConstraint {
            name,
            table,
            columns,
            using_index,
        }
    })
}

/// The primary key of `table` as the model has it (none if it has none).
pub(super) fn existing_key(schema: &Schema, table: &str) -> Vec<Str> {
    schema
        .tables
        .get(table)
        .and_then(|t| t.primary_key())
        .map(|k| k.iter().map(|c| Cow::Owned(c.clone())).collect())
        .unwrap_or_default()
}
