//! The owner's Markdown, rendered to HTML with any raw HTML in it shown as text, so content can
//! never add scripts, styles or markup the Content-Security-Policy would have to allow.

use pulldown_cmark::{Event, Options, Parser, html};

/// Markdown to HTML; raw HTML blocks and inline tags are escaped.
pub fn to_html(markdown: &str) -> String {
    let events = Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        other => other,
    });
    let mut out = String::new();
    html::push_html(&mut out, events);
    out
}

#[cfg(test)]
mod tests {
    use super::to_html;

    #[test]
    fn formatting_is_rendered_and_raw_html_is_escaped() {
        let html = to_html("Hello **world** <script>alert(1)</script>\n\n<div onclick=x>hi</div>");
        assert!(html.contains("<strong>world</strong>"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
        assert!(!html.contains("<div"), "{html}");
    }
}
