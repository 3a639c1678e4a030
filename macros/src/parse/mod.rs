//! Reading a `#[migration]` module into a plain [`ParsedMigration`].

pub mod attr;
pub mod body;
pub mod settings;

use std::borrow::Cow;

use godwit_core::{Migration, Op, Phase, Rule};
use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::{FnArg, Ident, Item, ItemFn, ItemMod, Pat, ReturnType, Type};

use crate::errors::Errors;
use attr::MigrationAttr;
use body::ParsedOp;

/// One body (`fn upgrade` or `fn downgrade`) as read.
pub struct ParsedBody {
    /// The function's name, for errors about the body as a whole.
    pub fn_ident: Ident,
    /// The ops, in order.
    pub ops: Vec<ParsedOp>,
}

/// A migration module as read.
pub struct ParsedMigration {
    /// The module's name.
    pub ident: Ident,
    /// The attribute arguments.
    pub attr: MigrationAttr,
    /// `fn upgrade`, if present.
    pub upgrade: Option<ParsedBody>,
    /// `fn downgrade`, if present.
    pub downgrade: Option<ParsedBody>,
}

/// Reads `#[migration(args)] mod ident { .. }`; every problem goes to
/// `errors`. Each op's tokens are kept only when `spans` (to place the set's
/// errors: [`ParsedMigration::op_tokens`]).
pub fn parse_migration(
    args: TokenStream,
    module: &ItemMod,
    spans: bool,
    errors: &mut Errors,
) -> ParsedMigration {
    let attr = attr::parse(args, errors);
    attr::validate(&attr, &module.ident, errors);
    let mut migration = ParsedMigration {
        ident: module.ident.clone(),
        attr,
        upgrade: None,
        downgrade: None,
    };
    let Some((_, items)) = &module.content else {
        errors.push(syn::Error::new_spanned(
            module,
            "#[migration] needs an inline module: `mod name { pub fn upgrade(op: &mut Ops) { .. } pub fn downgrade(op: &mut Ops) { .. } }`",
        ));
        return migration;
    };
    for item in items {
        let Item::Fn(f) = item else { continue };
        let phase = match f.sig.ident.to_string().as_str() {
            "upgrade" => Phase::Upgrade,
            "downgrade" => Phase::Downgrade,
            _ => continue,
        };
        let Some(op_name) = body_parameter(f, errors) else {
            continue;
        };
        let ops = body::parse_block(&f.block.stmts, &op_name, spans, errors);
        let parsed = ParsedBody {
            fn_ident: f.sig.ident.clone(),
            ops,
        };
        match phase {
            Phase::Upgrade => migration.upgrade = Some(parsed),
            Phase::Downgrade => migration.downgrade = Some(parsed),
        }
    }
    if migration.upgrade.is_none() {
        errors.rule(
            &module.ident,
            Rule::MissingUpgrade,
            format!("migration `{}` has no `fn upgrade`", module.ident),
            "add `pub fn upgrade(op: &mut Ops) { .. }` with the schema change",
        );
    }
    match (&migration.downgrade, &migration.attr.irreversible) {
        (None, None) => errors.rule(
            &module.ident,
            Rule::MissingDowngrade,
            format!("migration `{}` has no `fn downgrade`", module.ident),
            "add `pub fn downgrade(op: &mut Ops) { .. }` that undoes the upgrade, or say `irreversible = \"why\"` in #[migration(..)] if it cannot be undone",
        ),
        (Some(down), Some(reason)) => errors.push(syn::Error::new_spanned(
            &down.fn_ident,
            format!(
                "migration `{}` is declared irreversible (\"{}\") but has a `fn downgrade`: remove one of them",
                module.ident, reason.value
            ),
        )),
        _ => {}
    }
    migration
}

