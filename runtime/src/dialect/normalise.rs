//! What a backend cannot tell back exactly, made comparable.
//!
//! The model says what a migration wrote; the catalog says what the server
//! kept, in its own spelling (`'light'::character varying`, `current_timestamp(6)`,
//! `(price > (0)::numeric)`). [`normalise`] is applied to both the model and
//! the introspected schema before they are compared; docs/TYPES.md lists
//! what it folds per backend.

use std::collections::BTreeMap;
use std::iter::Peekable;

use godwit_core::schema::{primary_key_name, ConstraintKind, Index, Schema};
use godwit_core::sql_text::{self, Syntax, Token, TokenKind};
use godwit_core::{Action, ColumnType, DefaultValue, IndexMethod};

use super::Dialect;

/// A SQL expression in a canonical spelling, for comparing what a migration
/// wrote with what a server's catalog gives back: lower case outside string
/// literals, without white space, comments, parentheses, identifier quotes
/// or `::type` casts, with `true`/`false` as `1`/`0`, the current-timestamp
/// spellings as `current_timestamp`, and a quoted or written number as its
/// plain value. String literals are read as MySQL reads them (a backslash
/// escapes); [`normalise`] reads each backend's text by that backend's rules.
///
/// It is lossy on purpose (`(a + b) * c` and `a + b * c` fold together); it
/// serves comparisons, never execution.
pub fn canonical_sql(expr: &str) -> String {
    canonical(expr, Syntax::Mysql)
}

fn syntax(dialect: Dialect) -> Syntax {
    dialect.syntax()
}

/// [`canonical_sql`], reading `expr` by `syntax`.
fn canonical(expr: &str, syntax: Syntax) -> String {
    // Each token as written back, in order: the pieces of the text.
    let mut pieces: Vec<String> = Vec::new();
    let mut tokens = sql_text::tokens(expr, syntax)
        .filter(|t| !t.is_trivia())
        .peekable();
    while let Some(t) = tokens.next() {
        match t.kind {
            // A literal is written back one way (`''` doubled, whatever the
            // escapes or quotes it was written with); one holding a number,
            // as the number. `E` and `N` say how to read it, not what it is.
            TokenKind::String | TokenKind::DollarString => {
                if let Some(p) = t
                    .string_prefix()
                    .filter(|p| !matches!(p, 'E' | 'e' | 'N' | 'n'))
                {
                    pieces.push(p.to_ascii_lowercase().to_string());
                }
                let value = t.string_value().unwrap_or_default();
                match value.trim().parse::<f64>() {
                    Ok(x) if !value.trim().is_empty() => pieces.push(format!("{x}")),
                    _ => pieces.push(format!("'{}'", value.replace('\'', "''"))),
                }
            }
            TokenKind::QuotedName => {
                pieces.push(t.name().unwrap_or_default().to_ascii_lowercase());
            }
            TokenKind::Punct
                if t.is_punct(':') && tokens.peek().is_some_and(|n| n.is_punct(':')) =>
            {
                tokens.next();
                skip_cast_type(&mut tokens);
            }
            TokenKind::Punct if t.is_punct('(') || t.is_punct(')') => {}
            // MariaDB keeps `length(..)` as its synonym `octet_length(..)`,
            // `upper(..)` and `lower(..)` as `ucase(..)` and `lcase(..)`.
            TokenKind::Word if t.is_keyword("octet_length") => pieces.push("length".into()),
            TokenKind::Word if t.is_keyword("ucase") => pieces.push("upper".into()),
            TokenKind::Word if t.is_keyword("lcase") => pieces.push("lower".into()),
            _ => pieces.push(t.text.to_ascii_lowercase()),
        }
    }
    let out = instr_as_locate(unfold_between(pieces)).concat();
    // Whole-value spellings.
    let s = match out.as_str() {
        "true" => "1".to_string(),
        "false" => "0".to_string(),
        "now" | "current_timestamp" | "current_timestamp6" | "localtimestamp" => {
            "current_timestamp".to_string()
        }
        "curdate" | "current_date" => "current_date".to_string(),
        "curtime" | "current_time" => "current_time".to_string(),
        _ => out,
    };
    match s.parse::<f64>() {
        Ok(x) if !s.is_empty() => format!("{x}"),
        _ => s,
    }
}

