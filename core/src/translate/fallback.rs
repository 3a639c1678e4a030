//! Statements a backend reads that `sqlparser` does not: a few shapes real
//! histories use, recognised by their words, outside literals and comments.

use super::{ddl, Meaning};
use crate::model::Op;
use crate::schema::Schema;
use crate::sql_text::{self, Syntax, TokenKind};

/// What `text` means, when it is one of the shapes known here.
pub(super) fn meaning(text: &str, syntax: Syntax, schema: &Schema) -> Option<Meaning> {
    // Functions and triggers whose bodies sqlparser does not read.
    if let Some(translated) = super::objects::routine(text, syntax, schema) {
        return Some(match translated {
            Ok(ops) => Meaning::Ops(ops),
            Err(what) => Meaning::Opaque(what),
        });
    }
    // Keywords in upper case to match; names keep their spelling.
    let words: Vec<String> = sql_text::tokens(text, syntax)
        .filter(|t| !t.is_trivia())
        .map(|t| match t.kind {
            TokenKind::Word if KEYWORDS.contains(&&*t.text.to_ascii_uppercase()) => {
                t.text.to_ascii_uppercase()
            }
            _ => t.text.to_string(),
        })
        .collect();
    let w: Vec<&str> = words.iter().map(String::as_str).collect();
    match w.as_slice() {
        // `DROP INDEX CONCURRENTLY [IF EXISTS] name[, ..]`.
        ["DROP", "INDEX", "CONCURRENTLY", rest @ ..] => {
            let (if_exists, names) = match rest {
                ["IF", "EXISTS", names @ ..] => (true, names),
                names => (false, names),
            };
            let mut ops = Vec::new();
            for name in names.iter().filter(|n| **n != ",") {
                let name = unquote(name, syntax);
                match ddl::index_table(schema, &name) {
                    Some(table) => ops.push(Op::DropIndex {
                        name: name.into(),
                        table: table.into(),
                        concurrently: true,
                        if_exists,
                    }),
                    None if if_exists => {}
                    None => {
                        return Some(Meaning::Opaque(format!(
                            "DROP INDEX CONCURRENTLY `{name}`, which the model does not know"
                        )))
                    }
                }
            }
            Some(Meaning::Ops(ops))
        }
        // `COMMENT ON CONSTRAINT name ON [schema.]table IS 'text' | NULL`.
        ["COMMENT", "ON", "CONSTRAINT", name, "ON", .., table, "IS", text] => {
            let (name, table) = (unquote(name, syntax), unquote(table, syntax));
            let op = match *text {
                "NULL" => Op::DropCommentOnConstraint {
                    name: name.into(),
                    table: table.into(),
                },
                literal => match string_literal(literal, syntax) {
                    Some(text) => Op::CommentOnConstraint {
                        name: name.into(),
                        table: table.into(),
                        text: text.into(),
                    },
                    None => {
                        return Some(Meaning::Opaque(format!(
                            "COMMENT ON CONSTRAINT `{name}` with a comment of another form"
                        )))
                    }
                },
            };
            Some(Meaning::Ops(vec![op]))
        }
        // Work the model does not track, which sqlparser does not read.
        ["REINDEX", ..] => Some(Meaning::Opaque("REINDEX".into())),
        ["CREATE", "STATISTICS", ..]
        | ["ALTER", "STATISTICS", ..]
        | ["DROP", "STATISTICS", ..]
        | ["ALTER", "SEQUENCE", ..]
        | ["VACUUM", ..]
        | ["CLUSTER", ..] => Some(Meaning::Inert),
        _ => None,
    }
}

/// The words matched as keywords here.
const KEYWORDS: &[&str] = &[
    "DROP",
    "INDEX",
    "CONCURRENTLY",
    "IF",
    "EXISTS",
    "REINDEX",
    "CREATE",
    "ALTER",
    "STATISTICS",
    "SEQUENCE",
    "VACUUM",
    "CLUSTER",
    "COMMENT",
    "ON",
    "CONSTRAINT",
    "IS",
    "NULL",
];

/// The text of a string literal (`'it''s'`), if `token` is one.
fn string_literal(token: &str, syntax: Syntax) -> Option<String> {
    let t = sql_text::tokens(token, syntax).next()?;
    (t.kind == TokenKind::String)
        .then(|| t.string_value())
        .flatten()
        .map(|v| v.into_owned())
}

/// A name as the model keeps it: quoted as written, bare in lower case.
fn unquote(name: &str, syntax: Syntax) -> String {
    match sql_text::tokens(name, syntax).next() {
        Some(t) if t.kind == TokenKind::QuotedName => {
            t.name().map_or_else(String::new, |n| n.into_owned())
        }
        _ => name.to_lowercase(),
    }
}
