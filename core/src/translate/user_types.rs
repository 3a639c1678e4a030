//! `CREATE TYPE`, `ALTER TYPE` and `DROP TYPE` read into the enum ops; a
//! type the model does not track (composite, range, domain) changes no
//! table, and a column of it is `Custom`.

use std::borrow::Cow;

use sqlparser::ast::{
    AlterType, AlterTypeAddValue, AlterTypeAddValuePosition, AlterTypeOperation, AlterTypeRename,
    AlterTypeRenameValue, Ident, ObjectName, UserDefinedTypeRepresentation,
};

use super::ddl::{ident_name, last};
use super::Meaning;
use crate::model::{ColumnType, Op};
use crate::schema::Schema;

/// A label as PostgreSQL keeps it: `'a'` is `a` (sqlparser reads a label
/// as an identifier quoted with `'`).
fn label(ident: &Ident) -> String {
    ident.value.clone()
}

/// `CREATE TYPE name AS ENUM (..)`; any other type is not tracked.
pub(super) fn create_type(
    name: &ObjectName,
    representation: &Option<UserDefinedTypeRepresentation>,
) -> Meaning {
    let Some(name) = last(name) else {
        return Meaning::Opaque("CREATE TYPE of a name of another form".into());
    };
    match representation {
        Some(UserDefinedTypeRepresentation::Enum { labels }) => {
            Meaning::Ops(vec![Op::CreateEnum {
                name: name.into(),
                values: Cow::Owned(labels.iter().map(|l| label(l).into()).collect()),
            }])
        }
        _ => Meaning::Inert,
    }
}

/// `ALTER TYPE name ADD VALUE | RENAME VALUE` of an enum the model knows.
pub(super) fn alter_type(alter: &AlterType, schema: &Schema) -> Meaning {
    let Some(name) = last(&alter.name) else {
        return Meaning::Opaque("ALTER TYPE of a name of another form".into());
    };
    if let AlterTypeOperation::Rename(AlterTypeRename { new_name }) = &alter.operation {
        return super::renames::rename_type(&name, &ident_name(new_name));
    }
    let Some(values) = schema.enums.get(&name) else {
        // Not an enum godwit knows: a type it does not track.
        return Meaning::Inert;
    };
    match &alter.operation {
        AlterTypeOperation::AddValue(AlterTypeAddValue {
            if_not_exists,
            value,
            position,
        }) => {
            let value = label(value);
            if *if_not_exists && values.contains(&value) {
                return Meaning::Ops(Vec::new());
            }
            let (before, after) = match position {
                Some(AlterTypeAddValuePosition::Before(v)) => (Some(label(v).into()), None),
                Some(AlterTypeAddValuePosition::After(v)) => (None, Some(label(v).into())),
                None => (None, None),
            };
            Meaning::Ops(vec![Op::AddEnumValue {
                name: name.into(),
                value: value.into(),
                before,
                after,
            }])
        }
        AlterTypeOperation::RenameValue(AlterTypeRenameValue { from, to }) => {
            Meaning::Ops(vec![Op::RenameEnumValue {
                name: name.into(),
                from: label(from).into(),
                to: label(to).into(),
            }])
        }
        AlterTypeOperation::Rename(_) => unreachable!("read above"),
    }
}

/// `DROP TYPE name`: the enum's drop when the model knows it; nothing the
/// model tracks otherwise.
pub(super) fn drop_type(name: &str, schema: &Schema) -> Option<Op> {
    schema.enums.contains_key(name).then(|| Op::DropEnum {
        name: name.to_string().into(),
    })
}

/// A `Custom` type that names an enum the model knows is that enum (as an
/// element of an array too): the catalog and raw SQL only spell its name.
pub(super) fn known_enums(ty: ColumnType, schema: &Schema) -> ColumnType {
    match ty {
        ColumnType::Custom(name) => {
            let key = name.trim_matches('"').to_string();
            let bare = key.rsplit('.').next().unwrap_or(&key).to_string();
            match () {
                _ if schema.enums.contains_key(&key) => ColumnType::Enum(key.into()),
                _ if schema.enums.contains_key(&bare) => ColumnType::Enum(bare.into()),
                _ => ColumnType::Custom(name),
            }
        }
        ColumnType::Array(element) => ColumnType::Array(Box::new(known_enums(*element, schema))),
        other => other,
    }
}
