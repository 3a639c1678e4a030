//! The Rust names `diesel print-schema` gives SQL names: a table, a column
//! or a type becomes an identifier, and the SQL name is kept in
//! `#[sql_name = ".."]` when the two differ.

/// Names `print-schema` never uses as they are: `table!` generates items
/// of these names in each table's module.
const RESERVED: &[&str] = &["table", "columns", "is_nullable"];

/// What `syn` refuses as an identifier: Rust's keywords, strict and reserved.
const KEYWORDS: &[&str] = &[
    "_", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue",
    "crate", "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "Self", "self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Whether `print-schema` would append `_` to `name`: not an identifier, a
/// keyword, a name `table!` takes, or one starting with `__` (a name ending
/// in `_` is spared, so that appending one always gives a free name).
fn is_reserved(name: &str) -> bool {
    let identifier = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    !identifier
        || KEYWORDS.contains(&name)
        || RESERVED.contains(&name)
        || (name.starts_with("__") && !name.ends_with('_'))
}

/// Every run of characters outside `[A-Za-z0-9_]` becomes one `_` (an
/// underscore written before the run does not count), and a leading digit
/// gets a `_` before it.
fn replace_unmappable(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 1);
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        out.push('_');
    }
    let mut last_underscore = out.ends_with('_');
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c);
            last_underscore = false;
        } else if !last_underscore {
            out.push('_');
            last_underscore = true;
        }
    }
    out
}

/// The Rust name of a table (`table = None`) or of a column of the table
/// whose Rust name is `table`: a column named as its table gets a `_`.
pub(super) fn rust_name(sql_name: &str, table: Option<&str>) -> String {
    let name = replace_unmappable(sql_name);
    if is_reserved(&name) || Some(name.as_str()) == table {
        format!("{name}_")
    } else {
        name
    }
}

/// A Rust string literal of `text`, raw when it holds a quote, as
/// `print-schema` writes `#[sql_name = ..]`.
pub(super) fn string_literal(text: &str) -> String {
    if text.contains('"') {
        let hashes = "#".repeat(text.matches('#').count() + 1);
        format!("r{hashes}\"{text}\"{hashes}")
    } else {
        format!("\"{text}\"")
    }
}

/// `UpperCamelCase` as the `heck` crate writes it (which `print-schema`
/// uses for type names): words split at every character that is not
/// alphanumeric, at a lower case letter followed by an upper case one, and
/// before the last of a run of capitals followed by a lower case letter;
/// each word capitalised, the rest of it in lower case.
pub(super) fn upper_camel_case(text: &str) -> String {
    let mut out = String::new();
    let mut push_word = |word: &str| {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.extend(chars.flat_map(char::to_lowercase));
        }
    };
    #[derive(Clone, Copy, PartialEq)]
    enum Mode {
        Boundary,
        Lower,
        Upper,
    }
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        let chars: Vec<(usize, char)> = word.char_indices().collect();
        let mut start = 0;
        let mut mode = Mode::Boundary;
        for (k, &(i, c)) in chars.iter().enumerate() {
            let Some(&(next_i, next)) = chars.get(k + 1) else {
                push_word(&word[start..]);
                break;
            };
            let next_mode = if c.is_lowercase() {
                Mode::Lower
            } else if c.is_uppercase() {
                Mode::Upper
            } else {
                mode
            };
            if next_mode == Mode::Lower && next.is_uppercase() {
                push_word(&word[start..next_i]);
                start = next_i;
                mode = Mode::Boundary;
            } else if mode == Mode::Upper && c.is_uppercase() && next.is_lowercase() {
                push_word(&word[start..i]);
                start = i;
                mode = Mode::Boundary;
            } else {
                mode = next_mode;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_names_as_print_schema_gives_them() {
        assert_eq!(rust_name("users", None), "users");
        assert_eq!(rust_name("type", Some("users")), "type_");
        assert_eq!(rust_name("users", Some("users")), "users_");
        assert_eq!(rust_name("table", None), "table_");
        assert_eq!(rust_name("my col", None), "my_col");
        assert_eq!(rust_name("a--b", None), "a_b");
        assert_eq!(rust_name("a_-b", None), "a__b");
        assert_eq!(rust_name("1st", None), "_1st");
        assert_eq!(rust_name("__x", None), "__x_");
        assert_eq!(rust_name("__x_", None), "__x_");
        assert_eq!(rust_name("café", None), "caf_");
    }

    #[test]
    fn camel_case_as_heck_writes_it() {
        assert_eq!(upper_camel_case("int4"), "Int4");
        assert_eq!(upper_camel_case("timestamptz"), "Timestamptz");
        assert_eq!(upper_camel_case("user_mood"), "UserMood");
        assert_eq!(upper_camel_case("users mood enum"), "UsersMoodEnum");
        assert_eq!(upper_camel_case("HTTPStatus"), "HttpStatus");
        assert_eq!(upper_camel_case("myType"), "MyType");
        assert_eq!(upper_camel_case("pg_lsn"), "PgLsn");
    }

    #[test]
    fn sql_names_are_string_literals() {
        assert_eq!(string_literal("my col"), "\"my col\"");
        assert_eq!(string_literal("a\"b"), "r#\"a\"b\"#");
    }
}
