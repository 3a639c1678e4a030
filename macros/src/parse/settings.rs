//! The settings of `migrations![..]`, before its paths, each ending in `;`:
//! `backends = [postgres >= 12, mysql, sqlite];`; and the head of its item
//! form, before them: `pub static MIGRATIONS;` and, if asked,
//! `pub mod schema;` (Diesel's schema at head).

use godwit_core::{Backend, Backends, Target, Version};
use proc_macro2::TokenStream;
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{bracketed, Attribute, Ident, Lit, Path, Token, Visibility};

/// What `migrations![..]` was given: its item form's head, its settings
/// and its paths.
pub struct SetInput {
    /// The head and the settings as written, passed along the chain to its
    /// end.
    pub settings: TokenStream,
    /// `pub static NAME;` and `pub mod NAME;`, in the item form.
    pub item: Option<ItemForm>,
    /// `backends = [..]`, if given.
    pub backends: Option<Backends>,
    /// The migration modules.
    pub paths: Vec<Path>,
}

/// The head of the item form: the static it declares, and the module of
/// Diesel's schema if asked for.
pub struct ItemForm {
    /// The static's attributes (its doc comment).
    pub attrs: Vec<Attribute>,
    /// The static's visibility.
    pub vis: Visibility,
    /// The static's name.
    pub name: Ident,
    /// `pub mod schema;`: attributes, visibility and name.
    pub module: Option<(Vec<Attribute>, Visibility, Ident)>,
}

impl SetInput {
    /// Reads the item form's head if there is one, the settings, then the
    /// paths. A setting's error is said as it is; an error in the paths
    /// says what the macro takes.
    pub fn parse(input: TokenStream) -> syn::Result<SetInput> {
        let (settings, item, backends, rest) = (|input: ParseStream<'_>| {
            let start = input.fork();
            let item = parse_item_form(input)?;
            let backends = parse_settings(input)?;
            let settings = tokens_between(&start, input);
            Ok((settings, item, backends, input.parse::<TokenStream>()?))
        })
        .parse2(input)?;
        let paths = Punctuated::<Path, Token![,]>::parse_terminated
            .parse2(rest)
            .map_err(|e| {
                let message = format!("{e}: expected settings (`backends = [postgres, sqlite];`) and then a list of migration module paths, e.g. `migrations![migrations::m0001_create_users]`");
                syn::Error::new(e.span(), message)
            })?
            .into_iter()
            .collect();
        Ok(SetInput {
            settings,
            item,
            backends,
            paths,
        })
    }
}

