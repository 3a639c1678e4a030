//! PostgreSQL's limit on names: it keeps the first 63 bytes of an
//! identifier (with a NOTICE), in every statement alike, so that a later
//! statement spelling the long name reaches the same object.

use crate::sql_text::{self, Syntax, TokenKind};

pub(super) use crate::rules::POSTGRES_NAME_BYTES as PG_NAME_BYTES;

/// The first `bytes` bytes of `s`, less a character cut in two.
pub(super) fn clip(s: &str, bytes: usize) -> &str {
    let mut end = bytes.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// `text` with each name longer than 63 bytes cut as PostgreSQL's lexer
/// cuts it (a quoted name inside its quotes); `None` when none is.
pub(super) fn truncated_identifiers(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    for t in sql_text::tokens(text, Syntax::Postgres) {
        match t.kind {
            TokenKind::Word if t.text.len() > PG_NAME_BYTES => {
                out.push_str(clip(t.text, PG_NAME_BYTES));
                changed = true;
            }
            TokenKind::QuotedName => match t.name() {
                Some(name) if name.len() > PG_NAME_BYTES => {
                    let cut = clip(&name, PG_NAME_BYTES).replace('"', "\"\"");
                    out.push('"');
                    out.push_str(&cut);
                    out.push('"');
                    changed = true;
                }
                _ => out.push_str(t.text),
            },
            _ => out.push_str(t.text),
        }
    }
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_over_63_bytes_are_cut_at_a_character() {
        let long = "idx_post_aggregates_featured_community_newest_comment_time_necro";
        assert_eq!(long.len(), 64);
        assert_eq!(
            truncated_identifiers(&format!("CREATE INDEX {long} ON t (a) -- {long}")).unwrap(),
            format!("CREATE INDEX {} ON t (a) -- {long}", &long[..63])
        );
        let quoted = format!("\"{}é\"", "a".repeat(62));
        assert_eq!(
            truncated_identifiers(&format!("DROP TABLE {quoted}")).unwrap(),
            format!("DROP TABLE \"{}\"", "a".repeat(62))
        );
        assert_eq!(truncated_identifiers("SELECT 'a' FROM t"), None);
        assert_eq!(clip("aé", 2), "a");
    }
}
