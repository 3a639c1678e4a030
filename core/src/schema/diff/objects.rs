//! The differences of objects whose body is SQL: views and materialized
//! views (with their indexes), functions, extensions, and the comments and
//! triggers of a table.
//! Bodies are compared with white space, comments and the case of words set
//! aside ([`same_sql`]); a view selecting `*` by the relations it reads.

use super::{by_name, Difference};
use crate::schema::{Schema, Table, View};

/// The views' and functions' differences of two schemas, in name order.
pub(super) fn differences(expected: &Schema, found: &Schema, out: &mut Vec<Difference>) {
    for (name, a, b) in by_name(&expected.views, &found.views) {
        match (a, b) {
            (Some(a), None) => out.push(Difference::MissingView {
                name: name.clone(),
                materialized: a.materialized,
            }),
            (None, Some(b)) => out.push(Difference::ExtraView {
                name: name.clone(),
                materialized: b.materialized,
            }),
            (Some(a), Some(b)) => {
                if a.materialized != b.materialized || !same_view_query(a, b) {
                    out.push(Difference::ViewDefinition {
                        name: name.clone(),
                        expected: a.query.clone(),
                        found: b.query.clone(),
                    });
                }
                let as_table = |v: &View| Table {
                    indexes: v.indexes.clone(),
                    ..Table::default()
                };
                as_table(a).differences(&as_table(b), name, out);
            }
            (None, None) => {}
        }
    }
    for (_, a, b) in by_name(&expected.functions, &found.functions) {
        match (a, b) {
            (Some(a), None) => out.push(Difference::MissingFunction {
                signature: a.signature.clone(),
            }),
            (None, Some(b)) => out.push(Difference::ExtraFunction {
                signature: b.signature.clone(),
            }),
            (Some(a), Some(b)) if !same_sql(&a.definition, &b.definition) => {
                out.push(Difference::FunctionDefinition {
                    signature: a.signature.clone(),
                    expected: a.definition.clone(),
                    found: b.definition.clone(),
                })
            }
            _ => {}
        }
    }
    extension_differences(expected, found, out);
}

/// The extensions' differences of two schemas.
fn extension_differences(expected: &Schema, found: &Schema, out: &mut Vec<Difference>) {
    let missing = expected.extensions.difference(&found.extensions);
    out.extend(missing.map(|name| Difference::MissingExtension { name: name.clone() }));
    let extra = found.extensions.difference(&expected.extensions);
    out.extend(extra.map(|name| Difference::ExtraExtension { name: name.clone() }));
}

/// The comments' and triggers' differences of two versions of the table
/// `table`.
pub(super) fn trigger_differences(a: &Table, b: &Table, table: &str, out: &mut Vec<Difference>) {
    if a.comment != b.comment {
        out.push(Difference::TableComment {
            table: table.to_string(),
            expected: a.comment.clone(),
            found: b.comment.clone(),
        });
    }
    for (column, x, y) in by_name(&a.column_comments, &b.column_comments) {
        if x != y {
            out.push(Difference::ColumnComment {
                table: table.to_string(),
                column: column.clone(),
                expected: x.cloned(),
                found: y.cloned(),
            });
        }
    }
    for (constraint, x, y) in by_name(&a.constraint_comments, &b.constraint_comments) {
        if x != y {
            out.push(Difference::ConstraintComment {
                table: table.to_string(),
                constraint: constraint.clone(),
                expected: x.cloned(),
                found: y.cloned(),
            });
        }
    }
    for (name, x, y) in by_name(&a.triggers, &b.triggers) {
        let (table, trigger) = (table.to_string(), name.clone());
        match (x, y) {
            (_, None) => out.push(Difference::MissingTrigger { table, trigger }),
            (None, _) => out.push(Difference::ExtraTrigger { table, trigger }),
            (Some(x), Some(y))
                if !same_sql(&x.timing, &y.timing) || !same_trigger_body(&x.body, &y.body) =>
            {
                out.push(Difference::TriggerDefinition { table, trigger })
            }
            _ => {}
        }
    }
}

/// Whether two pieces of SQL say the same once white space and comments
/// are set aside and words compared in any case.
/// Whether two views show the same query. A query that selects `*` or
/// `t.*` stands for the columns its tables had when it was created (the
/// database stores them spelled out), which a downgrade often writes out
/// by hand: such a view is compared by the relations it reads.
fn same_view_query(a: &View, b: &View) -> bool {
    if same_sql(&a.query, &b.query) {
        return true;
    }
    let stars = |q: &str| {
        use crate::sql_text::{tokens, Syntax};
        let t: Vec<_> = tokens(q, Syntax::Postgres)
            .filter(|t| !t.is_trivia())
            .collect();
        t.windows(2).any(|w| {
            w[1].text == "*"
                && (w[0].text == "."
                    || w[0].text == ","
                    || w[0].text.eq_ignore_ascii_case("select"))
        })
    };
    // Unknown on both sides (a query read no further): nothing to tell apart.
    (stars(&a.query) || stars(&b.query)) && a.reads == b.reads
}

pub(crate) fn same_sql(a: &str, b: &str) -> bool {
    sql_words(a) == sql_words(b)
}

/// [`same_sql`] for a trigger's body: `EXECUTE PROCEDURE` is PostgreSQL's
/// older spelling of `EXECUTE FUNCTION`, the same trigger.
fn same_trigger_body(a: &str, b: &str) -> bool {
    let words = |s: &str| {
        let mut w = sql_words(s);
        for i in 1..w.len() {
            if w[i - 1] == "execute" && w[i] == "procedure" {
                w[i] = "function".into();
            }
        }
        w
    };
    words(a) == words(b)
}

/// The tokens of SQL, comments, white space and `;` aside, words in lower
/// case.
fn sql_words(s: &str) -> Vec<String> {
    use crate::sql_text::{tokens, Syntax, TokenKind};
    tokens(s, Syntax::Postgres)
        .filter(|t| !t.is_trivia() && t.text != ";")
        .map(|t| match t.kind {
            TokenKind::Word => t.text.to_ascii_lowercase(),
            _ => t.text.to_string(),
        })
        .collect()
}

/// `"view"` or `"materialized view"`.
pub(crate) fn view_kind(materialized: bool) -> &'static str {
    if materialized {
        "materialized view"
    } else {
        "view"
    }
}
