//! What the runner needs from a connection, once per backend: run SQL, read
//! rows back as text, take the migration lock, and introspect the schema.
//!
//! [`Database`] is implemented for Diesel's `SqliteConnection`,
//! `PgConnection` and `MysqlConnection` (per feature) and for
//! [`AnyConnection`].

use std::time::Duration;

use diesel::result::QueryResult;
use godwit_core::schema::Schema;

use crate::dialect::Dialect;
use crate::runner::Options;
use crate::Error;

mod any;
pub mod definitions;
#[cfg(feature = "mysql")]
mod mysql;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "sqlite")]
mod sqlite;

pub(crate) use any::redact;
pub use any::{connect, sqlite_path, AnyConnection};
#[cfg(feature = "cli")]
pub(crate) use any::{dialect_of, take_schema};

/// One row read back, every column as text (`None` for NULL).
pub type Row = Vec<Option<String>>;

/// A connection the runner can migrate.
///
/// The runner only ever calls these; each backend implements them with the
/// statements its dialect needs.
pub trait Database {
    /// The dialect the backend speaks.
    fn dialect(&self) -> Dialect;

    /// Runs one or more statements, discarding any rows.
    fn execute(&mut self, sql: &str) -> QueryResult<()>;

    /// Runs a query whose columns are named `c0`, `c1`, … `c{columns-1}`
    /// (at most 10), each read back as text.
    fn query(&mut self, sql: &str, columns: usize) -> QueryResult<Vec<Row>>;

    /// Whether a query returns at least one row (any columns).
    fn has_rows(&mut self, sql: &str) -> QueryResult<bool>;

    /// Takes the lock that keeps two processes from migrating the database
    /// at once, waiting at most `options.lock_wait` for another holder.
    fn lock(&mut self, options: &Options) -> Result<(), Error>;

    /// Releases the lock taken by [`Database::lock`].
    fn unlock(&mut self) -> Result<(), Error>;

    /// The schema as the database has it (tables, columns, indexes,
    /// constraints), without godwit's and Diesel's own tables.
    fn introspect(&mut self) -> Result<Schema, Error>;
}

impl<D: Database + ?Sized> Database for &mut D {
    fn dialect(&self) -> Dialect {
        (**self).dialect()
    }
    fn execute(&mut self, sql: &str) -> QueryResult<()> {
        (**self).execute(sql)
    }
    fn query(&mut self, sql: &str, columns: usize) -> QueryResult<Vec<Row>> {
        (**self).query(sql, columns)
    }
    fn has_rows(&mut self, sql: &str) -> QueryResult<bool> {
        (**self).has_rows(sql)
    }
    fn lock(&mut self, options: &Options) -> Result<(), Error> {
        (**self).lock(options)
    }
    fn unlock(&mut self) -> Result<(), Error> {
        (**self).unlock()
    }
    fn introspect(&mut self) -> Result<Schema, Error> {
        (**self).introspect()
    }
}

/// The tables introspection leaves out: godwit's version table and the
/// history tables of the tools a set imports from, which an adopted
/// database keeps (`import::Tool::history_table`).
const OWN_TABLES: [&str; 4] = [
    crate::runner::VERSION_TABLE,
    "__diesel_schema_migrations",
    "_sqlx_migrations",
    "refinery_schema_history",
];

/// The one-column answer of a lock query, its failure described as `what`.
#[cfg(any(feature = "postgres", feature = "mysql"))]
pub(crate) fn lock_query<D: Database + ?Sized>(
    db: &mut D,
    sql: &str,
    what: &str,
) -> Result<Option<String>, Error> {
    let rows = db.query(sql, 1).map_err(|e| Error::database(what, e))?;
    Ok(rows.first().map(|r| text(r, 0).to_string()))
}

