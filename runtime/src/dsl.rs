//! The migration DSL: what the bodies of `upgrade` and `downgrade` call.
//!
//! These are real functions and builders, so a migration body type-checks,
//! completes in an editor and can be executed as plain Rust (it fills an
//! [`Ops`] list). The `#[migration]` macro also reads the same calls from
//! the source to check them at compile time; the ops it embeds are the ones
//! the body would build.
//!
//! Every method here is generated from the vocabulary's table in
//! `godwit-core` (`godwit::vocabulary`), and records its call as written;
//! the vocabulary's reader, the one the macro uses, turns it into the op.
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

pub use godwit_core::Action;
pub use godwit_core::ColumnType::{self, *};

use godwit_core::vocabulary::kind::{self, Kind};
use godwit_core::vocabulary::{self, float_text, Call, Value, ValueKind};
use godwit_core::{Column, DefaultValue, Op};

/// The list of operations a migration body builds. `fn upgrade(op: &mut Ops)`.
///
/// The checks `#[migration]` makes at compile time (names, lengths, empty
/// lists) are not made again here: a body inside `#[migration]` has passed
/// them, and the DSL builds what the body says.
#[derive(Clone, Debug, Default)]
pub struct Ops {
    ops: Vec<Op>,
    /// The calls the ops were read from, for the options still to come.
    calls: Vec<Call>,
}

impl PartialEq for Ops {
    fn eq(&self, other: &Ops) -> bool {
        self.ops == other.ops
    }
}

/// A column definition being built: `column("id", BigInt).primary_key()`.
#[derive(Clone, Debug)]
#[must_use = "a column definition does nothing until passed to create_table or add_column"]
pub struct ColumnDef(Call);

/// An index key being built: `key("created_at").desc()` or
/// `expr("lower(email)")`. Both make this one type, so that one array holds
/// both: `[key("tenant_id"), expr("lower(email)")]`.
#[derive(Clone, Debug)]
#[must_use = "an index key does nothing until passed to create_index"]
pub struct KeyDef(Call);

/// An array of `element` (PostgreSQL): `Array(Text)`, `Array(Array(BigInt))`.
#[allow(non_snake_case)]
pub fn Array(element: ColumnType) -> ColumnType {
    ColumnType::Array(Box::new(element))
}

/// A column of the enum type `name`, made by `op.create_enum(..)`:
/// `Enum("mood")`.
#[allow(non_snake_case)]
pub fn Enum(name: &'static str) -> ColumnType {
    ColumnType::Enum(name.into())
}

/// A column of a type godwit does not model, by the name the backend knows
/// it by: `Custom("tsvector")`, `Custom("citext")`, a domain's name. It is
/// created, read back and compared as that name.
#[allow(non_snake_case)]
pub fn Custom(name: &'static str) -> ColumnType {
    ColumnType::Custom(name.into())
}

/// The current timestamp, as a server default (`CURRENT_TIMESTAMP`).
pub fn now() -> DefaultValue {
    DefaultValue::Now
}

/// A raw SQL expression, as a server default: `sql("gen_random_uuid()")`.
pub fn sql(expr: &'static str) -> DefaultValue {
    DefaultValue::Sql(expr.into())
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
        DefaultValue::Str(self.into())
    }
}

impl IntoDefault for bool {
    fn into_default(self) -> DefaultValue {
        DefaultValue::Bool(self)
    }
}

