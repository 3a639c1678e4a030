//! Objects whose body is SQL, read from raw SQL: `CREATE [OR REPLACE]
//! [MATERIALIZED] VIEW`, `DROP [MATERIALIZED] VIEW`, `REFRESH MATERIALIZED
//! VIEW`; extensions, functions, triggers and comments.

use sqlparser::ast::{CreateTableOptions, Expr, Query, SelectItem, SetExpr, Statement as Ast};

use super::ddl::{ident_name, last};
use crate::model::Op;
use crate::schema::Schema;
use crate::sql_text::{self, Syntax, TokenKind};

/// Ops, or what the statement is when the model cannot follow it.
type Translated = Result<Vec<Op>, String>;

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

/// What `DROP .. CASCADE` of `relation` drops before it: the views that
/// read it, each after those that read it in turn.
pub(super) fn cascade_drops(relation: &str, schema: &Schema) -> Vec<Op> {
    fn visit(relation: &str, schema: &Schema, seen: &mut Vec<String>, out: &mut Vec<Op>) {
        for (name, view) in &schema.views {
            if name != relation && view.reads(relation) && !seen.contains(name) {
                seen.push(name.clone());
                visit(name, schema, seen, out);
                out.push(drop_view_op(name, view.materialized, false));
            }
        }
    }
    let (mut seen, mut out) = (vec![relation.to_string()], Vec::new());
    visit(relation, schema, &mut seen, &mut out);
    out
}

