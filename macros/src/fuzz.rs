//! Hostile input: mutated migration modules fed to the macros' expansion.
//! The property: the macros never panic, and input they reject comes back as
//! `compile_error!` with a span, never as silence.
//!
//! `cargo test -p godwit-macros` runs a short round on every build. A long
//! run: `GODWIT_FUZZ_SECONDS=600 cargo test --release -p godwit-macros fuzz -- --ignored --nocapture`.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::str::FromStr;
use std::time::{Duration, Instant};

use proc_macro2::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};

/// A small deterministic generator (xorshift64*), so a failure replays.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Seeds: every migration module of the repository (ui-tests, the fuzz
/// corpus, the integration tests, the example), split at each
/// `#[godwit::migration` / `#[migration` attribute, plus one written here.
fn seeds() -> Vec<String> {
    let mut seeds = vec![
        r#"#[migration(revision = "1", message = "create the users table")]
        pub mod m { use godwit::dsl::*;
            pub fn upgrade(op: &mut Ops) {
                op.create_table("users", [column("id", BigInt).primary_key(), column("n", Varchar(5)).server_default(-1)]).unique(["n"]).check("c", "n > 0");
                op.alter_column("users", "n").nullable(true).server_default(1.5).drop_default().set_type(Numeric(10, 2));
                op.create_foreign_key("fk", "users", ["n"], "users", ["id"]).on_delete(Action::Cascade).not_valid();
                op.safety_assured("reason here", |op| { op.backfill("users", "n = 1").where_("n IS NULL").batch_size(10); });
            }
            pub fn downgrade(op: &mut Ops) { op.drop_table("users"); }
        }"#
        .to_string(),
    ];
    // The ui-tests, the corpus kept for the fuzzer (`macros/fuzz/corpus`:
    // hostile names and values, every op and modifier), the integration
    // tests' migrations and the example application's.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for dir in [
        "ui-tests/pass",
        "ui-tests/fail",
        "ui-tests/pass/multi_file",
        "ui-tests/fail/multiple-heads",
        "macros/fuzz/corpus",
        "tests/src",
        "examples/app/src/migrations",
    ] {
        if let Ok(entries) = std::fs::read_dir(root.join(dir)) {
            files.extend(
                entries
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|e| e == "rs")),
            );
        }
    }
    files.sort();
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let text = text.replace("#[godwit::migration", "#[migration");
        for chunk in text.split("#[migration").skip(1) {
            seeds.push(format!("#[migration{chunk}"));
        }
    }
    seeds
}

/// Splits `#[migration(args)] item..` into (args, item) as rustc would hand
/// them to the attribute macro.
fn split_attribute(tokens: TokenStream) -> Option<(TokenStream, TokenStream)> {
    let mut iter = tokens.into_iter();
    let (Some(TokenTree::Punct(_)), Some(TokenTree::Group(attr))) = (iter.next(), iter.next())
    else {
        return None;
    };
    let mut inner = attr.stream().into_iter();
    let _name = inner.next();
    let args = match inner.next() {
        Some(TokenTree::Group(g)) => g.stream(),
        _ => TokenStream::new(),
    };
    // Stop at the end of the first item: everything after the module's block.
    let mut item = Vec::new();
    for t in iter {
        let end = matches!(&t, TokenTree::Group(g) if g.delimiter() == Delimiter::Brace);
        item.push(t);
        if end {
            break;
        }
    }
    Some((args, item.into_iter().collect()))
}

/// Names and SQL that break naive quoting or the length and character limits
/// of some backend.
const HOSTILE_STRINGS: &[&str] = &[
    "",
    "users",
    "a\0b",
    "x y",
    " lead",
    "trail ",
    "\"';`",
    "DROP TABLE t; --",
    "we\"ird; `table` 'x'",
    "é",
    "日本語",
    "emoji😀",
    "sqlite_master",
    "godwit_version",
    "select",
    "/*",
    "'",
    "\\",
    "%s",
    "0001",
    "id > 0",
    "x = x + 1",
    "a_name_that_is_sixty_four_bytes_long_which_is_one_over_the_limit",
];

