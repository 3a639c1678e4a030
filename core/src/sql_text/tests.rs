use super::*;

use Syntax::{Mysql, Postgres, Sqlite};
use TokenKind::*;

/// The tokens that mean something, as (kind, text).
fn meaningful(sql: &str, syntax: Syntax) -> Vec<(TokenKind, &str)> {
    tokens(sql, syntax)
        .filter(|t| !t.is_trivia())
        .map(|t| (t.kind, t.text))
        .collect()
}

#[test]
fn tokens_cover_the_text_exactly() {
    let texts = [
        "SELECT 'it''s', \"a\"\"b\", `c``d`, $$x$$, $t$ $$ $t$ -- end",
        "/* a /* b */ c */ x",
        "'unterminated",
        "\"unterminated",
        "$tag$ unterminated",
        "/* unterminated",
        "E'a\\'b' || 'c\\' -- d",
        "café = 'ü' AND 日本 > 1.5e-3",
        "[a b] = x'ff' # note\n;",
        "$1 + $2::int",
        "",
    ];
    for syntax in [Postgres, Mysql, Sqlite] {
        for text in texts {
            let mut at = 0;
            for t in tokens(text, syntax) {
                assert_eq!(t.start, at, "{text:?} as {syntax:?}");
                assert!(!t.text.is_empty());
                at = t.end();
            }
            assert_eq!(at, text.len(), "{text:?} as {syntax:?}");
        }
    }
}

#[test]
fn quoted_names() {
    let t = first_token("\"a\"\"b\" x", Postgres).unwrap();
    assert_eq!((t.kind, t.text), (QuotedName, "\"a\"\"b\""));
    assert_eq!(t.name().as_deref(), Some("a\"b"));
    let t = first_token("`a``b`", Mysql).unwrap();
    assert_eq!(t.name().as_deref(), Some("a`b"));
    let t = first_token("[a b]", Sqlite).unwrap();
    assert_eq!((t.kind, t.name().as_deref()), (QuotedName, Some("a b")));
    // `[` is only SQLite's quote: elsewhere it is an array subscript.
    assert_eq!(first_token("[1]", Postgres).unwrap().kind, Punct);
    // A bare word refers to a name in any case; a quoted one exactly.
    let bare = first_token("Balance", Postgres).unwrap();
    let quoted = first_token("\"Balance\"", Postgres).unwrap();
    assert!(bare.names("balance") && bare.names("BALANCE"));
    assert!(quoted.names("Balance") && !quoted.names("balance"));
}

#[test]
fn string_literals() {
    let value = |sql: &str, syntax| {
        let t = first_token(sql, syntax).unwrap();
        assert_eq!(t.kind, String, "{sql:?}");
        t.string_value().unwrap().into_owned()
    };
    assert_eq!(value("'it''s'", Postgres), "it's");
    // PostgreSQL: a backslash is itself, except in E'..'.
    assert_eq!(value("'C:\\' x", Postgres), "C:\\");
    assert_eq!(value("E'it\\'s\\n'", Postgres), "it's\n");
    assert_eq!(value("e'\\\\'", Postgres), "\\");
    // MySQL: a backslash escapes in every literal.
    assert_eq!(value("'it\\'s \\\\ ok'", Mysql), "it's \\ ok");
    assert_eq!(value("'it''s'", Mysql), "it's");
    // SQLite: like PostgreSQL without E'..'.
    assert_eq!(value("'C:\\'", Sqlite), "C:\\");
    assert_eq!(value("'unterminated", Postgres), "unterminated");
    let x = first_token("X'ff'", Sqlite).unwrap();
    assert_eq!(
        (x.string_prefix(), x.string_value().as_deref()),
        (Some('X'), Some("ff"))
    );
    assert_eq!(first_token("'a'", Sqlite).unwrap().string_prefix(), None);
    // A one-letter word before a literal is a prefix only if it touches it.
    assert_eq!(
        meaningful("e 'x'", Postgres),
        [(Word, "e"), (String, "'x'")]
    );
    assert_eq!(meaningful("x = 'a'", Postgres)[0], (Word, "x"));
}

#[test]
fn dollar_quotes() {
    let sql = "SELECT $$it's; -- not a comment$$, $fn$ $$ $fn$, $1, a$b$";
    assert_eq!(
        meaningful(sql, Postgres),
        [
            (Word, "SELECT"),
            (DollarString, "$$it's; -- not a comment$$"),
            (Punct, ","),
            (DollarString, "$fn$ $$ $fn$"),
            (Punct, ","),
            (Punct, "$"),
            (Number, "1"),
            (Punct, ","),
            (Word, "a$b$"),
        ]
    );
    let t = first_token("$fn$ body $$ $fn$", Postgres).unwrap();
    assert_eq!(t.string_value().as_deref(), Some(" body $$ "));
    assert_eq!(
        first_token("$$$$", Postgres)
            .unwrap()
            .string_value()
            .as_deref(),
        Some("")
    );
    // Only PostgreSQL has them.
    assert_eq!(first_token("$$x$$", Mysql).unwrap().kind, Punct);
}

