//! The migration descriptor: what `#[migration]` emits as `MIGRATION`.

use std::collections::BTreeMap;
use std::ops::Deref;
use std::sync::Mutex;

use crate::model::{List, Op, Phase, Str};

/// One migration: its place in the chain and its two op lists.
///
/// `#[migration]` embeds it as an [`EmbeddedMigration`].
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
    /// The tool whose history this migration was imported from
    /// (`imported = "diesel"`, `"sqlx"`, `"refinery"`): history that already
    /// ran, so the compatibility and performance rules, which concern a
    /// deploy still to come, do not apply to it, and a database that tool
    /// migrated is adopted without running it again.
    pub imported: Option<Str>,
    /// `false` for `transaction = false`: the migration runs outside a
    /// transaction, each op recorded as it completes (a statement such as
    /// `ALTER TYPE .. ADD VALUE` before PostgreSQL 12, or `VACUUM`, refuses
    /// to run in one).
    pub transaction: bool,
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
}

/// A migration as `#[migration]` embeds it (`MIGRATION`): its checked model
/// in [`crate::codec`]'s text form, read into a [`Migration`] when it is
/// used, which it derefs to (`MIGRATION.upgrade`).
///
/// One string per migration instead of a tree of constant expressions: the
/// compiler type-checks a thousand strings in no time, and a thousand op
/// trees in seconds, on every build of the crate that holds them. A `const`
/// of plain strings (and the model's hash) rather than a `static`: the set
/// lists the ones it uses in one array, and the compiler emits no item per
/// migration.
#[derive(Clone, Copy)]
pub struct EmbeddedMigration {
    revision: &'static str,
    checksum: &'static str,
    text: &'static str,
    model_hash: u64,
}

impl EmbeddedMigration {
    /// Wraps what `#[migration]` wrote: the revision and checksum also on
    /// their own, so that a start-up with nothing to do reads no model.
    #[doc(hidden)]
    pub const fn new(
        revision: &'static str,
        checksum: &'static str,
        text: &'static str,
        model_hash: u64,
    ) -> Self {
        EmbeddedMigration {
            revision,
            checksum,
            text,
            model_hash,
        }
    }

    /// The hash of the model text `#[migration]` compiled, which
    /// `migrations!` compares with the model it read from the file.
    #[doc(hidden)]
    pub const fn model_hash(&self) -> u64 {
        self.model_hash
    }

    /// The revision, without reading the model.
    pub fn revision(&self) -> &'static str {
        self.revision
    }

    /// The checksum, without reading the model.
    pub fn checksum(&self) -> &'static str {
        self.checksum
    }

    /// The migration, read once per process and kept (a set reads all of
    /// its migrations at most once; a descriptor used on its own, by its
    /// text's address).
    pub fn get(&self) -> &'static Migration {
        static READ: Mutex<BTreeMap<usize, &'static Migration>> = Mutex::new(BTreeMap::new());
        let key = self.text.as_ptr() as usize;
        let mut read = READ.lock().unwrap_or_else(|e| e.into_inner());
        read.entry(key)
            .or_insert_with(|| Box::leak(Box::new(self.read())))
    }

    /// The model, read from the text now.
    pub fn read(&self) -> Migration {
        match crate::codec::decode(self.text) {
            Some(m) => m,
            // Written by `#[migration]` of the same godwit version (the
            // crates are released together): only a mix of versions gets here.
            None => panic!(
                "godwit: a migration descriptor in a format this godwit does not read; \
                 build godwit-macros and godwit-core at the same version"
            ),
        }
    }
}

impl Deref for EmbeddedMigration {
    type Target = Migration;

    fn deref(&self) -> &Migration {
        self.get()
    }
}

impl std::fmt::Debug for EmbeddedMigration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.get().fmt(f)
    }
}
