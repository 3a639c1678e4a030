//! SQLite: the migration lock is an exclusive transaction on a lock file
//! beside the database (`<database>-godwit-lock`), held by a second
//! connection for as long as the run lasts: SQLite's own file lock, which
//! the operating system releases when the process dies, so a killed process
//! never leaves the database locked. Each migration still takes the write
//! lock with `BEGIN IMMEDIATE`, waiting up to the busy timeout for the
//! application's own writers. Introspection reads the pragmas and, for
//! constraint names, the table's SQL.

use std::sync::Mutex;

use diesel::connection::SimpleConnection;
use diesel::sqlite::SqliteConnection;
use diesel::Connection;
use godwit_core::schema::{
    foreign_key_name, primary_key_name, unique_name, Constraint, ConstraintKind, Index, Schema,
    Table,
};
use godwit_core::sql_text::{self, Syntax, Token};
use godwit_core::{Deferrable, IndexKey};

use super::{parse_action, parse_type, read_tables, text, Database, Row};
use crate::dialect::Dialect;
use crate::runner::Options;
use crate::Error;

/// The lock-file connections this process holds, by the address of the
/// connection that took the lock (stable between `lock` and `unlock`, which
/// borrow it mutably).
static HELD: Mutex<Vec<(usize, SqliteConnection)>> = Mutex::new(Vec::new());

fn key(conn: &SqliteConnection) -> usize {
    conn as *const SqliteConnection as usize
}

/// The file of the connection's main database; empty for an in-memory or
/// temporary one, which no other connection can see.
fn main_file(conn: &mut SqliteConnection) -> diesel::QueryResult<String> {
    Ok(conn
        .query(
            "SELECT file AS c0 FROM pragma_database_list WHERE name = 'main'",
            1,
        )?
        .first()
        .map(|r| text(r, 0).to_string())
        .unwrap_or_default())
}

impl Database for SqliteConnection {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    super::text_queries!(SqliteConnection);

    fn lock(&mut self, options: &Options) -> Result<(), Error> {
        let ms = options.lock_wait.as_millis().min(i32::MAX as u128);
        // The application's writers: each migration waits for them this long.
        self.execute(&format!("PRAGMA busy_timeout = {ms}"))
            .map_err(|e| Error::database("setting SQLite's busy timeout", e))?;
        let file =
            main_file(self).map_err(|e| Error::database("reading the database's file name", e))?;
        if file.is_empty() {
            return Ok(());
        }
        let path = format!("{file}-godwit-lock");
        let context = format!("taking the migration lock ({path})");
        let mut lock = SqliteConnection::establish(&path).map_err(|source| Error::Connection {
            url: path.clone(),
            source,
        })?;
        lock.batch_execute(&format!("PRAGMA busy_timeout = {ms}"))
            .map_err(|e| Error::database(context.clone(), e))?;
        match lock.batch_execute("BEGIN EXCLUSIVE") {
            Ok(()) => {
                let key = key(self);
                let mut held = HELD.lock().unwrap_or_else(|p| p.into_inner());
                held.retain(|(k, _)| *k != key);
                held.push((key, lock));
                Ok(())
            }
            Err(e) if e.to_string().contains("locked") || e.to_string().contains("busy") => {
                Err(Error::LockTimeout {
                    dialect: Dialect::Sqlite,
                    waited: options.lock_wait,
                })
            }
            Err(e) => Err(Error::database(context, e)),
        }
    }

    fn unlock(&mut self) -> Result<(), Error> {
        let key = key(self);
        let released = {
            let mut held = HELD.lock().unwrap_or_else(|p| p.into_inner());
            held.iter()
                .position(|(k, _)| *k == key)
                .map(|i| held.swap_remove(i).1)
        };
        if let Some(mut lock) = released {
            lock.batch_execute("ROLLBACK")
                .map_err(|e| Error::database("releasing the migration lock", e))?;
        }
        Ok(())
    }

    fn introspect(&mut self) -> Result<Schema, Error> {
        read_tables(self, TABLES, 2, read_table)
    }
}

fn lit(s: &str) -> String {
    Dialect::Sqlite.string_literal(s)
}

/// The tables of the database, in `c0` and their SQL in `c1`.
const TABLES: &str = "SELECT name AS c0, sql AS c1 FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name";

