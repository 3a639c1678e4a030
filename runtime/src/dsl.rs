//! The migration DSL: what the bodies of `upgrade` and `downgrade` call.
//!
//! These are real functions and builders, so a migration body type-checks,
//! completes in an editor and can be executed as plain Rust (it fills an
//! [`Ops`] list). The `#[migration]` macro also reads the same calls from
//! the source to check them at compile time; the ops it embeds are the ones
//! the body would build.
//!
//! ```
//! use godwit::dsl::*;
//!
//! fn upgrade(op: &mut Ops) {
//!     op.add_column("users", column("bio", Text));
//!     op.create_index("idx_users_email", "users", ["email"]).unique().concurrently();
//! }
//!
//! let mut ops = Ops::new();
//! upgrade(&mut ops);
//! assert_eq!(ops.len(), 2);
//! ```

use std::borrow::Cow;

pub use godwit_core::Action;
pub use godwit_core::ColumnType::{self, *};

use godwit_core::{
    CheckConstraint, Column, ColumnChange, DefaultValue, Op, Reference, UniqueConstraint,
    DEFAULT_BATCH_SIZE,
};

/// The list of operations a migration body builds. `fn upgrade(op: &mut Ops)`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Ops {
    ops: Vec<Op>,
}

/// A column definition being built: `column("id", BigInt).primary_key()`.
#[derive(Clone, Debug, PartialEq)]
#[must_use = "a column definition does nothing until passed to create_table or add_column"]
pub struct ColumnDef(Column);

/// Starts a column definition: nullable, no default, no constraint.
pub fn column(name: &'static str, ty: ColumnType) -> ColumnDef {
    ColumnDef(Column::new(Cow::Borrowed(name), ty))
}

/// The current timestamp, as a server default (`CURRENT_TIMESTAMP`).
pub fn now() -> DefaultValue {
    DefaultValue::Now
}

/// A raw SQL expression, as a server default: `sql("gen_random_uuid()")`.
pub fn sql(expr: &'static str) -> DefaultValue {
    DefaultValue::Sql(Cow::Borrowed(expr))
}

/// A value `.server_default(..)` accepts: a string, integer, float or bool
/// literal, `now()` or `sql("..")`.
pub trait IntoDefault {
    /// The default value.
    fn into_default(self) -> DefaultValue;
}

impl IntoDefault for DefaultValue {
    fn into_default(self) -> DefaultValue {
        self
    }
}

impl IntoDefault for &'static str {
    fn into_default(self) -> DefaultValue {
        DefaultValue::Str(Cow::Borrowed(self))
    }
}

impl IntoDefault for bool {
    fn into_default(self) -> DefaultValue {
        DefaultValue::Bool(self)
    }
}

impl IntoDefault for f64 {
    fn into_default(self) -> DefaultValue {
        // `{:?}` keeps the `.0` of whole numbers, as the macro writes them.
        DefaultValue::Float(Cow::Owned(format!("{self:?}")))
    }
}

macro_rules! int_defaults {
    ($($t:ty),*) => {$(
        impl IntoDefault for $t {
            fn into_default(self) -> DefaultValue {
                DefaultValue::Int(i64::from(self))
            }
        }
    )*};
}
int_defaults!(i8, i16, i32, i64, u8, u16, u32);

impl ColumnDef {
    /// Makes the column the primary key (or part of it); implies NOT NULL.
    pub fn primary_key(mut self) -> Self {
        self.0.primary_key = true;
        self.0.nullable = false;
        self
    }

    /// Makes the column NOT NULL (columns are nullable unless this is called).
    pub fn not_null(mut self) -> Self {
        self.0.nullable = false;
        self
    }

    /// Adds a single-column unique constraint.
    pub fn unique(mut self) -> Self {
        self.0.unique = true;
        self
    }

    /// Sets the server-side default.
    pub fn server_default(mut self, value: impl IntoDefault) -> Self {
        self.0.default = Some(value.into_default());
        self
    }

    /// Adds a foreign key to `table(column)`.
    pub fn references(mut self, table: &'static str, column: &'static str) -> Self {
        self.0.references = Some(Reference {
            table: Cow::Borrowed(table),
            column: Cow::Borrowed(column),
        });
        self
    }

    /// Lets the database generate the value (serial / AUTO_INCREMENT).
    pub fn autoincrement(mut self) -> Self {
        self.0.autoincrement = true;
        self
    }

    /// The column model.
    pub fn into_column(self) -> Column {
        self.0
    }
}

