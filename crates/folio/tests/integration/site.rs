//! The site over HTTP: every page, escaping of hostile project text, the no-JavaScript contact
//! flow, caching and security headers, and `folio web` reading a separate API, including the
//! API going away.

use std::time::Duration;

use crate::common::{ADMIN_TOKEN, DatabaseKind, TestApp, json_with_status, spawn, spawn_with};
use folio::config::Role;
use reqwest::redirect::Policy;
use serde_json::{Value, json};

async fn serve(extra: &[(&str, &str)]) -> TestApp {
    crate::common::serve(DatabaseKind::Sqlite, extra).await
}

async fn text(app: &TestApp, path: &str, status: u16) -> String {
    let response = app.get(path).await;
    let got = response.status().as_u16();
    let body = response.text().await.expect("body");
    assert_eq!(got, status, "{path}: {body}");
    body
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder().redirect(Policy::none()).build().expect("client")
}

#[tokio::test]
async fn every_page_renders_with_its_content_and_the_current_page_marked() {
    let app = serve(&[]).await;
    let home = text(&app, "/", 200).await;
    assert!(home.contains("<h1 id=\"hero-title\">Jordan Avery</h1>"));
    assert!(home.contains("<a href=\"/\" aria-current=\"page\">Home</a>"));
    assert!(home.contains("<title>Jordan Avery</title>"));
    assert!(home.contains("<meta property=\"og:title\""));
    let about = text(&app, "/about", 200).await;
    assert!(about.contains("<title>About · Jordan Avery</title>"));
    assert!(about.contains("<strong>infrastructure as code"), "Markdown rendered");
    assert!(about.contains("Lisbon, Portugal"));
    assert!(text(&app, "/projects", 200).await.contains("No projects are published yet"));
    let contact = text(&app, "/contact", 200).await;
    assert!(contact.contains("<form method=\"post\" action=\"/contact\""));
    assert!(contact.contains("<label for=\"email\">"));
    let missing = text(&app, "/no/such/page", 404).await;
    assert!(missing.contains("Page not found") && missing.contains("/no/such/page"));
    assert!(text(&app, "/projects/not-a-uuid", 404).await.contains("Page not found"));
    assert!(text(&app, "/error.html", 200).await.contains("taking a short break"));

    let health = json_with_status(app.get("/health").await, 200).await;
    assert_eq!((health["status"].clone(), health["service"].clone()), (json!("healthy"), json!("frontend")));
    let robots = text(&app, "/robots.txt", 200).await;
    assert!(robots.contains("Disallow: /api/") && robots.contains("Sitemap: http://localhost:"));
    let sitemap = text(&app, "/sitemap.xml", 200).await;
    assert!(sitemap.contains("<loc>http://localhost:") && sitemap.contains("/about</loc>"));
}

/// An empty list of competencies used to leave its heading above nothing.
#[tokio::test]
async fn owner_content_without_competencies_shows_no_empty_section() {
    let demo = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../folio-site/content/site.toml"))
        .expect("the demo content");
    let mut lines = demo.lines();
    let mut site = String::new();
    while let Some(line) = lines.next() {
        if line == "[[competencies]]" {
            lines.nth(1); // its title and description
            continue;
        }
        site.push_str(line);
        site.push('\n');
    }
    assert!(!site.contains("competencies"), "{site}");
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("site.toml"), site).expect("write");
    std::fs::write(dir.path().join("about.md"), "A biography.").expect("write");
    let app = serve(&[("CONTENT_DIR", dir.path().to_str().expect("UTF-8"))]).await;
    let home = text(&app, "/", 200).await;
    assert!(home.contains("<h1 id=\"hero-title\">Jordan Avery</h1>"), "{home}");
    assert!(!home.contains("What I do") && !home.contains("competencies-title"), "{home}");
}