/// One table, named `name`; `t` is its row of `sqlite_master` (its SQL).
fn read_table(db: &mut SqliteConnection, name: &str, t: &Row) -> diesel::QueryResult<Table> {
    let table_sql = text(t, 1).to_string();
    let declared = parse_constraint_clauses(&table_sql);
    let mut table = Table::default();
    // `table_xinfo` lists generated columns too: `hidden` 2 (virtual) or 3
    // (stored); 1 is a hidden column of a virtual table.
    let columns = db.query(
        &format!(
            "SELECT name AS c0, type AS c1, CAST(\"notnull\" AS TEXT) AS c2, dflt_value AS c3, CAST(pk AS TEXT) AS c4, CAST(hidden AS TEXT) AS c5 FROM pragma_table_xinfo({}) WHERE hidden <> 1 ORDER BY cid",
            lit(name)
        ),
        6,
    )?;
    let mut pk: Vec<(i64, String)> = Vec::new();
    for c in &columns {
        let cname = text(c, 0).to_string();
        let key: i64 = text(c, 4).parse().unwrap_or(0);
        if key > 0 {
            pk.push((key, cname.clone()));
        }
        let ty = parse_type(Dialect::Sqlite, text(c, 1));
        let generated = match text(c, 5) {
            hidden @ ("2" | "3") => Some(godwit_core::Generated {
                expr: generated_expr(&table_sql, &cname)
                    .unwrap_or_default()
                    .into(),
                stored: hidden == "3",
            }),
            _ => None,
        };
        table.columns.push(godwit_core::schema::ColumnState {
            name: cname,
            ty,
            nullable: text(c, 2) == "0" && key == 0,
            // `DEFAULT NULL` is kept as written; it is no default, as the
            // other backends store it.
            default: c[3]
                .as_ref()
                .filter(|d| !d.trim().eq_ignore_ascii_case("null"))
                .map(|d| godwit_core::DefaultValue::Sql(d.clone().into())),
            autoincrement: false,
            serial: false,
            generated,
            deprecated: false,
            marked_deprecated: false,
        });
    }
    pk.sort();
    let pk: Vec<String> = pk.into_iter().map(|(_, c)| c).collect();
    if pk.len() == 1 && sql_text::find_keyword(&table_sql, SQLITE, "AUTOINCREMENT").is_some() {
        if let Some(c) = table.columns.iter_mut().find(|c| c.name == pk[0]) {
            c.autoincrement = true;
        }
    }
    if !pk.is_empty() {
        let cname = declared_name(&declared, Clause::PrimaryKey, &pk, || {
            primary_key_name(name)
        });
        table
            .constraints
            .insert(cname, valid(ConstraintKind::PrimaryKey { columns: pk }));
    }
    let indexes = db.query(
        &format!(
            "SELECT name AS c0, CAST(\"unique\" AS TEXT) AS c1, origin AS c2 FROM pragma_index_list({}) ORDER BY name",
            lit(name)
        ),
        3,
    )?;
    for i in &indexes {
        let iname = text(i, 0).to_string();
        let origin = text(i, 2);
        if origin == "pk" {
            continue;
        }
        // The keys, without the row id every index ends with; an expression
        // key has no column (cid -2).
        let keys = db.query(
            &format!(
                "SELECT name AS c0, CAST(cid AS TEXT) AS c1, CAST(\"desc\" AS TEXT) AS c2 FROM pragma_index_xinfo({}) WHERE \"key\" = 1 ORDER BY seqno",
                lit(&iname)
            ),
            3,
        )?;
        if origin == "u" {
            let cols: Vec<String> = keys.iter().map(|r| text(r, 0).to_string()).collect();
            let cname = declared_name(&declared, Clause::Unique, &cols, || {
                unique_name(name, &cols)
            });
            table
                .constraints
                .insert(cname, valid(ConstraintKind::Unique { columns: cols }));
        } else {
            let sql = db.query(
                &format!(
                    "SELECT sql AS c0 FROM sqlite_master WHERE type = 'index' AND name = {}",
                    lit(&iname)
                ),
                1,
            )?;
            let sql = sql.first().map_or("", |r| text(r, 0));
            let written = written_keys(sql);
            let keys = keys
                .iter()
                .enumerate()
                .map(|(n, r)| {
                    let written = written.get(n);
                    let descending = text(r, 2) == "1";
                    let key = match written.filter(|_| text(r, 1) == "-2") {
                        Some(w) => IndexKey {
                            expression: true,
                            ..IndexKey::column(w.target.clone())
                        },
                        None => IndexKey::column(text(r, 0).to_string()),
                    };
                    // SQLite sorts NULLs first ascending and last descending.
                    let nulls_first = written
                        .and_then(|w| w.nulls_first)
                        .filter(|first| *first == descending);
                    IndexKey {
                        descending,
                        nulls_first,
                        ..key
                    }
                })
                .collect();
            table.indexes.insert(
                iname,
                Index {
                    keys,
                    unique: text(i, 1) == "1",
                    predicate: index_predicate(sql),
                    method: None,
                    include: Vec::new(),
                },
            );
        }
    }
    // SQLite builds no index for a UNIQUE over the same columns as the
    // primary key or another UNIQUE (the one there enforces it already):
    // such a constraint is only in the table's SQL.
    for d in declared.iter().filter(|d| d.kind == Clause::Unique) {
        if !table.constraints.contains_key(&d.name) {
            let kind = ConstraintKind::Unique {
                columns: d.columns.clone(),
            };
            table.constraints.insert(d.name.clone(), valid(kind));
        }
    }
    let fks = db.query(
        &format!(
            "SELECT CAST(id AS TEXT) AS c0, \"table\" AS c1, \"from\" AS c2, \"to\" AS c3, on_delete AS c4, on_update AS c5 FROM pragma_foreign_key_list({}) ORDER BY id, seq",
            lit(name)
        ),
        6,
    )?;
    let mut grouped: Vec<ForeignKeyRows> = Vec::new();
    for f in &fks {
        let id = text(f, 0).to_string();
        match grouped.last_mut() {
            Some(g) if g.0 == id => {
                g.2.push(text(f, 2).to_string());
                g.3.push(text(f, 3).to_string());
            }
            _ => grouped.push((
                id,
                text(f, 1).to_string(),
                vec![text(f, 2).to_string()],
                vec![text(f, 3).to_string()],
                text(f, 4).to_string(),
                text(f, 5).to_string(),
            )),
        }
    }
    for (_, ref_table, columns, ref_columns, delete, update) in grouped {
        let clause = declared_clause(&declared, Clause::ForeignKey, &columns);
        let cname = clause.map_or_else(|| foreign_key_name(name, &columns), |d| d.name.clone());
        let kind = ConstraintKind::ForeignKey {
            columns,
            ref_table,
            ref_columns,
            on_delete: parse_action(&delete),
            on_update: parse_action(&update),
            deferrable: clause.map_or(Deferrable::NotDeferrable, |d| deferrable(&d.tail)),
        };
        table.constraints.insert(cname, valid(kind));
    }
    for d in declared.into_iter().filter(|d| d.kind == Clause::Check) {
        let kind = ConstraintKind::Check { expr: d.body };
        table.constraints.insert(d.name, valid(kind));
    }
    Ok(table)
}

