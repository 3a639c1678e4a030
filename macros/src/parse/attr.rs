//! The arguments of `#[migration(revision = .., down_revision = .., message = ..,
//! irreversible = ..?, allow = [..]?, imported = ..?, transaction = false?)]`.

use godwit_core::{Rule, RuleKind};
use proc_macro2::TokenStream;
use syn::parse::discouraged::Speculative;
use syn::parse::Parser;
use syn::{Expr, ExprLit, Lit, LitStr, MetaNameValue, Token};

use crate::errors::{rule_error, Errors};

/// A string argument and where it was written.
#[derive(Clone)]
pub struct Spanned {
    pub value: String,
    pub lit: LitStr,
}

/// The parsed attribute.
pub struct MigrationAttr {
    pub revision: Option<Spanned>,
    pub down_revision: Option<Spanned>,
    pub message: Option<Spanned>,
    pub irreversible: Option<Spanned>,
    pub allow: Vec<(Rule, LitStr)>,
    /// `imported = "diesel"`: history imported from another tool.
    pub imported: Option<Spanned>,
    /// `transaction = false`, where it was written.
    pub transaction: Option<(bool, syn::LitBool)>,
    /// Keys written, even with a value that could not be read.
    pub given: Vec<String>,
}

const KEYS: &str = "revision, down_revision, message, irreversible, allow, imported, transaction";

/// What `imported = ".."` names: the tools `import` reads, or `database`
/// for the schema `new --from-database` found.
pub const IMPORTED_FROM: [&str; 4] = ["diesel", "sqlx", "refinery", "database"];

/// `key = value, ..`. An argument cut short (`revision`, `message =`) is
/// reported at that argument: syn would report the end of the input, which
/// has no place in the source.
fn name_value_pairs(input: syn::parse::ParseStream<'_>) -> syn::Result<Vec<MetaNameValue>> {
    let mut pairs = Vec::new();
    while !input.is_empty() {
        let fork = input.fork();
        match fork.parse::<MetaNameValue>() {
            Ok(pair) => {
                input.advance_to(&fork);
                pairs.push(pair);
            }
            Err(e) if fork.is_empty() => {
                let rest: TokenStream = input.parse()?;
                return Err(syn::Error::new_spanned(rest, e.to_string()));
            }
            Err(e) => return Err(e),
        }
        if input.is_empty() {
            break;
        }
        input.parse::<Token![,]>()?;
    }
    Ok(pairs)
}

/// `key = "literal"` and `key = true|false` pairs read straight off the
/// tokens, or `None` for anything else (a list, a path, an expression, a
/// malformed pair), which syn then parses and reports: every migration has
/// such an attribute, and syn's speculative parse of each value as an
/// expression was most of the attribute's cost in a long history.
fn simple_pairs(args: &TokenStream) -> Option<Vec<MetaNameValue>> {
    use proc_macro2::TokenTree;
    let mut pairs = Vec::new();
    let mut tokens = args.clone().into_iter();
    loop {
        let key = match tokens.next() {
            None => return Some(pairs),
            Some(TokenTree::Ident(key)) => key,
            Some(_) => return None,
        };
        let eq = match tokens.next()? {
            TokenTree::Punct(p)
                if p.as_char() == '=' && p.spacing() == proc_macro2::Spacing::Alone =>
            {
                p
            }
            _ => return None,
        };
        let lit = match tokens.next()? {
            TokenTree::Literal(l) => match Lit::new(l) {
                lit @ Lit::Str(_) => lit,
                _ => return None,
            },
            TokenTree::Ident(b) if b == "true" || b == "false" => {
                Lit::Bool(syn::LitBool::new(b == "true", b.span()))
            }
            _ => return None,
        };
        pairs.push(MetaNameValue {
            path: key.into(),
            eq_token: Token![=](eq.span()),
            value: Expr::Lit(ExprLit {
                attrs: Vec::new(),
                lit,
            }),
        });
        match tokens.next() {
            None => return Some(pairs),
            Some(TokenTree::Punct(p)) if p.as_char() == ',' => {}
            Some(_) => return None,
        }
    }
}

/// A string literal's value: its text between the quotes when nothing in it
/// is escaped, else as syn reads it.
fn string_value(lit: &LitStr) -> String {
    let text = lit.token().to_string();
    match text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        Some(inner) if !inner.contains(['\\', '"', '\r']) => inner.to_string(),
        _ => lit.value(),
    }
}

