//! The bodies of `upgrade` and `downgrade`: a list of `op.<operation>(..)`
//! statements with literal arguments.
//!
//! This file only reads syntax: each statement becomes a
//! [`Call`](godwit_core::vocabulary::Call), each argument a value, and
//! `godwit_core::vocabulary::read_op` (the one reader the DSL and the
//! canonical text also use) turns the call into an op. Anything that cannot
//! be read exactly (a variable, a loop, a computed string, a call to another
//! function) is `non-literal-argument`: what the checker sees must be
//! exactly what runs.

use std::borrow::Cow;

use godwit_core::vocabulary::{self, Call, SyntaxError, Value, ValueKind};
use godwit_core::{Op, Rule};
use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::{Expr, ExprLit, ExprMethodCall, Lit, Pat, Stmt};

use crate::errors::Errors;

/// One op as read, with the tokens it was read from (for error spans).
pub struct ParsedOp {
    /// The op.
    pub op: Op,
    /// The whole call expression, e.g. `op.create_index(..).unique()`, when
    /// kept (see [`parse_block`]).
    pub tokens: Option<TokenStream>,
    /// For `safety_assured`: the ops inside, in order.
    pub nested: Vec<ParsedOp>,
}

/// Where a part of a call was read from: its tokens, for an error's span.
type At<'e> = &'e dyn ToTokens;

/// Reads the statements of one body. `op_name` is the name of its `&mut Ops`
/// parameter. Each op's tokens are kept only when `spans`: they place the
/// set's errors, and printing them back from syn's tree cost a debug build
/// of `#[migration]`, which never needs them, a tenth of its time.
pub fn parse_block(
    stmts: &[Stmt],
    op_name: &str,
    spans: bool,
    errors: &mut Errors,
) -> Vec<ParsedOp> {
    let mut out = Vec::new();
    for stmt in stmts {
        // One statement at a time, so that errors come in source order.
        let Some((expr, call)) = statement(stmt, op_name, errors) else {
            continue;
        };
        let mut problems = Vec::new();
        let op = vocabulary::read_op(&call, &mut problems);
        report(problems, errors);
        if let Some(op) = op {
            out.push(parsed(op, expr, spans, &call));
        }
    }
    out
}

/// An op read from `call`, written as `whole`, with its tokens and those of
/// the ops inside it when `spans`.
fn parsed(op: Op, whole: At, spans: bool, call: &Call<At>) -> ParsedOp {
    let tokens = spans.then(|| whole.to_token_stream());
    let mut nested = Vec::new();
    if let Op::SafetyAssured { ops, .. } = &op {
        let body = call.args.iter().find_map(|a| match &a.kind {
            ValueKind::Body(calls) => Some(calls),
            _ => None,
        });
        for (inner, call) in ops.iter().zip(body.into_iter().flatten()) {
            nested.push(parsed(inner.clone(), *call.whole(), spans, call));
        }
    }
    ParsedOp { op, tokens, nested }
}

fn report(problems: Vec<SyntaxError<At>>, errors: &mut Errors) {
    for p in problems {
        match p.rule {
            Some(rule) => errors.rule(p.at, rule, p.message, p.help),
            None => errors.push(syn::Error::new_spanned(p.at, p.message)),
        }
    }
}

fn non_literal(errors: &mut Errors, at: impl ToTokens, what: &str) {
    errors.rule(
        at,
        Rule::NonLiteralArgument,
        what,
        vocabulary::NON_LITERAL_HELP,
    );
}

/// A statement of a body as an op call; any other statement is reported.
fn statement<'e>(
    stmt: &'e Stmt,
    op_name: &str,
    errors: &mut Errors,
) -> Option<(&'e Expr, Call<At<'e>>)> {
    match stmt {
        // A stray `;` (an empty statement) runs nothing.
        Stmt::Expr(Expr::Verbatim(tokens), _) if tokens.is_empty() => None,
        Stmt::Expr(expr, _) => op_call(expr, op_name, errors).map(|call| (expr, call)),
        Stmt::Local(local) => {
            non_literal(errors, local, "a `let` binding in a migration body");
            None
        }
        Stmt::Item(item) => {
            non_literal(errors, item, "an item declared inside a migration body");
            None
        }
        Stmt::Macro(m) => {
            non_literal(errors, m, "a macro call in a migration body");
            None
        }
    }
}

/// `op.method(args).option(args)..`
fn op_call<'e>(expr: &'e Expr, op_name: &str, errors: &mut Errors) -> Option<Call<At<'e>>> {
    if let Expr::MethodCall(ExprMethodCall { attrs, .. }) = expr {
        if let Some(attr) = attrs.first() {
            // `#[cfg(..)]` would make the compiled body and the checked ops differ.
            non_literal(
                errors,
                attr,
                "an attribute on a statement of a migration body",
            );
            return None;
        }
    }
    let (root, chain) = method_chain(expr);
    let rooted_at_op = matches!(root, Expr::Path(p) if p.path.is_ident(op_name));
    let Some((base, options)) = chain.split_first().filter(|_| rooted_at_op) else {
        let what = match expr {
            Expr::ForLoop(_) | Expr::While(_) | Expr::Loop(_) => "a loop in a migration body",
            Expr::If(_) | Expr::Match(_) => "a condition in a migration body",
            _ => "a statement that is not an `op.<operation>(..)` call",
        };
        errors.rule(
            expr,
            Rule::NonLiteralArgument,
            what,
            format!("a migration body is a list of `{op_name}.<operation>(..);` calls with literal arguments, so the checker sees exactly what will run"),
        );
        return None;
    };
    if let Some(turbofish) = chain.iter().find_map(|c| c.turbofish.as_ref()) {
        non_literal(errors, turbofish, "generic arguments on an operation");
        return None;
    }
    let mut call = method(base, errors);
    call.options = options.iter().map(|o| method(o, errors)).collect();
    Some(call)
}

