//! Whether a `sql(..)` default may give each row its own value: the one owner
//! of that judgement, used by `volatile-default` and by
//! [`crate::model::DefaultValue::is_volatile`].
//!
//! When a column is added with a default, PostgreSQL (11 and later)
//! evaluates a non-volatile default once and stores the value in the
//! catalog; a volatile one must be evaluated for each existing row, which
//! rewrites the table. PostgreSQL decides by the functions the default
//! calls: an expression is volatile if any of them is. So is godwit's
//! reading: the default is parsed, every function call in it is found, and
//!
//! - a call of a built-in known to be volatile (`random()`,
//!   `gen_random_uuid()`, `nextval(..)`, ..) makes it [`Volatile::Known`];
//! - a call of any function that is not a built-in known to be immutable or
//!   stable (`now()`, `lower(..)`, `coalesce(..)`, ..) makes it
//!   [`Volatile::Unknown`]: a user-defined function is VOLATILE unless its
//!   `CREATE FUNCTION` says IMMUTABLE or STABLE, and godwit cannot read that.
//!
//! Literals, operators, casts and the SQL forms that are not calls
//! (`CURRENT_TIMESTAMP`, `EXTRACT(..)`, `CASE`, ..) are not volatile
//! themselves; their operands are looked into.

use sqlparser::ast::{
    AccessExpr, Expr, Function, FunctionArg, FunctionArgExpr, FunctionArguments, InTarget,
    JsonPathElem, ObjectNamePart, Subscript,
};

use super::sql;

/// Built-ins whose value differs per row (or per call).
const VOLATILE: &[&str] = &[
    // PostgreSQL
    "random",
    "random_normal",
    "gen_random_uuid",
    "gen_random_bytes",
    "uuidv4",
    "uuidv7",
    "uuid_generate_v1",
    "uuid_generate_v1mc",
    "uuid_generate_v4",
    "clock_timestamp",
    "timeofday",
    "nextval",
    "currval",
    "lastval",
    "setval",
    // MySQL
    "rand",
    "uuid",
    "uuid_short",
    "random_bytes",
    "sysdate",
    // SQLite
    "randomblob",
];

/// Built-ins that are immutable or stable (the same value for every row of
/// one statement), as PostgreSQL declares them, and their MySQL and SQLite
/// counterparts.
const NOT_VOLATILE: &[&str] = &[
    // Time: evaluated once per statement.
    "now",
    "current_timestamp",
    "current_date",
    "current_time",
    "localtime",
    "localtimestamp",
    "transaction_timestamp",
    "statement_timestamp",
    "date_trunc",
    "date_part",
    "date_bin",
    "make_date",
    "make_time",
    "make_timestamp",
    "make_timestamptz",
    "make_interval",
    "to_timestamp",
    "to_date",
    "to_char",
    "age",
    "timezone",
    "justify_days",
    "justify_hours",
    "justify_interval",
    "curdate",
    "curtime",
    "utc_timestamp",
    "utc_date",
    "utc_time",
    "unix_timestamp",
    "from_unixtime",
    "date_format",
    "date_add",
    "date_sub",
    "str_to_date",
    "datetime",
    "date",
    "time",
    "julianday",
    "strftime",
    "unixepoch",
    // Text.
    "lower",
    "upper",
    "lcase",
    "ucase",
    "initcap",
    "concat",
    "concat_ws",
    "length",
    "char_length",
    "character_length",
    "octet_length",
    "substr",
    "substring",
    "left",
    "right",
    "lpad",
    "rpad",
    "ltrim",
    "rtrim",
    "btrim",
    "trim",
    "replace",
    "repeat",
    "reverse",
    "split_part",
    "translate",
    "regexp_replace",
    "format",
    "printf",
    "md5",
    "sha1",
    "sha2",
    "sha224",
    "sha256",
    "sha384",
    "sha512",
    "encode",
    "decode",
    "to_hex",
    "hex",
    "unhex",
    "chr",
    "char",
    "ascii",
    "quote_ident",
    "quote_literal",
    "quote_nullable",
    "strpos",
    "instr",
    // Numbers.
    "abs",
    "ceil",
    "ceiling",
    "floor",
    "round",
    "trunc",
    "truncate",
    "mod",
    "div",
    "power",
    "pow",
    "sqrt",
    "cbrt",
    "exp",
    "ln",
    "log",
    "log10",
    "sign",
    "pi",
    "greatest",
    "least",
    "to_number",
    // Conditions.
    "coalesce",
    "nullif",
    "ifnull",
    "if",
    "iif",
    // JSON and arrays.
    "json",
    "json_array",
    "json_object",
    "json_build_array",
    "json_build_object",
    "jsonb_build_array",
    "jsonb_build_object",
    "jsonb_object",
    "to_json",
    "to_jsonb",
    "array",
    "array_fill",
    "array_length",
    "cardinality",
    "string_to_array",
    "array_to_string",
    // The session.
    "current_user",
    "session_user",
    "user",
    "current_role",
    "current_schema",
    "current_catalog",
    "current_database",
    "current_setting",
    "database",
    "version",
    // UUIDs computed from their arguments, or constant.
    "uuid_nil",
    "uuid_ns_dns",
    "uuid_ns_url",
    "uuid_ns_oid",
    "uuid_ns_x500",
    "uuid_generate_v3",
    "uuid_generate_v5",
    "uuid_to_bin",
    "bin_to_uuid",
];

