//! SQL text as tokens, for the work on fragments that wants no full parse:
//! which names a check expression uses, renaming a column inside one, where
//! a statement ends, the clauses of a CREATE TABLE that SQLite gives back,
//! an expression folded to a form that compares.
//!
//! Statements the rules look into are parsed with sqlparser (`rules/sql.rs`);
//! this is the lexer under everything else, so that every piece of godwit
//! that looks at SQL text agrees on what is a string literal, a quoted name
//! or a comment. It never fails: text it cannot read (an unterminated
//! literal, say) ends in a token that runs to the end of the input.
//!
//! ```
//! use godwit_core::sql_text::{statements, tokens, Syntax, TokenKind};
//!
//! let sql = "UPDATE t SET note = 'a; b' -- c; d\n; DELETE FROM t";
//! assert_eq!(
//!     statements(sql, Syntax::Postgres),
//!     ["UPDATE t SET note = 'a; b' -- c; d", "DELETE FROM t"]
//! );
//! let kinds: Vec<TokenKind> = tokens("\"a\"\"b\" = $$x$$", Syntax::Postgres)
//!     .map(|t| t.kind)
//!     .collect();
//! assert_eq!(
//!     kinds,
//!     [
//!         TokenKind::QuotedName,
//!         TokenKind::Whitespace,
//!         TokenKind::Punct,
//!         TokenKind::Whitespace,
//!         TokenKind::DollarString
//!     ]
//! );
//! ```

use std::borrow::Cow;

/// Whose lexical rules to read the text by. Where they agree (`'..'` with
/// `''`, `--` and `/* */` comments) they are the same; they differ as below.
/// Text meant for every backend (a check expression, a predicate, raw SQL of
/// a set that runs on several) is read as [`Syntax::Postgres`], whose rules
/// are the SQL standard's and a superset of what the other two need to tell
/// a literal from a name.
///
/// `"name"` and `` `name` `` are quoted names in all three: godwit never
/// writes a string literal in double quotes, and reads MySQL as its
/// `ANSI_QUOTES` mode would.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Syntax {
    /// PostgreSQL: backslash escapes only in `E'..'`, dollar-quoted strings
    /// (`$$..$$`, `$tag$..$tag$`), nested block comments.
    Postgres,
    /// MySQL and MariaDB: a backslash escapes the next character in every
    /// string literal, `#` starts a comment, `--` only when followed by white
    /// space, block comments do not nest.
    Mysql,
    /// SQLite: `[name]` is a quoted name; block comments do not nest.
    Sqlite,
}

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// A bare name or keyword: `users`, `SELECT`, `a$b`.
    Word,
    /// A quoted name: `"a""b"`, `` `a``b` ``, `[a b]` (SQLite).
    QuotedName,
    /// A string literal, with its prefix if any: `'it''s'`, `E'a\n'`,
    /// `N'..'`, `X'ff'`, `B'01'`.
    String,
    /// A dollar-quoted string (PostgreSQL): `$$..$$`, `$tag$..$tag$`.
    DollarString,
    /// A number, or anything that starts with a digit and runs into letters
    /// (`1.5e-3`, `0x1F`, `1_000`).
    Number,
    /// A `--` comment (and `#` on MySQL), up to the end of the line, without
    /// the line break.
    LineComment,
    /// A `/* .. */` comment.
    BlockComment,
    /// White space.
    Whitespace,
    /// Any other character, one at a time: `(`, `;`, `:`, `=`, ...
    Punct,
}

/// One token: its kind and where it stands in the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token<'a> {
    /// What it is.
    pub kind: TokenKind,
    /// Its text, quotes, prefix and comment markers included.
    pub text: &'a str,
    /// The byte offset where it starts.
    pub start: usize,
    /// For a string: whether a backslash escapes the next character in it.
    escapes: bool,
}

impl<'a> Token<'a> {
    /// The byte offset just after it.
    pub fn end(&self) -> usize {
        self.start + self.text.len()
    }

    /// White space or a comment: what separates the tokens that mean something.
    pub fn is_trivia(&self) -> bool {
        matches!(
            self.kind,
            TokenKind::Whitespace | TokenKind::LineComment | TokenKind::BlockComment
        )
    }

    /// Whether it is the bare word `keyword`, in any case.
    pub fn is_keyword(&self, keyword: &str) -> bool {
        self.kind == TokenKind::Word && self.text.eq_ignore_ascii_case(keyword)
    }

    /// Whether it is the punctuation character `c`.
    pub fn is_punct(&self, c: char) -> bool {
        self.kind == TokenKind::Punct && self.text.starts_with(c)
    }