#[tokio::test]
async fn hostile_project_text_is_escaped_everywhere() {
    let app = serve(&[]).await;
    let hostile = app
        .create_project(json!({
            "title": "<script>alert('t')</script>",
            "description": "\"><img src=x onerror=alert(1)>\n\nSecond paragraph & more",
            "technologies": ["</li><script>x()</script>"],
            "projectUrl": "https://example.com/?a=1&b=\"2\"",
        }))
        .await;
    let slug = hostile["slug"].as_str().expect("slug");
    assert_eq!(slug, "script-alert-t-script", "letters and digits only");
    for path in ["/projects".to_owned(), format!("/projects/{slug}"), "/sitemap.xml".to_owned()] {
        let body = text(&app, &path, 200).await;
        assert!(!body.contains("<script>"), "{path} has a raw script tag");
        assert!(!body.contains("<img src=x"), "{path} has a raw img tag");
    }
    let detail = text(&app, &format!("/projects/{slug}"), 200).await;
    assert!(detail.contains("<h1>&#60;script&#62;alert(&#39;t&#39;)&#60;/script&#62;</h1>"), "{detail}");
    assert!(detail.contains("<p>\"&gt;&lt;img src=x onerror=alert(1)&gt;</p>"), "{detail}");
    assert!(detail.contains("<p>Second paragraph &amp; more</p>"), "{detail}");
}

#[tokio::test]
async fn a_project_created_through_the_api_appears_at_once_and_hidden_ones_do_not() {
    let app = serve(&[("SITE_CACHE_SECONDS", "600")]).await;
    assert!(text(&app, "/projects", 200).await.contains("No projects are published yet"));
    let shown = app
        .create_project(json!({"title": "Fresh project", "description": "Just created", "technologies": ["Rust"]}))
        .await;
    let hidden =
        app.create_project(json!({"title": "Hidden project", "description": "Not active", "isActive": false})).await;
    let list = text(&app, "/projects", 200).await;
    assert!(list.contains("Fresh project") && list.contains("<li>Rust</li>"), "{list}");
    assert!(!list.contains("Hidden project"));
    text(&app, &format!("/projects/{}", shown["slug"].as_str().expect("slug")), 200).await;
    text(&app, &format!("/projects/{}", hidden["slug"].as_str().expect("slug")), 404).await;
    text(&app, &format!("/projects/{}", hidden["id"].as_str().expect("id")), 404).await;
    let sitemap = text(&app, "/sitemap.xml", 200).await;
    assert!(sitemap.contains("/projects/fresh-project</loc>"), "{sitemap}");
}

async fn contact_messages(app: &TestApp) -> Value {
    let listed = app.client.get(app.url("/api/contact-messages")).bearer_auth(ADMIN_TOKEN).send().await.expect("send");
    json_with_status(listed, 200).await
}

#[tokio::test]
async fn the_contact_form_works_without_javascript() {
    let app = serve(&[]).await;
    let client = no_redirects();
    let form = [
        ("name", "Grace Hopper"),
        ("email", "grace@example.org"),
        ("subject", "A bug"),
        ("message", "I found a moth in the relay."),
        ("website", ""),
    ];
    let sent = client.post(app.url("/contact")).form(&form).send().await.expect("send");
    assert_eq!(sent.status(), 303);
    // No SMTP here: the visitor is told the message waits in the inbox, not that it was e-mailed.
    assert_eq!(sent.headers()["location"], "/contact/received");
    let received = text(&app, "/contact/received", 200).await;
    assert!(received.contains("your message was received and waits in my inbox"), "{received}");
    assert!(!received.contains("on its way"));
    let stored = contact_messages(&app).await;
    assert_eq!(stored[0]["subject"], "A bug");
    assert_eq!(stored[0]["message"], "I found a moth in the relay.");
}

