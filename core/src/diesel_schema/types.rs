//! The Diesel SQL type of a column, per backend, as `diesel print-schema`
//! names the type the server reports for what godwit's dialect created
//! (docs/TYPES.md has the SQL each godwit type becomes).
//!
//! - PostgreSQL: the type's `udt_name` in `UpperCamelCase` (`int8` is
//!   `Int8`, `bpchar` is `Bpchar`), arrays as `Array<Nullable<..>>`; a type
//!   Diesel does not provide (an enum, `tsvector`) is declared in
//!   `sql_types`.
//! - MySQL and MariaDB: the column's `COLUMN_TYPE` without its
//!   parentheses (`tinyint(1)` is `Bool`, `int` is `Integer`,
//!   `datetime(6)` is `Datetime`); an enum column gets a type of its own in
//!   `sql_types` (`<Table><Column>Enum`). MariaDB keeps JSON as `longtext`.
//! - SQLite: the declared type read by affinity words (`Integer`, `BigInt`,
//!   `Text`, `Double` for `NUMERIC`, ..), an `INTEGER PRIMARY KEY` and what
//!   references one as `BigInt` (`print-schema
//!   --sqlite-integer-primary-key-is-bigint`, without which the joins of a
//!   `BIGINT` foreign key do not compile). Where `print-schema` refuses the
//!   declared type, the Diesel type for SQLite that reads it:
//!   `TIMESTAMPTZ` is `TimestamptzSqlite`, `JSON` is `Json`, `UUID` is
//!   `Text`.

use crate::backend::Backend;
use crate::model::ColumnType;

use super::names::upper_camel_case;

/// The Diesel type of one column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct DieselType {
    /// The type's name in `diesel::sql_types` or in `sql_types`.
    pub rust_name: String,
    /// The SQL name a custom type is declared with (`postgres_type(name)`,
    /// `mysql_type(name)`).
    pub sql_name: String,
    /// A PostgreSQL array.
    pub array: bool,
    /// MySQL's `UNSIGNED`.
    pub unsigned: bool,
    /// `#[max_length = n]`.
    pub max_length: Option<u32>,
    /// The schema of a PostgreSQL custom type outside `public`.
    pub schema: Option<String>,
    /// Not a type Diesel provides: declared in `sql_types`.
    pub custom: bool,
}

impl DieselType {
    fn named(rust_name: &str) -> DieselType {
        DieselType {
            rust_name: rust_name.into(),
            sql_name: rust_name.into(),
            array: false,
            unsigned: false,
            max_length: None,
            schema: None,
            custom: false,
        }
    }

    /// The type as `table!` takes it, with `Nullable<..>` if `nullable`.
    pub fn written(&self, nullable: bool) -> String {
        let mut ty = self.rust_name.clone();
        if self.unsigned {
            ty = format!("Unsigned<{ty}>");
        }
        if self.array {
            ty = format!("Array<Nullable<{ty}>>");
        }
        if nullable {
            ty = format!("Nullable<{ty}>");
        }
        ty
    }
}

/// The types Diesel provides on PostgreSQL, by `print-schema`'s list.
const PG_PROVIDED: &[&str] = &[
    "Cidr",
    "Citext",
    "Inet",
    "Jsonb",
    "MacAddr",
    "MacAddr8",
    "Money",
    "Oid",
    "Range",
    "Timestamptz",
    "Uuid",
    "Json",
    "PgLsn",
    "Record",
    "Interval",
    "Int4range",
    "Int8range",
    "Daterange",
    "Numrange",
    "Tsrange",
    "Tstzrange",
    "Int4multirange",
    "Int8multirange",
    "Datemultirange",
    "Nummultirange",
    "Tsmultirange",
    "Tstzmultirange",
    "SmallSerial",
    "BigSerial",
    "Serial",
    "Bytea",
    "Bpchar",
    "Macaddr",
    "Macaddr8",
];

/// PostgreSQL's own types (in `pg_catalog`) that Diesel does not provide:
/// `print-schema` names their schema.
const PG_CATALOG: &[&str] = &[
    "tsvector",
    "tsquery",
    "xml",
    "point",
    "line",
    "lseg",
    "box",
    "path",
    "polygon",
    "circle",
    "bit",
    "varbit",
    "timetz",
    "name",
    "regclass",
    "regproc",
    "regtype",
    "txid_snapshot",
    "pg_snapshot",
    "jsonpath",
    "aclitem",
    "cid",
    "xid",
    "xid8",
    "tid",
    "refcursor",
    "char",
    "int2vector",
    "oidvector",
];

