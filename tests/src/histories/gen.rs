//! One random history: the schema model replayed as the ops are chosen, each
//! op valid for it and paired with the ops that undo it.

use std::collections::{BTreeMap, BTreeSet};

use godwit::schema::{ColumnState, ConstraintKind, Schema, Table};
use godwit::{
    Action, CheckConstraint, Column, ColumnChange, ColumnType, Op, PrimaryKey, Reference,
    UniqueConstraint,
};
use godwit_core::sql_text::{mentions, Syntax};

use super::ops::{alter, column_of, create_index, drop_index};
use super::values::{column_type, default_for, indexable, integer, wider};
use super::{History, Rng, Spec, Step};

/// A history of one to eight migrations.
pub(super) fn generate(rng: &mut Rng) -> History {
    let count = 1 + rng.below(8);
    let mut g = Gen {
        rng,
        schema: Schema::new(),
        rows: BTreeMap::new(),
        names: 0,
        values: 0,
        keyed: BTreeSet::new(),
        backfilled: BTreeSet::new(),
        renulled: BTreeSet::new(),
        views: BTreeMap::new(),
    };
    let mut migrations = Vec::new();
    for _ in 0..count {
        let spec = g.migration();
        if !spec.steps.is_empty() {
            migrations.push(spec);
        }
    }
    History { migrations }
}

/// The generator's state: the schema, and what it knows of the rows.
pub(super) struct Gen<'r> {
    pub(super) rng: &'r mut Rng,
    pub(super) schema: Schema,
    /// Rows inserted into each table (none are deleted by an upgrade).
    pub(super) rows: BTreeMap<String, u32>,
    pub(super) names: u32,
    /// The number of the next value inserted: every row's values differ.
    pub(super) values: u32,
    /// Columns that were ever a key of an index or constraint: a backfill
    /// leaves them alone (it may make values equal, or dangling, that a
    /// key recreated by a downgrade needs distinct or present).
    pub(super) keyed: BTreeSet<(String, String)>,
    /// Columns a backfill changed: no unique key on them afterwards.
    pub(super) backfilled: BTreeSet<(String, String)>,
    /// Columns made nullable (deprecated, or altered) whose downgrade sets
    /// NOT NULL again: dropped while the table holds rows without a
    /// default, they come back NULL from the drop's downgrade and that
    /// NOT NULL fails.
    pub(super) renulled: BTreeSet<(String, String)>,
    /// Views: the table and columns they read, and whether those still
    /// bear the names the query was written with.
    pub(super) views: BTreeMap<String, (String, Vec<String>, bool)>,
}

