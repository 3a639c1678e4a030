//! The kinds of argument an op or option takes: for each, how a [`Value`] is
//! read into the model's field (with every check that needs no history) and
//! how the field is written back. A kind is named in the vocabulary's table
//! (`name: Name`); the DSL maps the same name to its Rust parameter type.

use std::borrow::Cow;

use super::call::{Call, Value, ValueKind};
use super::SyntaxError;
use crate::model::{self, ColumnType, DefaultValue, List, Op, Str};
use crate::validate::{malformed_identifier, MAX_IDENTIFIER_BYTES};

/// One kind of argument.
pub trait Kind {
    /// The model's type for it.
    type Field;

    /// How a parameter of this kind is shown in a signature: `None` for
    /// its name, `Some("[]")` for its name in brackets, or the text to show.
    const SHAPE: Option<&'static str> = None;

    /// A parameter of this kind, as a signature shows it.
    fn shape(param: &str) -> String {
        match Self::SHAPE {
            None => param.to_string(),
            Some("[]") => format!("[{param}]"),
            Some(text) => text.to_string(),
        }
    }

    /// Reads a value, reporting every problem to `errors`. `None` when the
    /// value has the wrong shape or does not fit the field (a number too
    /// large); a value that fits but is wrong (an empty name, a zero length)
    /// is reported and still returned, so that the DSL always builds what
    /// the body says.
    fn read<S: Copy>(value: &Value<S>, errors: &mut Vec<SyntaxError<S>>) -> Option<Self::Field>;

    /// The value that reads back as `field`.
    fn write(field: &Self::Field) -> Value;
}

fn string<S: Copy>(value: &Value<S>, errors: &mut Vec<SyntaxError<S>>) -> Option<Str> {
    match &value.kind {
        ValueKind::Str(s) => Some(s.clone()),
        _ => {
            errors.push(SyntaxError::non_literal(
                value.at,
                "expected a string literal",
            ));
            None
        }
    }
}

/// A whole number that fits in `u32`.
fn count<S: Copy>(value: &Value<S>, errors: &mut Vec<SyntaxError<S>>) -> Option<u32> {
    match &value.kind {
        ValueKind::Int(digits) if !digits.starts_with('-') => match digits.parse::<u32>() {
            Ok(n) => Some(n),
            Err(e) => {
                errors.push(SyntaxError::new(
                    value.at,
                    format!("{e}: expected a whole number of at most {}", u32::MAX),
                ));
                None
            }
        },
        _ => {
            errors.push(SyntaxError::non_literal(
                value.at,
                "expected an integer literal",
            ));
            None
        }
    }
}

/// A list of values of kind `K`, at least one.
fn non_empty_list<S: Copy, K: Kind>(
    value: &Value<S>,
    errors: &mut Vec<SyntaxError<S>>,
    not_a_list: &str,
    empty: &str,
) -> Option<List<K::Field>>
where
    K::Field: Clone,
{
    let ValueKind::List(items) = &value.kind else {
        errors.push(SyntaxError::non_literal(value.at, not_a_list));
        return None;
    };
    if items.is_empty() {
        errors.push(SyntaxError::new(value.at, empty));
    }
    let read: Vec<Option<K::Field>> = items.iter().map(|v| K::read(v, errors)).collect();
    Some(Cow::Owned(read.into_iter().collect::<Option<_>>()?))
}

/// A table, column, index or constraint name.
pub struct Name;

impl Kind for Name {
    type Field = Str;

    fn read<S: Copy>(value: &Value<S>, errors: &mut Vec<SyntaxError<S>>) -> Option<Str> {
        let name = string(value, errors)?;
        if let Some(why) = malformed_identifier(&name) {
            errors.push(SyntaxError::rule(
                value.at,
                crate::Rule::InvalidIdentifier,
                why,
                "use a non-empty name without NUL or surrounding white space: it is quoted on every backend",
            ));
        }
        Some(name)
    }

    fn write(field: &Str) -> Value {
        Value::str(field.clone())
    }
}

