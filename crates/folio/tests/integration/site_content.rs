//! The owner's site content in the database: seeded once from `CONTENT_DIR` (or the demo), then
//! the database wins; `GET /api/site` public, `PUT /api/site` with the token and per-field
//! errors by path; the admin's form; the site showing a change at once in `serve` and within
//! its cache time in `web`; the demo owner refused outside development.

use std::path::Path;
use std::time::Duration;

use folio::config::{Config, Env, Role};
use folio::startup::Application;
use reqwest::Method;
use serde_json::{Value, json};

use crate::admin_projects::Browser;
use crate::common::{self, DatabaseKind, TestApp, fresh_database, json_with_status, spawn_with};

const DEMO_SITE: &str = include_str!("../../../folio-site/content/site.toml");
const DEMO_ABOUT: &str = include_str!("../../../folio-site/content/about.md");

/// A content directory: the demo's files with another owner's name.
fn content_of(owner: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("dir");
    write_content(dir.path(), owner);
    dir
}

fn write_content(dir: &Path, owner: &str) {
    std::fs::write(dir.join("site.toml"), DEMO_SITE.replace("Jordan Avery", owner)).expect("write");
    std::fs::write(dir.join("about.md"), DEMO_ABOUT).expect("write");
}

async fn page(app: &TestApp, path: &str) -> String {
    let response = app.get(path).await;
    assert_eq!(response.status(), 200, "{path}");
    response.text().await.expect("page")
}

async fn the_first_start_seeds_the_content_and_after_that_the_database_wins(kind: DatabaseKind) {
    let (mut env, database) = fresh_database(kind);
    env.push(("ADMIN_TOKEN".into(), common::ADMIN_TOKEN.into()));
    let ada = content_of("Ada Quill");
    let dir = ("CONTENT_DIR", ada.path().to_str().expect("utf-8"));
    let app = spawn_with(Role::Serve, env.clone(), Box::new(()), &[dir]).await;
    let mut content = json_with_status(app.get("/api/site").await, 200).await;
    assert_eq!(content["owner"]["name"], "Ada Quill");
    assert_eq!(content["home"]["ctaLabel"], "Get in touch", "the API's names are camelCase");
    assert!(content["about"]["biography"].as_str().is_some_and(|b| b.contains("**infrastructure as code")));
    assert!(page(&app, "/").await.contains("Ada Quill"));

    // A change shows at once in `serve`, Markdown rendered on the about page.
    content["owner"]["name"] = json!("Ada Q. Lovelace");
    content["about"]["biography"] = json!("I write **engines**.\n\n<script>alert(1)</script>");
    let stored = json_with_status(app.write(Method::PUT, "/api/site", &content).await, 200).await;
    assert_eq!(stored, content);
    assert!(page(&app, "/").await.contains("Ada Q. Lovelace"));
    let about = page(&app, "/about").await;
    assert!(about.contains("<strong>engines</strong>") && !about.contains("<script>alert"), "{about}");

    // Every problem is named by its path, and nothing is stored.
    let mut bad = content.clone();
    bad["owner"]["name"] = json!("  ");
    bad["links"][1]["url"] = json!("linkedin");
    bad["owner"]["nickname"] = json!("Ada");
    let refused = json_with_status(app.write(Method::PUT, "/api/site", &bad).await, 400).await;
    assert_eq!(refused["message"], "owner.nickname: is not a field of the site content");
    bad["owner"].as_object_mut().expect("owner").remove("nickname");
    let refused = json_with_status(app.write(Method::PUT, "/api/site", &bad).await, 400).await;
    assert_eq!(
        refused["message"],
        json!([
            "owner.name: must not be empty: it would render as an empty element",
            "links[1].url: \"linkedin\" is not an absolute http or https URL of at most 500 characters",
        ])
    );
    bad["links"][0]["label"] = json!(7);
    let refused = json_with_status(app.write(Method::PUT, "/api/site", &bad).await, 400).await;
    assert!(refused["message"].as_str().is_some_and(|m| m.starts_with("links[0].label: invalid type: integer `7`")));
    let unauthorised = app.client.put(app.url("/api/site")).json(&content).send().await.expect("put");
    assert_eq!(unauthorised.status(), 401);
    assert_eq!(json_with_status(app.get("/api/site").await, 200).await, content, "nothing refused was stored");
    app.stop().await;

    // Another start with other files: the database's content stays.
    let bea = content_of("Bea Other");
    let dir = ("CONTENT_DIR", bea.path().to_str().expect("utf-8"));
    let app = spawn_with(Role::Serve, env, Box::new(()), &[dir]).await;
    assert_eq!(json_with_status(app.get("/api/site").await, 200).await["owner"]["name"], "Ada Q. Lovelace");
    app.stop().await;
    drop(database);
}

crate::on_both_databases!(the_first_start_seeds_the_content_and_after_that_the_database_wins);