#[tokio::test]
async fn the_atom_feed_lists_the_shown_projects_and_every_page_links_to_it() {
    let app = serve(&[("PUBLIC_BASE_URL", "https://folio.example")]).await;
    let shown = app
        .create_project(json!({"title": "Tom & <Jerry>", "description": "**Bold** move\n\n<script>x()</script>"}))
        .await;
    app.create_project(json!({"title": "Draft", "description": "d", "isActive": false})).await;
    let response = app.get("/feed.xml").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/atom+xml; charset=utf-8");
    let xml = response.text().await.expect("feed");
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("not well-formed XML: {e}\n{xml}"));
    fn atom(node: roxmltree::Node<'_, '_>, name: &str) -> Option<String> {
        let child = node.children().find(|c| c.has_tag_name(("http://www.w3.org/2005/Atom", name)))?;
        Some(child.text().unwrap_or_default().to_owned())
    }
    let feed = doc.root_element();
    assert!(feed.has_tag_name(("http://www.w3.org/2005/Atom", "feed")), "{xml}");
    assert_eq!(atom(feed, "id").as_deref(), Some("https://folio.example/"));
    assert_eq!(atom(feed, "updated").as_deref(), shown["updatedAt"].as_str());
    let entries: Vec<_> = feed.children().filter(|c| c.has_tag_name("entry")).collect();
    assert_eq!(entries.len(), 1, "the draft is not in the feed: {xml}");
    let entry = entries[0];
    assert_eq!(atom(entry, "id"), Some(format!("urn:uuid:{}", shown["id"].as_str().expect("id"))));
    assert_eq!(
        atom(entry, "title").as_deref(),
        Some("Tom & <Jerry>"),
        "escaped in the XML, the title itself once parsed"
    );
    assert_eq!(atom(entry, "summary").as_deref(), Some("Bold move"));
    let html = atom(entry, "content").expect("content");
    assert!(html.contains("<strong>Bold</strong>") && !html.contains("<script"), "{html}");
    let link = entry.children().find(|c| c.has_tag_name("link")).and_then(|l| l.attribute("href"));
    assert_eq!(
        link.map(str::to_owned),
        Some(format!("https://folio.example/projects/{}", shown["slug"].as_str().expect("slug")))
    );
    for path in ["/", "/about", "/projects", "/contact"] {
        let page = text(&app, path, 200).await;
        assert!(
            page.contains(
                r#"<link rel="alternate" type="application/atom+xml" title="Projects (Atom feed)" href="/feed.xml">"#
            ),
            "{path}"
        );
    }
}

#[tokio::test]
async fn with_smtp_the_visitor_is_told_the_message_is_on_its_way() {
    let sink = folio_testkit::SmtpSink::start().await;
    let url = sink.url();
    let mail = [("SMTP_URL", url.as_str()), ("CONTACT_TO", "owner@folio.test"), ("CONTACT_FROM", "site@folio.test")];
    let app = serve(&mail).await;
    let form = [("name", "Ada"), ("email", "ada@example.org"), ("subject", "Hi"), ("message", "A message for you.")];
    let sent = no_redirects().post(app.url("/contact")).form(&form).send().await.expect("send");
    assert_eq!(sent.status(), 303);
    assert_eq!(sent.headers()["location"], "/contact/thanks");
    assert!(text(&app, "/contact/thanks", 200).await.contains("your message is on its way"));
}

#[tokio::test]
async fn form_errors_are_shown_next_to_each_field_with_the_input_kept() {
    let app = serve(&[]).await;
    let form =
        [("name", "<b>Ada</b>"), ("email", "not-an-address"), ("subject", ""), ("message", "short"), ("website", "")];
    let answer = no_redirects().post(app.url("/contact")).form(&form).send().await.expect("send");
    assert_eq!(answer.status(), 400);
    let page = answer.text().await.expect("body");
    assert!(page.contains("id=\"email-error\">Email must be a valid e-mail address.</p>"), "{page}");
    assert!(page.contains("id=\"subject-error\">Subject must not be empty.</p>"));
    assert!(page.contains("id=\"message-error\">Message must be at least 10 characters, got 5.</p>"));
    assert!(page.contains("aria-invalid=\"true\" aria-describedby=\"email-error\""));
    assert!(page.contains("value=\"not-an-address\""), "input kept");
    assert!(page.contains("value=\"&#60;b&#62;Ada&#60;/b&#62;\""), "input kept, escaped: {page}");
    assert!(page.contains(">short</textarea>"), "the message is kept");
    assert!(!page.contains("name-error"), "a valid field shows no error");
    assert_eq!(contact_messages(&app).await, json!([]));
}

