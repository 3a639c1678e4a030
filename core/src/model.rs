//! The operation model: what a migration does, as plain data.
//!
//! How each op is written in a migration body, read and printed is the
//! vocabulary's business ([`crate::vocabulary`]); these types are only what
//! the checker, the replay and the dialects work on. Strings and lists are
//! `Cow<'static, _>`, so that a model can borrow from static text (the DSL's
//! literals) or own what it read.

use std::borrow::Cow;

mod index;
mod op;

pub use index::{IndexKey, IndexMethod};
pub use op::Named;

/// A name or SQL fragment.
pub type Str = Cow<'static, str>;

/// A list.
pub type List<T> = Cow<'static, [T]>;

/// A column type, mapped to each backend by the runtime's dialects
/// (docs/TYPES.md).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ColumnType {
    /// 16-bit integer.
    SmallInt,
    /// 32-bit integer.
    Integer,
    /// 64-bit integer.
    BigInt,
    /// true / false.
    Boolean,
    /// Unbounded text.
    Text,
    /// Text of at most n characters.
    Varchar(u32),
    /// Text of any length, declared as `VARCHAR` without a length where the
    /// backend allows it (PostgreSQL, SQLite; `TEXT` on MySQL).
    VarcharUnbounded,
    /// Text of exactly n characters.
    Char(u32),
    /// 32-bit float.
    Real,
    /// 64-bit float.
    Double,
    /// Exact decimal with precision and scale.
    Numeric(u32, u32),
    /// Calendar date.
    Date,
    /// Time of day.
    Time,
    /// Date and time without time zone.
    Timestamp,
    /// Date and time with time zone.
    TimestampTz,
    /// Bytes.
    Binary,
    /// UUID.
    Uuid,
    /// JSON document: `JSONB` on PostgreSQL, `JSON` elsewhere.
    Json,
    /// JSON kept as written: PostgreSQL's text `json` type; `JSON` elsewhere.
    JsonText,
    /// An array of another type (PostgreSQL).
    Array(Box<ColumnType>),
    /// An enum type created by `op.create_enum(..)`, by name.
    Enum(Str),
    /// A type godwit does not model, by the name the backend knows it by
    /// (`tsvector`, `citext`, a domain): created, read back and compared as
    /// that name.
    Custom(Str),
}

/// A server-side default value of a column.
#[derive(Clone, Debug, PartialEq)]
pub enum DefaultValue {
    /// A string literal, quoted when rendered.
    Str(Str),
    /// An integer literal.
    Int(i64),
    /// A float literal, kept as written so that it round-trips exactly.
    Float(Str),
    /// A boolean literal.
    Bool(bool),
    /// The current timestamp (`CURRENT_TIMESTAMP`).
    Now,
    /// A raw SQL expression, rendered as is.
    Sql(Str),
}

impl DefaultValue {
    /// Whether evaluating the default may give a different value per row,
    /// which makes PostgreSQL rewrite the table when the column is added: a
    /// `Sql` default that calls a volatile built-in (`random()`,
    /// `gen_random_uuid()`, ..) or a function godwit does not know to be
    /// immutable or stable (a user-defined function is volatile unless
    /// declared otherwise). Judged by `volatile-default`'s reading
    /// (`rules/volatility.rs`).
    pub fn is_volatile(&self) -> bool {
        match self {
            DefaultValue::Sql(sql) => crate::rules::volatility::volatile_call(sql).is_some(),
            _ => false,
        }
    }
}

/// What happens to referencing rows when the referenced row is deleted
/// (`on_delete`) or its key changes (`on_update`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Action {
    /// Reject the delete or update (the SQL default).
    #[default]
    NoAction,
    /// Reject the delete or update, checked immediately.
    Restrict,
    /// Delete the referencing rows too (on update: change their columns too).
    Cascade,
    /// Set the referencing columns to NULL.
    SetNull,
    /// Set the referencing columns to their default.
    SetDefault,
}

/// Whether a foreign key may be checked at commit rather than at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Deferrable {
    /// Checked after each statement (the SQL default).
    #[default]
    NotDeferrable,
    /// `DEFERRABLE`: checked after each statement unless a transaction says
    /// `SET CONSTRAINTS .. DEFERRED`.
    InitiallyImmediate,
    /// `DEFERRABLE INITIALLY DEFERRED`: checked at commit.
    InitiallyDeferred,
}

