//! Comparing two schemas: what the downgrade check and `verify` report.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use super::{ColumnState, Schema, Table};
use crate::model::{ColumnType, DefaultValue, Generated};

impl Schema {
    /// The first difference between two schemas, in words, ignoring the
    /// deprecation marks (they record intent, not schema). `None` if equal.
    pub fn first_difference(&self, other: &Schema) -> Option<String> {
        self.differences(other)
            .into_iter()
            .next()
            .map(|d| d.to_string())
    }

    /// Every difference between `self` (expected) and `other` (found), table
    /// by table in name order, ignoring the deprecation marks.
    pub fn differences(&self, other: &Schema) -> Vec<Difference> {
        use std::cmp::Ordering;
        // Both maps are sorted by name: walk them side by side, so that a
        // table shared by both copies costs one comparison of names. The
        // checker compares whole schemas once per migration.
        let mut out = Vec::new();
        let mut extra = Vec::new();
        let mut a = self.tables.iter().peekable();
        let mut b = other.tables.iter().peekable();
        loop {
            let order = match (a.peek(), b.peek()) {
                (None, None) => break,
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (Some((x, _)), Some((y, _))) => x.cmp(y),
            };
            match order {
                Ordering::Less => out.extend(a.next().map(|(name, _)| Difference::MissingTable {
                    table: name.clone(),
                })),
                Ordering::Greater => extra.extend(b.next().map(|(name, _)| name.clone())),
                Ordering::Equal => {
                    if let (Some((name, x)), Some((_, y))) = (a.next(), b.next()) {
                        // Shared by both copies: nothing changed it in between.
                        if !Arc::ptr_eq(x, y) {
                            x.differences(y, name, &mut out);
                        }
                    }
                }
            }
        }
        // As before the walk: each table of `self` in order, then the extra ones.
        out.extend(
            extra
                .into_iter()
                .map(|table| Difference::ExtraTable { table }),
        );
        // Then the enum types.
        for (name, a, b) in by_name(&self.enums, &other.enums) {
            let name = name.clone();
            out.extend(match (a, b) {
                (_, None) => Some(Difference::MissingEnum { name }),
                (None, _) => Some(Difference::ExtraEnum { name }),
                (Some(a), Some(b)) if a != b => Some(Difference::EnumValues {
                    name,
                    expected: a.clone(),
                    found: b.clone(),
                }),
                _ => None,
            });
        }
        // Then the views, with the indexes of the materialized ones.
        for (name, a, b) in by_name(&self.views, &other.views) {
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
                    if a.materialized != b.materialized || !same_sql(&a.query, &b.query) {
                        out.push(Difference::ViewDefinition {
                            name: name.clone(),
                            expected: a.query.clone(),
                            found: b.query.clone(),
                        });
                    }
                    let as_table = |v: &super::View| Table {
                        indexes: v.indexes.clone(),
                        ..Table::default()
                    };
                    as_table(a).differences(&as_table(b), name, &mut out);
                }
                (None, None) => {}
            }
        }
        out
    }
}

/// Whether two pieces of SQL say the same once white space and comments
/// are set aside and words compared in any case.
pub(crate) fn same_sql(a: &str, b: &str) -> bool {
    use crate::sql_text::{tokens, Syntax, TokenKind};
    let words = |s: &'_ str| -> Vec<String> {
        tokens(s, Syntax::Postgres)
            .filter(|t| !t.is_trivia() && t.text != ";")
            .map(|t| match t.kind {
                TokenKind::Word => t.text.to_ascii_lowercase(),
                _ => t.text.to_string(),
            })
            .collect()
    };
    words(a) == words(b)
}

/// How the database numbers a column's values, if it does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Numbering {
    /// It does not.
    Plain,
    /// An identity column (`GENERATED BY DEFAULT AS IDENTITY`, `AUTO_INCREMENT`).
    Identity,
    /// PostgreSQL's SERIAL: a sequence owned by the column, and its `nextval` default.
    Serial,
}

impl Numbering {
    /// How `c` is numbered.
    pub fn of(c: &ColumnState) -> Numbering {
        match (c.autoincrement, c.serial) {
            (false, _) => Numbering::Plain,
            (true, false) => Numbering::Identity,
            (true, true) => Numbering::Serial,
        }
    }
}