/// The form used to read twice the API's limit and echo a 1.5 MB message back in its error page.
#[tokio::test]
async fn an_oversized_form_gets_413_and_no_page_echoes_more_than_the_form_accepts() {
    let app = serve(&[]).await;
    let post = |message: String| {
        let form =
            [("name", "N"), ("email", "n@example.org"), ("subject", "S"), ("message", &message), ("website", "")]
                .map(|(k, v)| (k.to_owned(), v.to_owned()));
        no_redirects().post(app.url("/contact")).form(&form).send()
    };
    let huge = post("y".repeat(1_500_000)).await.expect("send");
    assert_eq!(huge.status(), 413);
    let page = huge.text().await.expect("body");
    assert!(page.len() < 64 * 1024, "a {} byte page", page.len());
    assert!(page.contains("far longer than a message may be"), "{page}");

    let long = post("z".repeat(900_000)).await.expect("send");
    assert_eq!(long.status(), 400);
    let page = long.text().await.expect("body");
    assert!(page.len() < 64 * 1024, "a {} byte page", page.len());
    assert!(page.contains("Message must be at most 5000 characters, got 900000."), "{page:.2000}");
    assert!(page.contains(&format!(">{}</textarea>", "z".repeat(5000))), "the text is kept up to the limit");
    assert_eq!(contact_messages(&app).await, json!([]));
}

#[tokio::test]
async fn the_form_refuses_cross_site_posts_drops_bots_and_rate_limits() {
    let app = serve(&[("CONTACT_RATE_LIMIT_PER_HOUR", "1")]).await;
    let client = no_redirects();
    let form = [
        ("name", "N"),
        ("email", "n@example.org"),
        ("subject", "S"),
        ("message", "A perfectly fine message."),
        ("website", ""),
    ];
    let cross =
        client.post(app.url("/contact")).header("sec-fetch-site", "cross-site").form(&form).send().await.expect("send");
    assert_eq!(cross.status(), 403);
    let mut bot = form;
    bot[4] = ("website", "http://spam.example");
    assert_eq!(client.post(app.url("/contact")).form(&bot).send().await.expect("send").status(), 303);
    assert_eq!(contact_messages(&app).await, json!([]), "the bot's message is not stored");
    let again = client
        .post(app.url("/contact"))
        .header("sec-fetch-site", "same-origin")
        .form(&form)
        .send()
        .await
        .expect("send");
    assert_eq!(again.status(), 429, "the bot used this client's only message for the hour");
    assert!(again.headers().contains_key("retry-after"));
    let page = again.text().await.expect("body");
    assert!(page.contains("You have sent several messages already"), "{page}");
    assert!(page.contains(">A perfectly fine message.</textarea>"), "the visitor's text is kept");
}

#[tokio::test]
async fn pages_carry_a_strict_policy_revalidate_and_compress() {
    let app = serve(&[("TRUSTED_PROXIES", "127.0.0.1/32")]).await;
    let page = app.get("/about").await;
    let csp = page.headers()["content-security-policy"].to_str().expect("ascii").to_owned();
    assert!(csp.starts_with("default-src 'none'") && !csp.contains("script-src") && !csp.contains("unsafe"), "{csp}");
    // Browsers revalidate every visit; the edge in front may keep the page (tests/edge.rs).
    assert_eq!(page.headers()["cache-control"], folio::edge_cache::EDGE_POLICY);
    assert!(page.headers().get("strict-transport-security").is_none(), "plain HTTP gets no HSTS");
    let etag = page.headers()["etag"].clone();
    let again = app.client.get(app.url("/about")).header("if-none-match", etag).send().await.expect("send");
    assert_eq!(again.status(), 304);
    let https = app.client.get(app.url("/")).header("x-forwarded-proto", "https").send().await.expect("send");
    assert_eq!(https.headers()["strict-transport-security"], "max-age=63072000; includeSubDomains");
    let raw = reqwest::Client::builder().no_gzip().no_brotli().build().expect("client");
    let compressed = raw.get(app.url("/")).header("accept-encoding", "br, gzip").send().await.expect("send");
    assert_eq!(compressed.headers()["content-encoding"], "br");
}

