//! Project descriptions are Markdown: rendered on the site, with nothing hostile in the text
//! reaching the page as markup, and one line of plain text on cards and in `og:description`.

use serde_json::json;

use crate::common::{DatabaseKind, serve};

const HOSTILE: &str = "Some **bold** and a [site](https://example.com).\n\n\
    <script>alert(1)</script>\n\n\
    [click me](javascript:alert(2)) [data](data:text/html;base64,PHNjcmlwdD4=)\n\n\
    <img src=x onerror=alert(3)> ![pic](https://example.com/p.png \"t\")\n\n\
    <b onclick=\"alert(4)\">raw</b> <iframe src=https://evil.example></iframe>";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_markdown_is_rendered_inert_and_the_api_keeps_the_text_as_written() {
    let app = serve(DatabaseKind::Sqlite, &[]).await;
    let created = app.create_project(json!({"title": "Hostile", "description": HOSTILE})).await;
    let slug = created["slug"].as_str().expect("slug");
    assert_eq!(created["description"], HOSTILE, "the API keeps the text as written");

    let page = app.get(&format!("/projects/{slug}")).await.text().await.expect("page");
    let body = &page[page.find("<article>").expect("the article")..];
    assert!(body.contains("<strong>bold</strong>"), "{body}");
    assert!(body.contains(r#"<a href="https://example.com" rel="noopener noreferrer nofollow">site</a>"#), "{body}");
    assert!(body.contains(r#"<img src="https://example.com/p.png" alt="pic" title="t">"#), "{body}");
    for markup in ["<script", "<iframe", "<b ", "<img src=x", "<img src=\"x\"", "javascript:", "data:text"] {
        assert!(!body.contains(markup), "{markup:?} reached the page: {body}");
    }
    assert!(body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "raw HTML is shown as text: {body}");
    assert!(body.contains("&lt;b onclick="), "an event handler only as text: {body}");

    let summary = "Some bold and a site. click me data pic raw";
    let og = format!(r#"<meta property="og:description" content="{summary}"#);
    assert!(page.contains(&og), "one line of text in og:description: {page}");
    let list = app.get("/projects").await.text().await.expect("list");
    let card = &list[list.find(r#"<li class="card">"#).expect("a card")..];
    let excerpt = &card[card.find("<p>").expect("excerpt") + 3..card.find("</p>").expect("end")];
    assert!(
        !excerpt.contains('\n') && !excerpt.contains("**") && excerpt.starts_with("Some bold and a site."),
        "{excerpt}"
    );
}
