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

use godwit_core::schema::{ColumnState, Constraint, Index, Schema, Table};
use godwit_core::{ColumnType, DefaultValue, Op};

mod mysql;
mod normalise;
mod postgres;
mod sqlite;
#[cfg(test)]
mod tests;

pub use normalise::{canonical_sql, normalise};

/// A SQL dialect: how one family of backends spells each op.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// PostgreSQL 12 or newer.
    Postgres,
    /// MySQL 8.0.29 or newer, or MariaDB 10.5 or newer.
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

    /// The SQL type a column type is created with (docs/TYPES.md).
    pub fn column_type(self, ty: ColumnType) -> String {
        use ColumnType::*;
        match (self, ty) {
            (_, SmallInt) => "SMALLINT".into(),
            (Dialect::Mysql, Integer) => "INT".into(),
            (_, Integer) => "INTEGER".into(),
            (_, BigInt) => "BIGINT".into(),
            (_, Boolean) => "BOOLEAN".into(),
            (_, Text) => "TEXT".into(),
            (_, Varchar(n)) => format!("VARCHAR({n})"),
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
            (_, Json) => "JSON".into(),
        }
    }

    /// A server default, as the SQL after `DEFAULT`, for a column of `ty`.
    pub fn default_value(self, value: &DefaultValue, ty: ColumnType) -> String {
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
            other => self.default_value(other, ColumnType::Integer),
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
        match self {
            Dialect::Postgres => postgres::render(&cx),
            Dialect::Mysql => mysql::render(&cx),
            Dialect::Sqlite => sqlite::render(&cx),
        }
    }
}

fn replay_error(op: &Op, message: String) -> RenderError {
    RenderError::Replay {
        op: op.to_string(),
        message,
    }
}

/// The ops [`alike`] renders, as a pattern for each dialect's match
/// (`rendered_alike!() => super::alike(cx)?`), so that the match stays
/// exhaustive and the list is written once.
macro_rules! rendered_alike {
    () => {
        Op::CreateTable { .. }
            | Op::DropTable { .. }
            | Op::DeprecateTable { .. }
            | Op::RenameTable { .. }
            | Op::Execute { .. }
            | Op::Backfill { .. }
            | Op::SafetyAssured { .. }
    };
}
pub(crate) use rendered_alike;

/// The ops every backend renders alike, but for MySQL's word for a rename:
/// the ops on a whole table (deprecating one is a mark in the model, with no
/// SQL), raw SQL and backfills.
pub(crate) fn alike(cx: &Context<'_>) -> Result<Vec<Statement>, RenderError> {
    Ok(match cx.op {
        Op::CreateTable { name, .. } => {
            vec![sql(create_table(cx.dialect, name, cx.table_after(name)?))]
        }
        Op::DropTable { name } => vec![sql(format!("DROP TABLE {}", cx.q(name)))],
        Op::RenameTable { from, to } if cx.dialect == Dialect::Mysql => {
            vec![sql(format!("RENAME TABLE {} TO {}", cx.q(from), cx.q(to)))]
        }
        Op::RenameTable { from, to } => vec![sql(format!(
            "ALTER TABLE {} RENAME TO {}",
            cx.q(from),
            cx.q(to)
        ))],
        Op::Execute { sql: s } => vec![sql(s.trim().trim_end_matches(';').to_string())],
        Op::Backfill {
            table,
            set,
            predicate,
            batch_size,
        } => vec![cx.backfill(table, set, predicate.as_deref(), *batch_size)?],
        // `render` takes safety_assured apart before it gets here.
        Op::SafetyAssured { .. } => {
            return Err(cx.unsupported("safety_assured is rendered op by op"))
        }
        _ => Vec::new(),
    })
}

/// `ALTER TABLE .. DROP COLUMN ..`, then `suffix` (an algorithm clause).
pub(crate) fn drop_column(cx: &Context<'_>, table: &str, column: &str, suffix: &str) -> Statement {
    sql(format!(
        "ALTER TABLE {} DROP COLUMN {}{suffix}",
        cx.q(table),
        cx.q(column)
    ))
}

/// `ALTER TABLE .. RENAME COLUMN .. TO ..`, then `suffix`.
pub(crate) fn rename_column(
    cx: &Context<'_>,
    table: &str,
    from: &str,
    to: &str,
    suffix: &str,
) -> Statement {
    sql(format!(
        "ALTER TABLE {} RENAME COLUMN {} TO {}{suffix}",
        cx.q(table),
        cx.q(from),
        cx.q(to)
    ))
}

