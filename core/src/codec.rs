//! The embedded form of a [`Migration`]: what `#[migration]` writes into
//! `MIGRATION` and hands to the `migrations!` chain, one string per
//! migration.
//!
//! The fields are `<byte length>:<bytes>` strings, options `-` or
//! `+<value>`, lists `<count>;<items>`; each body is one string holding the
//! canonical text of its ops (`op.a(..);\nop.b(..);`), read back by the
//! vocabulary's own reader, so that there is one way to write an op.

use std::borrow::Cow;
use std::fmt::Write;

use crate::migration::Migration;
use crate::model::{Op, Str};
use crate::vocabulary;

/// The migration in the embedded form.
pub fn encode(m: &Migration) -> String {
    let mut w = Writer(String::new());
    w.str(&m.revision);
    w.opt(&m.down_revision);
    w.str(&m.message);
    w.opt(&m.irreversible);
    w.num(m.allow.len());
    for rule in m.allow.iter() {
        w.str(rule);
    }
    w.opt(&m.imported);
    w.num(usize::from(m.transaction));
    w.str(&body_text(&m.upgrade));
    w.str(&body_text(&m.downgrade));
    w.str(&m.checksum);
    w.0
}

/// The migration back from [`encode`]'s form; `None` for anything else.
pub fn decode(text: &str) -> Option<Migration> {
    let mut r = Reader { text, at: 0 };
    let revision = r.str()?;
    let down_revision = r.opt()?;
    let message = r.str()?;
    let irreversible = r.opt()?;
    let allow = (0..r.num()?).map(|_| r.str()).collect::<Option<Vec<_>>>()?;
    let imported = r.opt()?;
    let transaction = match r.num()? {
        0 => false,
        1 => true,
        _ => return None,
    };
    let upgrade = read_body(&r.str()?)?;
    let downgrade = read_body(&r.str()?)?;
    let checksum = r.str()?;
    (r.at == text.len()).then_some(Migration {
        revision,
        down_revision,
        message,
        irreversible,
        allow: Cow::Owned(allow),
        imported,
        transaction,
        upgrade: Cow::Owned(upgrade),
        downgrade: Cow::Owned(downgrade),
        checksum,
    })
}

/// The canonical text of a body, an op a line.
fn body_text(ops: &[Op]) -> String {
    let mut text = String::new();
    for op in ops {
        // Writing to a String cannot fail.
        let _ = writeln!(text, "{op};");
    }
    text
}

/// A body back from its text. What the macro checked is not checked again
/// (a name valid then stays valid): only what cannot be read fails.
fn read_body(text: &str) -> Option<Vec<Op>> {
    vocabulary::read_statements(text, &mut Vec::new()).ok()
}

struct Writer(String);

impl Writer {
    fn str(&mut self, s: &str) {
        let _ = write!(self.0, "{}:{s}", s.len());
    }

    fn num(&mut self, n: usize) {
        let _ = write!(self.0, "{n};");
    }

    fn opt(&mut self, v: &Option<Str>) {
        match v {
            None => self.0.push('-'),
            Some(s) => {
                self.0.push('+');
                self.str(s);
            }
        }
    }
}

struct Reader<'t> {
    text: &'t str,
    at: usize,
}

impl Reader<'_> {
    /// Digits up to `end`, which is consumed.
    fn digits(&mut self, end: char) -> Option<usize> {
        let rest = &self.text[self.at..];
        let len = rest.find(end)?;
        let n = rest[..len].parse().ok()?;
        self.at += len + 1;
        Some(n)
    }

    fn num(&mut self) -> Option<usize> {
        self.digits(';')
    }

    fn str(&mut self) -> Option<Str> {
        let len = self.digits(':')?;
        let s = self.text.get(self.at..self.at.checked_add(len)?)?;
        self.at += len;
        Some(Cow::Owned(s.to_string()))
    }

    fn opt(&mut self) -> Option<Option<Str>> {
        match self.text[self.at..].chars().next()? {
            '-' => {
                self.at += 1;
                Some(None)
            }
            '+' => {
                self.at += 1;
                self.str().map(Some)
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocabulary::tests::EVERY_OP;

    fn migration(upgrade: Vec<Op>) -> Migration {
        Migration {
            revision: "r2".into(),
            down_revision: Some("r1".into()),
            message: "every op".into(),
            irreversible: None,
            allow: vec!["rule-a".into()].into(),
            imported: None,
            transaction: true,
            upgrade: upgrade.into(),
            downgrade: vec![].into(),
            checksum: "abc".into(),
        }
    }

    #[test]
    fn every_op_survives_the_round_trip() {
        let m = migration(vocabulary::parse_ops(EVERY_OP).expect("the fixture reads"));
        assert_eq!(decode(&encode(&m)), Some(m.clone()));
        let base = Migration {
            down_revision: None,
            irreversible: Some("drops data".into()),
            imported: Some("diesel".into()),
            transaction: false,
            ..m
        };
        assert_eq!(decode(&encode(&base)), Some(base));
    }

    #[test]
    fn anything_else_is_refused() {
        let text = encode(&migration(
            vocabulary::parse_ops(EVERY_OP).expect("the fixture reads"),
        ));
        // Every cut and a trailing byte: refused, never a panic.
        for end in 0..text.len() {
            if text.is_char_boundary(end) {
                assert_eq!(decode(&text[..end]), None, "cut at {end}");
            }
        }
        assert_eq!(decode(&format!("{text}x")), None);
        assert_eq!(decode("99999999999999999999;"), None);
        assert_eq!(decode("3:ab"), None);
    }
}
