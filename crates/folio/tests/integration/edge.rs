//! What the edge in front of Folio may do with its answers: which reads a shared cache may keep
//! and for how long, which it must never keep, and the origin secret that makes Folio answer
//! only requests that came through CloudFront.

use crate::common::{ADMIN_TOKEN, DatabaseKind, TestApp};
use folio::edge_cache::EDGE_POLICY;
use reqwest::Method;
use serde_json::json;

const FIRST: &str = "first-origin-secret-0123456789abcdef0123456789";
const SECOND: &str = "second-origin-secret-0123456789abcdef012345678";

async fn serve(extra: &[(&str, &str)]) -> TestApp {
    crate::common::serve(DatabaseKind::Sqlite, extra).await
}

async fn cache_control(app: &TestApp, method: Method, path: &str, token: bool) -> (u16, String) {
    let mut request = app.client.request(method, app.url(path));
    if token {
        request = request.bearer_auth(ADMIN_TOKEN);
    }
    let response = request.send().await.expect("send");
    let value = response.headers().get("cache-control").map(|v| v.to_str().expect("ascii").to_owned());
    (response.status().as_u16(), value.unwrap_or_default())
}

#[tokio::test]
async fn pages_and_the_project_list_may_be_kept_by_the_edge_for_thirty_seconds() {
    let app = serve(&[]).await;
    let project = app.create_project(TestApp::project("Edge")).await;
    let detail = format!("/projects/{}", project["id"].as_str().expect("id"));
    for path in ["/", "/about", "/projects", detail.as_str(), "/sitemap.xml", "/feed.xml", "/api/projects"] {
        for method in [Method::GET, Method::HEAD] {
            assert_eq!(
                cache_control(&app, method.clone(), path, false).await,
                (200, EDGE_POLICY.to_owned()),
                "{method} {path}"
            );
        }
    }
    let etag = app.get("/about").await.headers()["etag"].clone();
    let revalidated = app.client.get(app.url("/about")).header("if-none-match", etag).send().await.expect("send");
    assert_eq!(revalidated.status(), 304);
    assert_eq!(revalidated.headers()["cache-control"], EDGE_POLICY, "a 304 renews the edge's copy for as long");
}

#[tokio::test]
async fn writes_the_contact_form_health_errors_and_authorised_reads_are_never_kept_by_the_edge() {
    let app = serve(&[]).await;
    let created = app.write(Method::POST, "/api/projects", &TestApp::project("Write")).await;
    assert_eq!(created.status(), 201);
    assert_eq!(created.headers()["cache-control"], "no-store");
    let cases = [
        (Method::GET, "/contact", false),
        (Method::GET, "/contact/thanks", false),
        (Method::GET, "/contact/received", false),
        (Method::GET, "/health", false),
        (Method::GET, "/api/health", false),
        (Method::GET, "/api/projects", true),
        (Method::GET, "/api/contact-messages", true),
        (Method::GET, "/projects/00000000-0000-0000-0000-000000000000", false),
        (Method::GET, "/no-such-page", false),
        (Method::GET, "/api/projects/00000000-0000-0000-0000-000000000000", false),
    ];
    for (method, path, token) in cases {
        let (status, value) = cache_control(&app, method.clone(), path, token).await;
        assert!(!value.contains("s-maxage") && !value.contains("stale"), "{method} {path} ({status}): {value}");
    }
    let form = [
        ("name", "Ada"),
        ("email", "ada@example.com"),
        ("subject", "Hi"),
        ("message", "Hello there, Folio."),
        ("website", ""),
    ];
    let posted = no_redirects().post(app.url("/contact")).form(&form).send().await.expect("send");
    let value =
        posted.headers().get("cache-control").map(|v| v.to_str().expect("ascii").to_owned()).unwrap_or_default();
    assert!(!value.contains("s-maxage"), "the contact form's answer: {value}");
    let cookie = app.client.get(app.url("/")).header("cookie", "session=1").send().await.expect("send");
    assert!(
        !cookie.headers()["cache-control"].to_str().expect("ascii").contains("s-maxage"),
        "a request with a cookie"
    );
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client")
}

#[tokio::test]
async fn with_origin_secrets_only_requests_carrying_one_are_served() {
    let secrets = format!("{FIRST},{SECOND}");
    let app = serve(&[("ORIGIN_SECRETS", secrets.as_str())]).await;
    let status = |path: &'static str, secret: Option<&'static str>| {
        let mut request = app.client.get(app.url(path));
        if let Some(secret) = secret {
            request = request.header("x-origin-verify", secret);
        }
        async move { request.send().await.expect("send") }
    };
    for path in ["/", "/api/projects", "/no-such-page", "/assets/site.css"] {
        let refused = status(path, None).await;
        assert_eq!(refused.status(), 403, "{path} without the header");
        assert_eq!(refused.text().await.expect("body"), "Forbidden");
        assert_eq!(status(path, Some("first-origin-secret-0123456789abcdef012345678X")).await.status(), 403, "{path}");
    }
    assert_eq!(status("/", Some(FIRST)).await.status(), 200, "the current secret");
    assert_eq!(status("/api/projects", Some(SECOND)).await.status(), 200, "the next secret, while rotating");
    for path in ["/api/health", "/health", "/api/metrics"] {
        assert_eq!(status(path, None).await.status(), 200, "{path} answers the container check and Prometheus");
    }
    let write = app
        .client
        .post(app.url("/api/projects"))
        .bearer_auth(ADMIN_TOKEN)
        .json(&json!({"title": "No secret", "description": "Refused"}))
        .send()
        .await
        .expect("send");
    assert_eq!(write.status(), 403, "a write without the secret is refused before the token is looked at");
}

#[tokio::test]
async fn without_origin_secrets_every_request_is_served_as_before() {
    let app = serve(&[]).await;
    assert_eq!(app.get("/").await.status(), 200);
    assert_eq!(app.get("/api/projects").await.status(), 200);
}
