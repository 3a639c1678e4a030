//! `downgrade-mismatch`: `downgrade` does not restore the schema `upgrade`
//! started from.
//!
//! The upgrade is replayed on the schema before the migration, the downgrade
//! on the result, and what the downgrade leaves is compared with where the
//! upgrade started: tables, columns with type, nullability, default,
//! generated value and numbering (identity or serial), indexes, constraints
//! and their validity, enum types with their values in order, views and
//! materialized views with their queries (white space, comments and the
//! case of words aside) and indexes, functions with their definitions, extensions, comments, and
//! triggers with their timing and body (compared alike). Not compared: the deprecation
//! marks (they record intent, not schema) and the order of columns (a column
//! added back lands at the end on every backend, and nothing godwit or Diesel
//! does depends on the order).
//!
//! The message names every difference, the first in its first line and each
//! other one on a line of its own (`also: ..`), and for each which body is at
//! fault: the upgrade changed something the downgrade never changes back, or
//! the downgrade changed something the upgrade never touched. Migrations marked
//! `irreversible = ".."` have no downgrade and are not checked. A table the
//! migration's own raw SQL changed out of the model's sight (`opaque-sql`)
//! is not compared: the model does not know what the database holds there.

use super::Finding;
use crate::diagnostic::Rule;
use crate::schema::{
    comment, generation, signature_key, view_kind, ColumnState, Difference, Numbering, Schema,
};

const HELP: &str = "make `downgrade` undo every op of `upgrade`, in reverse order; if the migration cannot be undone, say irreversible = \"why\" in #[migration(..)] and remove `fn downgrade`";

/// The differences, if any, between the schema before the upgrade and what
/// the downgrade restores, as one finding: the first difference, then each
/// other one on a line of its own. `after` is the schema after the upgrade.
pub(super) fn check(before: &Schema, after: &Schema, restored: &Schema) -> Option<Finding> {
    let described: Vec<String> = before
        .differences(restored)
        .iter()
        .filter(|d| !matches!(d, Difference::ColumnOrder { .. }))
        // On a table that raw SQL of this migration changed in a way the
        // model does not follow (already `opaque-sql`), what the model
        // shows is not what the database will hold.
        .filter(|d| {
            table_of(d).is_none_or(|t| {
                let count = |s: &Schema| s.unfollowed.get(t).copied();
                count(before) == count(restored)
            })
        })
        .map(|d| describe(d, after))
        .collect();
    let (first, more) = described.split_first()?;
    let mut message = first.clone();
    for m in more {
        message.push_str("\nalso: ");
        message.push_str(m);
    }
    Some(Finding::new(Rule::DowngradeMismatch, message, HELP))
}

fn column<'s>(schema: &'s Schema, table: &str, column: &str) -> Option<&'s ColumnState> {
    schema.tables.get(table).and_then(|t| t.column(column))
}

fn nullability(nullable: bool) -> &'static str {
    if nullable {
        "nullable"
    } else {
        "NOT NULL"
    }
}

fn default(d: Option<&crate::model::DefaultValue>) -> String {
    d.map_or("none".to_string(), |d| d.to_string())
}

/// Something the downgrade leaves other than it was before the upgrade:
/// the upgrade's fault when it changed it (`upgraded`, the value after the
/// upgrade, differs from `before`), else the downgrade's.
fn changed(what: &str, before: String, upgraded: Option<String>, restored: String) -> String {
    match upgraded {
        Some(upgraded) if upgraded != before => format!(
            "upgrade changes {what} from {before} to {upgraded}; downgrade leaves {restored}"
        ),
        _ => format!("downgrade changes {what} to {restored}; it was {before} before the upgrade"),
    }
}

