//! Objects outside the schema the model is of: a name qualified by another
//! schema (PostgreSQL: not `public`; SQLite: not `main`) is an object the
//! model does not track (`utils.deps_saved_ddl` is not the table
//! `deps_saved_ddl`), and so is a schema other than `public` itself. On
//! MySQL a qualifier names a database, which may or may not be the one the
//! migrations run on: the model cannot tell, and says so.

use sqlparser::ast::{ObjectName, ObjectNamePart, ObjectType, SchemaName, Statement as Ast};

use super::ddl::ident_name;
use super::Meaning;
use crate::sql_text::{self, Syntax, TokenKind};

/// The meaning of a statement on objects elsewhere (all of those it names);
/// `None` when it names one of the model's.
pub(super) fn elsewhere(ast: &Ast, syntax: Syntax) -> Option<Meaning> {
    let names: Vec<&ObjectName> = match ast {
        Ast::CreateSchema { schema_name, .. } => {
            let name = match schema_name {
                SchemaName::Simple(n) | SchemaName::NamedAuthorization(n, _) => n,
                SchemaName::UnnamedAuthorization(_) => return Some(Meaning::Inert),
            };
            return other_schema(name, syntax).then_some(Meaning::Inert);
        }
        Ast::Drop {
            object_type: ObjectType::Schema,
            names,
            ..
        } => {
            return names
                .iter()
                .all(|n| other_schema(n, syntax))
                .then_some(Meaning::Inert)
        }
        Ast::CreateTable(c) => vec![&c.name],
        Ast::AlterTable(a) => vec![&a.name],
        Ast::CreateIndex(c) => vec![&c.table_name],
        Ast::AlterIndex { name, .. } => vec![name],
        Ast::CreateView(v) => vec![&v.name],
        Ast::Drop { names, .. } => names.iter().collect(),
        Ast::CreateType { name, .. } => vec![name],
        Ast::AlterType(a) => vec![&a.name],
        Ast::CreateFunction(f) => vec![&f.name],
        Ast::DropFunction(d) => d.func_desc.iter().map(|f| &f.name).collect(),
        Ast::CreateTrigger(t) => vec![&t.table_name],
        Ast::DropTrigger(t) => t.table_name.iter().collect(),
        Ast::RenameTable(r) => r.iter().map(|r| &r.old_name).collect(),
        _ => return None,
    };
    let qualified: Vec<bool> = names.iter().map(|n| qualified(n, syntax)).collect();
    if qualified.is_empty() || !qualified.iter().any(|q| *q) {
        return None;
    }
    if syntax == Syntax::Mysql {
        return Some(Meaning::Opaque(format!(
            "`{}`, named in another database (which may be this one)",
            names[0]
        )));
    }
    Some(if qualified.iter().all(|q| *q) {
        Meaning::Inert
    } else {
        Meaning::Opaque("a statement on objects of this schema and of another at once".into())
    })
}

/// [`elsewhere`], for a function or trigger `sqlparser` does not read:
/// the name after `FUNCTION` or `PROCEDURE`, or a trigger's table after
/// `ON`, read from the words.
pub(super) fn routine_elsewhere(text: &str, syntax: Syntax) -> Option<Meaning> {
    let tokens: Vec<_> = sql_text::tokens(text, syntax)
        .filter(|t| !t.is_trivia())
        .take(40)
        .collect();
    let keyword = |k: &str| tokens.iter().position(|t| t.is_keyword(k));
    let at = match (
        keyword("FUNCTION").or(keyword("PROCEDURE")),
        keyword("TRIGGER"),
    ) {
        (Some(f), _) => f + 1,
        (None, Some(t)) => t + tokens[t..].iter().position(|t| t.is_keyword("ON"))? + 1,
        _ => return None,
    };
    let rest = &tokens[at..];
    let rest = match rest {
        [i, e, rest @ ..] if i.is_keyword("IF") && e.is_keyword("EXISTS") => rest,
        rest => rest,
    };
    let [schema, dot, ..] = rest else {
        return None;
    };
    if !dot.is_punct('.') || !matches!(schema.kind, TokenKind::Word | TokenKind::QuotedName) {
        return None;
    }
    let schema = schema.model_name()?;
    match syntax {
        Syntax::Mysql => Some(Meaning::Opaque(format!(
            "a routine of the database `{schema}` (which may be this one)"
        ))),
        _ if schema == default_schema(syntax) => None,
        _ => Some(Meaning::Inert),
    }
}

/// `public` on PostgreSQL, `main` on SQLite.
fn default_schema(syntax: Syntax) -> &'static str {
    match syntax {
        Syntax::Sqlite => "main",
        _ => "public",
    }
}

/// Whether `name` is qualified by a schema other than the default one
/// (on MySQL: by any database).
fn qualified(name: &ObjectName, syntax: Syntax) -> bool {
    let parts = &name.0;
    let Some(ObjectNamePart::Identifier(schema)) = parts.len().checked_sub(2).map(|i| &parts[i])
    else {
        return false;
    };
    syntax == Syntax::Mysql || ident_name(schema) != default_schema(syntax)
}

/// Whether `name`, a schema's, is another than the default one.
fn other_schema(name: &ObjectName, syntax: Syntax) -> bool {
    match name.0.last() {
        Some(ObjectNamePart::Identifier(i)) => ident_name(i) != default_schema(syntax),
        _ => false,
    }
}
