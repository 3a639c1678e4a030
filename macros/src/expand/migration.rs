//! What `#[migration]` expands to: the module as written, plus the
//! `MIGRATION` descriptor and the `__godwit_export!` macro through which
//! `migrations![..]` sees this migration's source from another file.

use godwit_core::Migration;
use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};
use quote::quote;
use syn::ItemMod;

use crate::errors::Errors;
use crate::parse::parse_migration;

/// Expands `#[migration(args)] mod .. { .. }`, written in `file` (when the
/// compiler says).
pub fn expand(
    args: TokenStream,
    input: TokenStream,
    file: Option<&std::path::Path>,
) -> TokenStream {
    let module: ItemMod = match syn::parse2(input.clone()) {
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
    let parsed = parse_migration(args.clone(), &module, false, &mut errors);
    // The module as written: its tokens go out again untouched (printing
    // syn's tree of them back would cost more than the rest of the macro).
    let mut tokens: Vec<TokenTree> = input.into_iter().collect();
    let body = match tokens.pop() {
        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => g,
        // `mod name;`: parse_migration has said what is wrong with it.
        last => {
            tokens.extend(last);
            let compile_errors = errors.to_compile_errors();
            return quote!(#(#tokens)* #compile_errors);
        }
    };

    let model = errors.is_empty().then(|| parsed.to_model());
    if let (Some(model), Some(file)) = (&model, file) {
        crate::memo::record(file, &parsed.ident.to_string(), model);
    }
    // The model as one string (see `godwit_core::EmbeddedMigration`). A
    // broken migration still defines `MIGRATION`, so that it gives its own
    // errors and not a cascade of "cannot find MIGRATION" in the set.
    let embedded = model.unwrap_or_else(placeholder);
    let encoded = godwit_core::codec::encode(&embedded);
    let export_data = if errors.is_empty() {
        let ident = &parsed.ident;
        quote!((#args) #encoded mod #ident #body)
    } else {
        quote!(@broken)
    };
    let compile_errors = errors.to_compile_errors();
    // Read by the macro; called only when a test runs them as Rust. A use
    // in `MIGRATION`'s initialiser keeps the dead-code lint quiet at any
    // lint level without touching the module's tokens or adding an item.
    let uses: String = [
        ("upgrade", &parsed.upgrade),
        ("downgrade", &parsed.downgrade),
    ]
    .into_iter()
    .filter(|(_, body)| body.is_some())
    .map(|(name, _)| format!("let _ = {name}; "))
    .collect();
    // What holds no token of the module is written as text and read in
    // one go: token by token through `quote!`, it cost a debug build of
    // this crate more than parsing the module.
    let descriptor = format!(
        "#[doc = {doc:?}]\n\
         pub const MIGRATION: ::godwit::__private::EmbeddedMigration = {{ {uses}\n\
         ::godwit::__private::EmbeddedMigration::new({revision:?}, {checksum:?}, {encoded:?}, {hash}) }};",
        doc = format!(
            "The checked descriptor of migration `{}`.",
            parsed
                .attr
                .revision
                .as_ref()
                .map(|r| r.value.as_str())
                .unwrap_or("?")
        ),
        revision = &*embedded.revision,
        checksum = &*embedded.checksum,
        hash = crate::memo::fnv1a(encoded.as_bytes()),
    );
    let generated = export_macro(&descriptor, export_data);
    let Some(generated) = generated else {
        return quote! {
            #(#tokens)* #body #compile_errors
            ::core::compile_error!(
                "godwit: #[migration] wrote code it cannot read back; please report this"
            );
        };
    };
    let mut inside = body.stream();
    inside.extend(generated);
    let mut new_body = Group::new(Delimiter::Brace, inside);
    new_body.set_span(body.span());
    quote!(#(#tokens)* #new_body #compile_errors)
}

/// `before` (text: the descriptor), then `macro_rules! __godwit_export`
/// carrying `data` (the module's own tokens, spans intact), and its `use`.
/// Called as `$me::__godwit_export! { [$me] [[$next] $rest] $so_far }`, with
/// the paths still to visit and the data so far each nested one level per
/// migration (see `migrations!`), it calls `$next::__godwit_export! { [$next]
/// $rest { $so_far [$me] {data} } }`: the next migration's, or, where the
/// set ends the paths with `[::godwit::__private] []`, godwit's own
/// ([`chain_end`](crate::expand::set::chain_end)), which checks the set.
/// `migrations!` calls it as `[@report] [[::godwit::__private] []]
/// {diagnostics}` to place its errors here.
///
/// One arm, and `data` in it once: a migration's macro is defined on every
/// build of its crate and called only when the set cannot read its file or
/// places an error in it, and rustc's cost for a definition grows with its
/// arms (there were two, one for the chain's end, each with its copy of
/// `data`, and twice the pieces to lex). Lexed in a few pieces around
/// `data`, not built token by token through `quote!`, where every token
/// crossed to the compiler on its own.
fn export_macro(before: &str, data: TokenStream) -> Option<TokenStream> {
    let lex = |text: &str| crate::lex(text, true);
    let braced = |tokens: TokenStream| TokenTree::Group(Group::new(Delimiter::Brace, tokens));
    let then = |mut tokens: TokenStream, tree: TokenTree| {
        tokens.extend([tree]);
        tokens
    };
    let carried = then(lex("$data [$($me)*]")?, braced(data));
    let args = then(lex("[$($next)*] $rest")?, braced(carried));
    let call = then(lex("$($next)*::__godwit_export!")?, braced(args));
    let arm = then(
        lex("([$($me:tt)*] [[$($next:tt)*] $rest:tt] $data:tt) =>")?,
        braced(call),
    );
    let head =
        format!("{before} #[doc(hidden)] #[allow(unused_macros)] macro_rules! __godwit_export");
    let mut tokens = then(lex(&head)?, braced(arm));
    tokens.extend(lex(
        "#[doc(hidden)] #[allow(unused_imports)] pub(crate) use __godwit_export;",
    )?);
    Some(tokens)
}

/// The model hash `MIGRATION` carries for `model`.
pub fn model_hash(model: &Migration) -> u64 {
    crate::memo::fnv1a(godwit_core::codec::encode(model).as_bytes())
}

fn placeholder() -> Migration {
    Migration {
        revision: "".into(),
        down_revision: None,
        message: "".into(),
        irreversible: None,
        allow: Vec::new().into(),
        imported: None,
        transaction: true,
        upgrade: Vec::new().into(),
        downgrade: Vec::new().into(),
        checksum: "".into(),
    }
}
