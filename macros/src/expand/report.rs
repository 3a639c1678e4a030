//! Placing a set's errors in a migration's file without the chain:
//! `migrations!` checks the models it read from the files and, for each
//! migration with problems, calls
//! `path::__godwit_export! { [@report] [[::godwit::__private] []] { .. } }`,
//! a chain of one step. That macro, written by the migration's own
//! `#[migration]`, hands the diagnostics with the module's tokens (spans
//! intact, in its file) to the chain's end, which sees `[@report]` and
//! places each one as it would at the end of a chain. Two expansions deep
//! per migration, whatever the length of the set.

use godwit_core::{Diagnostic, Location, Phase, Rule};
use proc_macro2::{Delimiter, Literal, TokenStream, TokenTree};
use quote::quote;

use crate::check::{self, Source};
use crate::errors::Errors;

/// The tokens of `diagnostics`, one `[..]` group each:
/// `["rule" "message" "help" "focus"|_ where..]`, `where` being `migration`,
/// `revision`, `down_revision`, `message`, `body upgrade` or
/// `op upgrade 0 2` (the op's index path).
pub fn encode(diagnostics: &[&Diagnostic]) -> TokenStream {
    let groups = diagnostics.iter().map(|d| {
        let rule = d.rule.id();
        let (message, help) = (&d.message, &d.help);
        let focus = match &d.focus {
            Some(f) => quote!(#f),
            None => quote!(_),
        };
        let phase = |p: &Phase| match p {
            Phase::Upgrade => quote!(upgrade),
            Phase::Downgrade => quote!(downgrade),
        };
        let at = match &d.at {
            Location::Migration(_) => quote!(migration),
            Location::Revision(_) => quote!(revision),
            Location::DownRevision(_) => quote!(down_revision),
            Location::Message(_) => quote!(message),
            Location::Body { phase: p, .. } => {
                let p = phase(p);
                quote!(body #p)
            }
            Location::Op { phase: p, path, .. } => {
                let p = phase(p);
                let path = path.iter().map(|&i| Literal::usize_unsuffixed(i));
                quote!(op #p #(#path)*)
            }
        };
        quote!([#rule #message #help #focus #at])
    });
    quote!({ #(#groups)* })
}

/// The input of `expand` when `input` is what the last step of the chain
/// makes of a report, `{ {diagnostics} [@report] {data} }`.
pub fn routed(input: &TokenStream) -> Option<TokenStream> {
    let mut outer = input.clone().into_iter();
    let Some(TokenTree::Group(level)) = outer.next() else {
        return None;
    };
    if outer.next().is_some() || level.delimiter() != Delimiter::Brace {
        return None;
    }
    let parts: Vec<TokenTree> = level.stream().into_iter().collect();
    let [TokenTree::Group(diagnostics), TokenTree::Group(me), TokenTree::Group(data)] = &parts[..]
    else {
        return None;
    };
    let is_report = me.delimiter() == Delimiter::Bracket
        && me.stream().to_string().replace(' ', "") == "@report";
    if !is_report || diagnostics.delimiter() != Delimiter::Brace {
        return None;
    }
    let mut tokens = TokenStream::from(TokenTree::Group(diagnostics.clone()));
    tokens.extend(data.stream());
    Some(tokens)
}

/// Expands `{diagnostics} (args) "model" mod name { .. }` (or
/// `{diagnostics} @broken`).
pub fn expand(input: TokenStream) -> TokenStream {
    let mut iter = input.into_iter();
    let diagnostics = match iter.next() {
        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => decode(g.stream()),
        _ => None,
    };
    let Some(diagnostics) = diagnostics else {
        return quote!(::core::compile_error!(
            "__check_set! is called by migrations![..], not by hand"
        ));
    };
    let args = match iter.next() {
        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis => g.stream(),
        // `@broken`: its own macro has reported.
        _ => return TokenStream::new(),
    };
    // The model literal: the module follows it.
    let _model = iter.next();
    let module: TokenStream = iter.collect();
    let mut sources = [Source::Unparsed(args, module)];
    let mut errors = Errors::default();
    check::report(&diagnostics, &mut sources, &mut errors);
    errors.to_compile_errors()
}

/// The diagnostics `encode` wrote (all of them at migration 0).
fn decode(tokens: TokenStream) -> Option<Vec<Diagnostic>> {
    tokens
        .into_iter()
        .map(|tree| match tree {
            TokenTree::Group(g) if g.delimiter() == Delimiter::Bracket => {
                decode_one(g.stream().into_iter().collect())
            }
            _ => None,
        })
        .collect()
}

fn decode_one(tokens: Vec<TokenTree>) -> Option<Diagnostic> {
    let string = |t: Option<&TokenTree>| -> Option<String> {
        let lit = syn::parse2::<syn::LitStr>(t?.clone().into()).ok()?;
        Some(lit.value())
    };
    let word = |t: Option<&TokenTree>| -> Option<String> {
        match t? {
            TokenTree::Ident(i) => Some(i.to_string()),
            _ => None,
        }
    };
    let rule = Rule::from_id(&string(tokens.first())?)?;
    let message = string(tokens.get(1))?;
    let help = string(tokens.get(2))?;
    let focus = match tokens.get(3)? {
        TokenTree::Literal(_) => Some(string(tokens.get(3))?),
        _ => None,
    };
    let phase = |t: Option<&TokenTree>| match word(t)?.as_str() {
        "upgrade" => Some(Phase::Upgrade),
        "downgrade" => Some(Phase::Downgrade),
        _ => None,
    };
    let at = match word(tokens.get(4))?.as_str() {
        "migration" => Location::Migration(0),
        "revision" => Location::Revision(0),
        "down_revision" => Location::DownRevision(0),
        "message" => Location::Message(0),
        "body" => Location::Body {
            migration: 0,
            phase: phase(tokens.get(5))?,
        },
        "op" => Location::Op {
            migration: 0,
            phase: phase(tokens.get(5))?,
            path: tokens[6..]
                .iter()
                .map(|t| match t {
                    TokenTree::Literal(l) => l.to_string().parse().ok(),
                    _ => None,
                })
                .collect::<Option<Vec<usize>>>()?,
        },
        _ => return None,
    };
    Some(Diagnostic {
        rule,
        message,
        help,
        at,
        focus,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_location_goes_through_the_tokens_and_back() {
        let rule = Rule::from_id("downgrade-mismatch").unwrap();
        let at = [
            Location::Migration(3),
            Location::Revision(3),
            Location::DownRevision(3),
            Location::Message(3),
            Location::Body {
                migration: 3,
                phase: Phase::Downgrade,
            },
            Location::Op {
                migration: 3,
                phase: Phase::Upgrade,
                path: vec![2, 0, 11],
            },
        ];
        let diagnostics: Vec<Diagnostic> = at
            .iter()
            .enumerate()
            .map(|(i, at)| Diagnostic {
                rule,
                message: format!("line \"{i}\"\nsecond line"),
                help: if i % 2 == 0 {
                    String::new()
                } else {
                    "do".into()
                },
                at: at.clone(),
                focus: (i == 5).then(|| "SELECT 'x'".to_string()),
            })
            .collect();
        let refs: Vec<&Diagnostic> = diagnostics.iter().collect();
        let TokenTree::Group(g) = encode(&refs).into_iter().next().unwrap() else {
            panic!("encode writes one group");
        };
        let back = decode(g.stream()).expect("decodes");
        assert_eq!(back.len(), diagnostics.len());
        for (b, d) in back.iter().zip(&diagnostics) {
            assert_eq!(b.rule, d.rule);
            assert_eq!(b.message, d.message);
            assert_eq!(b.help, d.help);
            assert_eq!(b.focus, d.focus);
            let mut expected = d.at.clone();
            match &mut expected {
                Location::Migration(i)
                | Location::Revision(i)
                | Location::DownRevision(i)
                | Location::Message(i)
                | Location::Op { migration: i, .. }
                | Location::Body { migration: i, .. } => *i = 0,
            }
            assert_eq!(b.at, expected);
        }
    }
}