/// A constraint as SQLite has it: validated (it has no NOT VALID).
fn valid(kind: ConstraintKind) -> Constraint {
    Constraint { kind, valid: true }
}

/// The name the table's SQL declares for its constraint of `kind` over
/// `columns` (the primary key, which a table has once, over any), or else
/// the one godwit derives.
fn declared_name(
    declared: &[Declared],
    kind: Clause,
    columns: &[String],
    derived: impl FnOnce() -> String,
) -> String {
    declared_clause(declared, kind, columns).map_or_else(derived, |d| d.name.clone())
}

/// The clause of the table's SQL that declares its constraint of `kind`
/// over `columns` (the primary key, which a table has once, over any).
fn declared_clause<'d>(
    declared: &'d [Declared],
    kind: Clause,
    columns: &[String],
) -> Option<&'d Declared> {
    declared
        .iter()
        .find(|d| d.kind == kind && (kind == Clause::PrimaryKey || d.columns == columns))
}

/// The deferrability a foreign key clause ends with (`DEFERRABLE
/// INITIALLY DEFERRED` after its REFERENCES), read outside literals.
fn deferrable(tail: &str) -> Deferrable {
    let words: Vec<Token<'_>> = sql_text::tokens(tail, SQLITE)
        .filter(|t| t.kind == sql_text::TokenKind::Word)
        .collect();
    let follows = |a: &str, b: &str| {
        words
            .windows(2)
            .any(|w| w[0].is_keyword(a) && w[1].is_keyword(b))
    };
    let deferrable =
        words.iter().any(|w| w.is_keyword("DEFERRABLE")) && !follows("NOT", "DEFERRABLE");
    match (deferrable, follows("INITIALLY", "DEFERRED")) {
        (true, true) => Deferrable::InitiallyDeferred,
        (true, false) => Deferrable::InitiallyImmediate,
        (false, _) => Deferrable::NotDeferrable,
    }
}

