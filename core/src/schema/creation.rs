//! A schema as the ops that create it from nothing: what `new
//! --from-database` writes as the first migration of an application that
//! never had migrations, from the schema introspected.

use std::collections::BTreeSet;

use super::{primary_key_name, unique_name, ConstraintKind, Schema, Table};
use crate::model::{CheckConstraint, Column, Op, PrimaryKey, UniqueConstraint};

impl Schema {
    /// The ops that build this schema on an empty database, in an order
    /// each applies in: extensions, enum types, tables (columns, primary
    /// key, unique and valid check constraints), functions, indexes,
    /// foreign keys (after every table, so that tables may refer to each
    /// other in any order), the constraints not yet validated, views in the
    /// order they read each other, the indexes of materialized views,
    /// triggers, comments.
    pub fn creation_ops(&self) -> Vec<Op> {
        let mut ops = Vec::new();
        for name in &self.extensions {
            ops.push(Op::CreateExtension {
                name: name.clone().into(),
                if_not_exists: false,
            });
        }
        for (name, values) in &self.enums {
            ops.push(Op::CreateEnum {
                name: name.clone().into(),
                values: values.iter().map(|v| v.clone().into()).collect(),
            });
        }
        for (name, table) in &self.tables {
            ops.push(create_table(name, table));
        }
        for f in self.functions.values() {
            ops.push(Op::CreateFunction {
                signature: f.signature.clone().into(),
                definition: f.definition.clone().into(),
            });
        }
        for (table_name, table) in &self.tables {
            for (name, index) in &table.indexes {
                ops.push(create_index(name, table_name, index));
            }
        }
        for (table_name, table) in &self.tables {
            ops.extend(later_constraints(table_name, table));
        }
        ops.extend(self.views_in_order());
        for (table_name, table) in &self.tables {
            for (name, trigger) in &table.triggers {
                ops.push(Op::CreateTrigger {
                    name: name.clone().into(),
                    table: table_name.clone().into(),
                    timing: trigger.timing.clone().into(),
                    body: trigger.body.clone().into(),
                });
            }
            ops.extend(comments(table_name, table));
        }
        ops
    }

    /// Views and materialized views (with their indexes), each after the
    /// views it reads; one whose reads are unknown comes last.
    fn views_in_order(&self) -> Vec<Op> {
        let mut done: BTreeSet<&str> = BTreeSet::new();
        let mut ops = Vec::new();
        let mut left: Vec<(&String, &super::View)> = self.views.iter().collect();
        while !left.is_empty() {
            let ready = |v: &super::View| {
                v.reads.as_ref().is_some_and(|reads| {
                    reads
                        .iter()
                        .all(|r| !self.views.contains_key(r) || done.contains(r.as_str()))
                })
            };
            // A cycle, or reads not known: the rest in name order.
            let at = left.iter().position(|(_, v)| ready(v)).unwrap_or(0);
            let (name, view) = left.remove(at);
            done.insert(name);
            ops.push(if view.materialized {
                Op::CreateMaterializedView {
                    name: name.clone().into(),
                    query: view.query.clone().into(),
                    with_no_data: false,
                }
            } else {
                Op::CreateView {
                    name: name.clone().into(),
                    query: view.query.clone().into(),
                }
            });
            for (index_name, index) in &view.indexes {
                ops.push(create_index(index_name, name, index));
            }
        }
        ops
    }
}

fn create_table(name: &str, table: &Table) -> Op {
    let mut primary_key = None;
    let mut uniques = Vec::new();
    let mut checks = Vec::new();
    for (constraint_name, c) in &table.constraints {
        if !c.valid {
            continue;
        }
        match &c.kind {
            ConstraintKind::PrimaryKey { columns } => {
                primary_key = Some(PrimaryKey {
                    name: (*constraint_name != primary_key_name(name))
                        .then(|| constraint_name.clone().into()),
                    columns: columns.iter().map(|c| c.clone().into()).collect(),
                });
            }
            ConstraintKind::Unique { columns } => uniques.push(UniqueConstraint {
                name: (*constraint_name != unique_name(name, columns))
                    .then(|| constraint_name.clone().into()),
                columns: columns.iter().map(|c| c.clone().into()).collect(),
            }),
            ConstraintKind::Check { expr } => checks.push(CheckConstraint {
                name: constraint_name.clone().into(),
                expr: expr.clone().into(),
            }),
            ConstraintKind::ForeignKey { .. } => {}
        }
    }
    Op::CreateTable {
        name: name.to_string().into(),
        columns: table
            .columns
            .iter()
            .map(|c| Column {
                name: c.name.clone().into(),
                ty: c.ty.clone(),
                nullable: c.nullable,
                primary_key: false,
                unique: false,
                autoincrement: c.autoincrement,
                default: c.default.clone(),
                references: None,
                on_delete: Default::default(),
                on_update: Default::default(),
                deferrable: Default::default(),
                generated: c.generated.as_ref().map(|g| g.expr.clone()),
                stored: c.generated.as_ref().is_some_and(|g| g.stored),
                serial: c.serial,
            })
            .collect(),
        primary_key,
        uniques: uniques.into(),
        checks: checks.into(),
        if_not_exists: false,
    }
}

