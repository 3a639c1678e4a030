//! The safety rules that need the history: each migration is checked against
//! the schema as it stood before it.
//!
//! [`check_history`] replays the set in chain order on the schema model. For
//! each migration it
//!
//! 1. replays `upgrade` op by op: an op that cannot be applied is a
//!    structural error (`unknown-*`, `already-exists`, ..., see [`replay`]);
//!    every other op is shown to the per-op rules together with the schema
//!    before the migration (what "existing" means) and the schema just before
//!    the op;
//! 2. runs the rules that look at the migration as a whole (a concurrent index
//!    op must be alone, a backfill must not share its migration with DDL on
//!    its table, a foreign key needs an index at the end of the migration,
//!    a narrow primary key may refer to a key as narrow by then);
//! 3. replays `downgrade` on the result and compares it with the schema the
//!    upgrade started from (`downgrade-mismatch`).
//!
//! Each rule lives in its own file, named after what it looks at; the
//! functions there return [`Finding`]s (rule, message, help), and this module
//! places them ([`Location`]) and silences them: compatibility rules inside
//! `op.safety_assured(..)`, performance hints named in `allow = [..]`,
//! structural rules never.
//!
//! [`destroyed_by`] reads raw SQL for what it destroys: the runtime's
//! data-loss listing asks it about the `execute`s of a migration.

mod add_column;
mod alter_column;
mod backend_limits;
mod backend_names;
mod backend_sql;
mod backend_versions;
mod constraints;
mod data_changes;
mod destroys;
mod downgrade;
mod enums;
mod generated;
mod indexes;
mod mysql_copy;
mod performance;
mod raw_sql;
mod removal;
mod rename;
mod replay;
mod sql;
mod views;
pub(crate) mod volatility;

use std::borrow::Cow;

use sqlparser::ast::Statement;

pub(crate) use backend_names::POSTGRES_NAME_BYTES;
pub use destroys::{destroyed_by, Destroys};

use crate::backend::Backends;
use crate::diagnostic::{Diagnostic, Location, Rule, RuleKind};
use crate::migration::Migration;
use crate::model::{Op, Phase};
use crate::schema::{ColumnState, Schema};
use crate::translate;

/// A broken rule, before it is placed at an op.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Finding {
    pub rule: Rule,
    pub message: String,
    pub help: String,
    /// The text of the string argument at fault, when there is one.
    pub focus: Option<String>,
}

impl Finding {
    pub fn new(rule: Rule, message: impl Into<String>, help: impl Into<String>) -> Self {
        Finding {
            rule,
            message: message.into(),
            help: help.into(),
            focus: None,
        }
    }

    /// Points the finding at the string argument `text`.
    pub fn at_text(mut self, text: &str) -> Self {
        self.focus = Some(text.to_string());
        self
    }
}

/// One op of a body, with where it sits. `safety_assured` blocks are
/// flattened: a step is never one.
pub(crate) struct Step<'a> {
    pub op: &'a Op,
    /// Index in the body, then inside each enclosing `safety_assured`.
    pub path: Vec<usize>,
    /// Inside `op.safety_assured(..)`: the compatibility rules do not apply.
    pub assured: bool,
    /// Applied to the schema model without a structural error.
    pub applied: bool,
    /// For `execute`: its statements, each with what it means on the schema
    /// just before it (read when the replay reaches the op).
    pub raw: Vec<translate::Statement>,
}

impl<'a> Step<'a> {
    /// The syntax trees of an `execute`'s statements; none for any other op.
    pub fn statements(&self) -> impl Iterator<Item = &Statement> {
        self.raw.iter().filter_map(|s| s.ast.as_ref())
    }

    /// What the step does to the schema, as ops: the op itself, or for
    /// `execute` the ops its statements read as.
    pub fn effective_ops(&self) -> Vec<&Op> {
        match self.op {
            Op::Execute { .. } => self
                .raw
                .iter()
                .filter_map(|s| match &s.meaning {
                    translate::Meaning::Ops(ops) => Some(ops),
                    _ => None,
                })
                .flatten()
                .collect(),
            op => vec![op],
        }
    }
}

/// The ops of a body in the order they run, `safety_assured` blocks opened.
fn steps(ops: &[Op]) -> Vec<Step<'_>> {
    fn walk<'a>(ops: &'a [Op], prefix: &[usize], assured: bool, out: &mut Vec<Step<'a>>) {
        for (i, op) in ops.iter().enumerate() {
            let mut path = prefix.to_vec();
            path.push(i);
            match op {
                Op::SafetyAssured { ops, .. } => walk(ops, &path, true, out),
                _ => out.push(Step {
                    op,
                    raw: Vec::new(),
                    path,
                    assured,
                    applied: false,
                }),
            }
        }
    }
    let mut out = Vec::new();
    walk(ops, &[], false, &mut out);
    out
}

