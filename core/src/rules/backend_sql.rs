//! What one backend's SQL lacks that another's has, where `sqlparser`
//! reads it anyway: its parser is one for all dialects, and accepts
//! PostgreSQL's `~` or `::` in SQLite text. Read on tokens (outside literals,
//! quoted names and comments), each with what to write instead.

use crate::backend::Backend;
use crate::sql_text::{self, TokenKind};

/// The first construct of `text` that `backend` does not have, said with
/// what it has instead.
pub(super) fn foreign_construct(text: &str, backend: Backend) -> Option<String> {
    let tokens: Vec<sql_text::Token<'_>> = sql_text::tokens(text, backend.syntax())
        .filter(|t| {
            !matches!(
                t.kind,
                TokenKind::Whitespace | TokenKind::LineComment | TokenKind::BlockComment
            )
        })
        .collect();
    let punct = |i: usize, c: &str| {
        tokens
            .get(i)
            .is_some_and(|t| t.kind == TokenKind::Punct && t.text == c)
    };
    let word = |i: usize, w: &str| {
        tokens
            .get(i)
            .is_some_and(|t| t.kind == TokenKind::Word && t.text.eq_ignore_ascii_case(w))
    };
    let postgres_only = backend != Backend::Postgres;
    for (i, t) in tokens.iter().enumerate() {
        let found = match t.kind {
            TokenKind::Punct if postgres_only && t.text == "~" => {
                // `~` alone is MySQL's bitwise NOT; after an operand it is
                // PostgreSQL's regular expression match.
                let after_operand = i > 0
                    && matches!(
                        tokens[i - 1].kind,
                        TokenKind::Word
                            | TokenKind::QuotedName
                            | TokenKind::String
                            | TokenKind::Number
                    )
                    || punct(i.wrapping_sub(1), ")")
                    || punct(i.wrapping_sub(1), "!");
                after_operand.then(|| match backend {
                    Backend::Sqlite => "PostgreSQL's regular expression operator `~`: SQLite has no regular expression match without an extension (use LIKE or GLOB)".to_string(),
                    _ => format!("PostgreSQL's regular expression operator `~`: {backend} writes `REGEXP`"),
                })
            }
            TokenKind::Punct if postgres_only && t.text == ":" && punct(i + 1, ":") => {
                Some("PostgreSQL's cast `x::type`: write `CAST(x AS type)`".to_string())
            }
            TokenKind::Punct
                if postgres_only
                    && ((t.text == "@" && punct(i + 1, ">"))
                        || (t.text == "<" && punct(i + 1, "@"))) =>
            {
                Some(format!(
                    "PostgreSQL's containment operator `{}{}`",
                    t.text,
                    tokens[i + 1].text
                ))
            }
            TokenKind::Word if postgres_only && t.text.eq_ignore_ascii_case("ilike") => Some(
                format!("PostgreSQL's `ILIKE`: {backend} writes `LOWER(x) LIKE LOWER(y)`"),
            ),
            TokenKind::Word
                if postgres_only && t.text.eq_ignore_ascii_case("similar") && word(i + 1, "to") =>
            {
                Some("PostgreSQL's `SIMILAR TO`".to_string())
            }
            TokenKind::Word
                if postgres_only && t.text.eq_ignore_ascii_case("array") && punct(i + 1, "[") =>
            {
                Some(format!(
                    "PostgreSQL's `ARRAY[..]`: {backend} has no array values"
                ))
            }
            // `E'..'`: one token where the backend's lexer knows it, a word
            // `E` touching a string where it does not.
            TokenKind::String
                if postgres_only
                    && (t.text.starts_with(['E', 'e']) && t.text[1..].starts_with('\'')) =>
            {
                Some("PostgreSQL's escape string `E'..'`".to_string())
            }
            TokenKind::Word
                if postgres_only
                    && t.text.eq_ignore_ascii_case("e")
                    && tokens
                        .get(i + 1)
                        .is_some_and(|n| n.kind == TokenKind::String && n.start == t.start + 1) =>
            {
                Some("PostgreSQL's escape string `E'..'`".to_string())
            }
            _ => None,
        };
        if found.is_some() {
            return found;
        }
    }
    None
}
