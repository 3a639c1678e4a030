//! Objects whose body is SQL: views on every backend, materialized views on
//! PostgreSQL (MySQL and SQLite have none: those ops are refused, as any
//! other a backend lacks); functions on PostgreSQL and MySQL, triggers on
//! every backend; extensions on PostgreSQL.

use godwit_core::schema::function_name;
use godwit_core::Op;

use super::{sql, Context, Dialect, RenderError, Statement};

/// The view ops, on each backend.
pub(crate) fn render_view(cx: &Context<'_>) -> Result<Vec<Statement>, RenderError> {
    let if_exists = |yes: bool| if yes { "IF EXISTS " } else { "" };
    Ok(match cx.op {
        Op::CreateView { name, query } => vec![create_view(cx, name, query)],
        // SQLite has no OR REPLACE: the view is dropped and created again
        // (in the migration's transaction, so no reader sees it missing).
        Op::ReplaceView { name, query } if cx.dialect == Dialect::Sqlite => vec![
            sql(format!("DROP VIEW {}", cx.q(name))),
            create_view(cx, name, query),
        ],
        Op::ReplaceView { name, query } => vec![sql(format!(
            "CREATE OR REPLACE VIEW {} AS {}",
            cx.q(name),
            body(query)
        ))],
        Op::DropView { name, if_exists: e } => {
            vec![sql(format!("DROP VIEW {}{}", if_exists(*e), cx.q(name)))]
        }
        Op::CreateMaterializedView {
            name,
            query,
            with_no_data,
        } => {
            vec![sql(format!(
                "CREATE MATERIALIZED VIEW {} AS {}{}",
                cx.q(name),
                body(query),
                if *with_no_data { " WITH NO DATA" } else { "" }
            ))]
        }
        Op::DropMaterializedView { name, if_exists: e } => {
            vec![sql(format!(
                "DROP MATERIALIZED VIEW {}{}",
                if_exists(*e),
                cx.q(name)
            ))]
        }
        Op::RefreshMaterializedView { name, concurrently } => {
            vec![sql(format!(
                "REFRESH MATERIALIZED VIEW {}{}",
                if *concurrently { "CONCURRENTLY " } else { "" },
                cx.q(name)
            ))]
        }
        other => return Err(cx.unsupported(format!("`{}` is not a view op", other.method()))),
    })
}

/// `CREATE VIEW name AS query`.
pub(crate) fn create_view(cx: &Context<'_>, name: &str, query: &str) -> Statement {
    sql(format!("CREATE VIEW {} AS {}", cx.q(name), body(query)))
}

/// The query as written, without a trailing `;`.
fn body(query: &str) -> &str {
    query.trim().trim_end_matches(';').trim_end()
}

/// The function and trigger ops, on each backend.
pub(crate) fn render_routine(cx: &Context<'_>) -> Result<Vec<Statement>, RenderError> {
    let if_exists = |yes: bool| if yes { "IF EXISTS " } else { "" };
    // What a backend lacks of them (SQLite's functions) is refused before
    // rendering, by `godwit_core::backend::limits`.
    Ok(match cx.op {
        Op::CreateFunction {
            signature,
            definition,
        } => vec![create_function(signature, definition)],
        // MySQL has no OR REPLACE for a function (MariaDB has; one spelling
        // serves both).
        Op::ReplaceFunction {
            signature,
            definition,
        } if cx.dialect == Dialect::Mysql => vec![
            sql(format!("DROP FUNCTION {}", cx.q(&function_name(signature)))),
            create_function(signature, definition),
        ],
        Op::ReplaceFunction {
            signature,
            definition,
        } => vec![sql(format!(
            "CREATE OR REPLACE FUNCTION {} {}",
            signature.trim(),
            body(definition)
        ))],
        // MySQL names a function without its arguments.
        Op::DropFunction {
            signature,
            if_exists: e,
        } if cx.dialect == Dialect::Mysql => vec![sql(format!(
            "DROP FUNCTION {}{}",
            if_exists(*e),
            cx.q(&function_name(signature))
        ))],
        Op::DropFunction {
            signature,
            if_exists: e,
        } => vec![sql(format!(
            "DROP FUNCTION {}{}",
            if_exists(*e),
            signature.trim()
        ))],
        Op::CreateTrigger {
            name,
            table,
            timing,
            body: b,
        } => vec![create_trigger(cx, name, table, timing, b)],
        Op::DropTrigger {
            name,
            table,
            if_exists: e,
        } => vec![sql(match cx.dialect {
            // PostgreSQL's triggers are named per table.
            Dialect::Postgres => format!(
                "DROP TRIGGER {}{} ON {}",
                if_exists(*e),
                cx.q(name),
                cx.q(table)
            ),
            Dialect::Mysql | Dialect::Sqlite => {
                format!("DROP TRIGGER {}{}", if_exists(*e), cx.q(name))
            }
        })],
        other => {
            return Err(cx.unsupported(format!(
                "`{}` is not a function or trigger op",
                other.method()
            )))
        }
    })
}

/// `CREATE FUNCTION signature definition`: the signature as written (its
/// argument types are part of its name on PostgreSQL).
fn create_function(signature: &str, definition: &str) -> Statement {
    sql(format!(
        "CREATE FUNCTION {} {}",
        signature.trim(),
        body(definition)
    ))
}