    /// The name it spells: a word as written, a quoted name without its
    /// quotes (doubled closing quotes made single). `None` for anything else.
    pub fn name(&self) -> Option<Cow<'a, str>> {
        match self.kind {
            TokenKind::Word => Some(Cow::Borrowed(self.text)),
            TokenKind::QuotedName => {
                let close = closing_quote(self.text.chars().next()?);
                let inner = self.text.get(1..)?;
                let inner = inner.strip_suffix(close).unwrap_or(inner);
                let doubled = format!("{close}{close}");
                Some(if close != ']' && inner.contains(&doubled) {
                    Cow::Owned(inner.replace(&doubled, &close.to_string()))
                } else {
                    Cow::Borrowed(inner)
                })
            }
            _ => None,
        }
    }

    /// The name the model keeps for it: a bare word in lower case (the
    /// database folds it), a quoted name as [`Token::name`] gives it.
    /// `None` for anything else.
    pub fn model_name(&self) -> Option<String> {
        match self.kind {
            TokenKind::Word => Some(self.text.to_lowercase()),
            _ => self.name().map(Cow::into_owned),
        }
    }

    /// Whether it refers to the object named `name`: a bare word ignoring
    /// ASCII case (the database folds it), a quoted name exactly. The same
    /// rule as the raw SQL the rules parse.
    pub fn names(&self, name: &str) -> bool {
        match self.kind {
            TokenKind::Word => self.text.eq_ignore_ascii_case(name),
            TokenKind::QuotedName => self.name().is_some_and(|n| n == name),
            _ => false,
        }
    }

    /// The prefix letter of a string literal (`E`, `N`, `X`, `B`), if any.
    pub fn string_prefix(&self) -> Option<char> {
        let first = self.text.chars().next()?;
        (self.kind == TokenKind::String && first != '\'').then_some(first)
    }

    /// The value of a string literal, escapes read: `''` is `'`, and where
    /// backslashes escape, `\n`, `\t`, `\r`, `\0`, `\b` are the control
    /// characters and `\x` is `x` for any other. The content of a dollar
    /// quote as written. `None` for anything else.
    pub fn string_value(&self) -> Option<Cow<'a, str>> {
        match self.kind {
            TokenKind::DollarString => {
                let tag_len = self.text[1..].find('$')? + 2;
                let body = &self.text[tag_len..];
                let tag = &self.text[..tag_len];
                Some(Cow::Borrowed(body.strip_suffix(tag).unwrap_or(body)))
            }
            TokenKind::String => {
                let open = self.text.find('\'')?;
                let body = &self.text[open + 1..];
                let escaped = self.escapes && body.contains('\\');
                match body.find('\'') {
                    // No quote but the closing one, nothing escaped: as written.
                    Some(i) if !escaped && i + 1 == body.len() => {
                        return Some(Cow::Borrowed(&body[..i]))
                    }
                    None if !escaped => return Some(Cow::Borrowed(body)),
                    _ => {}
                }
                let mut out = String::with_capacity(body.len());
                let mut chars = body.chars().peekable();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' if self.escapes => match chars.next() {
                            Some('n') => out.push('\n'),
                            Some('t') => out.push('\t'),
                            Some('r') => out.push('\r'),
                            Some('0') => out.push('\0'),
                            Some('b') => out.push('\u{8}'),
                            Some(other) => out.push(other),
                            None => {}
                        },
                        '\'' if chars.peek() == Some(&'\'') => {
                            out.push('\'');
                            chars.next();
                        }
                        '\'' => break,
                        c => out.push(c),
                    }
                }
                Some(Cow::Owned(out))
            }
            _ => None,
        }
    }
}

/// The quote that closes a quoted name opened by `open`.
fn closing_quote(open: char) -> char {
    if open == '[' {
        ']'
    } else {
        open
    }
}

/// The tokens of `sql`, in order; together they cover the text exactly.
pub fn tokens(sql: &str, syntax: Syntax) -> Tokens<'_> {
    Tokens {
        lexer: Lexer { src: sql, syntax },
        at: 0,
    }
}

/// The iterator [`tokens`] returns.
#[derive(Clone, Debug)]
pub struct Tokens<'a> {
    lexer: Lexer<'a>,
    at: usize,
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        let start = self.at;
        if start >= self.lexer.src.len() {
            return None;
        }
        let (kind, end, escapes) = self.lexer.token(start);
        self.at = end;
        Some(Token {
            kind,
            text: &self.lexer.src[start..end],
            start,
            escapes,
        })
    }
}

