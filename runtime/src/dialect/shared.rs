//! What the three renderers share: the [`Context`] of one op (the schema
//! before and after it, and the lookups into them) and the SQL every backend
//! spells alike or nearly so.

use godwit_core::schema::{ColumnState, Constraint, Index, Schema, Table};
use godwit_core::{ColumnType, Op};

use super::{Backfill, Dialect, RenderError, Statement};

/// A replay failure of `op`, as a render error.
pub(crate) fn replay_error(op: &Op, message: String) -> RenderError {
    RenderError::Replay {
        op: op.to_string(),
        message,
    }
}

/// The ops [`alike`] renders, as a pattern for each dialect's match
/// (`rendered_alike!() => super::alike(cx)?`), so that the match stays
/// exhaustive and the list is written once.
macro_rules! rendered_alike {
    () => {
        Op::CreateTable { .. }
            | Op::DropTable { .. }
            | Op::DeprecateTable { .. }
            | Op::RenameTable { .. }
            | Op::Execute { .. }
            | Op::Backfill { .. }
            | Op::SafetyAssured { .. }
            | Op::CreateEnum { .. }
            | Op::AddEnumValue { .. }
            | Op::RenameEnumValue { .. }
            | Op::DropEnumValue { .. }
            | Op::DropEnum { .. }
            | Op::CreateView { .. }
            | Op::ReplaceView { .. }
            | Op::DropView { .. }
            | Op::CreateMaterializedView { .. }
            | Op::DropMaterializedView { .. }
            | Op::RefreshMaterializedView { .. }
            | Op::CreateFunction { .. }
            | Op::ReplaceFunction { .. }
            | Op::DropFunction { .. }
            | Op::CreateTrigger { .. }
            | Op::DropTrigger { .. }
            | Op::CreateExtension { .. }
            | Op::DropExtension { .. }
            | Op::CommentOnTable { .. }
            | Op::CommentOnColumn { .. }
            | Op::DropCommentOnTable { .. }
            | Op::DropCommentOnColumn { .. }
            | Op::CommentOnConstraint { .. }
            | Op::DropCommentOnConstraint { .. }
    };
}
pub(crate) use rendered_alike;

/// The ops every backend renders alike, but for MySQL's word for a rename:
/// the ops on a whole table (deprecating one is a mark in the model, with no
/// SQL), raw SQL and backfills; the enum ops, whose differences are
/// those of the types (`types.rs`); and the view, function and trigger
/// ops (`objects.rs`).
pub(crate) fn alike(cx: &Context<'_>) -> Result<Vec<Statement>, RenderError> {
    Ok(match cx.op {
        Op::CreateTable { name, .. } => {
            vec![sql(create_table(cx, name, cx.table_after(name)?))]
        }
        Op::DropTable { name } => vec![sql(format!("DROP TABLE {}", cx.q(name)))],
        Op::RenameTable { from, to } if cx.dialect == Dialect::Mysql => {
            vec![sql(format!("RENAME TABLE {} TO {}", cx.q(from), cx.q(to)))]
        }
        Op::RenameTable { from, to } => vec![sql(format!(
            "ALTER TABLE {} RENAME TO {}",
            cx.q(from),
            cx.q(to)
        ))],
        Op::Execute { sql: s } => vec![sql(s.trim().trim_end_matches(';').to_string())],
        Op::Backfill {
            table,
            set,
            predicate,
            batch_size,
        } => vec![cx.backfill(table, set, predicate.as_deref(), *batch_size)?],
        Op::DeprecateTable { .. } => Vec::new(),
        Op::CreateEnum { .. }
        | Op::AddEnumValue { .. }
        | Op::RenameEnumValue { .. }
        | Op::DropEnumValue { .. }
        | Op::DropEnum { .. } => super::types::render_enum(cx)?,
        Op::CreateView { .. }
        | Op::ReplaceView { .. }
        | Op::DropView { .. }
        | Op::CreateMaterializedView { .. }
        | Op::DropMaterializedView { .. }
        | Op::RefreshMaterializedView { .. } => super::objects::render_view(cx)?,
        Op::CreateFunction { .. }
        | Op::ReplaceFunction { .. }
        | Op::DropFunction { .. }
        | Op::CreateTrigger { .. }
        | Op::DropTrigger { .. } => super::objects::render_routine(cx)?,
        Op::CreateExtension { .. } | Op::DropExtension { .. } => {
            super::objects::render_extension(cx)?
        }
        Op::CommentOnTable { .. }
        | Op::CommentOnColumn { .. }
        | Op::DropCommentOnTable { .. }
        | Op::DropCommentOnColumn { .. }
        | Op::CommentOnConstraint { .. }
        | Op::DropCommentOnConstraint { .. } => super::objects::render_comment(cx)?,
        // `render` takes safety_assured apart before it gets here.
        Op::SafetyAssured { .. } => {
            return Err(cx.unsupported("safety_assured is rendered op by op"))
        }
        // An op named by `rendered_alike!` without its arm here.
        other => {
            return Err(cx.unsupported(format!(
                "`{}` has no rendering shared by every backend",
                other.method()
            )))
        }
    })
}