/// The root of `a.b(..).c(..)` and its method calls, first to last.
fn method_chain(expr: &Expr) -> (&Expr, Vec<&ExprMethodCall>) {
    let mut chain = Vec::new();
    let mut at = expr;
    loop {
        match at {
            Expr::MethodCall(mc) => {
                chain.push(mc);
                at = &mc.receiver;
            }
            Expr::Paren(p) => at = &p.expr,
            Expr::Group(g) => at = &g.expr,
            _ => break,
        }
    }
    chain.reverse();
    (at, chain)
}

/// One method call of a chain, without its options.
fn method<'e>(mc: &'e ExprMethodCall, errors: &mut Errors) -> Call<At<'e>> {
    Call {
        name: Cow::Owned(mc.method.to_string()),
        at: mc,
        name_at: &mc.method,
        args: mc.args.iter().map(|a| value(a, errors)).collect(),
        options: Vec::new(),
    }
}

/// An argument as written; whether it fits is the vocabulary's to say.
fn value<'e>(expr: &'e Expr, errors: &mut Errors) -> Value<At<'e>> {
    let kind = match expr {
        Expr::Lit(ExprLit { lit, .. }) => literal(lit, ""),
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) => match &*u.expr {
            Expr::Lit(ExprLit { lit, .. }) if matches!(lit, Lit::Int(_) | Lit::Float(_)) => {
                literal(lit, "-")
            }
            _ => ValueKind::Other,
        },
        Expr::Group(g) => return value(&g.expr, errors),
        Expr::Reference(r) if matches!(&*r.expr, Expr::Array(_)) => return value(&r.expr, errors),
        Expr::Array(a) => ValueKind::List(a.elems.iter().map(|e| value(e, errors)).collect()),
        Expr::Path(p) if p.qself.is_none() => ValueKind::Path(Cow::Owned(
            p.path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect::<Vec<_>>()
                .join("::"),
        )),
        Expr::Call(_) | Expr::MethodCall(_) => match function_call(expr, errors) {
            Some(call) => ValueKind::Call(call),
            None => ValueKind::Other,
        },
        Expr::Closure(_) => ValueKind::Body(closure(expr, errors)),
        _ => ValueKind::Other,
    };
    Value { kind, at: expr }
}

fn literal<S>(lit: &Lit, sign: &str) -> ValueKind<S> {
    match lit {
        Lit::Str(s) => ValueKind::Str(Cow::Owned(s.value())),
        Lit::Int(i) => ValueKind::Int(Cow::Owned(format!("{sign}{}", i.base10_digits()))),
        Lit::Float(f) => ValueKind::Float(Cow::Owned(format!("{sign}{}", f.base10_digits()))),
        Lit::Bool(b) => ValueKind::Bool(b.value),
        _ => ValueKind::Other,
    }
}

/// `f(args)` with its options: `column("id", BigInt).primary_key()`,
/// `Varchar(20)`, `now()`.
fn function_call<'e>(expr: &'e Expr, errors: &mut Errors) -> Option<Call<At<'e>>> {
    let (root, options) = method_chain(expr);
    let Expr::Call(c) = root else { return None };
    let Expr::Path(p) = &*c.func else { return None };
    let name = p.path.segments.last()?.ident.to_string();
    Some(Call {
        name: Cow::Owned(name),
        at: root,
        name_at: &c.func,
        args: c.args.iter().map(|a| value(a, errors)).collect(),
        options: options.iter().map(|o| method(o, errors)).collect(),
    })
}

/// The op calls of `|op| { .. }`; what is wrong with its shape is reported
/// here, and the body is then empty.
fn closure<'e>(expr: &'e Expr, errors: &mut Errors) -> Vec<Call<At<'e>>> {
    let Expr::Closure(closure) = expr else {
        return Vec::new();
    };
    let [param] = closure.inputs.iter().collect::<Vec<_>>()[..] else {
        // At the parameters, or at the bars when there are none.
        let message = "the closure takes one parameter: |op| { .. }";
        errors.push(if closure.inputs.is_empty() {
            syn::Error::new_spanned(closure.or1_token, message)
        } else {
            syn::Error::new_spanned(&closure.inputs, message)
        });
        return Vec::new();
    };
    let ident = match param {
        Pat::Ident(p) => Ok(&p.ident),
        Pat::Type(t) => match &*t.pat {
            Pat::Ident(p) => Ok(&p.ident),
            other => Err(other),
        },
        other => Err(other),
    };
    let name = match ident {
        Ok(ident) => ident.to_string(),
        Err(other) => {
            errors.push(syn::Error::new_spanned(
                other,
                "expected a parameter name: |op| { .. }",
            ));
            return Vec::new();
        }
    };
    let stmts: &[Stmt] = match &*closure.body {
        Expr::Block(b) => &b.block.stmts,
        _ => {
            // A body that is one expression: read as one statement.
            return op_call(&closure.body, &name, errors).into_iter().collect();
        }
    };
    stmts
        .iter()
        .filter_map(|s| statement(s, &name, errors).map(|(_, call)| call))
        .collect()
}
