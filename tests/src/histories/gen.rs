//! One random history: the schema model replayed as the ops are chosen, each
//! op valid for it and paired with the ops that undo it.

use std::collections::{BTreeMap, BTreeSet};

use godwit::schema::{ColumnState, ConstraintKind, Index, Schema, Table};
use godwit::{
    Action, CheckConstraint, Column, ColumnChange, ColumnType, DefaultValue, Deferrable, Op,
    PrimaryKey, Reference, UniqueConstraint,
};
use godwit_core::sql_text::{mentions, Syntax};
use godwit_core::{List, Str};

use super::values::{column_type, default_for, indexable, integer, literal, wider};
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

/// The generator's state: the schema, and what it knows of the rows.
struct Gen<'r> {
    rng: &'r mut Rng,
    schema: Schema,
    /// Rows inserted into each table (none are deleted by an upgrade).
    rows: BTreeMap<String, u32>,
    names: u32,
    /// The number of the next value inserted: every row's values differ.
    values: u32,
    /// Columns that were ever a key of an index or constraint: a backfill
    /// leaves them alone (it may make values equal, or dangling, that a
    /// key recreated by a downgrade needs distinct or present).
    keyed: BTreeSet<(String, String)>,
    /// Columns a backfill changed: no unique key on them afterwards.
    backfilled: BTreeSet<(String, String)>,
    /// Views: the table and columns they read, and whether those still
    /// bear the names the query was written with.
    views: BTreeMap<String, (String, Vec<String>, bool)>,
}