#[test]
fn comments() {
    assert_eq!(
        meaningful("a -- b 'c\nd /* e */ f", Postgres),
        [(Word, "a"), (Word, "d"), (Word, "f")]
    );
    // Nested on PostgreSQL only.
    assert_eq!(meaningful("/* a /* b */ c */ d", Postgres), [(Word, "d")]);
    assert_eq!(meaningful("/* a /* b */ c", Mysql), [(Word, "c")]);
    assert_eq!(meaningful("/* a /* b */ c", Sqlite), [(Word, "c")]);
    // MySQL: `#` comments, and `--` only before white space.
    assert_eq!(meaningful("a # b", Mysql), [(Word, "a")]);
    assert_eq!(meaningful("a # b", Postgres).len(), 3);
    assert_eq!(
        meaningful("a--1", Mysql),
        [(Word, "a"), (Punct, "-"), (Punct, "-"), (Number, "1")]
    );
    assert_eq!(meaningful("a-- 1", Mysql), [(Word, "a")]);
    assert_eq!(meaningful("a--1", Postgres), [(Word, "a")]);
}

#[test]
fn numbers_and_words() {
    assert_eq!(
        meaningful("1.5e-3 + .5 - 0x1F * 1_000 - e1", Postgres),
        [
            (Number, "1.5e-3"),
            (Punct, "+"),
            (Number, ".5"),
            (Punct, "-"),
            (Number, "0x1F"),
            (Punct, "*"),
            (Number, "1_000"),
            (Punct, "-"),
            (Word, "e1"),
        ]
    );
    assert_eq!(
        meaningful("café::numeric", Postgres),
        [
            (Word, "café"),
            (Punct, ":"),
            (Punct, ":"),
            (Word, "numeric")
        ]
    );
}

#[test]
fn statements_split_outside_literals() {
    assert_eq!(
        statements("UPDATE a SET b = 1; DROP TABLE c;", Postgres),
        ["UPDATE a SET b = 1", "DROP TABLE c"]
    );
    assert_eq!(
        statements("INSERT INTO t VALUES ('a; DROP TABLE t'); ", Postgres),
        ["INSERT INTO t VALUES ('a; DROP TABLE t')"]
    );
    assert_eq!(
        statements("SELECT 1 -- a; b\n; /* c; d */", Postgres),
        ["SELECT 1 -- a; b"]
    );
    assert_eq!(
        statements("SELECT $$ ; $$; SELECT \"a;b\"", Postgres),
        ["SELECT $$ ; $$", "SELECT \"a;b\""]
    );
    assert_eq!(
        statements("SELECT 'it\\'s; x'; SELECT 2", Mysql),
        ["SELECT 'it\\'s; x'", "SELECT 2"]
    );
    assert!(statements(" ; -- nothing\n;", Postgres).is_empty());
}

#[test]
fn names_outside_literals() {
    let check = "\"balance\" >= overdraft AND note <> 'balance' -- balance";
    assert!(mentions(check, Postgres, "balance"));
    assert!(mentions(check, Postgres, "OVERDRAFT"));
    assert!(!mentions(check, Postgres, "note_text"));
    assert!(!mentions(
        "note <> 'balance' /* balance */",
        Postgres,
        "balance"
    ));
    assert!(!mentions("\"Balance\" > 0", Postgres, "balance"));
    assert_eq!(
        rename(check, Postgres, "balance", "amount"),
        "\"amount\" >= overdraft AND note <> 'balance' -- balance"
    );
    assert_eq!(
        rename(
            "BALANCE > 0 AND `balance` < 9",
            Postgres,
            "balance",
            "a\"b`c"
        ),
        "a\"b`c > 0 AND `a\"b``c` < 9"
    );
    // Only the whole name: neither a longer word nor a quoted other case.
    assert_eq!(
        rename("balance_cents > \"Balance\"", Postgres, "balance", "amount"),
        "balance_cents > \"Balance\""
    );
    assert_eq!(
        rename("[balance] > 0", Sqlite, "balance", "amount"),
        "[amount] > 0"
    );
}

#[test]
fn keywords_and_parentheses() {
    let sql = "CREATE TABLE \"t (\" (a TEXT DEFAULT ')', b INT CHECK (b > (0))) -- )";
    assert_eq!(find_keyword(sql, Sqlite, "check"), sql.find("CHECK"));
    assert_eq!(find_keyword("x DEFAULT 'check'", Sqlite, "check"), None);
    let open = sql.find("(a").unwrap();
    assert_eq!(closing_paren(sql, Sqlite, open), sql.rfind(") --"));
    let inner = sql.find("(b >").unwrap();
    assert_eq!(
        closing_paren(sql, Sqlite, inner),
        sql.find("))) --").map(|i| i + 1)
    );
    assert_eq!(closing_paren(sql, Sqlite, 0), None);
    assert_eq!(closing_paren("(a", Sqlite, 0), None);
}

#[test]
fn list_items_split_at_top_level_commas() {
    assert_eq!(
        list_items(
            r#" "a,b" DESC, (lower(a, ',')) NULLS LAST,c /* , */ "#,
            Syntax::Sqlite
        ),
        [r#""a,b" DESC"#, "(lower(a, ',')) NULLS LAST", "c /* , */"]
    );
    assert!(list_items("  ", Syntax::Sqlite).is_empty());
}
