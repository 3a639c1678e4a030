//! The schema model: what the database looks like after a prefix of the
//! history. The checker replays every migration on it (so that "existing
//! table" means "created by an earlier migration"), and the runtime's
//! introspection returns the same model, so a test can compare the two.
//!
//! Names follow PostgreSQL's defaults so that every backend can be told to
//! create constraints under the same names: `<table>_pkey`,
//! `<table>_<cols>_key` (unique), `<table>_<cols>_fkey` (foreign key).
//!
//! `mod.rs` holds the model's types and the names it derives; `replay.rs`
//! applies an op to it ([`Schema::apply`]); `diff.rs` compares two schemas
//! ([`Schema::differences`]).

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::model::{
    Action, Column, ColumnType, DefaultValue, Deferrable, Generated, IndexKey, IndexMethod,
};
use crate::sql_text::{self, Syntax};

mod creation;
mod diff;
mod replay;
mod signature;
#[cfg(test)]
mod tests;
mod types;

pub(crate) use diff::{comment, generation, view_kind};
pub use diff::{Difference, Numbering};
pub use replay::ReplayError;
pub use signature::signature_key;

/// A whole schema: tables by name.
#[derive(Clone, Debug, Default)]
pub struct Schema {
    /// Tables by name. Shared between copies: the checker keeps the schema
    /// before, after and restored for every migration of the history, and a
    /// copy then costs a pointer per table; a change copies the one table it
    /// changes (`Arc::make_mut`).
    pub tables: BTreeMap<String, Arc<Table>>,
    /// Enum types by name: their values, in order.
    pub enums: BTreeMap<String, Vec<String>>,
    /// Views and materialized views by name (one namespace with the tables).
    pub views: BTreeMap<String, View>,
    /// Functions by their signature made comparable ([`signature_key`]).
    pub functions: BTreeMap<String, Function>,
    /// Extensions installed (PostgreSQL), by name.
    pub extensions: std::collections::BTreeSet<String>,
    /// Tables that raw SQL created or changed in a way the model does not
    /// follow (a `CREATE TABLE`, `CREATE VIEW`, `ALTER TABLE` or `CREATE
    /// INDEX` it reads as opaque or cannot read): the table, or a column, index or
    /// constraint of it, may exist where the model lacks it, so naming one is
    /// not an error (the statement was already reported as `opaque-sql`).
    /// The count of such statements by table, so that a migration's own can
    /// be told apart. Not part of the schema's equality.
    pub unfollowed: BTreeMap<String, u32>,
}

impl PartialEq for Schema {
    fn eq(&self, other: &Self) -> bool {
        // A table shared by both copies is equal without a look inside.
        self.enums == other.enums
            && self.views == other.views
            && self.functions == other.functions
            && self.extensions == other.extensions
            && self.tables.len() == other.tables.len()
            && self
                .tables
                .iter()
                .zip(&other.tables)
                .all(|((n, a), (m, b))| n == m && (Arc::ptr_eq(a, b) || a == b))
    }
}

/// One table.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    /// Columns in order.
    pub columns: Vec<ColumnState>,
    /// Indexes by name (not those backing a primary key or unique constraint).
    pub indexes: BTreeMap<String, Index>,
    /// Constraints by name.
    pub constraints: BTreeMap<String, Constraint>,
    /// Marked by `deprecate_table`: a later migration may drop it.
    pub deprecated: bool,
    /// Triggers by name: they go with the table.
    pub triggers: BTreeMap<String, Trigger>,
    /// The table's comment.
    pub comment: Option<String>,
    /// The comments of its columns, by column name.
    pub column_comments: BTreeMap<String, String>,
    /// The comments of its constraints, by constraint name.
    pub constraint_comments: BTreeMap<String, String>,
}

/// One trigger of a table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trigger {
    /// When it fires: `BEFORE UPDATE`.
    pub timing: String,
    /// What follows the table: `FOR EACH ROW EXECUTE FUNCTION f()`.
    pub body: String,
}

impl Trigger {
    /// The name of the function it runs (`EXECUTE FUNCTION f(..)` or
    /// `EXECUTE PROCEDURE f(..)`), as the model keeps names, if it names one.
    pub fn function(&self) -> Option<String> {
        let words: Vec<_> = sql_text::tokens(&self.body, Syntax::Postgres)
            .filter(|t| !t.is_trivia())
            .collect();
        let at = words.windows(2).position(|w| {
            w[0].text.eq_ignore_ascii_case("execute")
                && (w[1].text.eq_ignore_ascii_case("function")
                    || w[1].text.eq_ignore_ascii_case("procedure"))
        })?;
        // `schema.name(..)`: the last part before the parenthesis.
        let name = words[at + 2..]
            .iter()
            .take_while(|t| t.text != "(")
            .filter(|t| t.text != ".")
            .last()?;
        Some(match name.kind {
            sql_text::TokenKind::QuotedName => name.name()?.into_owned(),
            _ => name.text.to_lowercase(),
        })
    }
}