pub(super) fn drop_view_op(name: &str, materialized: bool, if_exists: bool) -> Op {
    let name = name.to_string().into();
    if materialized {
        Op::DropMaterializedView { name, if_exists }
    } else {
        Op::DropView { name, if_exists }
    }
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

/// `CREATE EXTENSION` and `DROP EXTENSION`.
pub(super) fn extension(ast: &Ast, schema: &Schema) -> Option<Translated> {
    Some(match ast {
        Ast::CreateExtension(c) => {
            let name = ident_name(&c.name);
            if c.schema.is_some() || c.version.is_some() || c.cascade {
                return Some(Err(format!(
                    "CREATE EXTENSION `{name}` with a schema, version or CASCADE"
                )));
            }
            Ok(vec![Op::CreateExtension {
                name: name.into(),
                if_not_exists: c.if_not_exists,
            }])
        }
        Ast::DropExtension(d) => {
            if matches!(
                d.cascade_or_restrict,
                Some(sqlparser::ast::ReferentialAction::Cascade)
            ) {
                return Some(Err("DROP EXTENSION .. CASCADE".into()));
            }
            Ok(d.names
                .iter()
                .map(ident_name)
                .filter(|n| !d.if_exists || schema.extensions.contains(n))
                .map(|n| Op::DropExtension {
                    name: n.into(),
                    if_exists: d.if_exists,
                })
                .collect())
        }
        _ => return None,
    })
}

/// `CREATE [OR REPLACE] FUNCTION`, `DROP FUNCTION`, `CREATE [OR REPLACE]
/// TRIGGER` and `DROP TRIGGER`, read from their text (the statement as
/// written, or as sqlparser prints what it read): the signature runs from
/// the name to the parenthesis that closes its arguments, the definition is
/// the rest; a trigger's timing runs from its name to `ON`. `None` for
/// another statement.
pub(super) fn routine(text: &str, syntax: Syntax, schema: &Schema) -> Option<Translated> {
    let tokens: Vec<_> = sql_text::tokens(text, syntax)
        .filter(|t| !t.is_trivia())
        .collect();
    let word = |i: usize| {
        tokens
            .get(i)
            .filter(|t| t.kind == TokenKind::Word)
            .map(|t| t.text.to_ascii_uppercase())
    };
    let is = |i: usize, w: &str| word(i).as_deref() == Some(w);
    let mut i = 1;
    let create = is(0, "CREATE");
    if !create && !is(0, "DROP") {
        return None;
    }
    let or_replace = create && is(1, "OR") && is(2, "REPLACE");
    if or_replace {
        i = 3;
    }
    // MySQL's `DEFINER = user` before the kind.
    if create && is(i, "DEFINER") {
        i += 3;
        while tokens
            .get(i)
            .is_some_and(|t| t.text == "@" || t.kind != TokenKind::Word)
        {
            i += 1;
        }
    }
    let function = is(i, "FUNCTION");
    if !function && !is(i, "TRIGGER") {
        return None;
    }
    i += 1;
    let mut if_exists = false;
    if is(i, "IF") && is(i + 1, "EXISTS") {
        if_exists = true;
        i += 2;
    }
    let mut if_not_exists = false;
    if is(i, "IF") && is(i + 1, "NOT") && is(i + 2, "EXISTS") {
        if_not_exists = true;
        i += 3;
    }
    let start = tokens.get(i)?.start;
    let rest = |t: usize| tokens.get(t).map_or("", |t| text[t.start..].trim());
    let kind = if function { "FUNCTION" } else { "TRIGGER" };
    let what = format!("{} {kind}", if create { "CREATE" } else { "DROP" });
    // The signature: up to the parenthesis that closes the arguments.
    let close = |from: usize| -> Option<usize> {
        let open = (from..tokens.len()).find(|&j| tokens[j].text == "(")?;
        super::drops::closing(&tokens, open)
    };
    Some(match (create, function) {
        (true, true) => {
            let Some(end) = close(i) else {
                return Some(Err(format!("{what} without its argument list")));
            };
            let signature = text[start..tokens[end].end()].trim().to_string();
            let definition = rest(end + 1).to_string();
            let exists = schema
                .functions
                .contains_key(&crate::schema::signature_key(&signature));
            if definition.is_empty() {
                return Some(Err(format!("{what} `{signature}` without a definition")));
            }
            Ok(if or_replace && exists {
                vec![Op::ReplaceFunction {
                    signature: signature.into(),
                    definition: definition.into(),
                }]
            } else if if_not_exists && exists {
                Vec::new()
            } else {
                vec![Op::CreateFunction {
                    signature: signature.into(),
                    definition: definition.into(),
                }]
            })
        }
        (false, true) => super::drops::functions(text, &tokens, i, if_exists, schema),
        (true, false) => {
            let name = unquote(tokens.get(i)?.text, tokens.get(i)?.kind);
            let Some(on) = (i + 1..tokens.len()).find(|&j| is(j, "ON")) else {
                return Some(Err(format!("{what} without ON")));
            };
            let timing = text[tokens.get(i + 1)?.start..tokens[on - 1].end()].trim();
            // `schema.table`: the last part.
            let mut t = on + 1;
            while tokens.get(t + 1).is_some_and(|x| x.text == ".") {
                t += 2;
            }
            let table = unquote(tokens.get(t)?.text, tokens.get(t)?.kind);
            let body = rest(t + 1);
            let exists = schema
                .tables
                .get(&table)
                .is_some_and(|tb| tb.triggers.contains_key(&name));
            let mut ops = Vec::new();
            if exists && if_not_exists {
                return Some(Ok(ops));
            }
            if exists && or_replace {
                ops.push(Op::DropTrigger {
                    name: name.clone().into(),
                    table: table.clone().into(),
                    if_exists: false,
                });
            }
            ops.push(Op::CreateTrigger {
                name: name.into(),
                table: table.into(),
                timing: timing.to_string().into(),
                body: body.to_string().into(),
            });
            Ok(ops)
        }
        (false, false) => {
            let name = unquote(tokens.get(i)?.text, tokens.get(i)?.kind);
            // PostgreSQL says the table; MySQL and SQLite name a trigger alone.
            let table = match (i + 1..tokens.len()).find(|&j| is(j, "ON")) {
                Some(on) => {
                    let mut t = on + 1;
                    while tokens.get(t + 1).is_some_and(|x| x.text == ".") {
                        t += 2;
                    }
                    Some(unquote(tokens.get(t)?.text, tokens.get(t)?.kind))
                }
                None => schema
                    .tables
                    .iter()
                    .find(|(_, tb)| tb.triggers.contains_key(&name))
                    .map(|(t, _)| t.clone()),
            };
            match table {
                Some(table) => Ok(vec![Op::DropTrigger {
                    name: name.into(),
                    table: table.into(),
                    if_exists,
                }]),
                None if if_exists => Ok(Vec::new()),
                None => Err(format!(
                    "DROP TRIGGER `{name}`, which the model does not know"
                )),
            }
        }
    })
}

/// A name as the model keeps it: quoted as written, bare in lower case.
pub(super) fn unquote(text: &str, kind: TokenKind) -> String {
    match kind {
        TokenKind::QuotedName => sql_text::tokens(text, Syntax::Postgres)
            .next()
            .and_then(|t| t.name().map(|n| n.into_owned()))
            .unwrap_or_default(),
        _ => text.to_lowercase(),
    }
}

/// `COMMENT ON TABLE t IS ..` and `COMMENT ON COLUMN t.c IS ..` (`IS NULL`
/// removes it); `None` for a comment on anything else, which the model does
/// not keep.
pub(super) fn comment(ast: &Ast) -> Option<Translated> {
    use sqlparser::ast::{CommentObject, ObjectNamePart};
    let Ast::Comment {
        object_type,
        object_name,
        comment,
        ..
    } = ast
    else {
        return None;
    };
    let parts: Vec<String> = object_name
        .0
        .iter()
        .filter_map(|p| match p {
            ObjectNamePart::Identifier(i) => Some(ident_name(i)),
            ObjectNamePart::Function(_) => None,
        })
        .collect();
    let text = comment.clone();
    Some(Ok(match (object_type, parts.as_slice()) {
        (CommentObject::Table, [.., table]) => vec![match text {
            Some(text) => Op::CommentOnTable {
                table: table.clone().into(),
                text: text.into(),
            },
            None => Op::DropCommentOnTable {
                table: table.clone().into(),
            },
        }],
        (CommentObject::Column, [.., table, column]) => vec![match text {
            Some(text) => Op::CommentOnColumn {
                table: table.clone().into(),
                column: column.clone().into(),
                text: text.into(),
            },
            None => Op::DropCommentOnColumn {
                table: table.clone().into(),
                column: column.clone().into(),
            },
        }],
        // Comments on other objects change nothing the model keeps.
        (CommentObject::Table | CommentObject::Column, _) => {
            return Some(Err("COMMENT ON of a name of another form".into()))
        }
        _ => Vec::new(),
    }))
}

/// `SELECT diesel_manage_updated_at('t')`: the helper Diesel's first
/// migration creates, which creates the trigger `set_updated_at` on `t`
/// running `diesel_set_updated_at()`. Read as that trigger when the model
/// knows the helper (created earlier in the history), since the trigger is
/// what it leaves behind.
pub(super) fn diesel_updated_at_trigger(q: &Query, schema: &Schema) -> Option<Vec<Op>> {
    use sqlparser::ast::{FunctionArg, FunctionArgExpr, FunctionArguments, Value};
    let SetExpr::Select(s) = &*q.body else {
        return None;
    };
    let [SelectItem::UnnamedExpr(Expr::Function(f))] = &s.projection[..] else {
        return None;
    };
    if !s.from.is_empty() || last(&f.name)? != "diesel_manage_updated_at" {
        return None;
    }
    let known = schema.functions.values().any(|def| {
        def.signature
            .to_ascii_lowercase()
            .starts_with("diesel_manage_updated_at(")
    });
    if !known {
        return None;
    }
    let FunctionArguments::List(list) = &f.args else {
        return None;
    };
    let [FunctionArg::Unnamed(FunctionArgExpr::Expr(Expr::Value(v)))] = &list.args[..] else {
        return None;
    };
    let Value::SingleQuotedString(name) = &v.value else {
        return None;
    };
    // A `regclass` literal: folded to lower case unless quoted.
    let table = match name.strip_prefix('"').and_then(|n| n.strip_suffix('"')) {
        Some(quoted) => quoted.to_string(),
        None => name.rsplit('.').next().unwrap_or(name).to_lowercase(),
    };
    Some(vec![Op::CreateTrigger {
        name: "set_updated_at".into(),
        table: table.into(),
        timing: "BEFORE UPDATE".into(),
        body: "FOR EACH ROW EXECUTE PROCEDURE diesel_set_updated_at()".into(),
    }])
}