/// A column reference declared inline with `.references(table, column)`;
/// its actions and deferrability are the column's own options
/// ([`Column::on_delete`], ..).
#[derive(Clone, Debug, PartialEq)]
pub struct Reference {
    /// The referenced table.
    pub table: Str,
    /// The referenced column.
    pub column: Str,
}

/// A column definition, as in `column("id", BigInt).primary_key()`.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    /// Column name.
    pub name: Str,
    /// Column type.
    pub ty: ColumnType,
    /// NOT NULL unless true. Primary key columns are never nullable.
    pub nullable: bool,
    /// Part of the table's primary key.
    pub primary_key: bool,
    /// Has a single-column unique constraint.
    pub unique: bool,
    /// Generated by the database (serial / AUTO_INCREMENT / AUTOINCREMENT).
    pub autoincrement: bool,
    /// Server-side default.
    pub default: Option<DefaultValue>,
    /// Inline foreign key.
    pub references: Option<Reference>,
    /// `.on_delete(..)` of the inline foreign key.
    pub on_delete: Action,
    /// `.on_update(..)` of the inline foreign key.
    pub on_update: Action,
    /// `.deferrable()` / `.initially_deferred()` of the inline foreign key.
    pub deferrable: Deferrable,
    /// `.generated(expr)`: computed by the database from this expression.
    pub generated: Option<Str>,
    /// `.stored()`: the generated value is stored (computed on write)
    /// rather than computed on read.
    pub stored: bool,
    /// `.serial()`: auto-increment spelled as PostgreSQL's `SERIAL` (a
    /// sequence and a `nextval` default) rather than an identity column.
    /// Implies `autoincrement` and NOT NULL.
    pub serial: bool,
}

/// How a generated column is computed, as the schema model holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Generated {
    /// The SQL expression.
    pub expr: Str,
    /// Stored (computed on write) rather than virtual (computed on read).
    pub stored: bool,
}

impl Column {
    /// A nullable column with no constraint: what `column(name, ty)` starts from.
    pub const fn new(name: Str, ty: ColumnType) -> Column {
        Column {
            name,
            ty,
            nullable: true,
            primary_key: false,
            unique: false,
            autoincrement: false,
            default: None,
            references: None,
            generated: None,
            stored: false,
            serial: false,
            on_delete: Action::NoAction,
            on_update: Action::NoAction,
            deferrable: Deferrable::NotDeferrable,
        }
    }

    /// How the column is generated, if it is.
    pub fn generation(&self) -> Option<Generated> {
        self.generated.as_ref().map(|expr| Generated {
            expr: expr.clone(),
            stored: self.stored,
        })
    }
}

/// A table-level unique constraint declared in `create_table(..).unique([..])`
/// or `.unique_named(name, [..])`.
#[derive(Clone, Debug, PartialEq)]
pub struct UniqueConstraint {
    /// Its name; `<table>_<cols>_key` when `None`.
    pub name: Option<Str>,
    /// The constrained columns.
    pub columns: List<Str>,
}

/// A table-level primary key declared in `create_table(..).primary_key([..])`
/// or `.primary_key_named(name, [..])`.
#[derive(Clone, Debug, PartialEq)]
pub struct PrimaryKey {
    /// Its name; `<table>_pkey` when `None`.
    pub name: Option<Str>,
    /// The key columns, in the key's order.
    pub columns: List<Str>,
}

/// A table-level check constraint declared in `create_table(..).check(name, expr)`.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckConstraint {
    /// Constraint name.
    pub name: Str,
    /// SQL boolean expression.
    pub expr: Str,
}

/// One change of an `alter_column(..)` chain.
#[derive(Clone, Debug, PartialEq)]
pub enum ColumnChange {
    /// `.nullable(bool)`.
    Nullable(bool),
    /// `.server_default(v)`.
    SetDefault(DefaultValue),
    /// `.drop_default()`.
    DropDefault,
    /// `.set_type(T)`.
    SetType(ColumnType),
    /// `.using(expr)`: how PostgreSQL computes the new value of the
    /// `.set_type(..)` just before it (default: a cast of the column).
    Using(Str),
}

