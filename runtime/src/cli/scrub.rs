//! The last line of defence for secrets: every error the command line
//! prints goes through [`scrub`], which redacts any URL with credentials in
//! the text (a URL typed where a revision was expected, one echoed by a
//! driver) and the active URL's password wherever it appears.

use crate::database::redact;

/// The password of a URL, as written and percent-decoded.
fn passwords(url: &str) -> Vec<String> {
    let Some((_, rest)) = url.split_once("://") else {
        return Vec::new();
    };
    let before_query = rest.split('?').next().unwrap_or(rest);
    let mut out = Vec::new();
    if let Some((userinfo, _)) = before_query.rsplit_once('@') {
        if let Some((_, password)) = userinfo.split_once(':') {
            out.push(password.to_string());
        }
    }
    if let Some((_, query)) = rest.split_once('?') {
        for p in query.split('&') {
            if let Some((k, v)) = p.split_once('=') {
                if k.eq_ignore_ascii_case("password") {
                    out.push(v.to_string());
                }
            }
        }
    }
    let decoded: Vec<String> = out.iter().map(|p| percent_decode(p)).collect();
    out.extend(decoded);
    // Too short to replace without garbling the text; such a password only
    // ever appears inside a URL, which is redacted as a whole.
    out.retain(|p| p.chars().count() >= 4);
    out.sort_by_key(|p| std::cmp::Reverse(p.len()));
    out.dedup();
    out
}

fn percent_decode(s: &str) -> String {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push(high * 16 + low);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether a character ends a URL inside running text.
fn ends_url(c: char) -> bool {
    c.is_whitespace() || matches!(c, '`' | '"' | '\'' | '<' | '>')
}

/// `text` with every credentialed URL redacted and `url`'s password masked.
pub(super) fn scrub(text: &str, url: Option<&str>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("://") {
        // The scheme: the letters before `://`.
        let scheme_start = rest[..i]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '+' || c == '-' || c == '.'))
            .map_or(0, |p| p + 1);
        let end = rest[i..].find(ends_url).map_or(rest.len(), |e| i + e);
        out.push_str(&rest[..scheme_start]);
        out.push_str(&redact(&rest[scheme_start..end]));
        rest = &rest[end..];
    }
    out.push_str(rest);
    for password in url.map(passwords).unwrap_or_default() {
        out = out.replace(&password, "***");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_in_text_are_redacted() {
        assert_eq!(
            scrub("revision `postgres://app:hunter22@db/app` is unknown", None),
            "revision `postgres://app:***@db/app` is unknown"
        );
        assert_eq!(
            scrub("unexpected argument 'mysql://root:pa/ss@h/x' found", None),
            "unexpected argument 'mysql://root:***@h/x' found"
        );
        assert_eq!(
            scrub("see https://example.com/x", None),
            "see https://example.com/x"
        );
    }

    #[test]
    fn the_active_password_is_masked_anywhere() {
        let url = "postgres://app:hunter%2122@db/app?password=other-secret";
        assert_eq!(
            scrub(
                "failed: hunter!22 and hunter%2122 and other-secret",
                Some(url)
            ),
            "failed: *** and *** and ***"
        );
        // Too short to mask blindly; still redacted inside URLs.
        assert_eq!(scrub("a b c", Some("postgres://u:b@h/d")), "a b c");
    }
}
