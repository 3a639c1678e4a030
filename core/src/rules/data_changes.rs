//! Changing rows: `unbatched-update`, `backfill-with-schema-change`.
//!
//! - An UPDATE or DELETE without WHERE on an existing table changes every
//!   row in one statement, so one transaction holds a lock on every row of a
//!   possibly large table. `op.backfill(..)` updates in batches by primary
//!   key, each batch in its own transaction. A statement behind a WITH
//!   clause, or a data-modifying one inside it (`WITH d AS (DELETE ..
//!   RETURNING *) SELECT ..`), counts as well: see [`sql::effect`].
//! - A data change (`backfill`, or `execute` of INSERT, UPDATE, DELETE,
//!   MERGE, TRUNCATE) in the same migration as DDL on the same table: the
//!   DDL lock (ACCESS EXCLUSIVE for most ALTERs on PostgreSQL) is held until
//!   the migration commits, so every query on the table waits for the whole
//!   data change. The schema change goes in one migration, the data change
//!   in the next. It is flagged at the data change.
//!
//! Tables created in the same migration are exempt from both: nothing else
//! uses them yet.

use super::sql::{self, Effect, Name};
use super::{Finding, MigrationCheck, OpCheck, Step};
use crate::diagnostic::Rule;
use crate::model::Op;
use crate::schema::Schema;

pub(super) fn check(cx: &OpCheck<'_>, out: &mut Vec<Finding>) {
    for effect in cx.statements().flat_map(sql::effect) {
        let Effect::Data {
            verb,
            table,
            filtered: false,
        } = effect
        else {
            continue;
        };
        let Some(existing) = resolve(cx.before, &table) else {
            continue;
        };
        out.push(Finding::new(
            Rule::UnbatchedUpdate,
            format!(
                "`{verb}` of existing table `{existing}` without a WHERE clause changes every row in one statement, locking them all until the migration commits"
            ),
            if verb == "UPDATE" {
                format!("use op.backfill(\"{existing}\", \"<SET list>\"), which updates in batches by primary key, each batch in its own transaction")
            } else {
                format!("delete in batches: op.execute with a WHERE clause that bounds each batch (e.g. by primary key range), or keep the rows and deprecate_table(\"{existing}\")")
            },
        ));
    }
}

/// The table of the schema that a name in SQL refers to.
fn resolve<'s>(schema: &'s Schema, name: &Name) -> Option<&'s str> {
    schema
        .tables
        .keys()
        .find(|t| name.is(t))
        .map(|t| t.as_str())
}

/// The tables whose schema one op changes, and how to call that change.
fn ddl_targets(step: &Step<'_>, cx: &MigrationCheck<'_>) -> Vec<(String, String)> {
    let one = |t: &str| vec![(t.to_string(), step.op.method().to_string())];
    match step.op {
        Op::CreateTable { name: table, .. }
        | Op::DropTable { name: table }
        | Op::AddColumn { table, .. }
        | Op::DropColumn { table, .. }
        | Op::RenameColumn { table, .. }
        | Op::AlterColumn { table, .. }
        | Op::DeprecateColumn { table, .. }
        | Op::CreateIndex { table, .. }
        | Op::DropIndex { table, .. }
        | Op::CreateUniqueConstraint { table, .. }
        | Op::CreatePrimaryKey { table, .. }
        | Op::CreateCheckConstraint { table, .. }
        | Op::ValidateConstraint { table, .. }
        | Op::DropConstraint { table, .. }
        | Op::CreateTrigger { table, .. }
        | Op::DropTrigger { table, .. }
        | Op::CommentOnTable { table, .. }
        | Op::CommentOnColumn { table, .. }
        | Op::DropCommentOnTable { table }
        | Op::DropCommentOnColumn { table, .. } => one(table),
        Op::RenameTable { from, to } => [one(from), one(to)].concat(),
        // The referenced table is locked too (SHARE ROW EXCLUSIVE).
        Op::CreateForeignKey {
            table, ref_table, ..
        } => [one(table), one(ref_table)].concat(),
        Op::Execute { .. } => {
            let mut out = Vec::new();
            for effect in step.statements().flat_map(sql::effect) {
                let Effect::Ddl {
                    verb,
                    tables,
                    indexes,
                } = effect
                else {
                    continue;
                };
                for schema in [cx.before, cx.after] {
                    for t in &tables {
                        out.extend(resolve(schema, t).map(|t| (t.to_string(), verb.to_string())));
                    }
                    for i in &indexes {
                        out.extend(schema.tables.iter().find_map(|(t, table)| {
                            table
                                .indexes
                                .keys()
                                .any(|k| i.is(k))
                                .then(|| (t.clone(), verb.to_string()))
                        }));
                    }
                }
            }
            out
        }
        // PostgreSQL recreates the type and rewrites every table of it.
        // (Adding or renaming a value locks only the type there.)
        Op::DropEnumValue { name, .. } => cx
            .before
            .enum_columns(name)
            .map(|(t, _)| (t.to_string(), step.op.method().to_string()))
            .collect(),
        // A view's ops lock the view, not the tables it reads.
        Op::DeprecateTable { .. }
        | Op::CreateView { .. }
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
        | Op::Backfill { .. }
        | Op::SafetyAssured { .. }
        | Op::CreateEnum { .. }
        | Op::AddEnumValue { .. }
        | Op::RenameEnumValue { .. }
        | Op::DropEnum { .. } => Vec::new(),
    }
}

