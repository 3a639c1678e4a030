//! `migrations![a::m1, b::m2]` and the set checker behind it.
//!
//! `migrations!` starts a callback chain: it calls `a::m1::__godwit_export!`
//! with the paths still to visit; each migration's export macro adds its
//! path, its model (in `godwit_core::codec`'s form) and its own source tokens
//! (spans intact, in its own file) and calls the next; the last one calls
//! `__check_set!`, which reads the models, orders and checks the chain,
//! replays the schema and builds the `MigrationSet`. A migration's source is
//! parsed again only to place an error in it.
//!
//! The paths still to visit and the data gathered are nested one group per
//! migration (`[ [a::m2] [ [a::m3] [] ] ]`, `{ { {} [a::m1] {..} } [a::m2]
//! {..} }`): a step of the chain matches a path and two token trees, where
//! flat lists would make each step match all of them, and the chain cost
//! the compiler time quadratic in the length of the set.

use godwit_core::{Diagnostic, Location, Migration};
use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::{quote, ToTokens};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{ItemMod, Path, Token};

use crate::errors::{rule_error, Errors};
use crate::parse::{parse_migration, ParsedMigration};

/// Expands `migrations![path, ..]`.
pub fn expand_migrations(input: TokenStream) -> TokenStream {
    let paths = match Punctuated::<Path, Token![,]>::parse_terminated.parse2(input) {
        Ok(paths) => paths,
        Err(e) => {
            let message = format!("{e}: expected a list of migration module paths, e.g. `migrations![migrations::m0001_create_users]`");
            return syn::Error::new(e.span(), message).to_compile_error();
        }
    };
    let paths: Vec<&Path> = paths.iter().collect();
    match paths.split_first() {
        None => quote!(::godwit::__private::__check_set! { {} }),
        Some((first, rest)) => {
            let rest = rest
                .iter()
                .rev()
                .fold(quote!([]), |inner, p| quote!([ [#p] #inner ]));
            quote!(#first::__godwit_export! { [#first] #rest {} })
        }
    }
}

/// The input of `__check_set!` for `entries` (path, data), as the chain
/// builds it: `{ { {} [path1] {data1} } [path2] {data2} }`.
#[cfg(test)]
pub(crate) fn chain_data(
    entries: impl IntoIterator<Item = (TokenStream, TokenStream)>,
) -> TokenStream {
    entries.into_iter().fold(
        quote!({}),
        |inner, (path, data)| quote!({ #inner [#path] { #data } }),
    )
}

/// One migration as handed to the set checker.
enum Entry {
    /// Its `#[migration]` reported errors already.
    Broken,
    /// Its model, and its source (attribute arguments and module) for
    /// placing errors.
    Ready {
        model: Box<Migration>,
        args: TokenStream,
        module: TokenStream,
    },
}

/// Expands `__check_set! { .. }` (see [`chain_data`]).
pub fn expand_check_set(input: TokenStream) -> TokenStream {
    let Some((paths, data)) = unnest(input) else {
        return quote!(::core::compile_error!(
            "__check_set! is called by migrations![..], not by hand"
        ));
    };
    let mut errors = Errors::default();
    let entries: Vec<Entry> = data.into_iter().map(read_entry).collect();

    let fallback = |paths: &[TokenStream]| {
        let refs = paths.iter().map(|p| quote!(&#p::MIGRATION));
        quote!({
            static MODELS: ::godwit::__private::OnceLock<
                ::std::vec::Vec<&'static ::godwit::__private::Migration>,
            > = ::godwit::__private::OnceLock::new();
            ::godwit::MigrationSet::__from_embedded(&[#(#refs),*], &MODELS)
        })
    };
    if entries.len() != paths.len() || entries.iter().any(|e| matches!(e, Entry::Broken)) {
        // The broken migration has reported its own errors.
        return fallback(&paths);
    }
    let mut models = Vec::with_capacity(entries.len());
    let mut sources = Vec::with_capacity(entries.len());
    for entry in entries {
        if let Entry::Ready {
            model,
            args,
            module,
        } = entry
        {
            models.push(*model);
            sources.push(Source::Unparsed(args, module));
        }
    }

    let order = match godwit_core::chain::order(&models) {
        Ok(order) => order,
        Err(diagnostics) => {
            report(&diagnostics, &mut sources, &mut errors);
            let compile_errors = errors.to_compile_errors();
            let set = fallback(&paths);
            return quote!({ #compile_errors #set });
        }
    };
    let diagnostics = godwit_core::check_history(&models, &order);
    report(&diagnostics, &mut sources, &mut errors);
    let compile_errors = errors.to_compile_errors();
    let ordered: Vec<TokenStream> = order.iter().map(|&i| paths[i].clone()).collect();
    let set = fallback(&ordered);
    if errors.is_empty() {
        set
    } else {
        quote!({ #compile_errors #set })
    }
}

/// The paths and the data of the migrations in `input`, first to last;
/// `None` when it is not what the chain builds.
fn unnest(input: TokenStream) -> Option<(Vec<TokenStream>, Vec<TokenStream>)> {
    let brace = |t: Option<TokenTree>, d: Delimiter| match t {
        Some(TokenTree::Group(g)) if g.delimiter() == d => Some(g.stream()),
        _ => None,
    };
    let mut outer = input.into_iter();
    let mut level = brace(outer.next(), Delimiter::Brace)?;
    if outer.next().is_some() {
        return None;
    }
    let (mut paths, mut data) = (Vec::new(), Vec::new());
    // Innermost is the first migration; `{}` ends it.
    loop {
        let mut it = level.into_iter();
        let Some(inner) = it.next() else { break };
        paths.push(brace(it.next(), Delimiter::Bracket)?);
        data.push(brace(it.next(), Delimiter::Brace)?);
        if it.next().is_some() {
            return None;
        }
        level = brace(Some(inner), Delimiter::Brace)?;
    }
    paths.reverse();
    data.reverse();
    Some((paths, data))
}

/// Reads `(args) "model" mod name { .. }`: only the top level, so that the
/// module's tokens are not walked unless an error must be placed in them.
fn read_entry(tokens: TokenStream) -> Entry {
    let mut iter = tokens.into_iter();
    let args = match iter.next() {
        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis => g.stream(),
        _ => return Entry::Broken,
    };
    let model = match iter.next() {
        Some(TokenTree::Literal(lit)) => syn::parse2::<syn::LitStr>(TokenTree::Literal(lit).into())
            .ok()
            .and_then(|lit| godwit_core::codec::decode(&lit.value())),
        _ => None,
    };
    let module: TokenStream = iter.collect();
    match model {
        Some(model) => Entry::Ready {
            model: Box::new(model),
            args,
            module,
        },
        // Written by this crate's `#[migration]`: not expected, but the
        // source says it all, at the cost of parsing it.
        None => match parse_source(&args, &module) {
            Some(parsed) => Entry::Ready {
                model: Box::new(parsed.to_model()),
                args,
                module,
            },
            None => Entry::Broken,
        },
    }
}

/// A migration's source parsed as `#[migration]` did (it reported any error).
fn parse_source(args: &TokenStream, module: &TokenStream) -> Option<ParsedMigration> {
    let module = syn::parse2::<ItemMod>(module.clone()).ok()?;
    let mut errors = Errors::default();
    let parsed = parse_migration(args.clone(), &module, &mut errors);
    errors.is_empty().then_some(parsed)
}

/// A migration's source, parsed the first time an error is placed in it.
enum Source {
    Unparsed(TokenStream, TokenStream),
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
fn report(diagnostics: &[Diagnostic], sources: &mut [Source], errors: &mut Errors) {
    for d in diagnostics {
        let index = match &d.at {
            Location::Migration(i)
            | Location::Revision(i)
            | Location::DownRevision(i)
            | Location::Message(i) => *i,
            Location::Op { migration, .. } | Location::Body { migration, .. } => *migration,
        };
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
