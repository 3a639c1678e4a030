//! Finishing a migration that an earlier run left half-applied (its
//! process killed, its connection dropped, or a statement rejected), when
//! the database can say exactly how far it got.
//!
//! The runner holds the migration lock on every backend, so a version row
//! still marked `upgrading` / `downgrading` under the lock belongs to a run
//! that stopped. Its `op_index` says which op stopped; whether that op ran
//! depends on how it was run (see `recorded`):
//!
//! - an atomic op was rolled back with its record: run it again;
//! - a backfill continues after its recorded key;
//! - an op outside a transaction is judged by the schema: read back, and
//!   compared with the model before and after the op, restricted to the
//!   tables the op changes. Before: run it. After: go on with the next one.
//!   Anything else, or an op that changes nothing the schema shows (raw
//!   SQL), and the runner refuses with the exact resolution instead.
//!   On PostgreSQL an interrupted `CREATE INDEX CONCURRENTLY` leaves an
//!   invalid index: it is dropped and built again.
//!
//! A row whose checksum is not the embedded one is never resumed: the ops
//! that ran may not be the ones this binary has.

use godwit_core::schema::Schema;
use godwit_core::{Migration, Phase};

use super::plan::{count_before, RenderedOp};
use super::recorded::{class, OpClass, Start};
use super::version::AppliedRecord;
use crate::database::{text, Database};
use crate::dialect::{normalise, Dialect, Statement};
use crate::{Error, MigrationSet};

/// What to do with a half-applied migration.
pub(crate) enum Plan {
    /// Resume at `start`; `how` says why that is safe.
    Resume { start: Start, how: String },
    /// Resuming is not safe; `finding` says why.
    Refuse { finding: String },
}

/// The schema model before op `index` of `m`'s `phase` (k: its position).
fn model_before(
    set: &MigrationSet,
    k: usize,
    m: &Migration,
    phase: Phase,
    index: usize,
) -> Result<Schema, Error> {
    let mut schema = set.schema_at(count_before(k, phase))?;
    for op in m.ops(phase).iter().take(index) {
        // The set replayed when it was built; a failure here cannot happen,
        // and if it did the comparison below would refuse.
        let _ = schema.apply(op);
    }
    Ok(schema)
}

/// `schema` restricted to `tables`.
fn only(schema: &Schema, tables: &[String]) -> Schema {
    let mut out = schema.clone();
    out.tables.retain(|name, _| tables.contains(name));
    out
}

/// Whether the PostgreSQL index `name` exists, and if so whether it is valid.
fn pg_index_valid<D: Database + ?Sized>(db: &mut D, name: &str) -> Result<Option<bool>, Error> {
    let sql = format!(
        "SELECT CAST(ix.indisvalid AS TEXT) AS c0 FROM pg_catalog.pg_index ix \
         JOIN pg_catalog.pg_class c ON c.oid = ix.indexrelid \
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = current_schema() AND c.relname = {}",
        Dialect::Postgres.string_literal(name)
    );
    let rows = db
        .query(&sql, 1)
        .map_err(|e| Error::database("reading the state of an interrupted index build", e))?;
    Ok(rows.first().map(|r| text(r, 0) == "true"))
}

/// Decides where the half-applied migration `k` (row `record`) resumes.
pub(crate) fn plan<D: Database + ?Sized>(
    set: &MigrationSet,
    db: &mut D,
    k: usize,
    phase: Phase,
    ops: &[RenderedOp],
    record: &AppliedRecord,
) -> Result<Plan, Error> {
    let m = set.migrations()[k];
    if record.checksum != *m.checksum {
        return Ok(Plan::Refuse {
            finding: format!(
                "the migration was changed since the interrupted run (it recorded checksum {}, this binary embeds {}), so the ops that ran may not be the ones this binary has",
                record.checksum, m.checksum
            ),
        });
    }
    let d = db.dialect();
    let i = record.op_index.unwrap_or(0);
    let resume = |op: usize, key: Option<String>, how: String| Plan::Resume {
        start: Start { op, key },
        how,
    };
    let Some(op) = ops.get(i) else {
        return Ok(resume(
            ops.len(),
            None,
            "every op had completed; only the final record was missing".into(),
        ));
    };
    let n = i + 1;
    match class(d, op) {
        OpClass::Batched => {
            let how = match &record.resume_key {
                Some(key) => format!("op {n} (a batched backfill) continues after key {key}, the last one its committed batches reached"),
                None => format!("op {n} (a batched backfill) had committed no batch"),
            };
            return Ok(resume(i, record.resume_key.clone(), how));
        }
        OpClass::Atomic => {
            return Ok(resume(
                i,
                None,
                format!("op {n} runs in a transaction with its record: it was rolled back"),
            ))
        }
        OpClass::Outside => {}
    }
    if let (Dialect::Postgres, Some(index)) = (d, &op.concurrent_index) {
        return Ok(match pg_index_valid(db, index)? {
            Some(true) => resume(i + 1, None, format!("the index of op {n} was built")),
            Some(false) => {
                let drop = format!(
                    "DROP INDEX CONCURRENTLY IF EXISTS {}",
                    Dialect::Postgres.quote(index)
                );
                db.execute(&drop).map_err(|e| {
                    Error::database(
                        format!(
                            "dropping the invalid index left by an interrupted build (`{drop}`)"
                        ),
                        e,
                    )
                })?;
                resume(
                    i,
                    None,
                    format!("the interrupted build of op {n} left an invalid index, now dropped"),
                )
            }
            None => resume(i, None, format!("the index of op {n} was not built")),
        });
    }
    let single = matches!(op.statements.as_slice(), [Statement::Sql(_)]);
    if record.state.is_failed() && single {
        return Ok(resume(
            i,
            None,
            format!("op {n} is one statement, which the database rejected: nothing of it ran"),
        ));
    }
    let model = model_before(set, k, m, phase, i)?;
    let mut after = model.clone();
    if let Some(o) = m.ops(phase).get(i) {
        let _ = after.apply(o);
    }
    let (before, after) = (normalise(&model, d), normalise(&after, d));
    let mut tables: Vec<String> = before
        .tables
        .keys()
        .chain(after.tables.keys())
        .filter(|t| before.tables.get(*t) != after.tables.get(*t))
        .cloned()
        .collect();
    tables.sort();
    tables.dedup();
    if tables.is_empty() {
        return Ok(Plan::Refuse {
            finding: format!(
                "op {n} (`{}`) changes nothing godwit can read back from the schema, so whether it ran cannot be told",
                op.text
            ),
        });
    }
    let actual = normalise(&only(&db.introspect()?, &tables), d);
    let (before, after) = (only(&before, &tables), only(&after, &tables));
    if before.first_difference(&actual).is_none() {
        Ok(resume(
            i,
            None,
            format!("the schema shows op {n} had not run"),
        ))
    } else if after.first_difference(&actual).is_none() {
        Ok(resume(
            i + 1,
            None,
            format!("the schema shows op {n} had completed"),
        ))
    } else {
        Ok(Plan::Refuse {
            finding: format!(
                "the schema matches neither the state before op {n} nor the state after it (compared with the state before: {}): op {n} is partly applied, or the schema was changed by hand",
                before.first_difference(&actual).unwrap_or_default()
            ),
        })
    }
}
