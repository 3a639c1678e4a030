//! The vocabulary of the DSL: every op, every option, every column
//! modifier, once.
//!
//! Each entry says how the call is written (its method, its arguments and
//! their kinds, its options) and which field of the model each part fills.
//! Everything else follows from it: core reads a call into the model and
//! writes the model back as a call (the canonical text, the checksum, the
//! embedded form), `Op::method` names it, the macro reads a body through
//! the same reader, and the DSL's methods in `godwit::dsl` are generated
//! from the same entries, doc comments included.
//!
//! An entry: `fn method(param: Kind, ..) -> Variant { field: how [options] (extra); .. }`.
//! A parameter fills the field of the same name. Each option field is one of:
//!
//! - `flag [.opt()]`: false unless the option is called; `(other = value)`
//!   also sets another field;
//! - `unflag [.opt()]`: true unless the option is called; `(unless field)`:
//!   not written back when that field implies it;
//! - `some [.opt(p: Kind, ..) => (expr), ..]`: `None` unless one of its
//!   options is called, each making `Some(expr)`;
//! - `value [.opt(p: Kind, ..) => (expr), ..] (default expr)`: the default
//!   unless one of its options is called (the last one called wins);
//! - `push [.opt(..) => (expr), ..]`: a list; each call of any of its options
//!   adds one item, and items are written back in the list's order;
//! - `fixed [] (value)`: always `value`, said by which call it is (two calls
//!   may build one type, each fixing the field its own way).
//!
//! `ops` are the methods of `op`; `values` are the functions whose results
//! are arguments (`column(..)`), each building a model type (`-> Column`)
//! through a DSL builder (`as ColumnDef`). Two values may build one type
//! through one builder, so that a Rust array holds both: the second says
//! `as Builder (like first)`, and must take the first one's options, which
//! the DSL's builder already has.
//!
//! The `(expr)` of an option is read both ways: as an expression that
//! builds the field's value from the option's parameters, and as a pattern
//! that takes it apart again to write the option back. It must be valid as
//! both (a parameter, `Some(..)` of one, a struct or variant of them), and
//! the patterns of a `push` field must cover every variant of its items: a
//! new `ColumnChange` does not compile until an option writes it.
//!
//! `check f` after an entry (an op or a value) runs `f` on what was read,
//! for what one argument cannot say alone.
//!
//! A `flag` may also say `(unless field)`: not written back when that field
//! implies it (as `.serial()` implies `.autoincrement()`); an `unflag`'s
//! `unless` may name several fields.
//! Option blocks that two entries share (a key's, a foreign key's) are
//! written once, at the end, and the table takes them in by name
//! (`$($key)*`, `$($fk)*`).

