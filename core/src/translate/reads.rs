//! What a view's query reads: the relations in its FROM and JOIN clauses
//! (the model keeps them as the view's dependencies), and the columns of a
//! table it names, through the aliases those clauses give.

use sqlparser::ast::{
    Expr, JoinConstraint, JoinOperator, Query, SelectItem, SetExpr, Statement as Ast, TableFactor,
    TableWithJoins,
};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

use super::ddl::{ident_name, last};
use crate::sql_text::{self, Syntax, TokenKind};

/// What the walk over a query finds.
#[derive(Default)]
struct Found {
    /// The relations read, by the names the model keeps.
    relations: Vec<String>,
    /// The names FROM items go by in the query (an alias, else the
    /// relation's own name), each with the table or view it stands for;
    /// `None` for a derived table, a common table expression or a function.
    bindings: Vec<(String, Option<String>)>,
}

/// The query `query` read as far as [`relations_read`] follows it.
fn read(query: &str) -> Option<Found> {
    let mut asts = Parser::parse_sql(&PostgreSqlDialect {}, query).ok()?;
    let Some(Ast::Query(q)) = asts.pop().filter(|_| asts.is_empty()) else {
        return None;
    };
    let mut out = Found::default();
    query_relations(&q, &[], &mut out)?;
    Some(out)
}

/// The tables and views the SELECT `query` reads (in FROM and JOIN, in
/// derived tables, subqueries and common table expressions, not the names
/// the latter define), by the names the model keeps, sorted; `None` when
/// the query cannot be read that far, so that its dependencies are said to
/// be unknown rather than guessed.
pub fn relations_read(query: &str) -> Option<Vec<String>> {
    let mut out = read(query)?.relations;
    out.sort();
    out.dedup();
    Some(out)
}

/// The relations of a query, `ctes` being the names defined around it.
fn query_relations(q: &Query, ctes: &[String], out: &mut Found) -> Option<()> {
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

fn set_relations(body: &SetExpr, ctes: &[String], out: &mut Found) -> Option<()> {
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
                out.relations.push(name);
            }
            Some(())
        }
        // A data-changing statement is no view's query.
        _ => None,
    }
}

fn from_relations(from: &TableWithJoins, ctes: &[String], out: &mut Found) -> Option<()> {
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

fn factor_relations(f: &TableFactor, ctes: &[String], out: &mut Found) -> Option<()> {
    match f {
        TableFactor::Table {
            name, args, alias, ..
        } => {
            // A function in FROM (`generate_series(..)`) reads no relation
            // by its name.
            if args.is_some() {
                if let Some(a) = alias {
                    out.bindings.push((ident_name(&a.name), None));
                }
                return plain(&f.to_string());
            }
            let name = last(name)?;
            let bound = alias.as_ref().map_or(name.clone(), |a| ident_name(&a.name));
            if ctes.contains(&name) {
                out.bindings.push((bound, None));
            } else {
                out.bindings.push((bound, Some(name.clone())));
                out.relations.push(name);
            }
            Some(())
        }
        TableFactor::Derived {
            subquery, alias, ..
        } => {
            if let Some(a) = alias {
                out.bindings.push((ident_name(&a.name), None));
            }
            query_relations(subquery, ctes, out)
        }
        TableFactor::NestedJoin {
            table_with_joins, ..
        } => from_relations(table_with_joins, ctes, out),
        other => plain(&other.to_string()),
    }
}

/// The relations of the subqueries in an expression, followed through the
/// shapes that hold them most often; any other shape with a subquery in it
/// makes the whole unknown.
fn expr_relations(e: &Expr, ctes: &[String], out: &mut Found) -> Option<()> {
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

/// Whether the view query `query`, which reads `table`, reads its column
/// `column`: named qualified by a name that stands for `table` in the
/// query (its alias, or its own name), or bare where `table` is the only
/// table the query reads that has such a column (`has_column` says which
/// do). What cannot be told is not claimed: `*` (expanded when the view
/// was created, to the columns there were then), a query not read this
/// far, a name qualified by what stands for something else.
pub fn reads_column(
    query: &str,
    table: &str,
    column: &str,
    has_column: impl Fn(&str) -> bool,
) -> bool {
    let Some(found) = read(query) else {
        return false;
    };
    let tokens: Vec<_> = sql_text::tokens(query, Syntax::Postgres)
        .filter(|t| !t.is_trivia())
        .collect();
    let name_of = |i: usize| tokens.get(i)?.model_name();
    let text = |i: usize| tokens.get(i).map_or("", |t| t.text);
    // The tables a bare name could come from.
    let mut candidates: Vec<&str> = found
        .bindings
        .iter()
        .filter_map(|(_, r)| r.as_deref())
        .filter(|r| has_column(r))
        .collect();
    candidates.sort_unstable();
    candidates.dedup();
    let bare_is_ours = candidates == [table];
    (0..tokens.len()).any(|i| {
        if !tokens[i].names(column) || matches!(text(i + 1), "(" | ".") {
            return false;
        }
        if i >= 2 && text(i - 1) == "." {
            let Some(qualifier) = name_of(i - 2) else {
                return false;
            };
            let mut bound = found
                .bindings
                .iter()
                .filter(|(b, _)| *b == qualifier)
                .peekable();
            return match bound.peek() {
                Some(_) => bound.any(|(_, r)| r.as_deref() == Some(table)),
                None => qualifier == table,
            };
        }
        // `expr AS name`: the name of an output column.
        let named_output = i >= 1 && text(i - 1).eq_ignore_ascii_case("as");
        bare_is_ours && !named_output
    })
}
