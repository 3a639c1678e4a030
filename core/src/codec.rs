//! A compact text form of a [`Migration`], for the `migrations!` chain.
//!
//! `#[migration]` has already parsed its module into the model; it hands the
//! model to the set checker in this form, so that `migrations!` reads a
//! thousand migrations without parsing a thousand modules again. The
//! module's tokens travel beside it and are parsed only to place an error.
//!
//! The form is private to one build (the same crate version writes and
//! reads it): strings are `<byte length>:<bytes>`, numbers `<digits>;`,
//! booleans `t`/`f`, options `-` or `+<value>`, lists `<count>;<items>`,
//! enums `<variant number>;<fields>`.

use std::borrow::Cow;

use crate::migration::Migration;
use crate::model::{
    Action, CheckConstraint, Column, ColumnChange, ColumnType, DefaultValue, Op, Reference,
    UniqueConstraint,
};

/// The migration in the compact form.
pub fn encode(m: &Migration) -> String {
    let mut w = Writer(String::new());
    w.str(&m.revision);
    w.opt(&m.down_revision, |w, s| w.str(s));
    w.str(&m.message);
    w.opt(&m.irreversible, |w, s| w.str(s));
    w.list(&m.allow, |w, s| w.str(s));
    w.list(&m.upgrade, Writer::op);
    w.list(&m.downgrade, Writer::op);
    w.str(&m.checksum);
    w.0
}

/// The migration back from [`encode`]'s form; `None` for anything else.
pub fn decode(text: &str) -> Option<Migration> {
    let mut r = Reader { text, at: 0 };
    let m = Migration {
        revision: r.str()?,
        down_revision: r.opt(Reader::str)?,
        message: r.str()?,
        irreversible: r.opt(Reader::str)?,
        allow: r.list(Reader::str)?,
        upgrade: r.list(Reader::op)?,
        downgrade: r.list(Reader::op)?,
        checksum: r.str()?,
    };
    (r.at == text.len()).then_some(m)
}

struct Writer(String);

impl Writer {
    fn str(&mut self, s: &str) {
        self.0.push_str(&s.len().to_string());
        self.0.push(':');
        self.0.push_str(s);
    }

    fn num(&mut self, n: u64) {
        self.0.push_str(&n.to_string());
        self.0.push(';');
    }

    fn int(&mut self, n: i64) {
        self.0.push_str(&n.to_string());
        self.0.push(';');
    }

    fn bool(&mut self, b: bool) {
        self.0.push(if b { 't' } else { 'f' });
    }

    fn opt<T>(&mut self, v: &Option<T>, f: impl FnOnce(&mut Self, &T)) {
        match v {
            None => self.0.push('-'),
            Some(v) => {
                self.0.push('+');
                f(self, v);
            }
        }
    }

    fn list<T>(&mut self, items: &[T], mut f: impl FnMut(&mut Self, &T)) {
        self.num(items.len() as u64);
        for item in items {
            f(self, item);
        }
    }

    fn ty(&mut self, t: &ColumnType) {
        let (tag, a, b) = match *t {
            ColumnType::SmallInt => (0, 0, 0),
            ColumnType::Integer => (1, 0, 0),
            ColumnType::BigInt => (2, 0, 0),
            ColumnType::Boolean => (3, 0, 0),
            ColumnType::Text => (4, 0, 0),
            ColumnType::Varchar(n) => (5, n, 0),
            ColumnType::Char(n) => (6, n, 0),
            ColumnType::Real => (7, 0, 0),
            ColumnType::Double => (8, 0, 0),
            ColumnType::Numeric(p, s) => (9, p, s),
            ColumnType::Date => (10, 0, 0),
            ColumnType::Time => (11, 0, 0),
            ColumnType::Timestamp => (12, 0, 0),
            ColumnType::TimestampTz => (13, 0, 0),
            ColumnType::Binary => (14, 0, 0),
            ColumnType::Uuid => (15, 0, 0),
            ColumnType::Json => (16, 0, 0),
        };
        self.num(tag);
        self.num(a.into());
        self.num(b.into());
    }

