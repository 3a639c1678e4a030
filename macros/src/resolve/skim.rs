//! A file whose last item is a module and whose other items end with `;`
//! (the layout `new` writes: a `use` and a migration per file) split
//! without lexing it: the items before, the module's header (attributes,
//! visibility, name) and the text of its body. The resolver
//! then lexes the header alone, and the body only if the model its own
//! macro recorded is not there, instead of every token of every file.
//!
//! The scan knows just enough of Rust's lexical grammar to find brackets
//! that are not inside a comment or a literal: line and nested block
//! comments, strings, raw, byte and C strings, character literals told from
//! lifetimes and labels, raw identifiers. rustc lexes the file too, so text
//! it cannot read fails the build anyway. The header is read as the whole
//! file would be (its last item must be a migration module, or the file is
//! lexed whole), and a recorded model is taken by file (unchanged since it
//! was recorded) and module name, so the body's text matters only when no
//! model was recorded.

/// A file split into a module's header and body.
pub struct Split<'t> {
    /// From the start of the file to the body's `{` (exclusive): the items
    /// before the module, and its header.
    pub header: &'t str,
    /// Between the body's braces.
    pub body: &'t str,
}

/// `text` as items ending with `;`, then one item `.. mod name { body }`
/// with only comments and white space after it, or `None`.
pub fn single_module(text: &str) -> Option<Split<'_>> {
    let bytes = text.as_bytes();
    if text.trim_start().starts_with("#!") {
        return None;
    }
    let mut depth = 0usize;
    let mut i = 0;
    // The first `{` outside brackets: the module's, when it is the last
    // item and the others end with `;` (the caller checks the header).
    let open = loop {
        let (at, c) = next_bracket(bytes, i)?;
        match c {
            b'{' if depth == 0 => break at,
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.checked_sub(1)?,
            _ => {}
        }
        i = at + 1;
    };
    let header = &text[..open];
    if !header.split_whitespace().any(|w| w == "mod") {
        return None;
    }
    let mut depth = 1usize;
    let mut i = open + 1;
    let close = loop {
        let (at, c) = next_bracket(bytes, i)?;
        match c {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    break at;
                }
            }
            _ => {}
        }
        i = at + 1;
    };
    // Nothing after the module but what the scan skips.
    if next_bracket(bytes, close + 1).is_some() || !only_trivia(&bytes[close + 1..]) {
        return None;
    }
    Some(Split {
        header,
        body: &text[open + 1..close],
    })
}

/// The next bracket or `;` from `i` outside comments and literals.
fn next_bracket(b: &[u8], mut i: usize) -> Option<(usize, u8)> {
    while i < b.len() {
        match b[i] {
            c @ (b'(' | b')' | b'[' | b']' | b'{' | b'}' | b';') => return Some((i, c)),
            b'/' if b.get(i + 1) == Some(&b'/') => i = line_end(b, i),
            b'/' if b.get(i + 1) == Some(&b'*') => i = block_comment_end(b, i)?,
            b'"' => i = string_end(b, i + 1)?,
            b'\'' => i = quote_end(b, i),
            c if c == b'_' || c.is_ascii_alphabetic() => {
                let start = i;
                while i < b.len() && (b[i] == b'_' || b[i].is_ascii_alphanumeric()) {
                    i += 1;
                }
                let word = &b[start..i];
                let raw = matches!(word, b"r" | b"br" | b"cr");
                if raw && matches!(b.get(i), Some(b'"' | b'#')) {
                    i = raw_string_end(b, i)?;
                }
            }
            _ => i += 1,
        }
    }
    None
}

/// Whether `b` holds only white space and comments.
fn only_trivia(b: &[u8]) -> bool {
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            c if c.is_ascii_whitespace() => i += 1,
            b'/' if b.get(i + 1) == Some(&b'/') => i = line_end(b, i),
            b'/' if b.get(i + 1) == Some(&b'*') => match block_comment_end(b, i) {
                Some(end) => i = end,
                None => return false,
            },
            _ => return false,
        }
    }
    true
}

