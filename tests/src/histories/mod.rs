//! Random op histories for the property "what compiles applies": a seeded
//! generator of migrations built from the operation model at run time, each
//! with a downgrade that undoes its upgrade by construction, and the
//! shrinking of a history that fails.
//!
//! The generator keeps the schema model (`Schema`, replayed with the
//! checker's own `apply`) and a little of the data it inserted (how many
//! rows each table holds, which columns a backfill changed), so that it
//! writes ops that are valid for the schema and sound for the rows: a
//! `NOT NULL` only on an empty table, a column dropped only where the
//! NULLs or default its downgrade leaves in the rows satisfy the
//! downgrades that run after it (those of earlier steps: a NOT NULL set
//! again, a key recreated), a unique key only where the values are distinct,
//! a type change only to a wider type. Where a compatibility rule fires,
//! the op is wrapped in `safety_assured`, as a team would after reading
//! the error; the assurance is true of the generated data.
//!
//! | file | what |
//! | --- | --- |
//! | `mod.rs` | the PRNG, the history, its migrations, its text, shrinking |
//! | `gen.rs` | one history: the state, which op next; columns and tables |
//! | `keys.rs` | indexes, unique, check and foreign key constraints, renaming and dropping a table |
//! | `objects.rs` | deprecation, views, enum types, an INSERT, a backfill |
//! | `ops.rs` | the ops built from the model: what an inverse recreates |
//! | `values.rs` | column types, defaults and the literal of a row's value |

use godwit::{Migration, Op, RuleKind};
use godwit_core::{check_history_for, Backends, Diagnostic, Location, Phase};

mod gen;
mod keys;
mod objects;
mod ops;
mod values;

/// SplitMix64: small, seedable, and good enough to pick ops.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True `percent` times in a hundred.
    pub fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent as usize
    }

    /// One of `items` (not empty).
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// One op of an upgrade and the ops that undo it, in the order they run.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// The op of `upgrade`.
    pub up: Op,
    /// Its inverse, run in `downgrade` (empty for a backfill: data is not
    /// schema).
    pub down: Vec<Op>,
}

/// One generated migration.
#[derive(Clone, Debug, PartialEq)]
pub struct Spec {
    /// Its steps, in upgrade order; the downgrade undoes them last first.
    pub steps: Vec<Step>,
    /// Performance hints it allows.
    pub allow: Vec<&'static str>,
}

/// A generated history.
#[derive(Clone, Debug, PartialEq)]
pub struct History {
    /// Its migrations, base first.
    pub migrations: Vec<Spec>,
}

impl History {
    /// History number `case` of the run seeded `seed`.
    pub fn generate(seed: u64, case: u64) -> History {
        let mut rng = Rng::new(seed ^ case.wrapping_mul(0xd1b5_4a32_d192_ed03));
        let mut history = gen::generate(&mut rng);
        history.assure();
        history
    }

    /// The migrations, as `#[migration]` would embed them: revisions
    /// `h0001`.., each following the one before, with their checksums.
    pub fn migrations(&self) -> Vec<Migration> {
        self.migrations
            .iter()
            .enumerate()
            .map(|(i, spec)| {
                let upgrade: Vec<Op> = spec.steps.iter().map(|s| s.up.clone()).collect();
                let downgrade: Vec<Op> = spec
                    .steps
                    .iter()
                    .rev()
                    .flat_map(|s| s.down.iter().cloned())
                    .collect();
                let checksum = godwit::checksum(&upgrade, &downgrade, None);
                Migration {
                    revision: format!("h{:04}", i + 1).into(),
                    down_revision: (i > 0).then(|| format!("h{i:04}").into()),
                    message: format!("generated step {} of the history", i + 1).into(),
                    irreversible: None,
                    allow: spec.allow.iter().map(|a| (*a).into()).collect(),
                    imported: None,
                    transaction: true,
                    upgrade: upgrade.into(),
                    downgrade: downgrade.into(),
                    checksum: checksum.into(),
                }
            })
            .collect()
    }

