//! The `check` hooks of the type words (enum types, `.using(..)`, generated
//! and serial columns): what one argument cannot say alone, each error at
//! the part of the call that causes it.

use super::{Call, SyntaxError};
use crate::model::{Column, ColumnType, Op};

/// The option of `call` named `name` (the first), else the call: where an
/// error about that option points.
fn option_at<S: Copy>(call: &Call<S>, name: &str) -> S {
    call.options
        .iter()
        .find(|o| o.name == name)
        .map_or(call.at, |o| o.name_at)
}

/// `create_enum`: each value once. MySQL compares an enum's values without
/// case, so `"ok"` and `"OK"` are the same value there.
pub(super) fn enum_values_distinct<S: Copy>(
    op: &Op,
    call: &Call<S>,
    errors: &mut Vec<SyntaxError<S>>,
) {
    let Op::CreateEnum { values, .. } = op else {
        return;
    };
    for (i, v) in values.iter().enumerate() {
        if let Some(earlier) = values[..i].iter().find(|e| e.eq_ignore_ascii_case(v)) {
            let at = call.args.get(1).map_or(call.at, |a| a.at);
            let same = if earlier == v {
                format!("the enum value `{v}` is listed twice")
            } else {
                format!("the enum values `{earlier}` and `{v}` differ only in case, and MySQL compares them without it")
            };
            errors.push(SyntaxError::new(at, same));
            return;
        }
    }
}

/// `add_enum_value`: one place at most.
pub(super) fn one_enum_position<S: Copy>(
    op: &Op,
    call: &Call<S>,
    errors: &mut Vec<SyntaxError<S>>,
) {
    if let Op::AddEnumValue {
        before: Some(_),
        after: Some(_),
        ..
    } = op
    {
        errors.push(SyntaxError::new(
            option_at(call, "after"),
            "`add_enum_value` takes `.before(..)` or `.after(..)`, not both",
        ));
    }
}

/// `alter_column`: each `.using(..)` right after the `.set_type(..)` it
/// computes the values of.
pub(super) fn using_follows_set_type<S: Copy>(call: &Call<S>, errors: &mut Vec<SyntaxError<S>>) {
    for (i, option) in call.options.iter().enumerate() {
        let after_set_type = i > 0 && call.options[i - 1].name == "set_type";
        if option.name == "using" && !after_set_type {
            errors.push(SyntaxError::new(
                option.name_at,
                "`.using(..)` computes the values of a type change: chain it right after `.set_type(..)`",
            ));
        }
    }
}

/// `column(..)`: the modifiers of generated and serial columns, where they
/// make no sense together on some backend.
pub(super) fn column_makes_sense<S: Copy>(
    column: &Column,
    call: &Call<S>,
    errors: &mut Vec<SyntaxError<S>>,
) {
    let mut refuse = |option: &str, message: String| {
        errors.push(SyntaxError::new(option_at(call, option), message));
    };
    let name = &column.name;
    if column.stored && column.generated.is_none() {
        refuse(
            "stored",
            format!("`.stored()` stores a generated value: column `{name}` needs `.generated(\"expr\")` first"),
        );
    }
    if column.generated.is_some() {
        let conflicts = [
            (column.default.is_some(), "server_default", "a generated column takes its value from its expression, not from a default"),
            (column.primary_key, "primary_key", "a generated column cannot be (part of) the primary key on SQLite, nor a virtual one on MySQL"),
            (column.autoincrement, if column.serial { "serial" } else { "autoincrement" }, "a generated column takes its value from its expression, not from a sequence"),
        ];
        for (conflict, option, why) in conflicts {
            if conflict {
                refuse(option, format!("column `{name}`: {why}"));
            }
        }
    }
    if column.serial {
        if !matches!(
            column.ty,
            ColumnType::SmallInt | ColumnType::Integer | ColumnType::BigInt
        ) {
            refuse(
                "serial",
                format!("`.serial()` numbers rows: column `{name}` must be SmallInt, Integer or BigInt, not {}", column.ty),
            );
        }
        if column.default.is_some() {
            refuse(
                "server_default",
                format!(
                    "column `{name}` is `.serial()`: its default is the next value of its sequence"
                ),
            );
        }
    }
}