/// `ALTER TABLE .. DROP COLUMN ..`, then `suffix` (an algorithm clause).
pub(crate) fn drop_column(cx: &Context<'_>, table: &str, column: &str, suffix: &str) -> Statement {
    sql(format!(
        "ALTER TABLE {} DROP COLUMN {}{suffix}",
        cx.q(table),
        cx.q(column)
    ))
}

/// `ALTER TABLE .. RENAME COLUMN .. TO ..`, then `suffix`.
pub(crate) fn rename_column(
    cx: &Context<'_>,
    table: &str,
    from: &str,
    to: &str,
    suffix: &str,
) -> Statement {
    sql(format!(
        "ALTER TABLE {} RENAME COLUMN {} TO {}{suffix}",
        cx.q(table),
        cx.q(from),
        cx.q(to)
    ))
}

/// `ALTER TABLE .. ADD CONSTRAINT ..` of a constraint as the model has it
/// after the op.
pub(crate) fn add_constraint(
    cx: &Context<'_>,
    table: &str,
    name: &str,
) -> Result<String, RenderError> {
    let c = cx.in_model(cx.table_after(table)?.constraints.get(name), "constraint")?;
    Ok(format!(
        "ALTER TABLE {} ADD {}",
        cx.q(table),
        constraint_definition(cx.dialect, name, c)
    ))
}

/// What a dialect's renderer sees of one op.
pub(crate) struct Context<'a> {
    pub dialect: Dialect,
    pub op: &'a Op,
    pub before: &'a Schema,
    pub after: &'a Schema,
}

impl Context<'_> {
    pub fn q(&self, ident: &str) -> String {
        self.dialect.quote(ident)
    }

    pub fn table_before(&self, name: &str) -> Result<&Table, RenderError> {
        self.before
            .table(name)
            .map_err(|e| replay_error(self.op, e.message))
    }

    pub fn table_after(&self, name: &str) -> Result<&Table, RenderError> {
        self.after
            .table(name)
            .map_err(|e| replay_error(self.op, e.message))
    }

    /// A table after the op, and one of its columns.
    pub fn column_after(
        &self,
        table: &str,
        column: &str,
    ) -> Result<(&Table, &ColumnState), RenderError> {
        let t = self.table_after(table)?;
        Ok((t, self.in_model(t.column(column), "column")?))
    }

    /// An index of a table after the op, if the backend can build it.
    pub fn index_after(&self, table: &str, name: &str) -> Result<&Index, RenderError> {
        // The index of a materialized view, or of a table.
        let indexes = match self.after.indexes_of(table) {
            Some(indexes) => indexes,
            None => &self.table_after(table)?.indexes,
        };
        let index = self.in_model(indexes.get(name), "index")?;
        match super::index::unsupported(self.dialect, index) {
            Some(reason) => Err(self.unsupported(reason)),
            None => Ok(index),
        }
    }

    /// A constraint of a table before the op.
    pub fn constraint_before(&self, table: &str, name: &str) -> Result<&Constraint, RenderError> {
        self.in_model(
            self.table_before(table)?.constraints.get(name),
            "constraint",
        )
    }

    /// Whether a column allowed NULL before the op.
    pub fn was_nullable(&self, table: &str, column: &str) -> Result<bool, RenderError> {
        Ok(self
            .table_before(table)?
            .column(column)
            .is_some_and(|c| c.nullable))
    }

    /// What the model should hold: a `what` missing from it cannot be rendered.
    pub(crate) fn in_model<'t, T>(
        &self,
        found: Option<&'t T>,
        what: &str,
    ) -> Result<&'t T, RenderError> {
        found.ok_or_else(|| self.unsupported(format!("the {what} is missing from the model")))
    }

    pub fn unsupported(&self, reason: impl Into<String>) -> RenderError {
        RenderError::Unsupported {
            dialect: self.dialect,
            op: self.op.to_string(),
            reason: reason.into(),
        }
    }

    /// The backfill plan of `table`, batched by the first primary key column.
    pub fn backfill(
        &self,
        table: &str,
        set: &str,
        predicate: Option<&str>,
        batch_size: u32,
    ) -> Result<Statement, RenderError> {
        let t = self.table_before(table)?;
        let Some(key) = t.primary_key().and_then(|k| k.first()) else {
            return Err(self.unsupported(format!(
                "table `{table}` has no primary key to cut the batches by; add one, or use op.execute with a WHERE clause"
            )));
        };
        let numeric_key = t.column(key).is_some_and(|c| {
            matches!(
                c.ty,
                ColumnType::SmallInt | ColumnType::Integer | ColumnType::BigInt
            )
        });
        Ok(Statement::Backfill(Backfill {
            table: self.q(table),
            key: self.q(key),
            numeric_key,
            set: set.to_string(),
            predicate: predicate.map(str::to_string),
            batch_size: batch_size.max(1),
            dialect: self.dialect,
        }))
    }
}

