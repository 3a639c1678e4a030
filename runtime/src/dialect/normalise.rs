//! What a backend cannot tell back exactly, made comparable.
//!
//! The model says what a migration wrote; the catalog says what the server
//! kept, in its own spelling (`'light'::character varying`, `current_timestamp(6)`,
//! `(price > (0)::numeric)`). [`normalise`] is applied to both the model and
//! the introspected schema before they are compared; docs/TYPES.md lists
//! what it folds per backend.

use godwit_core::schema::{primary_key_name, ConstraintKind, Index, Schema};
use godwit_core::{Action, ColumnType, DefaultValue};

use super::Dialect;

/// A SQL expression in a canonical spelling, for comparing what a migration
/// wrote with what a server's catalog gives back: lower case outside string
/// literals, without whitespace, parentheses, identifier quotes or `::type`
/// casts, with `true`/`false` as `1`/`0`, the current-timestamp spellings as
/// `current_timestamp`, and a quoted or written number as its plain value.
///
/// It is lossy on purpose (`(a + b) * c` and `a + b * c` fold together); it
/// serves comparisons, never execution.
pub fn canonical_sql(expr: &str) -> String {
    // 1. Outside literals: drop whitespace, parens and quotes, lower-case.
    //    A literal is decoded (`''` and MySQL's backslash escapes) and written
    //    back one way; a literal holding a number is written as the number.
    let mut out = String::new();
    let mut chars = expr.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                let mut value = String::new();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            if let Some(next) = chars.next() {
                                value.push(next);
                            }
                        }
                        '\'' if chars.peek() == Some(&'\'') => {
                            value.push('\'');
                            chars.next();
                        }
                        '\'' => break,
                        c => value.push(c),
                    }
                }
                match value.trim().parse::<f64>() {
                    Ok(x) if !value.trim().is_empty() => out.push_str(&format!("{x}")),
                    _ => {
                        out.push('\'');
                        out.push_str(&value.replace('\'', "''"));
                        out.push('\'');
                    }
                }
            }
            c if c.is_whitespace() || c == '(' || c == ')' || c == '"' || c == '`' => {}
            c => out.push(c.to_ascii_lowercase()),
        }
    }
    // 2. Drop `::type` casts (the type name is letters, digits, `_`, `,`, `[]`).
    let mut s = String::new();
    let mut rest = out.as_str();
    while let Some(i) = find_outside_literals(rest, "::") {
        s.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let end = after
            .find(|c: char| {
                !(c.is_ascii_alphanumeric() || c == '_' || c == ',' || c == '[' || c == ']')
            })
            .unwrap_or(after.len());
        rest = &after[end..];
    }
    s.push_str(rest);
    // MariaDB keeps `length(..)` as its synonym `octet_length(..)`.
    let s = s.replace("octet_length", "length");
    // 3. Whole-value spellings.
    let s = match s.as_str() {
        "true" => "1".to_string(),
        "false" => "0".to_string(),
        "now" | "current_timestamp" | "current_timestamp6" | "localtimestamp" => {
            "current_timestamp".to_string()
        }
        "curdate" | "current_date" => "current_date".to_string(),
        "curtime" | "current_time" => "current_time".to_string(),
        _ => s,
    };
    match s.parse::<f64>() {
        Ok(x) if !s.is_empty() => format!("{x}"),
        _ => s,
    }
}

fn find_outside_literals(s: &str, needle: &str) -> Option<usize> {
    let mut in_literal = false;
    for (i, c) in s.char_indices() {
        if c == '\'' {
            in_literal = !in_literal;
        } else if !in_literal && s[i..].starts_with(needle) {
            return Some(i);
        }
    }
    None
}

fn canonical_default(d: &DefaultValue, ty: ColumnType, dialect: Dialect) -> DefaultValue {
    let text = match d {
        DefaultValue::Sql(s) => s.to_string(),
        other => dialect.default_value(other, ty),
    };
    let mut c = canonical_sql(&text);
    if c == "current_timestamp" || c.starts_with("current_timestamp") {
        c = "current_timestamp".into();
    }
    DefaultValue::Sql(c.into())
}

/// A schema in the form in which the model and the introspected database
/// compare equal on `dialect`. Applied to both sides:
///
/// - every backend: defaults, check expressions and index predicates in
///   [`canonical_sql`] form;
/// - SQLite: an AUTOINCREMENT key is `BigInt` (SQLite's rowid is 64-bit,
///   whatever the declared type); every constraint counts as validated (SQLite
///   has no NOT VALID: a rebuild checks every row);
/// - MySQL/MariaDB: `Uuid` is `Char(36)`; a unique constraint is a unique index
///   (the server keeps no difference); `RESTRICT` is `NO ACTION` (InnoDB
///   treats them alike); the primary key is named `<table>_pkey` (the server
///   names it `PRIMARY`); every constraint counts as validated.
pub fn normalise(schema: &Schema, dialect: Dialect) -> Schema {
    let mut s = schema.clone();
    for (table_name, table) in s.tables.iter_mut() {
        let table = std::sync::Arc::make_mut(table);
        for c in &mut table.columns {
            c.deprecated = false;
            c.default = c
                .default
                .as_ref()
                .map(|d| canonical_default(d, c.ty, dialect));
            match dialect {
                Dialect::Sqlite if c.autoincrement => c.ty = ColumnType::BigInt,
                Dialect::Mysql if c.ty == ColumnType::Uuid => c.ty = ColumnType::Char(36),
                _ => {}
            }
            c.autoincrement = false;
        }
        table.deprecated = false;
        for i in table.indexes.values_mut() {
            i.predicate = i.predicate.as_deref().map(canonical_sql);
        }
        let mut moved = Vec::new();
        for (name, c) in table.constraints.iter_mut() {
            if dialect != Dialect::Postgres {
                c.valid = true;
            }
            match &mut c.kind {
                ConstraintKind::Check { expr } => *expr = canonical_sql(expr),
                ConstraintKind::ForeignKey { on_delete, .. }
                    if dialect == Dialect::Mysql && *on_delete == Action::Restrict =>
                {
                    *on_delete = Action::NoAction
                }
                ConstraintKind::Unique { columns } if dialect == Dialect::Mysql => {
                    moved.push((name.clone(), columns.clone()))
                }
                _ => {}
            }
        }
        if dialect == Dialect::Mysql {
            // MySQL names every primary key PRIMARY; introspection calls it
            // `<table>_pkey`, which a renamed table's model name is not.
            let pk = table
                .constraints
                .iter()
                .find(|(_, c)| matches!(c.kind, ConstraintKind::PrimaryKey { .. }))
                .map(|(n, _)| n.clone());
            if let Some(pk) = pk {
                if let Some(c) = table.constraints.remove(&pk) {
                    table.constraints.insert(primary_key_name(table_name), c);
                }
            }
        }
        for (name, columns) in moved {
            table.constraints.remove(&name);
            table.indexes.insert(
                name,
                Index {
                    columns,
                    unique: true,
                    predicate: None,
                },
            );
        }
    }
    s
}
