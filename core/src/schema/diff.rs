//! Comparing two schemas: what the downgrade check and `verify` report.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use super::{Schema, Table};
use crate::model::{ColumnType, DefaultValue};

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
        out
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
            | ColumnDefault { table, column, .. } => format!("column `{table}.{column}`"),
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
            | MissingConstraint { .. } => f.write_str("is missing"),
            ExtraTable { .. } | ExtraColumn { .. } | ExtraIndex { .. } | ExtraConstraint { .. } => {
                f.write_str("is left over")
            }
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