/// The end of an attempt to take the lock: taken, or a timeout after
/// `options.lock_wait`.
#[cfg(any(feature = "postgres", feature = "mysql"))]
pub(crate) fn lock_taken(got: bool, dialect: Dialect, options: &Options) -> Result<(), Error> {
    if got {
        Ok(())
    } else {
        Err(Error::LockTimeout {
            dialect,
            waited: options.lock_wait,
        })
    }
}

/// The schema of the tables `sql` lists (its `c0` names each), read one by
/// one by `read_table`, without godwit's and Diesel's own tables.
#[cfg_attr(
    not(any(feature = "sqlite", feature = "postgres", feature = "mysql")),
    allow(dead_code)
)]
pub(crate) fn read_tables<D: Database + ?Sized>(
    db: &mut D,
    sql: &str,
    columns: usize,
    mut read_table: impl FnMut(&mut D, &str, &Row) -> QueryResult<godwit_core::schema::Table>,
) -> Result<Schema, Error> {
    let backend = match db.dialect() {
        Dialect::Postgres => "PostgreSQL",
        Dialect::Mysql => "MySQL",
        Dialect::Sqlite => "SQLite",
    };
    let mut schema = Schema::new();
    let mut read = || {
        for t in db.query(sql, columns)? {
            let name = text(&t, 0).to_string();
            if !OWN_TABLES.contains(&name.as_str()) {
                let table = read_table(db, &name, &t)?;
                schema.tables.insert(name, std::sync::Arc::new(table));
            }
        }
        Ok(())
    };
    read().map_err(|e| Error::database(format!("reading the {backend} schema"), e))?;
    read_objects(db, &mut schema)
        .map_err(|e| Error::database(format!("reading the {backend} views and triggers"), e))?;
    Ok(schema)
}