impl fmt::Display for Numbering {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Numbering::Plain => "a plain column",
            Numbering::Identity => "an identity column",
            Numbering::Serial => "a serial column",
        })
    }
}

/// A column's generated value, in words.
pub(crate) fn generation(g: Option<&Generated>) -> String {
    match g {
        None => "no generated value".into(),
        Some(g) => format!(
            "the {} generated value `{}`",
            if g.stored { "stored" } else { "virtual" },
            g.expr
        ),
    }
}

/// One way two schemas differ: what was expected (`self` of
/// [`Schema::differences`]) against what was found.
#[derive(Clone, Debug, PartialEq)]
pub enum Difference {
    /// A table expected but not found.
    MissingTable {
        /// Table name.
        table: String,
    },
    /// A table found but not expected.
    ExtraTable {
        /// Table name.
        table: String,
    },
    /// A column expected but not found.
    MissingColumn {
        /// Table name.
        table: String,
        /// Column name.
        column: String,
    },
    /// A column found but not expected.
    ExtraColumn {
        /// Table name.
        table: String,
        /// Column name.
        column: String,
    },
    /// A column of another type.
    ColumnType {
        /// Table name.
        table: String,
        /// Column name.
        column: String,
        /// The type expected.
        expected: ColumnType,
        /// The type found.
        found: ColumnType,
    },
    /// A column that is nullable where NOT NULL was expected, or the reverse.
    ColumnNullability {
        /// Table name.
        table: String,
        /// Column name.
        column: String,
        /// Whether NULL was expected to be allowed.
        expected: bool,
    },
    /// A column with another server default.
    ColumnDefault {
        /// Table name.
        table: String,
        /// Column name.
        column: String,
        /// The default expected.
        expected: Option<DefaultValue>,
        /// The default found.
        found: Option<DefaultValue>,
    },
    /// A column generated from another expression, stored otherwise, or
    /// generated where a plain column was expected (or the reverse).
    ColumnGenerated {
        /// Table name.
        table: String,
        /// Column name.
        column: String,
        /// How it was expected to be generated.
        expected: Option<Generated>,
        /// How it is.
        found: Option<Generated>,
    },
    /// A column numbered otherwise by the database: identity, serial, or not.
    ColumnNumbering {
        /// Table name.
        table: String,
        /// Column name.
        column: String,
        /// The numbering expected.
        expected: Numbering,
        /// The numbering found.
        found: Numbering,
    },
    /// The same columns in another order.
    ColumnOrder {
        /// Table name.
        table: String,
        /// The order expected.
        expected: Vec<String>,
        /// The order found.
        found: Vec<String>,
    },
    /// An index expected but not found.
    MissingIndex {
        /// Table name.
        table: String,
        /// Index name.
        index: String,
    },
    /// An index found but not expected.
    ExtraIndex {
        /// Table name.
        table: String,
        /// Index name.
        index: String,
    },
    /// An index of the expected name with other keys, uniqueness, method,
    /// included columns or predicate.
    IndexDefinition {
        /// Table name.
        table: String,
        /// Index name.
        index: String,
    },
    /// A constraint expected but not found.
    MissingConstraint {
        /// Table name.
        table: String,
        /// Constraint name.
        name: String,
    },
    /// A constraint found but not expected.
    ExtraConstraint {
        /// Table name.
        table: String,
        /// Constraint name.
        name: String,
    },
    /// A constraint of the expected name that enforces something else.
    ConstraintDefinition {
        /// Table name.
        table: String,
        /// Constraint name.
        name: String,
    },
    /// A constraint that is NOT VALID where validated was expected, or the reverse.
    ConstraintValidity {
        /// Table name.
        table: String,
        /// Constraint name.
        name: String,
        /// Whether it was expected to be validated.
        expected: bool,
    },
    /// A view or materialized view expected but not found.
    MissingView {
        /// View name.
        name: String,
        /// A materialized view.
        materialized: bool,
    },
    /// A view or materialized view found but not expected.
    ExtraView {
        /// View name.
        name: String,
        /// A materialized view.
        materialized: bool,
    },
    /// A view of the expected name with another query (white space and
    /// comments aside), or of the other kind.
    ViewDefinition {
        /// View name.
        name: String,
        /// The query expected.
        expected: String,
        /// The query found.
        found: String,
    },
    /// An enum type expected but not found.
    MissingEnum {
        /// Type name.
        name: String,
    },
    /// An enum type found but not expected.
    ExtraEnum {
        /// Type name.
        name: String,
    },
    /// An enum type with other values, or in another order.
    EnumValues {
        /// Type name.
        name: String,
        /// The values expected, in order.
        expected: Vec<String>,
        /// The values found, in order.
        found: Vec<String>,
    },
}

