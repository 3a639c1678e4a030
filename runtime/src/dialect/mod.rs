//! SQL dialects: each [`Op`] rendered to the statements one backend runs.
//!
//! Rendering is a pure function of the op, the dialect and the schema model
//! as it stood before the op (replayed from the set's earlier migrations with
//! [`Schema::apply`]). The runner executes exactly what is rendered here, and
//! [`MigrationSet::sql`](crate::MigrationSet::sql) prints it.
//!
//! Every identifier is quoted (and escaped) and every constraint is created
//! under an explicit name, the one [`godwit_core::schema`] gives it, so that
//! the introspected database can be compared with the model. docs/TYPES.md
//! lists the column type mapping.

use std::fmt::{self, Display, Formatter};

use godwit_core::backend::limits;
use godwit_core::schema::Schema;
use godwit_core::{Backend, ColumnType, DefaultValue, Op};

mod index;
mod mysql;
mod normalise;
mod objects;
mod postgres;
mod shared;
mod sqlite;
#[cfg(test)]
mod tests;
mod types;

pub(crate) use index::create_index;
#[cfg(feature = "cli")]
pub(crate) use index::key_text;
pub use normalise::{canonical_sql, normalise};
#[cfg(feature = "cli")]
pub(crate) use shared::deferrable;
use shared::replay_error;
pub(crate) use shared::{
    add_constraint, alike, column_definition, constraint_definition, create_table, drop_column,
    rename_column, rendered_alike, sql, Context,
};

/// A SQL dialect: how one family of backends spells each op.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// PostgreSQL 12 or newer.
    Postgres,
    /// MySQL 8.0.12 or newer, or MariaDB 10.5 or newer (the oldest a set may
    /// declare: `godwit_core::Backend::oldest_supported`).
    Mysql,
    /// SQLite 3.35 or newer.
    Sqlite,
}

impl Display for Dialect {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Dialect {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "postgres" | "postgresql" | "pg" => Ok(Dialect::Postgres),
            "mysql" | "mariadb" => Ok(Dialect::Mysql),
            "sqlite" | "sqlite3" => Ok(Dialect::Sqlite),
            other => Err(format!(
                "unknown dialect `{other}`: expected postgres, mysql or sqlite"
            )),
        }
    }
}

/// One step of a rendered op.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Statement {
    /// A statement run as is.
    Sql(String),
    /// A query that must return no row: a row is a violation and fails the
    /// migration (SQLite's `PRAGMA foreign_key_check`, or the check MySQL
    /// runs for `validate_constraint`).
    ExpectEmpty {
        /// The query.
        sql: String,
        /// What a returned row means, for the error message.
        violation: String,
    },
    /// `op.backfill`: the runner updates the rows in batches by primary key,
    /// committing each batch on its own.
    Backfill(Backfill),
}

/// A batched update, as planned for one dialect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backfill {
    /// The quoted table name.
    pub table: String,
    /// The quoted primary key column the batches are cut by.
    pub key: String,
    /// Whether the key compares as a number (its literals are not quoted).
    pub numeric_key: bool,
    /// The SET list.
    pub set: String,
    /// The optional extra predicate.
    pub predicate: Option<String>,
    /// Rows per batch.
    pub batch_size: u32,
    /// The dialect, for casts and quoting.
    pub dialect: Dialect,
}

impl Backfill {
    fn filter(&self) -> String {
        match &self.predicate {
            Some(p) => format!(" AND ({p})"),
            None => String::new(),
        }
    }

    fn literal(&self, key: &str) -> String {
        if self.numeric_key {
            key.to_string()
        } else {
            self.dialect.string_literal(key)
        }
    }

    fn after(&self, last: Option<&str>) -> String {
        match last {
            Some(k) => format!("{} > {}", self.key, self.literal(k)),
            None => "1 = 1".to_string(),
        }
    }

    /// The query returning the key (as text) of the last row of the next
    /// batch after `last`, or no row when fewer than a batch remain.
    pub fn boundary_query(&self, last: Option<&str>) -> String {
        format!(
            "SELECT {} AS c0 FROM {} WHERE {}{} ORDER BY {} LIMIT 1 OFFSET {}",
            self.dialect.cast_text(&self.key),
            self.table,
            self.after(last),
            self.filter(),
            self.key,
            self.batch_size.saturating_sub(1)
        )
    }

    /// The UPDATE of the rows after `last` up to and including `upto`
    /// (to the end when `None`).
    pub fn batch_update(&self, last: Option<&str>, upto: Option<&str>) -> String {
        let upper = match upto {
            Some(k) => format!(" AND {} <= {}", self.key, self.literal(k)),
            None => String::new(),
        };
        format!(
            "UPDATE {} SET {} WHERE {}{}{}",
            self.table,
            self.set,
            self.after(last),
            upper,
            self.filter()
        )
    }
}

