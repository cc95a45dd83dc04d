//! The admin's sign-in and sessions over HTTP: cookie flags, a fresh id at every sign-in,
//! forgery protection, the sign-in limit, nothing cacheable, and sign-out seen by every replica.

use folio_testkit::Running;
use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::redirect::Policy;
use reqwest::{Client, Response, StatusCode};

use crate::common::{self, ADMIN_TOKEN as TOKEN, DatabaseKind, TestApp, spawn};

/// A client that shows redirects instead of following them, like a test of each step must.
pub(crate) fn client() -> Client {
    Client::builder().redirect(Policy::none()).build().expect("client")
}

/// The `Origin` a browser sends with a form posted from this server's own pages.
pub(crate) fn own_origin(app: &TestApp) -> String {
    format!("http://{}", app.address)
}

async fn post_form(app: &TestApp, path: &str, form: &[(&str, &str)], headers: HeaderMap) -> Response {
    client().post(app.url(path)).headers(headers).form(form).send().await.expect("request")
}

fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    pairs.iter().map(|(k, v)| (header::HeaderName::from_static(k), HeaderValue::from_str(v).expect("value"))).collect()
}

/// The `folio_admin` cookie a response sets: its value and its attributes.
fn session_cookie(response: &Response) -> (String, String) {
    let set = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("folio_admin="))
        .unwrap_or_else(|| panic!("no session cookie in {:?}", response.headers()))
        .to_owned();
    let value = set.trim_start_matches("folio_admin=").split(';').next().unwrap_or_default().to_owned();
    (value, set)
}