/// `x BETWEEN a AND b` as `x >= a AND x <= b`, and `x NOT BETWEEN a AND b`
/// as `x < a OR x > b`, which is how PostgreSQL keeps them. Only an `x`,
/// `a` and `b` of one token each (a column, a literal) are unfolded: the
/// pieces carry no parentheses to say where a longer one starts.
fn unfold_between(pieces: Vec<String>) -> Vec<String> {
    let operand = |p: &str| {
        p.starts_with(|c: char| c.is_alphanumeric() || c == '_' || c == '\'' || c == '"')
            && !matches!(p, "and" | "or" | "not")
    };
    let mut out: Vec<String> = Vec::with_capacity(pieces.len());
    let mut i = 0;
    while i < pieces.len() {
        let at = |k: usize| pieces.get(k).map(String::as_str);
        if at(i) == Some("between") && at(i + 2) == Some("and") && i + 3 < pieces.len() {
            let negated = out.last().is_some_and(|p| p == "not");
            if negated {
                out.pop();
            }
            // `x` must start its operand: the text's start, or a piece
            // that ends one (`AND`, `OR`, `NOT`, a comma).
            let starts =
                out.len() < 2 || matches!(out[out.len() - 2].as_str(), "and" | "or" | "not" | ",");
            let x = out.last().filter(|p| starts && operand(p)).cloned();
            if let Some(x) = x {
                let (a, b) = (pieces[i + 1].clone(), pieces[i + 3].clone());
                let (low, join, high) = if negated {
                    ("<", "or", ">")
                } else {
                    (">=", "and", "<=")
                };
                out.extend([low.to_string(), a, join.to_string(), x, high.to_string(), b]);
                i += 4;
                continue;
            }
            if negated {
                out.push("not".to_string());
            }
        }
        out.push(pieces[i].clone());
        i += 1;
    }
    out
}

/// `instr(s, sub)` as `locate(sub, s)`, which is how MariaDB keeps it, for
/// arguments of one token each (the pieces carry no parentheses to say
/// where a longer one ends).
fn instr_as_locate(mut pieces: Vec<String>) -> Vec<String> {
    let one_token = |p: &str| p.starts_with(|c: char| c.is_alphanumeric() || c == '_' || c == '\'');
    for i in 0..pieces.len() {
        let simple = pieces[i] == "instr"
            && pieces.get(i + 2).is_some_and(|p| p == ",")
            && pieces.get(i + 1).is_some_and(|p| one_token(p))
            && pieces.get(i + 3).is_some_and(|p| one_token(p))
            && pieces.get(i + 4).is_none_or(|p| p != ",");
        if simple {
            pieces[i] = "locate".to_string();
            pieces.swap(i + 1, i + 3);
        }
    }
    pieces
}

/// Skips the type of a `::type` cast: a name, possibly qualified or of
/// several words (`pg_catalog.text`, `character varying`, `"char"`,
/// `timestamp(6) with time zone`), its modifiers and array brackets.
fn skip_cast_type<'a>(tokens: &mut Peekable<impl Iterator<Item = Token<'a>>>) {
    const MORE_WORDS: [&str; 6] = ["varying", "precision", "with", "without", "time", "zone"];
    if tokens.next_if(|t| t.name().is_some()).is_none() {
        return;
    }
    while let Some(t) = tokens.peek() {
        if t.is_punct('.') {
            tokens.next();
            tokens.next_if(|t| t.name().is_some());
        } else if MORE_WORDS.iter().any(|w| t.is_keyword(w)) {
            tokens.next();
        } else if t.is_punct('(') {
            let mut depth = 0usize;
            for t in tokens.by_ref() {
                depth += usize::from(t.is_punct('('));
                depth -= usize::from(t.is_punct(')'));
                if depth == 0 {
                    break;
                }
            }
        } else if t.is_punct('[') {
            tokens.next();
            tokens.next_if(|t| t.kind == TokenKind::Number);
            tokens.next_if(|t| t.is_punct(']'));
        } else {
            return;
        }
    }
}

fn canonical_default(d: &DefaultValue, ty: &ColumnType, dialect: Dialect) -> DefaultValue {
    let text = match d {
        DefaultValue::Sql(s) => s.to_string(),
        other => dialect.default_value(other, ty),
    };
    let mut c = canonical(&text, syntax(dialect));
    if c.starts_with("current_timestamp") {
        c = "current_timestamp".into();
    }
    // MariaDB shows a time literal with the column's fraction, all zeros
    // ('10:11:12.000000' for '10:11:12' in a TIME(6)): the same instant.
    if matches!(
        ty,
        ColumnType::Time | ColumnType::Timestamp | ColumnType::TimestampTz
    ) {
        if let Some(whole) = c
            .strip_suffix('\'')
            .and_then(|v| v.trim_end_matches('0').strip_suffix('.'))
        {
            c = format!("{whole}'");
        }
    }
    DefaultValue::Sql(c.into())
}

