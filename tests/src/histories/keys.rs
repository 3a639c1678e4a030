//! The ops on keys and tables: indexes, unique, check and foreign key
//! constraints, renaming and dropping a table.

use godwit::schema::{ConstraintKind, Index};
use godwit::{Action, ColumnType, Deferrable, Op};

use super::gen::Gen;
use super::ops::{constraint_op, create_index, drop_constraint, drop_index, index_op, recreate};
use super::values::{indexable, integer};
use super::Step;

impl Gen<'_> {
    /// One or two key columns of `table` for an index or a unique key
    /// (`unique`: none a backfill changed).
    pub(super) fn key_columns(&mut self, table: &str, unique: bool) -> Option<Vec<String>> {
        let cols: Vec<String> = self
            .table(table)
            .columns
            .iter()
            .filter(|c| c.generated.is_none() && indexable(&c.ty))
            .filter(|c| {
                !unique
                    || !self
                        .backfilled
                        .contains(&(table.to_string(), c.name.clone()))
            })
            .map(|c| c.name.clone())
            .collect();
        if cols.is_empty() {
            return None;
        }
        let mut out = vec![self.rng.pick(&cols).clone()];
        if cols.len() > 1 && self.rng.chance(35) {
            let second = self.rng.pick(&cols).clone();
            if second != out[0] {
                out.push(second);
            }
        }
        Some(out)
    }

    pub(super) fn create_index(&mut self) -> Option<Vec<Step>> {
        let table = self.pick_table()?;
        let unique = self.rows(&table) <= 1 && self.rng.chance(30);
        let cols = self.key_columns(&table, unique)?;
        let name = self.fresh("ix");
        self.key(&table, &cols);
        Some(vec![Step {
            up: create_index(&name, &table, &cols, unique),
            down: vec![drop_index(&name, &table)],
        }])
    }

    pub(super) fn drop_index(&mut self) -> Option<Vec<Step>> {
        let table = self.pick_table()?;
        let indexes: Vec<(String, Index)> = self
            .table(&table)
            .indexes
            .iter()
            .map(|(n, i)| (n.clone(), i.clone()))
            .collect();
        if indexes.is_empty() {
            return None;
        }
        let (name, index) = self.rng.pick(&indexes).clone();
        Some(vec![Step {
            up: drop_index(&name, &table),
            down: vec![index_op(&name, &table, &index)],
        }])
    }

    pub(super) fn create_unique(&mut self) -> Option<Vec<Step>> {
        let table = self.pick_table()?;
        if self.rows(&table) > 1 {
            return None;
        }
        let cols = self.key_columns(&table, true)?;
        let name = self.fresh("uq");
        self.key(&table, &cols);
        Some(vec![Step {
            up: Op::CreateUniqueConstraint {
                name: name.clone().into(),
                table: table.clone().into(),
                columns: cols.into_iter().map(Into::into).collect(),
                using_index: None,
            },
            down: vec![drop_constraint(&name, &table)],
        }])
    }

    pub(super) fn create_check(&mut self) -> Option<Vec<Step>> {
        let table = self.pick_table()?;
        let c = self.pick_column(&table, |_, c| integer(&c.ty))?;
        let name = self.fresh("ck");
        self.key(&table, std::slice::from_ref(&c.name));
        Some(vec![Step {
            up: Op::CreateCheckConstraint {
                name: name.clone().into(),
                table: table.clone().into(),
                expr: format!("{} >= 0", c.name).into(),
                not_valid: false,
            },
            down: vec![drop_constraint(&name, &table)],
        }])
    }

    pub(super) fn create_foreign_key(&mut self) -> Option<Vec<Step>> {
        let table = self.pick_table()?;
        if self.rows(&table) > 0 {
            return None;
        }
        let refs = self.referenceable();
        if refs.is_empty() {
            return None;
        }
        let (rt, rc) = self.rng.pick(&refs).clone();
        let c = self.pick_column(&table, |g, c| {
            c.ty == ColumnType::BigInt
                && !g.is_pk(&table, &c.name)
                && !g.in_foreign_key(&table, &c.name)
        })?;
        let mut steps = Vec::new();
        if !self
            .table(&table)
            .has_index_leading_with(std::slice::from_ref(&c.name))
        {
            let index = self.fresh("ix");
            steps.push(Step {
                up: create_index(&index, &table, std::slice::from_ref(&c.name), false),
                down: vec![drop_index(&index, &table)],
            });
        }
        let name = self.fresh("fk");
        self.key(&table, std::slice::from_ref(&c.name));
        let on_delete = *self
            .rng
            .pick(&[Action::NoAction, Action::Cascade, Action::Restrict]);
        steps.push(Step {
            up: Op::CreateForeignKey {
                name: name.clone().into(),
                table: table.clone().into(),
                columns: vec![c.name.into()].into(),
                ref_table: rt.into(),
                ref_columns: vec![rc.into()].into(),
                on_delete,
                on_update: Action::NoAction,
                deferrable: Deferrable::NotDeferrable,
                not_valid: false,
            },
            down: vec![drop_constraint(&name, &table)],
        });
        Some(steps)
    }

    pub(super) fn drop_constraint(&mut self) -> Option<Vec<Step>> {
        let table = self.pick_table()?;
        let constraints: Vec<(String, ConstraintKind)> = self
            .table(&table)
            .constraints
            .iter()
            .filter(|(_, c)| !matches!(c.kind, ConstraintKind::PrimaryKey { .. }))
            .map(|(n, c)| (n.clone(), c.kind.clone()))
            .collect();
        if constraints.is_empty() {
            return None;
        }
        let (name, kind) = self.rng.pick(&constraints).clone();
        Some(vec![Step {
            up: drop_constraint(&name, &table),
            down: vec![constraint_op(&name, &table, &kind)],
        }])
    }

    pub(super) fn rename_table(&mut self) -> Option<Vec<Step>> {
        let table = self.pick_table()?;
        let to = self.fresh("t");
        Some(vec![Step {
            up: Op::RenameTable {
                from: table.clone().into(),
                to: to.clone().into(),
            },
            down: vec![Op::RenameTable {
                from: to.into(),
                to: table.into(),
            }],
        }])
    }

    pub(super) fn drop_table(&mut self) -> Option<Vec<Step>> {
        let table = self.pick_table()?;
        let referenced = self.schema.tables.iter().any(|(name, t)| {
            *name != table
                && t.constraints.values().any(|c| {
                    matches!(&c.kind, ConstraintKind::ForeignKey { ref_table, .. } if *ref_table == table)
                })
        });
        if referenced || self.read_by_view(&table, None) {
            return None;
        }
        let down = recreate(&table, self.table(&table));
        Some(vec![Step {
            up: Op::DropTable { name: table.into() },
            down,
        }])
    }
}
