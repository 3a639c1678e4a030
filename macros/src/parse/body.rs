//! The bodies of `upgrade` and `downgrade`: a list of `op.<operation>(..)`
//! statements with literal arguments, read into the operation model.
//!
//! Anything that cannot be read exactly (a variable, a loop, a computed
//! string, a call to another function) is `non-literal-argument`: what the
//! checker sees must be exactly what runs.

use std::borrow::Cow;

use godwit_core::{
    Action, CheckConstraint, Column, ColumnChange, ColumnType, DefaultValue, Op, Reference, Rule,
    Str, UniqueConstraint, DEFAULT_BATCH_SIZE,
};
use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::punctuated::Punctuated;
use syn::{Expr, ExprLit, ExprMethodCall, Lit, Pat, Stmt, Token};

use crate::errors::Errors;

/// One op as read, with the tokens it was read from (for error spans).
pub struct ParsedOp {
    /// The op.
    pub op: Op,
    /// The whole call expression, e.g. `op.create_index(..).unique()`.
    pub tokens: TokenStream,
    /// For `safety_assured`: the ops inside, in order.
    pub nested: Vec<ParsedOp>,
}

const NON_LITERAL_HELP: &str =
    "write every argument as a literal (a string, number, bool, array of strings, column(..), a type such as BigInt): the checker must see exactly what will run";

/// Reads the statements of one body. `op_name` is the name of its `&mut Ops`
/// parameter.
pub fn parse_block(stmts: &[Stmt], op_name: &str, errors: &mut Errors) -> Vec<ParsedOp> {
    let mut reader = Reader { op_name, errors };
    stmts.iter().filter_map(|s| reader.stmt(s)).collect()
}

struct Reader<'a> {
    op_name: &'a str,
    errors: &'a mut Errors,
}

/// A method call of a chain: the name and its arguments.
struct Call<'e> {
    name: String,
    node: &'e ExprMethodCall,
}

impl<'e> Call<'e> {
    fn args(&self) -> &'e Punctuated<Expr, Token![,]> {
        &self.node.args
    }
}