/// Why a default may give each row its own value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Volatile {
    /// It calls this built-in, which is volatile.
    Known(String),
    /// It calls this function, which godwit does not know to be immutable
    /// or stable (as written, with its schema if it has one).
    Unknown(String),
}

/// Whether the default `sql` may give each row its own value, and which call
/// makes it so (a known volatile built-in first). `None` when it calls only
/// known immutable or stable functions, and when it does not parse
/// (`invalid-sql` reports that).
pub fn volatile_call(sql: &str) -> Option<Volatile> {
    volatile_call_with(sql, |_| false)
}

/// [`volatile_call`], with `not_volatile` saying which functions that are
/// not built-ins are known to be IMMUTABLE or STABLE (those the history
/// created so).
pub(crate) fn volatile_call_with(
    sql: &str,
    not_volatile: impl Fn(&str) -> bool,
) -> Option<Volatile> {
    let expr = sql::expression(sql).ok()?;
    let mut found = Vec::new();
    calls(&expr, &mut found);
    let mut unknown = None;
    for f in found {
        let names: Vec<(&str, bool)> = f
            .name
            .0
            .iter()
            .map(|part| match part {
                ObjectNamePart::Identifier(i) => (i.value.as_str(), i.quote_style.is_some()),
                // A function name that is itself a call: not a built-in.
                ObjectNamePart::Function(_) => ("", true),
            })
            .collect();
        // An unquoted name is folded by the database; a quoted one is exact.
        let is = |(name, quoted): (&str, bool), list: &[&str]| {
            list.iter().any(|k| {
                if quoted {
                    name == *k
                } else {
                    name.eq_ignore_ascii_case(k)
                }
            })
        };
        let Some(&last) = names.last() else {
            continue;
        };
        if is(last, VOLATILE) {
            return Some(Volatile::Known(f.name.to_string()));
        }
        // A built-in is called by its name alone or through pg_catalog; the
        // same name in another schema is the user's own function.
        let builtin = match &names[..] {
            [_] => true,
            [schema, _] => is(*schema, &["pg_catalog"]),
            _ => false,
        };
        let known = (builtin && is(last, NOT_VOLATILE)) || not_volatile(&f.name.to_string());
        if !known {
            unknown.get_or_insert_with(|| f.name.to_string());
        }
    }
    unknown.map(Volatile::Unknown)
}

