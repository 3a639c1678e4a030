//! What identifies a function: as PostgreSQL does, its name and the types
//! of its input arguments. Argument names, defaults, `OUT` arguments and a
//! type's modifiers are not part of it, nor the schema before the name
//! (the model keeps names without it); a type's other spellings are one
//! (`int4` is `integer`, `timestamptz` is `timestamp with time zone`).

use crate::sql_text::{self, Syntax, Token, TokenKind};

/// A signature made comparable: the name (without its schema) in lower
/// case unless quoted, then the input argument types in their one
/// spelling (`public.Add ( a INT, OUT b text, c int = 1 )` is
/// `add(integer,integer)`).
pub fn signature_key(signature: &str) -> String {
    let tokens: Vec<Token<'_>> = sql_text::tokens(signature, Syntax::Postgres)
        .filter(|t| !t.is_trivia())
        .collect();
    let open = tokens.iter().position(|t| t.text == "(");
    let head = &tokens[..open.unwrap_or(tokens.len())];
    // `schema.name`: the last part.
    let start = head
        .iter()
        .rposition(|t| t.text == ".")
        .map_or(0, |i| i + 1);
    let mut out = spelled(&head[start..]);
    let Some(open) = open else {
        return out;
    };
    // The arguments: what lies between the outer parentheses, split at the
    // commas outside inner ones.
    let mut args: Vec<&[Token<'_>]> = Vec::new();
    let (mut depth, mut from, mut close) = (0, open + 1, tokens.len());
    for (i, t) in tokens.iter().enumerate().skip(open) {
        match t.text {
            "(" | "[" => depth += 1,
            ")" | "]" => depth -= 1,
            "," if depth == 1 => {
                args.push(&tokens[from..i]);
                from = i + 1;
            }
            _ => {}
        }
        if depth == 0 {
            close = i;
            break;
        }
    }
    args.push(&tokens[from..close.max(from)]);
    let types: Vec<String> = args
        .into_iter()
        .filter(|a| !a.is_empty())
        .filter_map(argument_type)
        .collect();
    out.push('(');
    out.push_str(&types.join(","));
    out.push(')');
    // What follows the arguments (never there in a signature the model
    // keeps) is kept, so that it is not lost silently.
    out.push_str(&spelled(&tokens[(close + 1).min(tokens.len())..]));
    out
}

/// The type of one argument in its one spelling, or `None` for an `OUT`
/// argument (not an input).
fn argument_type(arg: &[Token<'_>]) -> Option<String> {
    let mode = |t: Option<&Token<'_>>| {
        t.filter(|t| t.kind == TokenKind::Word)
            .map(|t| t.text.to_ascii_uppercase())
            .filter(|w| matches!(w.as_str(), "IN" | "OUT" | "INOUT" | "VARIADIC"))
    };
    // `mode [name] type` or `name mode type`.
    let mut arg = arg;
    let mut named = false;
    if let Some(m) = mode(arg.first()) {
        if m == "OUT" {
            return None;
        }
        arg = &arg[1..];
    } else if arg.len() > 2 && is_name(&arg[0]) {
        if let Some(m) = mode(arg.get(1)) {
            if m == "OUT" {
                return None;
            }
            arg = &arg[2..];
            named = true;
        }
    }
    // A default (`DEFAULT x` or `= x`) is no part of the type.
    let end = arg
        .iter()
        .position(|t| t.text == "=" || t.text.eq_ignore_ascii_case("default"))
        .unwrap_or(arg.len());
    let mut arg = &arg[..end];
    // A name before the type: two names in a row that do not begin a type
    // of several words (`double precision`, `timestamp with time zone`).
    if !named && arg.len() >= 2 && is_name(&arg[0]) && is_name(&arg[1]) {
        let two = (
            arg[0].text.to_ascii_lowercase(),
            arg[1].text.to_ascii_lowercase(),
        );
        if !several_words(&two.0, &two.1) {
            arg = &arg[1..];
        }
    }
    // A type's modifiers (`varchar(20)`, `numeric(10, 2)`): PostgreSQL
    // keeps none for an argument.
    let mut kept = Vec::new();
    let mut depth = 0;
    for t in arg {
        match t.text {
            "(" => depth += 1,
            ")" => depth -= 1,
            _ if depth == 0 => kept.push(*t),
            _ => {}
        }
    }
    let text = spelled(&kept);
    let (base, array) = match text.find('[') {
        Some(i) => text.split_at(i),
        None => (text.as_str(), ""),
    };
    Some(format!("{}{array}", one_spelling(base.trim_end())))
}

/// Whether a token is a name (bare or quoted).
fn is_name(t: &Token<'_>) -> bool {
    matches!(t.kind, TokenKind::Word | TokenKind::QuotedName)
}

/// Whether two words begin one type's name.
fn several_words(first: &str, second: &str) -> bool {
    match first {
        "double" => second == "precision",
        "character" | "char" | "bit" => second == "varying",
        "national" => matches!(second, "character" | "char"),
        "timestamp" | "time" => matches!(second, "with" | "without"),
        "interval" => matches!(
            second,
            "year" | "month" | "day" | "hour" | "minute" | "second"
        ),
        _ => false,
    }
}

/// Tokens as one string: words in lower case, quoted names as written, a
/// space between two names only.
fn spelled(tokens: &[Token<'_>]) -> String {
    let mut out = String::new();
    let mut last_name = false;
    for t in tokens {
        let word = t.kind == TokenKind::Word;
        if word && last_name {
            out.push(' ');
        }
        if word {
            out.push_str(&t.text.to_lowercase());
        } else {
            out.push_str(t.text);
        }
        last_name = word || t.kind == TokenKind::QuotedName;
    }
    out
}

/// A built-in type's name as PostgreSQL says it (`int4` is `integer`).
fn one_spelling(ty: &str) -> &str {
    match ty {
        "int" | "int4" => "integer",
        "int8" => "bigint",
        "int2" => "smallint",
        "bool" => "boolean",
        "float" | "float8" => "double precision",
        "float4" => "real",
        "decimal" => "numeric",
        "varchar" => "character varying",
        "char" | "bpchar" => "character",
        "varbit" => "bit varying",
        "timestamptz" => "timestamp with time zone",
        "timestamp" => "timestamp without time zone",
        "timetz" => "time with time zone",
        "time" => "time without time zone",
        other => other,
    }
}