/// A kind for a list of at least one `$item`, and what is wrong when the
/// value is not a list, or an empty one.
macro_rules! list_kind {
    ($(#[$doc:meta])* $kind:ident of $item:ident, not_a_list: $not_a_list:expr, empty: $empty:expr) => {
        $(#[$doc])*
        pub struct $kind;

        impl Kind for $kind {
            type Field = List<Str>;

            const SHAPE: Option<&'static str> = Some("[]");

            fn read<S: Copy>(value: &Value<S>, errors: &mut Vec<SyntaxError<S>>) -> Option<List<Str>> {
                non_empty_list::<S, $item>(value, errors, $not_a_list, $empty)
            }

            fn write(field: &List<Str>) -> Value {
                Value::list(field.iter().map($item::write))
            }
        }
    };
}

list_kind!(
    /// A non-empty list of names: `["a", "b"]`.
    Names of Name,
    not_a_list: "expected an array of column names, e.g. [\"user_id\"]",
    empty: "the list of columns is empty"
);

/// A value (label) of an enum type: `"happy"`.
pub struct Label;

impl Kind for Label {
    type Field = Str;

    fn read<S: Copy>(value: &Value<S>, errors: &mut Vec<SyntaxError<S>>) -> Option<Str> {
        let label = string(value, errors)?;
        errors.extend(invalid_label(&label).map(|why| SyntaxError::new(value.at, why)));
        Some(label)
    }

    fn write(field: &Str) -> Value {
        Name::write(field)
    }
}

/// Why `label` cannot be a value of an enum type on every backend.
fn invalid_label(label: &str) -> Option<String> {
    let problems = [
        (
            label.is_empty(),
            "is empty (MySQL keeps '' as its error value)",
        ),
        (label.contains('\0'), "holds a NUL byte"),
        (
            label.len() > MAX_IDENTIFIER_BYTES,
            "is longer than the 63 bytes PostgreSQL takes",
        ),
        (
            label.trim() != label,
            "starts or ends with white space, which MySQL strips",
        ),
    ];
    let (_, why) = problems.into_iter().find(|(bad, _)| *bad)?;
    Some(format!("enum value {label:?} {why}"))
}

list_kind!(
    /// The values of an enum type: `["sad", "ok"]`, at least one.
    Labels of Label,
    not_a_list: "expected an array of enum values, e.g. [\"sad\", \"ok\"]",
    empty: "an enum type needs at least one value"
);

/// A kind read from a string literal, refused when it is empty if `$empty`
/// says why, or when `$check` (text to what is wrong with it) says so.
macro_rules! string_kind {
    ($(#[$doc:meta])* $kind:ident, shape: $shape:expr, empty: $empty:expr) => {
        string_kind!(
            $(#[$doc])* $kind,
            shape: $shape,
            check: |text: &str| {
                let empty: Option<&str> = $empty;
                empty.filter(|_| text.trim().is_empty()).map(str::to_string)
            }
        );
    };
    ($(#[$doc:meta])* $kind:ident, shape: $shape:expr, check: $check:expr) => {
        $(#[$doc])*
        pub struct $kind;

        impl Kind for $kind {
            type Field = Str;

            const SHAPE: Option<&'static str> = $shape;

            fn read<S: Copy>(value: &Value<S>, errors: &mut Vec<SyntaxError<S>>) -> Option<Str> {
                let text = string(value, errors)?;
                let check: fn(&str) -> Option<String> = $check;
                if let Some(why) = check(&text) {
                    errors.push(SyntaxError::new(value.at, why));
                }
                Some(text)
            }

            fn write(field: &Str) -> Value {
                Value::str(field.clone())
            }
        }
    };
}

string_kind!(
    /// An SQL fragment: an expression, a predicate, a SET list.
    Sql,
    shape: None,
    empty: None
);

string_kind!(
    /// The SELECT of a view: not empty.
    Query,
    shape: None,
    empty: Some("a view needs a query: the SELECT it shows")
);

string_kind!(
    /// A function's name and argument list: `set_updated_at()`.
    Signature,
    shape: None,
    check: |text: &str| {
        let t = text.trim();
        let open = t.find('(').unwrap_or(0);
        (open == 0 || !t.ends_with(')')).then(|| {
            format!("{text:?} is not a function signature: write its name and argument types, e.g. \"set_updated_at()\" or \"add(integer, integer)\"")
        })
    }
);

string_kind!(
    /// The SQL of a function or trigger after its name: not empty.
    Definition,
    shape: None,
    empty: Some("the definition is empty: write what follows the name, e.g. \"RETURNS trigger LANGUAGE plpgsql AS $$ .. $$\"")
);

string_kind!(
    /// When a trigger fires: `BEFORE`, `AFTER` or `INSTEAD OF`, then its events.
    Timing,
    shape: None,
    check: |text: &str| {
        let upper = text.trim().to_ascii_uppercase();
        let ok = ["BEFORE ", "AFTER ", "INSTEAD OF "].iter().any(|w| upper.starts_with(w));
        (!ok).then(|| format!("{text:?} is not a trigger timing: write BEFORE, AFTER or INSTEAD OF and the events, e.g. \"BEFORE UPDATE\""))
    }
);

string_kind!(
    /// The text of a comment: not empty (`drop_comment_on_..` removes one).
    Comment,
    shape: None,
    empty: Some("an empty comment: remove a comment with drop_comment_on_table or drop_comment_on_column")
);

string_kind!(
    /// Raw SQL statements for `execute`: not empty.
    Statements,
    shape: None,
    empty: Some("`execute` of an empty SQL string")
);

string_kind!(
    /// Why the ops of `safety_assured` are safe: not empty.
    Reason,
    shape: Some("\"reason\""),
    empty: Some("`safety_assured` needs a reason: say why these ops are safe (it is shown in `history`)")
);

mod index;
pub use index::{Expression, IndexKeys, Key, Method, OpClass};

/// `true` or `false`.
pub struct Bool;

impl Kind for Bool {
    type Field = bool;

    const SHAPE: Option<&'static str> = Some("bool");

    fn read<S: Copy>(value: &Value<S>, errors: &mut Vec<SyntaxError<S>>) -> Option<bool> {
        match value.kind {
            ValueKind::Bool(b) => Some(b),
            _ => {
                errors.push(SyntaxError::non_literal(
                    value.at,
                    "expected `true` or `false`",
                ));
                None
            }
        }
    }

    fn write(field: &bool) -> Value {
        Value::new(ValueKind::Bool(*field))
    }
}

/// Rows per batch: at least one.
pub struct BatchSize;

impl Kind for BatchSize {
    type Field = u32;

    fn read<S: Copy>(value: &Value<S>, errors: &mut Vec<SyntaxError<S>>) -> Option<u32> {
        let rows = count(value, errors)?;
        if rows == 0 {
            errors.push(SyntaxError::new(
                value.at,
                "a batch must hold at least one row",
            ));
        }
        Some(rows)
    }

    fn write(field: &u32) -> Value {
        Value::int(field)
    }
}

/// What happens to referencing rows: `Action::Cascade`.
pub struct Action;

impl Kind for Action {
    type Field = model::Action;

    const SHAPE: Option<&'static str> = Some("Action::..");

    fn read<S: Copy>(value: &Value<S>, errors: &mut Vec<SyntaxError<S>>) -> Option<model::Action> {
        let action = match value.path_name() {
            Some("NoAction") => model::Action::NoAction,
            Some("Restrict") => model::Action::Restrict,
            Some("Cascade") => model::Action::Cascade,
            Some("SetNull") => model::Action::SetNull,
            Some("SetDefault") => model::Action::SetDefault,
            _ => {
                errors.push(SyntaxError::non_literal(value.at, "expected Action::NoAction, Action::Restrict, Action::Cascade, Action::SetNull or Action::SetDefault"));
                return None;
            }
        };
        Some(action)
    }

    fn write(field: &model::Action) -> Value {
        Value::path(format!("Action::{field:?}"))
    }
}

/// A column type: `BigInt`, `Varchar(255)`, `Numeric(10, 2)`, `Array(Text)`,
/// `Enum("mood")`, `Custom("tsvector")`.
pub struct Type;

/// The column types without parameters, by name.
const SIMPLE_TYPES: &[(&str, ColumnType)] = &[
    ("SmallInt", ColumnType::SmallInt),
    ("Integer", ColumnType::Integer),
    ("BigInt", ColumnType::BigInt),
    ("Boolean", ColumnType::Boolean),
    ("Text", ColumnType::Text),
    ("VarcharUnbounded", ColumnType::VarcharUnbounded),
    ("Real", ColumnType::Real),
    ("Double", ColumnType::Double),
    ("Date", ColumnType::Date),
    ("Time", ColumnType::Time),
    ("Timestamp", ColumnType::Timestamp),
    ("TimestampTz", ColumnType::TimestampTz),
    ("Binary", ColumnType::Binary),
    ("Uuid", ColumnType::Uuid),
    ("Json", ColumnType::Json),
    ("JsonText", ColumnType::JsonText),
];

/// What every column type is, for the message that lists them.
const TYPES: &str = "SmallInt, Integer, BigInt, Boolean, Text, Varchar(n), VarcharUnbounded, Char(n), Real, Double, Numeric(p, s), Date, Time, Timestamp, TimestampTz, Binary, Uuid, Json, JsonText, Array(Type), Enum(\"name\"), Custom(\"name\")";

impl Kind for Type {
    type Field = ColumnType;

    const SHAPE: Option<&'static str> = Some("Type");

    fn read<S: Copy>(value: &Value<S>, errors: &mut Vec<SyntaxError<S>>) -> Option<ColumnType> {
        let (name, args): (&str, &[Value<S>]) = match &value.kind {
            ValueKind::Path(_) => (value.path_name()?, &[]),
            ValueKind::Call(Call {
                name,
                args,
                options,
                ..
            }) if options.is_empty() => (name.rsplit("::").next().unwrap_or(name), args),
            _ => {
                errors.push(SyntaxError::non_literal(
                    value.at,
                    "expected a column type such as BigInt or Varchar(255)",
                ));
                return None;
            }
        };
        let simple = SIMPLE_TYPES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| t.clone());
        let ty = match (simple, name, args) {
            (Some(t), _, []) => t,
            (None, "Varchar", [n]) => ColumnType::Varchar(count(n, errors)?),
            (None, "Char", [n]) => ColumnType::Char(count(n, errors)?),
            (None, "Numeric", [p, s]) => {
                let (p, s) = (count(p, errors), count(s, errors));
                ColumnType::Numeric(p?, s?)
            }
            (None, "Array", [element]) => ColumnType::Array(Box::new(Type::read(element, errors)?)),
            (None, "Enum", [name]) => ColumnType::Enum(Name::read(name, errors)?),
            (None, "Custom", [name]) => {
                let name = string(name, errors)?;
                if name.trim().is_empty() {
                    errors.push(SyntaxError::new(
                        value.at,
                        "`Custom(..)` of an empty type name",
                    ));
                }
                ColumnType::Custom(name)
            }
            _ => {
                errors.push(SyntaxError::non_literal(
                    value.at,
                    format!("`{value}` is not a column type; expected one of {TYPES}"),
                ));
                return None;
            }
        };
        match ty {
            ColumnType::Varchar(0) | ColumnType::Char(0) => errors.push(SyntaxError::new(
                value.at,
                "a text column of length 0 cannot hold anything",
            )),
            ColumnType::Numeric(p, s) if p == 0 || s > p => errors.push(SyntaxError::new(
                value.at,
                "Numeric(precision, scale) needs 0 < precision and scale <= precision",
            )),
            _ => {}
        }
        Some(ty)
    }

    fn write(field: &ColumnType) -> Value {
        let sized = |name, args: &[u32]| {
            Value::call(Call::new(name, args.iter().map(Value::int).collect()))
        };
        match field {
            ColumnType::Varchar(n) => sized("Varchar", &[*n]),
            ColumnType::Char(n) => sized("Char", &[*n]),
            ColumnType::Numeric(p, s) => sized("Numeric", &[*p, *s]),
            ColumnType::Array(element) => {
                Value::call(Call::new("Array", vec![Type::write(element)]))
            }
            ColumnType::Enum(name) => {
                Value::call(Call::new("Enum", vec![Value::str(name.clone())]))
            }
            ColumnType::Custom(name) => {
                Value::call(Call::new("Custom", vec![Value::str(name.clone())]))
            }
            simple => Value::path(format!("{simple:?}")),
        }
    }
}

/// A server default: a string, integer, float or bool literal, `now()` or
/// `sql("..")`.
pub struct Default;

const DEFAULT_SHAPES: &str =
    "a default must be a string, integer, float, bool, now() or sql(\"..\")";

impl Kind for Default {
    type Field = DefaultValue;

    const SHAPE: Option<&'static str> = Some("value");

    fn read<S: Copy>(value: &Value<S>, errors: &mut Vec<SyntaxError<S>>) -> Option<DefaultValue> {
        match &value.kind {
            ValueKind::Str(s) => Some(DefaultValue::Str(s.clone())),
            ValueKind::Bool(b) => Some(DefaultValue::Bool(*b)),
            ValueKind::Int(digits) => match digits.parse::<i64>() {
                Ok(n) => Some(DefaultValue::Int(n)),
                Err(e) => {
                    errors.push(SyntaxError::new(
                        value.at,
                        format!("{e}: a default integer must fit in 64 bits"),
                    ));
                    None
                }
            },
            ValueKind::Float(text) => {
                let Ok(x) = text.parse::<f64>() else {
                    errors.push(SyntaxError::new(value.at, "expected a float literal"));
                    return None;
                };
                if !x.is_finite() {
                    errors.push(SyntaxError::new(
                        value.at,
                        "a default float must be a finite number",
                    ));
                }
                // Written back the way the DSL prints an f64, whatever the
                // spelling in the source (`1e3`, `2.50`).
                Some(DefaultValue::Float(float_text(x).into()))
            }
            ValueKind::Call(call) if call.options.is_empty() => {
                match (&*call.name, &call.args[..]) {
                    ("now", []) => Some(DefaultValue::Now),
                    ("sql", [expr]) => {
                        let sql = string(expr, errors)?;
                        if sql.trim().is_empty() {
                            errors.push(SyntaxError::new(
                                expr.at,
                                "`sql(..)` of an empty expression",
                            ));
                        }
                        Some(DefaultValue::Sql(sql))
                    }
                    _ => {
                        errors.push(SyntaxError::non_literal(value.at, DEFAULT_SHAPES));
                        None
                    }
                }
            }
            _ => {
                errors.push(SyntaxError::non_literal(value.at, DEFAULT_SHAPES));
                None
            }
        }
    }

    fn write(field: &DefaultValue) -> Value {
        match field {
            DefaultValue::Str(s) => Value::str(s.clone()),
            DefaultValue::Int(n) => Value::int(n),
            DefaultValue::Float(text) => Value::new(ValueKind::Float(text.clone())),
            DefaultValue::Bool(b) => Bool::write(b),
            DefaultValue::Now => Value::call(Call::new("now", Vec::new())),
            DefaultValue::Sql(s) => Value::call(Call::new("sql", vec![Value::str(s.clone())])),
        }
    }
}

/// The one text of a float default: `{:?}` keeps the `.0` of whole numbers.
pub fn float_text(x: f64) -> String {
    format!("{x:?}")
}

/// A column definition: `column("id", BigInt).primary_key()`.
pub struct ColumnDef;

impl Kind for ColumnDef {
    type Field = model::Column;

    const SHAPE: Option<&'static str> = Some("column(..)");

    fn read<S: Copy>(value: &Value<S>, errors: &mut Vec<SyntaxError<S>>) -> Option<model::Column> {
        match &value.kind {
            ValueKind::Call(call) if call.name == "column" => super::column::read(call, errors),
            _ => {
                errors.push(SyntaxError::non_literal(
                    value.at,
                    "expected a column definition: column(\"name\", Type)",
                ));
                None
            }
        }
    }

    fn write(field: &model::Column) -> Value {
        Value::call(super::column::call(field))
    }
}

/// The columns of a new table: `[column(..), ..]`, at least one.
pub struct Columns;

impl Kind for Columns {
    type Field = List<model::Column>;

    const SHAPE: Option<&'static str> = Some("[column(..), ..]");

    fn read<S: Copy>(
        value: &Value<S>,
        errors: &mut Vec<SyntaxError<S>>,
    ) -> Option<List<model::Column>> {
        non_empty_list::<S, ColumnDef>(
            value,
            errors,
            "expected an array of column(..) definitions",
            "a table needs at least one column",
        )
    }

    fn write(field: &List<model::Column>) -> Value {
        Value::list(field.iter().map(ColumnDef::write))
    }
}

/// The ops of a closure: `|op| { op.add_column(..); }`.
pub struct Body;

impl Kind for Body {
    type Field = List<Op>;

    const SHAPE: Option<&'static str> = Some("|op| { .. }");

    fn read<S: Copy>(value: &Value<S>, errors: &mut Vec<SyntaxError<S>>) -> Option<List<Op>> {
        let ValueKind::Body(calls) = &value.kind else {
            errors.push(SyntaxError::non_literal(
                value.at,
                "`safety_assured` takes a closure written in place",
            ));
            return None;
        };
        let ops: Vec<Option<Op>> = calls.iter().map(|c| super::read_op(c, errors)).collect();
        Some(Cow::Owned(ops.into_iter().collect::<Option<_>>()?))
    }

    fn write(field: &List<Op>) -> Value {
        Value::new(ValueKind::Body(field.iter().map(Op::to_call).collect()))
    }
}
