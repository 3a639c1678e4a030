//! A column type from its SQL spelling: what a backend's catalog gives back
//! (introspection) and what a statement declares (raw SQL read into the
//! model). docs/TYPES.md, read backwards.

use crate::model::ColumnType;
use crate::sql_text::Syntax;

/// The column type `spelled` names on the backend whose SQL `syntax` is. A
/// type godwit does not model is `Custom`, by its spelling as written.
pub fn column_type(spelled: &str, syntax: Syntax) -> ColumnType {
    use ColumnType::*;
    let trimmed = spelled.trim();
    if let Some(element) = trimmed.strip_suffix("[]") {
        return Array(Box::new(column_type(element, syntax)));
    }
    let lower = trimmed.to_ascii_lowercase();
    let (base, args) = match lower.find('(') {
        Some(p) => (
            lower[..p].trim().to_string(),
            lower[p + 1..]
                .trim_end_matches(|c: char| c != ')')
                .trim_end_matches(')')
                .split(',')
                .filter_map(|a| a.trim().parse::<u32>().ok())
                .collect::<Vec<u32>>(),
        ),
        None => (lower.clone(), Vec::new()),
    };
    // What follows the parentheses (`timestamp(6) with time zone`).
    let after = lower
        .find(')')
        .map_or("", |p| lower[p + 1..].trim())
        .to_string();
    let base = if after.is_empty() {
        base
    } else {
        format!("{base} {after}")
    };
    // MySQL's attributes of an integer say nothing of its type here.
    let base = base
        .trim_end_matches(" zerofill")
        .trim_end_matches(" unsigned")
        .to_string();
    let arg = |i: usize| args.get(i).copied();
    let mysql = syntax == Syntax::Mysql;
    match base.as_str() {
        "tinyint" if mysql && arg(0) == Some(1) => Boolean,
        "smallint" | "int2" => SmallInt,
        "integer" | "int" | "int4" => Integer,
        "bigint" | "int8" => BigInt,
        "boolean" | "bool" => Boolean,
        "text" => Text,
        "character varying" | "varchar" => arg(0).map_or(VarcharUnbounded, Varchar),
        "character" | "char" | "bpchar" => Char(arg(0).unwrap_or(1)),
        "float" if mysql => Real,
        // PostgreSQL's `float` is `double precision`; `float(p)` is `real`
        // up to 24 bits of precision.
        "float" if syntax == Syntax::Postgres => match arg(0) {
            Some(p) if p <= 24 => Real,
            _ => Double,
        },
        "real" | "float4" => Real,
        "double precision" | "double" | "float8" => Double,
        "numeric" | "decimal" if arg(0).is_some() => {
            Numeric(arg(0).unwrap_or_default(), arg(1).unwrap_or(0))
        }
        "date" => Date,
        "time" | "time without time zone" => Time,
        // PostgreSQL has no `datetime`: SQL that says it is MySQL's, read
        // before its backend was known (raw SQL is tried as PostgreSQL first).
        "datetime" if syntax != Syntax::Sqlite => Timestamp,
        "timestamp" if mysql => TimestampTz,
        "timestamp" | "timestamp without time zone" => Timestamp,
        "timestamptz" | "timestamp with time zone" => TimestampTz,
        "bytea" | "blob" | "longblob" => Binary,
        "uuid" => Uuid,
        "json" if syntax == Syntax::Postgres => JsonText,
        "json" | "jsonb" => Json,
        "longtext" if mysql => Json,
        _ => Custom(trimmed.to_string().into()),
    }
}

#[cfg(test)]
mod tests {
    use super::column_type;
    use crate::model::ColumnType::*;
    use crate::sql_text::Syntax;

    #[test]
    fn every_spelling_reads_back_and_unknown_ones_are_custom() {
        let pg = |s| column_type(s, Syntax::Postgres);
        assert_eq!(pg("character varying"), VarcharUnbounded);
        assert_eq!(pg("character varying(20)"), Varchar(20));
        assert_eq!(pg("VARCHAR(20)"), Varchar(20));
        assert_eq!(pg("json"), JsonText);
        assert_eq!(pg("jsonb"), Json);
        assert_eq!(pg("text[]"), Array(Box::new(Text)));
        assert_eq!(pg("character varying(8)[]"), Array(Box::new(Varchar(8))));
        assert_eq!(pg("TIMESTAMP WITH TIME ZONE"), TimestampTz);
        assert_eq!(pg("timestamp(6) with time zone"), TimestampTz);
        assert_eq!(pg("NUMERIC(10,2)"), Numeric(10, 2));
        assert_eq!(pg("tsvector"), Custom("tsvector".into()));
        assert_eq!(pg("public.ltree"), Custom("public.ltree".into()));
        assert_eq!(pg("numeric"), Custom("numeric".into()));
        assert_eq!(column_type("json", Syntax::Mysql), Json);
        assert_eq!(column_type("tinyint(1)", Syntax::Mysql), Boolean);
        assert_eq!(column_type("int(11) unsigned", Syntax::Mysql), Integer);
        assert_eq!(column_type("bigint unsigned", Syntax::Mysql), BigInt);
        assert_eq!(column_type("datetime(6)", Syntax::Mysql), Timestamp);
        assert_eq!(column_type("VARCHAR", Syntax::Sqlite), VarcharUnbounded);
        assert_eq!(
            column_type("geometry", Syntax::Sqlite),
            Custom("geometry".into())
        );
    }
}
