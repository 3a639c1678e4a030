//! Reading the canonical text back: `op.create_index("idx", "users",
//! ["email"]).unique();`. Only the DSL's syntax, written the way the
//! printer writes it (and any white space between tokens), so that the
//! embedded form of a migration and test fixtures are plain DSL text.

use std::borrow::Cow;

use super::call::{Call, Value, ValueKind};

/// The op calls of `text` (`op.a(..); op.b(..);`), each with the byte offset
/// of every part; or what is wrong, at which byte.
pub fn statements(text: &str) -> Result<Vec<Call<usize>>, String> {
    let mut p = Parser { text, at: 0 };
    let calls = p.statements(None)?;
    p.skip_ws();
    if p.at < text.len() {
        return Err(p.error("expected `op.<operation>(..);`"));
    }
    Ok(calls)
}

struct Parser<'t> {
    text: &'t str,
    at: usize,
}

impl Parser<'_> {
    fn error(&self, what: &str) -> String {
        format!("at byte {}: {what}", self.at)
    }

    fn rest(&self) -> &str {
        &self.text[self.at..]
    }

    fn skip_ws(&mut self) {
        let rest = self.rest();
        self.at += rest.len() - rest.trim_start().len();
    }

    /// Skips white space, then `token` if it comes next.
    fn eat(&mut self, token: &str) -> bool {
        self.skip_ws();
        if self.rest().starts_with(token) {
            self.at += token.len();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, token: &str) -> Result<(), String> {
        if self.eat(token) {
            Ok(())
        } else {
            Err(self.error(&format!("expected `{token}`")))
        }
    }

    fn ident(&mut self) -> Result<(usize, &str), String> {
        self.skip_ws();
        let start = self.at;
        let len = self
            .rest()
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(self.rest().len());
        if len == 0 || self.rest().starts_with(|c: char| c.is_ascii_digit()) {
            return Err(self.error("expected a name"));
        }
        self.at += len;
        Ok((start, &self.text[start..self.at]))
    }

    /// `op.call(..)..;` until the end, or until `}` when `end` is `Some`.
    fn statements(&mut self, end: Option<&str>) -> Result<Vec<Call<usize>>, String> {
        let mut calls = Vec::new();
        loop {
            self.skip_ws();
            if self.at == self.text.len() || end.is_some_and(|e| self.rest().starts_with(e)) {
                return Ok(calls);
            }
            let (_, receiver) = self.ident()?;
            if receiver != "op" {
                return Err(self.error("expected `op.<operation>(..)`"));
            }
            self.expect(".")?;
            calls.push(self.call()?);
            self.expect(";")?;
        }
    }

    /// `name(args)` and its options.
    fn call(&mut self) -> Result<Call<usize>, String> {
        let (start, name) = self.ident()?;
        let name = Cow::Owned(name.to_string());
        let args = self.args()?;
        let mut call = Call {
            name,
            at: start,
            name_at: start,
            args,
            options: Vec::new(),
        };
        while self.eat(".") {
            let (start, name) = self.ident()?;
            let name = Cow::Owned(name.to_string());
            let args = self.args()?;
            call.options.push(Call {
                name,
                at: start,
                name_at: start,
                args,
                options: Vec::new(),
            });
        }
        Ok(call)
    }

    fn args(&mut self) -> Result<Vec<Value<usize>>, String> {
        self.expect("(")?;
        self.list(")")
    }

    /// Values separated by commas, up to `close`.
    fn list(&mut self, close: &str) -> Result<Vec<Value<usize>>, String> {
        let mut values = Vec::new();
        loop {
            if self.eat(close) {
                return Ok(values);
            }
            if !values.is_empty() {
                self.expect(",")?;
                if self.eat(close) {
                    return Ok(values);
                }
            }
            values.push(self.value()?);
        }
    }

    fn value(&mut self) -> Result<Value<usize>, String> {
        self.skip_ws();
        let at = self.at;
        let c = self
            .rest()
            .chars()
            .next()
            .ok_or_else(|| self.error("expected a value"))?;
        let kind = match c {
            '"' => ValueKind::Str(Cow::Owned(self.string()?)),
            '[' => {
                self.at += 1;
                ValueKind::List(self.list("]")?)
            }
            '|' => {
                self.at += 1;
                self.ident()?;
                self.expect("|")?;
                self.expect("{")?;
                let body = self.statements(Some("}"))?;
                self.expect("}")?;
                ValueKind::Body(body)
            }
            '-' | '0'..='9' => self.number(),
            _ => {
                let (_, first) = self.ident()?;
                let mut path = first.to_string();
                match first {
                    "true" => {
                        return Ok(Value {
                            kind: ValueKind::Bool(true),
                            at,
                        })
                    }
                    "false" => {
                        return Ok(Value {
                            kind: ValueKind::Bool(false),
                            at,
                        })
                    }
                    _ => {}
                }
                while self.rest().starts_with("::") {
                    self.at += 2;
                    path.push_str("::");
                    path.push_str(self.ident()?.1);
                }
                self.skip_ws();
                if self.rest().starts_with('(') {
                    self.at = at;
                    ValueKind::Call(self.call()?)
                } else {
                    ValueKind::Path(Cow::Owned(path))
                }
            }
        };
        Ok(Value { kind, at })
    }

    fn number(&mut self) -> ValueKind<usize> {
        let rest = self.rest();
        let len = rest
            .char_indices()
            .find(|&(i, c)| {
                !(c.is_ascii_digit()
                    || c == '.'
                    || c == 'e'
                    || c == 'E'
                    || (c == '-' && (i == 0 || rest[..i].ends_with(['e', 'E']))))
            })
            .map_or(rest.len(), |(i, _)| i);
        let text = rest[..len].to_string();
        self.at += len;
        if text.contains(['.', 'e', 'E']) {
            ValueKind::Float(Cow::Owned(text))
        } else {
            ValueKind::Int(Cow::Owned(text))
        }
    }

    /// A string literal as Rust's `{:?}` writes it.
    fn string(&mut self) -> Result<String, String> {
        let mut out = String::new();
        let mut chars = self.rest().char_indices().skip(1);
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    self.at += i + 1;
                    return Ok(out);
                }
                '\\' => {
                    let escaped = match chars.next().map(|(_, c)| c) {
                        Some('n') => '\n',
                        Some('r') => '\r',
                        Some('t') => '\t',
                        Some('0') => '\0',
                        Some(c @ ('\\' | '"' | '\'')) => c,
                        Some('u') if self.rest()[i + 2..].starts_with('{') => {
                            let (start, end) = (self.at + i + 3, self.rest()[i..].find('}'));
                            let code = end
                                .and_then(|e| self.text.get(start..self.at + i + e))
                                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                                .and_then(char::from_u32);
                            let (Some(code), Some(e)) = (code, end) else {
                                return Err(self.error("a bad `\\u{..}` escape"));
                            };
                            // Skip what follows the `u`: `{hex}`.
                            while chars.next().is_some_and(|(j, _)| j < i + e) {}
                            code
                        }
                        _ => return Err(self.error("an unknown escape in a string")),
                    };
                    out.push(escaped);
                }
                c => out.push(c),
            }
        }
        Err(self.error("a string without its closing `\"`"))
    }
}