/// The difference in words, blaming the body that caused it.
fn describe(d: &Difference, after: &Schema) -> String {
    let has_table = |s: &Schema, t: &str| s.tables.contains_key(t);
    let has_index =
        |s: &Schema, t: &str, i: &str| s.indexes_of(t).is_some_and(|x| x.contains_key(i));
    let has_function = |s: &Schema, sig: &str| s.functions.contains_key(&signature_key(sig));
    let has_trigger =
        |s: &Schema, t: &str, n: &str| s.tables.get(t).is_some_and(|t| t.triggers.contains_key(n));
    let constraint =
        |s: &Schema, t: &str, c: &str| s.tables.get(t).and_then(|t| t.constraints.get(c)).cloned();
    match d {
        Difference::MissingTable { table } => {
            if has_table(after, table) {
                format!("downgrade drops table `{table}`, which existed before the upgrade")
            } else {
                format!("upgrade drops or renames table `{table}`; downgrade never restores it")
            }
        }
        Difference::ExtraTable { table } => {
            if has_table(after, table) {
                format!("upgrade creates table `{table}`; downgrade never drops it")
            } else {
                format!("downgrade creates table `{table}`, which did not exist before the upgrade")
            }
        }
        Difference::MissingColumn { table, column: c } => {
            if column(after, table, c).is_some() {
                format!("downgrade drops column `{table}.{c}`, which existed before the upgrade")
            } else {
                format!("upgrade drops or renames column `{table}.{c}`; downgrade never adds it back")
            }
        }
        Difference::ExtraColumn { table, column: c } => {
            if column(after, table, c).is_some() {
                format!("upgrade adds column `{table}.{c}`; downgrade never drops it")
            } else {
                format!("downgrade adds column `{table}.{c}`, which did not exist before the upgrade")
            }
        }
        Difference::ColumnType {
            table,
            column: c,
            expected,
            found,
        } => changed(
            &format!("the type of `{table}.{c}`"),
            expected.to_string(),
            column(after, table, c).map(|a| a.ty.to_string()),
            found.to_string(),
        ),
        Difference::ColumnNullability {
            table,
            column: c,
            expected,
        } => changed(
            &format!("`{table}.{c}`"),
            nullability(*expected).into(),
            column(after, table, c).map(|a| nullability(a.nullable).into()),
            nullability(!expected).into(),
        ),
        Difference::ColumnDefault {
            table,
            column: c,
            expected,
            found,
        } => changed(
            &format!("the default of `{table}.{c}`"),
            default(expected.as_ref()),
            column(after, table, c).map(|a| default(a.default.as_ref())),
            default(found.as_ref()),
        ),
        Difference::MissingIndex { table, index } => {
            if has_index(after, table, index) {
                format!("downgrade drops index `{index}` on `{table}`, which existed before the upgrade")
            } else {
                format!("upgrade drops index `{index}` on `{table}`; downgrade never recreates it")
            }
        }
        Difference::ExtraIndex { table, index } => {
            if has_index(after, table, index) {
                format!("upgrade creates index `{index}` on `{table}`; downgrade never drops it")
            } else {
                format!("downgrade creates index `{index}` on `{table}`, which did not exist before the upgrade")
            }
        }
        Difference::IndexDefinition { table, index } => format!(
            "downgrade recreates index `{index}` on `{table}` with other keys, uniqueness, method, included columns or predicate than it had before the upgrade"
        ),
        Difference::MissingConstraint { table, name } => {
            if constraint(after, table, name).is_some() {
                format!("downgrade drops constraint `{name}` on `{table}`, which existed before the upgrade")
            } else {
                format!("upgrade drops constraint `{name}` on `{table}`; downgrade never recreates it")
            }
        }
        Difference::ExtraConstraint { table, name } => {
            if constraint(after, table, name).is_some() {
                format!("upgrade adds constraint `{name}` on `{table}`; downgrade never drops it")
            } else {
                format!("downgrade adds constraint `{name}` on `{table}`, which did not exist before the upgrade")
            }
        }
        Difference::ConstraintDefinition { table, name } => format!(
            "downgrade recreates constraint `{name}` on `{table}` differently from what it was before the upgrade"
        ),
        Difference::ConstraintValidity {
            table,
            name,
            expected,
        } => {
            let validity = |v: bool| if v { "validated" } else { "NOT VALID" }.to_string();
            changed(
                &format!("constraint `{name}` on `{table}`"),
                validity(*expected),
                constraint(after, table, name).map(|c| validity(c.valid)),
                validity(!expected),
            )
        }
        Difference::ColumnGenerated {
            table,
            column: c,
            expected,
            found,
        } => {
            let upgraded = column(after, table, c).map(|a| generation(a.generated.as_ref()));
            let what = format!("the generated value of `{table}.{c}`");
            changed(&what, generation(expected.as_ref()), upgraded, generation(found.as_ref()))
        }
        Difference::ColumnNumbering {
            table,
            column: c,
            expected,
            found,
        } => {
            let upgraded = column(after, table, c).map(|a| Numbering::of(a).to_string());
            changed(&format!("`{table}.{c}`"), expected.to_string(), upgraded, found.to_string())
        }
        Difference::MissingEnum { name } => {
            if after.enums.contains_key(name) {
                format!("downgrade drops enum type `{name}`, which existed before the upgrade")
            } else {
                format!("upgrade drops enum type `{name}`; downgrade never recreates it")
            }
        }
        Difference::ExtraEnum { name } => {
            if after.enums.contains_key(name) {
                format!("upgrade creates enum type `{name}`; downgrade never drops it")
            } else {
                format!("downgrade creates enum type `{name}`, which did not exist before the upgrade")
            }
        }
        Difference::EnumValues {
            name,
            expected,
            found,
        } => changed(
            &format!("the values of enum type `{name}`"),
            expected.join(", "),
            after.enums.get(name).map(|v| v.join(", ")),
            found.join(", "),
        ),
        Difference::MissingView { name, materialized } => {
            let kind = view_kind(*materialized);
            if after.views.contains_key(name) {
                format!("downgrade drops {kind} `{name}`, which existed before the upgrade")
            } else {
                format!("upgrade drops {kind} `{name}`; downgrade never recreates it")
            }
        }
        Difference::ExtraView { name, materialized } => {
            let kind = view_kind(*materialized);
            if after.views.contains_key(name) {
                format!("upgrade creates {kind} `{name}`; downgrade never drops it")
            } else {
                format!("downgrade creates {kind} `{name}`, which did not exist before the upgrade")
            }
        }
        Difference::ViewDefinition {
            name,
            expected,
            found,
        } => changed(
            &format!("the query of view `{name}`"),
            format!("`{expected}`"),
            after.views.get(name).map(|v| format!("`{}`", v.query)),
            format!("`{found}`"),
        ),
        Difference::MissingFunction { signature } => {
            if has_function(after, signature) {
                format!("downgrade drops function `{signature}`, which existed before the upgrade")
            } else {
                format!("upgrade drops function `{signature}`; downgrade never recreates it")
            }
        }
        Difference::ExtraFunction { signature } => {
            if has_function(after, signature) {
                format!("upgrade creates function `{signature}`; downgrade never drops it")
            } else {
                format!("downgrade creates function `{signature}`, which did not exist before the upgrade")
            }
        }
        Difference::FunctionDefinition {
            signature,
            expected,
            found,
        } => changed(
            &format!("the definition of function `{signature}`"),
            format!("`{expected}`"),
            after
                .functions
                .get(&signature_key(signature))
                .map(|f| format!("`{}`", f.definition)),
            format!("`{found}`"),
        ),
        Difference::MissingTrigger { table, trigger } => {
            if has_trigger(after, table, trigger) {
                format!("downgrade drops trigger `{trigger}` on `{table}`, which existed before the upgrade")
            } else {
                format!("upgrade drops trigger `{trigger}` on `{table}`; downgrade never recreates it")
            }
        }
        Difference::ExtraTrigger { table, trigger } => {
            if has_trigger(after, table, trigger) {
                format!("upgrade creates trigger `{trigger}` on `{table}`; downgrade never drops it")
            } else {
                format!("downgrade creates trigger `{trigger}` on `{table}`, which did not exist before the upgrade")
            }
        }
        Difference::TriggerDefinition { table, trigger } => format!(
            "downgrade recreates trigger `{trigger}` on `{table}` firing otherwise or running something else than before the upgrade"
        ),
        Difference::MissingExtension { name } => {
            if after.extensions.contains(name) {
                format!("downgrade drops extension `{name}`, which was installed before the upgrade")
            } else {
                format!("upgrade drops extension `{name}`; downgrade never installs it again")
            }
        }
        Difference::ExtraExtension { name } => {
            if after.extensions.contains(name) {
                format!("upgrade installs extension `{name}`; downgrade never drops it")
            } else {
                format!("downgrade installs extension `{name}`, which was not installed before the upgrade")
            }
        }
        Difference::TableComment {
            table,
            expected,
            found,
        } => changed(
            &format!("the comment of table `{table}`"),
            comment(expected.as_deref()),
            after.tables.get(table).map(|t| comment(t.comment.as_deref())),
            comment(found.as_deref()),
        ),
        Difference::ColumnComment {
            table,
            column: c,
            expected,
            found,
        } => changed(
            &format!("the comment of `{table}.{c}`"),
            comment(expected.as_deref()),
            after
                .tables
                .get(table)
                .map(|t| comment(t.column_comments.get(c).map(String::as_str))),
            comment(found.as_deref()),
        ),
        Difference::ConstraintComment {
            table,
            constraint,
            expected,
            found,
        } => changed(
            &format!("the comment of constraint `{constraint}` on `{table}`"),
            comment(expected.as_deref()),
            after.tables.get(table).map(|t| {
                comment(t.constraint_comments.get(constraint).map(String::as_str))
            }),
            comment(found.as_deref()),
        ),
        // Not compared (see the module doc); kept for completeness.
        other @ Difference::ColumnOrder { .. } => other.to_string(),
    }
}

