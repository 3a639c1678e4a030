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

use super::{parse_action, parse_type, text, Database, OWN_TABLES};
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
        introspect(self).map_err(|e| Error::database("reading the SQLite schema", e))
    }
}

fn lit(s: &str) -> String {
    Dialect::Sqlite.string_literal(s)
}

fn introspect(db: &mut SqliteConnection) -> diesel::QueryResult<Schema> {
    let mut schema = Schema::new();
    let tables = db.query(
        "SELECT name AS c0, sql AS c1 FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
        2,
    )?;
    for t in tables {
        let name = text(&t, 0).to_string();
        if OWN_TABLES.contains(&name.as_str()) {
            continue;
        }
        let table_sql = text(&t, 1).to_string();
        let declared = parse_constraint_clauses(&table_sql);
        let mut table = Table::default();
        let columns = db.query(
            &format!(
                "SELECT name AS c0, type AS c1, CAST(\"notnull\" AS TEXT) AS c2, dflt_value AS c3, CAST(pk AS TEXT) AS c4 FROM pragma_table_info({}) ORDER BY cid",
                lit(&name)
            ),
            5,
        )?;
        let mut pk: Vec<(i64, String)> = Vec::new();
        for c in &columns {
            let cname = text(c, 0).to_string();
            let key: i64 = text(c, 4).parse().unwrap_or(0);
            if key > 0 {
                pk.push((key, cname.clone()));
            }
            let ty = parse_type(Dialect::Sqlite, text(c, 1))
                .ok_or_else(|| unknown_type(&name, &cname, text(c, 1)))?;
            table.columns.push(godwit_core::schema::ColumnState {
                name: cname,
                ty,
                nullable: text(c, 2) == "0" && key == 0,
                default: c[3]
                    .as_ref()
                    .map(|d| godwit_core::DefaultValue::Sql(d.clone().into())),
                autoincrement: false,
                deprecated: false,
            });
        }
        pk.sort();
        let pk: Vec<String> = pk.into_iter().map(|(_, c)| c).collect();
        if pk.len() == 1 && table_sql.to_ascii_uppercase().contains("AUTOINCREMENT") {
            if let Some(c) = table.columns.iter_mut().find(|c| c.name == pk[0]) {
                c.autoincrement = true;
            }
        }
        if !pk.is_empty() {
            let cname = declared
                .iter()
                .find(|d| d.kind == Clause::PrimaryKey)
                .map_or_else(|| primary_key_name(&name), |d| d.name.clone());
            table.constraints.insert(
                cname,
                Constraint {
                    kind: ConstraintKind::PrimaryKey { columns: pk },
                    valid: true,
                },
            );
        }
        let indexes = db.query(
            &format!(
                "SELECT name AS c0, CAST(\"unique\" AS TEXT) AS c1, origin AS c2 FROM pragma_index_list({}) ORDER BY name",
                lit(&name)
            ),
            3,
        )?;
        for i in &indexes {
            let iname = text(i, 0).to_string();
            let origin = text(i, 2);
            if origin == "pk" {
                continue;
            }
            let cols: Vec<String> = db
                .query(
                    &format!(
                        "SELECT name AS c0 FROM pragma_index_info({}) ORDER BY seqno",
                        lit(&iname)
                    ),
                    1,
                )?
                .iter()
                .map(|r| text(r, 0).to_string())
                .collect();
            if origin == "u" {
                let cname = declared
                    .iter()
                    .find(|d| d.kind == Clause::Unique && d.columns == cols)
                    .map_or_else(|| unique_name(&name, &cols), |d| d.name.clone());
                table.constraints.insert(
                    cname,
                    Constraint {
                        kind: ConstraintKind::Unique { columns: cols },
                        valid: true,
                    },
                );
            } else {
                let sql = db.query(
                    &format!(
                        "SELECT sql AS c0 FROM sqlite_master WHERE type = 'index' AND name = {}",
                        lit(&iname)
                    ),
                    1,
                )?;
                let predicate = sql.first().and_then(|r| index_predicate(text(r, 0)));
                table.indexes.insert(
                    iname,
                    Index {
                        columns: cols,
                        unique: text(i, 1) == "1",
                        predicate,
                    },
                );
            }
        }
        let fks = db.query(
            &format!(
                "SELECT CAST(id AS TEXT) AS c0, \"table\" AS c1, \"from\" AS c2, \"to\" AS c3, on_delete AS c4 FROM pragma_foreign_key_list({}) ORDER BY id, seq",
                lit(&name)
            ),
            5,
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
                )),
            }
        }
        for (_, ref_table, columns, ref_columns, action) in grouped {
            let cname = declared
                .iter()
                .find(|d| d.kind == Clause::ForeignKey && d.columns == columns)
                .map_or_else(|| foreign_key_name(&name, &columns), |d| d.name.clone());
            table.constraints.insert(
                cname,
                Constraint {
                    kind: ConstraintKind::ForeignKey {
                        columns,
                        ref_table,
                        ref_columns,
                        on_delete: parse_action(&action),
                    },
                    valid: true,
                },
            );
        }
        for d in declared.into_iter().filter(|d| d.kind == Clause::Check) {
            table.constraints.insert(
                d.name,
                Constraint {
                    kind: ConstraintKind::Check { expr: d.body },
                    valid: true,
                },
            );
        }
        schema.tables.insert(name, std::sync::Arc::new(table));
    }
    Ok(schema)
}