/// A foreign key read from its pragma rows: id, referenced table, columns,
/// referenced columns, ON DELETE, ON UPDATE.
type ForeignKeyRows = (String, String, Vec<String>, Vec<String>, String, String);

#[derive(Debug, PartialEq, Eq)]
enum Clause {
    PrimaryKey,
    Unique,
    ForeignKey,
    Check,
}

/// One `CONSTRAINT "name" ...` clause of a CREATE TABLE.
#[derive(Debug)]
struct Declared {
    name: String,
    kind: Clause,
    /// The columns in the first parentheses (PRIMARY KEY, UNIQUE, FOREIGN KEY).
    columns: Vec<String>,
    /// The text inside the first parentheses.
    body: String,
    /// The text after them, to the end of the clause (a foreign key's
    /// REFERENCES, actions and deferrability).
    tail: String,
}

/// SQLite reads its own schema text: `[name]` quotes, no nested comments.
const SQLITE: Syntax = Syntax::Sqlite;

/// The `CONSTRAINT "name" ...` clauses of a CREATE TABLE, read outside
/// literals, quoted names and comments.
fn parse_constraint_clauses(sql: &str) -> Vec<Declared> {
    let tokens: Vec<Token<'_>> = sql_text::tokens(sql, SQLITE)
        .filter(|t| !t.is_trivia())
        .collect();
    let mut out = Vec::new();
    // Where the last clause read ends: its body is not searched again.
    let mut read_to = 0;
    for (i, t) in tokens.iter().enumerate() {
        if t.start < read_to || !t.is_keyword("CONSTRAINT") {
            continue;
        }
        let Some(name) = tokens.get(i + 1).and_then(Token::name) else {
            continue;
        };
        let Some(kind) = tokens.get(i + 2).and_then(clause_kind) else {
            continue;
        };
        // The parentheses belong to this clause only if they come before
        // the next comma (an inline `PRIMARY KEY AUTOINCREMENT` has none).
        let open = tokens[i + 2..]
            .iter()
            .find(|t| t.is_punct('(') || t.is_punct(',') || t.is_punct(')'))
            .filter(|t| t.is_punct('('));
        let close = open.and_then(|open| sql_text::closing_paren(sql, SQLITE, open.start));
        let body = match (open, close) {
            (Some(open), Some(close)) => {
                read_to = close;
                &sql[open.end()..close]
            }
            _ => "",
        };
        // What follows, to the clause's end: the first comma, or the `)`
        // that closes the table's list, outside parentheses.
        let tail_start = close.map_or(tokens[i + 2].end(), |c| c + 1);
        let mut depth = 0usize;
        let end = tokens
            .iter()
            .filter(|t| t.start >= tail_start)
            .find(|t| {
                if t.is_punct('(') {
                    depth += 1;
                } else if t.is_punct(')') {
                    if depth == 0 {
                        return true;
                    }
                    depth -= 1;
                }
                depth == 0 && t.is_punct(',')
            })
            .map_or(sql.len(), |t| t.start);
        out.push(Declared {
            name: name.into_owned(),
            columns: if kind == Clause::Check {
                Vec::new()
            } else {
                leading_names(body)
            },
            kind,
            body: body.trim().to_string(),
            tail: sql[tail_start..end].to_string(),
        });
    }
    out
}

fn clause_kind(t: &Token<'_>) -> Option<Clause> {
    [
        ("PRIMARY", Clause::PrimaryKey),
        ("UNIQUE", Clause::Unique),
        ("FOREIGN", Clause::ForeignKey),
        ("CHECK", Clause::Check),
    ]
    .into_iter()
    .find_map(|(word, kind)| t.is_keyword(word).then_some(kind))
}