impl IntoDefault for f64 {
    fn into_default(self) -> DefaultValue {
        DefaultValue::Float(float_text(self).into())
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

/// A name in a list of columns (or a value in the list of an enum type's):
/// `"a"` from `["a"]` or from `&["a"]`.
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

/// A builder, or a reference to one, as an item of a list argument
/// (`[column(..)]` or `&[column(..)]`).
macro_rules! list_item {
    ($trait:ident::$method:ident for $builder:ident) => {
        impl $trait for $builder {
            fn $method(self) -> $builder {
                self
            }
        }

        impl $trait for &$builder {
            fn $method(self) -> $builder {
                self.clone()
            }
        }
    };
}

list_item!(IntoColumnDef::into_column_def for ColumnDef);

/// A key in the list of an index's keys: a column's name (`"email"`),
/// `key(..)` or `expr(..)`. One array holds one type: to mix names with
/// keys that have options, write every column as `key("..")`.
pub trait IntoIndexKey {
    /// The key.
    fn into_index_key(self) -> KeyDef;
}

impl<N: Name> IntoIndexKey for N {
    fn into_index_key(self) -> KeyDef {
        key(self.name())
    }
}

list_item!(IntoIndexKey::into_index_key for KeyDef);

/// The Rust type of a parameter of each kind of the vocabulary.
macro_rules! param_type {
    (Name) => { &'static str };
    (Names) => { impl IntoIterator<Item = impl Name> };
    (Labels) => { impl IntoIterator<Item = impl Name> };
    (Label) => { &'static str };
    (IndexKeys) => { impl IntoIterator<Item = impl IntoIndexKey> };
    (Sql) => { &'static str };
    (Expression) => { &'static str };
    (OpClass) => { &'static str };
    (Method) => { &'static str };
    (Statements) => { &'static str };
    (Query) => { &'static str };
    (Comment) => { &'static str };
    (Signature) => { &'static str };
    (Definition) => { &'static str };
    (Timing) => { &'static str };
    (Reason) => { &'static str };
    (Columns) => { impl IntoIterator<Item = impl IntoColumnDef> };
    (ColumnDef) => { ColumnDef };
    (Type) => { ColumnType };
    (Default) => { impl IntoDefault };
    (Bool) => { bool };
    (BatchSize) => { u32 };
    (Action) => { Action };
    (Body) => { impl FnOnce(&mut Ops) };
}

/// The value of a parameter, as the vocabulary reads it.
macro_rules! param_value {
    (Names, $x:ident) => {
        Value::list($x.into_iter().map(|n| Value::str(n.name())))
    };
    (Labels, $x:ident) => {
        Value::list($x.into_iter().map(|n| Value::str(n.name())))
    };
    (IndexKeys, $x:ident) => {
        Value::list($x.into_iter().map(|k| Value::call(k.into_index_key().0)))
    };
    (Columns, $x:ident) => {
        Value::list($x.into_iter().map(|c| Value::call(c.into_column_def().0)))
    };
    (ColumnDef, $x:ident) => {
        Value::call($x.0)
    };
    (Type, $x:ident) => {
        kind::Type::write(&$x)
    };
    (Default, $x:ident) => {
        kind::Default::write(&$x.into_default())
    };
    (Bool, $x:ident) => {
        kind::Bool::write(&$x)
    };
    (BatchSize, $x:ident) => {
        kind::BatchSize::write(&$x)
    };
    (Action, $x:ident) => {
        kind::Action::write(&$x)
    };
    (Body, $x:ident) => {{
        let mut inner = Ops::new();
        $x(&mut inner);
        Value::new(ValueKind::Body(inner.calls))
    }};
    // The string kinds: names, SQL, reasons, operator classes, methods.
    ($kind:ident, $x:ident) => {
        Value::str($x)
    };
}

/// The DSL, from the vocabulary's table.
macro_rules! dsl {
    (
        ops { $(
            $(#[$doc:meta])*
            fn $method:ident($($param:ident: $kind:ident),* $(,)?) -> $variant:ident { $($fields:tt)* }
            $(check $check:ident)?
        )* }
        values { $(
            $(#[$vdoc:meta])*
            fn $vfn:ident($($vparam:ident: $vkind:ident),* $(,)?) -> $vty:ident as $vbuilder:ident $((like $vsame:ident))? {
                $( $vfield:ident: $vhow:ident [ $($vopts:tt)* ] $(( $($vextra:tt)* ))?; )*
            } $(check $vcheck:ident)?
        )* }
    ) => {
        impl Ops {
            $( method!($(#[$doc])* $method($($param: $kind),*) -> $variant { $($fields)* }); )*
        }

        $( builder!($method $variant { $($fields)* }); )*

        $(
            $(#[$vdoc])*
            pub fn $vfn($($vparam: param_type!($vkind)),*) -> $vbuilder {
                $vbuilder(Call::new(stringify!($vfn), vec![$(param_value!($vkind, $vparam)),*]))
            }

            value_builder!($vbuilder $(like $vsame)? { $( [ $($vopts)* ] )* });
        )*
    };
}

/// The options of a value's builder, unless an earlier value (`like ..`)
/// made the same builder with the same options.
macro_rules! value_builder {
    ($builder:ident like $same:ident { $($opts:tt)* }) => {};
    ($builder:ident { $( [ $($opts:tt)* ] )* }) => {
        impl $builder {
            fn with_option(mut self, name: &'static str, args: Vec<Value>) -> Self {
                self.0.push_option(name, args);
                self
            }

            $( options!([ $($opts)* ]); )*
        }
    };
}

/// One method of `Ops`: it records the call and returns the builder of its
/// options, if it has any.
macro_rules! method {
    ($(#[$doc:meta])* $method:ident($($param:ident: $kind:ident),*) -> $variant:ident {}) => {
        $(#[$doc])*
        pub fn $method(&mut self, $($param: param_type!($kind)),*) {
            self.push(Call::new(stringify!($method), vec![$(param_value!($kind, $param)),*]));
        }
    };
    ($(#[$doc:meta])* $method:ident($($param:ident: $kind:ident),*) -> $variant:ident { $($fields:tt)+ }) => {
        $(#[$doc])*
        pub fn $method(&mut self, $($param: param_type!($kind)),*) -> $variant<'_> {
            let index = self.push(Call::new(stringify!($method), vec![$(param_value!($kind, $param)),*]));
            $variant { ops: self, index }
        }
    };
}

/// The builder of an op's options, named after the op's variant.
macro_rules! builder {
    ($method:ident $variant:ident {}) => {};
    ($method:ident $variant:ident { $( $field:ident: $how:ident [ $($opts:tt)* ] $(( $($extra:tt)* ))?; )+ }) => {
        #[doc = concat!("Returned by [`Ops::", stringify!($method), "`]: its options, each editing the op just added.")]
        #[derive(Debug)]
        pub struct $variant<'a> {
            ops: &'a mut Ops,
            index: usize,
        }

        impl $variant<'_> {
            fn with_option(self, name: &'static str, args: Vec<Value>) -> Self {
                self.ops.push_option(self.index, name, args);
                self
            }

            $( options!([ $($opts)* ]); )+
        }
    };
}

/// The option methods of a builder.
macro_rules! options {
    ([ $( $(#[$doc:meta])* .$opt:ident($($p:ident: $k:ident),* $(,)?) $(=> ($($e:tt)*))? ),* $(,)? ]) => {
        $(
            $(#[$doc])*
            pub fn $opt(self, $($p: param_type!($k)),*) -> Self {
                self.with_option(stringify!($opt), vec![$(param_value!($k, $p)),*])
            }
        )*
    };
}

godwit_core::__godwit_vocabulary!(dsl);

impl ColumnDef {
    /// The column model.
    pub fn into_column(self) -> Column {
        kind::ColumnDef::read(&Value::call(self.0), &mut Vec::new())
            .expect("the DSL writes only calls the vocabulary reads")
    }
}

/// The op of a call the DSL recorded.
fn read(call: &Call) -> Op {
    // The DSL's types allow only calls of the right shape; what the macro
    // checks beyond the shape (a valid name, a non-empty list) is its to say.
    vocabulary::read_op(call, &mut Vec::new())
        .expect("the DSL writes only calls the vocabulary reads")
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

    fn push(&mut self, call: Call) -> usize {
        self.ops.push(read(&call));
        self.calls.push(call);
        self.ops.len() - 1
    }

    /// Adds an option to the call at `index`, and reads its op again.
    fn push_option(&mut self, index: usize, name: &'static str, args: Vec<Value>) {
        let call = &mut self.calls[index];
        call.push_option(name, args);
        self.ops[index] = read(call);
    }
}