/// `pub static NAME;` and then, if asked, `pub mod NAME;`: the item form's
/// head, if the input starts with one (a path never starts with `pub`,
/// `static` or `#`).
fn parse_item_form(input: ParseStream<'_>) -> syn::Result<Option<ItemForm>> {
    if !(input.peek(Token![pub]) || input.peek(Token![static]) || input.peek(Token![#])) {
        return Ok(None);
    }
    let attrs = input.call(Attribute::parse_outer)?;
    let vis: Visibility = input.parse()?;
    if !input.peek(Token![static]) {
        return Err(input.error(
            "expected `static NAME;`: the item form of migrations! starts with the static it declares, e.g. `pub static MIGRATIONS;`",
        ));
    }
    input.parse::<Token![static]>()?;
    let name: Ident = input.parse()?;
    if input.peek(Token![:]) {
        return Err(input.error(
            "the item form declares the static's type itself (`godwit::MigrationSet`): write `pub static MIGRATIONS;`",
        ));
    }
    input
        .parse::<Token![;]>()
        .map_err(|e| syn::Error::new(e.span(), "expected `;` after `static NAME`"))?;
    let mut module = None;
    if input.peek(Token![pub]) || input.peek(Token![mod]) || input.peek(Token![#]) {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis: Visibility = input.parse()?;
        if !input.peek(Token![mod]) {
            return Err(input.error(
                "expected `mod NAME;`: the module Diesel's schema at head is emitted into, e.g. `pub mod schema;`",
            ));
        }
        input.parse::<Token![mod]>()?;
        let name: Ident = input.parse()?;
        input.parse::<Token![;]>().map_err(|e| {
            syn::Error::new(
                e.span(),
                "expected `;` after `mod NAME`: godwit writes the module's content",
            )
        })?;
        module = Some((attrs, vis, name));
    }
    Ok(Some(ItemForm {
        attrs,
        vis,
        name,
        module,
    }))
}

/// The settings before the paths: the backends if set.
fn parse_settings(input: ParseStream<'_>) -> syn::Result<Option<Backends>> {
    let mut backends = None;
    while input.peek(Ident) && input.peek2(Token![=]) {
        let name: Ident = input.parse()?;
        input.parse::<Token![=]>()?;
        match name.to_string().as_str() {
            "backends" => {
                if backends.is_some() {
                    return Err(syn::Error::new(
                        name.span(),
                        "`backends` is set twice; list every backend once",
                    ));
                }
                backends = Some(parse_backends(input)?);
            }
            other => {
                return Err(syn::Error::new(
                    name.span(),
                    format!("unknown setting `{other}`: migrations![..] takes `backends = [..];` before its paths"),
                ))
            }
        }
        input.parse::<Token![;]>().map_err(|e| {
            syn::Error::new(e.span(), "expected `;` after a setting, before the paths")
        })?;
    }
    Ok(backends)
}

/// The tokens from `start` up to `end` (a later fork of the same stream).
fn tokens_between(start: ParseStream<'_>, end: ParseStream<'_>) -> TokenStream {
    let end_cursor = end.cursor();
    let mut out = TokenStream::new();
    let mut cursor = start.cursor();
    while cursor != end_cursor {
        let Some((tt, next)) = cursor.token_tree() else {
            break;
        };
        out.extend([tt]);
        cursor = next;
    }
    out
}

/// `[postgres >= 12, mysql, mariadb >= 10.6, sqlite]`.
fn parse_backends(input: ParseStream<'_>) -> syn::Result<Backends> {
    let content;
    let bracket = bracketed!(content in input);
    let mut targets = Vec::new();
    while !content.is_empty() {
        let name: Ident = content.parse()?;
        let backend = Backend::from_name(&name.to_string()).ok_or_else(|| {
            syn::Error::new(
                name.span(),
                format!("unknown backend `{name}`: the backends are postgres, mysql, mariadb and sqlite"),
            )
        })?;
        if targets.iter().any(|t: &Target| t.backend == backend) {
            return Err(syn::Error::new(
                name.span(),
                format!("`{name}` is listed twice"),
            ));
        }
        let mut target = Target::new(backend);
        if content.peek(Token![>=]) {
            content.parse::<Token![>=]>()?;
            let lit: Lit = content.parse()?;
            let mut text = match &lit {
                Lit::Int(i) => i.base10_digits().to_string(),
                Lit::Float(f) => f.base10_digits().to_string(),
                _ => String::new(),
            };
            // `8.0.13` reaches the macro as the float `8.0`, a `.` and `13`.
            if content.peek(Token![.]) {
                content.parse::<Token![.]>()?;
                let patch: syn::LitInt = content.parse()?;
                text.push('.');
                text.push_str(patch.base10_digits());
            }
            target.min_version = Version::parse(&text).ok_or_else(|| {
                syn::Error::new(
                    lit.span(),
                    format!(
                        "expected a version such as `{}`",
                        backend.default_min_version()
                    ),
                )
            })?;
            let oldest = backend.oldest_supported();
            // `mysql >= 8.0` is the 8.0 series: from its oldest release
            // godwit applies migrations on.
            let series = |v: Version| (v.major, v.minor);
            if target.min_version < oldest
                && text.matches('.').count() < 2
                && series(target.min_version) == series(oldest)
            {
                target.min_version = oldest;
            }
            if target.min_version < oldest {
                return Err(syn::Error::new(
                    lit.span(),
                    format!(
                        "godwit applies migrations on {backend} {oldest} or newer: declare `{} >= {oldest}` or later",
                        backend.name()
                    ),
                ));
            }
        }
        targets.push(target);
        if content.is_empty() {
            break;
        }
        content.parse::<Token![,]>()?;
    }
    if targets.is_empty() {
        return Err(syn::Error::new(
            bracket.span.join(),
            "`backends = []` leaves nothing to check or run on: name at least one of postgres, mysql, mariadb, sqlite",
        ));
    }
    Ok(Backends::new(targets))
}

/// The backends a set without `backends = [..]` is checked for: those whose
/// godwit features are enabled (`mysql` is MySQL and MariaDB), or every one
/// if none is.
pub fn default_backends() -> Backends {
    let mut enabled = Vec::new();
    if cfg!(feature = "postgres") {
        enabled.push(Backend::Postgres);
    }
    if cfg!(feature = "mysql") {
        enabled.extend([Backend::Mysql, Backend::Mariadb]);
    }
    if cfg!(feature = "sqlite") {
        enabled.push(Backend::Sqlite);
    }
    if enabled.is_empty() {
        return Backends::all();
    }
    Backends::new(enabled.into_iter().map(Target::new))
}

/// The item form's head and the backends of settings already checked by
/// `migrations!`.
pub fn read_settings(settings: TokenStream) -> (Option<ItemForm>, Backends) {
    match SetInput::parse(settings) {
        Ok(s) => (s.item, s.backends.unwrap_or_else(default_backends)),
        Err(_) => (None, default_backends()),
    }
}