/// The name each comma-separated item of a column list starts with (`"a"
/// COLLATE NOCASE, b DESC` gives `a`, `b`).
fn leading_names(list: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut item_start = true;
    for t in sql_text::tokens(list, SQLITE).filter(|t| !t.is_trivia()) {
        if depth == 0 && t.is_punct(',') {
            item_start = true;
            continue;
        }
        if item_start {
            out.extend(t.name().map(|n| n.into_owned()));
            item_start = false;
        }
        if t.is_punct('(') {
            depth += 1;
        } else if t.is_punct(')') {
            depth = depth.saturating_sub(1);
        }
    }
    out
}

/// The expression of the generated column `column` in a CREATE TABLE: what
/// the parentheses after `AS` hold in its definition.
fn generated_expr(sql: &str, column: &str) -> Option<String> {
    let tokens: Vec<Token<'_>> = sql_text::tokens(sql, SQLITE)
        .filter(|t| !t.is_trivia())
        .collect();
    let open = tokens.iter().position(|t| t.is_punct('('))?;
    let mut depth = 0usize;
    let mut item_start = true;
    let mut in_column = false;
    for (i, t) in tokens.iter().enumerate().skip(open + 1) {
        if depth == 0 && t.is_punct(',') {
            item_start = true;
            in_column = false;
            continue;
        }
        if item_start {
            in_column = t.name().is_some_and(|n| n.eq_ignore_ascii_case(column));
            item_start = false;
        }
        if in_column && depth == 0 && t.is_keyword("AS") {
            let paren = tokens.get(i + 1).filter(|p| p.is_punct('('))?;
            let close = sql_text::closing_paren(sql, SQLITE, paren.start)?;
            return Some(sql[paren.end()..close].trim().to_string());
        }
        if t.is_punct('(') {
            depth += 1;
        } else if t.is_punct(')') {
            match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => break,
            }
        }
    }
    None
}

/// One key as an index's SQL writes it: its column's name or its
/// expression's text (without the parentheses godwit writes around one),
/// and its NULLS FIRST / NULLS LAST, which no pragma tells.
struct WrittenKey {
    target: String,
    nulls_first: Option<bool>,
}

/// The keys of a CREATE INDEX, in order.
fn written_keys(sql: &str) -> Vec<WrittenKey> {
    let Some(open) = sql_text::tokens(sql, SQLITE).find(|t| t.is_punct('(')) else {
        return Vec::new();
    };
    let Some(close) = sql_text::closing_paren(sql, SQLITE, open.start) else {
        return Vec::new();
    };
    sql_text::list_items(&sql[open.end()..close], SQLITE)
        .into_iter()
        .map(|item| {
            let tokens: Vec<Token<'_>> = sql_text::tokens(item, SQLITE)
                .filter(|t| !t.is_trivia())
                .collect();
            let mut end = tokens.len();
            let mut nulls_first = None;
            if end >= 2 && tokens[end - 2].is_keyword("NULLS") {
                nulls_first = Some(tokens[end - 1].is_keyword("FIRST"));
                end -= 2;
            }
            if end >= 1 && (tokens[end - 1].is_keyword("ASC") || tokens[end - 1].is_keyword("DESC"))
            {
                end -= 1;
            }
            if end >= 2 && tokens[end - 2].is_keyword("COLLATE") {
                end -= 2;
            }
            let target = match end {
                0 => "",
                _ => &item[tokens[0].start..tokens[end - 1].end()],
            };
            let target = match sql_text::closing_paren(target, SQLITE, 0) {
                Some(c) if c + 1 == target.len() => target[1..c].trim(),
                _ => target,
            };
            WrittenKey {
                target: target.to_string(),
                nulls_first,
            }
        })
        .collect()
}