/// A random token, spanned at `span` (a place in the input, so that an error
/// pointing at it is still a spanned error).
fn random_token(rng: &mut Rng, span: Span) -> TokenTree {
    let mut token = match rng.below(10) {
        0 => TokenTree::Ident(Ident::new(
            [
                "op",
                "column",
                "x",
                "upgrade",
                "downgrade",
                "fn",
                "mod",
                "BigInt",
                "Varchar",
                "unique",
                "safety_assured",
                "backfill",
                "execute",
                "irreversible",
                "allow",
                "down_revision",
                "Numeric",
                "now",
                "sql",
                "true",
            ][rng.below(20)],
            span,
        )),
        1 | 2 => TokenTree::Literal(Literal::string(
            HOSTILE_STRINGS[rng.below(HOSTILE_STRINGS.len())],
        )),
        3 => TokenTree::Literal(Literal::u64_unsuffixed(
            [
                0,
                1,
                u64::from(u32::MAX) + 1,
                u64::MAX,
                rng.next() % 5_000_000_000,
            ][rng.below(5)],
        )),
        4 => TokenTree::Literal(Literal::f64_unsuffixed(rng.below(1000) as f64 / 7.0)),
        5 => TokenTree::Literal(Literal::i64_suffixed(
            [i64::MIN, -1, -(rng.below(100) as i64)][rng.below(3)],
        )),
        6 => TokenTree::Punct(Punct::new(
            [',', ';', '.', '|', '&', '-', '#', '=', '!', ':', '$'][rng.below(11)],
            Spacing::Alone,
        )),
        7 => TokenTree::Group(Group::new(Delimiter::Parenthesis, TokenStream::new())),
        8 => TokenTree::Group(Group::new(Delimiter::Bracket, TokenStream::new())),
        _ => TokenTree::Group(Group::new(Delimiter::Brace, TokenStream::new())),
    };
    token.set_span(span);
    token
}

/// One random edit somewhere in the tree: delete, duplicate, replace, insert,
/// swap or empty a group. New tokens take the span of a neighbour (or of
/// the enclosing group, `parent`).
fn mutate(tokens: TokenStream, rng: &mut Rng, parent: Span) -> TokenStream {
    let mut list: Vec<TokenTree> = tokens.into_iter().collect();
    let groups: Vec<usize> = list
        .iter()
        .enumerate()
        .filter(|(_, t)| matches!(t, TokenTree::Group(_)))
        .map(|(i, _)| i)
        .collect();
    // Half the time, descend into a group so deep tokens get edited too.
    if !groups.is_empty() && rng.below(2) == 0 {
        let i = groups[rng.below(groups.len())];
        if let TokenTree::Group(g) = &list[i] {
            let mut inner = Group::new(g.delimiter(), mutate(g.stream(), rng, g.span()));
            inner.set_span(g.span());
            list[i] = TokenTree::Group(inner);
        }
        return list.into_iter().collect();
    }
    let n = list.len();
    let near = |list: &[TokenTree], i: usize| {
        list.get(i.min(list.len().saturating_sub(1)))
            .map_or(parent, TokenTree::span)
    };
    match rng.below(6) {
        0 if n > 0 => {
            list.remove(rng.below(n));
        }
        1 if n > 0 => {
            let i = rng.below(n);
            let t = list[i].clone();
            list.insert(i, t);
        }
        2 if n > 0 => {
            let i = rng.below(n);
            let span = near(&list, i);
            list[i] = random_token(rng, span);
        }
        3 => {
            let i = rng.below(n + 1);
            let span = near(&list, i);
            list.insert(i, random_token(rng, span));
        }
        4 if n > 1 => {
            let (a, b) = (rng.below(n), rng.below(n));
            list.swap(a, b);
        }
        _ if n > 0 => {
            list.truncate(rng.below(n));
        }
        _ => {
            let span = near(&list, n);
            list.push(random_token(rng, span));
        }
    }
    list.into_iter().collect()
}

/// A span of the input, for tokens inserted at its top level.
fn first_span(tokens: &TokenStream) -> Span {
    tokens
        .clone()
        .into_iter()
        .next()
        .map_or_else(Span::call_site, |t| t.span())
}

/// The message of the first `compile_error!` in `tokens` whose span is the
/// call site rather than a place in the input, if any.
fn unspanned_error(tokens: &TokenStream) -> Option<String> {
    let list: Vec<TokenTree> = tokens.clone().into_iter().collect();
    for (i, t) in list.iter().enumerate() {
        match t {
            TokenTree::Ident(id) if id == "compile_error" && id.span().byte_range() == (0..0) => {
                let message = list.get(i + 2).map(|g| g.to_string()).unwrap_or_default();
                return Some(message);
            }
            TokenTree::Group(g) => {
                if let Some(m) = unspanned_error(&g.stream()) {
                    return Some(m);
                }
            }
            _ => {}
        }
    }
    None
}