pub(crate) fn sql(s: impl Into<String>) -> Statement {
    Statement::Sql(s.into())
}

/// The SQL of an `ON DELETE` or `ON UPDATE` (`event`) action, or nothing
/// for the default.
fn referential_action(event: &str, action: godwit_core::Action) -> String {
    use godwit_core::Action::*;
    let action = match action {
        NoAction => return String::new(),
        Restrict => "RESTRICT",
        Cascade => "CASCADE",
        SetNull => "SET NULL",
        SetDefault => "SET DEFAULT",
    };
    format!(" ON {event} {action}")
}

/// The SQL of a foreign key's deferrability, or nothing for the default.
pub(crate) fn deferrable(d: godwit_core::Deferrable) -> &'static str {
    use godwit_core::Deferrable::*;
    match d {
        NotDeferrable => "",
        InitiallyImmediate => " DEFERRABLE",
        InitiallyDeferred => " DEFERRABLE INITIALLY DEFERRED",
    }
}

/// The definition of one column inside CREATE TABLE or ADD COLUMN. An
/// enum type is spelled from the enum types of `cx.after` (MySQL has no
/// named types: the values are written in each column).
pub(crate) fn column_definition(
    cx: &Context<'_>,
    table: &str,
    t: &Table,
    c: &ColumnState,
) -> String {
    let dialect = cx.dialect;
    let q = |s: &str| dialect.quote(s);
    let ty = match dialect {
        Dialect::Postgres if c.serial => super::types::serial_type(&c.ty),
        _ => super::types::column_type(dialect, cx.after, &c.ty),
    };
    let mut out = format!("{} {ty}", q(&c.name));
    if let Some(g) = &c.generated {
        out.push_str(&super::types::generated_clause(dialect, g));
    }
    let sole_key = t
        .primary_key()
        .is_some_and(|k| k.len() == 1 && k[0] == c.name);
    match dialect {
        Dialect::Postgres => {
            if c.autoincrement && !c.serial {
                out.push_str(" GENERATED BY DEFAULT AS IDENTITY");
            }
            if !c.nullable {
                out.push_str(" NOT NULL");
            }
        }
        // MariaDB takes neither NULL nor NOT NULL on a generated column.
        Dialect::Mysql if c.generated.is_some() => {}
        Dialect::Mysql => out.push_str(if c.nullable { " NULL" } else { " NOT NULL" }),
        Dialect::Sqlite => {
            if c.autoincrement && sole_key {
                // SQLite generates values only for an INTEGER PRIMARY KEY.
                let name = t
                    .constraints
                    .iter()
                    .find(|(_, k)| {
                        matches!(
                            k.kind,
                            godwit_core::schema::ConstraintKind::PrimaryKey { .. }
                        )
                    })
                    .map_or_else(
                        || godwit_core::schema::primary_key_name(table),
                        |(n, _)| n.clone(),
                    );
                return format!(
                    "{} INTEGER NOT NULL CONSTRAINT {} PRIMARY KEY AUTOINCREMENT",
                    q(&c.name),
                    q(&name)
                );
            }
            if !c.nullable {
                out.push_str(" NOT NULL");
            }
        }
    }
    if let Some(d) = &c.default {
        out.push_str(" DEFAULT ");
        out.push_str(&dialect.default_value(d, &c.ty));
    }
    if dialect == Dialect::Mysql && c.autoincrement {
        out.push_str(" AUTO_INCREMENT");
    }
    // MySQL keeps a column's comment in its definition: every MODIFY
    // COLUMN says it again, or loses it.
    if let (Dialect::Mysql, Some(comment)) = (dialect, t.column_comments.get(&c.name)) {
        out.push_str(" COMMENT ");
        out.push_str(&dialect.string_literal(comment));
    }
    out
}

