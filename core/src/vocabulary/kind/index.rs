//! The kinds of an index's arguments: its keys (`"email"`, `key(..)`,
//! `expr(..)`), a key's expression and operator class, the access method.

use super::{non_empty_list, string, Kind, Name};
use crate::model::{self, List, Str};
use crate::vocabulary::call::{Value, ValueKind};
use crate::vocabulary::SyntaxError;

string_kind!(
    /// The SQL expression of an index key: not empty.
    Expression,
    shape: Some("\"sql\""),
    empty: Some("`expr(..)` of an empty expression")
);

string_kind!(
    /// An operator class: a name such as `text_pattern_ops`, or `schema.name`.
    OpClass,
    shape: Some("\"name\""),
    check: |name: &str| {
        let word = |w: &str| {
            w.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        };
        let parts: Vec<&str> = name.split('.').collect();
        (parts.len() > 2 || !parts.iter().all(|p| word(p))).then(|| {
            format!("`{name}` is not an operator class name: expected a name such as \"text_pattern_ops\" or \"schema.name\" (letters, digits, `_`)")
        })
    }
);

/// An index access method, by name: `"gin"`.
pub struct Method;

impl Kind for Method {
    type Field = model::IndexMethod;

    const SHAPE: Option<&'static str> = Some("\"method\"");

    fn read<S: Copy>(
        value: &Value<S>,
        errors: &mut Vec<SyntaxError<S>>,
    ) -> Option<model::IndexMethod> {
        let name = string(value, errors)?;
        let method = model::IndexMethod::from_name(&name);
        if method.is_none() {
            let known: Vec<String> = model::IndexMethod::ALL
                .iter()
                .map(|m| format!("\"{}\"", m.name()))
                .collect();
            errors.push(SyntaxError::new(
                value.at,
                format!(
                    "`{name}` is not an index method godwit knows: expected one of {}",
                    known.join(", ")
                ),
            ));
        }
        method
    }

    fn write(field: &model::IndexMethod) -> Value {
        Value::str(field.name())
    }
}

/// One key of an index: a column name, `key(..)` or `expr(..)`.
pub struct Key;

impl Kind for Key {
    type Field = model::IndexKey;

    fn read<S: Copy>(
        value: &Value<S>,
        errors: &mut Vec<SyntaxError<S>>,
    ) -> Option<model::IndexKey> {
        match &value.kind {
            ValueKind::Str(_) => Name::read(value, errors).map(model::IndexKey::column),
            ValueKind::Call(call) if call.name == "key" => {
                crate::vocabulary::key::read(call, errors)
            }
            ValueKind::Call(call) if call.name == "expr" => {
                crate::vocabulary::expr::read(call, errors)
            }
            _ => {
                errors.push(SyntaxError::non_literal(
                    value.at,
                    "expected a column name, key(\"column\") or expr(\"sql\")",
                ));
                None
            }
        }
    }

    /// The call that builds it: `key("a")`, `expr("lower(a)").desc()`.
    fn write(field: &model::IndexKey) -> Value {
        Value::call(if field.expression {
            crate::vocabulary::expr::call(field)
        } else {
            crate::vocabulary::key::call(field)
        })
    }
}

/// The keys of an index: column names, `key(..)` and `expr(..)`, at least one.
pub struct IndexKeys;

impl Kind for IndexKeys {
    type Field = List<model::IndexKey>;

    const SHAPE: Option<&'static str> = Some("[keys]");

    fn read<S: Copy>(
        value: &Value<S>,
        errors: &mut Vec<SyntaxError<S>>,
    ) -> Option<List<model::IndexKey>> {
        non_empty_list::<S, Key>(
            value,
            errors,
            "expected an array of keys, e.g. [\"email\"] or [key(\"created_at\").desc(), expr(\"lower(email)\")]",
            "the list of keys is empty",
        )
    }

    /// Plain column keys as names, as godwit has always written them; in a
    /// list with any other key, every key as a call (`key("a")`), so that
    /// the text is still one Rust array.
    fn write(field: &List<model::IndexKey>) -> Value {
        if field.iter().all(model::IndexKey::is_plain) {
            return Value::list(field.iter().map(|k| Value::str(k.target.clone())));
        }
        Value::list(field.iter().map(Key::write))
    }
}