/// The types Diesel provides on every backend, by `print-schema`'s list.
const COMMON_PROVIDED: &[&str] = &[
    "Bool",
    "Integer",
    "SmallInt",
    "BigInt",
    "Binary",
    "Text",
    "Double",
    "Float",
    "Numeric",
    "Timestamp",
    "Date",
    "Time",
    "Float4",
    "Smallint",
    "Int2",
    "Int4",
    "Int8",
    "Bigint",
    "Float8",
    "Decimal",
    "VarChar",
    "Varchar",
    "Char",
    "Tinytext",
    "Mediumtext",
    "Longtext",
    "Tinyblob",
    "Blob",
    "Mediumblob",
    "Longblob",
    "Varbinary",
    "Bit",
];

/// The types Diesel provides on MySQL besides the common ones.
const MYSQL_PROVIDED: &[&str] = &["TinyInt", "Tinyint", "Datetime", "Json"];

/// PostgreSQL's `udt_name` of a type as godwit creates it (an array's
/// elements' name, with `_` before it).
fn pg_udt(ty: &ColumnType) -> String {
    use ColumnType::*;
    match ty {
        SmallInt => "int2".into(),
        Integer => "int4".into(),
        BigInt => "int8".into(),
        Boolean => "bool".into(),
        Text => "text".into(),
        Varchar(_) | VarcharUnbounded => "varchar".into(),
        Char(_) => "bpchar".into(),
        Real => "float4".into(),
        Double => "float8".into(),
        Numeric(..) => "numeric".into(),
        Date => "date".into(),
        Time => "time".into(),
        Timestamp => "timestamp".into(),
        TimestampTz => "timestamptz".into(),
        Binary => "bytea".into(),
        Uuid => "uuid".into(),
        Json => "jsonb".into(),
        JsonText => "json".into(),
        Array(element) => format!("_{}", pg_udt(element).trim_start_matches('_')),
        Enum(name) => name.to_string(),
        Custom(name) => pg_custom_udt(name),
    }
}

/// The `udt_name` of a type godwit does not model, from its name as
/// written: without its modifiers, in lower case unless quoted, SQL's
/// spellings of the built-in types as their internal names.
fn pg_custom_udt(name: &str) -> String {
    let name = name.trim();
    let (base, array) = match name.strip_suffix("[]") {
        Some(base) => (base.trim(), true),
        None => (name, false),
    };
    let base = match base.find('(') {
        Some(at) => base[..at].trim(),
        None => base,
    };
    // `schema.type`: the type's own name.
    let base = base.rsplit('.').next().unwrap_or(base);
    let base = match base.strip_prefix('"').and_then(|b| b.strip_suffix('"')) {
        Some(quoted) => quoted.to_string(),
        None => {
            let lower = base.to_lowercase();
            let internal = match lower.as_str() {
                "smallint" => "int2",
                "int" | "integer" => "int4",
                "bigint" => "int8",
                "boolean" => "bool",
                "real" => "float4",
                "double precision" => "float8",
                "decimal" => "numeric",
                "character varying" => "varchar",
                "character" | "char" => "bpchar",
                "timestamp with time zone" => "timestamptz",
                "timestamp without time zone" => "timestamp",
                "time without time zone" => "time",
                "time with time zone" => "timetz",
                "serial" => "int4",
                "bigserial" => "int8",
                "smallserial" => "int2",
                other => return with_array(other.to_string(), array),
            };
            internal.to_string()
        }
    };
    with_array(base, array)
}

fn with_array(base: String, array: bool) -> String {
    if array {
        format!("_{base}")
    } else {
        base
    }
}

/// The Diesel type of a column of `ty` on `backend`. `rowid`: on SQLite,
/// the column is the table's `INTEGER PRIMARY KEY` or references one.
/// `table` and `column` are the Rust names, for MySQL's enum types.
pub(super) fn diesel_type(
    backend: Backend,
    ty: &ColumnType,
    rowid: bool,
    table: &str,
    column: &str,
) -> DieselType {
    match backend {
        Backend::Postgres => postgres(ty),
        Backend::Mysql | Backend::Mariadb => mysql(backend, ty, table, column),
        Backend::Sqlite => sqlite(ty, rowid),
    }
}