fn unknown_type(table: &str, column: &str, ty: &str) -> diesel::result::Error {
    diesel::result::Error::DeserializationError(
        format!(
            "column `{table}.{column}` has type `{ty}`, which godwit does not map to a column type"
        )
        .into(),
    )
}

/// A foreign key read from its pragma rows: id, referenced table, columns,
/// referenced columns, ON DELETE.
type ForeignKeyRows = (String, String, Vec<String>, Vec<String>, String);

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
}

/// Reads a quoted or bare identifier at `i`; returns it and the index after it.
fn identifier(s: &str, i: usize) -> (String, usize) {
    let b = s.as_bytes();
    if i < b.len() && matches!(b[i], b'"' | b'`' | b'[') {
        let close = if b[i] == b'[' { b']' } else { b[i] };
        let mut out = String::new();
        let mut j = i + 1;
        while j < b.len() {
            if b[j] == close {
                if j + 1 < b.len() && b[j + 1] == close && close != b']' {
                    out.push(close as char);
                    j += 2;
                    continue;
                }
                return (out, j + 1);
            }
            let ch = s[j..].chars().next().unwrap_or(' ');
            out.push(ch);
            j += ch.len_utf8();
        }
        (out, j)
    } else {
        let end = s[i..]
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .map_or(s.len(), |e| i + e);
        (s[i..end].to_string(), end)
    }
}

/// The text between the parenthesis at `open` and its match.
fn parenthesised(s: &str, open: usize) -> Option<(String, usize)> {
    let b = s.as_bytes();
    let mut depth = 0;
    let mut quote: Option<u8> = None;
    for (j, &c) in b.iter().enumerate().skip(open) {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                b'\'' | b'"' | b'`' => quote = Some(c),
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some((s[open + 1..j].to_string(), j + 1));
                    }
                }
                _ => {}
            },
        }
    }
    None
}

fn skip_ws(s: &str, i: usize) -> usize {
    s[i..]
        .find(|c: char| !c.is_whitespace())
        .map_or(s.len(), |e| i + e)
}

fn parse_constraint_clauses(sql: &str) -> Vec<Declared> {
    let upper = sql.to_ascii_uppercase();
    let b = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut quote: Option<u8> = None;
    while i < b.len() {
        let c = b[i];
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            i += 1;
            continue;
        }
        if matches!(c, b'\'' | b'"' | b'`') {
            quote = Some(c);
            i += 1;
            continue;
        }
        let boundary = i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
        if boundary && upper[i..].starts_with("CONSTRAINT") {
            let j = skip_ws(sql, i + "CONSTRAINT".len());
            let (name, j) = identifier(sql, j);
            let j = skip_ws(sql, j);
            let rest = &upper[j..];
            let kind = if rest.starts_with("PRIMARY") {
                Clause::PrimaryKey
            } else if rest.starts_with("UNIQUE") {
                Clause::Unique
            } else if rest.starts_with("FOREIGN") {
                Clause::ForeignKey
            } else if rest.starts_with("CHECK") {
                Clause::Check
            } else {
                i = j;
                continue;
            };
            // The parentheses belong to this clause only if they come before
            // the next comma (an inline `PRIMARY KEY AUTOINCREMENT` has none).
            let next_paren = sql[j..].find('(').map(|p| j + p);
            let next_comma = sql[j..].find(',').map_or(sql.len(), |p| j + p);
            let (body, end) = match next_paren {
                Some(p) if p < next_comma => parenthesised(sql, p).unwrap_or_default(),
                _ => (String::new(), j),
            };
            let columns = if kind == Clause::Check {
                Vec::new()
            } else {
                body.split(',')
                    .map(|c| identifier(c.trim(), 0).0)
                    .filter(|c| !c.is_empty())
                    .collect()
            };
            out.push(Declared {
                name,
                kind,
                columns,
                body: body.trim().to_string(),
            });
            i = end.max(j);
            continue;
        }
        i += 1;
    }
    out
}

/// The WHERE clause of a partial index's CREATE INDEX, if any.
fn index_predicate(sql: &str) -> Option<String> {
    let open = sql.find('(')?;
    let (_, end) = parenthesised(sql, open)?;
    let rest = sql[end..].trim_start();
    rest.get(..5)
        .filter(|w| w.eq_ignore_ascii_case("WHERE"))
        .map(|_| rest[5..].trim().to_string())
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
    fn partial_index_predicate() {
        assert_eq!(
            index_predicate(r#"CREATE INDEX "i" ON "t" ("a") WHERE a > 0"#).as_deref(),
            Some("a > 0")
        );
        assert_eq!(index_predicate(r#"CREATE INDEX "i" ON "t" ("a")"#), None);
    }
}