#[derive(Clone, Debug)]
struct Lexer<'a> {
    src: &'a str,
    syntax: Syntax,
}

fn is_name_start(c: char) -> bool {
    c.is_alphabetic() || c == '_' || (!c.is_ascii() && !c.is_whitespace())
}

fn is_name_char(c: char) -> bool {
    is_name_start(c) || c.is_ascii_digit() || c == '$'
}

impl Lexer<'_> {
    fn char_at(&self, i: usize) -> Option<char> {
        self.src.get(i..)?.chars().next()
    }

    /// The end of the run of characters from `i` that satisfy `f`.
    fn run(&self, i: usize, f: impl Fn(char) -> bool) -> usize {
        self.src[i..]
            .find(|c| !f(c))
            .map_or(self.src.len(), |n| i + n)
    }

    /// The token at `start`: its kind, its end, and for a string whether
    /// backslashes escape in it.
    fn token(&self, start: usize) -> (TokenKind, usize, bool) {
        let src = self.src;
        let c = self.char_at(start).unwrap_or(' ');
        let next = self.char_at(start + c.len_utf8());
        let mysql = self.syntax == Syntax::Mysql;
        match c {
            c if c.is_whitespace() => (
                TokenKind::Whitespace,
                self.run(start, char::is_whitespace),
                false,
            ),
            '\'' => (TokenKind::String, self.quoted(start, '\'', mysql), mysql),
            '"' | '`' => (TokenKind::QuotedName, self.quoted(start, c, false), false),
            '[' if self.syntax == Syntax::Sqlite => {
                let end = src[start + 1..]
                    .find(']')
                    .map_or(src.len(), |n| start + n + 2);
                (TokenKind::QuotedName, end, false)
            }
            '-' if next == Some('-')
                && (!mysql
                    || self
                        .char_at(start + 2)
                        .is_none_or(|c| c.is_whitespace() || c.is_control())) =>
            {
                (TokenKind::LineComment, self.line_end(start), false)
            }
            '#' if mysql => (TokenKind::LineComment, self.line_end(start), false),
            '/' if next == Some('*') => (TokenKind::BlockComment, self.block_end(start), false),
            '$' if self.syntax == Syntax::Postgres => match self.dollar_string(start) {
                Some(end) => (TokenKind::DollarString, end, false),
                None => (TokenKind::Punct, start + 1, false),
            },
            c if c.is_ascii_digit() || (c == '.' && next.is_some_and(|n| n.is_ascii_digit())) => {
                (TokenKind::Number, self.number_end(start), false)
            }
            c if is_name_start(c) => {
                let end = self.run(start, is_name_char);
                let word = &src[start..end];
                let prefixed = word.len() == 1
                    && matches!(word, "E" | "e" | "N" | "n" | "X" | "x" | "B" | "b")
                    && self.char_at(end) == Some('\'');
                if prefixed {
                    let escapes = mysql
                        || (self.syntax == Syntax::Postgres && word.eq_ignore_ascii_case("e"));
                    (TokenKind::String, self.quoted(end, '\'', escapes), escapes)
                } else {
                    (TokenKind::Word, end, false)
                }
            }
            c => (TokenKind::Punct, start + c.len_utf8(), false),
        }
    }

    /// The end of a literal or quoted name opened by `quote` at `start`: a
    /// doubled quote stands for itself, and so does an escaped one.
    fn quoted(&self, start: usize, quote: char, escapes: bool) -> usize {
        let bytes = self.src.as_bytes();
        let q = quote as u8;
        let mut i = start + 1;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' if escapes => i += 2,
                b if b == q => {
                    if bytes.get(i + 1) == Some(&q) {
                        i += 2;
                    } else {
                        return i + 1;
                    }
                }
                _ => i += 1,
            }
        }
        self.src.len()
    }

    fn line_end(&self, start: usize) -> usize {
        self.src[start..]
            .find(['\n', '\r'])
            .map_or(self.src.len(), |n| start + n)
    }

    fn block_end(&self, start: usize) -> usize {
        let nests = self.syntax == Syntax::Postgres;
        let mut depth = 0usize;
        let mut i = start;
        while i + 1 < self.src.len() {
            match &self.src.as_bytes()[i..i + 2] {
                b"/*" if depth == 0 || nests => {
                    depth += 1;
                    i += 2;
                }
                b"*/" => {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        return i;
                    }
                }
                _ => i += 1,
            }
        }
        self.src.len()
    }

    /// The end of the dollar-quoted string opening at `start`, if `$` opens
    /// one there (`$$`, or `$tag$` with a tag shaped like a name without
    /// `$`); otherwise `$` is a parameter's sign (`$1`) or stray.
    fn dollar_string(&self, start: usize) -> Option<usize> {
        let rest = &self.src[start + 1..];
        let tag_len = rest.find('$')?;
        let tag = &rest[..tag_len];
        let valid = tag.chars().next().is_none_or(is_name_start)
            && tag.chars().all(|c| is_name_char(c) && c != '$');
        if !valid {
            return None;
        }
        let open = &self.src[start..start + tag_len + 2];
        let body = start + open.len();
        Some(
            self.src[body..]
                .find(open)
                .map_or(self.src.len(), |n| body + n + open.len()),
        )
    }

    fn number_end(&self, start: usize) -> usize {
        let bytes = self.src.as_bytes();
        let mut i = start;
        while i < bytes.len() {
            let b = bytes[i];
            let exponent_sign = matches!(b, b'+' | b'-')
                && i > start
                && matches!(bytes[i - 1], b'e' | b'E')
                && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
                && !bytes[start..i].starts_with(b"0x");
            if b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || exponent_sign {
                i += 1;
            } else {
                break;
            }
        }
        i
    }
}