impl Gen<'_> {
    fn fresh(&mut self, prefix: &str) -> String {
        self.names += 1;
        format!("{prefix}{}", self.names)
    }

    fn table_names(&self) -> Vec<String> {
        self.schema.tables.keys().cloned().collect()
    }

    fn table(&self, name: &str) -> &Table {
        &self.schema.tables[name]
    }

    fn rows(&self, table: &str) -> u32 {
        self.rows.get(table).copied().unwrap_or(0)
    }

    fn pick_table(&mut self) -> Option<String> {
        let names = self.table_names();
        (!names.is_empty()).then(|| self.rng.pick(&names).clone())
    }

    /// Tables with a single-column `BigInt` primary key, and that column:
    /// what a foreign key may reference.
    fn referenceable(&self) -> Vec<(String, String)> {
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
    fn in_foreign_key(&self, table: &str, column: &str) -> bool {
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

    fn read_by_view(&self, table: &str, column: Option<&str>) -> bool {
        self.schema.views.values().any(|v| {
            v.reads(table) && column.map_or(true, |c| mentions(&v.query, Syntax::Postgres, c))
        })
    }

    fn used_by_key(&self, table: &str, column: &str) -> bool {
        let t = self.table(table);
        t.indexes.values().any(|i| i.uses_column(column))
            || t.constraints.values().any(|c| c.kind.uses_column(column))
    }

    fn is_pk(&self, table: &str, column: &str) -> bool {
        self.table(table)
            .primary_key()
            .is_some_and(|pk| pk.iter().any(|c| c == column))
    }

    fn enum_first(&self, ty: &ColumnType) -> Option<String> {
        match ty {
            ColumnType::Enum(e) => self.schema.enums.get(&**e)?.first().cloned(),
            _ => None,
        }
    }

    /// One migration: a data change alone now and then (an insert, a
    /// backfill), else one to four schema steps.
    fn migration(&mut self) -> Spec {
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

    fn schema_step(&mut self) -> Option<Vec<Step>> {
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
    fn track(&mut self, op: &Op) {
        match op {
            Op::RenameTable { from, to } => {
                if let Some(n) = self.rows.remove(&**from) {
                    self.rows.insert(to.to_string(), n);
                }
                for set in [&mut self.keyed, &mut self.backfilled] {
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
                for set in [&mut self.keyed, &mut self.backfilled] {
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

    fn key(&mut self, table: &str, columns: &[String]) {
        for c in columns {
            self.keyed.insert((table.to_string(), c.clone()));
        }
    }

    /// A new column for `table` (`existing`: the table exists already and
    /// may hold rows), and the steps that go with it (the index of a
    /// foreign key).
    fn new_column(&mut self, table: &str, existing: bool) -> (Column, Vec<Step>) {
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

    fn create_table(&mut self) -> Option<Vec<Step>> {
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

    fn add_column(&mut self) -> Option<Vec<Step>> {
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
    fn pick_column(
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

    fn drop_column(&mut self) -> Option<Vec<Step>> {
        let table = self.pick_table()?;
        if self.table(&table).columns.len() < 3 {
            return None;
        }
        let rows = self.rows(&table);
        let c = self.pick_column(&table, |g, c| {
            !g.is_pk(&table, &c.name)
                && !g.used_by_key(&table, &c.name)
                && !g.read_by_view(&table, Some(&c.name))
                && (c.nullable || c.default.is_some() || rows == 0)
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

    fn rename_column(&mut self) -> Option<Vec<Step>> {
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

    fn alter_column(&mut self) -> Option<Vec<Step>> {
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

    /// One or two key columns of `table` for an index or a unique key
    /// (`unique`: none a backfill changed).
    fn key_columns(&mut self, table: &str, unique: bool) -> Option<Vec<String>> {
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

    fn create_index(&mut self) -> Option<Vec<Step>> {
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

    fn drop_index(&mut self) -> Option<Vec<Step>> {
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

    fn create_unique(&mut self) -> Option<Vec<Step>> {
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

    fn create_check(&mut self) -> Option<Vec<Step>> {
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

    fn create_foreign_key(&mut self) -> Option<Vec<Step>> {
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

    fn drop_constraint(&mut self) -> Option<Vec<Step>> {
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

    fn rename_table(&mut self) -> Option<Vec<Step>> {
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

    fn drop_table(&mut self) -> Option<Vec<Step>> {
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

    fn deprecate_column(&mut self) -> Option<Vec<Step>> {
        let table = self.pick_table()?;
        let c = self.pick_column(&table, |g, c| !g.is_pk(&table, &c.name) && !c.deprecated)?;
        let down = if c.nullable {
            Vec::new()
        } else {
            vec![alter(&table, &c.name, ColumnChange::Nullable(false))]
        };
        Some(vec![Step {
            up: Op::DeprecateColumn {
                table: table.into(),
                column: c.name.into(),
            },
            down,
        }])
    }

    fn create_view(&mut self) -> Option<Vec<Step>> {
        let table = self.pick_table()?;
        let cols: Vec<String> = self
            .table(&table)
            .columns
            .iter()
            .map(|c| c.name.clone())
            .collect();
        let mut read: Vec<String> = cols
            .iter()
            .filter(|_| self.rng.chance(50))
            .cloned()
            .collect();
        if read.is_empty() {
            read.push(cols[0].clone());
        }
        let name = self.fresh("v");
        let query = format!("SELECT {} FROM {table}", read.join(", "));
        self.views.insert(name.clone(), (table, read, true));
        Some(vec![Step {
            up: Op::CreateView {
                name: name.clone().into(),
                query: query.into(),
            },
            down: vec![Op::DropView {
                name: name.into(),
                if_exists: false,
            }],
        }])
    }

    fn drop_view(&mut self) -> Option<Vec<Step>> {
        let pristine: Vec<String> = self
            .views
            .iter()
            .filter(|(_, v)| v.2)
            .map(|(n, _)| n.clone())
            .collect();
        if pristine.is_empty() {
            return None;
        }
        let name = self.rng.pick(&pristine).clone();
        let query = self.schema.views.get(&name)?.query.clone();
        Some(vec![Step {
            up: Op::DropView {
                name: name.clone().into(),
                if_exists: false,
            },
            down: vec![Op::CreateView {
                name: name.into(),
                query: query.into(),
            }],
        }])
    }

    fn create_enum(&mut self) -> Option<Vec<Step>> {
        let table = self.pick_table()?;
        let name = self.fresh("e");
        let values: Vec<Str> = ["a", "b", "c", "d"][..2 + self.rng.below(3)]
            .iter()
            .map(|v| (*v).into())
            .collect();
        let column = self.fresh("c");
        let mut c = Column::new(column.clone().into(), ColumnType::Enum(name.clone().into()));
        if self.rng.chance(50) {
            c.nullable = false;
            c.default = Some(DefaultValue::Str("a".into()));
        }
        Some(vec![
            Step {
                up: Op::CreateEnum {
                    name: name.clone().into(),
                    values: values.into(),
                },
                down: vec![Op::DropEnum { name: name.into() }],
            },
            Step {
                up: Op::AddColumn {
                    table: table.clone().into(),
                    column: c,
                },
                down: vec![Op::DropColumn {
                    table: table.into(),
                    column: column.into(),
                }],
            },
        ])
    }

    fn add_enum_value(&mut self) -> Option<Vec<Step>> {
        let enums: Vec<String> = self.schema.enums.keys().cloned().collect();
        if enums.is_empty() {
            return None;
        }
        let name = self.rng.pick(&enums).clone();
        let value = self.fresh("x");
        Some(vec![Step {
            up: Op::AddEnumValue {
                name: name.clone().into(),
                value: value.clone().into(),
                before: None,
                after: None,
            },
            down: vec![Op::DropEnumValue {
                name: name.into(),
                value: value.into(),
            }],
        }])
    }

    fn drop_enum(&mut self) -> Option<Vec<Step>> {
        let unused: Vec<String> = self
            .schema
            .enums
            .keys()
            .filter(|e| self.schema.enum_columns(e).next().is_none())
            .cloned()
            .collect();
        if unused.is_empty() {
            return None;
        }
        let name = self.rng.pick(&unused).clone();
        let values: Vec<Str> = self.schema.enums[&name]
            .iter()
            .map(|v| v.clone().into())
            .collect();
        Some(vec![Step {
            up: Op::DropEnum {
                name: name.clone().into(),
            },
            down: vec![Op::CreateEnum {
                name: name.into(),
                values: values.into(),
            }],
        }])
    }

    /// `execute` of an INSERT of one row (every value distinct from every
    /// other row's), undone by a DELETE of it.
    fn insert(&mut self) -> Option<Vec<Step>> {
        let table = self.pick_table()?;
        let t = self.table(&table).clone();
        let Some([pk]) = t.primary_key() else {
            return None;
        };
        self.values += 1;
        let n = self.values;
        let mut names = Vec::new();
        let mut values = Vec::new();
        for c in &t.columns {
            if c.generated.is_some() {
                return None;
            }
            if self.in_foreign_key(&table, &c.name) && c.name != *pk {
                if !c.nullable {
                    return None;
                }
                names.push(c.name.clone());
                values.push("NULL".to_string());
                continue;
            }
            let first = self.enum_first(&c.ty);
            match literal(&c.ty, n, first.as_deref()) {
                Some(v) => {
                    names.push(c.name.clone());
                    values.push(v);
                }
                None if c.nullable || c.default.is_some() => {}
                None => return None,
            }
        }
        let pk_value = literal(&t.column(pk)?.ty, n, None)?;
        *self.rows.entry(table.clone()).or_default() += 1;
        Some(vec![Step {
            up: Op::Execute {
                sql: format!(
                    "INSERT INTO {table} ({}) VALUES ({})",
                    names.join(", "),
                    values.join(", ")
                )
                .into(),
            },
            down: vec![Op::Execute {
                sql: format!("DELETE FROM {table} WHERE {pk} = {pk_value}").into(),
            }],
        }])
    }

    /// `backfill` of a nullable integer column from the primary key, where
    /// it is NULL: never undone (data is not schema), so only on a column
    /// no key ever had.
    fn backfill(&mut self) -> Option<Vec<Step>> {
        let table = self.pick_table()?;
        let t = self.table(&table).clone();
        let Some([pk]) = t.primary_key() else {
            return None;
        };
        if !integer(&t.column(pk)?.ty) {
            return None;
        }
        let pk = pk.clone();
        let c = self.pick_column(&table, |g, c| {
            integer(&c.ty)
                && c.nullable
                && c.name != pk
                && !g.keyed.contains(&(table.clone(), c.name.clone()))
        })?;
        self.backfilled.insert((table.clone(), c.name.clone()));
        Some(vec![Step {
            up: Op::Backfill {
                table: table.into(),
                set: format!("{} = {pk}", c.name).into(),
                predicate: Some(format!("{} IS NULL", c.name).into()),
                batch_size: *self.rng.pick(&[1, 2, 50, 1000]),
            },
            down: Vec::new(),
        }])
    }
}

fn alter(table: &str, column: &str, change: ColumnChange) -> Op {
    Op::AlterColumn {
        table: table.to_string().into(),
        column: column.to_string().into(),
        changes: vec![change].into(),
    }
}

fn create_index(name: &str, table: &str, cols: &[String], unique: bool) -> Op {
    index_op(
        name,
        table,
        &Index::on_columns(cols.iter().cloned(), unique),
    )
}

fn index_op(name: &str, table: &str, index: &Index) -> Op {
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

fn drop_index(name: &str, table: &str) -> Op {
    Op::DropIndex {
        name: name.to_string().into(),
        table: table.to_string().into(),
        concurrently: false,
        if_exists: false,
    }
}

fn drop_constraint(name: &str, table: &str) -> Op {
    Op::DropConstraint {
        name: name.to_string().into(),
        table: table.to_string().into(),
    }
}

/// The op that creates constraint `name` of `table` as the model holds it.
fn constraint_op(name: &str, table: &str, kind: &ConstraintKind) -> Op {
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
fn column_of(c: &ColumnState) -> Column {
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
fn recreate(name: &str, table: &Table) -> Vec<Op> {
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
            ConstraintKind::Unique { columns } => uniques.push(UniqueConstraint {
                name: Some(cname.clone().into()),
                columns: columns.iter().map(|c| c.clone().into()).collect(),
            }),
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