fn line_end(b: &[u8], i: usize) -> usize {
    b[i..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(b.len(), |p| i + p + 1)
}

/// Past a block comment starting at `i` (`/*`), nested ones included.
fn block_comment_end(b: &[u8], mut i: usize) -> Option<usize> {
    let mut depth = 0usize;
    while i + 1 < b.len() {
        match (b[i], b[i + 1]) {
            (b'/', b'*') => {
                depth += 1;
                i += 2;
            }
            (b'*', b'/') => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => i += 1,
        }
    }
    None
}

/// Past the closing `"` of a string whose content starts at `i`.
fn string_end(b: &[u8], mut i: usize) -> Option<usize> {
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// Past a raw string whose `#`s or `"` start at `i`.
fn raw_string_end(b: &[u8], mut i: usize) -> Option<usize> {
    let hashes = b[i..].iter().take_while(|&&c| c == b'#').count();
    i += hashes;
    if b.get(i) != Some(&b'"') {
        // `r#ident`: a raw identifier, not a string.
        return Some(i);
    }
    i += 1;
    while i < b.len() {
        if b[i] == b'"'
            && b[i + 1..]
                .iter()
                .take(hashes)
                .filter(|&&c| c == b'#')
                .count()
                == hashes
        {
            return Some(i + 1 + hashes);
        }
        i += 1;
    }
    None
}

/// Past a character literal at `i` (`'x'`, `'\n'`, `'é'`), or just past the
/// quote of a lifetime or label.
fn quote_end(b: &[u8], i: usize) -> usize {
    if b.get(i + 1) == Some(&b'\\') {
        // An escape: past the escaped character (itself maybe a quote),
        // then to the closing quote.
        let from = (i + 3).min(b.len());
        return b[from..]
            .iter()
            .position(|&c| c == b'\'')
            .map_or(b.len(), |p| from + p + 1);
    }
    // One character (one to four bytes), then the closing quote.
    let width = match b.get(i + 1) {
        Some(&c) if c < 0x80 => 1,
        Some(&c) if c >= 0xF0 => 4,
        Some(&c) if c >= 0xE0 => 3,
        Some(_) => 2,
        None => return b.len(),
    };
    if b.get(i + 1 + width) == Some(&b'\'') {
        i + 2 + width
    } else {
        i + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_a_migration_file() {
        let text = "// top\n#[godwit::migration(revision = \"1\", message = \"a { b\")]\n\
                    /// docs (with a paren\npub mod m { fn f() { let s = \"}\"; let c = '}'; \
                    let r = r#\"}\"#; /* } /* } */ */ let l: &'static str = \"\"; } }\n// end\n";
        let split = single_module(text).expect("one module");
        assert!(split.header.ends_with("pub mod m "), "{}", split.header);
        assert!(split.body.starts_with(" fn f()"), "{}", split.body);
        assert!(split.body.ends_with("\"\"; } "), "{}", split.body);
    }

    #[test]
    fn anything_else_is_left_to_the_lexer() {
        for text in [
            "pub mod a { } pub mod b { }",
            "fn f() { } pub mod a { }",
            "#![allow(dead_code)] pub mod a { }",
            "mod a;",
            "fn f() { }",
            "pub mod a { ",
            "pub mod a { } }",
            "pub mod a { } x",
        ] {
            assert!(single_module(text).is_none(), "{text}");
        }
    }

    #[test]
    fn brackets_in_comments_and_literals_are_passed_over() {
        let text = "/* { /* } */ */ // }\n#[m(a = '\"', b = \"/*\", c = br#\"}\"#, d = c\"{\")]\n\
                    mod m { /* // } */ let r#match = '\"'; }";
        let split = single_module(text).expect("one module");
        assert!(split.header.ends_with("mod m "), "{}", split.header);
        assert_eq!(split.body, " /* // } */ let r#match = '\"'; ");
        // A group in a `use` is the first `{`, and more follows it: the
        // file is left to the lexer.
        assert!(single_module("use a::{b};\nmod m { }").is_none());
    }

    #[test]
    fn items_ending_with_a_semicolon_may_come_first() {
        let text = "use godwit::migration;\n\n#[migration(revision = \"1\")]\npub mod a { x(); }\n";
        let split = single_module(text).expect("a use, then one module");
        assert!(split.header.starts_with("use godwit::migration;"));
        assert_eq!(split.body, " x(); ");
    }

    #[test]
    fn characters_lifetimes_and_raw_identifiers() {
        let text = "mod m { fn f<'a>(x: &'a str) -> char { let r#type = 'é'; let b = b'{'; \
                    let e = ('\\'', '}', '\\\\'); '\\u{7d}' } }";
        let split = single_module(text).expect("one module");
        assert!(split.body.ends_with("'\\u{7d}' } "), "{}", split.body);
    }
}
