//! SQL expressions read into the model's values.

use sqlparser::ast::{Expr, Value, ValueWithSpan};

use crate::model::DefaultValue;
use crate::vocabulary::float_text;

/// A column default: a literal as the literal it is, the current time as
/// `now()`, anything else as the SQL expression.
pub(super) fn default(e: &Expr) -> DefaultValue {
    match e {
        Expr::Value(ValueWithSpan { value, .. }) => match value {
            Value::SingleQuotedString(s) => DefaultValue::Str(s.clone().into()),
            Value::Boolean(b) => DefaultValue::Bool(*b),
            Value::Number(n, _) => match n.parse::<i64>() {
                Ok(i) => DefaultValue::Int(i),
                Err(_) => match n.parse::<f64>() {
                    Ok(x) if x.is_finite() && n.contains(['.', 'e', 'E']) => {
                        DefaultValue::Float(float_text(x).into())
                    }
                    _ => DefaultValue::Sql(n.clone().into()),
                },
            },
            _ => DefaultValue::Sql(e.to_string().into()),
        },
        Expr::UnaryOp { op, expr } if op.to_string() == "-" => match default(expr) {
            DefaultValue::Int(i) => DefaultValue::Int(-i),
            DefaultValue::Float(x) => match x.parse::<f64>() {
                Ok(x) => DefaultValue::Float(float_text(-x).into()),
                Err(_) => DefaultValue::Sql(e.to_string().into()),
            },
            _ => DefaultValue::Sql(e.to_string().into()),
        },
        Expr::Nested(inner) => default(inner),
        _ if is_now(e) => DefaultValue::Now,
        _ => DefaultValue::Sql(e.to_string().into()),
    }
}

/// `NULL` (maybe in parentheses): as a default, no default at all, which is
/// how PostgreSQL and MySQL store it (nothing to read back).
pub(super) fn is_null(e: &Expr) -> bool {
    match e {
        Expr::Value(ValueWithSpan {
            value: Value::Null, ..
        }) => true,
        Expr::Nested(inner) => is_null(inner),
        _ => false,
    }
}

/// `now()`, `CURRENT_TIMESTAMP`, `current_timestamp()`.
fn is_now(e: &Expr) -> bool {
    let text = e.to_string().to_ascii_lowercase();
    matches!(
        text.as_str(),
        "now()" | "current_timestamp" | "current_timestamp()"
    )
}