impl Reader<'_> {
    fn non_literal(&mut self, at: impl ToTokens, what: impl AsRef<str>) {
        self.errors
            .rule(at, Rule::NonLiteralArgument, what, NON_LITERAL_HELP);
    }

    fn stmt(&mut self, stmt: &Stmt) -> Option<ParsedOp> {
        match stmt {
            // A stray `;` (an empty statement) runs nothing.
            Stmt::Expr(Expr::Verbatim(tokens), _) if tokens.is_empty() => None,
            Stmt::Expr(expr, _) => self.op_call(expr),
            Stmt::Local(local) => {
                self.non_literal(local, "a `let` binding in a migration body");
                None
            }
            Stmt::Item(item) => {
                self.non_literal(item, "an item declared inside a migration body");
                None
            }
            Stmt::Macro(m) => {
                self.non_literal(m, "a macro call in a migration body");
                None
            }
        }
    }

    /// `op.method(args).modifier(args)..`
    fn op_call(&mut self, expr: &Expr) -> Option<ParsedOp> {
        if let Expr::MethodCall(ExprMethodCall { attrs, .. }) = expr {
            if let Some(attr) = attrs.first() {
                // `#[cfg(..)]` would make the compiled body and the checked ops differ.
                self.non_literal(attr, "an attribute on a statement of a migration body");
                return None;
            }
        }
        let mut chain = Vec::new();
        let mut at = expr;
        loop {
            match at {
                Expr::MethodCall(mc) => {
                    chain.push(Call {
                        name: mc.method.to_string(),
                        node: mc,
                    });
                    at = &mc.receiver;
                }
                Expr::Paren(p) => at = &p.expr,
                Expr::Group(g) => at = &g.expr,
                _ => break,
            }
        }
        let rooted_at_op = matches!(at, Expr::Path(p) if p.path.is_ident(self.op_name));
        if !rooted_at_op || chain.is_empty() {
            let what = match expr {
                Expr::ForLoop(_) | Expr::While(_) | Expr::Loop(_) => "a loop in a migration body",
                Expr::If(_) | Expr::Match(_) => "a condition in a migration body",
                _ => "a statement that is not an `op.<operation>(..)` call",
            };
            self.errors.rule(
                expr,
                Rule::NonLiteralArgument,
                what,
                format!("a migration body is a list of `{}.<operation>(..);` calls with literal arguments, so the checker sees exactly what will run", self.op_name),
            );
            return None;
        }
        chain.reverse();
        let (base, modifiers) = chain.split_first()?;
        if let Some(turbofish) = chain.iter().find_map(|c| c.node.turbofish.as_ref()) {
            self.non_literal(turbofish, "generic arguments on an operation");
            return None;
        }
        let mut nested = Vec::new();
        let op = self.operation(base, modifiers, &mut nested)?;
        Some(ParsedOp {
            op,
            tokens: expr.to_token_stream(),
            nested,
        })
    }

    fn arity<'e>(&mut self, call: &Call<'e>, n: usize, signature: &str) -> Option<Vec<&'e Expr>> {
        let args: Vec<&Expr> = call.args().iter().collect();
        if args.len() == n {
            Some(args)
        } else {
            self.errors.push(syn::Error::new_spanned(
                call.node,
                format!(
                    "`{}` takes {n} argument{}: {signature}",
                    call.name,
                    if n == 1 { "" } else { "s" }
                ),
            ));
            None
        }
    }

    fn no_modifiers(&mut self, base: &Call, modifiers: &[Call]) -> Option<()> {
        match modifiers.first() {
            None => Some(()),
            Some(m) => {
                self.unknown_modifier(base, m, &[]);
                None
            }
        }
    }

    fn unknown_modifier(&mut self, base: &Call, modifier: &Call, known: &[&str]) {
        let options = if known.is_empty() {
            "it takes none".to_string()
        } else {
            format!(
                "it takes {}",
                known
                    .iter()
                    .map(|k| format!("`.{k}(..)`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        self.errors.push(syn::Error::new_spanned(
            &modifier.node.method,
            format!(
                "`{}` has no option `.{}(..)`: {options}",
                base.name, modifier.name
            ),
        ));
    }

    fn operation(
        &mut self,
        base: &Call,
        modifiers: &[Call],
        nested: &mut Vec<ParsedOp>,
    ) -> Option<Op> {
        match base.name.as_str() {
            "create_table" => {
                let args = self.arity(base, 2, "create_table(name, [column(..), ..])")?;
                let name = self.ident(args[0]);
                let columns = self.columns(args[1]);
                let mut uniques = Vec::new();
                let mut checks = Vec::new();
                for m in modifiers {
                    match m.name.as_str() {
                        "unique" => {
                            let a = self.arity(m, 1, ".unique([columns])")?;
                            uniques.push(UniqueConstraint {
                                columns: Cow::Owned(self.ident_list(a[0])?),
                            });
                        }
                        "check" => {
                            let a = self.arity(m, 2, ".check(name, expr)")?;
                            let (name, expr) = (self.ident(a[0]), self.string(a[1]));
                            checks.push(CheckConstraint {
                                name: name?,
                                expr: expr?.into(),
                            });
                        }
                        _ => {
                            self.unknown_modifier(base, m, &["unique", "check"]);
                            return None;
                        }
                    }
                }
                Some(Op::CreateTable {
                    name: name?,
                    columns: Cow::Owned(columns?),
                    uniques: Cow::Owned(uniques),
                    checks: Cow::Owned(checks),
                })
            }
            "drop_table" | "deprecate_table" => {
                let args = self.arity(base, 1, &format!("{}(name)", base.name))?;
                let name = self.ident(args[0])?;
                self.no_modifiers(base, modifiers)?;
                Some(if base.name == "drop_table" {
                    Op::DropTable { name }
                } else {
                    Op::DeprecateTable { name }
                })
            }
            "rename_table" => {
                let args = self.arity(base, 2, "rename_table(old, new)")?;
                let (from, to) = (self.ident(args[0]), self.ident(args[1]));
                self.no_modifiers(base, modifiers)?;
                Some(Op::RenameTable {
                    from: from?,
                    to: to?,
                })
            }
            "add_column" => {
                let args = self.arity(base, 2, "add_column(table, column(..))")?;
                let (table, column) = (self.ident(args[0]), self.column(args[1]));
                self.no_modifiers(base, modifiers)?;
                Some(Op::AddColumn {
                    table: table?,
                    column: column?,
                })
            }
            "drop_column" | "deprecate_column" => {
                let args = self.arity(base, 2, &format!("{}(table, column)", base.name))?;
                let (table, column) = (self.ident(args[0]), self.ident(args[1]));
                self.no_modifiers(base, modifiers)?;
                let (table, column) = (table?, column?);
                Some(if base.name == "drop_column" {
                    Op::DropColumn { table, column }
                } else {
                    Op::DeprecateColumn { table, column }
                })
            }
            "rename_column" => {
                let args = self.arity(base, 3, "rename_column(table, old, new)")?;
                let (table, from, to) = (
                    self.ident(args[0]),
                    self.ident(args[1]),
                    self.ident(args[2]),
                );
                self.no_modifiers(base, modifiers)?;
                Some(Op::RenameColumn {
                    table: table?,
                    from: from?,
                    to: to?,
                })
            }
            "alter_column" => {
                let args = self.arity(base, 2, "alter_column(table, column)")?;
                let (table, column) = (self.ident(args[0]), self.ident(args[1]));
                let mut changes = Vec::new();
                for m in modifiers {
                    let change = match m.name.as_str() {
                        "nullable" => ColumnChange::Nullable({
                            let a = self.arity(m, 1, ".nullable(bool)")?[0];
                            self.bool(a)
                        }?),
                        "server_default" => ColumnChange::SetDefault({
                            let a = self.arity(m, 1, ".server_default(value)")?[0];
                            self.default(a)
                        }?),
                        "drop_default" => {
                            self.arity(m, 0, ".drop_default()")?;
                            ColumnChange::DropDefault
                        }
                        "set_type" => ColumnChange::SetType({
                            let a = self.arity(m, 1, ".set_type(Type)")?[0];
                            self.column_type(a)
                        }?),
                        _ => {
                            self.unknown_modifier(
                                base,
                                m,
                                &["nullable", "server_default", "drop_default", "set_type"],
                            );
                            return None;
                        }
                    };
                    changes.push(change);
                }
                if changes.is_empty() {
                    self.errors.push(syn::Error::new_spanned(
                        base.node,
                        "`alter_column` changes nothing: chain `.nullable(..)`, `.server_default(..)`, `.drop_default()` or `.set_type(..)`",
                    ));
                    return None;
                }
                Some(Op::AlterColumn {
                    table: table?,
                    column: column?,
                    changes: Cow::Owned(changes),
                })
            }
            "create_index" => {
                let args = self.arity(base, 3, "create_index(name, table, [columns])")?;
                let (name, table, columns) = (
                    self.ident(args[0]),
                    self.ident(args[1]),
                    self.ident_list(args[2]),
                );
                let (mut unique, mut concurrently, mut predicate) = (false, false, None);
                for m in modifiers {
                    match m.name.as_str() {
                        "unique" => {
                            self.arity(m, 0, ".unique()")?;
                            unique = true;
                        }
                        "concurrently" => {
                            self.arity(m, 0, ".concurrently()")?;
                            concurrently = true;
                        }
                        "where_" => {
                            predicate = Some(
                                {
                                    let a = self.arity(m, 1, ".where_(predicate)")?[0];
                                    self.string(a)
                                }?
                                .into(),
                            )
                        }
                        _ => {
                            self.unknown_modifier(base, m, &["unique", "concurrently", "where_"]);
                            return None;
                        }
                    }
                }
                Some(Op::CreateIndex {
                    name: name?,
                    table: table?,
                    columns: Cow::Owned(columns?),
                    unique,
                    concurrently,
                    predicate,
                })
            }
            "drop_index" => {
                let args = self.arity(base, 2, "drop_index(name, table)")?;
                let (name, table) = (self.ident(args[0]), self.ident(args[1]));
                let mut concurrently = false;
                for m in modifiers {
                    if m.name == "concurrently" {
                        self.arity(m, 0, ".concurrently()")?;
                        concurrently = true;
                    } else {
                        self.unknown_modifier(base, m, &["concurrently"]);
                        return None;
                    }
                }
                Some(Op::DropIndex {
                    name: name?,
                    table: table?,
                    concurrently,
                })
            }
            "create_foreign_key" => {
                let args = self.arity(
                    base,
                    5,
                    "create_foreign_key(name, table, [columns], ref_table, [ref_columns])",
                )?;
                let name = self.ident(args[0]);
                let table = self.ident(args[1]);
                let columns = self.ident_list(args[2]);
                let ref_table = self.ident(args[3]);
                let ref_columns = self.ident_list(args[4]);
                let (mut on_delete, mut not_valid) = (Action::NoAction, false);
                for m in modifiers {
                    match m.name.as_str() {
                        "on_delete" => {
                            on_delete = {
                                let a = self.arity(m, 1, ".on_delete(Action::..)")?[0];
                                self.action(a)
                            }?
                        }
                        "not_valid" => {
                            self.arity(m, 0, ".not_valid()")?;
                            not_valid = true;
                        }
                        _ => {
                            self.unknown_modifier(base, m, &["on_delete", "not_valid"]);
                            return None;
                        }
                    }
                }
                let (columns, ref_columns) = (columns?, ref_columns?);
                if columns.len() != ref_columns.len() {
                    self.errors.push(syn::Error::new_spanned(
                        args[4],
                        format!(
                            "the foreign key has {} column(s) but references {}",
                            columns.len(),
                            ref_columns.len()
                        ),
                    ));
                    return None;
                }
                Some(Op::CreateForeignKey {
                    name: name?,
                    table: table?,
                    columns: Cow::Owned(columns),
                    ref_table: ref_table?,
                    ref_columns: Cow::Owned(ref_columns),
                    on_delete,
                    not_valid,
                })
            }
            "create_check_constraint" => {
                let args = self.arity(base, 3, "create_check_constraint(name, table, expr)")?;
                let (name, table, expr) = (
                    self.ident(args[0]),
                    self.ident(args[1]),
                    self.string(args[2]),
                );
                let mut not_valid = false;
                for m in modifiers {
                    if m.name == "not_valid" {
                        self.arity(m, 0, ".not_valid()")?;
                        not_valid = true;
                    } else {
                        self.unknown_modifier(base, m, &["not_valid"]);
                        return None;
                    }
                }
                Some(Op::CreateCheckConstraint {
                    name: name?,
                    table: table?,
                    expr: expr?.into(),
                    not_valid,
                })
            }
            "validate_constraint" | "drop_constraint" => {
                let args = self.arity(base, 2, &format!("{}(table, name)", base.name))?;
                let (table, name) = (self.ident(args[0]), self.ident(args[1]));
                self.no_modifiers(base, modifiers)?;
                let (table, name) = (table?, name?);
                Some(if base.name == "validate_constraint" {
                    Op::ValidateConstraint { table, name }
                } else {
                    Op::DropConstraint { table, name }
                })
            }
            "execute" => {
                let args = self.arity(base, 1, "execute(sql)")?;
                let sql = self.string(args[0]);
                self.no_modifiers(base, modifiers)?;
                let sql = sql?;
                if sql.trim().is_empty() {
                    self.errors.push(syn::Error::new_spanned(
                        args[0],
                        "`execute` of an empty SQL string",
                    ));
                    return None;
                }
                Some(Op::Execute { sql: sql.into() })
            }
            "backfill" => {
                let args = self.arity(base, 2, "backfill(table, set_sql)")?;
                let (table, set) = (self.ident(args[0]), self.string(args[1]));
                let (mut predicate, mut batch_size) = (None, DEFAULT_BATCH_SIZE);
                for m in modifiers {
                    match m.name.as_str() {
                        "where_" => {
                            predicate = Some(
                                {
                                    let a = self.arity(m, 1, ".where_(predicate)")?[0];
                                    self.string(a)
                                }?
                                .into(),
                            )
                        }
                        "batch_size" => {
                            let a = self.arity(m, 1, ".batch_size(rows)")?;
                            batch_size = self.u32(a[0])?;
                            if batch_size == 0 {
                                self.errors.push(syn::Error::new_spanned(
                                    a[0],
                                    "a batch must hold at least one row",
                                ));
                                return None;
                            }
                        }
                        _ => {
                            self.unknown_modifier(base, m, &["where_", "batch_size"]);
                            return None;
                        }
                    }
                }
                Some(Op::Backfill {
                    table: table?,
                    set: set?.into(),
                    predicate,
                    batch_size,
                })
            }
            "safety_assured" => {
                let args = self.arity(base, 2, "safety_assured(\"reason\", |op| { .. })")?;
                let reason = self.string(args[0]);
                if let Some(r) = &reason {
                    if r.trim().is_empty() {
                        self.errors.push(syn::Error::new_spanned(
                            args[0],
                            "`safety_assured` needs a reason: say why these ops are safe (it is shown in `history`)",
                        ));
                    }
                }
                self.no_modifiers(base, modifiers)?;
                let inner = self.closure(args[1])?;
                let reason = reason?;
                let ops = inner.iter().map(|p| p.op.clone()).collect();
                *nested = inner;
                Some(Op::SafetyAssured {
                    reason: reason.into(),
                    ops: Cow::Owned(ops),
                })
            }
            other => {
                self.errors.rule(
                    &base.node.method,
                    Rule::NonLiteralArgument,
                    format!("`{other}` is not an operation godwit knows"),
                    "see godwit::dsl::Ops for the operations a migration can use",
                );
                None
            }
        }
    }

    fn closure(&mut self, expr: &Expr) -> Option<Vec<ParsedOp>> {
        let Expr::Closure(closure) = expr else {
            self.non_literal(expr, "`safety_assured` takes a closure written in place");
            return None;
        };
        let [param] = closure.inputs.iter().collect::<Vec<_>>()[..] else {
            // At the parameters, or at the bars when there are none.
            let message = "the closure takes one parameter: |op| { .. }";
            self.errors.push(if closure.inputs.is_empty() {
                syn::Error::new_spanned(closure.or1_token, message)
            } else {
                syn::Error::new_spanned(&closure.inputs, message)
            });
            return None;
        };
        let name = match param {
            Pat::Ident(p) => p.ident.to_string(),
            Pat::Type(t) => match &*t.pat {
                Pat::Ident(p) => p.ident.to_string(),
                other => {
                    self.errors.push(syn::Error::new_spanned(
                        other,
                        "expected a parameter name: |op| { .. }",
                    ));
                    return None;
                }
            },
            other => {
                self.errors.push(syn::Error::new_spanned(
                    other,
                    "expected a parameter name: |op| { .. }",
                ));
                return None;
            }
        };
        let stmts = match &*closure.body {
            Expr::Block(b) => b.block.stmts.clone(),
            other => vec![Stmt::Expr(other.clone(), None)],
        };
        let inner = parse_block(&stmts, &name, self.errors);
        Some(inner)
    }

    // ----- literal arguments -----

    fn string(&mut self, expr: &Expr) -> Option<String> {
        match expr {
            Expr::Lit(ExprLit {
                lit: Lit::Str(s), ..
            }) => Some(s.value()),
            Expr::Group(g) => self.string(&g.expr),
            _ => {
                self.non_literal(expr, "expected a string literal");
                None
            }
        }
    }

    /// A table, column, index or constraint name.
    fn ident(&mut self, expr: &Expr) -> Option<Str> {
        let value = self.string(expr)?;
        if let Some(why) = godwit_core::validate::invalid_identifier(&value) {
            self.errors.rule(
                expr,
                Rule::InvalidIdentifier,
                why,
                "use a non-empty name of at most 63 bytes without NUL: it is quoted on every backend",
            );
            return None;
        }
        Some(value.into())
    }

    fn ident_list(&mut self, expr: &Expr) -> Option<Vec<Str>> {
        let elems = match expr {
            Expr::Array(a) => &a.elems,
            Expr::Reference(r) => return self.ident_list(&r.expr),
            Expr::Group(g) => return self.ident_list(&g.expr),
            _ => {
                self.non_literal(
                    expr,
                    "expected an array of column names, e.g. [\"user_id\"]",
                );
                return None;
            }
        };
        if elems.is_empty() {
            self.errors.push(syn::Error::new_spanned(
                expr,
                "the list of columns is empty",
            ));
            return None;
        }
        let names: Vec<Option<Str>> = elems.iter().map(|e| self.ident(e)).collect();
        names.into_iter().collect()
    }

    fn bool(&mut self, expr: &Expr) -> Option<bool> {
        match expr {
            Expr::Lit(ExprLit {
                lit: Lit::Bool(b), ..
            }) => Some(b.value),
            _ => {
                self.non_literal(expr, "expected `true` or `false`");
                None
            }
        }
    }

    fn u32(&mut self, expr: &Expr) -> Option<u32> {
        match expr {
            Expr::Lit(ExprLit {
                lit: Lit::Int(i), ..
            }) => match i.base10_parse::<u32>() {
                Ok(v) => Some(v),
                Err(e) => {
                    self.errors.push(syn::Error::new_spanned(
                        i,
                        format!("{e}: expected a whole number of at most {}", u32::MAX),
                    ));
                    None
                }
            },
            _ => {
                self.non_literal(expr, "expected an integer literal");
                None
            }
        }
    }

    fn column_type(&mut self, expr: &Expr) -> Option<ColumnType> {
        let (name, args): (String, Vec<&Expr>) = match expr {
            Expr::Path(p) => (p.path.segments.last()?.ident.to_string(), Vec::new()),
            Expr::Call(c) => match &*c.func {
                Expr::Path(p) => (
                    p.path.segments.last()?.ident.to_string(),
                    c.args.iter().collect(),
                ),
                _ => {
                    self.non_literal(
                        expr,
                        "expected a column type such as BigInt or Varchar(255)",
                    );
                    return None;
                }
            },
            Expr::Group(g) => return self.column_type(&g.expr),
            _ => {
                self.non_literal(
                    expr,
                    "expected a column type such as BigInt or Varchar(255)",
                );
                return None;
            }
        };
        let simple = match name.as_str() {
            "SmallInt" => Some(ColumnType::SmallInt),
            "Integer" => Some(ColumnType::Integer),
            "BigInt" => Some(ColumnType::BigInt),
            "Boolean" => Some(ColumnType::Boolean),
            "Text" => Some(ColumnType::Text),
            "Real" => Some(ColumnType::Real),
            "Double" => Some(ColumnType::Double),
            "Date" => Some(ColumnType::Date),
            "Time" => Some(ColumnType::Time),
            "Timestamp" => Some(ColumnType::Timestamp),
            "TimestampTz" => Some(ColumnType::TimestampTz),
            "Binary" => Some(ColumnType::Binary),
            "Uuid" => Some(ColumnType::Uuid),
            "Json" => Some(ColumnType::Json),
            _ => None,
        };
        let arity = |n: usize| if args.len() == n { Some(()) } else { None };
        let ty = match (simple, name.as_str()) {
            (Some(t), _) if args.is_empty() => Some(t),
            (None, "Varchar") if arity(1).is_some() => self.u32(args[0]).map(ColumnType::Varchar),
            (None, "Char") if arity(1).is_some() => self.u32(args[0]).map(ColumnType::Char),
            (None, "Numeric") if arity(2).is_some() => {
                let (p, s) = (self.u32(args[0]), self.u32(args[1]));
                Some(ColumnType::Numeric(p?, s?))
            }
            _ => {
                self.non_literal(
                    expr,
                    format!("`{}` is not a column type; expected one of SmallInt, Integer, BigInt, Boolean, Text, Varchar(n), Char(n), Real, Double, Numeric(p, s), Date, Time, Timestamp, TimestampTz, Binary, Uuid, Json", expr.to_token_stream()),
                );
                return None;
            }
        }?;
        match ty {
            ColumnType::Varchar(0) | ColumnType::Char(0) => {
                self.errors.push(syn::Error::new_spanned(
                    expr,
                    "a text column of length 0 cannot hold anything",
                ));
                None
            }
            ColumnType::Numeric(p, s) if p == 0 || s > p => {
                self.errors.push(syn::Error::new_spanned(
                    expr,
                    "Numeric(precision, scale) needs 0 < precision and scale <= precision",
                ));
                None
            }
            t => Some(t),
        }
    }

    fn default(&mut self, expr: &Expr) -> Option<DefaultValue> {
        match expr {
            Expr::Lit(ExprLit { lit, .. }) => {
                match lit {
                    Lit::Str(s) => Some(DefaultValue::Str(s.value().into())),
                    Lit::Bool(b) => Some(DefaultValue::Bool(b.value)),
                    Lit::Int(i) => self.int(i, false),
                    Lit::Float(f) => self.float(f, false),
                    other => {
                        self.non_literal(other, "a default must be a string, integer, float, bool, now() or sql(\"..\")");
                        None
                    }
                }
            }
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) => match &*u.expr {
                Expr::Lit(ExprLit {
                    lit: Lit::Int(i), ..
                }) => self.int(i, true),
                Expr::Lit(ExprLit {
                    lit: Lit::Float(f), ..
                }) => self.float(f, true),
                _ => {
                    self.non_literal(expr, "expected a number literal");
                    None
                }
            },
            Expr::Call(c) => {
                let name = match &*c.func {
                    Expr::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
                    _ => None,
                };
                match (name.as_deref(), c.args.len()) {
                    (Some("now"), 0) => Some(DefaultValue::Now),
                    (Some("sql"), 1) => {
                        let sql = self.string(&c.args[0])?;
                        if sql.trim().is_empty() {
                            self.errors.push(syn::Error::new_spanned(
                                &c.args[0],
                                "`sql(..)` of an empty expression",
                            ));
                            return None;
                        }
                        Some(DefaultValue::Sql(sql.into()))
                    }
                    _ => {
                        self.non_literal(expr, "a default must be a string, integer, float, bool, now() or sql(\"..\")");
                        None
                    }
                }
            }
            Expr::Group(g) => self.default(&g.expr),
            _ => {
                self.non_literal(
                    expr,
                    "a default must be a string, integer, float, bool, now() or sql(\"..\")",
                );
                None
            }
        }
    }

    fn int(&mut self, lit: &syn::LitInt, negative: bool) -> Option<DefaultValue> {
        let text = if negative {
            format!("-{}", lit.base10_digits())
        } else {
            lit.base10_digits().to_string()
        };
        match text.parse::<i64>() {
            Ok(v) => Some(DefaultValue::Int(v)),
            Err(e) => {
                self.errors.push(syn::Error::new_spanned(
                    lit,
                    format!("{e}: a default integer must fit in 64 bits"),
                ));
                None
            }
        }
    }

    fn float(&mut self, lit: &syn::LitFloat, negative: bool) -> Option<DefaultValue> {
        match lit.base10_parse::<f64>() {
            Ok(v) if v.is_finite() => {
                let v = if negative { -v } else { v };
                // The same text the DSL writes for this f64 at run time.
                Some(DefaultValue::Float(format!("{v:?}").into()))
            }
            _ => {
                self.errors.push(syn::Error::new_spanned(
                    lit,
                    "a default float must be a finite number",
                ));
                None
            }
        }
    }

    fn action(&mut self, expr: &Expr) -> Option<Action> {
        let name = match expr {
            Expr::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        };
        match name.as_deref() {
            Some("NoAction") => Some(Action::NoAction),
            Some("Restrict") => Some(Action::Restrict),
            Some("Cascade") => Some(Action::Cascade),
            Some("SetNull") => Some(Action::SetNull),
            Some("SetDefault") => Some(Action::SetDefault),
            _ => {
                self.non_literal(expr, "expected Action::NoAction, Action::Restrict, Action::Cascade, Action::SetNull or Action::SetDefault");
                None
            }
        }
    }

    // ----- column definitions -----

    fn columns(&mut self, expr: &Expr) -> Option<Vec<Column>> {
        let elems = match expr {
            Expr::Array(a) => &a.elems,
            Expr::Reference(r) => return self.columns(&r.expr),
            _ => {
                self.non_literal(expr, "expected an array of column(..) definitions");
                return None;
            }
        };
        if elems.is_empty() {
            self.errors.push(syn::Error::new_spanned(
                expr,
                "a table needs at least one column",
            ));
            return None;
        }
        let columns: Vec<Option<Column>> = elems.iter().map(|e| self.column(e)).collect();
        columns.into_iter().collect()
    }

    /// `column("name", Type).not_null()..`
    fn column(&mut self, expr: &Expr) -> Option<Column> {
        let mut modifiers = Vec::new();
        let mut at = expr;
        while let Expr::MethodCall(mc) = at {
            modifiers.push(mc);
            at = &mc.receiver;
        }
        modifiers.reverse();
        let Expr::Call(call) = at else {
            self.non_literal(expr, "expected a column definition: column(\"name\", Type)");
            return None;
        };
        let is_column = matches!(&*call.func, Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "column"));
        if !is_column || call.args.len() != 2 {
            self.non_literal(expr, "expected a column definition: column(\"name\", Type)");
            return None;
        }
        let name = self.ident(&call.args[0]);
        let ty = self.column_type(&call.args[1]);
        let mut column = Column::new(name?, ty?);
        for m in modifiers {
            let method = m.method.to_string();
            let args: Vec<&Expr> = m.args.iter().collect();
            let want = match method.as_str() {
                "primary_key" | "not_null" | "unique" | "autoincrement" => 0,
                "server_default" => 1,
                "references" => 2,
                _ => {
                    self.errors.push(syn::Error::new_spanned(
                        &m.method,
                        format!("a column has no option `.{method}(..)`: it takes .primary_key(), .not_null(), .unique(), .server_default(v), .references(table, column), .autoincrement()"),
                    ));
                    return None;
                }
            };
            if args.len() != want {
                self.errors.push(syn::Error::new_spanned(
                    m,
                    format!("`.{method}` takes {want} argument(s)"),
                ));
                return None;
            }
            match method.as_str() {
                "primary_key" => {
                    column.primary_key = true;
                    column.nullable = false;
                }
                "not_null" => column.nullable = false,
                "unique" => column.unique = true,
                "autoincrement" => column.autoincrement = true,
                "server_default" => column.default = Some(self.default(args[0])?),
                _ => {
                    let (table, col) = (self.ident(args[0]), self.ident(args[1]));
                    column.references = Some(Reference {
                        table: table?,
                        column: col?,
                    });
                }
            }
        }
        Some(column)
    }
}