/// The views, triggers and (PostgreSQL) extensions of the database, by name
/// only (each backend keeps a view's query or a trigger's body in words of
/// its own, which are not compared: `dialect::normalise` leaves them out),
/// and the comments of tables and columns.
#[cfg_attr(
    not(any(feature = "sqlite", feature = "postgres", feature = "mysql")),
    allow(dead_code)
)]
fn read_objects<D: Database + ?Sized>(db: &mut D, schema: &mut Schema) -> QueryResult<()> {
    use godwit_core::schema::{Trigger, View};
    let (views, triggers, extensions) = match db.dialect() {
        Dialect::Postgres => (
            "SELECT CAST(c.relname AS TEXT) AS c0, CAST(c.relkind = 'm' AS TEXT) AS c1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind IN ('v', 'm')",
            "SELECT CAST(c.relname AS TEXT) AS c0, CAST(t.tgname AS TEXT) AS c1 FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE NOT t.tgisinternal AND n.nspname = current_schema()",
            // plpgsql comes with every database.
            Some("SELECT CAST(extname AS TEXT) AS c0 FROM pg_catalog.pg_extension WHERE extname <> 'plpgsql'"),
        ),
        Dialect::Mysql => (
            "SELECT CAST(TABLE_NAME AS CHAR) AS c0, 'false' AS c1 FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE()",
            "SELECT CAST(EVENT_OBJECT_TABLE AS CHAR) AS c0, CAST(TRIGGER_NAME AS CHAR) AS c1 FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()",
            None,
        ),
        Dialect::Sqlite => (
            "SELECT name AS c0, 'false' AS c1 FROM sqlite_master WHERE type = 'view'",
            "SELECT tbl_name AS c0, name AS c1 FROM sqlite_master WHERE type = 'trigger'",
            None,
        ),
    };
    for v in db.query(views, 2)? {
        let view = View {
            materialized: text(&v, 1) == "true",
            query: String::new(),
            reads: None,
            indexes: Default::default(),
        };
        schema.views.insert(text(&v, 0).to_string(), view);
    }
    for t in db.query(triggers, 2)? {
        if let Some(table) = schema.tables.get_mut(text(&t, 0)) {
            let trigger = Trigger {
                timing: String::new(),
                body: String::new(),
            };
            std::sync::Arc::make_mut(table)
                .triggers
                .insert(text(&t, 1).to_string(), trigger);
        }
    }
    if let Some(sql) = extensions {
        for e in db.query(sql, 1)? {
            schema.extensions.insert(text(&e, 0).to_string());
        }
    }
    // Comments: `c1` names the column, empty for the table's own.
    let comments = match db.dialect() {
        Dialect::Postgres => Some(
            "SELECT CAST(c.relname AS TEXT) AS c0, CAST(COALESCE(a.attname, '') AS TEXT) AS c1, d.description AS c2 FROM pg_catalog.pg_description d JOIN pg_catalog.pg_class c ON c.oid = d.objoid AND d.classoid = 'pg_catalog.pg_class'::regclass JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid AND d.objsubid > 0 WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')",
        ),
        Dialect::Mysql => Some(
            "SELECT CAST(TABLE_NAME AS CHAR) AS c0, '' AS c1, CAST(TABLE_COMMENT AS CHAR) AS c2 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' AND TABLE_COMMENT <> '' UNION ALL SELECT CAST(TABLE_NAME AS CHAR), CAST(COLUMN_NAME AS CHAR), CAST(COLUMN_COMMENT AS CHAR) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND COLUMN_COMMENT <> ''",
        ),
        // SQLite keeps no comments.
        Dialect::Sqlite => None,
    };
    if let Some(sql) = comments {
        for c in db.query(sql, 3)? {
            let Some(table) = schema.tables.get_mut(text(&c, 0)) else {
                continue;
            };
            let table = std::sync::Arc::make_mut(table);
            let comment = text(&c, 2).to_string();
            match text(&c, 1) {
                "" => table.comment = Some(comment),
                column => {
                    table.column_comments.insert(column.to_string(), comment);
                }
            }
        }
    }
    // Comments on constraints: PostgreSQL's alone (MySQL keeps none).
    if db.dialect() == Dialect::Postgres {
        let sql = "SELECT CAST(t.relname AS TEXT) AS c0, CAST(con.conname AS TEXT) AS c1, d.description AS c2 FROM pg_catalog.pg_description d JOIN pg_catalog.pg_constraint con ON con.oid = d.objoid AND d.classoid = 'pg_catalog.pg_constraint'::regclass JOIN pg_catalog.pg_class t ON t.oid = con.conrelid JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = current_schema()";
        for c in db.query(sql, 3)? {
            if let Some(table) = schema.tables.get_mut(text(&c, 0)) {
                std::sync::Arc::make_mut(table)
                    .constraint_comments
                    .insert(text(&c, 1).to_string(), text(&c, 2).to_string());
            }
        }
    }
    Ok(())
}

/// Rows of up to ten text columns, `c0`..`c9`.
pub(crate) mod rows {
    use diesel::sql_types::{Nullable, Text};
    use diesel::QueryableByName;

    /// A row whose columns are not read: for "is there any row".
    #[derive(QueryableByName)]
    pub struct AnyRow {}

    macro_rules! text_row {
        ($name:ident: $($field:ident),*) => {
            #[derive(QueryableByName)]
            pub struct $name {
                $(
                    #[diesel(sql_type = Nullable<Text>)]
                    $field: Option<String>,
                )*
            }
            impl From<$name> for super::Row {
                fn from(r: $name) -> super::Row {
                    vec![$(r.$field),*]
                }
            }
        };
    }
    text_row!(Row1: c0);
    text_row!(Row2: c0, c1);
    text_row!(Row3: c0, c1, c2);
    text_row!(Row4: c0, c1, c2, c3);
    text_row!(Row5: c0, c1, c2, c3, c4);
    text_row!(Row6: c0, c1, c2, c3, c4, c5);
    text_row!(Row7: c0, c1, c2, c3, c4, c5, c6);
    text_row!(Row8: c0, c1, c2, c3, c4, c5, c6, c7);
    text_row!(Row9: c0, c1, c2, c3, c4, c5, c6, c7, c8);
    text_row!(Row10: c0, c1, c2, c3, c4, c5, c6, c7, c8, c9);
}