/// One function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Function {
    /// Its name and argument list, as written.
    pub signature: String,
    /// What follows the signature, as written.
    pub definition: String,
}

impl Function {
    /// Its name, as the model keeps names (what a trigger names).
    pub fn name(&self) -> String {
        function_name(&self.signature)
    }
}

/// The name of the function a signature declares (`"public"."Touch"(int)`
/// is `Touch`; `touch ()` is `touch`).
pub fn function_name(signature: &str) -> String {
    let key = signature_key(signature);
    let head = key.split('(').next().unwrap_or_default();
    let last = head.rsplit('.').next().unwrap_or_default();
    last.trim_matches('"').to_string()
}

/// One view or materialized view.
#[derive(Clone, Debug, PartialEq)]
pub struct View {
    /// A materialized view (its rows stored) rather than a plain one.
    pub materialized: bool,
    /// The SELECT it shows, as written.
    pub query: String,
    /// The tables and views its query reads, by the names the model keeps;
    /// `None` when the query could not be read (its dependencies are then
    /// unknown, never guessed).
    pub reads: Option<Vec<String>>,
    /// Indexes of a materialized view, by name.
    pub indexes: BTreeMap<String, Index>,
}

impl View {
    /// Whether its query reads `relation` (a table or view), as far as
    /// that is known.
    pub fn reads(&self, relation: &str) -> bool {
        self.reads
            .as_ref()
            .is_some_and(|r| r.iter().any(|n| n == relation))
    }

    /// Whether its query reads `column` of `table`, as far as that can be
    /// told ([`crate::translate::reads_column`]; `schema` says which tables
    /// have such a column, for a name written bare).
    pub fn reads_column(&self, table: &str, column: &str, schema: &Schema) -> bool {
        self.reads(table)
            && crate::translate::reads_column(&self.query, table, column, |r| {
                schema
                    .tables
                    .get(r)
                    .is_some_and(|t| t.column(column).is_some())
            })
    }

    /// `"view"` or `"materialized view"`, for messages.
    pub fn kind(&self) -> &'static str {
        diff::view_kind(self.materialized)
    }
}

/// One column as it stands.
#[derive(Clone, Debug, PartialEq)]
pub struct ColumnState {
    /// Column name.
    pub name: String,
    /// Column type.
    pub ty: ColumnType,
    /// Whether NULL is allowed.
    pub nullable: bool,
    /// Server default.
    pub default: Option<DefaultValue>,
    /// Generated by the database.
    pub autoincrement: bool,
    /// An auto-increment column spelled as PostgreSQL's SERIAL (a sequence
    /// owned by the column and a `nextval` default) rather than an identity.
    pub serial: bool,
    /// Computed from an expression (a generated column).
    pub generated: Option<Generated>,
    /// Marked by `deprecate_column` or `alter_column(..).nullable(true)`:
    /// a later migration may drop it. Records intent, not schema.
    pub deprecated: bool,
    /// Marked by `deprecate_column` itself (not by a mere
    /// `.nullable(true)`): the application must stop using it, so the
    /// Diesel schema at head leaves it out ([`crate::diesel_schema`]).
    pub marked_deprecated: bool,
}

/// One index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Index {
    /// The keys, in order: columns or expressions, each with its order and
    /// operator class.
    pub keys: Vec<IndexKey>,
    /// Unique index.
    pub unique: bool,
    /// Partial index predicate.
    pub predicate: Option<String>,
    /// The access method asked for; `None`: the backend's default (b-tree).
    pub method: Option<IndexMethod>,
    /// Columns stored in the index without being keys (`INCLUDE`).
    pub include: Vec<String>,
}

impl Index {
    /// A plain index over `columns`: ascending keys, the default method,
    /// nothing included, no predicate.
    pub fn on_columns(columns: impl IntoIterator<Item = impl Into<String>>, unique: bool) -> Index {
        Index {
            keys: columns
                .into_iter()
                .map(|c| IndexKey::column(c.into()))
                .collect(),
            unique,
            predicate: None,
            method: None,
            include: Vec::new(),
        }
    }