/// Whether the SQLite table definition declares its primary key inline
/// (an AUTOINCREMENT column), so no table-level PRIMARY KEY follows.
pub(crate) fn sqlite_inline_key(t: &Table) -> bool {
    t.primary_key()
        .is_some_and(|k| k.len() == 1 && t.column(&k[0]).is_some_and(|c| c.autoincrement))
}

/// The definition of one named constraint (`CONSTRAINT "n" ...`).
pub(crate) fn constraint_definition(
    dialect: Dialect,
    name: &str,
    c: &godwit_core::schema::Constraint,
) -> String {
    use godwit_core::schema::ConstraintKind;
    let q = |s: &str| dialect.quote(s);
    let body = match &c.kind {
        ConstraintKind::PrimaryKey { columns } => {
            format!("PRIMARY KEY ({})", dialect.quote_list(columns))
        }
        ConstraintKind::Unique { columns } => format!("UNIQUE ({})", dialect.quote_list(columns)),
        ConstraintKind::ForeignKey {
            columns,
            ref_table,
            ref_columns,
            on_delete,
            on_update,
            deferrable: deferral,
        } => format!(
            "FOREIGN KEY ({}) REFERENCES {} ({}){}{}{}",
            dialect.quote_list(columns),
            q(ref_table),
            dialect.quote_list(ref_columns),
            referential_action("DELETE", *on_delete),
            referential_action("UPDATE", *on_update),
            deferrable(*deferral)
        ),
        ConstraintKind::Check { expr } => format!("CHECK ({expr})"),
    };
    format!("CONSTRAINT {} {body}", q(name))
}

/// The constraints of a table in the order CREATE TABLE declares them:
/// primary key, unique, foreign keys, checks; by name within each kind.
pub(crate) fn ordered_constraints(t: &Table) -> Vec<(&String, &Constraint)> {
    use godwit_core::schema::ConstraintKind;
    let rank = |k: &ConstraintKind| match k {
        ConstraintKind::PrimaryKey { .. } => 0,
        ConstraintKind::Unique { .. } => 1,
        ConstraintKind::ForeignKey { .. } => 2,
        ConstraintKind::Check { .. } => 3,
    };
    let mut all: Vec<_> = t.constraints.iter().collect();
    all.sort_by_key(|(name, c)| (rank(&c.kind), name.as_str()));
    all
}

/// CREATE TABLE for the table `name` as the model has it (its enum types
/// those of `cx.after`).
pub(crate) fn create_table(cx: &Context<'_>, name: &str, t: &Table) -> String {
    use godwit_core::schema::ConstraintKind;
    let dialect = cx.dialect;
    let mut parts: Vec<String> = t
        .columns
        .iter()
        .map(|c| format!("    {}", column_definition(cx, name, t, c)))
        .collect();
    let inline_key = dialect == Dialect::Sqlite && sqlite_inline_key(t);
    for (cname, c) in ordered_constraints(t) {
        if inline_key && matches!(c.kind, ConstraintKind::PrimaryKey { .. }) {
            continue;
        }
        parts.push(format!("    {}", constraint_definition(dialect, cname, c)));
    }
    format!(
        "CREATE TABLE {} (\n{}\n)",
        dialect.quote(name),
        parts.join(",\n")
    )
}