#[tokio::test]
async fn assets_are_fingerprinted_cached_for_a_year_and_never_read_from_disk() {
    let app = serve(&[]).await;
    let home = text(&app, "/", 200).await;
    let css = home
        .split("<link rel=\"stylesheet\" href=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("stylesheet link");
    assert!(
        css.starts_with("/assets/site.") && css.ends_with(".css") && css.len() == "/assets/site.12345678.css".len(),
        "{css}"
    );
    let asset = app.get(css).await;
    assert_eq!(asset.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(asset.headers()["content-type"], "text/css; charset=utf-8");
    for probe in [
        "/assets/site.css",
        "/assets/..%2f..%2fCargo.toml",
        "/assets/%2e%2e/%2e%2e/etc/passwd",
        "/assets/../../Cargo.toml",
    ] {
        let status = app.get(probe).await.status();
        assert_eq!(status, 404, "{probe}");
    }
    assert_eq!(no_redirects().get(app.url("/favicon.ico")).send().await.expect("send").status(), 301);
}

#[tokio::test]
async fn page_views_are_counted_by_route_and_serve_carries_both_services() {
    let app = serve(&[]).await;
    text(&app, "/", 200).await;
    text(&app, "/", 200).await;
    let created = app.create_project(TestApp::project("counted")).await;
    text(&app, &format!("/projects/{}", created["slug"].as_str().expect("slug")), 200).await;
    let metrics = text(&app, "/api/metrics", 200).await;
    assert!(metrics.contains("frontend_page_views_total{method=\"GET\",page=\"/\"} 2"), "{metrics}");
    assert!(metrics.contains("frontend_page_views_total{method=\"GET\",page=\"/projects/{slug}\"} 1"));
    assert!(metrics.contains("frontend_uptime_seconds") && metrics.contains("backend_uptime_seconds"));
}

#[tokio::test]
async fn web_reads_a_separate_api_forwards_the_form_and_survives_the_api_going_away() {
    let api = spawn(DatabaseKind::Sqlite, &[]).await;
    api.create_project(json!({"title": "Remote project", "description": "Served by the API role"})).await;
    let api_url = api.url("");
    let web =
        spawn_with(Role::Site, vec![("API_URL".into(), api_url)], Box::new(()), &[("SITE_CACHE_SECONDS", "0.2")]).await;

    assert!(text(&web, "/projects", 200).await.contains("Remote project"));
    let form = [
        ("name", "Web"),
        ("email", "web@example.org"),
        ("subject", "Via the site"),
        ("message", "Forwarded to the API role."),
        ("website", ""),
    ];
    let sent = no_redirects().post(web.url("/contact")).form(&form).send().await.expect("send");
    assert_eq!(sent.status(), 303);
    assert_eq!(sent.headers()["location"], "/contact/received", "the API has no SMTP, and said so");
    assert_eq!(contact_messages(&api).await[0]["subject"], "Via the site");
    let metrics = text(&web, "/api/metrics", 200).await;
    assert!(metrics.contains("frontend_info") && !metrics.contains("backend_info"));
    json_with_status(web.get("/api/projects").await, 404).await;

    api.stop().await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let stale = text(&web, "/projects", 200).await;
    assert!(stale.contains("Remote project"), "the last list is served while the API is away");
    let down = no_redirects().post(web.url("/contact")).form(&form).send().await.expect("send");
    assert_eq!(down.status(), 503);
    assert!(down.text().await.expect("body").contains("could not be sent right now"));

    let metrics = text(&web, "/api/metrics", 200).await;
    for needle in [
        "frontend_project_cache_lookups_total{result=\"miss\"} 1",
        "frontend_project_cache_lookups_total{result=\"stale\"} 1",
        "frontend_api_calls_total{endpoint=\"/api/projects\",method=\"GET\",outcome=\"ok\"} 1",
        "frontend_api_calls_total{endpoint=\"/api/projects\",method=\"GET\",outcome=\"unavailable\"} 1",
        "frontend_api_calls_total{endpoint=\"/api/contact\",method=\"POST\",outcome=\"ok\"} 1",
        "frontend_api_calls_total{endpoint=\"/api/contact\",method=\"POST\",outcome=\"unavailable\"} 1",
        "frontend_api_call_duration_seconds_count{endpoint=\"/api/projects\",method=\"GET\"} 2",
    ] {
        assert!(metrics.contains(needle), "missing {needle} in\n{metrics}");
    }
}

/// The status and every problem a contact page shows.
fn problems(status: u16, page: &str) -> (u16, Vec<String>) {
    let shown = page
        .split("<p class=\"field-error\"")
        .skip(1)
        .chain(page.split("<div class=\"notice error\" role=\"alert\">").skip(1))
        .filter_map(|rest| {
            rest.split_once('>').and_then(|(_, text)| text.split_once("</p>")).map(|(t, _)| t.to_owned())
        })
        .collect();
    (status, shown)
}

/// A message far over the limit used to get 503 from `web` (the API refused the JSON whole) but
/// a field error from `serve`.
#[tokio::test]
async fn an_oversized_message_gets_the_same_answer_from_web_as_from_serve() {
    let serve = serve(&[]).await;
    let api = spawn(DatabaseKind::Sqlite, &[]).await;
    let web = spawn_with(Role::Site, vec![("API_URL".into(), api.url(""))], Box::new(()), &[]).await;
    // Control characters double in JSON: 900 KB of form, 1.8 MB for the API.
    for message in ["\u{1}".repeat(300_000), "y".repeat(1_500_000), "x".repeat(6000)] {
        let mut answers = Vec::new();
        for app in [&serve, &web] {
            let form = [
                ("name", "N"),
                ("email", "n@example.org"),
                ("subject", "S"),
                ("message", message.as_str()),
                ("website", ""),
            ];
            let answer = no_redirects().post(app.url("/contact")).form(&form).send().await.expect("send");
            let status = answer.status().as_u16();
            answers.push(problems(status, &answer.text().await.expect("body")));
        }
        assert_eq!(answers[0], answers[1], "serve, then web, for a message of {} characters", message.chars().count());
        assert!(answers[0].0 == 400 || answers[0].0 == 413, "{:?}", answers[0]);
        assert!(!answers[0].1.is_empty(), "the page says what is wrong");
    }
}

#[test]
fn web_warns_at_start_when_the_api_does_not_believe_the_addresses_it_forwards() {
    let api = crate::common::start_process("api", &[]);
    let web = crate::common::start_process("site", &[("API_URL", &api.url(""))]);
    let warning = "every visitor shares one contact rate limit";
    let line = web.wait_for_log(|l| l.contains(warning) || l.contains("believes the visitors' addresses"));
    assert!(line.contains(warning), "{line}");
    let api_side = api.wait_for_log(|l| l.contains("X-Forwarded-For from a peer outside TRUSTED_PROXIES is ignored"));
    assert!(api_side.contains("\"peer\":\"127.0.0.1\""), "{api_side}");

    let trusting = crate::common::start_process("api", &[("TRUSTED_PROXIES", "127.0.0.1/32")]);
    let web = crate::common::start_process("site", &[("API_URL", &trusting.url(""))]);
    let line = web.wait_for_log(|l| l.contains(warning) || l.contains("believes the visitors' addresses"));
    assert!(line.contains("the API believes the visitors' addresses this site forwards"), "{line}");
}

#[tokio::test]
async fn with_nothing_cached_and_the_api_away_projects_show_a_friendly_notice() {
    let unused = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", unused.local_addr().expect("address"));
    drop(unused);
    let web = spawn_with(Role::Site, vec![("API_URL".into(), url)], Box::new(()), &[]).await;
    let response = web.get("/projects").await;
    assert_eq!(response.status(), 503);
    assert_eq!(response.headers()["retry-after"], "30");
    assert!(response.text().await.expect("body").contains("cannot be loaded right now"));
    text(&web, "/", 200).await;
    json_with_status(web.get("/health").await, 200).await;
}