impl Gen<'_> {
    pub(super) fn fresh(&mut self, prefix: &str) -> String {
        self.names += 1;
        format!("{prefix}{}", self.names)
    }

    pub(super) fn table_names(&self) -> Vec<String> {
        self.schema.tables.keys().cloned().collect()
    }

    pub(super) fn table(&self, name: &str) -> &Table {
        &self.schema.tables[name]
    }

    pub(super) fn rows(&self, table: &str) -> u32 {
        self.rows.get(table).copied().unwrap_or(0)
    }

    pub(super) fn pick_table(&mut self) -> Option<String> {
        let names = self.table_names();
        (!names.is_empty()).then(|| self.rng.pick(&names).clone())
    }

    /// Tables with a single-column `BigInt` primary key, and that column:
    /// what a foreign key may reference.
    pub(super) fn referenceable(&self) -> Vec<(String, String)> {
        self.schema
            .tables
            .iter()
            .filter_map(|(name, t)| match t.primary_key() {
                Some([pk]) if t.column(pk).map(|c| &c.ty) == Some(&ColumnType::BigInt) => {
                    Some((name.clone(), pk.clone()))
                }
                _ => None,
            })
            .collect()
    }

    /// Whether `column` of `table` is in a foreign key, on either side.
    pub(super) fn in_foreign_key(&self, table: &str, column: &str) -> bool {
        self.schema.tables.iter().any(|(name, t)| {
            t.constraints.values().any(|c| match &c.kind {
                ConstraintKind::ForeignKey {
                    columns,
                    ref_table,
                    ref_columns,
                    ..
                } => {
                    (name == table && columns.iter().any(|c| c == column))
                        || (ref_table == table && ref_columns.iter().any(|c| c == column))
                }
                _ => false,
            })
        })
    }

    pub(super) fn read_by_view(&self, table: &str, column: Option<&str>) -> bool {
        self.schema.views.values().any(|v| {
            v.reads(table)
                && match column {
                    Some(c) => mentions(&v.query, Syntax::Postgres, c),
                    None => true,
                }
        })
    }

    pub(super) fn used_by_key(&self, table: &str, column: &str) -> bool {
        let t = self.table(table);
        t.indexes.values().any(|i| i.uses_column(column))
            || t.constraints.values().any(|c| c.kind.uses_column(column))
    }

    pub(super) fn is_pk(&self, table: &str, column: &str) -> bool {
        self.table(table)
            .primary_key()
            .is_some_and(|pk| pk.iter().any(|c| c == column))
    }

    pub(super) fn enum_first(&self, ty: &ColumnType) -> Option<String> {
        match ty {
            ColumnType::Enum(e) => self.schema.enums.get(&**e)?.first().cloned(),
            _ => None,
        }
    }

    /// One migration: a data change alone now and then (an insert, a
    /// backfill), else one to four schema steps.
    pub(super) fn migration(&mut self) -> Spec {
        let mut spec = Spec {
            steps: Vec::new(),
            allow: Vec::new(),
        };
        let roll = self.rng.below(100);
        let (count, data) = if self.schema.tables.is_empty() {
            (1 + self.rng.below(2), false)
        } else if roll < 15 {
            (1 + self.rng.below(2), true)
        } else {
            (1 + self.rng.below(4), false)
        };
        for _ in 0..count {
            for _attempt in 0..10 {
                let steps = if data {
                    if self.rng.chance(70) {
                        self.insert()
                    } else {
                        self.backfill()
                    }
                } else {
                    self.schema_step()
                };
                if let Some(steps) = steps {
                    for step in steps {
                        if self.schema.apply(&step.up).is_err() {
                            break;
                        }
                        self.track(&step.up);
                        spec.steps.push(step);
                    }
                    break;
                }
            }
        }
        spec
    }

    pub(super) fn schema_step(&mut self) -> Option<Vec<Step>> {
        let tables = self.schema.tables.len();
        let roll = self.rng.below(if tables < 2 { 40 } else { 100 });
        match roll {
            0..=14 => self.create_table(),
            15..=24 => self.add_column(),
            25..=29 => self.create_index(),
            30..=33 => self.create_enum(),
            34..=36 => self.create_view(),
            37..=39 => self.create_check(),
            40..=46 => self.alter_column(),
            47..=51 => self.rename_column(),
            52..=55 => self.drop_column(),
            56..=59 => self.drop_index(),
            60..=63 => self.create_unique(),
            64..=68 => self.create_foreign_key(),
            69..=73 => self.drop_constraint(),
            74..=77 => self.rename_table(),
            78..=81 => self.drop_table(),
            82..=85 => self.deprecate_column(),
            86..=88 => self.drop_view(),
            89..=91 => self.add_enum_value(),
            92..=93 => self.drop_enum(),
            _ => self.create_table(),
        }
    }

    /// What the generator remembers beyond the schema, after `op`.
    pub(super) fn track(&mut self, op: &Op) {
        match op {
            Op::RenameTable { from, to } => {
                if let Some(n) = self.rows.remove(&**from) {
                    self.rows.insert(to.to_string(), n);
                }
                for set in [&mut self.keyed, &mut self.backfilled, &mut self.renulled] {
                    *set = std::mem::take(set)
                        .into_iter()
                        .map(|(t, c)| {
                            if t == **from {
                                (to.to_string(), c)
                            } else {
                                (t, c)
                            }
                        })
                        .collect();
                }
                for v in self.views.values_mut() {
                    if v.0 == **from {
                        v.0 = to.to_string();
                        v.2 = false;
                    }
                }
            }
            Op::RenameColumn { table, from, to } => {
                for set in [&mut self.keyed, &mut self.backfilled, &mut self.renulled] {
                    *set = std::mem::take(set)
                        .into_iter()
                        .map(|(t, c)| {
                            if t == **table && c == **from {
                                (t, to.to_string())
                            } else {
                                (t, c)
                            }
                        })
                        .collect();
                }
                for v in self.views.values_mut() {
                    if v.0 == **table && v.1.iter().any(|c| c == &**from) {
                        v.2 = false;
                    }
                }
            }
            Op::DropTable { name } => {
                self.rows.remove(&**name);
            }
            Op::DropView { name, .. } => {
                self.views.remove(&**name);
            }
            _ => {}
        }
    }

    pub(super) fn key(&mut self, table: &str, columns: &[String]) {
        for c in columns {
            self.keyed.insert((table.to_string(), c.clone()));
        }
    }

    /// A new column for `table` (`existing`: the table exists already and
    /// may hold rows), and the steps that go with it (the index of a
    /// foreign key).
    pub(super) fn new_column(&mut self, table: &str, existing: bool) -> (Column, Vec<Step>) {
        let name = self.fresh("c");
        let rows = if existing { self.rows(table) } else { 0 };
        let mut after = Vec::new();
        let refs = self.referenceable();
        if !refs.is_empty() && self.rng.chance(12) {
            let (rt, rc) = self.rng.pick(&refs).clone();
            let mut c = Column::new(name.clone().into(), ColumnType::BigInt);
            c.nullable = existing || self.rng.chance(70);
            c.references = Some(Reference {
                table: rt.into(),
                column: rc.into(),
            });
            c.on_delete = *self.rng.pick(&if c.nullable {
                vec![
                    Action::NoAction,
                    Action::Cascade,
                    Action::SetNull,
                    Action::Restrict,
                ]
            } else {
                vec![Action::NoAction, Action::Cascade, Action::Restrict]
            });
            let index = self.fresh("ix");
            after.push(Step {
                up: create_index(&index, table, std::slice::from_ref(&name), false),
                down: vec![drop_index(&index, table)],
            });
            self.key(table, std::slice::from_ref(&name));
            return (c, after);
        }
        let enums: Vec<String> = self.schema.enums.keys().cloned().collect();
        let ty = if !enums.is_empty() && self.rng.chance(10) {
            ColumnType::Enum(self.rng.pick(&enums).clone().into())
        } else {
            column_type(self.rng)
        };
        let first = self.enum_first(&ty);
        let mut c = Column::new(name.clone().into(), ty.clone());
        c.nullable = self.rng.chance(55);
        if self.rng.chance(35) || (!c.nullable && rows > 0) {
            c.default = default_for(self.rng, &ty, first.as_deref());
        }
        if !c.nullable && rows > 0 && c.default.is_none() {
            c.nullable = true;
        }
        if indexable(&ty) && rows <= 1 && self.rng.chance(8) {
            c.unique = true;
            self.key(table, std::slice::from_ref(&name));
        }
        (c, after)
    }

    pub(super) fn create_table(&mut self) -> Option<Vec<Step>> {
        let name = self.fresh("t");
        let mut columns = Vec::new();
        let mut primary_key = None;
        if self.rng.chance(10) {
            let k = self.fresh("k");
            let mut id = Column::new("id".into(), ColumnType::BigInt);
            id.nullable = false;
            let mut kc = Column::new(k.clone().into(), ColumnType::Varchar(40));
            kc.nullable = false;
            columns.push(id);
            columns.push(kc);
            primary_key = Some(PrimaryKey {
                name: self.rng.chance(50).then(|| self.fresh("pk").into()),
                columns: vec!["id".into(), k.into()].into(),
            });
        } else {
            let mut id = Column::new("id".into(), ColumnType::BigInt);
            id.primary_key = true;
            id.nullable = false;
            id.autoincrement = self.rng.chance(15);
            columns.push(id);
        }
        let mut after = Vec::new();
        for _ in 0..1 + self.rng.below(4) {
            let (c, steps) = self.new_column(&name, false);
            columns.push(c);
            after.extend(steps);
        }
        let mut checks = Vec::new();
        let ints: Vec<String> = columns
            .iter()
            .filter(|c| integer(&c.ty) && c.references.is_none() && !c.primary_key)
            .map(|c| c.name.to_string())
            .collect();
        if !ints.is_empty() && self.rng.chance(20) {
            let c = self.rng.pick(&ints).clone();
            checks.push(CheckConstraint {
                name: self.fresh("ck").into(),
                expr: format!("{c} >= 0").into(),
            });
        }
        let mut uniques = Vec::new();
        let keys: Vec<String> = columns
            .iter()
            .filter(|c| indexable(&c.ty) && !c.primary_key && c.references.is_none())
            .map(|c| c.name.to_string())
            .collect();
        if keys.len() >= 2 && self.rng.chance(15) {
            let cols = vec![keys[0].clone(), keys[1].clone()];
            self.key(&name, &cols);
            uniques.push(UniqueConstraint {
                name: self.rng.chance(50).then(|| self.fresh("uq").into()),
                columns: cols.into_iter().map(Into::into).collect(),
            });
        }
        let mut steps = vec![Step {
            up: Op::CreateTable {
                name: name.clone().into(),
                columns: columns.into(),
                primary_key,
                uniques: uniques.into(),
                checks: checks.into(),
                if_not_exists: false,
            },
            down: vec![Op::DropTable { name: name.into() }],
        }];
        steps.extend(after);
        Some(steps)
    }

    pub(super) fn add_column(&mut self) -> Option<Vec<Step>> {
        let table = self.pick_table()?;
        let (column, after) = self.new_column(&table, true);
        let name = column.name.clone();
        let mut steps = vec![Step {
            up: Op::AddColumn {
                table: table.clone().into(),
                column,
            },
            down: vec![Op::DropColumn {
                table: table.into(),
                column: name,
            }],
        }];
        steps.extend(after);
        Some(steps)
    }

    /// A column of a table, by the filter `ok`.
    pub(super) fn pick_column(
        &mut self,
        table: &str,
        ok: impl Fn(&Self, &ColumnState) -> bool,
    ) -> Option<ColumnState> {
        let cols: Vec<ColumnState> = self
            .table(table)
            .columns
            .iter()
            .filter(|c| c.generated.is_none() && ok(self, c))
            .cloned()
            .collect();
        (!cols.is_empty()).then(|| self.rng.pick(&cols).clone())
    }

    pub(super) fn drop_column(&mut self) -> Option<Vec<Step>> {
        let table = self.pick_table()?;
        if self.table(&table).columns.len() < 3 {
            return None;
        }
        let rows = self.rows(&table);
        let c = self.pick_column(&table, |g, c| {
            !g.is_pk(&table, &c.name)
                && !g.used_by_key(&table, &c.name)
                && !g.read_by_view(&table, Some(&c.name))
                && (rows == 0 || g.refills(&table, c))
        })?;
        Some(vec![Step {
            up: Op::DropColumn {
                table: table.clone().into(),
                column: c.name.clone().into(),
            },
            down: vec![Op::AddColumn {
                table: table.into(),
                column: column_of(&c),
            }],
        }])
    }

    /// Whether the downgrade of dropping column `c` from `table`, which
    /// holds rows, can add it back, with values that the downgrades run
    /// after it accept: the column comes back holding its default in every
    /// row, or NULL. A NOT NULL column needs the default, and so does one
    /// whose NOT NULL a downgrade sets again; a key recreated (unique,
    /// foreign or check) takes NULLs but not one value in every row.
    fn refills(&self, table: &str, c: &ColumnState) -> bool {
        let k = (table.to_string(), c.name.clone());
        match c.default {
            None => c.nullable && !self.renulled.contains(&k),
            Some(_) => !self.keyed.contains(&k),
        }
    }

    pub(super) fn rename_column(&mut self) -> Option<Vec<Step>> {
        let table = self.pick_table()?;
        let c = self.pick_column(&table, |_, _| true)?;
        let to = self.fresh("c");
        Some(vec![Step {
            up: Op::RenameColumn {
                table: table.clone().into(),
                from: c.name.clone().into(),
                to: to.clone().into(),
            },
            down: vec![Op::RenameColumn {
                table: table.into(),
                from: to.into(),
                to: c.name.into(),
            }],
        }])
    }

    pub(super) fn alter_column(&mut self) -> Option<Vec<Step>> {
        let table = self.pick_table()?;
        let rows = self.rows(&table);
        let c = self.pick_column(&table, |_, c| !c.autoincrement)?;
        let pk = self.is_pk(&table, &c.name);
        let first = self.enum_first(&c.ty);
        let (change, undo) = match self.rng.below(5) {
            0 => {
                if pk
                    || self.in_foreign_key(&table, &c.name)
                    || self.read_by_view(&table, Some(&c.name))
                {
                    return None;
                }
                let to = wider(self.rng, &c.ty)?;
                if to == ColumnType::Text && self.used_by_key(&table, &c.name) {
                    return None;
                }
                (
                    ColumnChange::SetType(to),
                    ColumnChange::SetType(c.ty.clone()),
                )
            }
            1 if !c.nullable && !pk => {
                self.renulled.insert((table.clone(), c.name.clone()));
                (ColumnChange::Nullable(true), ColumnChange::Nullable(false))
            }
            2 if c.nullable && rows == 0 => {
                (ColumnChange::Nullable(false), ColumnChange::Nullable(true))
            }
            3 => {
                let new = default_for(self.rng, &c.ty, first.as_deref())?;
                let undo = match &c.default {
                    Some(old) => ColumnChange::SetDefault(old.clone()),
                    None => ColumnChange::DropDefault,
                };
                (ColumnChange::SetDefault(new), undo)
            }
            4 => {
                let old = c.default.clone()?;
                (ColumnChange::DropDefault, ColumnChange::SetDefault(old))
            }
            _ => return None,
        };
        Some(vec![Step {
            up: alter(&table, &c.name, change),
            down: vec![alter(&table, &c.name, undo)],
        }])
    }
}