/// `ALTER TABLE .. ADD CONSTRAINT .. FOREIGN KEY ..` of the op, a
/// `create_foreign_key`, without `NOT VALID` (each backend says it its way).
pub(crate) fn add_foreign_key(cx: &Context<'_>) -> String {
    let Op::CreateForeignKey {
        name,
        table,
        columns,
        ref_table,
        ref_columns,
        on_delete: action,
        ..
    } = cx.op
    else {
        return String::new();
    };
    format!(
        "ALTER TABLE {} ADD CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({}){}",
        cx.q(table),
        cx.q(name),
        cx.dialect.quote_list(columns),
        cx.q(ref_table),
        cx.dialect.quote_list(ref_columns),
        on_delete(*action)
    )
}

/// What a dialect's renderer sees of one op.
pub(crate) struct Context<'a> {
    pub dialect: Dialect,
    pub op: &'a Op,
    pub before: &'a Schema,
    pub after: &'a Schema,
}

impl Context<'_> {
    pub fn q(&self, ident: &str) -> String {
        self.dialect.quote(ident)
    }

    pub fn table_before(&self, name: &str) -> Result<&Table, RenderError> {
        self.before
            .table(name)
            .map_err(|e| replay_error(self.op, e.message))
    }

    pub fn table_after(&self, name: &str) -> Result<&Table, RenderError> {
        self.after
            .table(name)
            .map_err(|e| replay_error(self.op, e.message))
    }

    /// A table after the op, and one of its columns.
    pub fn column_after(
        &self,
        table: &str,
        column: &str,
    ) -> Result<(&Table, &ColumnState), RenderError> {
        let t = self.table_after(table)?;
        Ok((t, self.in_model(t.column(column), "column")?))
    }

    /// An index of a table after the op.
    pub fn index_after(&self, table: &str, name: &str) -> Result<&Index, RenderError> {
        self.in_model(self.table_after(table)?.indexes.get(name), "index")
    }

    /// A constraint of a table before the op.
    pub fn constraint_before(&self, table: &str, name: &str) -> Result<&Constraint, RenderError> {
        self.in_model(
            self.table_before(table)?.constraints.get(name),
            "constraint",
        )
    }

    /// Whether a column allowed NULL before the op.
    pub fn was_nullable(&self, table: &str, column: &str) -> Result<bool, RenderError> {
        Ok(self
            .table_before(table)?
            .column(column)
            .is_some_and(|c| c.nullable))
    }

    /// What the model should hold: a `what` missing from it cannot be rendered.
    fn in_model<'t, T>(&self, found: Option<&'t T>, what: &str) -> Result<&'t T, RenderError> {
        found.ok_or_else(|| self.unsupported(format!("the {what} is missing from the model")))
    }

    pub fn unsupported(&self, reason: impl Into<String>) -> RenderError {
        RenderError::Unsupported {
            dialect: self.dialect,
            op: self.op.to_string(),
            reason: reason.into(),
        }
    }

    /// The backfill plan of `table`, batched by the first primary key column.
    pub fn backfill(
        &self,
        table: &str,
        set: &str,
        predicate: Option<&str>,
        batch_size: u32,
    ) -> Result<Statement, RenderError> {
        let t = self.table_before(table)?;
        let Some(key) = t.primary_key().and_then(|k| k.first()) else {
            return Err(self.unsupported(format!(
                "table `{table}` has no primary key to cut the batches by; add one, or use op.execute with a WHERE clause"
            )));
        };
        let numeric_key = t.column(key).is_some_and(|c| {
            matches!(
                c.ty,
                ColumnType::SmallInt | ColumnType::Integer | ColumnType::BigInt
            )
        });
        Ok(Statement::Backfill(Backfill {
            table: self.q(table),
            key: self.q(key),
            numeric_key,
            set: set.to_string(),
            predicate: predicate.map(str::to_string),
            batch_size: batch_size.max(1),
            dialect: self.dialect,
        }))
    }
}

pub(crate) fn sql(s: impl Into<String>) -> Statement {
    Statement::Sql(s.into())
}

/// The SQL of an ON DELETE action, or nothing for the default.
pub(crate) fn on_delete(action: godwit_core::Action) -> &'static str {
    use godwit_core::Action::*;
    match action {
        NoAction => "",
        Restrict => " ON DELETE RESTRICT",
        Cascade => " ON DELETE CASCADE",
        SetNull => " ON DELETE SET NULL",
        SetDefault => " ON DELETE SET DEFAULT",
    }
}

