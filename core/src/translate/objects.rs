//! Objects whose body is SQL, read from raw SQL: `CREATE [OR REPLACE]
//! [MATERIALIZED] VIEW`, `DROP [MATERIALIZED] VIEW`, `REFRESH MATERIALIZED
//! VIEW`; and the relations a view's query reads, which the model keeps
//! as the view's dependencies.

use sqlparser::ast::{
    CreateTableOptions, Expr, JoinConstraint, JoinOperator, ObjectName, ObjectType, Query,
    SelectItem, SetExpr, Statement as Ast, TableFactor, TableWithJoins,
};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

use super::ddl::{ident_name, last};
use crate::model::Op;
use crate::schema::Schema;
use crate::sql_text::{self, Syntax, TokenKind};

/// Ops, or what the statement is when the model cannot follow it.
type Translated = Result<Vec<Op>, String>;

/// The tables and views the SELECT `query` reads (in FROM and JOIN, in
/// derived tables, subqueries and common table expressions, not the names
/// the latter define), by the names the model keeps, sorted; `None` when
/// the query cannot be read that far, so that its dependencies are said to
/// be unknown rather than guessed.
pub fn relations_read(query: &str) -> Option<Vec<String>> {
    let mut asts = Parser::parse_sql(&PostgreSqlDialect {}, query).ok()?;
    let Some(Ast::Query(q)) = asts.pop().filter(|_| asts.is_empty()) else {
        return None;
    };
    let mut out = Vec::new();
    query_relations(&q, &[], &mut out)?;
    out.sort();
    out.dedup();
    Some(out)
}

/// The relations of a query, `ctes` being the names defined around it.
fn query_relations(q: &Query, ctes: &[String], out: &mut Vec<String>) -> Option<()> {
    let mut names = ctes.to_vec();
    if let Some(with) = &q.with {
        for cte in &with.cte_tables {
            // A recursive one sees its own name; a plain one, those before it.
            if with.recursive {
                names.push(ident_name(&cte.alias.name));
            }
            query_relations(&cte.query, &names, out)?;
            if !with.recursive {
                names.push(ident_name(&cte.alias.name));
            }
        }
    }
    set_relations(&q.body, &names, out)?;
    // ORDER BY, LIMIT and the rest: a subquery there is not followed.
    let rest = [
        q.order_by.as_ref().map(|o| o.to_string()),
        q.limit_clause.as_ref().map(|l| l.to_string()),
        q.fetch.as_ref().map(|f| f.to_string()),
    ];
    rest.iter().flatten().all(|t| !has_select(t)).then_some(())
}

fn set_relations(body: &SetExpr, ctes: &[String], out: &mut Vec<String>) -> Option<()> {
    match body {
        SetExpr::Select(s) => {
            for from in &s.from {
                from_relations(from, ctes, out)?;
            }
            for item in &s.projection {
                match item {
                    SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => {
                        expr_relations(e, ctes, out)?
                    }
                    other => plain(&other.to_string())?,
                }
            }
            for e in s.selection.iter().chain(&s.having) {
                expr_relations(e, ctes, out)?;
            }
            plain(&s.group_by.to_string())
        }
        SetExpr::Query(q) => query_relations(q, ctes, out),
        SetExpr::SetOperation { left, right, .. } => {
            set_relations(left, ctes, out)?;
            set_relations(right, ctes, out)
        }
        SetExpr::Values(v) => plain(&v.to_string()),
        SetExpr::Table(t) => {
            let name = ident_name(t.table_name.as_ref()?);
            if !ctes.contains(&name) {
                out.push(name);
            }
            Some(())
        }
        // A data-changing statement is no view's query.
        _ => None,
    }
}

fn from_relations(from: &TableWithJoins, ctes: &[String], out: &mut Vec<String>) -> Option<()> {
    factor_relations(&from.relation, ctes, out)?;
    for join in &from.joins {
        factor_relations(&join.relation, ctes, out)?;
        if let Some(JoinConstraint::On(e)) = constraint(&join.join_operator) {
            expr_relations(e, ctes, out)?;
        }
    }
    Some(())
}

fn constraint(op: &JoinOperator) -> Option<&JoinConstraint> {
    use JoinOperator::*;
    match op {
        Join(c) | Inner(c) | Left(c) | LeftOuter(c) | Right(c) | RightOuter(c) | FullOuter(c)
        | CrossJoin(c) | Semi(c) | LeftSemi(c) | RightSemi(c) | Anti(c) | LeftAnti(c)
        | RightAnti(c) => Some(c),
        _ => None,
    }
}

fn factor_relations(f: &TableFactor, ctes: &[String], out: &mut Vec<String>) -> Option<()> {
    match f {
        TableFactor::Table { name, args, .. } => {
            // A function in FROM (`generate_series(..)`) reads no relation
            // by its name.
            if args.is_some() {
                return plain(&f.to_string());
            }
            let name = last(name)?;
            if !ctes.contains(&name) {
                out.push(name);
            }
            Some(())
        }
        TableFactor::Derived { subquery, .. } => query_relations(subquery, ctes, out),
        TableFactor::NestedJoin {
            table_with_joins, ..
        } => from_relations(table_with_joins, ctes, out),
        other => plain(&other.to_string()),
    }
}