/// One spelling for the types that are one type on `dialect`: MySQL's
/// `Uuid` is `CHAR(36)`, and its `TEXT` and `JSON` take unbounded text and
/// every JSON; SQLite keeps an enum as `TEXT` and every JSON as `JSON`;
/// PostgreSQL's arrays have no fixed number of dimensions.
fn same_type(ty: &ColumnType, dialect: Dialect) -> ColumnType {
    use ColumnType::*;
    match (dialect, ty) {
        (Dialect::Mysql, Uuid) => Char(36),
        (Dialect::Mysql, VarcharUnbounded) => Text,
        (Dialect::Mysql | Dialect::Sqlite, JsonText) => Json,
        (Dialect::Sqlite, Enum(_)) => Text,
        // PostgreSQL keeps no number of dimensions: `integer[][]` is `integer[]`.
        (_, Array(element)) => match same_type(element, dialect) {
            Array(inner) => Array(inner),
            element => Array(Box::new(element)),
        },
        (_, other) => other.clone(),
    }
}

/// MySQL's enum column, in one spelling whether it comes from the model
/// (`Enum(name)` and the values of the type `name`) or from the catalog
/// (`enum('a','b')`, quotes doubled and backslashes escaped):
/// `Custom("enum('a','b')")`, quotes doubled.
fn mysql_enum(ty: &ColumnType, enums: &BTreeMap<String, Vec<String>>) -> ColumnType {
    let spell = |values: &mut dyn Iterator<Item = String>| {
        let quoted: Vec<String> = values
            .map(|v| format!("'{}'", v.replace('\'', "''")))
            .collect();
        ColumnType::Custom(format!("enum({})", quoted.join(",")).into())
    };
    match ty {
        ColumnType::Enum(name) => match enums.get(&**name) {
            Some(values) => spell(&mut values.iter().cloned()),
            None => ty.clone(),
        },
        ColumnType::Custom(spelled) if spelled.to_ascii_lowercase().starts_with("enum(") => spell(
            &mut sql_text::tokens(spelled, Syntax::Mysql)
                .filter_map(|t| t.string_value().map(|v| v.into_owned())),
        ),
        other => other.clone(),
    }
}

/// An index in the form in which the model and the catalog compare equal:
/// no method where the backend's default is meant (MySQL keeps InnoDB's
/// b-tree for HASH too), no NULLS order where it is the key's default
/// (NULLs sort last ascending on PostgreSQL, first on MySQL and SQLite), no
/// operator class where it is the column type's default on PostgreSQL (and
/// only its own name, in lower case, where it is not), expressions and the
/// predicate in [`canonical_sql`] form.
fn index(i: &mut Index, types: &[(String, ColumnType)], dialect: Dialect) {
    let default_method = match dialect {
        Dialect::Mysql => matches!(i.method, Some(IndexMethod::Btree | IndexMethod::Hash)),
        Dialect::Postgres | Dialect::Sqlite => i.method == Some(IndexMethod::Btree),
    };
    if default_method {
        i.method = None;
    }
    let method = i.method;
    for k in &mut i.keys {
        let nulls_last_ascending = dialect == Dialect::Postgres;
        if k.nulls_first == Some(k.descending == nulls_last_ascending) {
            k.nulls_first = None;
        }
        if k.expression {
            k.target = canonical(&k.target, syntax(dialect)).into();
        }
        let ty = types
            .iter()
            .find(|(n, _)| !k.expression && *n == *k.target)
            .map(|(_, ty)| ty);
        k.opclass = k.opclass.take().and_then(|o| {
            let own = o.rsplit('.').next().unwrap_or(&o).to_ascii_lowercase();
            let default = ty.and_then(|ty| default_opclass(ty, method));
            (default.as_deref() != Some(own.as_str())).then(|| own.into())
        });
    }
    i.predicate = i
        .predicate
        .as_deref()
        .map(|p| canonical(p, syntax(dialect)));
}