fn postgres(ty: &ColumnType) -> DieselType {
    let udt = pg_udt(ty);
    let array = udt.starts_with('_');
    let name = udt.trim_start_matches('_');
    let rust_name = upper_camel_case(name);
    let provided =
        PG_PROVIDED.contains(&rust_name.as_str()) || COMMON_PROVIDED.contains(&rust_name.as_str());
    // information_schema gives a length for character types, not for
    // arrays of them.
    let max_length = match ty {
        ColumnType::Varchar(n) | ColumnType::Char(n) => Some(*n),
        _ => None,
    };
    let schema = match ty {
        ColumnType::Custom(written) | ColumnType::Enum(written) => {
            let base = written.trim().trim_end_matches("[]");
            let base = base.split('(').next().unwrap_or(base).trim();
            match base.rsplit_once('.') {
                Some((schema, _)) if schema.trim_matches('"') != "public" => {
                    Some(schema.trim_matches('"').to_string())
                }
                Some(_) => None,
                None if PG_CATALOG.contains(&name) => Some("pg_catalog".to_string()),
                None => None,
            }
        }
        ColumnType::Array(element) => postgres(element).schema,
        _ => None,
    };
    DieselType {
        rust_name,
        sql_name: name.to_string(),
        array,
        unsigned: false,
        max_length,
        schema,
        custom: !provided,
    }
}

/// The `COLUMN_TYPE` MySQL or MariaDB reports for a column godwit created.
fn mysql_column_type(backend: Backend, ty: &ColumnType) -> String {
    use ColumnType::*;
    match ty {
        SmallInt => "smallint".into(),
        Integer => "int".into(),
        BigInt => "bigint".into(),
        Boolean => "tinyint(1)".into(),
        Text | VarcharUnbounded => "text".into(),
        Varchar(n) => format!("varchar({n})"),
        Char(n) => format!("char({n})"),
        Real => "float".into(),
        Double => "double".into(),
        Numeric(p, s) => format!("decimal({p},{s})"),
        Date => "date".into(),
        Time => "time(6)".into(),
        Timestamp => "datetime(6)".into(),
        TimestampTz => "timestamp(6)".into(),
        Binary => "longblob".into(),
        Uuid => "char(36)".into(),
        // MariaDB's JSON is an alias of LONGTEXT (with a json_valid check).
        Json | JsonText if backend == Backend::Mariadb => "longtext".into(),
        Json | JsonText => "json".into(),
        // Refused on MySQL (no arrays); a JSON list is what stands in.
        Array(_) => "json".into(),
        Enum(_) => "enum".into(),
        Custom(name) => name.trim().to_lowercase(),
    }
}

fn mysql(backend: Backend, ty: &ColumnType, table: &str, column: &str) -> DieselType {
    let column_type = mysql_column_type(backend, ty);
    let unsigned = column_type.contains("unsigned");
    let name = if column_type == "tinyint(1)" {
        "bool".to_string()
    } else if column_type.starts_with("int") {
        "integer".to_string()
    } else {
        let base = column_type.split('(').next().unwrap_or_default();
        base.replace("unsigned", "").trim().to_string()
    };
    let mut rust_name = upper_camel_case(&name);
    let provided = MYSQL_PROVIDED.contains(&rust_name.as_str())
        || COMMON_PROVIDED.contains(&rust_name.as_str());
    if !provided {
        // A type of its own per column.
        rust_name = upper_camel_case(&format!("{table} {column} {rust_name}"));
    }
    // `CHARACTER_MAXIMUM_LENGTH`, kept only where the type says a length;
    // an enum's is the length of its longest value.
    let max_length = match ty {
        ColumnType::Varchar(n) | ColumnType::Char(n) => Some(*n),
        ColumnType::Uuid => Some(36),
        _ => None,
    };
    DieselType {
        rust_name,
        sql_name: name,
        array: false,
        unsigned,
        max_length,
        schema: None,
        custom: !provided,
    }
}