/// A name in a list of columns: `"a"` from `["a"]` or from `&["a"]`.
pub trait Name {
    /// The name.
    fn name(self) -> &'static str;
}

impl Name for &'static str {
    fn name(self) -> &'static str {
        self
    }
}

impl Name for &&'static str {
    fn name(self) -> &'static str {
        self
    }
}

/// A column definition in a list: `[column(..)]` or `&[column(..)]`.
pub trait IntoColumnDef {
    /// The definition.
    fn into_column_def(self) -> ColumnDef;
}

impl IntoColumnDef for ColumnDef {
    fn into_column_def(self) -> ColumnDef {
        self
    }
}

impl IntoColumnDef for &ColumnDef {
    fn into_column_def(self) -> ColumnDef {
        self.clone()
    }
}

fn names<I>(items: I) -> Cow<'static, [Cow<'static, str>]>
where
    I: IntoIterator,
    I::Item: Name,
{
    Cow::Owned(items.into_iter().map(|n| Cow::Borrowed(n.name())).collect())
}

/// Chained options of the op just pushed; each method edits that op.
macro_rules! builder {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $name<'a> {
            op: &'a mut Op,
        }
    };
}

builder!(
    /// Returned by [`Ops::create_table`]: `.unique([..])`, `.check(name, expr)`.
    CreateTable
);
builder!(
    /// Returned by [`Ops::alter_column`]: `.nullable(b)`, `.server_default(v)`,
    /// `.drop_default()`, `.set_type(T)`.
    AlterColumn
);
builder!(
    /// Returned by [`Ops::create_index`]: `.unique()`, `.concurrently()`, `.where_(p)`.
    CreateIndex
);
builder!(
    /// Returned by [`Ops::drop_index`]: `.concurrently()`.
    DropIndex
);
builder!(
    /// Returned by [`Ops::create_foreign_key`]: `.on_delete(Action)`, `.not_valid()`.
    CreateForeignKey
);
builder!(
    /// Returned by [`Ops::create_check_constraint`]: `.not_valid()`.
    CreateCheckConstraint
);
builder!(
    /// Returned by [`Ops::backfill`]: `.where_(p)`, `.batch_size(n)`.
    Backfill
);

impl CreateTable<'_> {
    /// Adds a table-level unique constraint over `columns`.
    pub fn unique<I>(self, columns: I) -> Self
    where
        I: IntoIterator,
        I::Item: Name,
    {
        if let Op::CreateTable { uniques, .. } = &mut *self.op {
            uniques.to_mut().push(UniqueConstraint {
                columns: names(columns),
            });
        }
        self
    }

    /// Adds a table-level check constraint.
    pub fn check(self, name: &'static str, expr: &'static str) -> Self {
        if let Op::CreateTable { checks, .. } = &mut *self.op {
            checks.to_mut().push(CheckConstraint {
                name: Cow::Borrowed(name),
                expr: Cow::Borrowed(expr),
            });
        }
        self
    }
}

impl AlterColumn<'_> {
    fn change(self, change: ColumnChange) -> Self {
        if let Op::AlterColumn { changes, .. } = &mut *self.op {
            changes.to_mut().push(change);
        }
        self
    }

    /// Allows (true) or forbids (false) NULL.
    pub fn nullable(self, nullable: bool) -> Self {
        self.change(ColumnChange::Nullable(nullable))
    }

    /// Sets the server-side default.
    pub fn server_default(self, value: impl IntoDefault) -> Self {
        self.change(ColumnChange::SetDefault(value.into_default()))
    }

    /// Removes the server-side default.
    pub fn drop_default(self) -> Self {
        self.change(ColumnChange::DropDefault)
    }

    /// Changes the column's type.
    pub fn set_type(self, ty: ColumnType) -> Self {
        self.change(ColumnChange::SetType(ty))
    }
}

impl CreateIndex<'_> {
    /// Makes the index unique.
    pub fn unique(self) -> Self {
        if let Op::CreateIndex { unique, .. } = &mut *self.op {
            *unique = true;
        }
        self
    }

    /// Builds the index without blocking writes (PostgreSQL `CONCURRENTLY`).
    pub fn concurrently(self) -> Self {
        if let Op::CreateIndex { concurrently, .. } = &mut *self.op {
            *concurrently = true;
        }
        self
    }

    /// Makes it a partial index over the rows matching `predicate`.
    pub fn where_(self, predicate: &'static str) -> Self {
        if let Op::CreateIndex { predicate: p, .. } = &mut *self.op {
            *p = Some(Cow::Borrowed(predicate));
        }
        self
    }
}

