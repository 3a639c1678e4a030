//! The checks of a whole set: the revision chain and every rule that needs
//! the history (`godwit_core::check_history`), each diagnostic placed at the
//! tokens it is about, in the file its migration was written in.

use godwit_core::{Backends, Diagnostic, Location, Migration};
use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::ItemMod;

use crate::errors::{rule_error, Errors};
use crate::parse::{parse_migration, ParsedMigration};

/// Orders the chain of `models` and checks the history for `backends`; every problem goes
/// to `errors`, spanned in `sources`. The order, unless the chain has none.
pub fn set(
    models: &[Migration],
    sources: &mut [Source],
    backends: &Backends,
    errors: &mut Errors,
) -> Option<Vec<usize>> {
    let (order, diagnostics) = diagnose(models, backends);
    report(&diagnostics, sources, errors);
    order
}

/// Orders the chain of `models` and checks the history for `backends`: the
/// order, unless the chain has none, and every problem found.
pub fn diagnose(
    models: &[Migration],
    backends: &Backends,
) -> (Option<Vec<usize>>, Vec<Diagnostic>) {
    match godwit_core::chain::order(models) {
        Ok(order) => {
            let diagnostics = godwit_core::check_history_for(models, &order, backends);
            (Some(order), diagnostics)
        }
        Err(diagnostics) => (None, diagnostics),
    }
}

/// A migration's source parsed as `#[migration]` did (it reported any error).
pub fn parse_source(args: &TokenStream, module: &TokenStream) -> Option<ParsedMigration> {
    let module = syn::parse2::<ItemMod>(module.clone()).ok()?;
    let mut errors = Errors::default();
    let parsed = parse_migration(args.clone(), &module, true, &mut errors);
    errors.is_empty().then_some(parsed)
}

/// A migration's source, parsed the first time an error is placed in it.
pub enum Source {
    /// The attribute arguments and the module, as the chain carried them.
    Unparsed(TokenStream, TokenStream),
    /// Parsed (`None`: it did not parse, which its own macro reported).
    Parsed(Option<Box<ParsedMigration>>),
}

impl Source {
    fn parsed(&mut self) -> Option<&ParsedMigration> {
        if let Source::Unparsed(args, module) = self {
            *self = Source::Parsed(parse_source(args, module).map(Box::new));
        }
        match self {
            Source::Parsed(parsed) => parsed.as_deref(),
            Source::Unparsed(..) => None,
        }
    }
}

/// Turns checker diagnostics into errors spanned in the migrations' own files.
pub fn report(diagnostics: &[Diagnostic], sources: &mut [Source], errors: &mut Errors) {
    for d in diagnostics {
        let index = d.at.migration();
        let parsed = sources.get_mut(index).and_then(Source::parsed);
        let mut tokens = locate(&d.at, parsed);
        if let Some(text) = &d.focus {
            if let Some(literal) = find_string_literal(tokens.clone(), text) {
                tokens = literal;
            }
        }
        errors.push(rule_error(tokens, d.rule, &d.message, &d.help));
    }
}

/// The string literal whose value is `text` among `tokens`, at any depth.
fn find_string_literal(tokens: TokenStream, text: &str) -> Option<TokenStream> {
    for tree in tokens {
        match tree {
            TokenTree::Group(g) => {
                if let Some(found) = find_string_literal(g.stream(), text) {
                    return Some(found);
                }
            }
            TokenTree::Literal(lit) => {
                let as_stream = TokenStream::from(TokenTree::Literal(lit.clone()));
                if let Ok(s) = syn::parse2::<syn::LitStr>(as_stream.clone()) {
                    if s.value() == text {
                        return Some(as_stream);
                    }
                }
            }
            _ => {}
        }
    }
    None
}

fn locate(at: &Location, parsed: Option<&ParsedMigration>) -> TokenStream {
    let Some(m) = parsed else {
        return TokenStream::new();
    };
    let lit = |s: &Option<crate::parse::attr::Spanned>| {
        s.as_ref()
            .map(|s| s.lit.to_token_stream())
            .unwrap_or_else(|| m.ident.to_token_stream())
    };
    match at {
        Location::Migration(_) => m.ident.to_token_stream(),
        Location::Revision(_) => lit(&m.attr.revision),
        Location::DownRevision(_) => lit(&m.attr.down_revision),
        Location::Message(_) => lit(&m.attr.message),
        Location::Op { phase, path, .. } => m
            .op_tokens(*phase, path)
            .unwrap_or_else(|| m.body_tokens(*phase)),
        Location::Body { phase, .. } => m.body_tokens(*phase),
    }
}