impl Difference {
    /// What differs: the table, column, index or constraint, in words.
    fn subject(&self) -> String {
        use Difference::*;
        match self {
            MissingTable { table } | ExtraTable { table } => format!("table `{table}`"),
            MissingColumn { table, column }
            | ExtraColumn { table, column }
            | ColumnType { table, column, .. }
            | ColumnNullability { table, column, .. }
            | ColumnDefault { table, column, .. }
            | ColumnGenerated { table, column, .. }
            | ColumnNumbering { table, column, .. } => format!("column `{table}.{column}`"),
            ColumnOrder { table, .. } => format!("the columns of `{table}`"),
            MissingIndex { table, index }
            | ExtraIndex { table, index }
            | IndexDefinition { table, index } => format!("index `{index}` on `{table}`"),
            MissingConstraint { table, name }
            | ExtraConstraint { table, name }
            | ConstraintDefinition { table, name }
            | ConstraintValidity { table, name, .. } => {
                format!("constraint `{name}` on `{table}`")
            }
            MissingEnum { name } | ExtraEnum { name } | EnumValues { name, .. } => {
                format!("enum type `{name}`")
            }
            MissingView { name, materialized } | ExtraView { name, materialized } => {
                format!("{} `{name}`", view_kind(*materialized))
            }
            ViewDefinition { name, .. } => format!("view `{name}`"),
        }
    }
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Difference::*;
        let nullability = |n: bool| if n { "nullable" } else { "NOT NULL" };
        let default = |d: &Option<DefaultValue>| {
            d.as_ref()
                .map_or("no default".to_string(), |d| format!("default {d}"))
        };
        let validity = |v: bool| if v { "validated" } else { "NOT VALID" };
        write!(f, "{} ", self.subject())?;
        match self {
            MissingTable { .. }
            | MissingColumn { .. }
            | MissingIndex { .. }
            | MissingConstraint { .. }
            | MissingEnum { .. }
            | MissingView { .. } => f.write_str("is missing"),
            ExtraTable { .. }
            | ExtraColumn { .. }
            | ExtraIndex { .. }
            | ExtraConstraint { .. }
            | ExtraEnum { .. }
            | ExtraView { .. } => f.write_str("is left over"),
            ViewDefinition {
                expected, found, ..
            } => write!(f, "shows `{found}` instead of `{expected}`"),
            ColumnGenerated {
                expected, found, ..
            } => write!(
                f,
                "has {} instead of {}",
                generation(found.as_ref()),
                generation(expected.as_ref())
            ),
            ColumnNumbering {
                expected, found, ..
            } => write!(f, "is {found} instead of {expected}"),
            EnumValues {
                expected, found, ..
            } => write!(
                f,
                "has the values {} instead of {}",
                found.join(", "),
                expected.join(", ")
            ),
            IndexDefinition { .. } | ConstraintDefinition { .. } => {
                f.write_str("is defined differently")
            }
            ColumnType {
                expected, found, ..
            } => write!(f, "has type {found} instead of {expected}"),
            ColumnNullability { expected, .. } => write!(
                f,
                "is {} instead of {}",
                nullability(!expected),
                nullability(*expected)
            ),
            ColumnDefault {
                expected, found, ..
            } => write!(f, "has {} instead of {}", default(found), default(expected)),
            ColumnOrder {
                expected, found, ..
            } => write!(
                f,
                "are in another order: {} instead of {}",
                found.join(", "),
                expected.join(", ")
            ),
            ConstraintValidity { expected, .. } => write!(
                f,
                "is {} instead of {}",
                validity(!expected),
                validity(*expected)
            ),
        }
    }
}