/// Parses the attribute arguments; every problem goes to `errors`.
pub fn parse(args: TokenStream, errors: &mut Errors) -> MigrationAttr {
    let mut attr = MigrationAttr {
        revision: None,
        down_revision: None,
        message: None,
        irreversible: None,
        allow: Vec::new(),
        imported: None,
        transaction: None,
        given: Vec::new(),
    };
    let parsed = match simple_pairs(&args) {
        Some(pairs) => Ok(pairs),
        None => name_value_pairs.parse2(args),
    };
    let pairs = match parsed {
        Ok(pairs) => pairs,
        Err(e) => {
            errors.push(syn::Error::new(
                e.span(),
                format!("{e}: expected `#[migration(revision = \"..\", down_revision = \"..\", message = \"..\")]`"),
            ));
            return attr;
        }
    };
    for pair in pairs {
        let Some(key) = pair.path.get_ident().map(ToString::to_string) else {
            errors.push(syn::Error::new_spanned(
                &pair.path,
                format!("unknown argument; expected one of {KEYS}"),
            ));
            continue;
        };
        attr.given.push(key.clone());
        let slot = match key.as_str() {
            "revision" => &mut attr.revision,
            "down_revision" => &mut attr.down_revision,
            "message" => &mut attr.message,
            "irreversible" => &mut attr.irreversible,
            "imported" => &mut attr.imported,
            "transaction" => {
                if attr.transaction.is_some() {
                    errors.push(syn::Error::new_spanned(
                        &pair.path,
                        "`transaction` is given twice",
                    ));
                } else if let Some(b) = bool_literal(&pair.value) {
                    attr.transaction = Some((b.value, b));
                } else {
                    errors.push(rule_error(
                        &pair.value,
                        Rule::NonLiteralArgument,
                        "`transaction` must be `true` or `false`",
                        "write `transaction = false` for a migration that must run outside a transaction",
                    ));
                }
                continue;
            }
            "allow" => {
                parse_allow(&pair.value, &mut attr.allow, errors);
                continue;
            }
            _ => {
                errors.push(syn::Error::new_spanned(
                    &pair.path,
                    format!("unknown argument `{key}`; expected one of {KEYS}"),
                ));
                continue;
            }
        };
        if slot.is_some() {
            errors.push(syn::Error::new_spanned(
                &pair.path,
                format!("`{key}` is given twice"),
            ));
            continue;
        }
        match string_literal(&pair.value) {
            Some(lit) => {
                *slot = Some(Spanned {
                    value: string_value(&lit),
                    lit,
                })
            }
            None => errors.push(rule_error(
                &pair.value,
                Rule::NonLiteralArgument,
                format!("`{key}` must be a string literal"),
                "the checker reads the attribute as written: use a literal such as \"20250120_103000\"",
            )),
        }
    }
    attr
}

fn string_literal(expr: &Expr) -> Option<LitStr> {
    match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) => Some(s.clone()),
        Expr::Group(g) => string_literal(&g.expr),
        _ => None,
    }
}

fn bool_literal(expr: &Expr) -> Option<syn::LitBool> {
    match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Bool(b), ..
        }) => Some(b.clone()),
        Expr::Group(g) => bool_literal(&g.expr),
        _ => None,
    }
}

fn parse_allow(value: &Expr, allow: &mut Vec<(Rule, LitStr)>, errors: &mut Errors) {
    let Expr::Array(array) = value else {
        errors.push(syn::Error::new_spanned(
            value,
            "`allow` takes a list of rule ids: allow = [\"int-primary-key\"]",
        ));
        return;
    };
    for item in &array.elems {
        let Some(lit) = string_literal(item) else {
            errors.push(rule_error(
                item,
                Rule::NonLiteralArgument,
                "a rule id in `allow` must be a string literal",
                "write it as \"foreign-key-without-index\"",
            ));
            continue;
        };
        let performance: Vec<&str> = Rule::ALL
            .iter()
            .filter(|r| r.kind() == RuleKind::Performance)
            .map(|r| r.id())
            .collect();
        match Rule::from_id(&lit.value()) {
            Some(rule) if rule.kind() == RuleKind::Performance => allow.push((rule, lit)),
            Some(rule) => errors.push(syn::Error::new_spanned(
                &lit,
                format!(
                    "`{}` cannot be turned off with `allow`: {}",
                    rule.id(),
                    if rule.kind() == RuleKind::Structure {
                        "structural rules cannot be silenced".to_string()
                    } else {
                        "wrap the ops in `op.safety_assured(\"reason\", |op| { .. })` instead"
                            .to_string()
                    }
                ),
            )),
            None => errors.push(syn::Error::new_spanned(
                &lit,
                format!(
                    "unknown rule id `{}`; `allow` takes one of: {}",
                    lit.value(),
                    performance.join(", ")
                ),
            )),
        }
    }
}

/// Checks the required arguments and their values.
pub fn validate(attr: &MigrationAttr, module_ident: &syn::Ident, errors: &mut Errors) {
    match &attr.revision {
        None if attr.given.iter().any(|k| k == "revision") => {}
        None => errors.push(syn::Error::new_spanned(
            module_ident,
            "a migration needs `revision = \"..\"` in #[migration(..)]: a unique id, e.g. \"20250120_103000\"",
        )),
        Some(r) if r.value.trim().is_empty() => {
            errors.push(syn::Error::new_spanned(&r.lit, "the revision is empty"))
        }
        Some(_) => {}
    }
    if let Some(d) = &attr.down_revision {
        if d.value.trim().is_empty() {
            errors.push(syn::Error::new_spanned(
                &d.lit,
                "down_revision is empty; leave it out for the first migration",
            ));
        }
    }
    match &attr.message {
        None if attr.given.iter().any(|k| k == "message") => {}
        None => errors.rule(
            module_ident,
            Rule::VagueMessage,
            "the migration has no message",
            "add `message = \"..\"` saying what it changes, e.g. \"add users.bio column\"",
        ),
        Some(m) => {
            if let Some(why) = godwit_core::validate::vague_message(&m.value) {
                errors.rule(
                    &m.lit,
                    Rule::VagueMessage,
                    why,
                    "say what the migration changes, e.g. \"add users.bio column\": history is read under pressure during an incident",
                );
            }
        }
    }
    if let Some(i) = &attr.imported {
        if !IMPORTED_FROM.contains(&i.value.as_str()) {
            errors.push(syn::Error::new_spanned(
                &i.lit,
                format!(
                    "`imported` names where the migration came from: one of {}",
                    IMPORTED_FROM.map(|t| format!("\"{t}\"")).join(", ")
                ),
            ));
        }
    }
    if let Some(i) = &attr.irreversible {
        if i.value.trim().is_empty() {
            errors.push(syn::Error::new_spanned(
                &i.lit,
                "`irreversible` needs a reason: it is shown when a downgrade is refused",
            ));
        }
    }
}
