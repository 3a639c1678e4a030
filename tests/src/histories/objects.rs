//! Deprecation, views, enum types, and the data: an INSERT of one row,
//! a backfill.

use godwit::{Column, ColumnChange, ColumnType, DefaultValue, Op};
use godwit_core::Str;

use super::gen::Gen;
use super::ops::alter;
use super::values::{integer, literal};
use super::Step;

impl Gen<'_> {
    pub(super) fn deprecate_column(&mut self) -> Option<Vec<Step>> {
        let table = self.pick_table()?;
        let c = self.pick_column(&table, |g, c| !g.is_pk(&table, &c.name) && !c.deprecated)?;
        let down = if c.nullable {
            Vec::new()
        } else {
            self.renulled.insert((table.clone(), c.name.clone()));
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

    pub(super) fn create_view(&mut self) -> Option<Vec<Step>> {
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

    pub(super) fn drop_view(&mut self) -> Option<Vec<Step>> {
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

    pub(super) fn create_enum(&mut self) -> Option<Vec<Step>> {
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

    pub(super) fn add_enum_value(&mut self) -> Option<Vec<Step>> {
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

    pub(super) fn drop_enum(&mut self) -> Option<Vec<Step>> {
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
    pub(super) fn insert(&mut self) -> Option<Vec<Step>> {
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
    pub(super) fn backfill(&mut self) -> Option<Vec<Step>> {
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