/// The WHERE clause of a partial index's CREATE INDEX, if any: what follows
/// the column list.
fn index_predicate(sql: &str) -> Option<String> {
    let open = sql_text::tokens(sql, SQLITE).find(|t| t.is_punct('('))?;
    let close = sql_text::closing_paren(sql, SQLITE, open.start)?;
    let rest = &sql[close + 1..];
    let keyword = sql_text::first_token(rest, SQLITE).filter(|t| t.is_keyword("WHERE"))?;
    Some(rest[keyword.end()..].trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraint_clauses_are_read_from_the_table_sql() {
        let sql = r#"CREATE TABLE "t" (
    "id" INTEGER NOT NULL CONSTRAINT "t_pkey" PRIMARY KEY AUTOINCREMENT,
    "a" TEXT DEFAULT 'CONSTRAINT "x" CHECK (no)',
    CONSTRAINT "t_a_b_key" UNIQUE ("a", "b"),
    CONSTRAINT "t_a_fkey" FOREIGN KEY ("a") REFERENCES "u" ("id"),
    CONSTRAINT "t positive" CHECK (length(a) > (0))
)"#;
        let d = parse_constraint_clauses(sql);
        let names: Vec<&str> = d.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["t_pkey", "t_a_b_key", "t_a_fkey", "t positive"]);
        assert_eq!(d[1].columns, ["a", "b"]);
        assert_eq!(d[3].body, "length(a) > (0)");
        assert!(d[0].columns.is_empty());
    }

    #[test]
    fn constraint_clauses_skip_literals_quoted_names_and_comments() {
        let sql = r#"CREATE TABLE "t" (
    "a,b" TEXT DEFAULT 'x CONSTRAINT "no" UNIQUE (x)', -- CONSTRAINT "nor" CHECK (x)
    [c (d] TEXT, /* CONSTRAINT "nor_this" UNIQUE (c) */
    CONSTRAINT [t u] UNIQUE ("a,b" COLLATE NOCASE, [c (d]),
    CONSTRAINT "t""q" CHECK (note <> ')' AND "a,b" > ''),
    CONSTRAINT "t_a_fkey" FOREIGN KEY ("a,b") REFERENCES "u" ("id")
)"#;
        let d = parse_constraint_clauses(sql);
        let names: Vec<&str> = d.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["t u", "t\"q", "t_a_fkey"]);
        assert_eq!(d[0].columns, ["a,b", "c (d"]);
        assert_eq!(d[1].body, "note <> ')' AND \"a,b\" > ''");
        assert_eq!(d[2].columns, ["a,b"]);
    }

    #[test]
    fn autoincrement_is_a_keyword_not_a_default() {
        let mut db = SqliteConnection::establish(":memory:").unwrap();
        db.batch_execute(
            "CREATE TABLE a (id INTEGER PRIMARY KEY AUTOINCREMENT); \
             CREATE TABLE b (id INTEGER PRIMARY KEY, note TEXT DEFAULT 'AUTOINCREMENT'); \
             CREATE TABLE c (id INTEGER PRIMARY KEY, autoincrement_note TEXT)",
        )
        .unwrap();
        let schema = db.introspect().unwrap();
        let id = |t: &str| schema.tables[t].column("id").unwrap().autoincrement;
        assert!(id("a"));
        assert!(!id("b"));
        assert!(!id("c"));
    }

    #[test]
    fn generated_expressions_are_read_from_the_table_sql() {
        let sql = r#"CREATE TABLE "t" ("id" BIGINT, "as" INTEGER DEFAULT (1), "tot" NUMERIC(12, 2) GENERATED ALWAYS AS (p * (2 + 1)) STORED NOT NULL, [l] TEXT AS (upper('a,b)')) VIRTUAL, CONSTRAINT "c" CHECK (x AS y))"#;
        assert_eq!(generated_expr(sql, "tot").as_deref(), Some("p * (2 + 1)"));
        assert_eq!(generated_expr(sql, "l").as_deref(), Some("upper('a,b)')"));
        assert_eq!(generated_expr(sql, "as"), None);
        assert_eq!(generated_expr(sql, "id"), None);
    }

    #[test]
    fn partial_index_predicate() {
        assert_eq!(
            index_predicate(r#"CREATE INDEX "i" ON "t" ("a") WHERE a > 0"#).as_deref(),
            Some("a > 0")
        );
        assert_eq!(index_predicate(r#"CREATE INDEX "i" ON "t" ("a")"#), None);
        // The column list is the first parenthesis outside quoted names.
        assert_eq!(
            index_predicate(r#"CREATE INDEX "i (x" ON "t(" ("a)") /* c */ WHERE "a)" <> ')'"#)
                .as_deref(),
            Some(r#""a)" <> ')'"#)
        );
    }
}