    fn default(&mut self, d: &DefaultValue) {
        match d {
            DefaultValue::Str(s) => {
                self.num(0);
                self.str(s);
            }
            DefaultValue::Int(n) => {
                self.num(1);
                self.int(*n);
            }
            DefaultValue::Float(s) => {
                self.num(2);
                self.str(s);
            }
            DefaultValue::Bool(b) => {
                self.num(3);
                self.bool(*b);
            }
            DefaultValue::Now => self.num(4),
            DefaultValue::Sql(s) => {
                self.num(5);
                self.str(s);
            }
        }
    }

    fn action(&mut self, a: &Action) {
        self.num(match a {
            Action::NoAction => 0,
            Action::Restrict => 1,
            Action::Cascade => 2,
            Action::SetNull => 3,
            Action::SetDefault => 4,
        });
    }

    fn column(&mut self, c: &Column) {
        self.str(&c.name);
        self.ty(&c.ty);
        self.bool(c.nullable);
        self.bool(c.primary_key);
        self.bool(c.unique);
        self.bool(c.autoincrement);
        self.opt(&c.default, Writer::default);
        self.opt(&c.references, |w, r| {
            w.str(&r.table);
            w.str(&r.column);
        });
    }

    fn change(&mut self, c: &ColumnChange) {
        match c {
            ColumnChange::Nullable(b) => {
                self.num(0);
                self.bool(*b);
            }
            ColumnChange::SetDefault(d) => {
                self.num(1);
                self.default(d);
            }
            ColumnChange::DropDefault => self.num(2),
            ColumnChange::SetType(t) => {
                self.num(3);
                self.ty(t);
            }
        }
    }

    fn strs(&mut self, items: &[Cow<'static, str>]) {
        self.list(items, |w, s| w.str(s));
    }

    fn op(&mut self, op: &Op) {
        match op {
            Op::CreateTable {
                name,
                columns,
                uniques,
                checks,
            } => {
                self.num(0);
                self.str(name);
                self.list(columns, Writer::column);
                self.list(uniques, |w, u| w.strs(&u.columns));
                self.list(checks, |w, c| {
                    w.str(&c.name);
                    w.str(&c.expr);
                });
            }
            Op::DropTable { name } => {
                self.num(1);
                self.str(name);
            }
            Op::DeprecateTable { name } => {
                self.num(2);
                self.str(name);
            }
            Op::RenameTable { from, to } => {
                self.num(3);
                self.str(from);
                self.str(to);
            }
            Op::AddColumn { table, column } => {
                self.num(4);
                self.str(table);
                self.column(column);
            }
            Op::DropColumn { table, column } => {
                self.num(5);
                self.str(table);
                self.str(column);
            }
            Op::RenameColumn { table, from, to } => {
                self.num(6);
                self.str(table);
                self.str(from);
                self.str(to);
            }
            Op::AlterColumn {
                table,
                column,
                changes,
            } => {
                self.num(7);
                self.str(table);
                self.str(column);
                self.list(changes, Writer::change);
            }
            Op::DeprecateColumn { table, column } => {
                self.num(8);
                self.str(table);
                self.str(column);
            }
            Op::CreateIndex {
                name,
                table,
                columns,
                unique,
                concurrently,
                predicate,
            } => {
                self.num(9);
                self.str(name);
                self.str(table);
                self.strs(columns);
                self.bool(*unique);
                self.bool(*concurrently);
                self.opt(predicate, |w, s| w.str(s));
            }
            Op::DropIndex {
                name,
                table,
                concurrently,
            } => {
                self.num(10);
                self.str(name);
                self.str(table);
                self.bool(*concurrently);
            }
            Op::CreateForeignKey {
                name,
                table,
                columns,
                ref_table,
                ref_columns,
                on_delete,
                not_valid,
            } => {
                self.num(11);
                self.str(name);
                self.str(table);
                self.strs(columns);
                self.str(ref_table);
                self.strs(ref_columns);
                self.action(on_delete);
                self.bool(*not_valid);
            }
            Op::CreateCheckConstraint {
                name,
                table,
                expr,
                not_valid,
            } => {
                self.num(12);
                self.str(name);
                self.str(table);
                self.str(expr);
                self.bool(*not_valid);
            }
            Op::ValidateConstraint { table, name } => {
                self.num(13);
                self.str(table);
                self.str(name);
            }
            Op::DropConstraint { table, name } => {
                self.num(14);
                self.str(table);
                self.str(name);
            }
            Op::Execute { sql } => {
                self.num(15);
                self.str(sql);
            }
            Op::Backfill {
                table,
                set,
                predicate,
                batch_size,
            } => {
                self.num(16);
                self.str(table);
                self.str(set);
                self.opt(predicate, |w, s| w.str(s));
                self.num((*batch_size).into());
            }
            Op::SafetyAssured { reason, ops } => {
                self.num(17);
                self.str(reason);
                self.list(ops, Writer::op);
            }
        }
    }
}

struct Reader<'a> {
    text: &'a str,
    at: usize,
}

