//! The `unknown-constraint` and `unknown-index` errors, which say where a
//! name is when it is the other kind's or another table's; `unknown-table`,
//! `unknown-column`, and the names no backend lets godwit create.

use super::ReplayError;
use crate::diagnostic::Rule;
use crate::model::Op;
use crate::schema::Schema;

/// What holds a name that an op looked for elsewhere.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Holder {
    Index,
    Constraint,
}

impl Schema {
    /// The table (`table` itself first) with an index or a constraint of
    /// this name, and which of the two it is.
    fn holder(&self, table: &str, name: &str) -> Option<(&str, Holder)> {
        let own = self.tables.get_key_value(table);
        let others = self.tables.iter().filter(|(t, _)| *t != table);
        own.into_iter().chain(others).find_map(|(t, tb)| {
            if tb.indexes.contains_key(name) {
                Some((t.as_str(), Holder::Index))
            } else if tb.constraints.contains_key(name) {
                Some((t.as_str(), Holder::Constraint))
            } else {
                None
            }
        })
    }

    /// `unknown-constraint`, saying where the name is when it is an index's
    /// or another table's constraint.
    pub(super) fn unknown_constraint(&self, op: &Op, table: &str, name: &str) -> ReplayError {
        let mut e = ReplayError::new(
            Rule::UnknownConstraint,
            format!(
                "constraint `{name}` does not exist on table `{table}` at this point of the history"
            ),
        );
        let validate = matches!(op, Op::ValidateConstraint { .. });
        match self.holder(table, name) {
            Some((t, Holder::Index)) => {
                e.message += &format!("; `{name}` is an index of `{t}`");
                e.advice = Some(if validate {
                    "remove this op: an index is ready once its create_index has run; only a constraint added with .not_valid() is validated".into()
                } else {
                    format!("drop an index with op.drop_index(\"{name}\", \"{t}\")").into()
                });
            }
            Some((t, Holder::Constraint)) => {
                e.message += &format!("; `{name}` is a constraint of `{t}`");
                e.advice =
                    Some(format!("name its table: op.{}(\"{name}\", \"{t}\")", op.method()).into());
            }
            None => {}
        }
        e
    }

    /// `unknown-index`, saying where the name is when it is a constraint's
    /// or another table's index.
    pub(super) fn unknown_index(&self, table: &str, name: &str) -> ReplayError {
        let mut e = ReplayError::new(
            Rule::UnknownIndex,
            format!(
                "index `{name}` does not exist on table `{table}` at this point of the history"
            ),
        );
        match self.holder(table, name) {
            Some((t, Holder::Constraint)) => {
                e.message += &format!("; `{name}` is a constraint of `{t}`");
                e.advice = Some(
                    format!("drop a constraint with op.drop_constraint(\"{name}\", \"{t}\")")
                        .into(),
                );
            }
            Some((t, Holder::Index)) => {
                e.message += &format!("; `{name}` is an index of `{t}`");
                e.advice =
                    Some(format!("name its table: op.drop_index(\"{name}\", \"{t}\")").into());
            }
            None => {}
        }
        e
    }
}

/// `unknown-table`.
pub(super) fn unknown_table(name: &str) -> ReplayError {
    ReplayError::new(
        Rule::UnknownTable,
        format!("table `{name}` does not exist at this point of the history"),
    )
}

/// `unknown-column`.
pub(super) fn unknown_column(table: &str, column: &str) -> ReplayError {
    ReplayError::new(
        Rule::UnknownColumn,
        format!("column `{table}.{column}` does not exist at this point of the history"),
    )
}

/// A table or index name no backend lets godwit create (`invalid-identifier`).
pub(super) fn reserved(name: &str) -> Result<(), ReplayError> {
    match crate::validate::reserved_object_name(name) {
        Some(why) => Err(ReplayError {
            advice: Some("pick another name: this one belongs to SQLite's own objects or to a migration tool's version table".into()),
            ..ReplayError::new(Rule::InvalidIdentifier, why)
        }),
        None => Ok(()),
    }
}
