//! Renames raw SQL makes that no DSL op says: of a type, an index, a
//! constraint, a function, a trigger. The model follows them ([`Rename`]); `import` keeps the
//! statement as written.

use sqlparser::ast::{AlterIndexOperation, AlterTableOperation, ObjectName};

use super::ddl::{ident_name, last};
use super::objects::unquote;
use super::{Meaning, Rename};
use crate::schema::{signature_key, ConstraintKind, Schema};
use crate::sql_text::{self, Syntax, TokenKind};

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

/// `ALTER FUNCTION name [(args)] RENAME TO new` and `ALTER TRIGGER name ON
/// table RENAME TO new`, of a function or trigger the model knows (a name
/// without arguments is its one function); `None` for any other `ALTER
/// FUNCTION` or `ALTER TRIGGER`.
pub(super) fn routine_rename(text: &str, syntax: Syntax, schema: &Schema) -> Option<Meaning> {
    let tokens: Vec<_> = sql_text::tokens(text, syntax)
        .filter(|t| !t.is_trivia())
        .collect();
    let n = tokens.len();
    let is = |i: usize, k: &str| tokens.get(i).is_some_and(|t| t.is_keyword(k));
    let name = |i: usize| {
        let t = tokens.get(i)?;
        matches!(t.kind, TokenKind::Word | TokenKind::QuotedName).then(|| unquote(t.text, t.kind))
    };
    if n < 6 || !is(0, "ALTER") || !is(n - 3, "RENAME") || !is(n - 2, "TO") {
        return None;
    }
    let to = name(n - 1)?;
    if is(1, "FUNCTION") {
        let written = text[tokens[2].start..tokens[n - 4].end()].trim();
        let signature = if tokens[2..n - 3].iter().any(|t| t.text == "(") {
            Some(written.to_string()).filter(|s| schema.functions.contains_key(&signature_key(s)))
        } else {
            let last = name(n - 4)?;
            schema
                .only_function(&last)
                .ok()
                .flatten()
                .map(|f| f.signature.clone())
        };
        return Some(match signature {
            Some(signature) => Meaning::Renames(vec![Rename::Function { signature, to }]),
            None => Meaning::Opaque(format!(
                "ALTER FUNCTION `{written}` RENAME, of a function the model does not know"
            )),
        });
    }
    if is(1, "TRIGGER") && is(3, "ON") {
        let from = name(2)?;
        // `schema.table`: the last part.
        let table = name(n - 4)?;
        let known = schema
            .tables
            .get(&table)
            .is_some_and(|t| t.triggers.contains_key(&from));
        return Some(match known {
            true => Meaning::Renames(vec![Rename::Trigger { table, from, to }]),
            false => Meaning::Opaque(format!(
                "ALTER TRIGGER `{from}` RENAME, of a trigger the model does not know"
            )),
        });
    }
    None
}