/// PostgreSQL's default operator class for a column of `ty` in an index of
/// `method` (b-tree unless said), as `pg_opclass` has it.
fn default_opclass(ty: &ColumnType, method: Option<IndexMethod>) -> Option<String> {
    use ColumnType::*;
    let base = match ty {
        SmallInt => "int2",
        Integer => "int4",
        BigInt => "int8",
        Boolean => "bool",
        Text | Varchar(_) | VarcharUnbounded => "text",
        Char(_) => "bpchar",
        Real => "float4",
        Double => "float8",
        Numeric(..) => "numeric",
        Date => "date",
        Time => "time",
        Timestamp => "timestamp",
        TimestampTz => "timestamptz",
        Binary => "bytea",
        Uuid => "uuid",
        Json => "jsonb",
        Array(_) => "array",
        _ => return None,
    };
    match method.unwrap_or(IndexMethod::Btree) {
        IndexMethod::Btree | IndexMethod::Hash => Some(format!("{base}_ops")),
        IndexMethod::Gin if matches!(ty, Json | Array(_)) => Some(format!("{base}_ops")),
        IndexMethod::Brin if !matches!(ty, Boolean | Json | Array(_)) => {
            Some(format!("{base}_minmax_ops"))
        }
        IndexMethod::Spgist if base == "text" => Some("text_ops".into()),
        _ => None,
    }
}

