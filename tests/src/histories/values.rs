//! Column types, their defaults, and the literal of a row's value, spelled
//! so that PostgreSQL, MariaDB and SQLite all read it.

use godwit::{ColumnType, DefaultValue};

use super::Rng;

/// A random column type (enum types are chosen by the generator, which
/// knows which exist).
pub(super) fn column_type(rng: &mut Rng) -> ColumnType {
    match rng.below(17) {
        0 => ColumnType::SmallInt,
        1 | 2 => ColumnType::Integer,
        3 => ColumnType::BigInt,
        4 => ColumnType::Boolean,
        5 => ColumnType::Text,
        6 | 7 => ColumnType::Varchar(*rng.pick(&[16, 40, 100, 255])),
        8 => ColumnType::Char(12),
        9 => ColumnType::Real,
        10 => ColumnType::Double,
        11 => ColumnType::Numeric(12, 2),
        12 => ColumnType::Date,
        13 => ColumnType::Time,
        14 => ColumnType::Timestamp,
        15 => ColumnType::Uuid,
        _ => ColumnType::Json,
    }
}

/// Whether a column of this type may be a key of an index or a unique
/// constraint on every backend (no `TEXT` key on MySQL, nothing fuzzy).
pub(super) fn indexable(ty: &ColumnType) -> bool {
    matches!(
        ty,
        ColumnType::SmallInt
            | ColumnType::Integer
            | ColumnType::BigInt
            | ColumnType::Varchar(_)
            | ColumnType::Char(_)
            | ColumnType::Date
            | ColumnType::Timestamp
            | ColumnType::Uuid
    )
}

/// Whether the type is an integer.
pub(super) fn integer(ty: &ColumnType) -> bool {
    matches!(
        ty,
        ColumnType::SmallInt | ColumnType::Integer | ColumnType::BigInt
    )
}

/// A wider type the values of `ty` convert to on every backend, if any.
pub(super) fn wider(rng: &mut Rng, ty: &ColumnType) -> Option<ColumnType> {
    Some(match ty {
        ColumnType::SmallInt => rng.pick(&[ColumnType::Integer, ColumnType::BigInt]).clone(),
        ColumnType::Integer => ColumnType::BigInt,
        ColumnType::Varchar(n) if *n < 255 => ColumnType::Varchar(255),
        ColumnType::Varchar(_) | ColumnType::Char(_) => ColumnType::Text,
        ColumnType::Real => ColumnType::Double,
        _ => return None,
    })
}

/// A default for a column of this type, if the generator gives this type
/// one (`enum_value`: the first value of its enum type).
pub(super) fn default_for(
    rng: &mut Rng,
    ty: &ColumnType,
    enum_value: Option<&str>,
) -> Option<DefaultValue> {
    Some(match ty {
        ColumnType::SmallInt | ColumnType::Integer | ColumnType::BigInt => {
            DefaultValue::Int(rng.below(100) as i64)
        }
        ColumnType::Boolean => DefaultValue::Bool(rng.chance(50)),
        ColumnType::Varchar(_) | ColumnType::Char(_) => {
            DefaultValue::Str(format!("d{}", rng.below(1000)).into())
        }
        ColumnType::Real | ColumnType::Double => DefaultValue::Float("1.5".into()),
        ColumnType::Numeric(..) => DefaultValue::Int(rng.below(1000) as i64),
        ColumnType::Date => DefaultValue::Str("2024-02-03".into()),
        ColumnType::Time => DefaultValue::Str("10:11:12".into()),
        ColumnType::Timestamp => {
            if rng.chance(50) {
                DefaultValue::Now
            } else {
                DefaultValue::Str("2024-02-03 04:05:06".into())
            }
        }
        ColumnType::Uuid => DefaultValue::Str("00000000-0000-4000-8000-000000000000".into()),
        ColumnType::Enum(_) => DefaultValue::Str(enum_value?.to_string().into()),
        _ => return None,
    })
}

/// The literal of the value number `n` of a column of this type: distinct
/// for distinct `n` (except booleans), small enough for every type, and
/// never negative (the generated checks say `>= 0`).
pub(super) fn literal(ty: &ColumnType, n: u32, enum_value: Option<&str>) -> Option<String> {
    let day = n % 28 + 1;
    let month = (n / 28) % 12 + 1;
    let year = 2000 + n / 336;
    Some(match ty {
        ColumnType::SmallInt | ColumnType::Integer | ColumnType::BigInt => n.to_string(),
        ColumnType::Boolean => if n & 1 == 0 { "TRUE" } else { "FALSE" }.to_string(),
        ColumnType::Text | ColumnType::Varchar(_) | ColumnType::Char(_) => format!("'v{n}'"),
        ColumnType::Real | ColumnType::Double => format!("{n}.5"),
        ColumnType::Numeric(..) => format!("{n}.25"),
        ColumnType::Date => format!("'{year}-{month:02}-{day:02}'"),
        ColumnType::Time => format!("'{:02}:{:02}:{:02}'", n / 3600 % 24, n / 60 % 60, n % 60),
        ColumnType::Timestamp | ColumnType::TimestampTz => {
            format!("'{year}-{month:02}-{day:02} 10:00:00'")
        }
        ColumnType::Uuid => format!("'00000000-0000-4000-8000-{n:012x}'"),
        ColumnType::Json => format!("'{{\"k\": {n}}}'"),
        ColumnType::Enum(_) => format!("'{}'", enum_value?),
        _ => return None,
    })
}