fn sqlite(ty: &ColumnType, rowid: bool) -> DieselType {
    use ColumnType::*;
    let declared = match ty {
        SmallInt => "smallint".to_string(),
        Integer => "integer".to_string(),
        BigInt => "bigint".to_string(),
        Boolean => "boolean".to_string(),
        Text | Enum(_) => "text".to_string(),
        Varchar(_) | VarcharUnbounded => "varchar".to_string(),
        Char(_) => "char".to_string(),
        Real => "real".to_string(),
        Double => "double".to_string(),
        Numeric(..) => "numeric".to_string(),
        Date => "date".to_string(),
        Time => "time".to_string(),
        Timestamp => "timestamp".to_string(),
        Binary => "blob".to_string(),
        // What print-schema refuses: the type that reads the values.
        TimestampTz => return DieselType::named("TimestamptzSqlite"),
        Json | JsonText | Array(_) => return DieselType::named("Json"),
        Uuid => return DieselType::named("Text"),
        Custom(name) => name.trim().to_lowercase(),
    };
    let has = |w: &str| declared.contains(w);
    let name = if declared == "boolean" || declared == "bool" || (has("tiny") && has("int")) {
        "Bool"
    } else if declared == "int2" || (has("small") && has("int")) {
        "SmallInt"
    } else if declared == "int8" || (has("big") && has("int")) {
        "BigInt"
    } else if has("int") {
        if rowid {
            "BigInt"
        } else {
            "Integer"
        }
    } else if has("char") || has("clob") || has("text") {
        "Text"
    } else if has("blob") || has("binary") || declared.is_empty() {
        "Binary"
    } else if has("float") || has("real") {
        "Float"
    } else if has("double") || has("num") || has("dec") {
        "Double"
    } else if declared == "datetime" || declared.starts_with("timestamp") {
        "Timestamp"
    } else if declared == "date" {
        "Date"
    } else if declared == "time" {
        "Time"
    } else {
        // print-schema refuses it; its values read as text.
        "Text"
    };
    DieselType::named(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ColumnType::*;

    fn pg(ty: ColumnType) -> String {
        postgres(&ty).written(false)
    }

    #[test]
    fn postgres_types_are_udt_names_in_camel_case() {
        assert_eq!(pg(SmallInt), "Int2");
        assert_eq!(pg(BigInt), "Int8");
        assert_eq!(pg(Char(2)), "Bpchar");
        assert_eq!(pg(Json), "Jsonb");
        assert_eq!(pg(JsonText), "Json");
        assert_eq!(pg(Array(Box::new(Integer))), "Array<Nullable<Int4>>");
        assert_eq!(pg(Custom("double precision".into())), "Float8");
        assert_eq!(pg(Custom("tsvector".into())), "Tsvector");
        assert!(postgres(&Custom("tsvector".into())).custom);
        assert_eq!(
            postgres(&Custom("tsvector".into())).schema.as_deref(),
            Some("pg_catalog")
        );
        assert_eq!(postgres(&Custom("citext".into())).schema, None);
        assert!(postgres(&Enum("user_mood".into())).custom);
        assert_eq!(postgres(&Varchar(20)).max_length, Some(20));
        assert_eq!(postgres(&Array(Box::new(Varchar(20)))).max_length, None);
    }

    #[test]
    fn mysql_types_are_column_types_in_camel_case() {
        let my = |ty: ColumnType| mysql(Backend::Mysql, &ty, "users", "mood").written(true);
        assert_eq!(my(Boolean), "Nullable<Bool>");
        assert_eq!(my(Integer), "Nullable<Integer>");
        assert_eq!(my(Timestamp), "Nullable<Datetime>");
        assert_eq!(my(TimestampTz), "Nullable<Timestamp>");
        assert_eq!(my(Binary), "Nullable<Longblob>");
        assert_eq!(my(Enum("mood".into())), "Nullable<UsersMoodEnum>");
        assert_eq!(
            my(Custom("int unsigned".into())),
            "Nullable<Unsigned<Integer>>"
        );
        assert_eq!(
            mysql(Backend::Mariadb, &Json, "t", "c").written(false),
            "Longtext"
        );
    }

    #[test]
    fn sqlite_types_by_affinity_words() {
        let lite = |ty: ColumnType, rowid| sqlite(&ty, rowid).written(false);
        assert_eq!(lite(Integer, false), "Integer");
        assert_eq!(lite(Integer, true), "BigInt");
        assert_eq!(lite(BigInt, false), "BigInt");
        assert_eq!(lite(Varchar(3), false), "Text");
        assert_eq!(lite(Numeric(3, 1), false), "Double");
        assert_eq!(lite(Real, false), "Float");
        assert_eq!(lite(TimestampTz, false), "TimestamptzSqlite");
    }
}
