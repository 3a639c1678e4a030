//! Raw SQL replayed on the model, and what it changed out of the model's
//! sight: the table a statement godwit does not follow touches, and the table (or view) an op names, so
//! that an op on one the model does not follow is not an `unknown-*` error.

use super::{ReplayError, Schema};
use crate::model::Op;

/// The table (or view) an op works on, for ops on an existing one: what
/// [`Op::table`] says, and the view of a view op.
pub(super) fn table_of(op: &Op) -> Option<&str> {
    match op {
        // A new name: `already-exists` says the rest.
        Op::CreateTable { .. } => None,
        Op::ReplaceView { name, .. }
        | Op::DropView { name, .. }
        | Op::DropMaterializedView { name, .. }
        | Op::RefreshMaterializedView { name, .. } => Some(name),
        other => other.table(),
    }
}

impl super::Schema {
    /// A table raw SQL changed out of sight is as unknown under its new
    /// name (`CREATE TABLE .. AS SELECT`, then a rename).
    pub(super) fn unfollowed_renamed(&mut self, op: &Op) {
        if let Op::RenameTable { from, to } = op {
            if let Some(&n) = self.unfollowed.get(&**from) {
                *self.unfollowed.entry(to.to_string()).or_default() += n;
            }
        }
    }
}

/// The table a statement godwit does not follow changes or creates: that
/// of an `ALTER TABLE`, a `CREATE INDEX`, a `CREATE TABLE` or `CREATE VIEW`.
pub(super) fn altered_table(ast: &sqlparser::ast::Statement) -> Option<String> {
    use sqlparser::ast::Statement as Ast;
    match ast {
        Ast::AlterTable(a) => crate::translate::table_name(&a.name),
        Ast::CreateIndex(c) => crate::translate::table_name(&c.table_name),
        // A table it could not read, or a view the model does not track:
        // later ops may name it.
        Ast::CreateTable(c) => crate::translate::table_name(&c.name),
        Ast::CreateView(v) => crate::translate::table_name(&v.name),
        _ => None,
    }
}

/// [`altered_table`], for a statement no parser reads (a newer server's
/// syntax): the table after `CREATE TABLE`, `ALTER TABLE` or a `CREATE
/// INDEX`'s `ON`, read from the words.
pub(super) fn unread_table(text: &str) -> Option<String> {
    use crate::sql_text::{tokens, Syntax};
    let words: Vec<_> = tokens(text, Syntax::Postgres)
        .filter(|t| !t.is_trivia())
        .take(64)
        .collect();
    let is = |i: usize, k: &str| words.get(i).is_some_and(|t| t.is_keyword(k));
    let mut at = if (is(0, "CREATE") || is(0, "ALTER")) && is(1, "TABLE") {
        2
    } else if is(0, "CREATE") && (is(1, "INDEX") || is(1, "UNIQUE")) {
        words.iter().position(|t| t.is_keyword("ON"))? + 1
    } else {
        return None;
    };
    for skip in [&["IF", "NOT", "EXISTS"][..], &["IF", "EXISTS"], &["ONLY"]] {
        if skip.iter().enumerate().all(|(i, k)| is(at + i, k)) {
            at += skip.len();
        }
    }
    // `schema.name`: the last part.
    while words.get(at + 1).is_some_and(|t| t.is_punct('.')) {
        at += 2;
    }
    words.get(at)?.model_name()
}

impl Schema {
    /// Raw SQL: what each statement it reads into ops does, applied in turn;
    /// what it cannot read or follow changes nothing here (the rules say so).
    pub(super) fn learn(&mut self, sql: &str) -> Result<(), ReplayError> {
        use crate::translate::Meaning;
        for statement in crate::translate::read_any(sql, self) {
            match statement.meaning {
                Meaning::Ops(ops) => {
                    for op in &ops {
                        self.apply(op).map_err(|e| ReplayError {
                            message: format!("`{}`: {}", statement.text, e.message),
                            ..e
                        })?;
                    }
                }
                Meaning::Renames(renames) => {
                    for rename in &renames {
                        self.rename(rename).map_err(|e| ReplayError {
                            message: format!("`{}`: {}", statement.text, e.message),
                            ..e
                        })?;
                    }
                }
                Meaning::Opaque(_) => {
                    if let Some(table) = statement.ast.as_ref().and_then(altered_table) {
                        *self.unfollowed.entry(table).or_default() += 1;
                    }
                }
                // Unread, it may have done anything to its table.
                Meaning::Unreadable(_) => {
                    if let Some(table) = unread_table(&statement.text) {
                        *self.unfollowed.entry(table).or_default() += 1;
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }
}
