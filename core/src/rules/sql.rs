//! Reading the SQL a migration carries as text: `op.execute(..)`, the SET
//! list and predicate of `op.backfill(..)`, index predicates, check
//! expressions and `sql(..)` defaults.
//!
//! Text is parsed with `sqlparser` as PostgreSQL, then MySQL, then SQLite: it
//! is accepted if one of them reads it. What the rules need of a statement is
//! then boiled down to an [`Effect`]: which table it changes, and how.

use sqlparser::ast::{
    Assignment, AssignmentTarget, Expr, FromTable, ObjectName, ObjectNamePart, ObjectType, Query,
    SetExpr, Statement, TableFactor, TableObject, TableWithJoins,
};
use sqlparser::dialect::{Dialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::Token;

use crate::backend::{Backend, Backends};
use crate::sql_text::Syntax;

/// The dialects tried, in order, with the name used in messages.
fn dialects() -> [(&'static str, Box<dyn Dialect>); 3] {
    [
        ("PostgreSQL", Box::new(PostgreSqlDialect {})),
        ("MySQL", Box::new(MySqlDialect {})),
        ("SQLite", Box::new(SQLiteDialect {})),
    ]
}

/// Why no dialect could read a text: the error of the first one tried
/// (PostgreSQL), which is the one most users write for. The parser's own
/// words are quoted, as what they name differs from one text to the next.
fn failure(first: Option<ParserError>) -> String {
    match first {
        Some(ParserError::TokenizerError(m)) | Some(ParserError::ParserError(m)) => {
            format!("`{m}`")
        }
        Some(ParserError::RecursionLimitExceeded) => "it is nested too deeply".to_string(),
        None => "it is empty".to_string(),
    }
}

/// Parses with each dialect until one reads the whole text.
fn parse_with<T>(
    text: &str,
    read: impl Fn(&mut Parser<'_>) -> Result<T, ParserError>,
) -> Result<T, String> {
    let mut first_error = None;
    for (_, dialect) in dialects() {
        let attempt = Parser::new(&*dialect)
            .try_with_sql(text)
            .and_then(|mut parser| {
                let value = read(&mut parser)?;
                let next = parser.peek_token();
                if next.token == Token::EOF {
                    Ok(value)
                } else {
                    Err(ParserError::ParserError(format!(
                        "Expected: end of input, found: {}{}",
                        next.token, next.span.start
                    )))
                }
            });
        match attempt {
            Ok(value) => return Ok(value),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(failure(first_error))
}

/// Why `backend`'s parser cannot read all of `text` with `read`, if it cannot.
fn unreadable_for<T>(
    text: &str,
    backend: Backend,
    read: impl Fn(&mut Parser<'_>) -> Result<T, ParserError>,
) -> Option<String> {
    let dialect: Box<dyn Dialect> = match backend.syntax() {
        Syntax::Postgres => Box::new(PostgreSqlDialect {}),
        Syntax::Mysql => Box::new(MySqlDialect {}),
        Syntax::Sqlite => Box::new(SQLiteDialect {}),
    };
    let attempt = Parser::new(&*dialect)
        .try_with_sql(text)
        .and_then(|mut parser| {
            read(&mut parser)?;
            let next = parser.peek_token();
            match next.token {
                Token::EOF => Ok(()),
                other => Err(ParserError::ParserError(format!(
                    "Expected: end of input, found: {other}{}",
                    next.span.start
                ))),
            }
        });
    match attempt {
        Err(e) => Some(failure(Some(e))),
        Ok(()) => super::backend_sql::foreign_construct(text, backend),
    }
}

/// The declared backends whose parser cannot read `text` with `read`, each
/// with why (MySQL and MariaDB share a parser, and so a reason).
fn unreadable<T>(
    text: &str,
    backends: &Backends,
    read: impl Fn(&mut Parser<'_>) -> Result<T, ParserError>,
) -> Vec<(Backend, String)> {
    backends
        .iter()
        .filter_map(|b| unreadable_for(text, b, &read).map(|why| (b, why)))
        .collect()
}

/// The declared backends that cannot read the expression `text`.
pub fn expression_unreadable(text: &str, backends: &Backends) -> Vec<(Backend, String)> {
    unreadable(text, backends, |p| p.parse_expr())
}

/// The declared backends that cannot read the SET list `text`.
pub fn assignments_unreadable(text: &str, backends: &Backends) -> Vec<(Backend, String)> {
    unreadable(text, backends, |p| {
        p.parse_comma_separated(Parser::parse_assignment)
    })
}

/// The declared backends that cannot read the one statement `text`.
pub fn statement_unreadable(text: &str, backends: &Backends) -> Vec<(Backend, String)> {
    unreadable(text, backends, |p| p.parse_statements())
}

/// The statements of an `execute`, or why they do not parse.
pub fn statements(sql: &str) -> Result<Vec<Statement>, String> {
    let statements = parse_with(sql, |p| p.parse_statements())?;
    if statements.is_empty() {
        Err("it holds no statement".to_string())
    } else {
        Ok(statements)
    }
}

/// One SQL expression (a predicate, a check, a default), or why it does not parse.
pub fn expression(sql: &str) -> Result<Expr, String> {
    parse_with(sql, |p| p.parse_expr())
}

/// A SET list such as `a = 1, b = lower(c)`, or why it does not parse.
pub fn assignments(sql: &str) -> Result<Vec<Assignment>, String> {
    parse_with(sql, |p| p.parse_comma_separated(Parser::parse_assignment))
}

/// The columns a SET list assigns to.
pub fn assigned_columns(assignments: &[Assignment]) -> Vec<Name> {
    let mut out = Vec::new();
    for a in assignments {
        match &a.target {
            AssignmentTarget::ColumnName(n) => out.extend(Name::last(n)),
            AssignmentTarget::Tuple(names) => out.extend(names.iter().filter_map(Name::last)),
        }
    }
    out
}

/// The name of a table or column as written in SQL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    /// The name without quotes.
    pub value: String,
    /// Written in quotes (then it is compared exactly).
    pub quoted: bool,
}

impl Name {
    /// The last part of a possibly qualified name (`public.users` is `users`).
    pub(super) fn last(name: &ObjectName) -> Option<Name> {
        match name.0.last()? {
            ObjectNamePart::Identifier(ident) => Some(Name {
                value: ident.value.clone(),
                quoted: ident.quote_style.is_some(),
            }),
            ObjectNamePart::Function(_) => None,
        }
    }

    /// Whether this names `table` of the schema model. An unquoted name is
    /// folded by the database (to lower case on PostgreSQL), so it is
    /// compared without regard to case; a quoted one exactly.
    pub fn is(&self, table: &str) -> bool {
        if self.quoted {
            self.value == table
        } else {
            self.value.eq_ignore_ascii_case(table)
        }
    }
}

/// What a statement does, as far as the rules care.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Changes rows: INSERT, UPDATE, DELETE, MERGE or TRUNCATE.
    Data {
        /// `"UPDATE"`, `"DELETE"`, ...
        verb: &'static str,
        /// The table whose rows change.
        table: Name,
        /// Whether an UPDATE or DELETE has a WHERE clause (true for the others).
        filtered: bool,
    },
    /// Changes the schema: ALTER, CREATE or DROP of a TABLE or INDEX, RENAME TABLE.
    Ddl {
        /// `"ALTER TABLE"`, `"CREATE INDEX"`, ...
        verb: &'static str,
        /// The tables it changes, where the statement names them.
        tables: Vec<Name>,
        /// The indexes it names (for DROP INDEX / ALTER INDEX, whose table
        /// PostgreSQL does not name).
        indexes: Vec<Name>,
    },
    /// Ends or starts a transaction: BEGIN, START TRANSACTION, COMMIT, ROLLBACK.
    Transaction {
        /// `"COMMIT"`, ...
        verb: &'static str,
    },
    /// Anything else (SELECT, CREATE EXTENSION, SET, ...).
    Other,
}

/// The rows a query changes: a data-modifying statement as its body
/// (`WITH x AS (..) UPDATE ..`) or in its WITH clause (PostgreSQL's
/// `WITH d AS (DELETE .. RETURNING *) SELECT ..`).
fn query_effects(query: &Query, out: &mut Vec<Effect>) {
    for cte in query.with.iter().flat_map(|w| &w.cte_tables) {
        query_effects(&cte.query, out);
    }
    body_effects(&query.body, out);
}

fn body_effects(body: &SetExpr, out: &mut Vec<Effect>) {
    match body {
        SetExpr::Insert(s) | SetExpr::Update(s) | SetExpr::Delete(s) | SetExpr::Merge(s) => {
            out.extend(effect(s))
        }
        SetExpr::Query(q) => query_effects(q, out),
        SetExpr::SetOperation { left, right, .. } => {
            body_effects(left, out);
            body_effects(right, out);
        }
        SetExpr::Select(_) | SetExpr::Values(_) | SetExpr::Table(_) => {}
    }
}

pub(super) fn table_of(t: &TableWithJoins) -> Option<Name> {
    match &t.relation {
        TableFactor::Table { name, .. } => Name::last(name),
        _ => None,
    }
}

/// What one statement does.
pub fn effect(statement: &Statement) -> Vec<Effect> {
    let data = |verb, table: Option<Name>, filtered| {
        table
            .map(|table| Effect::Data {
                verb,
                table,
                filtered,
            })
            .into_iter()
            .collect()
    };
    let ddl = |verb, tables: Vec<Name>, indexes: Vec<Name>| {
        vec![Effect::Ddl {
            verb,
            tables,
            indexes,
        }]
    };
    match statement {
        Statement::Update(u) => data("UPDATE", table_of(&u.table), u.selection.is_some()),
        Statement::Delete(d) => {
            let from = match &d.from {
                FromTable::WithFromKeyword(t) | FromTable::WithoutKeyword(t) => t,
            };
            let mut targets: Vec<Name> = d.tables.iter().filter_map(Name::last).collect();
            if targets.is_empty() {
                targets.extend(from.iter().filter_map(table_of));
            }
            targets
                .into_iter()
                .map(|table| Effect::Data {
                    verb: "DELETE",
                    table,
                    filtered: d.selection.is_some(),
                })
                .collect()
        }
        Statement::Insert(i) => match &i.table {
            TableObject::TableName(name) => data("INSERT", Name::last(name), true),
            _ => Vec::new(),
        },
        Statement::Merge(m) => match &m.table {
            TableFactor::Table { name, .. } => data("MERGE", Name::last(name), true),
            _ => Vec::new(),
        },
        Statement::Truncate(t) => t
            .table_names
            .iter()
            .filter_map(|t| Name::last(&t.name))
            .map(|table| Effect::Data {
                verb: "TRUNCATE",
                table,
                filtered: true,
            })
            .collect(),
        Statement::CreateTable(c) => ddl(
            "CREATE TABLE",
            Name::last(&c.name).into_iter().collect(),
            vec![],
        ),
        Statement::AlterTable(a) => ddl(
            "ALTER TABLE",
            Name::last(&a.name).into_iter().collect(),
            vec![],
        ),
        Statement::CreateIndex(c) => ddl(
            "CREATE INDEX",
            Name::last(&c.table_name).into_iter().collect(),
            c.name.iter().filter_map(Name::last).collect(),
        ),
        Statement::AlterIndex { name, .. } => ddl(
            "ALTER INDEX",
            vec![],
            Name::last(name).into_iter().collect(),
        ),
        Statement::Drop {
            object_type: ObjectType::Table,
            names,
            ..
        } => ddl(
            "DROP TABLE",
            names.iter().filter_map(Name::last).collect(),
            vec![],
        ),
        Statement::Drop {
            object_type: ObjectType::Index,
            names,
            table,
            ..
        } => ddl(
            "DROP INDEX",
            table.iter().filter_map(Name::last).collect(),
            names.iter().filter_map(Name::last).collect(),
        ),
        Statement::RenameTable(renames) => ddl(
            "RENAME TABLE",
            renames
                .iter()
                .flat_map(|r| [Name::last(&r.old_name), Name::last(&r.new_name)])
                .flatten()
                .collect(),
            vec![],
        ),
        Statement::StartTransaction { begin, .. } => vec![Effect::Transaction {
            verb: if *begin { "BEGIN" } else { "START TRANSACTION" },
        }],
        Statement::Commit { .. } => vec![Effect::Transaction { verb: "COMMIT" }],
        Statement::Rollback {
            savepoint: None, ..
        } => vec![Effect::Transaction { verb: "ROLLBACK" }],
        Statement::Query(query) => {
            let mut out = Vec::new();
            query_effects(query, &mut out);
            if out.is_empty() {
                out.push(Effect::Other);
            }
            out
        }
        _ => vec![Effect::Other],
    }
}

/// Whether a check expression is exactly `<column> IS NOT NULL`.
pub fn is_not_null_check(expr: &str, column: &str) -> bool {
    fn strip(e: &Expr) -> &Expr {
        match e {
            Expr::Nested(inner) => strip(inner),
            other => other,
        }
    }
    let Ok(parsed) = expression(expr) else {
        return false;
    };
    match strip(&parsed) {
        Expr::IsNotNull(inner) => match strip(inner) {
            Expr::Identifier(ident) => Name {
                value: ident.value.clone(),
                quoted: ident.quote_style.is_some(),
            }
            .is(column),
            _ => false,
        },
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn effects(sql: &str) -> Vec<Effect> {
        statements(sql).unwrap().iter().flat_map(effect).collect()
    }

    #[test]
    fn every_dialect_is_tried() {
        // PostgreSQL only: a cast with `::`.
        assert!(statements("UPDATE users SET age = age::bigint WHERE id < 10").is_ok());
        // MySQL only: backquoted names.
        assert!(statements("UPDATE `users` SET `age` = 1 WHERE id < 10").is_ok());
        assert!(statements("UPDATE users SET WHERE").is_err());
        assert!(statements("-- nothing").is_err());
    }

    #[test]
    fn statements_are_boiled_down() {
        assert_eq!(
            effects("UPDATE users SET bio = ''"),
            [Effect::Data {
                verb: "UPDATE",
                table: Name {
                    value: "users".into(),
                    quoted: false
                },
                filtered: false
            }]
        );
        assert!(matches!(
            &effects("DELETE FROM public.users WHERE id = 1")[..],
            [Effect::Data { verb: "DELETE", filtered: true, table }] if table.is("users")
        ));
        assert!(matches!(
            &effects("ALTER TABLE users ADD COLUMN bio text")[..],
            [Effect::Ddl { verb: "ALTER TABLE", tables, .. }] if tables[0].is("users")
        ));
        assert!(matches!(
            &effects("DROP INDEX idx_users_email")[..],
            [Effect::Ddl { verb: "DROP INDEX", indexes, .. }] if indexes[0].is("idx_users_email")
        ));
        assert_eq!(effects("COMMIT"), [Effect::Transaction { verb: "COMMIT" }]);
        assert_eq!(effects("SELECT 1"), [Effect::Other]);
    }

    #[test]
    fn a_with_clause_is_looked_into() {
        // The statement after WITH.
        assert!(matches!(
            &effects("WITH stale AS (SELECT id FROM sessions) UPDATE users SET bio = ''")[..],
            [Effect::Data { verb: "UPDATE", filtered: false, table }] if table.is("users")
        ));
        assert!(matches!(
            &effects("WITH x AS (SELECT 1) DELETE FROM users WHERE id IN (SELECT * FROM x)")[..],
            [Effect::Data {
                verb: "DELETE",
                filtered: true,
                ..
            }]
        ));
        // A data-modifying statement inside WITH, then the statement after it.
        assert!(matches!(
            &effects("WITH gone AS (DELETE FROM users RETURNING *) INSERT INTO archive SELECT * FROM gone")[..],
            [
                Effect::Data { verb: "DELETE", filtered: false, table: deleted },
                Effect::Data { verb: "INSERT", table: inserted, .. },
            ] if deleted.is("users") && inserted.is("archive")
        ));
        assert!(matches!(
            &effects("WITH gone AS (DELETE FROM users RETURNING id) SELECT count(*) FROM gone")[..],
            [Effect::Data {
                verb: "DELETE",
                filtered: false,
                ..
            }]
        ));
        assert_eq!(
            effects("WITH x AS (SELECT 1) SELECT * FROM x UNION SELECT 2"),
            [Effect::Other]
        );
    }

    #[test]
    fn names_fold_unless_quoted() {
        let unquoted = Name {
            value: "Users".into(),
            quoted: false,
        };
        let quoted = Name {
            value: "Users".into(),
            quoted: true,
        };
        assert!(unquoted.is("users"));
        assert!(!quoted.is("users"));
    }

    #[test]
    fn set_lists_and_predicates() {
        let set = assignments("display_name = username, bio = ''").unwrap();
        let cols: Vec<String> = assigned_columns(&set)
            .into_iter()
            .map(|n| n.value)
            .collect();
        assert_eq!(cols, ["display_name", "bio"]);
        assert!(assignments("display_name = username WHERE id > 3").is_err());
        assert!(expression("display_name IS NULL").is_ok());
        assert!(expression("display_name IS").is_err());
        assert!(is_not_null_check(
            "display_name IS NOT NULL",
            "display_name"
        ));
        assert!(is_not_null_check(
            "(\"display_name\" IS NOT NULL)",
            "display_name"
        ));
        assert!(!is_not_null_check("display_name IS NULL", "display_name"));
        assert!(!is_not_null_check("bio IS NOT NULL", "display_name"));
    }
}
