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

/// What a name an op gives names: the namespace it must be unique in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Named<'a> {
    /// A table (or a view: they share one namespace).
    Table,
    /// A column of this table.
    Column(&'a str),
    /// An index on this table.
    Index(&'a str),
    /// A constraint of this table.
    Constraint(&'a str),
    /// A trigger on this table.
    Trigger(&'a str),
    /// An enum type.
    Enum,
}

impl Op {
    /// The identifiers the op gives (not those it only refers to), each
    /// with what it names: what a backend's limits on names apply to.
    /// Derived names (`users_email_key`) are the replay's to check.
    pub fn given_names(&self) -> Vec<(Named<'_>, &str)> {
        match self {
            Op::CreateTable {
                name,
                columns,
                primary_key,
                uniques,
                checks,
                ..
            } => {
                let mut out = vec![(Named::Table, &**name)];
                out.extend(columns.iter().map(|c| (Named::Column(name), &*c.name)));
                let named = primary_key
                    .iter()
                    .filter_map(|p| p.name.as_deref())
                    .chain(uniques.iter().filter_map(|u| u.name.as_deref()))
                    .chain(checks.iter().map(|c| &*c.name));
                out.extend(named.map(|n| (Named::Constraint(name), n)));
                out
            }
            Op::RenameTable { to, .. } => vec![(Named::Table, to)],
            Op::AddColumn { table, column } => vec![(Named::Column(table), &column.name)],
            Op::RenameColumn { table, to, .. } => vec![(Named::Column(table), to)],
            Op::CreateEnum { name, .. } => vec![(Named::Enum, name)],
            Op::CreateIndex { name, table, .. } => vec![(Named::Index(table), name)],
            Op::CreateUniqueConstraint { name, table, .. }
            | Op::CreatePrimaryKey { name, table, .. }
            | Op::CreateForeignKey { name, table, .. }
            | Op::CreateCheckConstraint { name, table, .. } => {
                vec![(Named::Constraint(table), name)]
            }
            Op::CreateView { name, .. } | Op::CreateMaterializedView { name, .. } => {
                vec![(Named::Table, name)]
            }
            Op::CreateTrigger { name, table, .. } => vec![(Named::Trigger(table), name)],
            Op::DropTable { .. }
            | Op::DeprecateTable { .. }
            | Op::DropColumn { .. }
            | Op::AlterColumn { .. }
            | Op::DeprecateColumn { .. }
            | Op::AddEnumValue { .. }
            | Op::RenameEnumValue { .. }
            | Op::DropEnumValue { .. }
            | Op::DropEnum { .. }
            | Op::DropIndex { .. }
            | Op::ValidateConstraint { .. }
            | Op::DropConstraint { .. }
            | Op::ReplaceView { .. }
            | Op::DropView { .. }
            | Op::DropMaterializedView { .. }
            | Op::RefreshMaterializedView { .. }
            | Op::CreateFunction { .. }
            | Op::ReplaceFunction { .. }
            | Op::DropFunction { .. }
            | Op::DropTrigger { .. }
            | Op::CreateExtension { .. }
            | Op::DropExtension { .. }
            | Op::CommentOnTable { .. }
            | Op::CommentOnColumn { .. }
            | Op::DropCommentOnTable { .. }
            | Op::DropCommentOnColumn { .. }
            | Op::CommentOnConstraint { .. }
            | Op::DropCommentOnConstraint { .. }
            | Op::Execute { .. }
            | Op::Backfill { .. }
            | Op::SafetyAssured { .. } => Vec::new(),
        }
    }
}
