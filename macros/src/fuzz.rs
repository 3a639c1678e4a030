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

/// Seeds: the ui-tests' migration modules, split at each `#[godwit::migration` /
/// `#[migration` attribute, plus a few written here.
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
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui-tests");
    let mut files = Vec::new();
    for sub in ["pass", "fail", "pass/multi_file", "fail/multiple-heads"] {
        if let Ok(entries) = std::fs::read_dir(dir.join(sub)) {
            files.extend(
                entries
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|e| e == "rs")),
            );
        }
    }
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        for chunk in text.split("#[godwit::migration").skip(1) {
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

fn random_token(rng: &mut Rng) -> TokenTree {
    match rng.below(9) {
        0 => TokenTree::Ident(Ident::new(
            [
                "op", "column", "x", "upgrade", "fn", "mod", "BigInt", "Varchar", "unique",
            ][rng.below(9)],
            Span::call_site(),
        )),
        1 => TokenTree::Literal(Literal::string(
            ["", "users", "a\0b", "x y", "\"';`", "DROP TABLE t", "é"][rng.below(7)],
        )),
        2 => TokenTree::Literal(Literal::u64_unsuffixed(rng.next() % 5_000_000_000)),
        3 => TokenTree::Literal(Literal::f64_unsuffixed(rng.below(1000) as f64 / 7.0)),
        4 => TokenTree::Literal(Literal::i64_suffixed(-(rng.below(100) as i64))),
        5 => TokenTree::Punct(Punct::new(
            [',', ';', '.', '|', '&', '-', '#', '=', '!', ':', '$'][rng.below(11)],
            Spacing::Alone,
        )),
        6 => TokenTree::Group(Group::new(Delimiter::Parenthesis, TokenStream::new())),
        7 => TokenTree::Group(Group::new(Delimiter::Bracket, TokenStream::new())),
        _ => TokenTree::Group(Group::new(Delimiter::Brace, TokenStream::new())),
    }
}

/// One random edit somewhere in the tree: delete, duplicate, replace, insert,
/// swap or empty a group.
fn mutate(tokens: TokenStream, rng: &mut Rng) -> TokenStream {
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
            let mut inner = Group::new(g.delimiter(), mutate(g.stream(), rng));
            inner.set_span(g.span());
            list[i] = TokenTree::Group(inner);
        }
        return list.into_iter().collect();
    }
    let n = list.len();
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
            list[i] = random_token(rng);
        }
        3 => {
            let i = rng.below(n + 1);
            list.insert(i, random_token(rng));
        }
        4 if n > 1 => {
            let (a, b) = (rng.below(n), rng.below(n));
            list.swap(a, b);
        }
        _ if n > 0 => {
            list.truncate(rng.below(n));
        }
        _ => list.push(random_token(rng)),
    }
    list.into_iter().collect()
}

/// Expands one input through both macros; panics are caught and returned.
fn check_one(args: &TokenStream, item: &TokenStream) -> Result<(), String> {
    let (a, i) = (args.clone(), item.clone());
    let expanded = catch_unwind(AssertUnwindSafe(|| crate::expand::migration::expand(a, i)))
        .map_err(|_| format!("#[migration] panicked on:\n#[migration({args})] {item}"))?;
    // A rejected module must say so; an accepted one feeds the set checker.
    let text = expanded.to_string();
    let rejected = text.contains("compile_error");
    if !rejected && syn::parse2::<syn::ItemMod>(item.clone()).is_err() {
        return Err(format!(
            "#[migration] accepted a non-module without error:\n{item}"
        ));
    }
    let data = quote::quote!([[m]] [{ (#args) #item }]);
    catch_unwind(AssertUnwindSafe(|| {
        crate::expand::set::expand_check_set(data)
    }))
    .map_err(|_| format!("__check_set panicked on:\n#[migration({args})] {item}"))?;
    let list = TokenStream::from_str("a::b, c").unwrap_or_default();
    let mutated_list = mutate(list, &mut Rng(args.to_string().len() as u64 + 1));
    catch_unwind(AssertUnwindSafe(|| {
        crate::expand::set::expand_migrations(mutated_list)
    }))
    .map_err(|_| "migrations! panicked".to_string())?;
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
        let (mut args, mut item) = seeds[rng.below(seeds.len())].clone();
        for _ in 0..1 + rng.below(4) {
            if rng.below(4) == 0 {
                args = mutate(args, &mut rng);
            } else {
                item = mutate(item, &mut rng);
            }
        }
        inputs += 1;
        if let Err(e) = check_one(&args, &item) {
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
        let tokens = TokenStream::from_str(&seed).expect("seeds are valid tokens");
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
