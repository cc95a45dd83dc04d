//! The owner's Markdown (the biography, project descriptions), rendered to HTML that is safe to
//! insert as it is: raw HTML in the text is shown as text, and the result goes through ammonia,
//! so no script, event handler, style or `javascript:` link can come from the text, whatever
//! pulldown-cmark makes of it.

use std::collections::HashSet;
use std::sync::LazyLock;

use pulldown_cmark::{Event, Options, Parser, TagEnd, html};

/// Links and images may point only at these.
static SANITISER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder.url_schemes(HashSet::from(["http", "https", "mailto"])).link_rel(Some("noopener noreferrer nofollow"));
    builder
});

/// Markdown to safe HTML.
pub fn to_html(markdown: &str) -> String {
    let events = parser(markdown).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        other => other,
    });
    let mut out = String::new();
    html::push_html(&mut out, events);
    SANITISER.clean(&out).to_string()
}

/// The text of `markdown` on one line, without its markup (nor any raw HTML), cut after at most `max` characters
/// (at a word, with an ellipsis): for cards and `og:description`.
pub fn excerpt(markdown: &str, max: usize) -> String {
    let mut text = String::new();
    for event in parser(markdown) {
        match event {
            // Raw HTML is not prose: it is left out of the excerpt (the page shows it as text).
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) => {
                text.push(' ');
            }
            _ => {}
        }
    }
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= max {
        return line;
    }
    let cut: String = line.chars().take(max.saturating_sub(1)).collect();
    let at_word = cut.rfind(' ').map_or(cut.as_str(), |space| &cut[..space]);
    format!("{}…", at_word.trim_end_matches([',', ';', ':', '.', ' ']))
}

fn parser(markdown: &str) -> Parser<'_> {
    Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH)
}

#[cfg(test)]
mod tests {
    use super::{excerpt, to_html};

    #[test]
    fn formatting_is_rendered_and_raw_html_is_escaped() {
        let html = to_html("Hello **world** <script>alert(1)</script>\n\n<div onclick=x>hi</div>");
        assert!(html.contains("<strong>world</strong>"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
        assert!(!html.contains("<div"), "{html}");
    }

    #[test]
    fn links_keep_only_web_and_mail_addresses() {
        let html = to_html("[a](javascript:alert(1)) [b](https://example.com) [c](data:text/html,x) ![i](vbscript:x)");
        assert!(!html.contains("javascript:") && !html.contains("data:") && !html.contains("vbscript:"), "{html}");
        assert!(html.contains(r#"<a href="https://example.com" rel="noopener noreferrer nofollow">b</a>"#), "{html}");
    }

    #[test]
    fn an_excerpt_is_one_line_of_text_cut_at_a_word() {
        assert_eq!(
            excerpt("# Title\n\nSome **bold**\ntext, `code`.\n\n- one\n- two", 100),
            "Title Some bold text, code. one two"
        );
        assert_eq!(excerpt("alpha beta gamma delta", 12), "alpha beta…");
    }
}