/// The definition of one column inside CREATE TABLE or ADD COLUMN.
pub(crate) fn column_definition(
    dialect: Dialect,
    table: &str,
    t: &Table,
    c: &ColumnState,
) -> String {
    let q = |s: &str| dialect.quote(s);
    let mut out = format!("{} {}", q(&c.name), dialect.column_type(c.ty));
    let sole_key = t
        .primary_key()
        .is_some_and(|k| k.len() == 1 && k[0] == c.name);
    match dialect {
        Dialect::Postgres => {
            if c.autoincrement {
                out.push_str(" GENERATED BY DEFAULT AS IDENTITY");
            }
            if !c.nullable {
                out.push_str(" NOT NULL");
            }
        }
        Dialect::Mysql => out.push_str(if c.nullable { " NULL" } else { " NOT NULL" }),
        Dialect::Sqlite => {
            if c.autoincrement && sole_key {
                // SQLite generates values only for an INTEGER PRIMARY KEY.
                let name = t
                    .constraints
                    .iter()
                    .find(|(_, k)| {
                        matches!(
                            k.kind,
                            godwit_core::schema::ConstraintKind::PrimaryKey { .. }
                        )
                    })
                    .map_or_else(
                        || godwit_core::schema::primary_key_name(table),
                        |(n, _)| n.clone(),
                    );
                return format!(
                    "{} INTEGER NOT NULL CONSTRAINT {} PRIMARY KEY AUTOINCREMENT",
                    q(&c.name),
                    q(&name)
                );
            }
            if !c.nullable {
                out.push_str(" NOT NULL");
            }
        }
    }
    if let Some(d) = &c.default {
        out.push_str(" DEFAULT ");
        out.push_str(&dialect.default_value(d, c.ty));
    }
    if dialect == Dialect::Mysql && c.autoincrement {
        out.push_str(" AUTO_INCREMENT");
    }
    out
}

/// Whether the SQLite table definition declares its primary key inline
/// (an AUTOINCREMENT column), so no table-level PRIMARY KEY follows.
pub(crate) fn sqlite_inline_key(t: &Table) -> bool {
    t.primary_key()
        .is_some_and(|k| k.len() == 1 && t.column(&k[0]).is_some_and(|c| c.autoincrement))
}

/// The definition of one named constraint (`CONSTRAINT "n" ...`).
pub(crate) fn constraint_definition(
    dialect: Dialect,
    name: &str,
    c: &godwit_core::schema::Constraint,
) -> String {
    use godwit_core::schema::ConstraintKind;
    let q = |s: &str| dialect.quote(s);
    let body = match &c.kind {
        ConstraintKind::PrimaryKey { columns } => {
            format!("PRIMARY KEY ({})", dialect.quote_list(columns))
        }
        ConstraintKind::Unique { columns } => format!("UNIQUE ({})", dialect.quote_list(columns)),
        ConstraintKind::ForeignKey {
            columns,
            ref_table,
            ref_columns,
            on_delete: action,
        } => format!(
            "FOREIGN KEY ({}) REFERENCES {} ({}){}",
            dialect.quote_list(columns),
            q(ref_table),
            dialect.quote_list(ref_columns),
            on_delete(*action)
        ),
        ConstraintKind::Check { expr } => format!("CHECK ({expr})"),
    };
    format!("CONSTRAINT {} {body}", q(name))
}

/// The constraints of a table in the order CREATE TABLE declares them:
/// primary key, unique, foreign keys, checks; by name within each kind.
pub(crate) fn ordered_constraints(t: &Table) -> Vec<(&String, &Constraint)> {
    use godwit_core::schema::ConstraintKind;
    let rank = |k: &ConstraintKind| match k {
        ConstraintKind::PrimaryKey { .. } => 0,
        ConstraintKind::Unique { .. } => 1,
        ConstraintKind::ForeignKey { .. } => 2,
        ConstraintKind::Check { .. } => 3,
    };
    let mut all: Vec<_> = t.constraints.iter().collect();
    all.sort_by_key(|(name, c)| (rank(&c.kind), name.as_str()));
    all
}

/// CREATE TABLE for the table `name` as the model has it.
pub(crate) fn create_table(dialect: Dialect, name: &str, t: &Table) -> String {
    use godwit_core::schema::ConstraintKind;
    let mut parts: Vec<String> = t
        .columns
        .iter()
        .map(|c| format!("    {}", column_definition(dialect, name, t, c)))
        .collect();
    let inline_key = dialect == Dialect::Sqlite && sqlite_inline_key(t);
    for (cname, c) in ordered_constraints(t) {
        if inline_key && matches!(c.kind, ConstraintKind::PrimaryKey { .. }) {
            continue;
        }
        parts.push(format!("    {}", constraint_definition(dialect, cname, c)));
    }
    format!(
        "CREATE TABLE {} (\n{}\n)",
        dialect.quote(name),
        parts.join(",\n")
    )
}

/// CREATE INDEX for an index of the model (without CONCURRENTLY).
pub(crate) fn create_index(
    dialect: Dialect,
    name: &str,
    table: &str,
    index: &Index,
    concurrently: bool,
) -> String {
    let mut out = format!(
        "CREATE {}INDEX {}{} ON {} ({})",
        if index.unique { "UNIQUE " } else { "" },
        if concurrently { "CONCURRENTLY " } else { "" },
        dialect.quote(name),
        dialect.quote(table),
        dialect.quote_list(&index.columns)
    );
    if let Some(p) = &index.predicate {
        out.push_str(" WHERE ");
        out.push_str(p);
    }
    out
}
