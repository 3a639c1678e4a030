//! What an op touches: its table, whether it must run outside a
//! transaction, and the like, read by the replay, the rules and the runner.

use super::Op;

impl Op {
    /// The one table the op creates, changes or drops: for a rename its old
    /// name, for a foreign key the referencing table; `None` for an op on
    /// types, on no table or on what raw SQL says.
    pub fn table(&self) -> Option<&str> {
        match self {
            Op::CreateTable { name, .. }
            | Op::DropTable { name }
            | Op::DeprecateTable { name }
            | Op::RenameTable { from: name, .. } => Some(name),
            Op::AddColumn { table, .. }
            | Op::DropColumn { table, .. }
            | Op::RenameColumn { table, .. }
            | Op::AlterColumn { table, .. }
            | Op::DeprecateColumn { table, .. }
            | Op::CreateIndex { table, .. }
            | Op::DropIndex { table, .. }
            | Op::CreateUniqueConstraint { table, .. }
            | Op::CreatePrimaryKey { table, .. }
            | Op::CreateForeignKey { table, .. }
            | Op::CreateCheckConstraint { table, .. }
            | Op::ValidateConstraint { table, .. }
            | Op::DropConstraint { table, .. }
            | Op::CreateTrigger { table, .. }
            | Op::DropTrigger { table, .. }
            | Op::CommentOnTable { table, .. }
            | Op::CommentOnColumn { table, .. }
            | Op::DropCommentOnTable { table }
            | Op::DropCommentOnColumn { table, .. }
            | Op::CommentOnConstraint { table, .. }
            | Op::DropCommentOnConstraint { table, .. }
            | Op::Backfill { table, .. } => Some(table),
            // Views, functions and extensions are not tables.
            Op::CreateView { .. }
            | Op::ReplaceView { .. }
            | Op::DropView { .. }
            | Op::CreateMaterializedView { .. }
            | Op::DropMaterializedView { .. }
            | Op::RefreshMaterializedView { .. }
            | Op::CreateFunction { .. }
            | Op::ReplaceFunction { .. }
            | Op::DropFunction { .. }
            | Op::CreateExtension { .. }
            | Op::DropExtension { .. }
            | Op::CreateEnum { .. }
            | Op::AddEnumValue { .. }
            | Op::RenameEnumValue { .. }
            | Op::DropEnumValue { .. }
            | Op::DropEnum { .. }
            | Op::Execute { .. }
            | Op::SafetyAssured { .. } => None,
        }
    }

    /// Whether this op (or one inside it) must run outside a transaction.
    pub fn is_concurrent(&self) -> bool {
        match self {
            Op::CreateIndex { concurrently, .. } | Op::DropIndex { concurrently, .. } => {
                *concurrently
            }
            Op::SafetyAssured { ops, .. } => ops.iter().any(Op::is_concurrent),
            Op::Execute { sql } => crate::translate::runs_outside_transaction(sql),
            _ => false,
        }
    }

    /// Whether this op (or one inside it) changes data rather than schema.
    pub fn is_data_change(&self) -> bool {
        match self {
            Op::Backfill { .. } => true,
            Op::SafetyAssured { ops, .. } => ops.iter().any(Op::is_data_change),
            _ => false,
        }
    }
}