/// The existing tables whose rows one op changes, and how to call that change.
fn data_targets(step: &Step<'_>, cx: &MigrationCheck<'_>) -> Vec<(String, String)> {
    match step.op {
        Op::Backfill { table, .. } if cx.before.tables.contains_key(&**table) => {
            vec![(table.to_string(), "the backfill of".to_string())]
        }
        Op::Execute { .. } => step
            .statements()
            .flat_map(sql::effect)
            .filter_map(|e| match e {
                Effect::Data { verb, table, .. } => {
                    resolve(cx.before, &table).map(|t| (t.to_string(), format!("`{verb}` of")))
                }
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// `backfill-with-schema-change`, over the upgrade of one migration.
pub(super) fn check_migration(cx: &MigrationCheck<'_>, out: &mut Vec<(usize, Finding)>) {
    let ddl: Vec<(String, String)> = cx
        .steps
        .iter()
        .filter(|s| s.applied)
        .flat_map(|s| ddl_targets(s, cx))
        .collect();
    for (i, step) in cx.steps.iter().enumerate() {
        if !step.applied {
            continue;
        }
        let mut seen = Vec::new();
        for (table, change) in data_targets(step, cx) {
            if seen.contains(&table) {
                continue;
            }
            let Some((_, schema_change)) = ddl.iter().find(|(t, _)| *t == table) else {
                // A backfill commits batch by batch, so the whole migration
                // runs outside a transaction: DDL on another existing table
                // would not be undone if the migration failed part-way.
                let other = ddl
                    .iter()
                    .find(|(t, _)| cx.before.tables.contains_key(t.as_str()));
                if let (Op::Backfill { .. }, Some((other, schema_change))) = (step.op, other) {
                    out.push((
                        i,
                        Finding::new(
                            Rule::BackfillWithSchemaChange,
                            format!(
                                "{change} `{table}` runs in the same migration as {schema_change} on `{other}`: a backfill commits batch by batch, so this migration runs outside a transaction and a failure part-way would leave the change of `{other}` applied without its revision"
                            ),
                            format!(
                                "put the schema change of `{other}` in one migration and the backfill of `{table}` in the next one"
                            ),
                        ),
                    ));
                    seen.push(table);
                }
                continue;
            };
            out.push((
                i,
                Finding::new(
                    Rule::BackfillWithSchemaChange,
                    format!(
                        "{change} `{table}` runs in the same migration as {schema_change} on `{table}`: the lock taken by the schema change is held for the whole data change"
                    ),
                    format!(
                        "put the schema change of `{table}` in one migration and the data change in the next one"
                    ),
                ),
            ));
            seen.push(table);
        }
    }
}