/// One schema or data operation of a migration.
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    /// `op.create_table(name, [columns])`.
    CreateTable {
        /// Table name.
        name: Str,
        /// Columns, in order.
        columns: List<Column>,
        /// The table-level primary key (`.primary_key([..])`), if declared
        /// so rather than by its columns' `.primary_key()`.
        primary_key: Option<PrimaryKey>,
        /// Table-level unique constraints.
        uniques: List<UniqueConstraint>,
        /// Table-level check constraints.
        checks: List<CheckConstraint>,
        /// `.if_not_exists()`: a table already there is no error, and is
        /// left as it is.
        if_not_exists: bool,
    },
    /// `op.drop_table(name)`.
    DropTable {
        /// Table name.
        name: Str,
    },
    /// `op.deprecate_table(name)`: step one of a two-step table removal.
    DeprecateTable {
        /// Table name.
        name: Str,
    },
    /// `op.rename_table(old, new)`.
    RenameTable {
        /// Current name.
        from: Str,
        /// New name.
        to: Str,
    },
    /// `op.add_column(table, column(..))`.
    AddColumn {
        /// Table name.
        table: Str,
        /// The new column.
        column: Column,
    },
    /// `op.drop_column(table, name)`.
    DropColumn {
        /// Table name.
        table: Str,
        /// Column name.
        column: Str,
    },
    /// `op.rename_column(table, old, new)`.
    RenameColumn {
        /// Table name.
        table: Str,
        /// Current name.
        from: Str,
        /// New name.
        to: Str,
    },
    /// `op.alter_column(table, name)` with its chained changes.
    AlterColumn {
        /// Table name.
        table: Str,
        /// Column name.
        column: Str,
        /// The changes, in the order written.
        changes: List<ColumnChange>,
    },
    /// `op.deprecate_column(table, name)`: makes it nullable and marks it deprecated.
    DeprecateColumn {
        /// Table name.
        table: Str,
        /// Column name.
        column: Str,
    },
    /// `op.create_enum(name, [values])`: an enum type with its values in order.
    CreateEnum {
        /// Type name.
        name: Str,
        /// The values (labels), in order.
        values: List<Str>,
    },
    /// `op.add_enum_value(name, value)`: a new value, at the end unless
    /// `.before(..)` or `.after(..)` places it.
    AddEnumValue {
        /// Type name.
        name: Str,
        /// The new value.
        value: Str,
        /// `.before(label)`.
        before: Option<Str>,
        /// `.after(label)`.
        after: Option<Str>,
    },
    /// `op.rename_enum_value(name, from, to)`.
    RenameEnumValue {
        /// Type name.
        name: Str,
        /// Current value.
        from: Str,
        /// New value.
        to: Str,
    },
    /// `op.drop_enum_value(name, value)`: what undoes `add_enum_value`
    /// (PostgreSQL has no such statement: the type is recreated).
    DropEnumValue {
        /// Type name.
        name: Str,
        /// The value to remove.
        value: Str,
    },
    /// `op.drop_enum(name)`.
    DropEnum {
        /// Type name.
        name: Str,
    },
    /// `op.create_index(name, table, [keys])`.
    CreateIndex {
        /// Index name.
        name: Str,
        /// Table name.
        table: Str,
        /// The keys, in order: columns (`"email"`, `key("email").desc()`)
        /// or expressions (`expr("lower(email)")`).
        keys: List<IndexKey>,
        /// `.unique()`.
        unique: bool,
        /// `.concurrently()`.
        concurrently: bool,
        /// `.using(method)`: the access method, when not the default.
        method: Option<IndexMethod>,
        /// `.include([cols])`: columns stored in the index, not keys of it.
        include: List<Str>,
        /// `.where_(predicate)`: a partial index.
        predicate: Option<Str>,
        /// `.if_not_exists()`: an index of this name already there is no
        /// error, and is left as it is.
        if_not_exists: bool,
    },
    /// `op.drop_index(name, table)`.
    DropIndex {
        /// Index name.
        name: Str,
        /// Table name.
        table: Str,
        /// `.concurrently()`.
        concurrently: bool,
        /// `.if_exists()`: an index that is not there is no error.
        if_exists: bool,
    },
    /// `op.create_unique_constraint(name, table, [cols])`.
    CreateUniqueConstraint {
        /// Constraint name.
        name: Str,
        /// Table name.
        table: Str,
        /// Constrained columns.
        columns: List<Str>,
        /// `.using_index(index)`: the constraint takes over this unique index
        /// (built earlier, `.concurrently()`), which takes its name.
        using_index: Option<Str>,
    },
    /// `op.create_primary_key(name, table, [cols])`.
    CreatePrimaryKey {
        /// Constraint name.
        name: Str,
        /// Table name.
        table: Str,
        /// Key columns, in the key's order.
        columns: List<Str>,
        /// `.using_index(index)`: the key takes over this unique index (built
        /// earlier, `.concurrently()`), which takes its name.
        using_index: Option<Str>,
    },
    /// `op.create_foreign_key(name, table, [cols], ref_table, [ref_cols])`.
    CreateForeignKey {
        /// Constraint name.
        name: Str,
        /// Referencing table.
        table: Str,
        /// Referencing columns.
        columns: List<Str>,
        /// Referenced table.
        ref_table: Str,
        /// Referenced columns.
        ref_columns: List<Str>,
        /// `.on_delete(Action)`.
        on_delete: Action,
        /// `.on_update(Action)`.
        on_update: Action,
        /// `.deferrable()` / `.initially_deferred()`.
        deferrable: Deferrable,
        /// `.not_valid()`: existing rows are not checked now.
        not_valid: bool,
    },
    /// `op.create_check_constraint(name, table, expr)`.
    CreateCheckConstraint {
        /// Constraint name.
        name: Str,
        /// Table name.
        table: Str,
        /// SQL boolean expression.
        expr: Str,
        /// `.not_valid()`: existing rows are not checked now.
        not_valid: bool,
    },
    /// `op.validate_constraint(name, table)`.
    ValidateConstraint {
        /// Constraint name.
        name: Str,
        /// Table name.
        table: Str,
    },
    /// `op.drop_constraint(name, table)`.
    DropConstraint {
        /// Constraint name.
        name: Str,
        /// Table name.
        table: Str,
    },
    /// `op.create_view(name, query)`: a view over a SELECT.
    CreateView {
        /// View name.
        name: Str,
        /// The SELECT it shows.
        query: Str,
    },
    /// `op.replace_view(name, query)`: `CREATE OR REPLACE VIEW`, the view
    /// showing a new SELECT.
    ReplaceView {
        /// View name.
        name: Str,
        /// The new SELECT.
        query: Str,
    },
    /// `op.drop_view(name)`.
    DropView {
        /// View name.
        name: Str,
        /// `.if_exists()`: a view that is not there is no error.
        if_exists: bool,
    },
    /// `op.create_materialized_view(name, query)` (PostgreSQL): a view whose
    /// rows are stored, computed when created and when refreshed.
    CreateMaterializedView {
        /// View name.
        name: Str,
        /// The SELECT whose rows it stores.
        query: Str,
        /// `.with_no_data()`: created empty, unreadable until refreshed.
        with_no_data: bool,
    },
    /// `op.drop_materialized_view(name)`.
    DropMaterializedView {
        /// View name.
        name: Str,
        /// `.if_exists()`: a view that is not there is no error.
        if_exists: bool,
    },
    /// `op.refresh_materialized_view(name)`: computes its rows again.
    RefreshMaterializedView {
        /// View name.
        name: Str,
        /// `.concurrently()`: readers are not blocked (needs a unique index
        /// on the view).
        concurrently: bool,
    },
    /// `op.create_function(signature, definition)`: `CREATE FUNCTION
    /// <signature> <definition>` (PostgreSQL, MySQL).
    CreateFunction {
        /// Its name and argument list, as written: `set_updated_at()`.
        signature: Str,
        /// What follows the signature: `RETURNS trigger LANGUAGE plpgsql AS $$ .. $$`.
        definition: Str,
    },
    /// `op.replace_function(signature, definition)`: `CREATE OR REPLACE
    /// FUNCTION` (MySQL drops and creates it).
    ReplaceFunction {
        /// Its name and argument list, as written.
        signature: Str,
        /// The new definition.
        definition: Str,
    },
    /// `op.drop_function(signature)`.
    DropFunction {
        /// Its name and argument list, as written.
        signature: Str,
        /// `.if_exists()`: a function that is not there is no error.
        if_exists: bool,
    },
    /// `op.create_trigger(name, table, timing, body)`: `CREATE TRIGGER
    /// <name> <timing> ON <table> <body>`.
    CreateTrigger {
        /// Trigger name.
        name: Str,
        /// The table it fires on.
        table: Str,
        /// When it fires: `BEFORE UPDATE`, `AFTER INSERT OR DELETE`, ..
        timing: Str,
        /// What follows the table: `FOR EACH ROW EXECUTE FUNCTION f()`, or on
        /// SQLite `FOR EACH ROW BEGIN .. END`.
        body: Str,
    },
    /// `op.drop_trigger(name, table)`.
    DropTrigger {
        /// Trigger name.
        name: Str,
        /// The table it fires on.
        table: Str,
        /// `.if_exists()`: a trigger that is not there is no error.
        if_exists: bool,
    },
    /// `op.create_extension(name)` (PostgreSQL).
    CreateExtension {
        /// Extension name: `pg_trgm`.
        name: Str,
        /// `.if_not_exists()`: an extension already there is no error.
        if_not_exists: bool,
    },
    /// `op.drop_extension(name)` (PostgreSQL).
    DropExtension {
        /// Extension name.
        name: Str,
        /// `.if_exists()`: an extension that is not there is no error.
        if_exists: bool,
    },
    /// `op.comment_on_table(table, text)`: the table's comment.
    CommentOnTable {
        /// Table name.
        table: Str,
        /// The comment.
        text: Str,
    },
    /// `op.comment_on_column(table, column, text)`: the column's comment.
    CommentOnColumn {
        /// Table name.
        table: Str,
        /// Column name.
        column: Str,
        /// The comment.
        text: Str,
    },
    /// `op.drop_comment_on_table(table)`: the table has no comment after it.
    DropCommentOnTable {
        /// Table name.
        table: Str,
    },
    /// `op.drop_comment_on_column(table, column)`: the column has no
    /// comment after it.
    DropCommentOnColumn {
        /// Table name.
        table: Str,
        /// Column name.
        column: Str,
    },
    /// `op.comment_on_constraint(name, table, text)`: the constraint's
    /// comment.
    CommentOnConstraint {
        /// Constraint name.
        name: Str,
        /// Table name.
        table: Str,
        /// The comment.
        text: Str,
    },
    /// `op.drop_comment_on_constraint(name, table)`: the constraint has no
    /// comment after it.
    DropCommentOnConstraint {
        /// Constraint name.
        name: Str,
        /// Table name.
        table: Str,
    },
    /// `op.execute(sql)`: raw SQL.
    Execute {
        /// The statement(s).
        sql: Str,
    },
    /// `op.backfill(table, set_sql)`: an UPDATE run in batches by primary key.
    Backfill {
        /// Table name.
        table: Str,
        /// The SET list, e.g. `display_name = username`.
        set: Str,
        /// `.where_(predicate)`.
        predicate: Option<Str>,
        /// `.batch_size(n)`.
        batch_size: u32,
    },
    /// `op.safety_assured(reason, |op| ..)`: ops that skip the compatibility rules.
    SafetyAssured {
        /// Why this is safe; shown in `history`.
        reason: Str,
        /// The ops inside.
        ops: List<Op>,
    },
}

/// Rows per batch of `op.backfill` unless `.batch_size(n)` says otherwise.
pub const DEFAULT_BATCH_SIZE: u32 = 1000;

/// Which body of a migration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Phase {
    /// `fn upgrade`.
    Upgrade,
    /// `fn downgrade`.
    Downgrade,
}

impl Phase {
    /// `"upgrade"` or `"downgrade"`.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Upgrade => "upgrade",
            Phase::Downgrade => "downgrade",
        }
    }
}