/// The relations of the subqueries in an expression, followed through the
/// shapes that hold them most often; any other shape with a subquery in it
/// makes the whole unknown.
fn expr_relations(e: &Expr, ctes: &[String], out: &mut Vec<String>) -> Option<()> {
    match e {
        Expr::Subquery(q) | Expr::Exists { subquery: q, .. } => query_relations(q, ctes, out),
        Expr::In {
            expr,
            target: sqlparser::ast::InTarget::Subquery(subquery),
            ..
        } => {
            expr_relations(expr, ctes, out)?;
            query_relations(subquery, ctes, out)
        }
        Expr::BinaryOp { left, right, .. } => {
            expr_relations(left, ctes, out)?;
            expr_relations(right, ctes, out)
        }
        Expr::UnaryOp { expr, .. } | Expr::Nested(expr) => expr_relations(expr, ctes, out),
        other => plain(&other.to_string()),
    }
}

/// `Some` when the SQL text holds no subquery (no `SELECT` outside literals).
fn plain(text: &str) -> Option<()> {
    (!has_select(text)).then_some(())
}

fn has_select(text: &str) -> bool {
    sql_text::tokens(text, Syntax::Postgres)
        .any(|t| t.kind == TokenKind::Word && t.text.eq_ignore_ascii_case("select"))
}

/// `CREATE [OR REPLACE] [MATERIALIZED] VIEW`, `WITH NO DATA` said apart
/// (sqlparser does not read it: see [`with_no_data`]).
pub(super) fn create_view(
    v: &sqlparser::ast::CreateView,
    with_no_data: bool,
    schema: &Schema,
) -> Translated {
    let what = if v.materialized {
        "CREATE MATERIALIZED VIEW"
    } else {
        "CREATE VIEW"
    };
    let Some(name) = last(&v.name) else {
        return Err(format!("{what} of a name of another form"));
    };
    if !v.columns.is_empty()
        || v.temporary
        || v.or_alter
        || v.to.is_some()
        || v.params.is_some()
        || !matches!(v.options, CreateTableOptions::None)
    {
        return Err(format!(
            "{what} `{name}` with a column list or options the model does not follow"
        ));
    }
    let query = v.query.to_string();
    let exists = schema.views.contains_key(&name) || schema.tables.contains_key(&name);
    Ok(match (v.or_replace, v.materialized) {
        _ if v.if_not_exists && exists => Vec::new(),
        (true, false) if schema.views.contains_key(&name) => vec![Op::ReplaceView {
            name: name.into(),
            query: query.into(),
        }],
        (_, false) => vec![Op::CreateView {
            name: name.into(),
            query: query.into(),
        }],
        (true, true) => return Err(format!("CREATE OR REPLACE MATERIALIZED VIEW `{name}`")),
        (false, true) => vec![Op::CreateMaterializedView {
            name: name.into(),
            query: query.into(),
            with_no_data,
        }],
    })
}

/// `DROP VIEW` and `DROP MATERIALIZED VIEW`, or `None` for other drops.
pub(super) fn drop(
    object_type: ObjectType,
    if_exists: bool,
    names: &[ObjectName],
    schema: &Schema,
) -> Option<Translated> {
    let materialized = match object_type {
        ObjectType::View => false,
        ObjectType::MaterializedView => true,
        _ => return None,
    };
    let mut ops = Vec::new();
    for name in names {
        let Some(name) = last(name) else {
            return Some(Err("DROP VIEW of a name of another form".into()));
        };
        // `IF EXISTS` of a view that is not there changes nothing.
        if if_exists && !schema.views.contains_key(&name) {
            continue;
        }
        ops.push(if materialized {
            Op::DropMaterializedView {
                name: name.into(),
                if_exists,
            }
        } else {
            Op::DropView {
                name: name.into(),
                if_exists,
            }
        });
    }
    Some(Ok(ops))
}

/// `REFRESH MATERIALIZED VIEW [CONCURRENTLY] name [WITH [NO] DATA]`.
pub(super) fn refresh(r: &sqlparser::ast::RefreshMaterializedView) -> Translated {
    let name = last(&r.name).ok_or("REFRESH MATERIALIZED VIEW of a name of another form")?;
    if r.with_data == Some(false) {
        return Err(format!("REFRESH MATERIALIZED VIEW `{name}` WITH NO DATA"));
    }
    Ok(vec![Op::RefreshMaterializedView {
        name: name.into(),
        concurrently: r.concurrently,
    }])
}

/// A `CREATE MATERIALIZED VIEW .. WITH [NO] DATA`, which sqlparser does not
/// read: the statement without its last three words, and whether they said
/// `NO DATA`.
pub(super) fn with_no_data(text: &str, syntax: Syntax) -> Option<(String, bool)> {
    let words: Vec<_> = sql_text::tokens(text, syntax)
        .filter(|t| !t.is_trivia())
        .collect();
    let upper = |i: usize| words.get(i).map(|t| t.text.to_ascii_uppercase());
    let starts = upper(0)? == "CREATE" && upper(1)? == "MATERIALIZED" && upper(2)? == "VIEW";
    let n = words.len();
    if !starts || n < 3 || upper(n - 1)? != "DATA" {
        return None;
    }
    let (no, with_at) = match upper(n - 2)?.as_str() {
        "NO" if upper(n - 3)? == "WITH" => (true, n - 3),
        "WITH" => (false, n - 2),
        _ => return None,
    };
    let cut = words[with_at].start;
    Some((text[..cut].trim_end().to_string(), no))
}
