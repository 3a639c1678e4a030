//! Raw SQL read into the model: what a statement does, as the ops that do
//! the same.
//!
//! The replay applies them, so that later ops see what raw SQL created (a
//! `tsvector` column added by `execute` is a column like any other); the
//! rules judge raw DDL by what it does (a `CREATE INDEX` without
//! `CONCURRENTLY` on an existing table, not "raw DDL"); `import` writes
//! them as DSL. What the model cannot follow is said to be [`Meaning::Opaque`],
//! never guessed.
//!
//! Each statement is read on its own (`sql_text` splits them), with
//! `sqlparser`, and where `sqlparser` does not read a statement that the
//! backend does, with a few recognizers of its own (`fallback.rs`).

mod checks;
mod ddl;
mod drops;
mod expr;
mod fallback;
mod keys;
mod names;
mod objects;
mod qualified;
mod reads;
mod renames;
mod types;
mod user_types;

use sqlparser::ast::Statement as Ast;
use sqlparser::dialect::{Dialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;

use crate::model::Op;
use crate::schema::Schema;
use crate::sql_text::{self, Syntax};

pub use reads::{reads_column, relations_read};
pub(crate) use renames::backed_by_index;
pub use types::column_type;

/// A table's name as the model keeps it (`public.Users` is `users`).
pub fn table_name(name: &sqlparser::ast::ObjectName) -> Option<String> {
    ddl::last(name)
}

/// What one statement of raw SQL does, as far as the model cares.
#[derive(Clone, Debug, PartialEq)]
pub enum Meaning {
    /// Exactly what these ops do (none: a statement that changes nothing
    /// there is, such as `DROP INDEX IF EXISTS` of an index that is not).
    Ops(Vec<Op>),
    /// Renames the model follows that no DSL op says (`import` keeps the
    /// statement as written).
    Renames(Vec<Rename>),
    /// It changes rows, not the schema.
    Data,
    /// Nothing the model tracks (`SELECT`, `SET`, `GRANT`, `ANALYZE`, a
    /// sequence, statistics, transaction control).
    Inert,
    /// It changes the schema in a way the model does not follow; the text
    /// says what it is.
    Opaque(String),
    /// It could not be read at all; the text says why.
    Unreadable(String),
}

/// A rename raw SQL makes that no DSL op says.
#[derive(Clone, Debug, PartialEq)]
pub enum Rename {
    /// `ALTER TYPE from RENAME TO to`: the columns of the type follow it.
    Type {
        /// The old name.
        from: String,
        /// The new name.
        to: String,
    },
    /// `ALTER INDEX from RENAME TO to`: an index, or the unique or primary
    /// key constraint it backs (PostgreSQL renames the two together).
    Index {
        /// The old name.
        from: String,
        /// The new name.
        to: String,
    },
    /// `ALTER TABLE table RENAME CONSTRAINT from TO to` (the index of a
    /// unique or primary key constraint with it).
    Constraint {
        /// The constraint's table.
        table: String,
        /// The old name.
        from: String,
        /// The new name.
        to: String,
    },
    /// `ALTER FUNCTION signature RENAME TO to`: the triggers running it
    /// follow it (PostgreSQL ties them to the function, not its name).
    Function {
        /// The function's signature as the model keeps it.
        signature: String,
        /// The new name.
        to: String,
    },
    /// `ALTER TRIGGER from ON table RENAME TO to`.
    Trigger {
        /// The trigger's table.
        table: String,
        /// The old name.
        from: String,
        /// The new name.
        to: String,
    },
}

/// One statement of raw SQL: its text, its syntax tree when `sqlparser`
/// reads it, and what it means.
#[derive(Clone, Debug)]
pub struct Statement {
    /// The statement as written, without its `;`.
    pub text: String,
    /// Its syntax tree.
    pub ast: Option<Ast>,
    /// What it does.
    pub meaning: Meaning,
}

fn dialect(syntax: Syntax) -> Box<dyn Dialect> {
    match syntax {
        Syntax::Postgres => Box::new(PostgreSqlDialect {}),
        Syntax::Mysql => Box::new(MySqlDialect {}),
        Syntax::Sqlite => Box::new(SQLiteDialect {}),
    }
}

/// The statements of `sql`, written for the backend whose SQL `syntax` is,
/// each with what it means on `schema` as the statements before it left it.
pub fn read(sql: &str, syntax: Syntax, schema: &Schema) -> Vec<Statement> {
    let mut schema = schema.clone();
    let mut out = Vec::new();
    for text in sql_text::statements(sql, syntax) {
        let text = text.trim().trim_end_matches(';').trim();
        if text.is_empty() {
            continue;
        }
        let statement = one(text, syntax, &schema);
        // The replay reports what does not apply; here the next
        // statements only need to see what does.
        follow(&statement.meaning, &mut schema);
        out.push(statement);
    }
    out
}

impl Meaning {
    /// Whether [`follow`] changes a schema for it: ops or renames. A caller
    /// holding a shared schema copies it only then.
    pub fn changes_schema(&self) -> bool {
        match self {
            Meaning::Ops(ops) => !ops.is_empty(),
            Meaning::Renames(renames) => !renames.is_empty(),
            _ => false,
        }
    }
}

/// What a statement does to the model, applied to `schema` as far as it
/// applies.
pub fn follow(meaning: &Meaning, schema: &mut Schema) {
    match meaning {
        Meaning::Ops(ops) => {
            for op in ops {
                let _ = schema.apply(op);
            }
        }
        Meaning::Renames(renames) => {
            for rename in renames {
                let _ = schema.rename(rename);
            }
        }
        _ => {}
    }
}

/// One statement known to be whole (the definition a database gives back
/// for a view, trigger or function), read without splitting it: a SQLite
/// trigger's `BEGIN .. END` holds `;`.
pub fn read_one(text: &str, syntax: Syntax, schema: &Schema) -> Statement {
    one(text.trim().trim_end_matches(';').trim(), syntax, schema)
}

/// [`read`], for SQL whose backend is not known: each statement is read as
/// PostgreSQL, else as MySQL, else as SQLite (split by PostgreSQL's rules).
pub fn read_any(sql: &str, schema: &Schema) -> Vec<Statement> {
    let mut schema = schema.clone();
    let mut out = Vec::new();
    for text in sql_text::statements(sql, Syntax::Postgres) {
        let text = text.trim().trim_end_matches(';').trim();
        if text.is_empty() {
            continue;
        }
        let mut statement = one(text, Syntax::Postgres, &schema);
        for other in [Syntax::Mysql, Syntax::Sqlite] {
            if !matches!(statement.meaning, Meaning::Unreadable(_)) {
                break;
            }
            let attempt = one(text, other, &schema);
            if !matches!(attempt.meaning, Meaning::Unreadable(_)) {
                statement = attempt;
            }
        }
        follow(&statement.meaning, &mut schema);
        out.push(statement);
    }
    out
}

/// Whether raw SQL must run outside a transaction: PostgreSQL refuses a
/// `CONCURRENTLY` index build, drop or refresh inside one.
pub fn runs_outside_transaction(sql: &str) -> bool {
    sql_text::statements(sql, Syntax::Postgres)
        .iter()
        .any(|statement| {
            let words: Vec<String> = sql_text::tokens(statement, Syntax::Postgres)
                .filter(|t| t.kind == sql_text::TokenKind::Word)
                .take(6)
                .map(|t| t.text.to_ascii_uppercase())
                .collect();
            let starts =
                |w: &[&str]| words.len() >= w.len() && words.iter().zip(w).all(|(a, b)| a == b);
            (starts(&["CREATE", "INDEX"])
                || starts(&["CREATE", "UNIQUE", "INDEX"])
                || starts(&["DROP", "INDEX"])
                || starts(&["REINDEX"])
                || starts(&["REFRESH", "MATERIALIZED", "VIEW"]))
                && words.iter().any(|w| w == "CONCURRENTLY")
        })
}

/// One statement, read and translated; on PostgreSQL, with its long names
/// cut as the server cuts them (the statement's text stays as written).
fn one(text: &str, syntax: Syntax, schema: &Schema) -> Statement {
    let cut = match syntax {
        Syntax::Postgres => names::truncated_identifiers(text),
        _ => None,
    };
    match cut {
        Some(cut) => Statement {
            text: text.to_string(),
            ..as_read(&cut, syntax, schema)
        },
        None => as_read(text, syntax, schema),
    }
}

/// One statement, read and translated as written.
fn as_read(text: &str, syntax: Syntax, schema: &Schema) -> Statement {
    let parsed = Parser::parse_sql(&*dialect(syntax), text);
    match parsed {
        Ok(mut asts) if asts.len() == 1 => {
            let ast = asts.remove(0);
            if let Some(meaning) = qualified::elsewhere(&ast, syntax) {
                return Statement {
                    text: text.to_string(),
                    ast: Some(ast),
                    meaning,
                };
            }
            if matches!(ast, Ast::AlterFunction(_) | Ast::AlterTrigger(_)) {
                if let Some(meaning) = renames::routine_rename(text, syntax, schema) {
                    return Statement {
                        text: text.to_string(),
                        ast: Some(ast),
                        meaning,
                    };
                }
            }
            // A function's or trigger's parts are kept as written.
            let routine = matches!(
                ast,
                Ast::CreateFunction(_)
                    | Ast::DropFunction(_)
                    | Ast::CreateTrigger(_)
                    | Ast::DropTrigger(_)
            );
            let meaning = match routine.then(|| objects::routine(text, syntax, schema)) {
                Some(Some(Ok(ops))) => Meaning::Ops(ops),
                Some(Some(Err(what))) => Meaning::Opaque(what),
                _ => meaning(&ast, syntax, schema),
            };
            Statement {
                text: text.to_string(),
                ast: Some(ast),
                meaning,
            }
        }
        Ok(_) => Statement {
            text: text.to_string(),
            ast: None,
            meaning: Meaning::Unreadable("it reads as more than one statement".into()),
        },
        Err(e) => match objects::with_no_data(text, syntax) {
            Some((rest, no_data)) => with_data_clause(text, &rest, no_data, syntax, schema),
            None => Statement {
                text: text.to_string(),
                ast: None,
                meaning: qualified::routine_elsewhere(text, syntax)
                    .or_else(|| fallback::meaning(text, syntax, schema))
                    .unwrap_or_else(|| Meaning::Unreadable(e.to_string())),
            },
        },
    }
}

/// A `CREATE MATERIALIZED VIEW .. WITH [NO] DATA`, read without its last
/// words (`rest`), which sqlparser does not take.
fn with_data_clause(
    text: &str,
    rest: &str,
    no_data: bool,
    syntax: Syntax,
    schema: &Schema,
) -> Statement {
    let mut statement = one(rest, syntax, schema);
    statement.text = text.to_string();
    if let (Some(Ast::CreateView(v)), Meaning::Ops(_)) = (&statement.ast, &statement.meaning) {
        statement.meaning = match objects::create_view(v, no_data, schema) {
            Ok(ops) => Meaning::Ops(ops),
            Err(what) => Meaning::Opaque(what),
        };
    }
    statement
}

/// What a statement `sqlparser` read means.
pub fn meaning(ast: &Ast, syntax: Syntax, schema: &Schema) -> Meaning {
    match ast {
        Ast::Insert(_)
        | Ast::Update(_)
        | Ast::Delete(_)
        | Ast::Merge(_)
        | Ast::Truncate(_)
        | Ast::Copy { .. } => Meaning::Data,
        Ast::Query(q) => match objects::diesel_updated_at_trigger(q, schema) {
            Some(ops) => Meaning::Ops(ops),
            // A plain query changes nothing (a function it calls may: that
            // is the function's business).
            None => Meaning::Inert,
        },
        Ast::Set(_)
        | Ast::Grant(_)
        | Ast::Revoke(_)
        | Ast::Analyze(_)
        | Ast::StartTransaction { .. }
        | Ast::Commit { .. }
        | Ast::Rollback { .. }
        | Ast::Savepoint { .. }
        | Ast::CreateSequence { .. }
        | Ast::AlterRole { .. }
        | Ast::CreateRole(_)
        | Ast::Explain { .. } => Meaning::Inert,
        other => ddl::meaning(other, syntax, schema),
    }
}

#[cfg(test)]
mod drop_tests;
#[cfg(test)]
mod tests;
