//! `DROP` statements that name several objects: `DROP [MATERIALIZED] VIEW`,
//! `DROP TABLE` and `DROP FUNCTION`. PostgreSQL drops the whole list at
//! once: an object that an earlier one took with it (`CASCADE`) is not
//! looked for again, and objects of the list that depend on each other may
//! go together without `CASCADE`. The ops are found on a copy of the model
//! that each of them is applied to in turn, so that each sees what the ones
//! before it left.

use std::borrow::Cow;

use sqlparser::ast::{ObjectName, ObjectType};

use super::ddl::{last, referencing_keys};
use super::objects::{cascade_drops, drop_view_op, unquote};
use crate::model::Op;
use crate::schema::{signature_key, Schema};
use crate::sql_text::{Token, TokenKind};

/// Ops, or what the statement is when the model cannot follow it.
type Translated = Result<Vec<Op>, String>;

/// `DROP [MATERIALIZED] VIEW` and `DROP TABLE` of one name or several
/// (with `CASCADE`, the views reading each first, and for a table the
/// foreign keys of other tables referencing it); `None` for other drops.
pub(super) fn drop(
    object_type: ObjectType,
    if_exists: bool,
    cascade: bool,
    names: &[ObjectName],
    schema: &Schema,
) -> Option<Translated> {
    let (table, materialized) = match object_type {
        ObjectType::View => (false, false),
        ObjectType::MaterializedView => (false, true),
        ObjectType::Table => (true, false),
        _ => return None,
    };
    let mut listed = Vec::new();
    for name in names {
        match last(name) {
            Some(name) => listed.push(name),
            None => return Some(Err("DROP of a name of another form".into())),
        }
    }
    let exists = |s: &Schema, name: &str| match table {
        true => s.tables.contains_key(name),
        false => s.views.contains_key(name),
    };
    // The model as the names before left it: copied only for a name still
    // to come (a list of one, the usual case, is read on `schema` itself).
    let mut now = Cow::Borrowed(schema);
    let mut ops = Vec::new();
    for (k, name) in listed.iter().enumerate() {
        let mut these = Vec::new();
        if exists(&now, name) {
            let readers = cascade_drops(name, &now);
            // Without CASCADE, readers the list drops as well go first; any
            // other stays, for the replay to refuse the drop.
            let listed_too = |op: &Op| match op {
                Op::DropView { name, .. } | Op::DropMaterializedView { name, .. } => {
                    listed.iter().any(|l| *l == **name)
                }
                _ => false,
            };
            if cascade || readers.iter().all(listed_too) {
                these.extend(readers);
            }
            if cascade && table {
                these.extend(referencing_keys(name, &now));
            }
        } else if exists(schema, name) || if_exists {
            // Gone with one before it in the list, or `IF EXISTS` of
            // nothing: nothing to do.
            continue;
        }
        these.push(match table {
            true => Op::DropTable {
                name: name.clone().into(),
            },
            false => drop_view_op(name, materialized, if_exists),
        });
        if k + 1 < listed.len() {
            for op in &these {
                // What does not apply is the replay's to report.
                let _ = now.to_mut().apply(op);
            }
        }
        ops.extend(these);
    }
    Some(Ok(ops))
}

/// `DROP FUNCTION [IF EXISTS] name [(args)], .. [CASCADE | RESTRICT]`, from
/// the tokens of its text (`at`: the first name). A name without its
/// arguments is the one function of that name (PostgreSQL refuses it when
/// there are several); `CASCADE` drops the triggers running each first.
pub(super) fn functions(
    text: &str,
    tokens: &[Token<'_>],
    at: usize,
    if_exists: bool,
    schema: &Schema,
) -> Translated {
    let what = "DROP FUNCTION";
    let is = |j: usize, t: &str| tokens.get(j).is_some_and(|x| x.text == t);
    let mut listed = Vec::new();
    let mut j = at;
    loop {
        let first = tokens.get(j).ok_or(format!("{what} without a name"))?;
        // `schema.name`: the last part.
        while is(j + 1, ".") {
            j += 2;
        }
        let last = tokens.get(j).ok_or(format!("{what} without a name"))?;
        if !matches!(last.kind, TokenKind::Word | TokenKind::QuotedName) {
            return Err(format!("{what} of a name of another form"));
        }
        let name = unquote(last.text, last.kind);
        j += 1;
        let signature = if is(j, "(") {
            let end = closing(tokens, j).ok_or(format!("{what} without its closing `)`"))?;
            j = end + 1;
            Some(text[first.start..tokens[end].end()].trim().to_string())
        } else {
            None
        };
        listed.push((name, signature));
        if !is(j, ",") {
            break;
        }
        j += 1;
    }
    let cascade = match tokens.get(j).map(|t| t.text.to_ascii_uppercase()) {
        None => false,
        Some(w) if w == "RESTRICT" && j + 1 == tokens.len() => false,
        Some(w) if w == "CASCADE" && j + 1 == tokens.len() => true,
        Some(_) => return Err(format!("{what} with words the model does not follow")),
    };
    let mut now = Cow::Borrowed(schema);
    let mut ops = Vec::new();
    let count = listed.len();
    for (k, (name, signature)) in listed.into_iter().enumerate() {
        let signature = match signature {
            Some(s) => s,
            // MySQL, and PostgreSQL for a name with one function: the
            // function of that name the model knows.
            None => match now.only_function(&name) {
                Ok(Some(f)) => f.signature.clone(),
                Ok(None) if if_exists => continue,
                Ok(None) => format!("{name}()"),
                Err(()) => return Err(format!("{what} `{name}` of several functions")),
            },
        };
        let Some(function) = now.functions.get(&signature_key(&signature)) else {
            if !if_exists {
                // Not there: the replay says so.
                ops.push(Op::DropFunction {
                    signature: signature.into(),
                    if_exists,
                });
            }
            continue;
        };
        let mut these = Vec::new();
        if cascade {
            let name = function.name();
            these.extend(
                now.triggers_running(&name)
                    .map(|(table, trigger)| Op::DropTrigger {
                        name: trigger.clone().into(),
                        table: table.clone().into(),
                        if_exists: false,
                    }),
            );
        }
        these.push(Op::DropFunction {
            signature: signature.into(),
            if_exists,
        });
        if k + 1 < count {
            for op in &these {
                let _ = now.to_mut().apply(op);
            }
        }
        ops.extend(these);
    }
    Ok(ops)
}

/// The index of the parenthesis that closes the one at `open`.
pub(super) fn closing(tokens: &[Token<'_>], open: usize) -> Option<usize> {
    let mut depth = 0;
    (open..tokens.len()).find(|&j| {
        depth += match tokens[j].text {
            "(" => 1,
            ")" => -1,
            _ => 0,
        };
        depth == 0
    })
}