/// Calls `$callback! { <the table> }`: see the module's documentation.
#[doc(hidden)]
#[macro_export]
macro_rules! __godwit_vocabulary {
    (@table [$($callback:tt)*] key_options { $($key:tt)* } foreign_key_options { $($fk:tt)* }) => { $($callback)*! {
        ops {
            /// Creates a table.
            fn create_table(name: Name, columns: Columns) -> CreateTable {
                primary_key: some [
                    /// Makes `columns`, in this order, the primary key, named
                    /// `<table>_pkey` (instead of `.primary_key()` on columns).
                    .primary_key(columns: Names) => ($crate::model::PrimaryKey { name: None, columns }),
                    /// Makes `columns`, in this order, the primary key named `name`.
                    .primary_key_named(name: Name, columns: Names) => ($crate::model::PrimaryKey { name: Some(name), columns }),
                ];
                uniques: push [
                    /// Adds a table-level unique constraint over `columns`, named
                    /// `<table>_<columns>_key`.
                    .unique(columns: Names) => ($crate::model::UniqueConstraint { name: None, columns }),
                    /// Adds a table-level unique constraint over `columns` named `name`.
                    .unique_named(name: Name, columns: Names) => ($crate::model::UniqueConstraint { name: Some(name), columns }),
                ];
                checks: push [
                    /// Adds a table-level check constraint.
                    .check(name: Name, expr: Sql) => ($crate::model::CheckConstraint { name, expr }),
                ];
                if_not_exists: flag [
                    /// A table of this name already there is no error, and is left
                    /// as it is (`IF NOT EXISTS`).
                    .if_not_exists()
                ];
            } check one_primary_key
            /// Drops a table (deprecate it in an earlier migration first).
            fn drop_table(name: Name) -> DropTable {}
            /// Marks a table as deprecated: step one of a two-step removal.
            fn deprecate_table(name: Name) -> DeprecateTable {}
            /// Renames a table.
            fn rename_table(from: Name, to: Name) -> RenameTable {}
            /// Adds a column to a table.
            fn add_column(table: Name, column: ColumnDef) -> AddColumn {}
            /// Drops a column (deprecate it in an earlier migration first).
            fn drop_column(table: Name, column: Name) -> DropColumn {}
            /// Renames a column.
            fn rename_column(table: Name, from: Name, to: Name) -> RenameColumn {}
            /// Changes a column: chain `.nullable(..)`, `.server_default(..)`,
            /// `.drop_default()`, `.set_type(..)`.
            fn alter_column(table: Name, column: Name) -> AlterColumn {
                changes: push [
                    /// Allows (true) or forbids (false) NULL.
                    .nullable(nullable: Bool) => ($crate::model::ColumnChange::Nullable(nullable)),
                    /// Sets the server-side default.
                    .server_default(value: Default) => ($crate::model::ColumnChange::SetDefault(value)),
                    /// Removes the server-side default.
                    .drop_default() => ($crate::model::ColumnChange::DropDefault),
                    /// Changes the column's type.
                    .set_type(ty: Type) => ($crate::model::ColumnChange::SetType(ty)),
                    /// Computes the new values of the `.set_type(..)` just before it
                    /// with `expr` (PostgreSQL `USING`; SQLite copies with it).
                    .using(expr: Sql) => ($crate::model::ColumnChange::Using(expr)),
                ];
            } check alter_changes_something
            /// Step one of a two-step column removal: makes the column nullable and
            /// records it as deprecated, so a later migration may drop it.
            fn deprecate_column(table: Name, column: Name) -> DeprecateColumn {}
            /// Creates an enum type with its values in order (PostgreSQL `CREATE TYPE
            /// .. AS ENUM`; MySQL spells the values in each column of the type).
            fn create_enum(name: Name, values: Labels) -> CreateEnum {} check enum_values_distinct
            /// Adds a value to an enum type, at the end unless `.before(..)` or
            /// `.after(..)` places it.
            fn add_enum_value(name: Name, value: Label) -> AddEnumValue {
                before: some [
                    /// Places the new value just before `label`.
                    .before(label: Label) => (label)
                ];
                after: some [
                    /// Places the new value just after `label`.
                    .after(label: Label) => (label)
                ];
            } check one_enum_position
            /// Renames a value of an enum type (the rows holding it follow).
            fn rename_enum_value(name: Name, from: Label, to: Label) -> RenameEnumValue {}
            /// Removes a value from an enum type: what undoes `add_enum_value`. No
            /// row may hold it.
            fn drop_enum_value(name: Name, value: Label) -> DropEnumValue {}
            /// Drops an enum type no column uses any more.
            fn drop_enum(name: Name) -> DropEnum {}
            /// Creates an index over `keys`: column names (`["email"]`), or
            /// `key("created_at").desc()`, `expr("lower(email)")`.
            fn create_index(name: Name, table: Name, keys: IndexKeys) -> CreateIndex {
                unique: flag [
                    /// Makes the index unique.
                    .unique()
                ];
                concurrently: flag [
                    /// Builds the index without blocking writes (PostgreSQL `CONCURRENTLY`).
                    .concurrently()
                ];
                method: some [
                    /// Builds it with the access method `method`: "btree" (the
                    /// default), "hash", "gist", "gin", "brin" or "spgist".
                    .using(method: Method) => (method)
                ];
                include: value [
                    /// Stores `columns` in the index without making them keys
                    /// (PostgreSQL `INCLUDE`), for index-only scans.
                    .include(columns: Names) => (columns)
                ] (default $crate::model::List::<$crate::model::Str>::Borrowed(&[]));
                predicate: some [
                    /// Makes it a partial index over the rows matching `predicate`.
                    .where_(predicate: Sql) => (predicate)
                ];
                if_not_exists: flag [
                    /// An index of this name already there is no error, and is left
                    /// as it is (`IF NOT EXISTS` where the backend has it).
                    .if_not_exists()
                ];
            } check index_shape
            /// Drops an index, whatever its shape.
            fn drop_index(name: Name, table: Name) -> DropIndex {
                concurrently: flag [
                    /// Drops the index without blocking writes (PostgreSQL `CONCURRENTLY`).
                    .concurrently()
                ];
                if_exists: flag [
                    /// An index that does not exist is no error (`IF EXISTS` where the
                    /// backend has it).
                    .if_exists()
                ];
            }
            /// Adds a unique constraint over `columns` of an existing table.
            fn create_unique_constraint(name: Name, table: Name, columns: Names) -> CreateUniqueConstraint {
                using_index: some [
                    /// Makes the unique index `index` (built earlier with
                    /// `.unique().concurrently()`) the constraint's, instead of
                    /// building one under a lock; the index takes the constraint's name.
                    .using_index(index: Name) => (index)
                ];
            }
            /// Makes `columns` the primary key of an existing table (drop the
            /// old one first, with `drop_constraint`, to replace it).
            fn create_primary_key(name: Name, table: Name, columns: Names) -> CreatePrimaryKey {
                using_index: some [
                    /// Makes the unique index `index` (built earlier with
                    /// `.unique().concurrently()`) the key's, instead of building
                    /// one under a lock; the index takes the key's name.
                    .using_index(index: Name) => (index)
                ];
            }
            /// Adds a foreign key constraint.
            fn create_foreign_key(
                name: Name,
                table: Name,
                columns: Names,
                ref_table: Name,
                ref_columns: Names
            ) -> CreateForeignKey {
                $($fk)*
                not_valid: flag [
                    /// Adds the constraint without checking existing rows (validate later).
                    .not_valid()
                ];
            } check foreign_key_shape
            /// Adds a check constraint.
            fn create_check_constraint(name: Name, table: Name, expr: Sql) -> CreateCheckConstraint {
                not_valid: flag [
                    /// Adds the constraint without checking existing rows (validate later).
                    .not_valid()
                ];
            }
            /// Checks the existing rows against a constraint added `.not_valid()`.
            fn validate_constraint(name: Name, table: Name) -> ValidateConstraint {}
            /// Drops a constraint.
            fn drop_constraint(name: Name, table: Name) -> DropConstraint {}
            /// Creates a view showing the SELECT `query`.
            fn create_view(name: Name, query: Query) -> CreateView {}
            /// Makes a view show a new SELECT (`CREATE OR REPLACE VIEW`; SQLite
            /// drops and creates it). Undo it with `replace_view` and the old query.
            fn replace_view(name: Name, query: Query) -> ReplaceView {}
            /// Drops a view.
            fn drop_view(name: Name) -> DropView {
                if_exists: flag [
                    /// A view that does not exist is no error (`IF EXISTS`).
                    .if_exists()
                ];
            }
            /// Creates a materialized view: the rows of the SELECT `query`,
            /// stored (PostgreSQL).
            fn create_materialized_view(name: Name, query: Query) -> CreateMaterializedView {
                with_no_data: flag [
                    /// Creates it empty (`WITH NO DATA`): it cannot be read until
                    /// refreshed.
                    .with_no_data()
                ];
            }
            /// Drops a materialized view (its rows are computed again from
            /// its query by whoever creates it anew).
            fn drop_materialized_view(name: Name) -> DropMaterializedView {
                if_exists: flag [
                    /// A view that does not exist is no error (`IF EXISTS`).
                    .if_exists()
                ];
            }
            /// Computes the rows of a materialized view again.
            fn refresh_materialized_view(name: Name) -> RefreshMaterializedView {
                concurrently: flag [
                    /// Refreshes it without blocking its readers (needs a unique
                    /// index on the view).
                    .concurrently()
                ];
            }
            /// Creates a function: `CREATE FUNCTION <signature> <definition>`
            /// (PostgreSQL and MySQL).
            fn create_function(signature: Signature, definition: Definition) -> CreateFunction {}
            /// Gives a function a new definition (`CREATE OR REPLACE FUNCTION`;
            /// MySQL drops and creates it). Undo it with `replace_function` and
            /// the old definition.
            fn replace_function(signature: Signature, definition: Definition) -> ReplaceFunction {}
            /// Drops a function.
            fn drop_function(signature: Signature) -> DropFunction {
                if_exists: flag [
                    /// A function that does not exist is no error (`IF EXISTS`).
                    .if_exists()
                ];
            }
            /// Creates a trigger on `table`: `CREATE TRIGGER <name> <timing> ON
            /// <table> <body>`, `timing` such as "BEFORE UPDATE", `body` such as
            /// "FOR EACH ROW EXECUTE FUNCTION f()" (SQLite: "FOR EACH ROW BEGIN .. END").
            fn create_trigger(name: Name, table: Name, timing: Timing, body: Definition) -> CreateTrigger {}
            /// Drops a trigger of `table`.
            fn drop_trigger(name: Name, table: Name) -> DropTrigger {
                if_exists: flag [
                    /// A trigger that does not exist is no error (`IF EXISTS`).
                    .if_exists()
                ];
            }
            /// Installs an extension in the database (PostgreSQL).
            fn create_extension(name: Name) -> CreateExtension {
                if_not_exists: flag [
                    /// An extension already installed is no error (`IF NOT EXISTS`).
                    .if_not_exists()
                ];
            }
            /// Removes an extension from the database (PostgreSQL).
            fn drop_extension(name: Name) -> DropExtension {
                if_exists: flag [
                    /// An extension that is not installed is no error (`IF EXISTS`).
                    .if_exists()
                ];
            }
            /// Sets the comment of a table (PostgreSQL `COMMENT ON TABLE`, MySQL
            /// `ALTER TABLE .. COMMENT`; SQLite keeps no comments: no statement).
            fn comment_on_table(table: Name, text: Comment) -> CommentOnTable {}
            /// Sets the comment of a column (PostgreSQL `COMMENT ON COLUMN`, MySQL
            /// `MODIFY COLUMN` with its whole definition; SQLite: no statement).
            fn comment_on_column(table: Name, column: Name, text: Comment) -> CommentOnColumn {}
            /// Removes the comment of a table, if it has one.
            fn drop_comment_on_table(table: Name) -> DropCommentOnTable {}
            /// Removes the comment of a column, if it has one.
            fn drop_comment_on_column(table: Name, column: Name) -> DropCommentOnColumn {}
            /// Sets the comment of a constraint (PostgreSQL `COMMENT ON
            /// CONSTRAINT`; MySQL and SQLite keep none: no statement).
            fn comment_on_constraint(name: Name, table: Name, text: Comment) -> CommentOnConstraint {}
            /// Removes the comment of a constraint, if it has one.
            fn drop_comment_on_constraint(name: Name, table: Name) -> DropCommentOnConstraint {}
            /// Runs raw SQL (for data changes the DSL does not cover).
            fn execute(sql: Statements) -> Execute {}
            /// Updates every row of `table` with the SET list `set`, in batches by
            /// primary key, each batch its own transaction.
            fn backfill(table: Name, set: Sql) -> Backfill {
                predicate: some [
                    /// Updates only the rows matching `predicate`.
                    .where_(predicate: Sql) => (predicate)
                ];
                batch_size: value [
                    /// Rows per batch (each batch is its own transaction).
                    .batch_size(rows: BatchSize) => (rows)
                ] (default $crate::model::DEFAULT_BATCH_SIZE);
            }
            /// Runs `ops` with the backward-compatibility rules turned off for the
            /// ops it builds. The reason is required and shown in `history`.
            fn safety_assured(reason: Reason, ops: Body) -> SafetyAssured {}
        }
        values {
            /// Starts a column definition: nullable, no default, no constraint.
            fn column(name: Name, ty: Type) -> Column as ColumnDef {
                primary_key: flag [
                    /// Makes the column the primary key (or part of it); implies NOT NULL.
                    .primary_key()
                ] (nullable = false);
                nullable: unflag [
                    /// Makes the column NOT NULL (columns are nullable unless this is called).
                    .not_null()
                ] (unless primary_key, serial);
                unique: flag [
                    /// Adds a single-column unique constraint.
                    .unique()
                ];
                autoincrement: flag [
                    /// Lets the database generate the value (serial / AUTO_INCREMENT).
                    .autoincrement()
                ] (unless serial);
                default: some [
                    /// Sets the server-side default.
                    .server_default(value: Default) => (value)
                ];
                references: some [
                    /// Adds a foreign key to `table(column)`.
                    .references(table: Name, column: Name) => ($crate::model::Reference { table, column })
                ];
                generated: some [
                    /// Makes it a generated column, computed from `expr` by the database
                    /// (virtual, computed on read, unless `.stored()`).
                    .generated(expr: Sql) => (expr)
                ];
                stored: flag [
                    /// Stores the value of a `.generated(..)` column, computed on write
                    /// (the only kind PostgreSQL has).
                    .stored()
                ];
                serial: flag [
                    /// Auto-increment spelled as PostgreSQL's SERIAL / BIGSERIAL /
                    /// SMALLSERIAL (a sequence and a `nextval` default), as older
                    /// histories have it; `.autoincrement()` elsewhere. Implies NOT NULL.
                    .serial()
                ] (autoincrement = true, nullable = false);
                $($fk)*
            } check column_checks
            /// An index key over a column, for options: `key("created_at").desc()`.
            /// A key with none is written as the column's name alone.
            fn key(target: Name) -> IndexKey as KeyDef {
                expression: fixed [] (false);
                $($key)*
            }
            /// An index key over an SQL expression: `expr("lower(email)")`.
            fn expr(target: Expression) -> IndexKey as KeyDef (like key) {
                expression: fixed [] (true);
                $($key)*
            }
        }
    } };
    // The option blocks that two entries share, each written once: a key's
    // (`key(..)`, `expr(..)`) and a foreign key's (`create_foreign_key`, and
    // `column(..)` with `.references(..)`).
    ($($callback:tt)*) => { $crate::__godwit_vocabulary! { @table [$($callback)*]
        key_options {
            descending: flag [
                /// Sorts the key in descending order.
                .desc()
            ];
            nulls_first: some [
                /// Sorts NULLs before every other value (MySQL and SQLite
                /// only do so in ascending keys, and take it only there).
                .nulls_first() => (true),
                /// Sorts NULLs after every other value (MySQL and SQLite
                /// only do so in descending keys, and take it only there).
                .nulls_last() => (false),
            ];
            opclass: some [
                /// Indexes the key with the operator class `name`, such as
                /// "text_pattern_ops" (PostgreSQL).
                .opclass(name: OpClass) => (name)
            ];
        }
        foreign_key_options {
            on_delete: value [
                /// What happens to referencing rows when a referenced row is deleted.
                .on_delete(action: Action) => (action)
            ] (default $crate::model::Action::NoAction);
            on_update: value [
                /// What happens to referencing rows when a referenced key changes.
                .on_update(action: Action) => (action)
            ] (default $crate::model::Action::NoAction);
            deferrable: value [
                /// Lets a transaction defer the check to its commit
                /// (`SET CONSTRAINTS .. DEFERRED`; PostgreSQL and SQLite).
                .deferrable() => ($crate::model::Deferrable::InitiallyImmediate),
                /// Checks it at commit unless a transaction says otherwise
                /// (implies `.deferrable()`; PostgreSQL and SQLite).
                .initially_deferred() => ($crate::model::Deferrable::InitiallyDeferred),
            ] (default $crate::model::Deferrable::NotDeferrable);
        }
    } };
}
