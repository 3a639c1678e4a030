//! The canonical text of an operation: the DSL call that builds it, written
//! one way only. It is what the checksum hashes (so reformatting or comments in
//! the source never change a checksum, any semantic change does) and how ops
//! are shown in messages and in `history`.

use std::fmt::{self, Display, Formatter, Write};

use crate::model::{
    Action, Column, ColumnChange, ColumnType, DefaultValue, Op, DEFAULT_BATCH_SIZE,
};

/// A string literal, escaped as Rust would print it.
struct Lit<'a>(&'a str);

impl Display for Lit<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

/// A list of string literals: `["a", "b"]`.
struct Names<'a>(&'a [crate::model::Str]);

impl Display for Names<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_char('[')?;
        for (i, name) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{}", Lit(name))?;
        }
        f.write_char(']')
    }
}

impl Display for ColumnType {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            ColumnType::Varchar(n) => write!(f, "Varchar({n})"),
            ColumnType::Char(n) => write!(f, "Char({n})"),
            ColumnType::Numeric(p, s) => write!(f, "Numeric({p}, {s})"),
            other => write!(f, "{other:?}"),
        }
    }
}

impl Display for DefaultValue {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            DefaultValue::Str(s) => write!(f, "{}", Lit(s)),
            DefaultValue::Int(i) => write!(f, "{i}"),
            DefaultValue::Float(x) => f.write_str(x),
            DefaultValue::Bool(b) => write!(f, "{b}"),
            DefaultValue::Now => f.write_str("now()"),
            DefaultValue::Sql(s) => write!(f, "sql({})", Lit(s)),
        }
    }
}

impl Display for Action {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "Action::{self:?}")
    }
}

impl Display for Column {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "column({}, {})", Lit(&self.name), self.ty)?;
        if self.primary_key {
            f.write_str(".primary_key()")?;
        } else if !self.nullable {
            f.write_str(".not_null()")?;
        }
        if self.unique {
            f.write_str(".unique()")?;
        }
        if self.autoincrement {
            f.write_str(".autoincrement()")?;
        }
        if let Some(default) = &self.default {
            write!(f, ".server_default({default})")?;
        }
        if let Some(r) = &self.references {
            write!(f, ".references({}, {})", Lit(&r.table), Lit(&r.column))?;
        }
        Ok(())
    }
}

