//! The checks of a whole call (`check f` in the table): what one argument
//! or option cannot say alone. Each reports at the option or argument at
//! fault.

use super::{Call, SyntaxError};
use crate::model::{Column, IndexMethod, Op};

/// The option calls of `call` named `name`, in the order written.
fn options_named<'c, S>(call: &'c Call<S>, names: &[&str]) -> Vec<&'c Call<S>> {
    call.options
        .iter()
        .filter(|o| names.contains(&&*o.name))
        .collect()
}

/// `alter_column` needs at least one change (and a `.using(..)` its
/// `.set_type(..)`).
pub(super) fn alter_changes_something<S: Copy>(
    op: &Op,
    call: &Call<S>,
    errors: &mut Vec<SyntaxError<S>>,
) {
    super::type_checks::using_follows_set_type(call, errors);
    if matches!(op, Op::AlterColumn { changes, .. } if changes.is_empty()) {
        errors.push(SyntaxError::new(
            call.at,
            "`alter_column` changes nothing: chain `.nullable(..)`, `.server_default(..)`, `.drop_default()` or `.set_type(..)`",
        ));
    }
}

/// A table has one primary key: declared by its columns' `.primary_key()`
/// or by one table-level `.primary_key([..])`, not both.
pub(super) fn one_primary_key<S: Copy>(op: &Op, call: &Call<S>, errors: &mut Vec<SyntaxError<S>>) {
    let Op::CreateTable { columns, .. } = op else {
        return;
    };
    let declared = options_named(call, &["primary_key", "primary_key_named"]);
    for extra in declared.iter().skip(1) {
        errors.push(SyntaxError::new(
            extra.at,
            format!(
                "`.{}(..)` declares a second primary key: a table has one",
                extra.name
            ),
        ));
    }
    let by_column: Vec<&str> = columns
        .iter()
        .filter(|c| c.primary_key)
        .map(|c| &*c.name)
        .collect();
    if let (Some(first), false) = (declared.first(), by_column.is_empty()) {
        errors.push(SyntaxError::new(
            first.at,
            format!(
                "`.{}(..)` declares the primary key, but column(s) {} already say `.primary_key()`: declare it one way",
                first.name,
                by_column.join(", ")
            ),
        ));
    }
}

/// What no backend's index of the method can be: a unique or ordered
/// index that is not a b-tree (nor a hash, which MySQL makes unique), or
/// INCLUDE on a method that stores no extra columns.
pub(super) fn index_shape<S: Copy>(op: &Op, call: &Call<S>, errors: &mut Vec<SyntaxError<S>>) {
    let Op::CreateIndex {
        keys,
        unique,
        method: Some(method),
        include,
        ..
    } = op
    else {
        return;
    };
    let unordered = matches!(
        method,
        IndexMethod::Gist | IndexMethod::Gin | IndexMethod::Brin | IndexMethod::Spgist
    );
    let m = method.name();
    if unordered && *unique {
        for o in options_named(call, &["unique"]) {
            errors.push(SyntaxError::new(
                o.at,
                format!("a {m} index cannot be unique: only b-tree indexes are (and hash indexes on MySQL)"),
            ));
        }
    }
    if unordered && keys.iter().any(|k| k.descending || k.nulls_first.is_some()) {
        errors.push(SyntaxError::new(
            call.args.last().map_or(call.at, |a| a.at),
            format!("a {m} index keeps no order: `.desc()`, `.nulls_first()` and `.nulls_last()` apply to the keys of a b-tree index"),
        ));
    }
    let stores_included = matches!(
        method,
        IndexMethod::Btree | IndexMethod::Gist | IndexMethod::Spgist
    );
    if !include.is_empty() && !stores_included {
        for o in options_named(call, &["include"]) {
            errors.push(SyntaxError::new(
                o.at,
                format!("a {m} index cannot include columns: INCLUDE is for btree, gist and spgist indexes"),
            ));
        }
    }
}

/// `.deferrable()` after `.initially_deferred()` would quietly make the
/// key initially immediate again.
fn deferral_in_order<S: Copy>(call: &Call<S>, errors: &mut Vec<SyntaxError<S>>) {
    let mut deferred = false;
    for o in &call.options {
        match &*o.name {
            "initially_deferred" => deferred = true,
            "deferrable" if deferred => errors.push(SyntaxError::new(
                o.at,
                "`.deferrable()` after `.initially_deferred()` would make the check immediate again: `.initially_deferred()` alone already makes it deferrable",
            )),
            _ => {}
        }
    }
}

/// A foreign key references as many columns as it has; its deferral reads
/// one way.
pub(super) fn foreign_key_shape<S: Copy>(
    op: &Op,
    call: &Call<S>,
    errors: &mut Vec<SyntaxError<S>>,
) {
    if let Op::CreateForeignKey {
        columns,
        ref_columns,
        ..
    } = op
    {
        if columns.len() != ref_columns.len() {
            errors.push(SyntaxError::new(
                call.args.last().map_or(call.at, |a| a.at),
                format!(
                    "the foreign key has {} column(s) but references {}",
                    columns.len(),
                    ref_columns.len()
                ),
            ));
        }
    }
    deferral_in_order(call, errors);
}

/// The options of a column's foreign key mean nothing without
/// `.references(..)`.
pub(super) fn reference_options<S: Copy>(
    column: &Column,
    call: &Call<S>,
    errors: &mut Vec<SyntaxError<S>>,
) {
    deferral_in_order(call, errors);
    if column.references.is_some() {
        return;
    }
    for o in options_named(
        call,
        &["on_delete", "on_update", "deferrable", "initially_deferred"],
    ) {
        errors.push(SyntaxError::new(
            o.at,
            format!(
                "`.{}(..)` is an option of the column's foreign key, and column `{}` has none: add `.references(table, column)`",
                o.name, column.name
            ),
        ));
    }
}

/// A column's checks: its type's and its foreign key's options.
pub(super) fn column_checks<S: Copy>(
    column: &Column,
    call: &Call<S>,
    errors: &mut Vec<SyntaxError<S>>,
) {
    super::type_checks::column_makes_sense(column, call, errors);
    reference_options(column, call, errors);
}
