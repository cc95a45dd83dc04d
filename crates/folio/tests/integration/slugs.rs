//! Readable addresses: each project's page is `/projects/{slug}`, made from its title (numbered
//! when taken) or written by the owner, unique, kept when the title changes; `/projects/{uuid}`
//! answers 301 to it; the cards, the sitemap and the feed link to it; the API keeps UUIDs and
//! adds `slug`. In `serve` on both databases, and in the split deployment (site reading the API).

use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};

use crate::admin::client;
use crate::admin_projects::Browser;
use crate::common::{self, DatabaseKind, TestApp, json_with_status, spawn_with};
use folio::config::Role;

async fn status_and_body(app: &TestApp, path: &str) -> (StatusCode, String) {
    let response = client().get(app.url(path)).send().await.expect("get");
    (response.status(), response.text().await.expect("body"))
}

async fn the_address_comes_from_the_title_and_survives_a_rename(kind: DatabaseKind) {
    let app = common::serve(kind, &[]).await;
    let first = app.create_project(json!({"title": "Café déjà vu", "description": "d"})).await;
    let second = app.create_project(json!({"title": "Café, déjà vu!", "description": "d"})).await;
    assert_eq!((first["slug"].as_str(), second["slug"].as_str()), (Some("cafe-deja-vu"), Some("cafe-deja-vu-2")));
    let id = first["id"].as_str().expect("id");

    let (status, page) = status_and_body(&app, "/projects/cafe-deja-vu").await;
    assert_eq!(status, StatusCode::OK);
    let canonical =
        format!(r#"<link rel="canonical" href="http://localhost:{}/projects/cafe-deja-vu">"#, app.address.port());
    assert!(page.contains(&canonical), "{page}");
    let old = client().get(app.url(&format!("/projects/{id}"))).send().await.expect("get");
    assert_eq!(old.status(), StatusCode::MOVED_PERMANENTLY);
    assert_eq!(old.headers()[header::LOCATION], "/projects/cafe-deja-vu");
    assert_eq!(status_and_body(&app, "/projects/no-such-project").await.0, StatusCode::NOT_FOUND);
    assert_eq!(status_and_body(&app, "/projects/00000000-0000-0000-0000-000000000000").await.0, StatusCode::NOT_FOUND);

    let (_, list) = status_and_body(&app, "/projects").await;
    assert!(
        list.contains(r#"<a href="/projects/cafe-deja-vu">"#) && list.contains(r#"href="/projects/cafe-deja-vu-2""#)
    );
    let (_, sitemap) = status_and_body(&app, "/sitemap.xml").await;
    assert!(sitemap.contains("/projects/cafe-deja-vu</loc>") && !sitemap.contains(id), "{sitemap}");
    let (_, feed) = status_and_body(&app, "/feed.xml").await;
    assert!(feed.contains(r#"/projects/cafe-deja-vu-2"/>"#), "{feed}");
    assert!(feed.contains(&format!("<id>urn:uuid:{id}</id>")), "an entry's id stays its UUID: {feed}");

    // A new title keeps the address; a written one replaces it.
    let path = format!("/api/projects/{id}");
    let renamed = json_with_status(app.write(Method::PUT, &path, &json!({"title": "Renamed"})).await, 200).await;
    assert_eq!(renamed["slug"], "cafe-deja-vu");
    let moved = json_with_status(app.write(Method::PUT, &path, &json!({"slug": "renamed"})).await, 200).await;
    assert_eq!(moved["slug"], "renamed");
    assert_eq!(status_and_body(&app, "/projects/renamed").await.0, StatusCode::OK, "seen at once in serve");
    assert_eq!(status_and_body(&app, "/projects/cafe-deja-vu").await.0, StatusCode::NOT_FOUND);

    // Another project's slug is a conflict, on create and update, and nothing changes.
    let taken = app.write(Method::PUT, &path, &json!({"slug": "cafe-deja-vu-2", "title": "Lost"})).await;
    let body = json_with_status(taken, 409).await;
    assert_eq!(body["message"], "slug cafe-deja-vu-2 is already used by another project");
    let clash = json!({"title": "x", "description": "d", "slug": "renamed"});
    json_with_status(app.write(Method::POST, "/api/projects", &clash).await, 409).await;
    let all = json_with_status(app.get("/api/projects").await, 200).await;
    let titles: Vec<&str> = all.as_array().expect("list").iter().filter_map(|p| p["title"].as_str()).collect();
    assert_eq!(titles.len(), 2, "{titles:?}");
    assert!(titles.contains(&"Renamed"), "the refused update changed nothing: {titles:?}");

    // A slug that is not one, or that reads as a UUID, is a field error.
    for bad in [json!("Not a slug"), json!("00000000-0000-0000-0000-000000000000"), json!(7)] {
        let body = json!({"title": "t", "description": "d", "slug": bad});
        let refused = json_with_status(app.write(Method::POST, "/api/projects", &body).await, 400).await;
        assert!(refused["message"].as_str().is_some_and(|m| m.starts_with("slug must be")), "{refused}");
    }
    app.stop().await;
}

crate::on_both_databases!(the_address_comes_from_the_title_and_survives_a_rename);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_writes_an_address_in_the_form_and_a_taken_one_is_marked_next_to_it() {
    let app = common::serve(DatabaseKind::Sqlite, &[]).await;
    let owner = Browser::sign_in(&app).await;
    owner.done("/admin/projects", &[("title", "First"), ("description", "d"), ("visible", "on")], "created").await;
    let mine = [("title", "Second"), ("slug", " my-second "), ("description", "d"), ("visible", "on")];
    owner.done("/admin/projects", &mine, "created").await;
    assert_eq!(status_and_body(&app, "/projects/my-second").await.0, StatusCode::OK, "trimmed, as typed");

    let clash = [("title", "Third"), ("slug", "first"), ("description", "kept")];
    let refused = owner.post("/admin/projects", &clash).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let page = refused.text().await.expect("page");
    assert!(
        page.contains(r#"<p class="error" id="slug-error">Address first is already used by another project.</p>"#),
        "{page}"
    );
    assert!(page.contains(r#"value="Third""#) && page.contains(">kept</textarea>"), "the input is kept: {page}");

    let bad = owner.post("/admin/projects", &[("title", "T"), ("slug", "Capitals Here"), ("description", "d")]).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert!(bad.text().await.expect("page").contains("id=\"slug-error\">Address must be lowercase letters"));

    let list = json_with_status(app.get("/api/projects").await, 200).await;
    let second = list.as_array().expect("list").iter().find(|p| p["title"] == "Second").expect("second").clone();
    let edit = format!("/admin/projects/{}", second["id"].as_str().expect("id"));
    assert!(owner.page(&edit, 200).await.contains(r#"value="my-second""#), "the form shows the address");
    let clash = [("title", "Second"), ("slug", "first"), ("description", "d"), ("visible", "on")];
    assert_eq!(owner.post(&edit, &clash).await.status(), StatusCode::CONFLICT);
    let admin_list = owner.page("/admin/projects", 200).await;
    assert!(admin_list.contains(r#"<a href="/projects/my-second" aria-label="View Second on the site">View</a>"#));
    app.stop().await;
}

/// The split deployment: the site reads the list from the API, and answers the old address by
/// id with a 301 too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_site_reading_the_api_serves_and_redirects_by_slug() {
    let api = common::spawn(DatabaseKind::Sqlite, &[]).await;
    let created: Value = api.create_project(json!({"title": "Split deployment", "description": "d"})).await;
    let web = spawn_with(Role::Site, vec![("API_URL".into(), api.url(""))], Box::new(()), &[]).await;
    assert_eq!(status_and_body(&web, "/projects/split-deployment").await.0, StatusCode::OK);
    let old = client().get(web.url(&format!("/projects/{}", created["id"].as_str().expect("id")))).send();
    let old = old.await.expect("get");
    assert_eq!(old.status(), StatusCode::MOVED_PERMANENTLY);
    assert_eq!(old.headers()[header::LOCATION], "/projects/split-deployment");
    web.stop().await;
    api.stop().await;
}

/// During a rolling update the site may be newer than the API: projects without a slug are
/// linked and served by id (no redirect to an address that does not exist).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_site_reading_an_api_older_than_slugs_links_and_serves_by_id() {
    let id = "6f9619ff-8b86-4011-b42d-00c04fc964ff";
    let project = json!({
        "id": id, "title": "From an older API", "description": "d", "imageUrl": null, "projectUrl": null,
        "githubUrl": null, "technologies": [], "isActive": true, "sortOrder": 0,
        "createdAt": "2025-01-01T00:00:00.000Z", "updatedAt": "2025-01-01T00:00:00.000Z",
    });
    let older_api = answer_every_request_with(json!([project]).to_string()).await;
    let web = spawn_with(Role::Site, vec![("API_URL".into(), older_api)], Box::new(()), &[]).await;
    let (_, list) = status_and_body(&web, "/projects").await;
    assert!(list.contains(&format!(r#"<a href="/projects/{id}">"#)), "{list}");
    let (status, page) = status_and_body(&web, &format!("/projects/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<h1>From an older API</h1>"), "{page}");
    web.stop().await;
}

/// A stand-in for an older API on 127.0.0.1: every request gets `body` as JSON.
async fn answer_every_request_with(body: String) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let body = body.clone();
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut chunk = [0u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&chunk[..n]),
                    }
                }
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(format!("{head}{body}").as_bytes()).await;
            });
        }
    });
    url
}