/// Every function call in `expr`, outermost first.
fn calls<'e>(expr: &'e Expr, out: &mut Vec<&'e Function>) {
    match expr {
        Expr::Function(f) => {
            out.push(f);
            for args in [&f.parameters, &f.args] {
                if let FunctionArguments::List(list) = args {
                    function_args(&list.args, out);
                }
            }
            all(f.filter.iter().map(|e| &**e), out);
        }
        Expr::IsFalse(e)
        | Expr::IsNotFalse(e)
        | Expr::IsTrue(e)
        | Expr::IsNotTrue(e)
        | Expr::IsNull(e)
        | Expr::IsNotNull(e)
        | Expr::IsUnknown(e)
        | Expr::IsNotUnknown(e)
        | Expr::IsJson { expr: e, .. }
        | Expr::IsNormalized { expr: e, .. }
        | Expr::UnaryOp { expr: e, .. }
        | Expr::Cast { expr: e, .. }
        | Expr::Extract { expr: e, .. }
        | Expr::Ceil { expr: e, .. }
        | Expr::Floor { expr: e, .. }
        | Expr::Collate { expr: e, .. }
        | Expr::Nested(e)
        | Expr::Prefixed { value: e, .. }
        | Expr::Named { expr: e, .. }
        | Expr::OuterJoin(e)
        | Expr::Prior(e) => calls(e, out),
        Expr::IsDistinctFrom(a, b)
        | Expr::IsNotDistinctFrom(a, b)
        | Expr::BinaryOp {
            left: a, right: b, ..
        }
        | Expr::AnyOp {
            left: a, right: b, ..
        }
        | Expr::AllOp {
            left: a, right: b, ..
        }
        | Expr::RLike {
            expr: a,
            pattern: b,
            ..
        }
        | Expr::AtTimeZone {
            timestamp: a,
            time_zone: b,
        }
        | Expr::Position { expr: a, r#in: b } => all([a, b].into_iter().map(|e| &**e), out),
        Expr::Like {
            expr,
            pattern,
            escape_char,
            ..
        }
        | Expr::ILike {
            expr,
            pattern,
            escape_char,
            ..
        }
        | Expr::SimilarTo {
            expr,
            pattern,
            escape_char,
            ..
        } => all(
            [expr, pattern].into_iter().chain(escape_char).map(|e| &**e),
            out,
        ),
        Expr::Between {
            expr, low, high, ..
        } => all([expr, low, high].into_iter().map(|e| &**e), out),
        Expr::In { expr, target, .. } => {
            calls(expr, out);
            match target {
                InTarget::List(list) => all(list.iter(), out),
                InTarget::Unnest(e) => calls(e, out),
                InTarget::Table {
                    args: Some(args), ..
                } => function_args(args, out),
                // A subquery is not allowed in a default; the database says so.
                InTarget::Table { args: None, .. } | InTarget::Subquery(_) => {}
            }
        }
        Expr::Convert { expr, styles, .. } => {
            calls(expr, out);
            all(styles.iter(), out);
        }
        Expr::Substring {
            expr,
            substring_from,
            substring_for,
            ..
        } => all(
            [Some(expr), substring_from.as_ref(), substring_for.as_ref()]
                .into_iter()
                .flatten()
                .map(|e| &**e),
            out,
        ),
        Expr::Trim {
            expr,
            trim_what,
            trim_characters,
            ..
        } => {
            all(
                [Some(expr), trim_what.as_ref()]
                    .into_iter()
                    .flatten()
                    .map(|e| &**e),
                out,
            );
            all(trim_characters.iter().flatten(), out);
        }
        Expr::Overlay {
            expr,
            overlay_what,
            overlay_from,
            overlay_for,
        } => all(
            [
                Some(expr),
                Some(overlay_what),
                Some(overlay_from),
                overlay_for.as_ref(),
            ]
            .into_iter()
            .flatten()
            .map(|e| &**e),
            out,
        ),
        Expr::Case {
            operand,
            conditions,
            else_result,
            ..
        } => {
            all(operand.iter().map(|e| &**e), out);
            for c in conditions {
                calls(&c.condition, out);
                calls(&c.result, out);
            }
            all(else_result.iter().map(|e| &**e), out);
        }
        Expr::CompoundFieldAccess { root, access_chain } => {
            calls(root, out);
            for access in access_chain {
                match access {
                    AccessExpr::Dot(e) | AccessExpr::Subscript(Subscript::Index { index: e }) => {
                        calls(e, out)
                    }
                    AccessExpr::Subscript(Subscript::Slice {
                        lower_bound,
                        upper_bound,
                        stride,
                    }) => all(
                        [lower_bound, upper_bound, stride].into_iter().flatten(),
                        out,
                    ),
                }
            }
        }
        Expr::JsonAccess { value, path } => {
            calls(value, out);
            for elem in &path.path {
                match elem {
                    JsonPathElem::Bracket { key } | JsonPathElem::ColonBracket { key } => {
                        calls(key, out)
                    }
                    JsonPathElem::Dot { .. } => {}
                }
            }
        }
        Expr::GroupingSets(sets) | Expr::Cube(sets) | Expr::Rollup(sets) => {
            all(sets.iter().flatten(), out)
        }
        Expr::Tuple(list) | Expr::Struct { values: list, .. } => all(list.iter(), out),
        Expr::Array(array) => all(array.elem.iter(), out),
        Expr::Interval(interval) => calls(&interval.value, out),
        Expr::Dictionary(fields) => all(fields.iter().map(|f| &*f.value), out),
        Expr::Map(map) => all(map.entries.iter().flat_map(|e| [&*e.key, &*e.value]), out),
        Expr::Lambda(lambda) => calls(&lambda.body, out),
        Expr::MemberOf(m) => all([&*m.value, &*m.array], out),
        // A subquery is not allowed in a default; the database says so.
        Expr::Exists { .. } | Expr::Subquery(_) => {}
        Expr::Identifier(_)
        | Expr::CompoundIdentifier(_)
        | Expr::Value(_)
        | Expr::TypedString(_)
        | Expr::MatchAgainst { .. }
        | Expr::Wildcard(_)
        | Expr::QualifiedWildcard(..) => {}
    }
}