/// A schema in the form in which the model and the introspected database
/// compare equal on `dialect`. Applied to both sides:
///
/// - every backend: defaults, check expressions, index expressions and
///   predicates in [`canonical_sql`] form; the index method, NULLS order
///   and operator class a backend takes by default left unsaid (`index`);
/// - SQLite: an AUTOINCREMENT key is `BigInt` (SQLite's rowid is 64-bit,
///   whatever the declared type); every constraint counts as validated (SQLite
///   has no NOT VALID: a rebuild checks every row);
/// - every backend: the types that are one type there (`same_type`), and
///   generated columns' expressions in [`canonical_sql`] form;
/// - MySQL and SQLite: no enum types (they have no named types); an enum
///   column is, on MySQL, the list of its values (`Custom("enum('a','b')")`);
/// - MySQL and SQLite: a column numbered by the database is not told from
///   another (PostgreSQL compares identity, serial and plain columns);
/// - MySQL/MariaDB: a unique constraint is a unique index
///   (the server keeps no difference); `RESTRICT` is `NO ACTION` (InnoDB
///   treats them alike); the primary key is named `<table>_pkey` (the server
///   names it `PRIMARY`); every constraint counts as validated;
/// - every backend: views (and which are materialized), triggers and
///   extensions by name only, without their SQL, which each backend keeps
///   in words of its own; no functions (a catalog spells a signature its
///   own way); SQLite: no comments (it keeps none).
pub fn normalise(schema: &Schema, dialect: Dialect) -> Schema {
    let mut s = schema.clone();
    for v in s.views.values_mut() {
        v.query.clear();
        v.reads = None;
        v.indexes.clear();
    }
    s.functions.clear();
    // MySQL and SQLite have no named types: MySQL's columns spell the values.
    let enums = match dialect {
        Dialect::Postgres => Default::default(),
        Dialect::Mysql | Dialect::Sqlite => std::mem::take(&mut s.enums),
    };
    for (table_name, table) in s.tables.iter_mut() {
        let table = std::sync::Arc::make_mut(table);
        for c in &mut table.columns {
            c.deprecated = false;
            c.marked_deprecated = false;
            c.default = c
                .default
                .as_ref()
                .map(|d| canonical_default(d, &c.ty, dialect));
            if dialect == Dialect::Mysql {
                c.ty = mysql_enum(&c.ty, &enums);
            }
            c.ty = same_type(&c.ty, dialect);
            if let Some(g) = &mut c.generated {
                g.expr = canonical(&g.expr, syntax(dialect)).into();
            }
            if dialect == Dialect::Sqlite && c.autoincrement {
                c.ty = ColumnType::BigInt;
            }
            // Only PostgreSQL tells an identity from a serial column, and
            // keeps either exactly as declared.
            if dialect != Dialect::Postgres {
                c.autoincrement = false;
                c.serial = false;
            }
        }
        table.deprecated = false;
        for t in table.triggers.values_mut() {
            t.timing.clear();
            t.body.clear();
        }
        // SQLite keeps no comments; MySQL none on constraints.
        if dialect == Dialect::Sqlite {
            table.comment = None;
            table.column_comments.clear();
        }
        if dialect != Dialect::Postgres {
            table.constraint_comments.clear();
        }
        let types: Vec<(String, ColumnType)> = table
            .columns
            .iter()
            .map(|c| (c.name.clone(), c.ty.clone()))
            .collect();
        for i in table.indexes.values_mut() {
            index(i, &types, dialect);
        }
        let mut moved = Vec::new();
        for (name, c) in table.constraints.iter_mut() {
            if dialect != Dialect::Postgres {
                c.valid = true;
            }
            match &mut c.kind {
                ConstraintKind::Check { expr } => *expr = canonical(expr, syntax(dialect)),
                ConstraintKind::ForeignKey {
                    on_delete,
                    on_update,
                    ..
                } if dialect == Dialect::Mysql => {
                    for action in [on_delete, on_update] {
                        if *action == Action::Restrict {
                            *action = Action::NoAction;
                        }
                    }
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
            table.indexes.insert(name, Index::on_columns(columns, true));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pg(expr: &str) -> String {
        canonical(expr, Syntax::Postgres)
    }

    #[test]
    fn comments_go_literals_stay_whole() {
        assert_eq!(pg("price > 0 -- positive"), pg("(price > (0)::numeric)"));
        assert_eq!(pg("price /* net */ > 0"), "price>0");
        assert_eq!(pg("note <> 'a -- b; (c)'"), "note<>'a -- b; (c)'");
        assert_eq!(canonical_sql("'octet_length'"), "'octet_length'");
    }

    #[test]
    fn each_backend_reads_its_own_literals() {
        // PostgreSQL: a backslash is itself unless in E'..'; a dollar quote
        // is a literal like any other.
        assert_eq!(pg("'C:\\'"), "'C:\\'");
        assert_eq!(pg("'C:\\'::text"), "'C:\\'");
        assert_eq!(pg("E'C:\\\\'"), "'C:\\'");
        assert_eq!(pg("$$it's$$"), pg("'it''s'::text"));
        assert_eq!(pg("$d$7$d$"), "7");
        // SQLite: no escapes at all.
        assert_eq!(canonical("'C:\\'", Syntax::Sqlite), "'C:\\'");
        // MySQL: backslash escapes, `#` comments.
        assert_eq!(canonical_sql("'it\\'s' # note"), "'it''s'");
    }

    #[test]
    fn quoted_names_keep_what_is_inside_the_quotes() {
        assert_eq!(pg("\"My Col\" > 0"), "my col>0");
        assert_eq!(canonical_sql("`My Col` > 0"), "my col>0");
        assert_ne!(pg("\"a b\" > 0"), pg("\"ab\" > 0"));
    }

    #[test]
    fn a_cast_drops_its_type_and_nothing_after_it() {
        assert_eq!(pg("'a'::character varying(20)[] || x"), "'a'||x");
        assert_eq!(pg("(a)::boolean AND b"), "aandb");
        assert_eq!(pg("'1'::pg_catalog.numeric(10,2) + f(a::int, 5)"), "1+fa,5");
        assert_eq!(
            pg("'2024-01-01'::timestamp(6) with time zone < now()"),
            "'2024-01-01'<now"
        );
        assert_eq!(pg("x::\"char\" = 'a'"), "x='a'");
    }

    #[test]
    fn between_reads_as_postgresql_keeps_it() {
        assert_eq!(
            pg("rating IS NULL OR rating BETWEEN 1 AND 5"),
            pg("((rating IS NULL) OR ((rating >= 1) AND (rating <= 5)))")
        );
        assert_eq!(
            pg("score NOT BETWEEN 0 AND 10"),
            pg("((score < 0) OR (score > 10))")
        );
        assert_eq!(
            canonical_sql("`d` between '2020-01-01' and '2030-01-01'"),
            pg("((d >= '2020-01-01'::date) AND (d <= '2030-01-01'::date))")
        );
        // An operand of several tokens is left as written.
        assert_eq!(pg("a + b BETWEEN 1 AND 2"), "a+bbetween1and2");
        assert_ne!(pg("x BETWEEN 1 AND 5"), pg("x >= 1 AND x <= 6"));
    }

    #[test]
    fn instr_reads_as_mariadb_keeps_it() {
        assert_eq!(
            canonical_sql("substr(email, instr(email, '@') + 1)"),
            canonical_sql("substr(`email`,locate('@',`email`) + 1)")
        );
        assert_ne!(
            canonical_sql("instr(email, '@')"),
            canonical_sql("instr('@', email)")
        );
    }

    #[test]
    fn a_time_default_reads_with_or_without_its_zero_fraction() {
        let d = |text: &str, ty: ColumnType| {
            canonical_default(
                &DefaultValue::Sql(text.to_string().into()),
                &ty,
                Dialect::Mysql,
            )
        };
        assert_eq!(
            d("'10:11:12.000000'", ColumnType::Time),
            d("'10:11:12'", ColumnType::Time)
        );
        assert_eq!(
            d("'2024-02-03 04:05:06.000000'", ColumnType::Timestamp),
            d("'2024-02-03 04:05:06'", ColumnType::Timestamp)
        );
        assert_ne!(
            d("'10:11:12.500000'", ColumnType::Time),
            d("'10:11:12'", ColumnType::Time)
        );
    }
}
