//! What raw SQL changed out of the model's sight: the table a statement
//! godwit does not follow touches, and the table (or view) an op names, so
//! that an op on one the model does not follow is not an `unknown-*` error.

use crate::model::Op;

/// The table an op changes, for ops on a table's columns, indexes and
/// constraints.
pub(super) fn table_of(op: &Op) -> Option<&str> {
    match op {
        Op::AddColumn { table, .. }
        | Op::DropColumn { table, .. }
        | Op::RenameColumn { table, .. }
        | Op::AlterColumn { table, .. }
        | Op::DeprecateColumn { table, .. }
        | Op::CreateIndex { table, .. }
        | Op::DropIndex { table, .. }
        | Op::CreateForeignKey { table, .. }
        | Op::CreateCheckConstraint { table, .. }
        | Op::ValidateConstraint { table, .. }
        | Op::DropConstraint { table, .. }
        | Op::CreateTrigger { table, .. }
        | Op::CommentOnTable { table, .. }
        | Op::CommentOnColumn { table, .. }
        | Op::DropCommentOnTable { table }
        | Op::DropCommentOnColumn { table, .. }
        | Op::DropTrigger { table, .. }
        | Op::Backfill { table, .. } => Some(table),
        Op::DropTable { name }
        | Op::DeprecateTable { name }
        | Op::ReplaceView { name, .. }
        | Op::DropView { name, .. }
        | Op::DropMaterializedView { name, .. }
        | Op::RefreshMaterializedView { name, .. } => Some(name),
        Op::RenameTable { from, .. } => Some(from),
        _ => None,
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
