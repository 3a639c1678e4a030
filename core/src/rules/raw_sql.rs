//! Raw SQL: `invalid-sql`, `raw-ddl`, `transaction-in-execute`.
//!
//! Text that godwit passes to the database as SQL is parsed with sqlparser
//! (as PostgreSQL, MySQL or SQLite) so that the rules can look inside it:
//!
//! - `invalid-sql` (structural): an `execute`, the SET list or predicate of
//!   a `backfill`, an index predicate, a check expression or a `sql(..)`
//!   default that no dialect reads. The checker must see what will run.
//! - `raw-ddl`: `execute` of ALTER, CREATE or DROP of a TABLE or INDEX (or
//!   RENAME TABLE), which the DSL expresses. The schema model does not see
//!   inside raw SQL, so neither the rules nor the downgrade check would.
//! - `transaction-in-execute` (squawk's `transaction-nesting`): `execute` of
//!   BEGIN, START TRANSACTION, COMMIT or ROLLBACK. The runner wraps each
//!   migration in a transaction and records it in the version table in that
//!   same transaction; a COMMIT in the middle would split it.
//!
//! `unbatched-update` and `backfill-with-schema-change` look at raw SQL too;
//! they live in `data_changes.rs`.

use super::sql::{self, Effect};
use super::{Finding, OpCheck};
use crate::diagnostic::Rule;
use crate::model::{ColumnChange, DefaultValue, Op};

const DIALECTS: &str = "PostgreSQL, MySQL or SQLite";

fn invalid(what: String, text: &str, why: String) -> Finding {
    Finding::new(
        Rule::InvalidSql,
        format!("{what} does not parse as {DIALECTS}: {why}"),
        "fix the SQL: godwit reads it to check it against the rules, and must see exactly what will run",
    )
    .at_text(text)
}

/// `invalid-sql`, on every piece of SQL text an op carries.
pub(super) fn check_text(
    op: &Op,
    parsed: Option<&Result<Vec<sqlparser::ast::Statement>, String>>,
    out: &mut Vec<Finding>,
) {
    let expression = |what: String, text: &str, out: &mut Vec<Finding>| {
        if let Err(why) = sql::expression(text) {
            out.push(invalid(what, text, why));
        }
    };
    let default = |what: String, d: &Option<DefaultValue>, out: &mut Vec<Finding>| {
        if let Some(DefaultValue::Sql(text)) = d {
            if let Err(why) = sql::expression(text) {
                out.push(invalid(what, text, why));
            }
        }
    };
    match op {
        Op::Execute { sql: text } => {
            if let Some(Err(why)) = parsed {
                out.push(invalid(
                    "the SQL of `execute`".to_string(),
                    text,
                    why.clone(),
                ));
            }
        }
        Op::Backfill {
            table,
            set,
            predicate,
            ..
        } => {
            if let Err(why) = sql::assignments(set) {
                out.push(invalid(
                    format!("the SET list of the backfill of `{table}`"),
                    set,
                    why,
                ));
            }
            if let Some(p) = predicate {
                expression(
                    format!("the .where_(..) of the backfill of `{table}`"),
                    p,
                    out,
                );
            }
        }
        Op::CreateIndex {
            name,
            keys,
            predicate,
            ..
        } => {
            for k in keys.iter().filter(|k| k.expression) {
                expression(format!("a key of index `{name}`"), &k.target, out);
            }
            if let Some(p) = predicate {
                expression(format!("the .where_(..) of index `{name}`"), p, out);
            }
        }
        Op::CreateCheckConstraint { name, expr, .. } => {
            expression(format!("check constraint `{name}`"), expr, out)
        }
        Op::CreateTable {
            name,
            columns,
            checks,
            ..
        } => {
            for c in columns.iter() {
                default(
                    format!("the default of `{name}.{}`", c.name),
                    &c.default,
                    out,
                );
            }
            for c in checks.iter() {
                expression(format!("check constraint `{}`", c.name), &c.expr, out);
            }
        }
        Op::AddColumn { table, column } => default(
            format!("the default of `{table}.{}`", column.name),
            &column.default,
            out,
        ),
        Op::AlterColumn {
            table,
            column,
            changes,
        } => {
            for change in changes.iter() {
                if let ColumnChange::SetDefault(d) = change {
                    default(
                        format!("the default of `{table}.{column}`"),
                        &Some(d.clone()),
                        out,
                    );
                }
            }
        }
        _ => {}
    }
}

/// `raw-ddl` and `transaction-in-execute`.
pub(super) fn check(cx: &OpCheck<'_>, out: &mut Vec<Finding>) {
    let mut transaction = Vec::new();
    for effect in cx.statements.iter().flat_map(sql::effect) {
        match effect {
            Effect::Ddl {
                verb,
                tables,
                indexes,
            } => {
                let named: Vec<String> = tables
                    .iter()
                    .chain(&indexes)
                    .map(|n| format!("`{}`", n.value))
                    .collect();
                let on = if named.is_empty() {
                    String::new()
                } else {
                    format!(" {}", named.join(", "))
                };
                out.push(Finding::new(
                    Rule::RawDdl,
                    format!(
                        "`execute` runs {verb}{on}, which the schema model and the safety rules cannot see into"
                    ),
                    format!(
                        "use the DSL op for it ({}) so that the rules and the downgrade check see it; if the DSL cannot express it, wrap it in op.safety_assured(\"why it is safe\", |op| {{ .. }})",
                        dsl_ops(verb)
                    ),
                ));
            }
            Effect::Transaction { verb } => {
                if !transaction.contains(&verb) {
                    transaction.push(verb);
                }
            }
            Effect::Data { .. } | Effect::Other => {}
        }
    }
    if !transaction.is_empty() {
        out.push(Finding::new(
            Rule::TransactionInExecute,
            format!(
                "`execute` runs {}, but godwit already runs the migration in a transaction and records it in the version table inside that transaction",
                transaction.join(" and ")
            ),
            "remove the transaction control: each migration is one transaction (a concurrent index op runs alone, outside one); split the work into several migrations if it needs several transactions",
        ));
    }
}

/// The DSL ops that do what a raw DDL statement does.
fn dsl_ops(verb: &str) -> &'static str {
    match verb {
        "CREATE TABLE" => "op.create_table",
        "ALTER TABLE" => "op.add_column, op.alter_column, op.drop_column, op.rename_column, op.create_foreign_key, op.create_check_constraint, op.create_unique_constraint, op.create_primary_key, ..",
        "DROP TABLE" => "op.deprecate_table, then op.drop_table",
        "CREATE INDEX" => "op.create_index(..).concurrently()",
        "DROP INDEX" => "op.drop_index(..).concurrently()",
        "RENAME TABLE" => "op.rename_table",
        _ => "op.create_index / op.drop_index",
    }
}
