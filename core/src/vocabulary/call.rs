//! A DSL call as written, before it means anything: the common form between
//! what reads a migration body (the macro's syn reader, the DSL at run time,
//! the canonical text) and the one place that turns it into the model.

use std::borrow::Cow;
use std::fmt::{self, Display, Formatter, Write};

use crate::model::Str;

/// One call with its options: `create_index("idx", "users", ["email"])`
/// then `.unique()`, or `column("id", BigInt)` then `.primary_key()`.
///
/// `S` says where each part was read from, for errors: a token of the
/// source in the macro, a byte offset in canonical text, nothing (`()`) in
/// the DSL.
#[derive(Clone, Debug)]
pub struct Call<S = ()> {
    /// The method or function name.
    pub name: Str,
    /// The call itself (without its options).
    pub at: S,
    /// The name alone.
    pub name_at: S,
    /// The arguments, in order.
    pub args: Vec<Value<S>>,
    /// The options chained after it, in order, each a call of its own.
    pub options: Vec<Call<S>>,
}

/// One argument, with where it was read from.
#[derive(Clone, Debug)]
pub struct Value<S = ()> {
    /// What was written.
    pub kind: ValueKind<S>,
    /// Where.
    pub at: S,
}

/// What an argument is, syntactically.
#[derive(Clone, Debug)]
pub enum ValueKind<S = ()> {
    /// A string literal, unescaped.
    Str(Str),
    /// An integer literal: its decimal digits, after a `-` if negative.
    Int(Str),
    /// A float literal as written, after a `-` if negative.
    Float(Str),
    /// `true` or `false`.
    Bool(bool),
    /// `[a, b]` (or `&[a, b]`).
    List(Vec<Value<S>>),
    /// A path: a type (`BigInt`) or an enum value (`Action::Cascade`).
    Path(Str),
    /// A function call with its options: `Varchar(20)`, `now()`, `column(..).not_null()`.
    Call(Call<S>),
    /// A closure `|op| { .. }`: the op calls of its body.
    Body(Vec<Call<S>>),
    /// Anything else (a variable, a macro call, an operator): never a literal.
    Other,
}

impl<S> Call<S> {
    /// The options' names, for messages.
    pub fn option_names(&self) -> impl Iterator<Item = &str> {
        self.options.iter().map(|o| &*o.name)
    }

    /// The option call that ends the chain, else the call itself: the whole
    /// expression, for an error about it as a whole.
    pub fn whole(&self) -> &S {
        self.options.last().map_or(&self.at, |o| &o.at)
    }
}

impl<S> Value<S> {
    /// The last segment of a path (`Cascade` of `Action::Cascade`).
    pub fn path_name(&self) -> Option<&str> {
        match &self.kind {
            ValueKind::Path(p) => Some(p.rsplit("::").next().unwrap_or(p)),
            _ => None,
        }
    }
}

// ----- building calls (the printer and the DSL) -----

impl Call {
    /// A call without options.
    pub fn new(name: &'static str, args: Vec<Value>) -> Call {
        Call {
            name: Cow::Borrowed(name),
            at: (),
            name_at: (),
            args,
            options: Vec::new(),
        }
    }

    /// Adds an option call.
    pub fn push_option(&mut self, name: &'static str, args: Vec<Value>) {
        self.options.push(Call::new(name, args));
    }
}

impl Value {
    /// A value with no place.
    pub fn new(kind: ValueKind) -> Value {
        Value { kind, at: () }
    }

    /// A string literal.
    pub fn str(s: impl Into<Str>) -> Value {
        Value::new(ValueKind::Str(s.into()))
    }

    /// An integer literal.
    pub fn int(n: impl Display) -> Value {
        Value::new(ValueKind::Int(n.to_string().into()))
    }

    /// A path, as written.
    pub fn path(p: impl Into<Str>) -> Value {
        Value::new(ValueKind::Path(p.into()))
    }

    /// A list.
    pub fn list(items: impl IntoIterator<Item = Value>) -> Value {
        Value::new(ValueKind::List(items.into_iter().collect()))
    }

    /// A function call.
    pub fn call(call: Call) -> Value {
        Value::new(ValueKind::Call(call))
    }
}

// ----- the canonical text: the DSL call, written one way -----

/// A string literal as Rust writes it (`{:?}`).
struct Lit<'a>(&'a str);

impl Display for Lit<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

fn comma_separated<T: Display>(f: &mut Formatter<'_>, items: &[T]) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        item.fmt(f)?;
    }
    Ok(())
}

impl<S> Display for Call<S> {
    /// `name(args).option(args)..`, as the DSL writes it.
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}(", self.name)?;
        comma_separated(f, &self.args)?;
        f.write_char(')')?;
        for option in &self.options {
            write!(f, ".{option}")?;
        }
        Ok(())
    }
}

impl<S> Display for Value<S> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ValueKind::Str(s) => Lit(s).fmt(f),
            ValueKind::Int(n) | ValueKind::Float(n) => f.write_str(n),
            ValueKind::Bool(b) => b.fmt(f),
            ValueKind::List(items) => {
                f.write_char('[')?;
                comma_separated(f, items)?;
                f.write_char(']')
            }
            ValueKind::Path(p) => f.write_str(p),
            ValueKind::Call(call) => call.fmt(f),
            ValueKind::Body(calls) => {
                f.write_str("|op| {")?;
                for call in calls {
                    write!(f, " op.{call};")?;
                }
                f.write_str(" }")
            }
            ValueKind::Other => f.write_str(".."),
        }
    }
}