impl Display for Op {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Op::CreateTable {
                name,
                columns,
                uniques,
                checks,
            } => {
                write!(f, "op.create_table({}, [", Lit(name))?;
                for (i, c) in columns.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{c}")?;
                }
                f.write_str("])")?;
                for u in uniques.iter() {
                    write!(f, ".unique({})", Names(&u.columns))?;
                }
                for c in checks.iter() {
                    write!(f, ".check({}, {})", Lit(&c.name), Lit(&c.expr))?;
                }
                Ok(())
            }
            Op::DropTable { name } => write!(f, "op.drop_table({})", Lit(name)),
            Op::DeprecateTable { name } => write!(f, "op.deprecate_table({})", Lit(name)),
            Op::RenameTable { from, to } => {
                write!(f, "op.rename_table({}, {})", Lit(from), Lit(to))
            }
            Op::AddColumn { table, column } => {
                write!(f, "op.add_column({}, {column})", Lit(table))
            }
            Op::DropColumn { table, column } => {
                write!(f, "op.drop_column({}, {})", Lit(table), Lit(column))
            }
            Op::RenameColumn { table, from, to } => write!(
                f,
                "op.rename_column({}, {}, {})",
                Lit(table),
                Lit(from),
                Lit(to)
            ),
            Op::AlterColumn {
                table,
                column,
                changes,
            } => {
                write!(f, "op.alter_column({}, {})", Lit(table), Lit(column))?;
                for change in changes.iter() {
                    match change {
                        ColumnChange::Nullable(b) => write!(f, ".nullable({b})")?,
                        ColumnChange::SetDefault(d) => write!(f, ".server_default({d})")?,
                        ColumnChange::DropDefault => f.write_str(".drop_default()")?,
                        ColumnChange::SetType(t) => write!(f, ".set_type({t})")?,
                    }
                }
                Ok(())
            }
            Op::DeprecateColumn { table, column } => {
                write!(f, "op.deprecate_column({}, {})", Lit(table), Lit(column))
            }
            Op::CreateIndex {
                name,
                table,
                columns,
                unique,
                concurrently,
                predicate,
            } => {
                write!(
                    f,
                    "op.create_index({}, {}, {})",
                    Lit(name),
                    Lit(table),
                    Names(columns)
                )?;
                if *unique {
                    f.write_str(".unique()")?;
                }
                if *concurrently {
                    f.write_str(".concurrently()")?;
                }
                if let Some(p) = predicate {
                    write!(f, ".where_({})", Lit(p))?;
                }
                Ok(())
            }
            Op::DropIndex {
                name,
                table,
                concurrently,
            } => {
                write!(f, "op.drop_index({}, {})", Lit(name), Lit(table))?;
                if *concurrently {
                    f.write_str(".concurrently()")?;
                }
                Ok(())
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
                write!(
                    f,
                    "op.create_foreign_key({}, {}, {}, {}, {})",
                    Lit(name),
                    Lit(table),
                    Names(columns),
                    Lit(ref_table),
                    Names(ref_columns)
                )?;
                if *on_delete != Action::NoAction {
                    write!(f, ".on_delete({on_delete})")?;
                }
                if *not_valid {
                    f.write_str(".not_valid()")?;
                }
                Ok(())
            }
            Op::CreateCheckConstraint {
                name,
                table,
                expr,
                not_valid,
            } => {
                write!(
                    f,
                    "op.create_check_constraint({}, {}, {})",
                    Lit(name),
                    Lit(table),
                    Lit(expr)
                )?;
                if *not_valid {
                    f.write_str(".not_valid()")?;
                }
                Ok(())
            }
            Op::ValidateConstraint { table, name } => {
                write!(f, "op.validate_constraint({}, {})", Lit(table), Lit(name))
            }
            Op::DropConstraint { table, name } => {
                write!(f, "op.drop_constraint({}, {})", Lit(table), Lit(name))
            }
            Op::Execute { sql } => write!(f, "op.execute({})", Lit(sql)),
            Op::Backfill {
                table,
                set,
                predicate,
                batch_size,
            } => {
                write!(f, "op.backfill({}, {})", Lit(table), Lit(set))?;
                if let Some(p) = predicate {
                    write!(f, ".where_({})", Lit(p))?;
                }
                if *batch_size != DEFAULT_BATCH_SIZE {
                    write!(f, ".batch_size({batch_size})")?;
                }
                Ok(())
            }
            Op::SafetyAssured { reason, ops } => {
                write!(f, "op.safety_assured({}, |op| {{", Lit(reason))?;
                for inner in ops.iter() {
                    write!(f, " {inner};")?;
                }
                f.write_str(" })")
            }
        }
    }
}

/// The checksum of a migration: 128-bit FNV-1a over the canonical text of its
/// upgrade and downgrade ops, as 32 hex digits. Stable across compiler and
/// godwit versions as long as the canonical text is.
pub fn checksum(upgrade: &[Op], downgrade: &[Op], irreversible: Option<&str>) -> String {
    let mut text = String::new();
    for op in upgrade {
        // Writing to a String cannot fail.
        let _ = writeln!(text, "up {op};");
    }
    for op in downgrade {
        let _ = writeln!(text, "down {op};");
    }
    if let Some(reason) = irreversible {
        let _ = writeln!(text, "irreversible {};", Lit(reason));
    }
    format!("{:032x}", fnv1a_128(text.as_bytes()))
}

fn fnv1a_128(bytes: &[u8]) -> u128 {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013B;
    let mut hash = OFFSET;
    for b in bytes {
        hash ^= u128::from(*b);
        hash = hash.wrapping_mul(PRIME);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ColumnType::*;
    use std::borrow::Cow;

    fn add_bio(ty: ColumnType) -> Op {
        Op::AddColumn {
            table: "users".into(),
            column: Column::new("bio".into(), ty),
        }
    }

    #[test]
    fn canonical_text_reads_like_the_dsl() {
        let op = Op::CreateIndex {
            name: "idx".into(),
            table: "users".into(),
            columns: Cow::Borrowed(&[Cow::Borrowed("email")]),
            unique: true,
            concurrently: true,
            predicate: None,
        };
        assert_eq!(
            op.to_string(),
            r#"op.create_index("idx", "users", ["email"]).unique().concurrently()"#
        );
        assert_eq!(
            add_bio(Varchar(20)).to_string(),
            r#"op.add_column("users", column("bio", Varchar(20)))"#
        );
    }

    #[test]
    fn checksum_changes_with_semantics_only() {
        let a = checksum(&[add_bio(Text)], &[], None);
        let b = checksum(&[add_bio(Text)], &[], None);
        let c = checksum(&[add_bio(Varchar(10))], &[], None);
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(a.len(), 32);
        assert_ne!(checksum(&[], &[add_bio(Text)], None), a);
    }
}