/// The statements of `sql`, split at each `;` outside literals, quoted names
/// and comments, each without its `;` and trimmed of white space. Pieces
/// holding nothing but white space and comments are left out.
pub fn statements(sql: &str, syntax: Syntax) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut meaningful = false;
    for t in tokens(sql, syntax) {
        if t.is_punct(';') {
            if meaningful {
                out.push(sql[start..t.start].trim());
            }
            start = t.end();
            meaningful = false;
        } else if !t.is_trivia() {
            meaningful = true;
        }
    }
    if meaningful {
        out.push(sql[start..].trim());
    }
    out
}

/// The items of a comma-separated list (the inside of `(a, lower(b), c)`),
/// split at each comma outside parentheses, literals, quoted names and
/// comments, each trimmed of white space.
pub fn list_items(sql: &str, syntax: Syntax) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut start, mut depth) = (0, 0usize);
    for t in tokens(sql, syntax) {
        if t.is_punct('(') {
            depth += 1;
        } else if t.is_punct(')') {
            depth = depth.saturating_sub(1);
        } else if t.is_punct(',') && depth == 0 {
            out.push(sql[start..t.start].trim());
            start = t.end();
        }
    }
    if !sql[start..].trim().is_empty() || !out.is_empty() {
        out.push(sql[start..].trim());
    }
    out
}

/// The first token of `sql` that is not white space or a comment.
pub fn first_token(sql: &str, syntax: Syntax) -> Option<Token<'_>> {
    tokens(sql, syntax).find(|t| !t.is_trivia())
}

/// Whether a name in `sql` (outside literals and comments) refers to `name`,
/// by the rule of [`Token::names`].
pub fn mentions(sql: &str, syntax: Syntax, name: &str) -> bool {
    tokens(sql, syntax).any(|t| t.names(name))
}

/// `sql` with every name that refers to `from` (by the rule of
/// [`Token::names`]) written as `to`: bare where it was bare, in the same
/// quotes where it was quoted. Literals and comments are left as they are.
pub fn rename(sql: &str, syntax: Syntax, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    for t in tokens(sql, syntax) {
        if !t.names(from) {
            out.push_str(t.text);
        } else if t.kind == TokenKind::Word {
            out.push_str(to);
        } else {
            let open = t.text.chars().next().unwrap_or('"');
            let close = closing_quote(open);
            out.push(open);
            if close == ']' {
                out.push_str(to);
            } else {
                out.push_str(&to.replace(close, &format!("{close}{close}")));
            }
            out.push(close);
        }
    }
    out
}

/// The byte offset of the first bare word `keyword` (in any case) outside
/// literals, quoted names and comments.
pub fn find_keyword(sql: &str, syntax: Syntax, keyword: &str) -> Option<usize> {
    tokens(sql, syntax)
        .find(|t| t.is_keyword(keyword))
        .map(|t| t.start)
}

/// The byte offset of the `)` that closes the `(` at byte `open`, skipping
/// parentheses inside literals, quoted names and comments. `None` if `open`
/// is not a `(` or nothing closes it.
pub fn closing_paren(sql: &str, syntax: Syntax, open: usize) -> Option<usize> {
    if sql.as_bytes().get(open) != Some(&b'(') {
        return None;
    }
    let mut depth = 0usize;
    for t in tokens(&sql[open..], syntax) {
        if t.is_punct('(') {
            depth += 1;
        } else if t.is_punct(')') {
            depth -= 1;
            if depth == 0 {
                return Some(open + t.start);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests;