/// Signs in from this server's own page and returns the session cookie's value.
pub(crate) async fn sign_in(app: &TestApp, extra: &[(&'static str, &str)]) -> String {
    let origin = own_origin(app);
    let mut pairs = vec![("origin", origin.as_str())];
    pairs.extend_from_slice(extra);
    let response = post_form(app, "/admin/login", &[("token", TOKEN)], headers(&pairs)).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{:?}", response.text().await);
    assert_eq!(response.headers()[header::LOCATION], "/admin");
    session_cookie(&response).0
}

async fn admin_page(app: &TestApp, cookie: &str) -> Response {
    client().get(app.url("/admin")).header(header::COOKIE, format!("folio_admin={cookie}")).send().await.expect("get")
}

/// The forgery token on the admin's first page.
async fn csrf(app: &TestApp, cookie: &str) -> String {
    let page = admin_page(app, cookie).await.text().await.expect("page");
    let at = page.find("name=\"csrf\" value=\"").expect("a forgery token in the page") + 19;
    page[at..at + 64].to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_asks_for_the_token_and_a_session_opens_its_first_page() {
    let app = spawn(DatabaseKind::Sqlite, &[]).await;
    let first = client().get(app.url("/admin")).send().await.expect("get");
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    assert_eq!(first.headers()[header::LOCATION], "/admin/login");
    let form = app.get("/admin/login").await.text().await.expect("form");
    assert!(form.contains("name=\"token\"") && form.contains("type=\"password\""), "{form}");

    let cookie = sign_in(&app, &[]).await;
    let page = admin_page(&app, &cookie).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.expect("page").contains("You are signed in"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cookie_is_http_only_strict_and_secure_only_over_https_from_a_trusted_proxy() {
    let app = spawn(DatabaseKind::Sqlite, &[("TRUSTED_PROXIES", "127.0.0.1")]).await;
    let origin = own_origin(&app);
    let plain = post_form(&app, "/admin/login", &[("token", TOKEN)], headers(&[("origin", &origin)])).await;
    let (_, attributes) = session_cookie(&plain);
    assert!(attributes.contains("HttpOnly"), "{attributes}");
    assert!(attributes.contains("SameSite=Strict"), "{attributes}");
    assert!(attributes.contains("Path=/admin"), "{attributes}");
    assert!(attributes.contains("Max-Age=43200"), "{attributes}");
    assert!(!attributes.contains("Secure"), "plain HTTP: {attributes}");

    let https = headers(&[("origin", &origin.replace("http:", "https:")), ("x-forwarded-proto", "https")]);
    let secure = post_form(&app, "/admin/login", &[("token", TOKEN)], https).await;
    assert_eq!(secure.status(), StatusCode::SEE_OTHER);
    let (_, attributes) = session_cookie(&secure);
    assert!(attributes.contains("Secure"), "over HTTPS: {attributes}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_claim_of_https_from_an_untrusted_peer_does_not_make_the_cookie_secure() {
    let app = spawn(DatabaseKind::Sqlite, &[]).await;
    let https = headers(&[("origin", &own_origin(&app)), ("x-forwarded-proto", "https")]);
    let response = post_form(&app, "/admin/login", &[("token", TOKEN)], https).await;
    assert!(!session_cookie(&response).1.contains("Secure"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_sign_in_makes_a_new_session_id_and_ends_the_one_the_browser_had() {
    let app = spawn(DatabaseKind::Sqlite, &[]).await;
    let first = sign_in(&app, &[]).await;
    let cookie = format!("folio_admin={first}");
    let second = sign_in(&app, &[("cookie", &cookie)]).await;
    assert_ne!(first, second);
    assert_eq!(first.len(), 64, "32 random bytes in hex");
    assert_eq!(admin_page(&app, &first).await.status(), StatusCode::SEE_OTHER, "the replaced session ended");
    assert_eq!(admin_page(&app, &second).await.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_from_another_origin_or_from_none_is_refused_with_403() {
    let app = spawn(DatabaseKind::Sqlite, &[("PUBLIC_BASE_URL", "https://folio.example")]).await;
    let cookie = sign_in(&app, &[]).await;
    let token = csrf(&app, &cookie).await;
    let session = format!("folio_admin={cookie}");
    for refused in [
        headers(&[("origin", "https://evil.example"), ("cookie", &session)]),
        headers(&[("origin", "null"), ("cookie", &session)]),
        headers(&[("referer", "https://evil.example/page"), ("cookie", &session)]),
        headers(&[("cookie", &session)]),
    ] {
        let response = post_form(&app, "/admin/logout", &[("csrf", &token)], refused.clone()).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{refused:?}");
        let login = post_form(&app, "/admin/login", &[("token", TOKEN)], refused.clone()).await;
        assert_eq!(login.status(), StatusCode::FORBIDDEN, "{refused:?}");
        assert!(login.headers().get(header::SET_COOKIE).is_none());
    }
    assert_eq!(admin_page(&app, &cookie).await.status(), StatusCode::OK, "still signed in");
    // The public origin (behind CloudFront the Host is the load balancer's) and a same-origin
    // Referer without an Origin are accepted.
    let public = headers(&[("origin", "https://folio.example"), ("cookie", &session)]);
    let signed_out = post_form(&app, "/admin/logout", &[("csrf", &token)], public).await;
    assert_eq!(signed_out.status(), StatusCode::SEE_OTHER);
    let referer = format!("{}/admin/login", own_origin(&app));
    let login = post_form(&app, "/admin/login", &[("token", TOKEN)], headers(&[("referer", &referer)])).await;
    assert_eq!(login.status(), StatusCode::SEE_OTHER);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_without_the_sessions_forgery_token_is_refused() {
    let app = spawn(DatabaseKind::Sqlite, &[]).await;
    let cookie = sign_in(&app, &[]).await;
    let same = headers(&[("origin", &own_origin(&app)), ("cookie", &format!("folio_admin={cookie}"))]);
    for wrong in [&[("csrf", "0".repeat(64).as_str())][..], &[]] {
        let response = post_form(&app, "/admin/logout", wrong, same.clone()).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{wrong:?}");
    }
    assert_eq!(admin_page(&app, &cookie).await.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_attempts_are_limited_per_client_even_with_the_right_token() {
    let app = spawn(DatabaseKind::Sqlite, &[("ADMIN_SIGNIN_PER_HOUR", "3"), ("TRUSTED_PROXIES", "127.0.0.1")]).await;
    let origin = own_origin(&app);
    let from = |client: &str| headers(&[("origin", &origin), ("x-forwarded-for", client)]);
    for _ in 0..3 {
        let wrong = post_form(&app, "/admin/login", &[("token", "guess")], from("2001:db8:1:1::1")).await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
        assert!(wrong.text().await.expect("page").contains("That is not the admin token"));
    }
    // Another address in the same IPv6 /64 is the same client.
    let limited = post_form(&app, "/admin/login", &[("token", TOKEN)], from("2001:db8:1:1::2")).await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = limited.headers()[header::RETRY_AFTER].to_str().expect("text").parse().expect("seconds");
    assert!((1..=3600).contains(&wait), "{wait}");
    assert!(limited.headers().get(header::SET_COOKIE).is_none());
    assert!(limited.text().await.expect("page").contains("Too many sign-in attempts"));
    let elsewhere = post_form(&app, "/admin/login", &[("token", TOKEN)], from("2001:db8:1:2::1")).await;
    assert_eq!(elsewhere.status(), StatusCode::SEE_OTHER, "another /64 is another client");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_admin_response_may_be_stored_by_a_cache() {
    let app = spawn(DatabaseKind::Sqlite, &[]).await;
    let cookie = sign_in(&app, &[]).await;
    let session = format!("folio_admin={cookie}");
    let origin = own_origin(&app);
    let responses = [
        client().get(app.url("/admin")).send().await.expect("redirect to sign-in"),
        client().get(app.url("/admin/login")).send().await.expect("form"),
        client().get(app.url("/admin/admin.css")).send().await.expect("stylesheet"),
        client().get(app.url("/admin/nothing-here")).send().await.expect("404"),
        admin_page(&app, &cookie).await,
        post_form(&app, "/admin/login", &[("token", "wrong")], headers(&[("origin", &origin)])).await,
        post_form(&app, "/admin/login", &[("token", TOKEN)], headers(&[("origin", &origin)])).await,
        post_form(&app, "/admin/logout", &[], headers(&[("origin", "https://evil.example"), ("cookie", &session)]))
            .await,
    ];
    let statuses: Vec<u16> = responses.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(statuses, [303, 200, 200, 404, 200, 401, 303, 403]);
    for response in &responses {
        assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store", "{}", response.url());
    }
}

/// Two API processes on one PostgreSQL database, as behind the load balancer; one of them is
/// restarted in between.
#[test]
fn a_session_survives_a_restart_works_on_every_replica_and_a_signed_out_cookie_is_refused_by_all() {
    let db = folio_testkit::TestDb::new();
    let url = db.info.url(&db.name);
    let settings = [("DATABASE_URL", url.as_str())];
    let (a, b) = (common::start_process("api", &settings), common::start_process("api", &settings));
    let http = reqwest::blocking::Client::builder().redirect(Policy::none()).build().expect("client");
    let origin = |p: &Running| format!("http://{}", p.address);
    let signed_in = http
        .post(a.url("/admin/login"))
        .header(header::ORIGIN, origin(&a))
        .form(&[("token", TOKEN)])
        .send()
        .expect("sign in on a");
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    let cookie = signed_in
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .expect("cookie")
        .to_owned();
    let page = |p: &Running| {
        http.get(p.url("/admin")).header(header::COOKIE, &cookie).send().expect("admin page").text().expect("page")
    };
    drop(a);
    let a = common::start_process("api", &settings);
    assert!(page(&a).contains("You are signed in"), "a restarted replica keeps the session");
    let on_b = page(&b);
    assert!(on_b.contains("You are signed in"), "replica b: {on_b}");
    let at = on_b.find("name=\"csrf\" value=\"").expect("forgery token") + 19;
    let token = on_b[at..at + 64].to_owned();

    let signed_out = http
        .post(b.url("/admin/logout"))
        .header(header::ORIGIN, origin(&b))
        .header(header::COOKIE, &cookie)
        .form(&[("csrf", token.as_str())])
        .send()
        .expect("sign out on b");
    assert_eq!(signed_out.status(), StatusCode::SEE_OTHER);
    let on_a = http.get(a.url("/admin")).header(header::COOKIE, &cookie).send().expect("admin page on a");
    assert_eq!(on_a.status(), StatusCode::SEE_OTHER, "replica a refuses the signed-out cookie");
    assert_eq!(on_a.headers()[header::LOCATION], "/admin/login");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hidden_projects_are_listed_with_the_admin_token_only() {
    let app = spawn(DatabaseKind::Sqlite, &[]).await;
    let shown = app.create_project(TestApp::project("shown")).await;
    let draft = app.create_project(serde_json::json!({"title": "draft", "description": "d", "isActive": false})).await;
    let ids = |list: serde_json::Value| -> Vec<String> {
        list.as_array().expect("a list").iter().map(|p| p["id"].as_str().expect("id").to_owned()).collect()
    };
    let public = common::json_with_status(app.get("/api/projects").await, 200).await;
    assert_eq!(ids(public), [shown["id"].as_str().expect("id")]);
    for token in [None, Some("wrong-token")] {
        let mut request = client().get(app.url("/api/projects?include=hidden"));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let refused = request.send().await.expect("request");
        assert_eq!(refused.status(), StatusCode::UNAUTHORIZED, "{token:?}");
    }
    let all = client().get(app.url("/api/projects?include=hidden")).bearer_auth(TOKEN).send().await.expect("get");
    let mut listed = ids(common::json_with_status(all, 200).await);
    listed.sort();
    let mut expected = [shown["id"].as_str().expect("id"), draft["id"].as_str().expect("id")];
    expected.sort_unstable();
    assert_eq!(listed, expected);
    let bogus = app.get("/api/projects?include=everything").await;
    assert_eq!(bogus.status(), StatusCode::BAD_REQUEST);
}