fn all<'e>(exprs: impl IntoIterator<Item = &'e Expr>, out: &mut Vec<&'e Function>) {
    for e in exprs {
        calls(e, out);
    }
}

fn function_args<'e>(args: &'e [FunctionArg], out: &mut Vec<&'e Function>) {
    for arg in args {
        let (FunctionArg::Named { arg, .. }
        | FunctionArg::ExprNamed { arg, .. }
        | FunctionArg::Unnamed(arg)) = arg;
        if let FunctionArgExpr::Expr(e) = arg {
            calls(e, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(name: &str) -> Option<Volatile> {
        Some(Volatile::Known(name.into()))
    }

    fn unknown(name: &str) -> Option<Volatile> {
        Some(Volatile::Unknown(name.into()))
    }

    #[test]
    fn known_volatile_built_ins() {
        assert_eq!(volatile_call("gen_random_uuid()"), known("gen_random_uuid"));
        assert_eq!(volatile_call("RANDOM ()"), known("RANDOM"));
        assert_eq!(
            volatile_call("nextval('users_seq'::regclass)"),
            known("nextval")
        );
        assert_eq!(volatile_call("(uuid())"), known("uuid"));
        // Inside anything: an argument, an operand, a cast, a CASE.
        assert_eq!(volatile_call("md5(random()::text)"), known("random"));
        assert_eq!(
            volatile_call("now() + random() * interval '1 day'"),
            known("random")
        );
        assert_eq!(
            volatile_call("CASE WHEN true THEN clock_timestamp() END"),
            known("clock_timestamp")
        );
        assert_eq!(
            volatile_call("substring(md5(random()::text) from 1 for 8)"),
            known("random")
        );
        // A known one is named before an unknown one.
        assert_eq!(volatile_call("my_fn(random())"), known("random"));
    }

    #[test]
    fn unknown_functions_count_as_volatile() {
        assert_eq!(volatile_call("random_string(26)"), unknown("random_string"));
        assert_eq!(
            volatile_call("lower(app.next_code())"),
            unknown("app.next_code")
        );
        // The name of a built-in in another schema is the user's own.
        assert_eq!(volatile_call("app.lower('A')"), unknown("app.lower"));
        assert_eq!(volatile_call("pg_catalog.lower('A')"), None);
        // A quoted name is not folded: "Lower" is not lower.
        assert_eq!(volatile_call("\"Lower\"('A')"), unknown("\"Lower\""));
    }

    #[test]
    fn stable_and_immutable_defaults() {
        for sql in [
            "now()",
            "CURRENT_TIMESTAMP",
            "current_date",
            "localtimestamp",
            "now() + interval '30 days'",
            "date_trunc('day', now())",
            "EXTRACT(epoch FROM now())",
            "lower('A')",
            "coalesce(current_setting('app.tenant', true), 'none')",
            "'{}'::jsonb",
            "ARRAY[]::text[]",
            "jsonb_build_object('a', 1)",
            "(utc_timestamp())",
            "datetime('now')",
            "current_user",
            "uuid_generate_v5(uuid_ns_url(), 'https://example.com')",
            "'x'",
            "0",
        ] {
            assert_eq!(volatile_call(sql), None, "{sql}");
        }
        // What does not parse is invalid-sql's to report.
        assert_eq!(volatile_call("random("), None);
    }
}
