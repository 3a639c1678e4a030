//! The ops the generator writes, built from the schema model: an index,
//! a constraint or a whole table as the model holds it, for the inverses.

use godwit::schema::{ColumnState, ConstraintKind, Index, Table};
use godwit::{CheckConstraint, Column, ColumnChange, Op, PrimaryKey, UniqueConstraint};
use godwit_core::{List, Str};

/// `op` (a `create_table`, perhaps in `safety_assured`) with one of its
/// columns fewer, for each column that is not a key.
pub(super) fn fewer_columns(op: &Op) -> Vec<Op> {
    match op {
        Op::SafetyAssured { reason, ops } if ops.len() == 1 => fewer_columns(&ops[0])
            .into_iter()
            .map(|o| Op::SafetyAssured {
                reason: reason.clone(),
                ops: vec![o].into(),
            })
            .collect(),
        Op::CreateTable {
            name,
            columns,
            primary_key,
            uniques,
            checks,
            if_not_exists,
        } if columns.len() > 1 => (0..columns.len())
            .filter(|&i| !columns[i].primary_key)
            .map(|i| {
                let mut columns = columns.to_vec();
                columns.remove(i);
                Op::CreateTable {
                    name: name.clone(),
                    columns: columns.into(),
                    primary_key: primary_key.clone(),
                    uniques: uniques.clone(),
                    checks: checks.clone(),
                    if_not_exists: *if_not_exists,
                }
            })
            .collect(),
        _ => Vec::new(),
    }
}

pub(super) fn alter(table: &str, column: &str, change: ColumnChange) -> Op {
    Op::AlterColumn {
        table: table.to_string().into(),
        column: column.to_string().into(),
        changes: vec![change].into(),
    }
}

pub(super) fn create_index(name: &str, table: &str, cols: &[String], unique: bool) -> Op {
    index_op(
        name,
        table,
        &Index::on_columns(cols.iter().cloned(), unique),
    )
}

pub(super) fn index_op(name: &str, table: &str, index: &Index) -> Op {
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

pub(super) fn drop_index(name: &str, table: &str) -> Op {
    Op::DropIndex {
        name: name.to_string().into(),
        table: table.to_string().into(),
        concurrently: false,
        if_exists: false,
    }
}

pub(super) fn drop_constraint(name: &str, table: &str) -> Op {
    Op::DropConstraint {
        name: name.to_string().into(),
        table: table.to_string().into(),
    }
}

/// The op that creates constraint `name` of `table` as the model holds it.
pub(super) fn constraint_op(name: &str, table: &str, kind: &ConstraintKind) -> Op {
    let list = |cols: &[String]| -> List<Str> { cols.iter().map(|c| c.clone().into()).collect() };
    match kind {
        ConstraintKind::PrimaryKey { columns } => Op::CreatePrimaryKey {
            name: name.to_string().into(),
            table: table.to_string().into(),
            columns: list(columns),
            using_index: None,
        },
        ConstraintKind::Unique { columns } => Op::CreateUniqueConstraint {
            name: name.to_string().into(),
            table: table.to_string().into(),
            columns: list(columns),
            using_index: None,
        },
        ConstraintKind::Check { expr } => Op::CreateCheckConstraint {
            name: name.to_string().into(),
            table: table.to_string().into(),
            expr: expr.clone().into(),
            not_valid: false,
        },
        ConstraintKind::ForeignKey {
            columns,
            ref_table,
            ref_columns,
            on_delete,
            on_update,
            deferrable,
        } => Op::CreateForeignKey {
            name: name.to_string().into(),
            table: table.to_string().into(),
            columns: list(columns),
            ref_table: ref_table.clone().into(),
            ref_columns: list(ref_columns),
            on_delete: *on_delete,
            on_update: *on_update,
            deferrable: *deferrable,
            not_valid: false,
        },
    }
}

/// A column as the model holds it, as the definition that makes it.
pub(super) fn column_of(c: &ColumnState) -> Column {
    let mut column = Column::new(c.name.clone().into(), c.ty.clone());
    column.nullable = c.nullable;
    column.default = c.default.clone();
    column.autoincrement = c.autoincrement;
    column.serial = c.serial;
    if let Some(g) = &c.generated {
        column.generated = Some(g.expr.clone());
        column.stored = g.stored;
    }
    column
}

/// The ops that create `table` again as the model holds it: the table
/// with its key, unique and check constraints, then its foreign keys and
/// indexes.
pub(super) fn recreate(name: &str, table: &Table) -> Vec<Op> {
    let mut columns: Vec<Column> = table.columns.iter().map(column_of).collect();
    let mut primary_key = None;
    let mut uniques = Vec::new();
    let mut checks = Vec::new();
    let mut after = Vec::new();
    for (cname, c) in &table.constraints {
        match &c.kind {
            ConstraintKind::PrimaryKey { columns: pk } => {
                let single = pk.len() == 1 && *cname == godwit::schema::primary_key_name(name);
                match columns.iter_mut().find(|c| single && c.name == pk[0]) {
                    Some(col) => col.primary_key = true,
                    None => {
                        primary_key = Some(PrimaryKey {
                            name: Some(cname.clone().into()),
                            columns: pk.iter().map(|c| c.clone().into()).collect(),
                        })
                    }
                }
            }
            // A unique key over the primary key's columns, or another's,
            // is added after the table: CREATE TABLE would not keep it.
            ConstraintKind::Unique { columns } => {
                let twice =
                    table
                        .constraints
                        .iter()
                        .filter(|(n, _)| *n != cname)
                        .any(|(_, other)| match &other.kind {
                            ConstraintKind::PrimaryKey { columns: k }
                            | ConstraintKind::Unique { columns: k } => k == columns,
                            _ => false,
                        });
                if twice {
                    after.push(constraint_op(cname, name, &c.kind));
                } else {
                    uniques.push(UniqueConstraint {
                        name: Some(cname.clone().into()),
                        columns: columns.iter().map(|c| c.clone().into()).collect(),
                    });
                }
            }
            ConstraintKind::Check { expr } => checks.push(CheckConstraint {
                name: cname.clone().into(),
                expr: expr.clone().into(),
            }),
            kind @ ConstraintKind::ForeignKey { .. } => {
                after.push(constraint_op(cname, name, kind))
            }
        }
    }
    let mut ops = vec![Op::CreateTable {
        name: name.to_string().into(),
        columns: columns.into(),
        primary_key,
        uniques: uniques.into(),
        checks: checks.into(),
        if_not_exists: false,
    }];
    ops.extend(after);
    for (iname, index) in &table.indexes {
        ops.push(index_op(iname, name, index));
    }
    ops
}