    /// The columns of the keys it leads with, up to its first expression.
    pub fn leading_columns(&self) -> Vec<&str> {
        self.keys.iter().map_while(IndexKey::column_name).collect()
    }

    /// Whether it uses `column` of its table: as a key, in a key's
    /// expression, as an included column or in its predicate (expressions
    /// are read for the name bare in any case or quoted exactly).
    pub fn uses_column(&self, column: &str) -> bool {
        let mentions = |sql: &str| sql_text::mentions(sql, Syntax::Postgres, column);
        self.keys.iter().any(|k| match k.column_name() {
            Some(c) => c == column,
            None => mentions(&k.target),
        }) || self.include.iter().any(|c| c == column)
            || self.predicate.as_deref().is_some_and(mentions)
    }

    /// Whether a lookup by equality on its leading columns can use it: a
    /// b-tree or hash index (a GIN, GiST, BRIN or SP-GiST index over the
    /// same columns serves other searches), full or partial over
    /// `<first column> IS NOT NULL`, which an equality on that column
    /// implies (PostgreSQL and SQLite use such an index for it).
    pub fn serves_lookups(&self) -> bool {
        let rows_it_covers = match self.predicate.as_deref() {
            None => true,
            Some(p) => self
                .leading_columns()
                .first()
                .is_some_and(|c| is_not_null_of(p, c)),
        };
        rows_it_covers
            && matches!(
                self.method,
                None | Some(IndexMethod::Btree) | Some(IndexMethod::Hash)
            )
    }
}

/// Whether `predicate` is exactly `column IS NOT NULL` (in parentheses or
/// not, the name bare or double-quoted, the keywords in any case).
fn is_not_null_of(predicate: &str, column: &str) -> bool {
    let mut p = predicate.trim();
    while let Some(inner) = p.strip_prefix('(').and_then(|x| x.strip_suffix(')')) {
        p = inner.trim();
    }
    let words: Vec<&str> = p.split_whitespace().collect();
    let [name, is, not, null] = words[..] else {
        return false;
    };
    let quoted = format!("\"{}\"", column.replace('"', "\"\""));
    (name == column || name == quoted)
        && is.eq_ignore_ascii_case("is")
        && not.eq_ignore_ascii_case("not")
        && null.eq_ignore_ascii_case("null")
}

/// What a constraint enforces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConstraintKind {
    /// The primary key.
    PrimaryKey {
        /// Key columns.
        columns: Vec<String>,
    },
    /// A unique constraint.
    Unique {
        /// Constrained columns.
        columns: Vec<String>,
    },
    /// A foreign key.
    ForeignKey {
        /// Referencing columns.
        columns: Vec<String>,
        /// Referenced table.
        ref_table: String,
        /// Referenced columns.
        ref_columns: Vec<String>,
        /// ON DELETE action.
        on_delete: Action,
        /// ON UPDATE action.
        on_update: Action,
        /// DEFERRABLE, INITIALLY DEFERRED or neither.
        deferrable: Deferrable,
    },
    /// A check constraint.
    Check {
        /// SQL boolean expression.
        expr: String,
    },
}

impl ConstraintKind {
    /// Whether the constraint uses `column` of its own table (a check
    /// constraint: whether its expression names it, bare in any case or
    /// quoted exactly, outside literals and comments).
    pub fn uses_column(&self, column: &str) -> bool {
        match self {
            ConstraintKind::Check { expr } => sql_text::mentions(expr, Syntax::Postgres, column),
            other => other.columns().iter().any(|c| c == column),
        }
    }

    /// The columns of this table the constraint uses (none known for a check).
    pub fn columns(&self) -> &[String] {
        match self {
            ConstraintKind::PrimaryKey { columns }
            | ConstraintKind::Unique { columns }
            | ConstraintKind::ForeignKey { columns, .. } => columns,
            ConstraintKind::Check { .. } => &[],
        }
    }
}

/// One constraint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Constraint {
    /// What it enforces.
    pub kind: ConstraintKind,
    /// False while added `.not_valid()` and not yet validated.
    pub valid: bool,
}

/// The default name of a primary key constraint.
pub fn primary_key_name(table: &str) -> String {
    format!("{table}_pkey")
}

/// The default name of a unique constraint.
pub fn unique_name(table: &str, columns: &[String]) -> String {
    format!("{table}_{}_key", columns.join("_"))
}

/// The default name of an inline foreign key.
pub fn foreign_key_name(table: &str, columns: &[String]) -> String {
    format!("{table}_{}_fkey", columns.join("_"))
}