type Owned<T> = Cow<'static, T>;

impl Reader<'_> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.text.as_bytes().get(self.at)?;
        self.at += 1;
        Some(b)
    }

    /// Digits (with an optional `-`) up to `end`.
    fn digits(&mut self, end: u8) -> Option<&str> {
        let rest = self.text.get(self.at..)?;
        let len = rest.bytes().position(|b| b == end)?;
        self.at += len + 1;
        Some(&rest[..len])
    }

    fn num(&mut self) -> Option<u64> {
        self.digits(b';')?.parse().ok()
    }

    fn small(&mut self) -> Option<u32> {
        u32::try_from(self.num()?).ok()
    }

    fn int(&mut self) -> Option<i64> {
        self.digits(b';')?.parse().ok()
    }

    fn str(&mut self) -> Option<Owned<str>> {
        let len: usize = self.digits(b':')?.parse().ok()?;
        let s = self.text.get(self.at..self.at.checked_add(len)?)?;
        self.at += len;
        Some(Cow::Owned(s.to_string()))
    }

    fn bool(&mut self) -> Option<bool> {
        match self.byte()? {
            b't' => Some(true),
            b'f' => Some(false),
            _ => None,
        }
    }

    fn opt<T>(&mut self, f: impl FnOnce(&mut Self) -> Option<T>) -> Option<Option<T>> {
        match self.byte()? {
            b'-' => Some(None),
            b'+' => f(self).map(Some),
            _ => None,
        }
    }

    fn list<T: Clone>(&mut self, mut f: impl FnMut(&mut Self) -> Option<T>) -> Option<Owned<[T]>> {
        let n = usize::try_from(self.num()?).ok()?;
        // Each item takes at least one byte: a count past the end is corrupt.
        if n > self.text.len() - self.at {
            return None;
        }
        let mut items = Vec::with_capacity(n);
        for _ in 0..n {
            items.push(f(self)?);
        }
        Some(Cow::Owned(items))
    }

    fn ty(&mut self) -> Option<ColumnType> {
        let (tag, a, b) = (self.num()?, self.small()?, self.small()?);
        Some(match tag {
            0 => ColumnType::SmallInt,
            1 => ColumnType::Integer,
            2 => ColumnType::BigInt,
            3 => ColumnType::Boolean,
            4 => ColumnType::Text,
            5 => ColumnType::Varchar(a),
            6 => ColumnType::Char(a),
            7 => ColumnType::Real,
            8 => ColumnType::Double,
            9 => ColumnType::Numeric(a, b),
            10 => ColumnType::Date,
            11 => ColumnType::Time,
            12 => ColumnType::Timestamp,
            13 => ColumnType::TimestampTz,
            14 => ColumnType::Binary,
            15 => ColumnType::Uuid,
            16 => ColumnType::Json,
            _ => return None,
        })
    }

    fn default(&mut self) -> Option<DefaultValue> {
        Some(match self.num()? {
            0 => DefaultValue::Str(self.str()?),
            1 => DefaultValue::Int(self.int()?),
            2 => DefaultValue::Float(self.str()?),
            3 => DefaultValue::Bool(self.bool()?),
            4 => DefaultValue::Now,
            5 => DefaultValue::Sql(self.str()?),
            _ => return None,
        })
    }

    fn action(&mut self) -> Option<Action> {
        Some(match self.num()? {
            0 => Action::NoAction,
            1 => Action::Restrict,
            2 => Action::Cascade,
            3 => Action::SetNull,
            4 => Action::SetDefault,
            _ => return None,
        })
    }

    fn column(&mut self) -> Option<Column> {
        Some(Column {
            name: self.str()?,
            ty: self.ty()?,
            nullable: self.bool()?,
            primary_key: self.bool()?,
            unique: self.bool()?,
            autoincrement: self.bool()?,
            default: self.opt(Reader::default)?,
            references: self.opt(|r| {
                Some(Reference {
                    table: r.str()?,
                    column: r.str()?,
                })
            })?,
        })
    }

    fn change(&mut self) -> Option<ColumnChange> {
        Some(match self.num()? {
            0 => ColumnChange::Nullable(self.bool()?),
            1 => ColumnChange::SetDefault(self.default()?),
            2 => ColumnChange::DropDefault,
            3 => ColumnChange::SetType(self.ty()?),
            _ => return None,
        })
    }

    fn strs(&mut self) -> Option<Owned<[Owned<str>]>> {
        self.list(Reader::str)
    }

    fn op(&mut self) -> Option<Op> {
        Some(match self.num()? {
            0 => Op::CreateTable {
                name: self.str()?,
                columns: self.list(Reader::column)?,
                uniques: self.list(|r| Some(UniqueConstraint { columns: r.strs()? }))?,
                checks: self.list(|r| {
                    Some(CheckConstraint {
                        name: r.str()?,
                        expr: r.str()?,
                    })
                })?,
            },
            1 => Op::DropTable { name: self.str()? },
            2 => Op::DeprecateTable { name: self.str()? },
            3 => Op::RenameTable {
                from: self.str()?,
                to: self.str()?,
            },
            4 => Op::AddColumn {
                table: self.str()?,
                column: self.column()?,
            },
            5 => Op::DropColumn {
                table: self.str()?,
                column: self.str()?,
            },
            6 => Op::RenameColumn {
                table: self.str()?,
                from: self.str()?,
                to: self.str()?,
            },
            7 => Op::AlterColumn {
                table: self.str()?,
                column: self.str()?,
                changes: self.list(Reader::change)?,
            },
            8 => Op::DeprecateColumn {
                table: self.str()?,
                column: self.str()?,
            },
            9 => Op::CreateIndex {
                name: self.str()?,
                table: self.str()?,
                columns: self.strs()?,
                unique: self.bool()?,
                concurrently: self.bool()?,
                predicate: self.opt(Reader::str)?,
            },
            10 => Op::DropIndex {
                name: self.str()?,
                table: self.str()?,
                concurrently: self.bool()?,
            },
            11 => Op::CreateForeignKey {
                name: self.str()?,
                table: self.str()?,
                columns: self.strs()?,
                ref_table: self.str()?,
                ref_columns: self.strs()?,
                on_delete: self.action()?,
                not_valid: self.bool()?,
            },
            12 => Op::CreateCheckConstraint {
                name: self.str()?,
                table: self.str()?,
                expr: self.str()?,
                not_valid: self.bool()?,
            },
            13 => Op::ValidateConstraint {
                table: self.str()?,
                name: self.str()?,
            },
            14 => Op::DropConstraint {
                table: self.str()?,
                name: self.str()?,
            },
            15 => Op::Execute { sql: self.str()? },
            16 => Op::Backfill {
                table: self.str()?,
                set: self.str()?,
                predicate: self.opt(Reader::str)?,
                batch_size: self.small()?,
            },
            17 => Op::SafetyAssured {
                reason: self.str()?,
                ops: self.list(Reader::op)?,
            },
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> Owned<str> {
        Cow::Owned(text.to_string())
    }

    fn every_op() -> Vec<Op> {
        let mut col = Column::new(s("é \"x\";--"), ColumnType::Numeric(10, 2));
        col.nullable = false;
        col.unique = true;
        col.default = Some(DefaultValue::Int(-5));
        col.references = Some(Reference {
            table: s("t"),
            column: s("id"),
        });
        let types = [
            ColumnType::SmallInt,
            ColumnType::Integer,
            ColumnType::BigInt,
            ColumnType::Boolean,
            ColumnType::Text,
            ColumnType::Varchar(20),
            ColumnType::Char(3),
            ColumnType::Real,
            ColumnType::Double,
            ColumnType::Date,
            ColumnType::Time,
            ColumnType::Timestamp,
            ColumnType::TimestampTz,
            ColumnType::Binary,
            ColumnType::Uuid,
            ColumnType::Json,
        ];
        let mut columns = vec![col.clone()];
        columns.extend(types.iter().map(|t| Column::new(s("c"), *t)));
        let changes = vec![
            ColumnChange::Nullable(true),
            ColumnChange::SetDefault(DefaultValue::Str(s("a:b"))),
            ColumnChange::SetDefault(DefaultValue::Float(s("1.5"))),
            ColumnChange::SetDefault(DefaultValue::Bool(false)),
            ColumnChange::SetDefault(DefaultValue::Now),
            ColumnChange::SetDefault(DefaultValue::Sql(s("now()"))),
            ColumnChange::DropDefault,
            ColumnChange::SetType(ColumnType::BigInt),
        ];
        let ops = vec![
            Op::CreateTable {
                name: s("t"),
                columns: columns.into(),
                uniques: vec![UniqueConstraint {
                    columns: vec![s("a"), s("b")].into(),
                }]
                .into(),
                checks: vec![CheckConstraint {
                    name: s("ck"),
                    expr: s("a > 0"),
                }]
                .into(),
            },
            Op::DropTable { name: s("t") },
            Op::DeprecateTable { name: s("t") },
            Op::RenameTable {
                from: s("a"),
                to: s("b"),
            },
            Op::AddColumn {
                table: s("t"),
                column: col,
            },
            Op::DropColumn {
                table: s("t"),
                column: s("c"),
            },
            Op::RenameColumn {
                table: s("t"),
                from: s("a"),
                to: s("b"),
            },
            Op::AlterColumn {
                table: s("t"),
                column: s("c"),
                changes: changes.into(),
            },
            Op::DeprecateColumn {
                table: s("t"),
                column: s("c"),
            },
            Op::CreateIndex {
                name: s("i"),
                table: s("t"),
                columns: vec![s("a")].into(),
                unique: true,
                concurrently: true,
                predicate: Some(s("a IS NOT NULL")),
            },
            Op::DropIndex {
                name: s("i"),
                table: s("t"),
                concurrently: false,
            },
            Op::ValidateConstraint {
                table: s("t"),
                name: s("fk"),
            },
            Op::DropConstraint {
                table: s("t"),
                name: s("fk"),
            },
            Op::Execute {
                sql: s("UPDATE t SET a = 1;\n-- done"),
            },
            Op::Backfill {
                table: s("t"),
                set: s("a = b"),
                predicate: None,
                batch_size: 500,
            },
        ];
        let mut all = ops.clone();
        for (i, on_delete) in [
            Action::NoAction,
            Action::Restrict,
            Action::Cascade,
            Action::SetNull,
            Action::SetDefault,
        ]
        .into_iter()
        .enumerate()
        {
            all.push(Op::CreateForeignKey {
                name: s("fk"),
                table: s("t"),
                columns: vec![s("a")].into(),
                ref_table: s("u"),
                ref_columns: vec![s("id")].into(),
                on_delete,
                not_valid: i % 2 == 0,
            });
        }
        all.push(Op::CreateCheckConstraint {
            name: s("ck"),
            table: s("t"),
            expr: s("a <> ''"),
            not_valid: true,
        });
        all.push(Op::SafetyAssured {
            reason: s("checked by hand"),
            ops: ops.into(),
        });
        all
    }

    #[test]
    fn every_op_survives_the_round_trip() {
        let m = Migration {
            revision: s("r2"),
            down_revision: Some(s("r1")),
            message: s("every op"),
            irreversible: None,
            allow: vec![s("rule-a")].into(),
            upgrade: every_op().into(),
            downgrade: vec![].into(),
            checksum: s("abc"),
        };
        let text = encode(&m);
        assert_eq!(decode(&text), Some(m.clone()));
        let base = Migration {
            down_revision: None,
            irreversible: Some(s("drops data")),
            ..m
        };
        assert_eq!(decode(&encode(&base)), Some(base));
    }

    #[test]
    fn anything_else_is_refused() {
        let m = Migration {
            revision: s("r"),
            down_revision: None,
            message: s("m"),
            irreversible: None,
            allow: vec![].into(),
            upgrade: every_op().into(),
            downgrade: vec![].into(),
            checksum: s("c"),
        };
        let text = encode(&m);
        // Every cut and a trailing byte: refused, never a panic.
        for end in 0..text.len() {
            if text.is_char_boundary(end) {
                assert_eq!(decode(&text[..end]), None, "cut at {end}");
            }
        }
        assert_eq!(decode(&format!("{text}x")), None);
        assert_eq!(decode("99999999999999999999;"), None);
        assert_eq!(decode("3:ab"), None);
    }
}