fn create_index(name: &str, table: &str, index: &super::Index) -> Op {
    Op::CreateIndex {
        name: name.to_string().into(),
        table: table.to_string().into(),
        keys: index.keys.clone().into(),
        unique: index.unique,
        concurrently: false,
        method: index.method,
        include: index.include.iter().map(|c| c.clone().into()).collect(),
        predicate: index.predicate.clone().map(Into::into),
        if_not_exists: false,
    }
}

/// Foreign keys, and the constraints added `NOT VALID` and not validated
/// since (which `create_table` cannot say).
fn later_constraints(table_name: &str, table: &Table) -> Vec<Op> {
    let mut ops = Vec::new();
    for (name, c) in &table.constraints {
        match &c.kind {
            ConstraintKind::ForeignKey {
                columns,
                ref_table,
                ref_columns,
                on_delete,
                on_update,
                deferrable,
            } => ops.push(Op::CreateForeignKey {
                name: name.clone().into(),
                table: table_name.to_string().into(),
                columns: columns.iter().map(|c| c.clone().into()).collect(),
                ref_table: ref_table.clone().into(),
                ref_columns: ref_columns.iter().map(|c| c.clone().into()).collect(),
                on_delete: *on_delete,
                on_update: *on_update,
                deferrable: *deferrable,
                not_valid: !c.valid,
            }),
            ConstraintKind::Check { expr } if !c.valid => ops.push(Op::CreateCheckConstraint {
                name: name.clone().into(),
                table: table_name.to_string().into(),
                expr: expr.clone().into(),
                not_valid: true,
            }),
            _ => {}
        }
    }
    ops
}

fn comments(table_name: &str, table: &Table) -> Vec<Op> {
    let mut ops = Vec::new();
    if let Some(text) = &table.comment {
        ops.push(Op::CommentOnTable {
            table: table_name.to_string().into(),
            text: text.clone().into(),
        });
    }
    for (column, text) in &table.column_comments {
        ops.push(Op::CommentOnColumn {
            table: table_name.to_string().into(),
            column: column.clone().into(),
            text: text.clone().into(),
        });
    }
    for (name, text) in &table.constraint_comments {
        ops.push(Op::CommentOnConstraint {
            name: name.clone().into(),
            table: table_name.to_string().into(),
            text: text.clone().into(),
        });
    }
    ops
}

#[cfg(test)]
mod tests {
    use crate::model::Op;
    use crate::schema::Schema;
    use crate::vocabulary::parse_ops;

    /// Replays `text` on an empty schema; its creation ops replayed on
    /// another must give the same schema.
    fn round_trip(text: &str) -> Vec<Op> {
        let mut schema = Schema::new();
        for op in parse_ops(text).expect("the fixture reads") {
            schema
                .apply(&op)
                .unwrap_or_else(|e| panic!("{op}: {}", e.message));
        }
        let ops = schema.creation_ops();
        let mut again = Schema::new();
        for op in &ops {
            again
                .apply(op)
                .unwrap_or_else(|e| panic!("{op}: {}", e.message));
        }
        assert_eq!(schema.differences(&again), vec![], "{ops:#?}");
        ops
    }

    #[test]
    fn a_schema_is_created_again_by_its_ops() {
        let ops = round_trip(
            r#"op.create_extension("pg_trgm");
op.create_enum("mood", ["sad", "happy"]);
op.create_table("orgs", [column("id", BigInt).primary_key(), column("owner_id", BigInt)]).unique_named("orgs_owner", ["owner_id"]);
op.create_table("users", [column("id", BigInt).primary_key().autoincrement(), column("email", Varchar(255)).not_null().unique(), column("mood", Enum("mood")), column("org_id", BigInt).references("orgs", "id").on_delete(Action::Cascade)]).check("email_has_at", "email LIKE '%@%'");
op.create_foreign_key("orgs_owner_fkey", "orgs", ["owner_id"], "users", ["id"]).not_valid();
op.create_check_constraint("orgs_id_positive", "orgs", "id > 0").not_valid();
op.create_index("users_lower_email", "users", [expr("lower(email)")]).unique().where_("email IS NOT NULL");
op.create_view("active_users", "SELECT id FROM users");
op.create_view("active_user_count", "SELECT count(*) FROM active_users");
op.create_materialized_view("org_sizes", "SELECT org_id, count(*) FROM users GROUP BY org_id");
op.create_index("org_sizes_org", "org_sizes", ["org_id"]).unique();
op.create_function("touch()", "RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$");
op.create_trigger("users_touch", "users", "BEFORE UPDATE", "FOR EACH ROW EXECUTE FUNCTION touch()");
op.comment_on_table("users", "people");
op.comment_on_column("users", "email", "where we write");
"#,
        );
        let views: Vec<String> = ops
            .iter()
            .filter(|op| matches!(op, Op::CreateView { .. }))
            .map(|op| op.to_string())
            .collect();
        assert!(views[0].contains("\"active_users\""), "{views:?}");
    }
}
