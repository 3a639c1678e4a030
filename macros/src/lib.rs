//! The macros of godwit: `#[migration]` and `migrations![..]`.
//!
//! Use them through the `godwit` crate, which re-exports them. The crate is a
//! small compiler: `parse/` reads a migration module into the operation model,
//! `check.rs` checks a whole set with `godwit-core` (the rules live there,
//! shared with the runtime) and places each error in its file, `expand/`
//! writes the descriptor, the export macro and the set.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod check;
mod errors;
mod expand;
mod memo;
mod parse;
mod resolve;

#[cfg(test)]
mod fuzz;

use proc_macro::TokenStream;

/// `text` as tokens. Inside the compiler and when `valid` (text rustc lexes
/// anyway, or text this crate wrote), lexed by the compiler alone: the
/// `proc_macro2` parse checks text with its own lexer first, which in a
/// debug build cost more than the rest of reading a file.
pub(crate) fn lex(text: &str, valid: bool) -> Option<proc_macro2::TokenStream> {
    if valid && proc_macro::is_available() {
        text.parse::<TokenStream>().ok().map(Into::into)
    } else {
        text.parse().ok()
    }
}

/// Declares a migration module and checks it at compile time.
///
/// ```ignore
/// #[godwit::migration(
///     revision = "20250120_103000",
///     down_revision = "20250119_090000",
///     message = "add users.bio column",
/// )]
/// pub mod add_bio {
///     use godwit::dsl::*;
///     pub fn upgrade(op: &mut Ops) { op.add_column("users", column("bio", Text)); }
///     pub fn downgrade(op: &mut Ops) { op.drop_column("users", "bio"); }
/// }
/// ```
///
/// Arguments: `revision` (required), `down_revision` (absent only for the
/// first migration), `message` (required, specific), `irreversible = "why"`
/// (then no `downgrade`), `allow = ["rule-id", ..]` (performance hints only),
/// `transaction = false` (run op by op, outside a transaction), `imported =
/// "diesel"` (or `"sqlx"`, `"refinery"`, `"database"`: history that already
/// ran, which the compatibility and performance rules pass over).
///
/// Emits `MIGRATION`, the checked descriptor, inside the module.
#[proc_macro_attribute]
pub fn migration(args: TokenStream, input: TokenStream) -> TokenStream {
    // The file it is written in, where the set will look for it.
    let file = proc_macro::Span::call_site().local_file();
    expand::migration::expand(args.into(), input.into(), file.as_deref()).into()
}

/// The ordered, checked set of migrations: `migrations![path::to::module, ..]`.
///
/// Orders the migrations by their revision chain, whatever order they are
/// listed in, and checks the whole history at compile time, for each
/// backend it will run on: those whose godwit features are enabled (`mysql`
/// meaning MySQL and MariaDB), or those a setting before the paths lists,
/// each optionally from a minimum version:
///
/// ```ignore
/// pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
///     backends = [postgres >= 13, sqlite];
///     migrations::m0001_create_users::create_users,
/// ];
/// ```
///
/// The item form declares the static itself and, if asked, a module holding
/// Diesel's schema at head (`table!`, `joinable!`,
/// `allow_tables_to_appear_in_same_query!`, as `diesel print-schema` prints
/// them for the set's first backend), deprecated columns and tables left
/// out (docs/SCHEMA.md):
///
/// ```ignore
/// godwit::migrations! {
///     pub static MIGRATIONS;
///     pub mod schema;
///     backends = [postgres, sqlite];
///     migrations::m0001_create_users::create_users,
/// }
/// ```
#[proc_macro]
pub fn migrations(input: TokenStream) -> TokenStream {
    // The file of the call, where the listed paths start; the package, to
    // look for that file in when the compiler does not say.
    let file = proc_macro::Span::call_site().local_file();
    let package = std::env::var_os("CARGO_MANIFEST_DIR").map(std::path::PathBuf::from);
    expand::set::expand_migrations(input.into(), file.as_deref(), package.as_deref()).into()
}

/// The end of the `migrations!` callback chain when it goes through each
/// migration's macro: the last migration's `__godwit_export!` calls this one
/// as if it were the next migration's. Not for direct use.
#[doc(hidden)]
#[proc_macro]
pub fn __godwit_export(input: TokenStream) -> TokenStream {
    expand::set::chain_end(input.into()).into()
}

/// The set's checker: what the chain's end expands to, and what
/// `migrations!` of no migrations calls itself. Not for direct use.
#[doc(hidden)]
#[proc_macro]
pub fn __check_set(input: TokenStream) -> TokenStream {
    expand::set::expand_check_set(input.into()).into()
}