    /// What the checker says of it, for every backend.
    pub fn check(&self) -> Vec<Diagnostic> {
        let migrations = self.migrations();
        let order: Vec<usize> = (0..migrations.len()).collect();
        check_history_for(&migrations, &order, &Backends::all())
    }

    /// Wraps each upgrade op a compatibility rule flags in `safety_assured`,
    /// as a team would after reading the error (the generator only writes
    /// ops whose assurance holds for its data), until none is flagged.
    fn assure(&mut self) {
        for _ in 0..4 {
            let mut changed = false;
            for d in self.check() {
                if d.rule.kind() != RuleKind::Compatibility {
                    continue;
                }
                let Location::Op {
                    migration,
                    phase: Phase::Upgrade,
                    path,
                } = &d.at
                else {
                    continue;
                };
                let step = &mut self.migrations[*migration].steps[path[0]];
                if !matches!(step.up, Op::SafetyAssured { .. }) {
                    step.up = Op::SafetyAssured {
                        reason: format!("{}: the generated data allows it", d.rule.id()).into(),
                        ops: vec![step.up.clone()].into(),
                    };
                    changed = true;
                }
            }
            if !changed {
                return;
            }
        }
    }

    /// How many ops its upgrades hold.
    pub fn op_count(&self) -> usize {
        self.migrations.iter().map(|m| m.steps.len()).sum()
    }

    /// The history as a reader wants it: each migration's ops in their
    /// canonical text (what the checksum hashes), upgrade then downgrade.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        for m in self.migrations() {
            out.push_str(&format!("migration {}", m.revision));
            if !m.allow.is_empty() {
                out.push_str(&format!(" (allow {:?})", m.allow));
            }
            out.push_str(":\n  fn upgrade:\n");
            for op in m.upgrade.iter() {
                out.push_str(&format!("    op.{};\n", op.to_call()));
            }
            out.push_str("  fn downgrade:\n");
            for op in m.downgrade.iter() {
                out.push_str(&format!("    op.{};\n", op.to_call()));
            }
        }
        out
    }

    /// Smaller histories to try in place of this one: without its last
    /// migration, without any other one, without one step, and with a
    /// column less in a `create_table`.
    pub fn shrink_candidates(&self) -> Vec<History> {
        let mut out = Vec::new();
        let n = self.migrations.len();
        if n > 1 {
            out.push(History {
                migrations: self.migrations[..n - 1].to_vec(),
            });
            // Half at once, for long histories.
            if n > 3 {
                out.push(History {
                    migrations: self.migrations[..n / 2].to_vec(),
                });
            }
        }
        for i in (0..n.saturating_sub(1)).rev() {
            let mut h = self.clone();
            h.migrations.remove(i);
            out.push(h);
        }
        // A migration's last steps at once (a step and the index after it).
        for (i, m) in self.migrations.iter().enumerate() {
            for j in 1..m.steps.len().saturating_sub(1) {
                let mut h = self.clone();
                h.migrations[i].steps.truncate(j);
                out.push(h);
            }
        }
        for (i, m) in self.migrations.iter().enumerate() {
            for j in (0..m.steps.len()).rev() {
                let mut h = self.clone();
                h.migrations[i].steps.remove(j);
                if h.migrations[i].steps.is_empty() {
                    h.migrations.remove(i);
                }
                out.push(h);
            }
        }
        for (i, m) in self.migrations.iter().enumerate() {
            for (j, s) in m.steps.iter().enumerate() {
                for h in ops::fewer_columns(&s.up) {
                    let mut history = self.clone();
                    history.migrations[i].steps[j].up = h;
                    out.push(history);
                }
            }
        }
        out
    }
}

/// `ops` with every `safety_assured` block opened.
pub fn flatten(ops: &[Op]) -> Vec<&Op> {
    let mut out = Vec::new();
    for op in ops {
        match op {
            Op::SafetyAssured { ops, .. } => out.extend(flatten(ops)),
            op => out.push(op),
        }
    }
    out
}
