//! Errors accumulated across a whole migration (or set), so that one build
//! reports every problem, as serde_derive's `Ctxt` does.

use proc_macro2::TokenStream;
use quote::ToTokens;

/// Every error found so far.
#[derive(Default)]
pub struct Errors {
    errors: Vec<syn::Error>,
}

impl Errors {
    /// Records an error.
    pub fn push(&mut self, error: syn::Error) {
        self.errors.push(error);
    }

    /// Records an error of `rule` spanning `at`, with a help line.
    pub fn rule(
        &mut self,
        at: impl ToTokens,
        rule: godwit_core::Rule,
        message: impl AsRef<str>,
        help: impl AsRef<str>,
    ) {
        self.push(rule_error(at, rule, message, help));
    }

    /// Whether no error was recorded.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// The `compile_error!` invocations of every error.
    pub fn to_compile_errors(&self) -> TokenStream {
        self.errors
            .iter()
            .map(syn::Error::to_compile_error)
            .collect()
    }
}

/// An error of `rule` at `at`: `[rule-id] message`, then `= help: ..`.
///
/// rustc prints a multi-line `compile_error!` message as is, so the help line
/// reads like rustc's own.
pub fn rule_error(
    at: impl ToTokens,
    rule: godwit_core::Rule,
    message: impl AsRef<str>,
    help: impl AsRef<str>,
) -> syn::Error {
    syn::Error::new_spanned(at, format_message(rule, message.as_ref(), help.as_ref()))
}

/// The text of a rule error.
pub fn format_message(rule: godwit_core::Rule, message: &str, help: &str) -> String {
    if help.is_empty() {
        format!("[{}] {message}", rule.id())
    } else {
        format!("[{}] {message}\n= help: {help}", rule.id())
    }
}
