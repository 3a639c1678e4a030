//! What `#[migration]` expands to: the module as written, plus the
//! `MIGRATION` descriptor and the `__godwit_export!` macro through which
//! `migrations![..]` sees this migration's source from another file.

use godwit_core::Migration;
use proc_macro2::TokenStream;
use quote::quote;
use syn::{Item, ItemMod};

use crate::errors::Errors;
use crate::parse::{parse_migration, ParsedMigration};

/// Expands `#[migration(args)] mod .. { .. }`.
pub fn expand(args: TokenStream, input: TokenStream) -> TokenStream {
    let mut module: ItemMod = match syn::parse2(input.clone()) {
        Ok(module) => module,
        Err(e) => {
            // At the token that is not a module, or over the whole item when
            // it ends too early.
            let message =
                format!("{e}: #[migration] goes on an inline module: `pub mod name {{ .. }}`");
            let error = if e.to_string().contains("end of input") {
                syn::Error::new_spanned(&input, message)
            } else {
                syn::Error::new(e.span(), message)
            };
            let error = error.to_compile_error();
            return quote!(#input #error);
        }
    };
    let mut errors = Errors::default();
    let parsed = parse_migration(args.clone(), &module, &mut errors);

    let model = parsed.to_model();
    let export_data = if errors.is_empty() {
        export_data(&args, &parsed, &model)
    } else {
        quote!(@broken)
    };
    let descriptor = if errors.is_empty() {
        crate::expand::tokens::migration(&model)
    } else {
        // Keep `MIGRATION` defined so that a broken migration gives its own
        // errors and not a cascade of "cannot find MIGRATION" in the set.
        placeholder()
    };
    let compile_errors = errors.to_compile_errors();
    let doc = format!(
        "The checked descriptor of migration `{}`.",
        parsed
            .attr
            .revision
            .as_ref()
            .map(|r| r.value.as_str())
            .unwrap_or("?")
    );
    // Appended as tokens: parsing the descriptor back into syn's tree only
    // to print it again would cost more than the rest of the macro.
    let generated = quote! {
        #[doc = #doc]
        pub static MIGRATION: ::godwit::__private::Migration = #descriptor;
        #[doc(hidden)]
        #[allow(unused_macros)]
        macro_rules! __godwit_export {
            ([ [$($next:tt)*] $($rest:tt)* ] [$($paths:tt)*] [$($data:tt)*]) => {
                $($next)*::__godwit_export! { [ $($rest)* ] [$($paths)*] [$($data)* { #export_data }] }
            };
            ([] [$($paths:tt)*] [$($data:tt)*]) => {
                ::godwit::__private::__check_set! { [$($paths)*] [$($data)* { #export_data }] }
            };
        }
        #[doc(hidden)]
        #[allow(unused_imports)]
        pub(crate) use __godwit_export;
    };
    let Some((brace, mut items)) = module.content.take() else {
        return quote!(#module #compile_errors);
    };
    for item in &mut items {
        if let Item::Fn(f) = item {
            if f.sig.ident == "upgrade" || f.sig.ident == "downgrade" {
                // Read by the macro; called only when a test runs them as Rust.
                f.attrs.push(syn::parse_quote!(#[allow(dead_code)]));
            }
        }
    }
    let ItemMod {
        attrs,
        vis,
        unsafety,
        mod_token,
        ident,
        ..
    } = &module;
    let mut body =
        proc_macro2::Group::new(proc_macro2::Delimiter::Brace, quote!(#(#items)* #generated));
    body.set_span(brace.span.join());
    quote!(#(#attrs)* #vis #unsafety #mod_token #ident #body #compile_errors)
}

/// The tokens `migrations![..]` hands to the set checker: the attribute
/// arguments, the model (`godwit_core::codec`), and the two bodies with the
/// spans of this file, where the checker places its errors.
fn export_data(args: &TokenStream, parsed: &ParsedMigration, model: &Migration) -> TokenStream {
    let ident = &parsed.ident;
    let bodies = parsed
        .upgrade
        .iter()
        .chain(parsed.downgrade.iter())
        .map(|b| &b.item);
    let encoded = godwit_core::codec::encode(model);
    quote!((#args) #encoded mod #ident { #(#bodies)* })
}

fn placeholder() -> TokenStream {
    quote!(::godwit::__private::Migration {
        revision: ::godwit::__private::Cow::Borrowed(""),
        down_revision: ::godwit::__private::None,
        message: ::godwit::__private::Cow::Borrowed(""),
        irreversible: ::godwit::__private::None,
        allow: ::godwit::__private::Cow::Borrowed(&[]),
        upgrade: ::godwit::__private::Cow::Borrowed(&[]),
        downgrade: ::godwit::__private::Cow::Borrowed(&[]),
        checksum: ::godwit::__private::Cow::Borrowed(""),
    })
}
