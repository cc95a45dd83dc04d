//! The rules text fields follow, stated once. The validators in this crate apply them, and the
//! OpenAPI document describes them with the same patterns, so a schema-driven fuzzer and the
//! server agree on what is valid.
//!
//! Patterns are JSON Schema (ECMA-262) regular expressions, searched rather than anchored.

/// The characters that count as blank.
const BLANK: [char; 4] = [' ', '\t', '\n', '\r'];

/// Matches text that holds something other than blanks.
pub const NOT_BLANK_PATTERN: &str = "[^ \\t\\n\\r]";
/// Matches text holding a NUL character, which PostgreSQL cannot store.
pub const NUL_PATTERN: &str = "\\u0000";
/// Matches text holding a control character or a line or paragraph separator (forbidden in
/// single-line fields): C0 and C1 controls (U+0085, NEXT LINE, among them), DEL, U+2028, U+2029.
pub const CONTROL_PATTERN: &str = "[\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029]";
/// Matches the start of an absolute http(s) URL: scheme, host name (letters, digits, dots,
/// hyphens; internationalised names in their `xn--` form), optional port (1 to 65535, no
/// leading zero), then the end or a path, query or fragment.
pub const URL_START_PATTERN: &str = "^https?://[A-Za-z0-9][A-Za-z0-9.-]*\
     (:([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?([/?#]|$)";
/// Matches white space or a control character, neither allowed anywhere in a URL.
pub const URL_FORBIDDEN_PATTERN: &str = "[\\u0000-\\u0020\\u007f]";

/// True when `text` holds nothing but blanks.
pub fn is_blank(text: &str) -> bool {
    text.chars().all(|c| BLANK.contains(&c))
}

/// True when `text` holds a NUL character.
pub fn has_nul(text: &str) -> bool {
    text.contains('\0')
}

/// True when `text` holds what [`CONTROL_PATTERN`] matches.
pub fn has_control(text: &str) -> bool {
    text.chars().any(|c| c <= '\u{1f}' || ('\u{7f}'..='\u{9f}').contains(&c) || c == '\u{2028}' || c == '\u{2029}')
}

/// A DNS host name: dot-separated labels of letters, digits and inner hyphens, each 1 to 63
/// characters, 253 in all (internationalised names in their `xn--` form).
pub fn is_host_name(text: &str) -> bool {
    text.len() <= 253
        && text.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

/// What [`URL_START_PATTERN`] and [`URL_FORBIDDEN_PATTERN`] describe.
pub fn is_web_url(text: &str) -> bool {
    let Some(rest) = text.strip_prefix("https://").or_else(|| text.strip_prefix("http://")) else {
        return false;
    };
    let host_len = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-')).unwrap_or(rest.len());
    let (host, mut rest) = rest.split_at(host_len);
    if !host.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return false;
    }
    if let Some(port_and_rest) = rest.strip_prefix(':') {
        let digits = port_and_rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(port_and_rest.len());
        let port = &port_and_rest[..digits];
        if port.starts_with('0') || !port.parse::<u16>().is_ok_and(|p| p >= 1) {
            return false;
        }
        rest = &port_and_rest[digits..];
    }
    (rest.is_empty() || rest.starts_with(['/', '?', '#'])) && !text.chars().any(|c| c <= '\u{20}' || c == '\u{7f}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_means_only_spaces_tabs_and_line_breaks() {
        assert!(is_blank("") && is_blank(" \t\r\n"));
        assert!(!is_blank(" x ") && !is_blank("\u{3000}"));
    }

    #[test]
    fn line_breaks_of_every_kind_are_control_characters() {
        for text in ["a\nb", "a\rb", "a\u{7f}", "a\u{85}b", "a\u{2028}b", "a\u{2029}b", "\u{9f}"] {
            assert!(has_control(text), "{text:?}");
        }
        assert!(!has_control("Ünïcödé, tabs aside: « ok » \u{a0}"));
    }

    #[test]
    fn host_names_are_labels_of_letters_digits_and_hyphens() {
        for good in ["localhost", "example.com", "xn--bcher-kva.example", "a-b.c1"] {
            assert!(is_host_name(good), "{good}");
        }
        for bad in ["", "a&b.example.com", "-a.example", "a..b", "a_b.example", &"a".repeat(64)] {
            assert!(!is_host_name(bad), "{bad}");
        }
    }

    #[test]
    fn web_urls_start_with_a_scheme_and_a_host_character_and_hold_no_spaces() {
        for good in [
            "https://example.com",
            "http://a",
            "https://x.example:8443/p?q=1#f",
            "https://xn--bcher-kva.example/[x]",
            "http://a:1",
            "http://a:65535/",
        ] {
            assert!(is_web_url(good), "{good}");
        }
        for bad in [
            "ftp://x",
            "https://",
            "https:///x",
            "https://-x",
            "https://a b",
            "https://a\n",
            "javascript:x",
            "https://bücher.example/",
            "http://0[",
            "https://a:/",
            "https://a:123456/",
            "https://a:0/",
            "https://a:99999/",
            "https://a:65536",
            "https://a:080/",
            "https://a@b/",
        ] {
            assert!(!is_web_url(bad), "{bad}");
        }
    }
}