/// `CREATE TRIGGER name timing ON table body`.
pub(crate) fn create_trigger(
    cx: &Context<'_>,
    name: &str,
    table: &str,
    timing: &str,
    body_sql: &str,
) -> Statement {
    sql(format!(
        "CREATE TRIGGER {} {} ON {} {}",
        cx.q(name),
        timing.trim(),
        cx.q(table),
        body(body_sql)
    ))
}

/// The extension ops: PostgreSQL's.
pub(crate) fn render_extension(cx: &Context<'_>) -> Result<Vec<Statement>, RenderError> {
    // Other backends have none: `godwit_core::backend::limits` refuses them
    // before rendering.
    Ok(match cx.op {
        Op::CreateExtension {
            name,
            if_not_exists,
        } => vec![sql(format!(
            "CREATE EXTENSION {}{}",
            if *if_not_exists { "IF NOT EXISTS " } else { "" },
            cx.q(name)
        ))],
        Op::DropExtension { name, if_exists } => vec![sql(format!(
            "DROP EXTENSION {}{}",
            if *if_exists { "IF EXISTS " } else { "" },
            cx.q(name)
        ))],
        other => return Err(cx.unsupported(format!("`{}` is not an extension op", other.method()))),
    })
}

/// The comment ops. SQLite keeps no comments: they render no statement.
pub(crate) fn render_comment(cx: &Context<'_>) -> Result<Vec<Statement>, RenderError> {
    let d = cx.dialect;
    let text = |t: Option<&str>| match (t, d) {
        (Some(t), _) => d.string_literal(t),
        (None, Dialect::Postgres) => "NULL".to_string(),
        (None, _) => "''".to_string(),
    };
    Ok(match (d, cx.op) {
        (Dialect::Sqlite, _) => Vec::new(),
        (
            Dialect::Postgres,
            Op::CommentOnConstraint { name, table, .. }
            | Op::DropCommentOnConstraint { name, table },
        ) => {
            let t = cx.table_after(table)?;
            vec![sql(format!(
                "COMMENT ON CONSTRAINT {} ON {} IS {}",
                cx.q(name),
                cx.q(table),
                text(t.constraint_comments.get(&**name).map(String::as_str))
            ))]
        }
        // MySQL and MariaDB keep no comment on a constraint.
        (Dialect::Mysql, Op::CommentOnConstraint { .. } | Op::DropCommentOnConstraint { .. }) => {
            Vec::new()
        }
        (
            Dialect::Postgres,
            Op::CommentOnTable { table, .. } | Op::DropCommentOnTable { table },
        ) => {
            let t = cx.table_after(table)?;
            vec![sql(format!(
                "COMMENT ON TABLE {} IS {}",
                cx.q(table),
                text(t.comment.as_deref())
            ))]
        }
        (
            Dialect::Postgres,
            Op::CommentOnColumn { table, column, .. } | Op::DropCommentOnColumn { table, column },
        ) => {
            let t = cx.table_after(table)?;
            vec![sql(format!(
                "COMMENT ON COLUMN {}.{} IS {}",
                cx.q(table),
                cx.q(column),
                text(t.column_comments.get(&**column).map(String::as_str))
            ))]
        }
        (Dialect::Mysql, Op::CommentOnTable { table, .. } | Op::DropCommentOnTable { table }) => {
            let t = cx.table_after(table)?;
            vec![sql(format!(
                "ALTER TABLE {} COMMENT = {}",
                cx.q(table),
                text(t.comment.as_deref())
            ))]
        }
        // MySQL keeps a column's comment in its definition, which MODIFY
        // COLUMN states whole (`column_definition` ends with the comment).
        (
            Dialect::Mysql,
            Op::CommentOnColumn { table, column, .. } | Op::DropCommentOnColumn { table, column },
        ) => {
            let (t, state) = cx.column_after(table, column)?;
            vec![sql(format!(
                "ALTER TABLE {} MODIFY COLUMN {}",
                cx.q(table),
                super::column_definition(cx, table, t, state)
            ))]
        }
        (_, other) => {
            return Err(cx.unsupported(format!("`{}` is not a comment op", other.method())))
        }
    })
}

/// `IF NOT EXISTS` and `IF EXISTS` of `create_table`, `create_index` and
/// `drop_index`, where the backend has them, in the first statement the op
/// rendered (MySQL has only `CREATE TABLE IF NOT EXISTS`).
pub(crate) fn existence_clauses(cx: &Context<'_>, out: &mut [Statement]) {
    let Some(Statement::Sql(first)) = out.first_mut() else {
        return;
    };
    let (find, with) = match cx.op {
        Op::CreateTable {
            if_not_exists: true,
            ..
        } => (
            "CREATE TABLE ".to_string(),
            "CREATE TABLE IF NOT EXISTS ".to_string(),
        ),
        _ if cx.dialect == Dialect::Mysql => return,
        Op::CreateIndex {
            name,
            concurrently,
            if_not_exists: true,
            ..
        } => {
            let c = if *concurrently && cx.dialect == Dialect::Postgres {
                "CONCURRENTLY "
            } else {
                ""
            };
            (
                format!("INDEX {c}{}", cx.q(name)),
                format!("INDEX {c}IF NOT EXISTS {}", cx.q(name)),
            )
        }
        Op::DropIndex {
            name,
            if_exists: true,
            ..
        } => (
            format!(" {}", cx.q(name)),
            format!(" IF EXISTS {}", cx.q(name)),
        ),
        _ => return,
    };
    *first = first.replacen(&find, &with, 1);
}
