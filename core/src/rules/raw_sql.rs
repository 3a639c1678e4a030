//! Raw SQL: `invalid-sql`, `raw-ddl`, `opaque-sql`, `transaction-in-execute`.
//!
//! Text that godwit passes to the database as SQL is parsed with sqlparser
//! (as PostgreSQL, MySQL or SQLite) so that the rules can look inside it.
//! The statements of an `execute` are read into the ops they do
//! (`crate::translate`): the replay applies them, so later ops see what raw
//! SQL created, and the per-op rules judge them.
//!
//! - `invalid-sql` (structural): the SET list or predicate of a `backfill`,
//!   an index predicate, a check expression or a `sql(..)` default that no
//!   dialect reads. The checker must see what will run.
//! - `raw-ddl`: raw DDL that takes a lock or rewrites a table, or breaks the
//!   running version: what a per-op rule finds in the op the statement reads
//!   as (a `CREATE INDEX` without `CONCURRENTLY` on an existing table),
//!   said of the statement. Raw DDL that is safe is not flagged.
//! - `opaque-sql`: a statement godwit cannot read, or whose effect on the
//!   schema the model does not follow (`DO $$ .. $$`, `ALTER TABLE .. SET
//!   (..)`): nothing after it sees what it did. A compatibility rule: valid
//!   SQL is never an error nobody can silence.
//! - `transaction-in-execute` (squawk's `transaction-nesting`): `execute` of
//!   BEGIN, START TRANSACTION, COMMIT or ROLLBACK. The runner wraps each
//!   migration in a transaction and records it in the version table in that
//!   same transaction; a COMMIT in the middle would split it.
//!
//! `unbatched-update` and `backfill-with-schema-change` look at raw SQL too;
//! they live in `data_changes.rs`.

use super::sql::{self, Effect};
use super::{Finding, OpCheck};
use crate::backend::{Backend, Backends, Target};
use crate::diagnostic::{Rule, RuleKind};
use crate::model::{ColumnChange, DefaultValue, Op};
use crate::translate::{self, Meaning};

/// `invalid-sql` for a fragment the backends in `failed` cannot read, of
/// those the set is checked for.
fn invalid(what: String, text: &str, failed: &[(Backend, String)], backends: &Backends) -> Finding {
    let failing = Backends::new(failed.iter().map(|(b, _)| Target::new(*b)));
    let readers = Backends::new(
        backends
            .targets()
            .iter()
            .copied()
            .filter(|t| !failing.has(t.backend)),
    );
    let why = &failed[0].1;
    let help = if readers.is_empty() {
        "fix the SQL: godwit reads it to check it against the rules, and must see exactly what will run".to_string()
    } else {
        format!(
            "fix the SQL for {}; or, if the set runs on {} only, say so before the paths in migrations![..]: `{}`",
            failing.describe(),
            readers.describe(),
            readers.setting()
        )
    };
    Finding::new(
        Rule::InvalidSql,
        format!("{what} is not valid {}: {why}", failing.describe()),
        help,
    )
    .at_text(text)
}