/// Expands one input through both macros; panics are caught and returned.
fn check_one(args: &TokenStream, item: &TokenStream) -> Result<(), String> {
    let (a, i) = (args.clone(), item.clone());
    let expanded = catch_unwind(AssertUnwindSafe(|| {
        crate::expand::migration::expand(a, i, None)
    }))
    .map_err(|_| format!("#[migration] panicked on:\n#[migration({args})] {item}"))?;
    // A rejected module must say so, at a place in the input; an accepted
    // one feeds the set checker.
    let text = expanded.to_string();
    let rejected = text.contains("compile_error");
    if !rejected && syn::parse2::<syn::ItemMod>(item.clone()).is_err() {
        return Err(format!(
            "#[migration] accepted a non-module without error:\n{item}"
        ));
    }
    // (rustc never hands an attribute an empty item: nothing to point at.)
    if let Some(message) = unspanned_error(&expanded).filter(|_| !item.is_empty()) {
        return Err(format!(
            "#[migration] reported {message} without a span in its input:\n#[migration({args})] {item}"
        ));
    }
    let data = crate::expand::set::chain_data([(quote::quote!(m), quote::quote!((#args) #item))]);
    let checked = catch_unwind(AssertUnwindSafe(|| {
        crate::expand::set::expand_check_set(data)
    }))
    .map_err(|_| format!("__check_set panicked on:\n#[migration({args})] {item}"))?;
    if let Some(message) = unspanned_error(&checked) {
        return Err(format!(
            "__check_set reported {message} without a span in its input:\n#[migration({args})] {item}"
        ));
    }
    let list = TokenStream::from_str("a::b, c").unwrap_or_default();
    let span = first_span(&list);
    let mutated_list = mutate(list, &mut Rng(args.to_string().len() as u64 + 1), span);
    catch_unwind(AssertUnwindSafe(|| {
        crate::expand::set::expand_migrations(mutated_list, None, None)
    }))
    .map_err(|_| "migrations! panicked".to_string())?;
    Ok(())
}

/// Checks a set of several migrations at once: no panic, no unspanned error.
fn check_set(set: &[(TokenStream, TokenStream)]) -> Result<(), String> {
    if set.len() < 2 {
        return Ok(());
    }
    let input = crate::expand::set::chain_data(set.iter().enumerate().map(|(i, (args, item))| {
        let name = Ident::new(&format!("m{i}"), Span::call_site());
        (quote::quote!(#name), quote::quote!((#args) #item))
    }));
    let shown = || {
        set.iter()
            .map(|(a, i)| format!("#[migration({a})] {i}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let checked = catch_unwind(AssertUnwindSafe(|| {
        crate::expand::set::expand_check_set(input)
    }))
    .map_err(|_| format!("__check_set panicked on the set:\n{}", shown()))?;
    if let Some(message) = unspanned_error(&checked) {
        return Err(format!(
            "__check_set reported {message} without a span in its input, for the set:\n{}",
            shown()
        ));
    }
    Ok(())
}

/// Runs mutation rounds until `budget` is spent; returns the number of inputs.
fn run(budget: Duration, seed: u64) -> usize {
    let seeds: Vec<(TokenStream, TokenStream)> = seeds()
        .iter()
        .filter_map(|s| TokenStream::from_str(s).ok())
        .filter_map(split_attribute)
        .collect();
    assert!(!seeds.is_empty(), "no seed could be read");
    let mut rng = Rng(seed | 1);
    let started = Instant::now();
    let mut inputs = 0;
    // Silence the default hook: caught panics are reported by the test itself.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut failure = None;
    while started.elapsed() < budget {
        // One migration, or (a quarter of the time) a set of two to four,
        // so that the chain and history checks see mutated input too.
        let count = if rng.below(4) == 0 {
            2 + rng.below(3)
        } else {
            1
        };
        let mut set = Vec::new();
        for _ in 0..count {
            let (mut args, mut item) = seeds[rng.below(seeds.len())].clone();
            // New tokens at the top level sit where the seed's item starts.
            let anchor = first_span(&item);
            for _ in 0..1 + rng.below(4) {
                if rng.below(4) == 0 {
                    args = mutate(args, &mut rng, anchor);
                } else {
                    item = mutate(item, &mut rng, anchor);
                }
            }
            set.push((args, item));
        }
        inputs += 1;
        let result = set
            .iter()
            .try_for_each(|(args, item)| check_one(args, item))
            .and_then(|()| check_set(&set));
        if let Err(e) = result {
            failure = Some(e);
            break;
        }
    }
    std::panic::set_hook(hook);
    if let Some(e) = failure {
        panic!("{e}");
    }
    inputs
}

#[test]
fn seeds_expand_without_panicking() {
    for seed in seeds() {
        let tokens = TokenStream::from_str(&seed)
            .unwrap_or_else(|e| panic!("seed is not valid tokens ({e}):\n{seed}"));
        if let Some((args, item)) = split_attribute(tokens) {
            check_one(&args, &item).unwrap_or_else(|e| panic!("{e}"));
        }
    }
}

#[test]
fn short_fuzz_round() {
    let inputs = run(Duration::from_secs(3), 0x9E37_79B9_7F4A_7C15);
    println!("fuzz: {inputs} inputs, 0 panics");
}

/// The long run, opt-in: `GODWIT_FUZZ_SECONDS` (default 600).
#[test]
#[ignore = "long; run with --ignored"]
fn fuzz() {
    let seconds = std::env::var("GODWIT_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(600);
    let seed = std::env::var("GODWIT_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let inputs = run(Duration::from_secs(seconds), seed);
    println!("fuzz: {inputs} inputs in {seconds} s, 0 panics");
}
