//! Renames raw SQL makes that no DSL op says: of a type, an index, a
//! constraint. The model follows them ([`Rename`]); `import` keeps the
//! statement as written.

use sqlparser::ast::{AlterIndexOperation, AlterTableOperation, ObjectName};

use super::ddl::{ident_name, last};
use super::{Meaning, Rename};
use crate::schema::{ConstraintKind, Schema};

/// `ALTER TYPE from RENAME TO to`: an enum the model knows, or a type it
/// does not track whose columns (`Custom`) follow it all the same.
pub(super) fn rename_type(from: &str, to: &str) -> Meaning {
    Meaning::Renames(vec![Rename::Type {
        from: from.to_string(),
        to: to.to_string(),
    }])
}

/// `ALTER INDEX from RENAME TO to`: an index the model knows, or on
/// PostgreSQL the unique or primary key constraint whose index it is (the
/// constraint takes the new name with it).
pub(super) fn alter_index(
    name: &ObjectName,
    operation: &AlterIndexOperation,
    schema: &Schema,
) -> Meaning {
    let AlterIndexOperation::RenameIndex { index_name } = operation;
    let (Some(from), Some(to)) = (last(name), last(index_name)) else {
        return Meaning::Opaque("ALTER INDEX of a name of another form".into());
    };
    match schema.relation_name_taken(&from) {
        Some(_) => Meaning::Renames(vec![Rename::Index { from, to }]),
        None => Meaning::Opaque(format!(
            "ALTER INDEX `{from}` RENAME, of an index the model does not know"
        )),
    }
}

/// An `ALTER TABLE` that only renames constraints (the index of a unique
/// or primary key constraint takes the new name with it); `None` for any
/// other.
pub(super) fn rename_constraints(
    table: &str,
    operations: &[AlterTableOperation],
    schema: &Schema,
) -> Option<Meaning> {
    let renames = operations
        .iter()
        .map(|o| match o {
            AlterTableOperation::RenameConstraint { old_name, new_name } => {
                Some(Rename::Constraint {
                    table: table.to_string(),
                    from: ident_name(old_name),
                    to: ident_name(new_name),
                })
            }
            _ => None,
        })
        .collect::<Option<Vec<_>>>()?;
    let known = renames.iter().all(|r| match r {
        Rename::Constraint { from, .. } => schema
            .tables
            .get(table)
            .is_some_and(|t| t.constraints.contains_key(from)),
        _ => false,
    });
    Some(if known {
        Meaning::Renames(renames)
    } else {
        Meaning::Opaque(format!(
            "ALTER TABLE `{table}` RENAME CONSTRAINT, of a constraint the model does not know"
        ))
    })
}

/// Whether a constraint is one an index backs (its rename renames the
/// index, and the index's its).
pub(crate) fn backed_by_index(kind: &ConstraintKind) -> bool {
    matches!(
        kind,
        ConstraintKind::PrimaryKey { .. } | ConstraintKind::Unique { .. }
    )
}
