//! `unsupported-on-backend` (structural): an op one of the set's backends
//! cannot do, in the words the runtime would refuse it with
//! (`crate::backend::limits`), said at compile time for each backend the
//! set is checked for, in both bodies: a downgrade must run there too.

use super::Finding;
use crate::backend::{limits, Backends};
use crate::diagnostic::Rule;
use crate::model::Op;
use crate::schema::Schema;

/// Whether the limits of `op` need the schema before it (an enum op looks
/// at the columns of the type); the others read the schema after it.
pub(super) fn needs_prior(op: &Op) -> bool {
    matches!(
        op,
        Op::CreateEnum { .. }
            | Op::AddEnumValue { .. }
            | Op::RenameEnumValue { .. }
            | Op::DropEnumValue { .. }
            | Op::DropEnum { .. }
    )
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
    let mut reasons: Vec<String> = Vec::new();
    for backend in backends.iter() {
        if let Some(reason) = limits::refusal(backend, op, before, after) {
            if !reasons.contains(&reason) {
                reasons.push(reason);
            }
        }
    }
    for reason in reasons {
        let others: Vec<_> = backends
            .targets()
            .iter()
            .copied()
            .filter(|t| limits::refusal(t.backend, op, before, after).is_none())
            .collect();
        let others = Backends::new(others);
        let help = if others.is_empty() {
            "change the op so that the set's backends can run it".to_string()
        } else {
            format!(
                "change the op so that every backend of the set can run it; or, if the set runs on {} only, say so before the paths in migrations![..]: `{}`",
                others.describe(),
                others.setting()
            )
        };
        out.push(Finding::new(Rule::UnsupportedOnBackend, reason, help));
    }
}