impl Display for Statement {
    /// The statement as `sql` prints it, terminated by `;`.
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Statement::Sql(sql) => write!(f, "{sql};"),
            Statement::ExpectEmpty { sql, violation } => {
                write!(f, "-- must return no row ({violation}):\n{sql};")
            }
            Statement::Backfill(b) => write!(
                f,
                "-- backfill: godwit runs this in batches of {} rows by {}, each batch its own transaction\n{};",
                b.batch_size,
                b.key,
                b.batch_update(None, None)
            ),
        }
    }
}

/// Why an op cannot be rendered for a dialect.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RenderError {
    /// The backend has no way to do what the op asks.
    #[error("{dialect} cannot run `{op}`: {reason}")]
    Unsupported {
        /// The dialect.
        dialect: Dialect,
        /// The op, as written in the migration.
        op: String,
        /// Why, and what to do instead.
        reason: String,
    },
    /// The op does not apply to the schema replayed from the earlier
    /// migrations (the set was not checked by `migrations!`).
    #[error("`{op}` does not apply to the schema of the earlier migrations: {message}")]
    Replay {
        /// The op, as written in the migration.
        op: String,
        /// What is wrong.
        message: String,
    },
}

impl Dialect {
    /// The lexical rules of the backend's SQL (literals, quoted names,
    /// comments), by which godwit reads SQL text meant for it.
    pub fn syntax(self) -> godwit_core::sql_text::Syntax {
        use godwit_core::sql_text::Syntax;
        match self {
            Dialect::Postgres => Syntax::Postgres,
            Dialect::Mysql => Syntax::Mysql,
            Dialect::Sqlite => Syntax::Sqlite,
        }
    }

