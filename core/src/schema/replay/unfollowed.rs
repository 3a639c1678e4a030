//! What raw SQL changed out of the model's sight: the table a statement
//! godwit does not follow touches, and the table (or view) an op names, so
//! that an op on one the model does not follow is not an `unknown-*` error.

use crate::model::Op;

/// The table (or view) an op works on, for ops on an existing one: what
/// [`Op::table`] says, and the view of a view op.
pub(super) fn table_of(op: &Op) -> Option<&str> {
    match op {
        // A new name: `already-exists` says the rest.
        Op::CreateTable { .. } => None,
        Op::ReplaceView { name, .. }
        | Op::DropView { name, .. }
        | Op::DropMaterializedView { name, .. }
        | Op::RefreshMaterializedView { name, .. } => Some(name),
        other => other.table(),
    }
}

/// The table a statement godwit does not follow changes or creates: that
/// of an `ALTER TABLE`, a `CREATE INDEX`, a `CREATE TABLE` or `CREATE VIEW`.
pub(super) fn altered_table(ast: &sqlparser::ast::Statement) -> Option<String> {
    use sqlparser::ast::Statement as Ast;
    match ast {
        Ast::AlterTable(a) => crate::translate::table_name(&a.name),
        Ast::CreateIndex(c) => crate::translate::table_name(&c.table_name),
        // A table it could not read, or a view the model does not track:
        // later ops may name it.
        Ast::CreateTable(c) => crate::translate::table_name(&c.name),
        Ast::CreateView(v) => crate::translate::table_name(&v.name),
        _ => None,
    }
}