/// Implements the text-row queries of [`Database`] for one Diesel connection.
macro_rules! text_queries {
    ($conn:ty) => {
        fn execute(&mut self, sql: &str) -> diesel::QueryResult<()> {
            diesel::connection::SimpleConnection::batch_execute(self, sql)
        }

        fn query(
            &mut self,
            sql: &str,
            columns: usize,
        ) -> diesel::QueryResult<Vec<$crate::database::Row>> {
            use diesel::RunQueryDsl;
            use $crate::database::rows::*;
            fn load<R>(c: &mut $conn, sql: &str) -> diesel::QueryResult<Vec<$crate::database::Row>>
            where
                R: diesel::QueryableByName<<$conn as diesel::Connection>::Backend>
                    + Into<$crate::database::Row>
                    + 'static,
            {
                Ok(diesel::sql_query(sql)
                    .load::<R>(c)?
                    .into_iter()
                    .map(Into::into)
                    .collect())
            }
            match columns {
                1 => load::<Row1>(self, sql),
                2 => load::<Row2>(self, sql),
                3 => load::<Row3>(self, sql),
                4 => load::<Row4>(self, sql),
                5 => load::<Row5>(self, sql),
                6 => load::<Row6>(self, sql),
                7 => load::<Row7>(self, sql),
                8 => load::<Row8>(self, sql),
                9 => load::<Row9>(self, sql),
                _ => load::<Row10>(self, sql),
            }
        }

        fn has_rows(&mut self, sql: &str) -> diesel::QueryResult<bool> {
            use diesel::RunQueryDsl;
            Ok(!diesel::sql_query(sql)
                .load::<$crate::database::rows::AnyRow>(self)?
                .is_empty())
        }
    };
}
pub(crate) use text_queries;

#[cfg_attr(not(feature = "postgres"), allow(dead_code))]
/// Polls `try_lock` until it succeeds or `wait` has passed.
pub(crate) fn poll_lock(
    wait: Duration,
    mut try_lock: impl FnMut() -> Result<bool, Error>,
) -> Result<bool, Error> {
    let start = std::time::Instant::now();
    let mut pause = Duration::from_millis(20);
    loop {
        if try_lock()? {
            return Ok(true);
        }
        if start.elapsed() >= wait {
            return Ok(false);
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(500));
    }
}

#[cfg_attr(not(feature = "postgres"), allow(dead_code))]
/// Splits a `sep`-joined list read back from a catalog query.
pub(crate) fn split_list(s: Option<&str>) -> Vec<String> {
    match s {
        None | Some("") => Vec::new(),
        Some(s) => s.split('\u{1f}').map(str::to_string).collect(),
    }
}

/// The text of a column, or an empty string.
pub(crate) fn text(row: &Row, i: usize) -> &str {
    row.get(i).and_then(|c| c.as_deref()).unwrap_or("")
}

/// The column type a backend's catalog spells `spelled` (docs/TYPES.md, read
/// backwards); a type godwit does not model is `Custom`, so that
/// introspection never stops at a type it does not know.
pub(crate) fn parse_type(dialect: Dialect, spelled: &str) -> godwit_core::ColumnType {
    godwit_core::translate::column_type(spelled, dialect.syntax())
}

/// An ON DELETE action from its SQL spelling (`NO ACTION`, `CASCADE`, ..).
pub(crate) fn parse_action(spelled: &str) -> godwit_core::Action {
    use godwit_core::Action::*;
    match spelled.trim().to_ascii_uppercase().as_str() {
        "RESTRICT" => Restrict,
        "CASCADE" => Cascade,
        "SET NULL" => SetNull,
        "SET DEFAULT" => SetDefault,
        _ => NoAction,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn introspection_leaves_out_every_imported_tools_history_table() {
        for tool in crate::import::Tool::ALL {
            assert!(super::OWN_TABLES.contains(&tool.history_table()), "{tool}");
        }
    }
}