/// `folio web` reads the content from the API, and sees a change within its cache time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_site_reading_the_api_shows_a_change_within_its_cache_time() {
    let api = common::spawn(DatabaseKind::Sqlite, &[]).await;
    let web =
        spawn_with(Role::Site, vec![("API_URL".into(), api.url(""))], Box::new(()), &[("SITE_CACHE_SECONDS", "1")])
            .await;
    assert!(page(&web, "/").await.contains("Jordan Avery"));
    let mut content = json_with_status(api.get("/api/site").await, 200).await;
    content["owner"]["headline"] = json!("Seen through the API");
    json_with_status(api.write(Method::PUT, "/api/site", &content).await, 200).await;
    let mut seen = false;
    for _ in 0..40 {
        if page(&web, "/").await.contains("Seen through the API") {
            seen = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(seen, "the change was not shown within four seconds of a one-second cache");
    web.stop().await;
    api.stop().await;
}

/// While the API has never answered (or is older than `/api/site`), the site shows its
/// image's content files; without any, its pages say they cannot be shown (503).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_site_without_the_api_shows_its_content_files_or_says_it_cannot() {
    let unused = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let away = format!("http://{}", unused.local_addr().expect("address"));
    drop(unused);
    let ada = content_of("Ada Quill");
    let files = ("CONTENT_DIR", ada.path().to_str().expect("utf-8"));
    let web = spawn_with(Role::Site, vec![("API_URL".into(), away.clone())], Box::new(()), &[files]).await;
    assert!(page(&web, "/").await.contains("Ada Quill"));
    web.stop().await;

    let web =
        spawn_with(Role::Site, vec![("API_URL".into(), away)], Box::new(()), &[("ALLOW_DEMO_CONTENT", "false")]).await;
    let response = web.get("/about").await;
    assert_eq!(response.status(), 503);
    assert_eq!(response.headers()["retry-after"], "30");
    json_with_status(web.get("/health").await, 200).await;
    web.stop().await;
}

/// The API in production refuses to start when the site would show the demo owner, storing
/// nothing; the owner's files then seed the database, and also replace a demo stored earlier
/// on purpose.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outside_development_the_demo_owner_is_refused_and_the_owners_files_replace_a_stored_demo() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("folio.db").display());
    let production = |extra: &[(&str, &str)]| {
        let mut pairs = vec![("PORT", "0"), ("APP_ENV", "production"), ("DATABASE_URL", url.as_str())];
        pairs.extend_from_slice(extra);
        Config::load(Role::Api, Env::from_pairs(pairs)).expect("valid configuration")
    };
    let error = Application::build(production(&[])).await.expect_err("the demo in production").to_string();
    assert!(error.contains("would show the demo owner Jordan Avery"), "{error}");

    let allowed = Application::build(production(&[("ALLOW_DEMO_CONTENT", "true")])).await.expect("on purpose");
    drop(allowed);
    let error = Application::build(production(&[])).await.expect_err("the demo stored").to_string();
    assert!(error.starts_with("the database holds the built-in demo content"), "{error}");

    let content = dir.path().join("content");
    std::fs::create_dir(&content).expect("dir");
    write_content(&content, "Ada Quill");
    let app = Application::build(production(&[("CONTENT_DIR", content.to_str().expect("utf-8"))]))
        .await
        .expect("the owner's content");
    drop(app);
    let app = spawn_with(Role::Api, vec![("DATABASE_URL".into(), url.clone())], Box::new(()), &[]).await;
    let stored: Value = json_with_status(app.get("/api/site").await, 200).await;
    assert_eq!(stored["owner"]["name"], "Ada Quill", "the files replaced the stored demo");
    app.stop().await;
}

/// The admin's form: the stored content filled in, a field in error marked next to it with the
/// input kept, a saved change on the home page at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_edits_the_content_in_the_admin_and_the_home_page_changes() {
    let app = common::serve(DatabaseKind::Sqlite, &[]).await;
    let owner = Browser::sign_in(&app).await;
    let form = owner.page("/admin/site", 200).await;
    assert!(form.contains(r#"id="name" name="name" type="text" maxlength="200" required value="Jordan Avery""#));
    assert!(form.contains("GitHub | https://github.com/jordan-avery-example\nLinkedIn |"), "links as lines: {form}");

    let mut fields: Vec<(&str, String)> = vec![
        ("site_title", "Ada Quill".into()),
        ("site_description", "Ada builds engines.".into()),
        ("name", "Ada Quill".into()),
        ("headline", "Engine builder".into()),
        ("intro", "I build engines.".into()),
        ("location", "Porto".into()),
        ("email", "ada@quill.example".into()),
        ("links", "Blog | not a url".into()),
        ("competencies", "Engines | Small and fast.".into()),
        ("cta_title", "Write".into()),
        ("cta_text", "I answer.".into()),
        ("cta_label", "Say hello".into()),
        ("biography", "I *build*.".into()),
        ("expertise", "Software: Rust; SQL".into()),
        ("approach", "Boring | Production should be boring.".into()),
    ];
    let refused = owner.post("/admin/site", &form_of(&fields)).await;
    assert_eq!(refused.status(), 400);
    let page_text = refused.text().await.expect("page");
    let error = r#"<p class="error" id="links-error">Line 1: &#34;not a url&#34; is not an absolute http or https URL"#;
    assert!(page_text.contains(error), "{page_text}");
    assert!(page_text.contains(r#"value="Engine builder""#), "the input is kept");
    assert!(page(&app, "/").await.contains("Jordan Avery"), "nothing was stored");

    fields[7].1 = "Blog | https://ada.example/blog".into();
    owner.done_at("/admin/site", &form_of(&fields), "/admin/site?done=saved").await;
    let home = page(&app, "/").await;
    assert!(home.contains("Ada Quill") && home.contains("Engine builder") && home.contains("Say hello"), "{home}");
    assert!(home.contains(r#"href="https://ada.example/blog""#), "{home}");
    app.stop().await;
}

fn form_of<'a>(fields: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    fields.iter().map(|(name, value)| (*name, value.as_str())).collect()
}
