//! `migrations![a::m1, b::m2]` and `__check_set!`, the checker at the end of
//! its chain.
//!
//! `migrations!` starts a callback chain: it calls `a::m1::__godwit_export!`
//! with the paths still to visit; each migration's export macro adds its
//! path, its model (in `godwit_core::codec`'s form) and its own source tokens
//! (spans intact, in its own file) and calls the next; the last one calls
//! godwit's `__private::__godwit_export!`, where the paths end, which does
//! what `__check_set!` does: reads the models, has `check.rs` order and check
//! the chain, and builds the `MigrationSet`. A migration's source is parsed
//! again only to place an error in it.
//!
//! The item form (`migrations! { pub static MIGRATIONS; pub mod schema; .. }`)
//! travels the same chain, its head with the settings: the chain's end then
//! writes the `static`, and the module of Diesel's schema at head when one is
//! asked for (`godwit_core::diesel_schema`).
//!
//! The paths still to visit and the data gathered are nested one group per
//! migration (`[ [a::m2] [ [a::m3] [ [::godwit::__private] [] ] ] ]`,
//! `{ { { (settings) } [a::m1] {..} } [a::m2] {..} }`): a step of the chain
//! matches a path and two token trees, where flat lists would make each
//! step match all of them, and the chain cost the compiler time quadratic
//! in the length of the set.

use std::path::Path;

use godwit_core::schema::Schema;
use godwit_core::{Backends, Diagnostic, Migration};
use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::{quote, ToTokens};

use crate::check::{self, parse_source, Source};
use crate::errors::Errors;
use crate::expand::migration::model_hash;
use crate::expand::report;
use crate::parse::parse_migration;
use crate::parse::settings::{self, ItemForm, SetInput};
use crate::resolve::{self, Found, FoundSource};