/// What a per-op rule sees: the op, and the schema around it.
pub(crate) struct OpCheck<'a> {
    /// The op (never `safety_assured`).
    pub op: &'a Op,
    /// The schema as it stood before this migration.
    pub before: &'a Schema,
    /// The schema just before this op: earlier ops of the migration applied.
    pub current: &'a Schema,
    /// For `execute`: its statements, with what each means.
    pub raw: &'a [translate::Statement],
    /// The backends the set runs on, from their oldest versions.
    pub backends: &'a Backends,
}

impl OpCheck<'_> {
    /// The syntax trees of an `execute`'s statements.
    pub fn statements(&self) -> impl Iterator<Item = &Statement> {
        self.raw.iter().filter_map(|s| s.ast.as_ref())
    }

    /// Whether `table` is an existing table: one that existed before this
    /// migration. A table created in the same migration is new, and nothing
    /// running reads or writes it yet.
    pub fn is_existing_table(&self, table: &str) -> bool {
        self.before.tables.contains_key(table)
    }

    /// The column as it stood before this migration, if it existed then.
    pub fn column_before(&self, table: &str, column: &str) -> Option<&ColumnState> {
        self.before.tables.get(table)?.column(column)
    }

    /// The column just before this op, if it exists.
    pub fn column_now(&self, table: &str, column: &str) -> Option<&ColumnState> {
        self.current.tables.get(table)?.column(column)
    }
}

/// What a rule over a whole migration sees.
pub(crate) struct MigrationCheck<'a> {
    /// The schema as it stood before this migration.
    pub before: &'a Schema,
    /// The schema after its upgrade.
    pub after: &'a Schema,
    /// The ops of its upgrade.
    pub steps: &'a [Step<'a>],
}

/// Checks every migration of a set, replaying them in chain order.
///
/// `migrations` is the set as listed; `order` the indexes of its chain from
/// base to head (from [`crate::chain::order`]). Locations in the diagnostics
/// use the listed indexes.
pub fn check_history(migrations: &[Migration], order: &[usize]) -> Vec<Diagnostic> {
    check_history_for(migrations, order, &Backends::all())
}

/// [`check_history`], for the backends the set is declared for: a SQL
/// fragment must parse for each, and each one's limits are checked.
pub fn check_history_for(
    migrations: &[Migration],
    order: &[usize],
    backends: &Backends,
) -> Vec<Diagnostic> {
    let mut schema = Schema::new();
    let mut out = Vec::new();
    for &index in order {
        let Some(migration) = migrations.get(index) else {
            continue;
        };
        schema = check_migration(index, migration, schema, backends, &mut out);
    }
    out
}

/// Checks one migration against the schema before it; returns the schema
/// after its upgrade.
fn check_migration(
    index: usize,
    migration: &Migration,
    before: Schema,
    backends: &Backends,
    out: &mut Vec<Diagnostic>,
) -> Schema {
    let mut placer = Placer {
        index,
        migration,
        out,
    };

    // 1. The upgrade, op by op; 2. the upgrade as a whole.
    let mut up = steps(&migration.upgrade);
    let (after, up_clean, mut findings) =
        replay_body(&mut up, &before, before.clone(), Phase::Upgrade, backends);
    let whole = MigrationCheck {
        before: &before,
        after: &after,
        steps: &up,
    };
    indexes::check_alone(&up, &mut findings);
    data_changes::check_migration(&whole, &mut findings);
    performance::check_migration(&whole, &mut findings);
    enums::check_migration(&whole, &mut findings);
    // In the order of the ops, as a reader goes through the body.
    findings.sort_by_key(|(i, _)| *i);
    placer.place_all(Phase::Upgrade, &up, findings);

    // 3. The downgrade, then what it restores.
    let mut down = steps(&migration.downgrade);
    let (restored, down_clean, mut findings) = replay_body(
        &mut down,
        &before,
        after.clone(),
        Phase::Downgrade,
        backends,
    );
    indexes::check_alone(&down, &mut findings);
    findings.sort_by_key(|(i, _)| *i);
    if !up_clean {
        // The downgrade undoes an upgrade that could not be replayed: its
        // structural errors would only echo the upgrade's.
        findings.retain(|(_, f)| f.rule.kind() != RuleKind::Structure);
    }
    placer.place_all(Phase::Downgrade, &down, findings);
    if migration.irreversible.is_none() && up_clean && down_clean {
        if let Some(f) = downgrade::check(&before, &after, &restored) {
            placer.out.push(Diagnostic::new(
                f.rule,
                Location::Body {
                    migration: index,
                    phase: Phase::Downgrade,
                },
                f.message,
                f.help,
            ));
        }
    }
    after
}