impl DropIndex<'_> {
    /// Drops the index without blocking writes (PostgreSQL `CONCURRENTLY`).
    pub fn concurrently(self) -> Self {
        if let Op::DropIndex { concurrently, .. } = &mut *self.op {
            *concurrently = true;
        }
        self
    }
}

impl CreateForeignKey<'_> {
    /// What happens to referencing rows when a referenced row is deleted.
    pub fn on_delete(self, action: Action) -> Self {
        if let Op::CreateForeignKey { on_delete, .. } = &mut *self.op {
            *on_delete = action;
        }
        self
    }

    /// Adds the constraint without checking existing rows (validate later).
    pub fn not_valid(self) -> Self {
        if let Op::CreateForeignKey { not_valid, .. } = &mut *self.op {
            *not_valid = true;
        }
        self
    }
}

impl CreateCheckConstraint<'_> {
    /// Adds the constraint without checking existing rows (validate later).
    pub fn not_valid(self) -> Self {
        if let Op::CreateCheckConstraint { not_valid, .. } = &mut *self.op {
            *not_valid = true;
        }
        self
    }
}

impl Backfill<'_> {
    /// Updates only the rows matching `predicate`.
    pub fn where_(self, predicate: &'static str) -> Self {
        if let Op::Backfill { predicate: p, .. } = &mut *self.op {
            *p = Some(Cow::Borrowed(predicate));
        }
        self
    }

    /// Rows per batch (each batch is its own transaction).
    pub fn batch_size(self, rows: u32) -> Self {
        if let Op::Backfill { batch_size, .. } = &mut *self.op {
            *batch_size = rows;
        }
        self
    }
}

impl Ops {
    /// An empty list.
    pub fn new() -> Self {
        Ops::default()
    }

    /// The ops built so far.
    pub fn ops(&self) -> &[Op] {
        &self.ops
    }

    /// How many ops were built.
    pub fn len(&self) -> usize {
        self.ops.len()
    }

    /// Whether no op was built.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// The ops built.
    pub fn into_ops(self) -> Vec<Op> {
        self.ops
    }

    fn push(&mut self, op: Op) -> &mut Op {
        self.ops.push(op);
        self.ops.last_mut().expect("an op was just pushed")
    }

    /// Creates a table.
    pub fn create_table<I>(&mut self, name: &'static str, columns: I) -> CreateTable<'_>
    where
        I: IntoIterator,
        I::Item: IntoColumnDef,
    {
        let columns = columns
            .into_iter()
            .map(|c| c.into_column_def().into_column())
            .collect();
        let op = self.push(Op::CreateTable {
            name: Cow::Borrowed(name),
            columns: Cow::Owned(columns),
            uniques: Cow::Owned(Vec::new()),
            checks: Cow::Owned(Vec::new()),
        });
        CreateTable { op }
    }

    /// Drops a table (deprecate it in an earlier migration first).
    pub fn drop_table(&mut self, name: &'static str) {
        self.push(Op::DropTable {
            name: Cow::Borrowed(name),
        });
    }

    /// Marks a table as deprecated: step one of a two-step removal.
    pub fn deprecate_table(&mut self, name: &'static str) {
        self.push(Op::DeprecateTable {
            name: Cow::Borrowed(name),
        });
    }

    /// Renames a table.
    pub fn rename_table(&mut self, from: &'static str, to: &'static str) {
        self.push(Op::RenameTable {
            from: Cow::Borrowed(from),
            to: Cow::Borrowed(to),
        });
    }

    /// Adds a column to a table.
    pub fn add_column(&mut self, table: &'static str, column: ColumnDef) {
        self.push(Op::AddColumn {
            table: Cow::Borrowed(table),
            column: column.into_column(),
        });
    }

    /// Drops a column (deprecate it in an earlier migration first).
    pub fn drop_column(&mut self, table: &'static str, column: &'static str) {
        self.push(Op::DropColumn {
            table: Cow::Borrowed(table),
            column: Cow::Borrowed(column),
        });
    }

    /// Renames a column.
    pub fn rename_column(&mut self, table: &'static str, from: &'static str, to: &'static str) {
        self.push(Op::RenameColumn {
            table: Cow::Borrowed(table),
            from: Cow::Borrowed(from),
            to: Cow::Borrowed(to),
        });
    }

    /// Changes a column: chain `.nullable(..)`, `.server_default(..)`,
    /// `.drop_default()`, `.set_type(..)`.
    pub fn alter_column(&mut self, table: &'static str, column: &'static str) -> AlterColumn<'_> {
        let op = self.push(Op::AlterColumn {
            table: Cow::Borrowed(table),
            column: Cow::Borrowed(column),
            changes: Cow::Owned(Vec::new()),
        });
        AlterColumn { op }
    }