impl Table {
    fn differences(&self, other: &Table, table: &str, out: &mut Vec<Difference>) {
        let t = || table.to_string();
        for a in &self.columns {
            let column = || a.name.clone();
            let Some(b) = other.column(&a.name) else {
                out.push(Difference::MissingColumn {
                    table: t(),
                    column: column(),
                });
                continue;
            };
            if a.ty != b.ty {
                out.push(Difference::ColumnType {
                    table: t(),
                    column: column(),
                    expected: a.ty.clone(),
                    found: b.ty.clone(),
                });
            }
            if a.nullable != b.nullable {
                out.push(Difference::ColumnNullability {
                    table: t(),
                    column: column(),
                    expected: a.nullable,
                });
            }
            if a.default != b.default {
                out.push(Difference::ColumnDefault {
                    table: t(),
                    column: column(),
                    expected: a.default.clone(),
                    found: b.default.clone(),
                });
            }
            column_generation(a, b, t(), out);
        }
        for c in &other.columns {
            if self.column(&c.name).is_none() {
                out.push(Difference::ExtraColumn {
                    table: t(),
                    column: c.name.clone(),
                });
            }
        }
        let (mine, theirs): (Vec<String>, Vec<String>) = (
            self.columns.iter().map(|c| c.name.clone()).collect(),
            other.columns.iter().map(|c| c.name.clone()).collect(),
        );
        let same_set = mine.len() == theirs.len() && mine.iter().all(|c| theirs.contains(c));
        if same_set && mine != theirs {
            out.push(Difference::ColumnOrder {
                table: t(),
                expected: mine,
                found: theirs,
            });
        }
        for (name, a, b) in by_name(&self.indexes, &other.indexes) {
            let index = name.clone();
            out.extend(match (a, b) {
                (_, None) => Some(Difference::MissingIndex { table: t(), index }),
                (None, _) => Some(Difference::ExtraIndex { table: t(), index }),
                (Some(a), Some(b)) if a != b => {
                    Some(Difference::IndexDefinition { table: t(), index })
                }
                _ => None,
            });
        }
        for (name, a, b) in by_name(&self.constraints, &other.constraints) {
            let name = name.clone();
            out.extend(match (a, b) {
                (_, None) => Some(Difference::MissingConstraint { table: t(), name }),
                (None, _) => Some(Difference::ExtraConstraint { table: t(), name }),
                (Some(a), Some(b)) if a.kind != b.kind => {
                    Some(Difference::ConstraintDefinition { table: t(), name })
                }
                (Some(a), Some(b)) if a.valid != b.valid => Some(Difference::ConstraintValidity {
                    table: t(),
                    name,
                    expected: a.valid,
                }),
                _ => None,
            });
        }
    }
}

/// `"view"` or `"materialized view"`.
pub(crate) fn view_kind(materialized: bool) -> &'static str {
    if materialized {
        "materialized view"
    } else {
        "view"
    }
}

/// The names of two maps with what each holds under them: every name of
/// `expected` in order, then those only `found` has.
fn by_name<'m, V>(
    expected: &'m BTreeMap<String, V>,
    found: &'m BTreeMap<String, V>,
) -> impl Iterator<Item = (&'m String, Option<&'m V>, Option<&'m V>)> {
    let extra = found
        .iter()
        .filter(|(name, _)| !expected.contains_key(*name))
        .map(|(name, b)| (name, None, Some(b)));
    expected
        .iter()
        .map(|(name, a)| (name, Some(a), found.get(name)))
        .chain(extra)
}

/// How two columns of the same name are generated or numbered, where that differs.
fn column_generation(a: &ColumnState, b: &ColumnState, table: String, out: &mut Vec<Difference>) {
    if a.generated != b.generated {
        out.push(Difference::ColumnGenerated {
            table: table.clone(),
            column: a.name.clone(),
            expected: a.generated.clone(),
            found: b.generated.clone(),
        });
    }
    let (expected, found) = (Numbering::of(a), Numbering::of(b));
    if expected != found {
        out.push(Difference::ColumnNumbering {
            table,
            column: a.name.clone(),
            expected,
            found,
        });
    }
}