/// Expands `migrations![settings; path, ..]`, written in `call_file` (when
/// the compiler says; when it does not, a set longer than the chain carries
/// looks for its call in `package`'s files): read from their files when
/// every path can be followed there, through the chain otherwise.
pub fn expand_migrations(
    input: TokenStream,
    call_file: Option<&Path>,
    package: Option<&Path>,
) -> TokenStream {
    let input = match SetInput::parse(input) {
        Ok(input) => input,
        Err(e) => return e.to_compile_error(),
    };
    let found = match (call_file, package) {
        (Some(file), _) => resolve::find(file, &input.paths),
        // The chain would pass the recursion limit (`resolve::locate`).
        (None, Some(package)) if input.paths.len() > CHAIN_REACH => {
            resolve::locate(package, &input.paths)
        }
        // A chain within the limit follows the migrations' own macros, so
        // an editor expands it again when one of them changes (it does not
        // know which files a macro read).
        _ => None,
    };
    if let Some(found) = found {
        return direct(input, found);
    }
    // The settings travel innermost, where the chain starts gathering.
    let settings = input.settings;
    let start = quote!({ (#settings) });
    match input.paths.split_first() {
        None => quote!(::godwit::__private::__check_set! { #start }),
        Some((first, rest)) => {
            let rest = rest
                .iter()
                .rev()
                .fold(chain_end_paths(), |inner, p| quote!([ [#p] #inner ]));
            quote!(#first::__godwit_export! { [#first] #rest #start })
        }
    }
}

/// The longest set the chain carries when the compiler does not say which
/// file the call is in: one expansion per migration, under the default
/// recursion limit (128) with room for macros the call is written in.
const CHAIN_REACH: usize = 96;

/// Where the set's paths end, `[[::godwit::__private] []]` (the next path
/// and the paths after it), so that the last
/// migration's macro calls `::godwit::__private::__godwit_export! {
/// [::godwit::__private] [] {so_far} }` ([`chain_end`]).
pub fn chain_end_paths() -> TokenStream {
    quote!([[::godwit::__private] []])
}

/// `::godwit::__private::__godwit_export! { [..] [] {so_far} }`, the chain's
/// end: the set checked from what it gathered, as `__check_set! { {so_far}
/// }` (in this expansion, not one more level down).
pub fn chain_end(input: TokenStream) -> TokenStream {
    match input.into_iter().nth(2) {
        Some(TokenTree::Group(so_far)) if so_far.delimiter() == Delimiter::Brace => {
            expand_check_set(TokenTree::Group(so_far).into())
        }
        _ => quote!(::core::compile_error!(
            "__godwit_export! is called by migrations![..], not by hand"
        )),
    }
}

/// The input of `__check_set!` for `entries` (path, data), as the chain
/// builds it: `{ { {} [path1] {data1} } [path2] {data2} }`.
#[cfg(test)]
pub(crate) fn chain_data(
    entries: impl IntoIterator<Item = (TokenStream, TokenStream)>,
) -> TokenStream {
    entries.into_iter().fold(
        quote!({ () }),
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
    if let Some(report) = report::routed(&input) {
        return report::expand(report);
    }
    let Some((settings, paths, data)) = unnest(input) else {
        return quote!(::core::compile_error!(
            "__check_set! is called by migrations![..], not by hand"
        ));
    };
    let entries: Vec<Entry> = data.into_iter().map(read_entry).collect();
    let (item, backends) = settings::read_settings(settings);
    if entries.len() != paths.len() || entries.iter().any(|e| matches!(e, Entry::Broken)) {
        // The broken migration has reported its own errors.
        return finish(item.as_ref(), embedded_set(&paths, None), None);
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
    let mut errors = Errors::default();
    let order = check::set(&models, &mut sources, &backends, &mut errors);
    let compile_errors = errors.to_compile_errors();
    // Only a set that asks for it pays for Diesel's schema.
    let schema = match (&order, item.as_ref().and_then(|i| i.module.as_ref())) {
        (Some(order), Some(_)) => Some(diesel_schema(&models, order, &backends)),
        _ => None,
    };
    // A set whose chain cannot be ordered is listed as written.
    let paths: Vec<TokenStream> = match order {
        Some(order) => order.iter().map(|&i| paths[i].clone()).collect(),
        None => paths,
    };
    let set = embedded_set(&paths, None);
    let set = if errors.is_empty() {
        set
    } else {
        quote!({ #compile_errors #set })
    };
    finish(item.as_ref(), set, schema)
}

/// The set's expression: the descriptors of `paths`, in that order. With
/// `read` (each model's hash as the set read it, and what to say if it is
/// not the one compiled), a compile-time comparison of the two: one `const`
/// over the array the set is built from, where a call per migration would
/// have the compiler resolve and type-check every path twice.
fn embedded_set(paths: &[TokenStream], read: Option<&[(u64, String)]>) -> TokenStream {
    let refs = paths.iter().map(|p| quote!(#p::MIGRATION));
    let guard = read.map(|read| {
        let hashes = read.iter().map(|(hash, _)| hash);
        let messages = read.iter().map(|(_, message)| message);
        quote!(const _: () = ::godwit::__private::same_models(&[#(#hashes),*], &[#(#messages),*], SET);)
    });
    quote!({
        const SET: &[::godwit::__private::EmbeddedMigration] = &[#(#refs),*];
        #guard
        static MODELS: ::godwit::__private::OnceLock<
            ::std::vec::Vec<&'static ::godwit::__private::Migration>,
        > = ::godwit::__private::OnceLock::new();
        ::godwit::MigrationSet::__from_embedded(SET, &MODELS)
    })
}

/// The set from the migrations as `resolve` found them in their files:
/// checked here, each migration's errors placed through its own export
/// macro (`report`), and a compile-time comparison of each model read with
/// the one its macro compiled.
fn direct(input: SetInput, found: Vec<Found>) -> TokenStream {
    let paths: Vec<TokenStream> = input.paths.iter().map(ToTokens::to_token_stream).collect();
    let (item, backends) = settings::read_settings(input.settings);
    let mut models = Vec::with_capacity(found.len());
    for f in &found {
        let (args, module) = match &f.source {
            FoundSource::Recorded(model) => {
                models.push((**model).clone());
                continue;
            }
            FoundSource::Written { args, module } => (args, module),
        };
        let mut errors = Errors::default();
        let parsed = parse_migration(args.clone(), module, false, &mut errors);
        if !errors.is_empty() {
            // Its own macro reports them; the set is left unchecked.
            return finish(item.as_ref(), embedded_set(&paths, None), None);
        }
        models.push(parsed.to_model());
    }
    let (order, diagnostics) = check::diagnose(&models, &backends);
    // One report per run of diagnostics in the same migration, written
    // last to first: rustc expands them last to first, and so the errors
    // come out in the checker's order.
    let mut runs: Vec<(usize, Vec<&Diagnostic>)> = Vec::new();
    for d in &diagnostics {
        let i = d.at.migration();
        match runs.last_mut() {
            Some((last, ds)) if *last == i => ds.push(d),
            _ => runs.push((i, vec![d])),
        }
    }
    let reports = runs.iter().rev().filter_map(|(i, ds)| {
        let path = paths.get(*i)?;
        let ds = report::encode(ds);
        let end = chain_end_paths();
        Some(quote!(#path::__godwit_export! { [@report] #end #ds }))
    });
    let schema = match (&order, item.as_ref().and_then(|i| i.module.as_ref())) {
        (Some(order), Some(_)) => Some(diesel_schema(&models, order, &backends)),
        _ => None,
    };
    // A set whose chain cannot be ordered is listed as written.
    let order: Vec<usize> = order.unwrap_or_else(|| (0..paths.len()).collect());
    let ordered: Vec<TokenStream> = order.iter().map(|&i| paths[i].clone()).collect();
    // What the set read, in the set's order: each model's hash and what to
    // say if the module compiled under its path differs.
    let read: Vec<(u64, String)> = order
        .iter()
        .map(|&i| {
            let message = format!(
                "godwit read migration `{}` from {}, and it is not the module compiled under that path; \
                 please report this, with how the module is declared",
                paths[i].to_string().replace(' ', ""),
                found[i].file.display()
            );
            (model_hash(&models[i]), message)
        })
        .collect();
    let set = embedded_set(&ordered, Some(&read));
    let set = quote!({
        #(#reports)*
        #set
    });
    finish(item.as_ref(), set, schema)
}

/// Diesel's schema at head for the first of `backends` (in godwit's order:
/// PostgreSQL, MySQL, MariaDB, SQLite): the backend's name and the text.
/// An op that does not replay was reported by the checks; the replay goes
/// on without it.
fn diesel_schema(models: &[Migration], order: &[usize], backends: &Backends) -> (String, String) {
    let backend = backends
        .iter()
        .next()
        .unwrap_or(godwit_core::Backend::Sqlite);
    let mut schema = Schema::new();
    for &i in order {
        for op in models[i].upgrade.iter() {
            let _ = schema.apply(op);
        }
    }
    (
        backend.name().to_string(),
        godwit_core::diesel_schema::print(&schema, backend),
    )
}

/// The expression form's expression, or the item form's static and module.
fn finish(
    item: Option<&ItemForm>,
    set: TokenStream,
    schema: Option<(String, String)>,
) -> TokenStream {
    let Some(item) = item else {
        return set;
    };
    let ItemForm {
        attrs, vis, name, ..
    } = item;
    let set = match &schema {
        Some((backend, text)) => {
            quote!(#set.__with_diesel_schema(#backend, #text))
        }
        None => set,
    };
    let module = item.module.as_ref().map(|(attrs, vis, name)| {
        // A set that failed its checks still declares the module, empty,
        // so that the errors shown are the migrations', not its users'.
        let body = schema
            .as_ref()
            .map(|(_, text)| text.parse::<TokenStream>().unwrap_or_default())
            .unwrap_or_default();
        quote! {
            #(#attrs)*
            #[doc = "Diesel's schema at head, generated by godwit from the migrations (docs/SCHEMA.md): columns and tables a migration deprecates are left out."]
            #[allow(missing_docs)]
            #vis mod #name {
                #body
            }
        }
    });
    quote! {
        #(#attrs)*
        #vis static #name: ::godwit::MigrationSet = #set;
        #module
    }
}

/// The settings, and the paths and the data of the migrations in `input`,
/// first to last; `None` when it is not what the chain builds.
fn unnest(input: TokenStream) -> Option<(TokenStream, Vec<TokenStream>, Vec<TokenStream>)> {
    let group = |t: Option<TokenTree>, d: Delimiter| match t {
        Some(TokenTree::Group(g)) if g.delimiter() == d => Some(g.stream()),
        _ => None,
    };
    let mut outer = input.into_iter();
    let mut level = group(outer.next(), Delimiter::Brace)?;
    if outer.next().is_some() {
        return None;
    }
    let (mut paths, mut data) = (Vec::new(), Vec::new());
    // Innermost is the first migration; `{ (settings) }` ends it.
    let settings = loop {
        let mut it = level.into_iter();
        let inner = it.next()?;
        if let TokenTree::Group(g) = &inner {
            if g.delimiter() == Delimiter::Parenthesis {
                if it.next().is_some() {
                    return None;
                }
                break g.stream();
            }
        }
        paths.push(group(it.next(), Delimiter::Bracket)?);
        data.push(group(it.next(), Delimiter::Brace)?);
        if it.next().is_some() {
            return None;
        }
        level = group(Some(inner), Delimiter::Brace)?;
    };
    paths.reverse();
    data.reverse();
    Some((settings, paths, data))
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
