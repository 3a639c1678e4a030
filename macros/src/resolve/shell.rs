//! A file's items as far as finding modules needs them: `mod`, `use`,
//! macro calls and the `static`s and `const`s that may hold `migrations!`,
//! each parsed by syn; every other item is skipped as tokens
//! (`Item::Verbatim`, empty), so that a function's body is never parsed.
//! A migration module's content is kept as tokens too
//! (`Item::Verbatim` holding them): it is parsed only when the model its
//! own macro recorded is not there (see `memo`).
//!
//! Reading a file this way costs its lexing and little more, where a
//! whole `syn::File` cost the set most of its time in a long history.

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use syn::parse::{Parse, ParseStream};
use syn::{Attribute, Item, ItemMod, Token, Visibility};

/// The items of a file or of an inline module's content.
pub struct Shell {
    /// Inner attributes (`#![..]`), for a `#[cfg]` on the whole module.
    pub attrs: Vec<Attribute>,
    /// The items, in order (positions match the file's items).
    pub items: Vec<Item>,
}

/// Whether `attrs` holds a `#[migration(..)]` (by its last segment, as the
/// resolver tells one).
pub fn is_migration(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path()
            .segments
            .last()
            .is_some_and(|s| s.ident == "migration")
    })
}

impl Parse for Shell {
    fn parse(input: ParseStream<'_>) -> syn::Result<Shell> {
        let attrs = input.call(Attribute::parse_inner)?;
        let mut items = Vec::new();
        while !input.is_empty() {
            if input.peek(Token![;]) {
                // A stray `;` after a skipped item that ended with a block.
                input.parse::<Token![;]>()?;
                continue;
            }
            items.push(item(input)?);
        }
        Ok(Shell { attrs, items })
    }
}

fn item(input: ParseStream<'_>) -> syn::Result<Item> {
    let attrs = input.call(Attribute::parse_outer)?;
    let ahead = input.fork();
    let _: Visibility = ahead.parse()?;
    if ahead.peek(Token![mod]) || (ahead.peek(Token![unsafe]) && ahead.peek2(Token![mod])) {
        return module(input, attrs).map(Item::Mod);
    }
    let wanted = ahead.peek(Token![use])
        || ahead.peek(Token![static])
        || (ahead.peek(Token![const]) && !ahead.peek2(Token![fn]) && !ahead.peek2(Token![unsafe]))
        || is_macro_call(&ahead);
    if wanted {
        let mut item: Item = input.parse()?;
        if let Some(a) = item_attrs(&mut item) {
            *a = attrs;
        }
        return Ok(item);
    }
    skip(input)?;
    Ok(Item::Verbatim(TokenStream::new()))
}

/// `path! ..` at item level.
fn is_macro_call(ahead: ParseStream<'_>) -> bool {
    let fork = ahead.fork();
    fork.call(syn::Path::parse_mod_style).is_ok() && fork.peek(Token![!])
}

fn item_attrs(item: &mut Item) -> Option<&mut Vec<Attribute>> {
    match item {
        Item::Use(i) => Some(&mut i.attrs),
        Item::Static(i) => Some(&mut i.attrs),
        Item::Const(i) => Some(&mut i.attrs),
        Item::Macro(i) => Some(&mut i.attrs),
        _ => None,
    }
}

/// `mod x;` or `mod x { .. }`: the content read as a shell, or kept as
/// tokens for a migration module.
fn module(input: ParseStream<'_>, attrs: Vec<Attribute>) -> syn::Result<ItemMod> {
    let vis: Visibility = input.parse()?;
    let unsafety: Option<Token![unsafe]> = input.parse()?;
    let mod_token: Token![mod] = input.parse()?;
    let ident: syn::Ident = input.parse()?;
    let mut attrs = attrs;
    let (content, semi) = if input.peek(Token![;]) {
        (None, Some(input.parse::<Token![;]>()?))
    } else {
        let content;
        let brace = syn::braced!(content in input);
        let items = if is_migration(&attrs) {
            vec![Item::Verbatim(content.parse()?)]
        } else {
            let shell: Shell = content.parse()?;
            attrs.extend(shell.attrs);
            shell.items
        };
        (Some((brace, items)), None)
    };
    Ok(ItemMod {
        attrs,
        vis,
        unsafety,
        mod_token,
        ident,
        content,
        semi,
    })
}

/// Passes over an item the resolver does not read: up to a `;`, or to a
/// `{ .. }` block (a function's body, a struct's fields, an impl's items).
fn skip(input: ParseStream<'_>) -> syn::Result<()> {
    input.step(|cursor| {
        let mut rest = *cursor;
        while let Some((tt, next)) = rest.token_tree() {
            rest = next;
            match &tt {
                TokenTree::Punct(p) if p.as_char() == ';' => return Ok(((), rest)),
                TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => {
                    return Ok(((), rest));
                }
                _ => {}
            }
        }
        Ok(((), rest))
    })
}

/// The content of a migration module the shell kept as tokens, parsed.
pub fn migration_items(item: &ItemMod) -> Option<Vec<Item>> {
    let (_, items) = item.content.as_ref()?;
    match items.as_slice() {
        [Item::Verbatim(tokens)] => syn::parse2::<syn::File>(tokens.clone())
            .ok()
            .map(|f| f.items),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_finding_modules_needs_is_parsed() {
        let text = r#"
            #![allow(dead_code)]
            use a::b as c;
            fn f() -> u8 { let x = { 1 }; x }
            pub(crate) struct S { a: u8 }
            struct T(u8);
            impl S { fn g(&self) {} }
            const K: u8 = { 1 } + 1;
            static M: godwit::MigrationSet = godwit::migrations![a::m];
            macro_rules! m { () => {} }
            #[path = "x.rs"] mod x;
            pub mod inner { mod deeper; fn h() {} }
            #[godwit::migration(revision = "1", message = "create the users table")]
            pub mod create_users { pub fn upgrade(op: &mut Ops) { op.execute("SELECT 1"); } }
        "#;
        let shell: Shell = syn::parse_str(text).unwrap();
        let kinds: Vec<&str> = shell
            .items
            .iter()
            .map(|i| match i {
                Item::Use(_) => "use",
                Item::Static(_) => "static",
                Item::Const(_) => "const",
                Item::Macro(_) => "macro",
                Item::Mod(m) if m.content.is_none() => "mod;",
                Item::Mod(_) => "mod{}",
                Item::Verbatim(_) => "-",
                _ => "?",
            })
            .collect();
        // A `const` is parsed whole (it may hold `migrations!`), so its
        // `{ 1 } + 1` leaves nothing behind.
        assert_eq!(
            kinds,
            ["use", "-", "-", "-", "-", "const", "static", "macro", "mod;", "mod{}", "mod{}"]
        );
        let Item::Mod(inner) = &shell.items[9] else {
            panic!()
        };
        let (_, inner_items) = inner.content.as_ref().unwrap();
        assert!(matches!(&inner_items[0], Item::Mod(m) if m.ident == "deeper"));
        let Item::Mod(migration) = &shell.items[10] else {
            panic!()
        };
        let items = migration_items(migration).expect("the module's content parses");
        assert!(matches!(&items[0], Item::Fn(f) if f.sig.ident == "upgrade"));
    }
}