impl ColumnState {
    /// The state of a newly defined column.
    pub fn from_column(c: &Column) -> Self {
        ColumnState {
            name: c.name.to_string(),
            ty: c.ty.clone(),
            nullable: c.nullable && !c.primary_key,
            default: c.default.clone(),
            autoincrement: c.autoincrement,
            serial: c.serial,
            generated: c.generation(),
            deprecated: false,
            marked_deprecated: false,
        }
    }
}

impl Table {
    /// The column with this name.
    pub fn column(&self, name: &str) -> Option<&ColumnState> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The primary key columns, if the table has one.
    pub fn primary_key(&self) -> Option<&[String]> {
        self.constraints.values().find_map(|c| match &c.kind {
            ConstraintKind::PrimaryKey { columns } => Some(&columns[..]),
            _ => None,
        })
    }

    /// Whether some index or unique / primary key constraint leads with
    /// `columns`: among its keys, only the columns before its first
    /// expression count, and only a full index that serves lookups
    /// ([`Index::serves_lookups`]).
    pub fn has_index_leading_with(&self, columns: &[String]) -> bool {
        let leads = |cols: &[&str]| {
            cols.len() >= columns.len() && cols.iter().zip(columns).all(|(a, b)| *a == b)
        };
        self.indexes
            .values()
            .any(|i| i.serves_lookups() && leads(&i.leading_columns()))
            || self.constraints.values().any(|c| {
                let cols: Vec<&str> = c.kind.columns().iter().map(String::as_str).collect();
                matches!(
                    c.kind,
                    ConstraintKind::PrimaryKey { .. } | ConstraintKind::Unique { .. }
                ) && leads(&cols)
            })
    }
}

impl Schema {
    /// An empty schema: what the base migration starts from.
    pub fn new() -> Self {
        Schema::default()
    }

    /// The table whose index or constraint already has this name, if any
    /// (index names are per schema on PostgreSQL, and unique constraints own
    /// an index of the same name).
    pub fn relation_name_taken(&self, name: &str) -> Option<&str> {
        self.tables
            .iter()
            .find_map(|(t, table)| {
                (table.indexes.contains_key(name) || table.constraints.contains_key(name))
                    .then_some(t.as_str())
            })
            .or_else(|| {
                self.views
                    .iter()
                    .find_map(|(v, view)| view.indexes.contains_key(name).then_some(v.as_str()))
            })
    }

    /// The triggers that run the function named `function` (as
    /// [`Function::name`] gives it), as (table, trigger), in name order.
    pub fn triggers_running<'a>(
        &'a self,
        function: &'a str,
    ) -> impl Iterator<Item = (&'a String, &'a String)> + 'a {
        self.tables.iter().flat_map(move |(t, table)| {
            table
                .triggers
                .iter()
                .filter(move |(_, tr)| tr.function().as_deref() == Some(function))
                .map(move |(n, _)| (t, n))
        })
    }

    /// The one function named `name` (without its arguments): `Ok(None)`
    /// when there is none, `Err(())` when there are several, which a name
    /// alone does not tell apart.
    #[allow(clippy::result_unit_err)]
    pub fn only_function(&self, name: &str) -> Result<Option<&Function>, ()> {
        let mut known = self.functions.values().filter(|f| f.name() == name);
        match (known.next(), known.next()) {
            (Some(_), Some(_)) => Err(()),
            (one, _) => Ok(one),
        }
    }

    /// Whether the model knows the function `name` (as a call names it,
    /// `public.f` or `f`) and every function of that name declares itself
    /// IMMUTABLE or STABLE in its definition: a default calling it computes
    /// one value for every row.
    pub fn declared_not_volatile(&self, name: &str) -> bool {
        let name = function_name(name);
        let mut of_name = self
            .functions
            .values()
            .filter(|f| f.name() == name)
            .peekable();
        of_name.peek().is_some()
            && of_name.all(|f| {
                sql_text::tokens(&f.definition, Syntax::Postgres).any(|t| {
                    t.kind == sql_text::TokenKind::Word
                        && (t.text.eq_ignore_ascii_case("immutable")
                            || t.text.eq_ignore_ascii_case("stable"))
                })
            })
    }

    /// The indexes of a table, or of a materialized view, by its name.
    pub fn indexes_of(&self, relation: &str) -> Option<&BTreeMap<String, Index>> {
        match self.tables.get(relation) {
            Some(t) => Some(&t.indexes),
            None => self
                .views
                .get(relation)
                .filter(|v| v.materialized)
                .map(|v| &v.indexes),
        }
    }
}
