//! The DSL's vocabulary, in one place.
//!
//! A migration body is a list of calls (`op.create_index(..).unique()`).
//! Whoever reads one turns it into a [`Call`], a plain syntax tree: the
//! macro from the source tokens, the DSL at run time from its arguments,
//! [`parse_ops`] from the canonical text. [`read_op`] turns a call into the
//! model ([`Op`]) with every check that needs no history, and
//! [`Op::to_call`] writes the model back; the canonical text (what the
//! checksum hashes, what the embedded form holds, how ops are shown) is
//! that call printed. Both directions, and the DSL's methods, are generated
//! from one table (`table.rs`): adding an op or an option is one entry there
//! (and the model's field it fills); the compiler then points at every rule,
//! replay and dialect that must say what it does.

mod call;
mod checks;
mod generate;
pub mod kind;
mod table;
mod text;
mod type_checks;

use std::fmt::{self, Display, Formatter};
use std::str::FromStr;

pub use call::{Call, Value, ValueKind};
pub use kind::float_text;

use crate::model::{Action, Column, ColumnType, DefaultValue, Op};
use crate::Rule;
use checks::{
    alter_changes_something, column_checks, foreign_key_shape, index_shape, one_primary_key,
};
use generate::{
    apply_option, field_finish, field_init, option_names, option_value, read_call, read_option,
    write_field,
};
use kind::Kind;
use type_checks::{enum_values_distinct, one_enum_position};

/// What is wrong with a call, and where (see [`Call`] for `S`).
#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxError<S = ()> {
    /// Where.
    pub at: S,
    /// The rule it breaks, if it is one of the rules' (`non-literal-argument`,
    /// `invalid-identifier`).
    pub rule: Option<Rule>,
    /// What is wrong.
    pub message: String,
    /// What to do; empty when the message says it.
    pub help: String,
}

/// The help of every `non-literal-argument` error about an argument.
pub const NON_LITERAL_HELP: &str =
    "write every argument as a literal (a string, number, bool, array of strings, column(..), a type such as BigInt): the checker must see exactly what will run";

impl<S> SyntaxError<S> {
    /// An error of no rule.
    pub fn new(at: S, message: impl Into<String>) -> Self {
        SyntaxError {
            at,
            rule: None,
            message: message.into(),
            help: String::new(),
        }
    }

    /// An error of `rule`.
    pub fn rule(at: S, rule: Rule, message: impl Into<String>, help: impl Into<String>) -> Self {
        SyntaxError {
            at,
            rule: Some(rule),
            message: message.into(),
            help: help.into(),
        }
    }

    /// A `non-literal-argument` error: `what` was expected.
    pub fn non_literal(at: S, what: impl Into<String>) -> Self {
        Self::rule(at, Rule::NonLiteralArgument, what, NON_LITERAL_HELP)
    }
}

impl<S> Display for SyntaxError<S> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self.rule {
            Some(rule) => write!(f, "[{}] {}", rule.id(), self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// The words of the DSL, in the table's order.
#[derive(Clone, Debug, PartialEq)]
pub struct Vocabulary {
    /// Each op's method and its options' names.
    pub ops: Vec<(&'static str, Vec<&'static str>)>,
    /// Each value's function (`column`) and its options' names.
    pub values: Vec<(&'static str, Vec<&'static str>)>,
}

crate::__godwit_vocabulary!(generate::generate);

/// The arguments of `call` when there are `expected` of them; otherwise an
/// error showing the signature (`prefix` is `.` for an option).
fn arity<'c, S: Copy>(
    call: &'c Call<S>,
    prefix: &str,
    expected: usize,
    shapes: impl FnOnce() -> Vec<String>,
    errors: &mut Vec<SyntaxError<S>>,
) -> Option<&'c [Value<S>]> {
    if call.args.len() == expected {
        return Some(&call.args);
    }
    errors.push(SyntaxError::new(
        call.at,
        format!(
            "`{}` takes {expected} argument{}: {prefix}{}({})",
            call.name,
            if expected == 1 { "" } else { "s" },
            call.name,
            shapes().join(", ")
        ),
    ));
    None
}

fn unknown_option<S: Copy>(
    call: &Call<S>,
    option: &Call<S>,
    known: &[&str],
    errors: &mut Vec<SyntaxError<S>>,
) {
    let takes = if known.is_empty() {
        "it takes none".to_string()
    } else {
        let known: Vec<String> = known.iter().map(|k| format!("`.{k}(..)`")).collect();
        format!("it takes {}", known.join(", "))
    };
    errors.push(SyntaxError::new(
        option.name_at,
        format!(
            "`{}` has no option `.{}(..)`: {takes}",
            call.name, option.name
        ),
    ));
}

/// Reads canonical text (`op.a(..); op.b(..);`) into ops; any problem
/// (a syntax error, an unknown op, an invalid name) is an error that says
/// at which byte.
pub fn parse_ops(text: &str) -> Result<Vec<Op>, String> {
    let mut errors = Vec::new();
    let ops = read_statements(text, &mut errors)?;
    match errors.first() {
        None => Ok(ops),
        Some(e) => Err(format!("at byte {}: {e}", e.at)),
    }
}

/// Reads canonical text, failing only where it cannot be read into the
/// model at all; the problems a body is checked for go to `errors`.
pub(crate) fn read_statements(
    text: &str,
    errors: &mut Vec<SyntaxError<usize>>,
) -> Result<Vec<Op>, String> {
    let calls = text::statements(text)?;
    let mut ops = Vec::with_capacity(calls.len());
    for call in &calls {
        match read_op(call, errors) {
            Some(op) => ops.push(op),
            None => {
                let e = errors.last().map_or("unreadable".into(), |e| e.to_string());
                return Err(format!("at byte {}: {e}", call.at));
            }
        }
    }
    Ok(ops)
}

impl FromStr for Op {
    type Err = String;

    /// One op from its canonical text, with or without the closing `;`.
    fn from_str(text: &str) -> Result<Op, String> {
        let text = text.trim_end();
        let mut ops = if text.ends_with(';') {
            parse_ops(text)?
        } else {
            parse_ops(&format!("{text};"))?
        };
        match (ops.pop(), ops.is_empty()) {
            (Some(op), true) => Ok(op),
            _ => Err(format!("expected one op, found {}", ops.len() + 1)),
        }
    }
}

impl Display for Op {
    /// The canonical text: `op.` and the call, e.g.
    /// `op.create_index("idx", "users", ["email"]).unique()`.
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "op.{}", self.to_call())
    }
}

impl Display for Column {
    /// `column("id", BigInt).primary_key()`.
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        column::call(self).fmt(f)
    }
}

impl Display for ColumnType {
    /// `BigInt`, `Varchar(20)`.
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        kind::Type::write(self).fmt(f)
    }
}

impl Display for DefaultValue {
    /// `"text"`, `1`, `now()`, `sql("..")`.
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        kind::Default::write(self).fmt(f)
    }
}

impl Display for Action {
    /// `Action::Cascade`.
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        kind::Action::write(self).fmt(f)
    }
}

#[cfg(test)]
pub(crate) mod tests;