/// The table a difference is on; none for an enum type's.
fn table_of(d: &Difference) -> Option<&str> {
    use Difference::*;
    match d {
        MissingTable { table }
        | ExtraTable { table }
        | MissingColumn { table, .. }
        | ExtraColumn { table, .. }
        | ColumnType { table, .. }
        | ColumnNullability { table, .. }
        | ColumnDefault { table, .. }
        | ColumnGenerated { table, .. }
        | ColumnNumbering { table, .. }
        | ColumnOrder { table, .. }
        | MissingIndex { table, .. }
        | ExtraIndex { table, .. }
        | IndexDefinition { table, .. }
        | MissingConstraint { table, .. }
        | ExtraConstraint { table, .. }
        | ConstraintDefinition { table, .. }
        | ConstraintValidity { table, .. }
        | MissingTrigger { table, .. }
        | ExtraTrigger { table, .. }
        | TriggerDefinition { table, .. }
        | TableComment { table, .. }
        | ColumnComment { table, .. }
        | ConstraintComment { table, .. } => Some(table),
        MissingEnum { .. }
        | ExtraEnum { .. }
        | EnumValues { .. }
        | MissingView { .. }
        | ExtraView { .. }
        | ViewDefinition { .. }
        | MissingFunction { .. }
        | ExtraFunction { .. }
        | FunctionDefinition { .. }
        | MissingExtension { .. }
        | ExtraExtension { .. } => None,
    }
}
