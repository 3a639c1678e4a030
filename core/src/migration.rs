//! The migration descriptor: what `#[migration]` emits as `MIGRATION`.

use crate::model::{List, Op, Phase, Str};

/// One migration: its place in the chain and its two op lists.
///
/// Built in a `static` by `#[migration]`; every field is const-constructible.
#[derive(Clone, Debug, PartialEq)]
pub struct Migration {
    /// Unique id of this migration.
    pub revision: Str,
    /// The revision this one follows; `None` only for the first.
    pub down_revision: Option<Str>,
    /// What the migration does, for people reading `history`.
    pub message: Str,
    /// Why this migration cannot be undone, when it cannot.
    pub irreversible: Option<Str>,
    /// Performance-hint rule ids turned off for this migration.
    pub allow: List<Str>,
    /// The ops of `fn upgrade`.
    pub upgrade: List<Op>,
    /// The ops of `fn downgrade`.
    pub downgrade: List<Op>,
    /// Checksum of the canonical op lists (see [`crate::checksum`]).
    pub checksum: Str,
}

impl Migration {
    /// The ops of one body.
    pub fn ops(&self, phase: Phase) -> &[Op] {
        match phase {
            Phase::Upgrade => &self.upgrade,
            Phase::Downgrade => &self.downgrade,
        }
    }

    /// The reasons given to `op.safety_assured(..)` in `upgrade`, outermost first.
    pub fn safety_reasons(&self) -> Vec<&str> {
        fn walk<'a>(ops: &'a [Op], out: &mut Vec<&'a str>) {
            for op in ops {
                if let Op::SafetyAssured { reason, ops } = op {
                    out.push(reason);
                    walk(ops, out);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.upgrade, &mut out);
        out
    }

    /// Whether upgrading runs outside a transaction (a concurrent index op).
    pub fn is_non_transactional(&self, phase: Phase) -> bool {
        self.ops(phase).iter().any(Op::is_concurrent)
    }
}