    /// Step one of a two-step column removal: makes the column nullable and
    /// records it as deprecated, so a later migration may drop it.
    pub fn deprecate_column(&mut self, table: &'static str, column: &'static str) {
        self.push(Op::DeprecateColumn {
            table: Cow::Borrowed(table),
            column: Cow::Borrowed(column),
        });
    }

    /// Creates an index.
    pub fn create_index<I>(
        &mut self,
        name: &'static str,
        table: &'static str,
        columns: I,
    ) -> CreateIndex<'_>
    where
        I: IntoIterator,
        I::Item: Name,
    {
        let op = self.push(Op::CreateIndex {
            name: Cow::Borrowed(name),
            table: Cow::Borrowed(table),
            columns: names(columns),
            unique: false,
            concurrently: false,
            predicate: None,
        });
        CreateIndex { op }
    }

    /// Drops an index.
    pub fn drop_index(&mut self, name: &'static str, table: &'static str) -> DropIndex<'_> {
        let op = self.push(Op::DropIndex {
            name: Cow::Borrowed(name),
            table: Cow::Borrowed(table),
            concurrently: false,
        });
        DropIndex { op }
    }

    /// Adds a foreign key constraint.
    pub fn create_foreign_key<I, J>(
        &mut self,
        name: &'static str,
        table: &'static str,
        columns: I,
        ref_table: &'static str,
        ref_columns: J,
    ) -> CreateForeignKey<'_>
    where
        I: IntoIterator,
        I::Item: Name,
        J: IntoIterator,
        J::Item: Name,
    {
        let op = self.push(Op::CreateForeignKey {
            name: Cow::Borrowed(name),
            table: Cow::Borrowed(table),
            columns: names(columns),
            ref_table: Cow::Borrowed(ref_table),
            ref_columns: names(ref_columns),
            on_delete: Action::NoAction,
            not_valid: false,
        });
        CreateForeignKey { op }
    }

    /// Adds a check constraint.
    pub fn create_check_constraint(
        &mut self,
        name: &'static str,
        table: &'static str,
        expr: &'static str,
    ) -> CreateCheckConstraint<'_> {
        let op = self.push(Op::CreateCheckConstraint {
            name: Cow::Borrowed(name),
            table: Cow::Borrowed(table),
            expr: Cow::Borrowed(expr),
            not_valid: false,
        });
        CreateCheckConstraint { op }
    }

    /// Checks the existing rows against a constraint added `.not_valid()`.
    pub fn validate_constraint(&mut self, table: &'static str, name: &'static str) {
        self.push(Op::ValidateConstraint {
            table: Cow::Borrowed(table),
            name: Cow::Borrowed(name),
        });
    }

    /// Drops a constraint.
    pub fn drop_constraint(&mut self, table: &'static str, name: &'static str) {
        self.push(Op::DropConstraint {
            table: Cow::Borrowed(table),
            name: Cow::Borrowed(name),
        });
    }

    /// Runs raw SQL (for data changes the DSL does not cover).
    pub fn execute(&mut self, sql: &'static str) {
        self.push(Op::Execute {
            sql: Cow::Borrowed(sql),
        });
    }

    /// Updates every row of `table` with the SET list `set`, in batches by
    /// primary key, each batch its own transaction.
    pub fn backfill(&mut self, table: &'static str, set: &'static str) -> Backfill<'_> {
        let op = self.push(Op::Backfill {
            table: Cow::Borrowed(table),
            set: Cow::Borrowed(set),
            predicate: None,
            batch_size: DEFAULT_BATCH_SIZE,
        });
        Backfill { op }
    }

    /// Runs `body` with the backward-compatibility rules turned off for the
    /// ops it builds. The reason is required and shown in `history`.
    pub fn safety_assured(&mut self, reason: &'static str, body: impl FnOnce(&mut Ops)) {
        let mut inner = Ops::new();
        body(&mut inner);
        self.push(Op::SafetyAssured {
            reason: Cow::Borrowed(reason),
            ops: Cow::Owned(inner.ops),
        });
    }
}