/// Replays one body from `start`. The per-op rules run on the upgrade only;
/// the structural checks on both bodies. Returns the schema at the end,
/// whether every op applied, and the findings by step index.
fn replay_body(
    steps: &mut [Step<'_>],
    before: &Schema,
    start: Schema,
    phase: Phase,
    backends: &Backends,
) -> (Schema, bool, Vec<(usize, Finding)>) {
    let mut current = start;
    let mut clean = true;
    let mut out = Vec::new();
    // The schema before this migration under the names its renames gave:
    // `rename_table("users", "people")` (even inside safety_assured) does not
    // make `people` a new table for the ops after it.
    // Copied only when the body renames something.
    let mut renamed_before = Cow::Borrowed(before);
    for (i, step) in steps.iter_mut().enumerate() {
        let before = &*renamed_before;
        if let Op::Execute { sql } = step.op {
            step.raw = translate::read_any(sql, &current);
        }
        let mut findings = Vec::new();
        raw_sql::check_text(step.op, backends, &mut findings);
        replay::check_assignments(step.op, &current, &mut findings);
        let mut rules = Vec::new();
        if phase == Phase::Upgrade {
            let cx = OpCheck {
                op: step.op,
                before,
                current: &current,
                raw: &step.raw,
                backends,
            };
            per_op_rules(&cx, &mut rules);
            raw_sql::check(&cx, backends, &mut rules);
            // Raw DDL is judged by the ops it reads as, each on the schema
            // the statements before it left (copied only for raw SQL: a
            // copy per op was a tenth of a long history's check).
            let mut scratch = Cow::Borrowed(&current);
            for statement in &step.raw {
                let translate::Meaning::Ops(ops) = &statement.meaning else {
                    if statement.meaning.changes_schema() {
                        translate::follow(&statement.meaning, scratch.to_mut());
                    }
                    continue;
                };
                for op in ops {
                    let cx = OpCheck {
                        op,
                        before,
                        current: &scratch,
                        raw: &[],
                        backends,
                    };
                    let mut found = Vec::new();
                    per_op_rules(&cx, &mut found);
                    rules.extend(found.into_iter().map(|f| raw_sql::as_raw_ddl(f, statement)));
                    let _ = scratch.to_mut().apply(op);
                }
            }
        }
        let prior = backend_limits::needs_prior(step.op, backends).then(|| current.clone());
        match current.apply(step.op) {
            Ok(()) => {
                step.applied = true;
                findings.extend(rules);
                let prior = prior.as_ref().unwrap_or(&current);
                backend_limits::check(step.op, prior, &current, backends, &mut findings);
                backend_names::check(step.op, &current, backends, &mut findings);
                backend_versions::check(step.op, prior, &current, backends, &mut findings);
                if matches!(step.op, Op::RenameTable { .. } | Op::RenameColumn { .. }) {
                    // Only what existed before is renamed in the view.
                    let _ = renamed_before.to_mut().apply(step.op);
                }
            }
            Err(e) => {
                clean = false;
                findings.push(replay::finding(e));
            }
        }
        out.extend(findings.into_iter().map(|f| (i, f)));
    }
    (current, clean, out)
}

/// The rules that look at one op.
fn per_op_rules(cx: &OpCheck<'_>, out: &mut Vec<Finding>) {
    add_column::check(cx, out);
    alter_column::check(cx, out);
    constraints::check(cx, out);
    data_changes::check(cx, out);
    enums::check(cx, out);
    generated::check(cx, out);
    indexes::check(cx, out);
    removal::check(cx, out);
    rename::check(cx, out);
    views::check(cx, out);
    mysql_copy::check(cx, out);
}

/// Turns findings into diagnostics at their op, unless silenced there.
struct Placer<'a, 'o> {
    index: usize,
    migration: &'a Migration,
    out: &'o mut Vec<Diagnostic>,
}

impl Placer<'_, '_> {
    fn place_all(&mut self, phase: Phase, steps: &[Step<'_>], findings: Vec<(usize, Finding)>) {
        for (i, f) in findings {
            if let Some(step) = steps.get(i) {
                self.place(phase, step, f);
            }
        }
    }

    fn place(&mut self, phase: Phase, step: &Step<'_>, f: Finding) {
        let silenced = match f.rule.kind() {
            RuleKind::Structure => false,
            // History another tool already ran: the deploy these rules
            // guard is behind it.
            _ if self.migration.imported.is_some() => true,
            RuleKind::Compatibility => step.assured,
            RuleKind::Performance => self.migration.allow.iter().any(|a| a == f.rule.id()),
        };
        if silenced {
            return;
        }
        self.out.push(
            Diagnostic::new(
                f.rule,
                Location::Op {
                    migration: self.index,
                    phase,
                    path: step.path.clone(),
                },
                f.message,
                f.help,
            )
            .with_focus(f.focus),
        );
    }
}

#[cfg(test)]
pub(crate) mod tests;