    /// `"postgres"`, `"mysql"` or `"sqlite"`.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Postgres => "postgres",
            Dialect::Mysql => "mysql",
            Dialect::Sqlite => "sqlite",
        }
    }

    /// Every dialect.
    pub const ALL: [Dialect; 3] = [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite];

    /// An identifier, quoted and escaped: `"users"` or `` `users` ``.
    pub fn quote(self, ident: &str) -> String {
        match self {
            Dialect::Mysql => format!("`{}`", ident.replace('`', "``")),
            Dialect::Postgres | Dialect::Sqlite => format!("\"{}\"", ident.replace('"', "\"\"")),
        }
    }

    /// A comma-separated list of quoted identifiers.
    pub fn quote_list<S: AsRef<str>>(self, idents: &[S]) -> String {
        idents
            .iter()
            .map(|i| self.quote(i.as_ref()))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// A string literal, quoted and escaped.
    pub fn string_literal(self, s: &str) -> String {
        let s = s.replace('\'', "''");
        match self {
            // MySQL treats a backslash in a literal as an escape by default.
            Dialect::Mysql => format!("'{}'", s.replace('\\', "\\\\")),
            Dialect::Postgres | Dialect::Sqlite => format!("'{s}'"),
        }
    }

    /// An expression cast to text, for reading any value back as a string.
    pub fn cast_text(self, expr: &str) -> String {
        match self {
            Dialect::Mysql => format!("CAST({expr} AS CHAR)"),
            Dialect::Postgres | Dialect::Sqlite => format!("CAST({expr} AS TEXT)"),
        }
    }

    /// The SQL type a column type is created with (docs/TYPES.md). A type
    /// the backend does not have is refused before rendering (see
    /// [`Dialect::supports`]).
    pub fn column_type(self, ty: &ColumnType) -> String {
        use ColumnType::*;
        match (self, ty) {
            (_, SmallInt) => "SMALLINT".into(),
            (Dialect::Mysql, Integer) => "INT".into(),
            (_, Integer) => "INTEGER".into(),
            (_, BigInt) => "BIGINT".into(),
            (_, Boolean) => "BOOLEAN".into(),
            (_, Text) => "TEXT".into(),
            (_, Varchar(n)) => format!("VARCHAR({n})"),
            (Dialect::Mysql, VarcharUnbounded) => "TEXT".into(),
            (_, VarcharUnbounded) => "VARCHAR".into(),
            (_, Char(n)) => format!("CHAR({n})"),
            (Dialect::Mysql, Real) => "FLOAT".into(),
            (_, Real) => "REAL".into(),
            (Dialect::Postgres, Double) => "DOUBLE PRECISION".into(),
            (_, Double) => "DOUBLE".into(),
            (Dialect::Mysql, Numeric(p, s)) => format!("DECIMAL({p}, {s})"),
            (_, Numeric(p, s)) => format!("NUMERIC({p}, {s})"),
            (_, Date) => "DATE".into(),
            (Dialect::Mysql, Time) => "TIME(6)".into(),
            (_, Time) => "TIME".into(),
            (Dialect::Mysql, Timestamp) => "DATETIME(6)".into(),
            (_, Timestamp) => "TIMESTAMP".into(),
            (Dialect::Mysql, TimestampTz) => "TIMESTAMP(6)".into(),
            (_, TimestampTz) => "TIMESTAMPTZ".into(),
            (Dialect::Postgres, Binary) => "BYTEA".into(),
            (Dialect::Mysql, Binary) => "LONGBLOB".into(),
            (Dialect::Sqlite, Binary) => "BLOB".into(),
            (Dialect::Mysql, Uuid) => "CHAR(36)".into(),
            (_, Uuid) => "UUID".into(),
            (Dialect::Postgres, Json) => "JSONB".into(),
            (_, Json | JsonText) => "JSON".into(),
            (_, Array(element)) => format!("{}[]", self.column_type(element)),
            (Dialect::Sqlite, Enum(_)) => "TEXT".into(),
            // MySQL spells the values instead, from the schema
            // (`types::column_type`).
            (_, Enum(name)) => self.quote(name),
            (_, Custom(name)) => name.to_string(),
        }
    }

    /// Whether the backend has a column type: why not, if it does not.
    pub fn supports(self, ty: &ColumnType) -> Result<(), String> {
        match self
            .backends()
            .iter()
            .find_map(|b| limits::type_refusal(*b, ty))
        {
            Some(reason) => Err(reason),
            None => Ok(()),
        }
    }

    /// The backends it renders for: the mysql dialect renders what MySQL
    /// and MariaDB both run.
    pub fn backends(self) -> &'static [Backend] {
        match self {
            Dialect::Postgres => &[Backend::Postgres],
            Dialect::Mysql => &[Backend::Mysql, Backend::Mariadb],
            Dialect::Sqlite => &[Backend::Sqlite],
        }
    }

    /// A server default, as the SQL after `DEFAULT`, for a column of `ty`.
    pub fn default_value(self, value: &DefaultValue, ty: &ColumnType) -> String {
        // MySQL 8 takes a default on TEXT, BLOB and JSON columns only as an
        // expression, in parentheses (MariaDB takes both).
        let blob_like = matches!(ty, ColumnType::Text | ColumnType::Binary | ColumnType::Json);
        if self == Dialect::Mysql
            && blob_like
            && matches!(
                value,
                DefaultValue::Str(_)
                    | DefaultValue::Int(_)
                    | DefaultValue::Float(_)
                    | DefaultValue::Bool(_)
            )
        {
            return format!("({})", Dialect::Postgres.default_literal(value));
        }
        match value {
            DefaultValue::Str(s) => self.string_literal(s),
            DefaultValue::Int(i) => i.to_string(),
            DefaultValue::Float(x) => x.to_string(),
            DefaultValue::Bool(b) => match (self, b) {
                (Dialect::Mysql, true) => "1".into(),
                (Dialect::Mysql, false) => "0".into(),
                (_, true) => "TRUE".into(),
                (_, false) => "FALSE".into(),
            },
            DefaultValue::Now => match (self, ty) {
                (Dialect::Mysql, ColumnType::Timestamp | ColumnType::TimestampTz) => {
                    "CURRENT_TIMESTAMP(6)".into()
                }
                // MySQL refuses CURRENT_TIMESTAMP as the default of a DATE or TIME column.
                (Dialect::Mysql, ColumnType::Date) => "(CURRENT_DATE)".into(),
                (Dialect::Mysql, ColumnType::Time) => "(CURRENT_TIME)".into(),
                _ => "CURRENT_TIMESTAMP".into(),
            },
            DefaultValue::Sql(s) => match self {
                // MySQL and SQLite take an expression default only in parentheses.
                Dialect::Mysql | Dialect::Sqlite => format!("({s})"),
                Dialect::Postgres => s.to_string(),
            },
        }
    }

    /// A literal default as plain SQL (string quoted the standard way,
    /// booleans as 1 and 0), for wrapping in an expression.
    fn default_literal(self, value: &DefaultValue) -> String {
        match value {
            DefaultValue::Bool(b) => if *b { "1" } else { "0" }.into(),
            DefaultValue::Str(s) => Dialect::Mysql.string_literal(s),
            other => self.default_value(other, &ColumnType::Integer),
        }
    }

    /// The statements of one op, given the schema before it.
    pub fn render(self, op: &Op, before: &Schema) -> Result<Vec<Statement>, RenderError> {
        if let Op::SafetyAssured { ops, .. } = op {
            let mut schema = before.clone();
            let mut out = Vec::new();
            for inner in ops.iter() {
                out.extend(self.render(inner, &schema)?);
                schema
                    .apply(inner)
                    .map_err(|e| replay_error(inner, e.message))?;
            }
            return Ok(out);
        }
        let mut after = before.clone();
        after.apply(op).map_err(|e| replay_error(op, e.message))?;
        let cx = Context {
            dialect: self,
            op,
            before,
            after: &after,
        };
        // What the backend cannot do, in the checker's own words: a set that
        // compiles for it does not get here.
        for backend in self.backends() {
            if let Some(refusal) = limits::refusal(*backend, op, before, &after) {
                return Err(cx.unsupported(refusal.reason));
            }
        }
        // A create of what is there, a drop of what is not: nothing to run.
        if before.is_no_op(op) {
            return Ok(Vec::new());
        }
        let mut out = match self {
            Dialect::Postgres => postgres::render(&cx),
            Dialect::Mysql => mysql::render(&cx),
            Dialect::Sqlite => sqlite::render(&cx),
        }?;
        objects::existence_clauses(&cx, &mut out);
        Ok(out)
    }
}