/// `invalid-sql`, on every SQL fragment an op carries, for each backend the
/// set is checked for (an `execute`'s statements are `opaque-sql`'s).
pub(super) fn check_text(op: &Op, backends: &Backends, out: &mut Vec<Finding>) {
    let expression = |what: String, text: &str, out: &mut Vec<Finding>| {
        let failed = sql::expression_unreadable(text, backends);
        if !failed.is_empty() {
            out.push(invalid(what, text, &failed, backends));
        }
    };
    let default = |what: String, d: &Option<DefaultValue>, out: &mut Vec<Finding>| {
        if let Some(DefaultValue::Sql(text)) = d {
            expression(what, text, out);
        }
    };
    match op {
        Op::Backfill {
            table,
            set,
            predicate,
            ..
        } => {
            let failed = sql::assignments_unreadable(set, backends);
            if !failed.is_empty() {
                out.push(invalid(
                    format!("the SET list of the backfill of `{table}`"),
                    set,
                    &failed,
                    backends,
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

/// `opaque-sql` and `transaction-in-execute`.
pub(super) fn check(cx: &OpCheck<'_>, backends: &Backends, out: &mut Vec<Finding>) {
    for statement in cx.raw {
        // Only where one backend's parser reads it and another's does not:
        // a statement no parser reads is the fallback's, or unreadable.
        let mut failed = match statement.meaning {
            Meaning::Unreadable(_) => Vec::new(),
            _ => sql::statement_unreadable(&statement.text, backends),
        };
        if failed.len() == backends.targets().len() {
            failed.clear();
        }
        if !failed.is_empty() {
            let failing = Backends::new(failed.iter().map(|(b, _)| Target::new(*b)));
            let readers = Backends::new(
                backends
                    .targets()
                    .iter()
                    .copied()
                    .filter(|t| !failing.has(t.backend)),
            );
            out.push(
                Finding::new(
                    Rule::OpaqueSql,
                    format!(
                        "`execute` runs `{}`, which {} cannot read ({}): the set is checked for {}, and this SQL runs on each of them",
                        first_words(&statement.text),
                        failing.describe(),
                        parser_words(&failed[0].1),
                        backends.describe(),
                    ),
                    format!(
                        "write it with the DSL ops, which each backend renders in its own words; or, if the set runs on {} only, say so before the paths in migrations![..]: `{}`",
                        readers.describe(),
                        readers.setting()
                    ),
                )
                .at_text(&statement.text),
            );
            continue;
        }
        let message = match &statement.meaning {
            Meaning::Opaque(what) => format!(
                "`execute` runs {what}, whose effect on the schema godwit does not follow: the ops after it and the downgrade check do not see it"
            ),
            Meaning::Unreadable(why) => format!(
                "`execute` runs `{}`, which godwit cannot read ({}): the rules, the ops after it and the downgrade check cannot see what it does",
                first_words(&statement.text),
                parser_words(why)
            ),
            _ => continue,
        };
        out.push(
            Finding::new(
                Rule::OpaqueSql,
                message,
                "write it with the DSL ops where they say it; if you know it is safe, say why with op.safety_assured(\"why it is safe\", |op| { .. }) around it",
            )
            .at_text(&statement.text),
        );
    }
    let mut transaction = Vec::new();
    for effect in cx.statements().flat_map(sql::effect) {
        if let Effect::Transaction { verb } = effect {
            if !transaction.contains(&verb) {
                transaction.push(verb);
            }
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

/// What a per-op rule found in the op a raw statement reads as, said of the
/// statement: a compatibility finding becomes `raw-ddl`, naming the hazard;
/// a performance hint stays what it is.
pub(super) fn as_raw_ddl(found: Finding, statement: &translate::Statement) -> Finding {
    if found.rule.kind() != RuleKind::Compatibility {
        return found;
    }
    Finding {
        rule: Rule::RawDdl,
        message: format!(
            "`execute` runs `{}`: {}",
            first_words(&statement.text),
            found.message
        ),
        help: format!(
            "{}; or, if it is safe here, say why with op.safety_assured(\"why it is safe\", |op| {{ .. }}) around it",
            found.help
        ),
        focus: Some(statement.text.clone()),
    }
}

/// What the parser said, without its prefix and position.
fn parser_words(why: &str) -> &str {
    let why = why.trim_start_matches("sql parser error: ");
    why.rfind(" at Line: ").map_or(why, |i| &why[..i])
}

/// A statement, or its start when it is long, to name it in a message;
/// comments before it are not part of its name.
fn first_words(text: &str) -> String {
    let start = crate::sql_text::tokens(text, crate::sql_text::Syntax::Postgres)
        .find(|t| {
            !matches!(
                t.kind,
                crate::sql_text::TokenKind::Whitespace
                    | crate::sql_text::TokenKind::LineComment
                    | crate::sql_text::TokenKind::BlockComment
            )
        })
        .map_or(0, |t| t.start);
    let words: Vec<&str> = text[start..].split_whitespace().collect();
    let whole = words.join(" ");
    if whole.chars().count() <= 80 {
        return whole;
    }
    let mut out = String::new();
    for w in words {
        if out.chars().count() + w.chars().count() > 70 {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out + " .."
}
