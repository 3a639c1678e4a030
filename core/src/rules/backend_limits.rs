//! `unsupported-on-backend`, `text-in-key`, `key-too-long` (structural):
//! an op one of the set's backends cannot do, in the words the runtime would refuse it with
//! (`crate::backend::limits`), said at compile time for each backend the
//! set is checked for, in both bodies: a downgrade must run there too.

use super::Finding;
use crate::backend::{limits, Backend, Backends};
use crate::diagnostic::Rule;
use crate::model::Op;
use crate::schema::Schema;

/// Whether the limits of `op` need the schema before it (an enum op looks
/// at the columns of the type; on MySQL, an op that may change a key
/// compares the table's keys before and after); the others read the
/// schema after it only, which saves a copy per op.
pub(super) fn needs_prior(op: &Op, backends: &Backends) -> bool {
    let mysql = backends.has(Backend::Mysql) || backends.has(Backend::Mariadb);
    match op {
        Op::CreateEnum { .. }
        | Op::AddEnumValue { .. }
        | Op::RenameEnumValue { .. }
        | Op::DropEnumValue { .. }
        | Op::DropEnum { .. } => true,
        // A renamed table's readers; a check and a foreign key's action, or
        // a NOT NULL column and a key setting it to NULL, that meet anew.
        Op::RenameTable { .. }
        | Op::CreateTable { .. }
        | Op::AddColumn { .. }
        | Op::AlterColumn { .. }
        | Op::CreatePrimaryKey { .. }
        | Op::CreateCheckConstraint { .. }
        | Op::CreateForeignKey { .. } => mysql,
        op => mysql && limits::may_change_keys(op),
    }
}

/// Each declared backend's refusal of `op`, once per reason (MySQL and
/// MariaDB often share one).
pub(super) fn check(
    op: &Op,
    before: &Schema,
    after: &Schema,
    backends: &Backends,
    out: &mut Vec<Finding>,
) {
    let mut refusals: Vec<limits::Refusal> = Vec::new();
    for backend in backends.iter() {
        if let Some(refusal) = limits::refusal(backend, op, before, after) {
            if !refusals.contains(&refusal) {
                refusals.push(refusal);
            }
        }
    }
    for limits::Refusal { rule, reason } in refusals {
        let others: Vec<_> = backends
            .targets()
            .iter()
            .copied()
            .filter(|t| limits::refusal(t.backend, op, before, after).is_none())
            .collect();
        let others = Backends::new(others);
        let change = match rule {
            Rule::TextInKey => "make the column a Varchar(n) (a key of one column takes n up to 768 in utf8mb4), or key a prefix of it with op.execute(\"CREATE INDEX .. (col(191))\") where MySQL is the only backend",
            Rule::KeyTooLong => "shorten the key: fewer columns, or a smaller Varchar(n)",
            _ => "change the op so that every backend of the set can run it",
        };
        let help = if others.is_empty() {
            change.to_string()
        } else {
            format!(
                "{change}; or, if the set runs on {} only, say so before the paths in migrations![..]: `{}`",
                others.describe(),
                others.setting()
            )
        };
        out.push(Finding::new(rule, reason, help));
    }
}