/// The name of the `&mut Ops` parameter of a body, after checking the signature.
fn body_parameter(f: &ItemFn, errors: &mut Errors) -> Option<String> {
    let sig = &f.sig;
    let shape = "`fn ".to_string() + &sig.ident.to_string() + "(op: &mut Ops)`";
    if sig.asyncness.is_some()
        || sig.unsafety.is_some()
        || !sig.generics.params.is_empty()
        || sig.variadic.is_some()
    {
        errors.push(syn::Error::new_spanned(
            &sig.ident,
            format!("a migration body is a plain {shape}"),
        ));
        return None;
    }
    if let ReturnType::Type(_, ty) = &sig.output {
        errors.push(syn::Error::new_spanned(
            ty,
            format!("a migration body returns nothing: {shape}"),
        ));
        return None;
    }
    let params: Vec<&FnArg> = sig.inputs.iter().collect();
    let name = match params[..] {
        [FnArg::Typed(p)] => {
            let is_ops = matches!(&*p.ty, Type::Reference(r) if r.mutability.is_some()
                && matches!(&*r.elem, Type::Path(tp) if tp.path.segments.last().is_some_and(|s| s.ident == "Ops")));
            match (&*p.pat, is_ops) {
                (Pat::Ident(i), true) => Some(i.ident.to_string()),
                _ => None,
            }
        }
        _ => None,
    };
    if name.is_none() {
        // At the parameters, or at the empty parentheses when there are none.
        let message = format!("a migration body takes one parameter: {shape}");
        errors.push(if sig.inputs.is_empty() {
            syn::Error::new(sig.paren_token.span.join(), message)
        } else {
            syn::Error::new_spanned(&sig.inputs, message)
        });
    }
    name
}

impl ParsedMigration {
    /// The descriptor the migration stands for (owned; checked, then emitted).
    pub fn to_model(&self) -> Migration {
        let ops = |body: &Option<ParsedBody>| -> Vec<Op> {
            body.iter()
                .flat_map(|b| b.ops.iter().map(|p| p.op.clone()))
                .collect()
        };
        let (upgrade, downgrade) = (ops(&self.upgrade), ops(&self.downgrade));
        let value = |s: &Option<attr::Spanned>| s.as_ref().map(|s| Cow::Owned(s.value.clone()));
        let irreversible = value(&self.attr.irreversible);
        let checksum = godwit_core::checksum(&upgrade, &downgrade, irreversible.as_deref());
        Migration {
            revision: value(&self.attr.revision).unwrap_or_default(),
            down_revision: value(&self.attr.down_revision),
            message: value(&self.attr.message).unwrap_or_default(),
            irreversible,
            allow: Cow::Owned(
                self.attr
                    .allow
                    .iter()
                    .map(|(r, _)| Cow::Borrowed(r.id()))
                    .collect(),
            ),
            imported: value(&self.attr.imported),
            transaction: self.attr.transaction.as_ref().is_none_or(|(b, _)| *b),
            upgrade: Cow::Owned(upgrade),
            downgrade: Cow::Owned(downgrade),
            checksum: checksum.into(),
        }
    }

    /// The ops of one body with their source tokens.
    pub fn parsed_ops(&self, phase: Phase) -> &[ParsedOp] {
        let body = match phase {
            Phase::Upgrade => &self.upgrade,
            Phase::Downgrade => &self.downgrade,
        };
        body.as_ref().map(|b| &b.ops[..]).unwrap_or(&[])
    }

    /// The tokens of the op at `path` in a body, for an error span (none
    /// unless read with `spans`).
    pub fn op_tokens(&self, phase: Phase, path: &[usize]) -> Option<TokenStream> {
        let (first, rest) = path.split_first()?;
        let mut op = self.parsed_ops(phase).get(*first)?;
        for i in rest {
            op = op.nested.get(*i)?;
        }
        op.tokens.clone()
    }

    /// The tokens of a body's function name, or of the module name.
    pub fn body_tokens(&self, phase: Phase) -> TokenStream {
        let body = match phase {
            Phase::Upgrade => &self.upgrade,
            Phase::Downgrade => &self.downgrade,
        };
        match body {
            Some(b) => b.fn_ident.to_token_stream(),
            None => self.ident.to_token_stream(),
        }
    }
}
