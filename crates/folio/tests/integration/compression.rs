//! Compressed answers: each encoding says the same as the plain body, with the same validators,
//! whether it was compressed for this request or reused; and a write shows in every encoding
//! at once (compressed bodies are reused only while the body they came from is unchanged).

use std::io::Read;

use crate::common::{DatabaseKind, TestApp};
use reqwest::Method;
use serde_json::json;

const ENCODINGS: [&str; 2] = ["gzip", "br"];

async fn fetch(app: &TestApp, path: &str, accept: &str) -> reqwest::Response {
    app.client.get(app.url(path)).header("accept-encoding", accept).send().await.expect("send")
}

fn decoded(encoding: &str, body: &[u8]) -> Vec<u8> {
    let mut plain = Vec::new();
    match encoding {
        "gzip" => flate2::read::GzDecoder::new(body).read_to_end(&mut plain),
        "br" => brotli_decompressor::Decompressor::new(body, 4096).read_to_end(&mut plain),
        other => panic!("no decoder for {other}"),
    }
    .expect("a well-formed body");
    plain
}

/// The body of `path` asked in `encoding`, decoded (bodies of 32 bytes or less come plain).
async fn read(app: &TestApp, path: &str, encoding: &str) -> (u16, String) {
    let response = fetch(app, path, encoding).await;
    let status = response.status().as_u16();
    let compressed = response.headers().get("content-encoding").map(|v| v.to_str().expect("ascii").to_owned());
    let body = response.bytes().await.expect("body");
    let body = match compressed {
        Some(used) => {
            assert_eq!(used, encoding, "{path}");
            decoded(encoding, &body)
        }
        None => {
            assert!(body.len() <= 32, "{path} {encoding}: {} bytes came plain", body.len());
            body.to_vec()
        }
    };
    (status, String::from_utf8(body).expect("UTF-8"))
}

#[tokio::test]
async fn every_public_read_says_the_same_plain_gzipped_and_in_brotli_compressed_anew_or_reused() {
    let app = crate::common::serve(DatabaseKind::Sqlite, &[]).await;
    let project = app.create_project(TestApp::project("Squeezed")).await;
    let id = project["id"].as_str().expect("id");
    let slug = project["slug"].as_str().expect("slug");
    let home = fetch(&app, "/", "identity").await.text().await.expect("body");
    let css = home.split("rel=\"stylesheet\" href=\"").nth(1).and_then(|s| s.split('"').next()).expect("stylesheet");
    let paths = ["/", "/about", "/projects", &format!("/projects/{slug}"), "/contact", "/sitemap.xml", "/feed.xml"];
    let api = ["/api/projects".to_owned(), format!("/api/projects/{id}"), css.to_owned()];
    for path in paths.iter().copied().chain(api.iter().map(String::as_str)) {
        let plain = fetch(&app, path, "identity").await;
        assert_eq!(plain.status(), 200, "{path}");
        assert!(plain.headers().get("content-encoding").is_none(), "{path}");
        let headers = plain.headers().clone();
        let plain = plain.bytes().await.expect("body");
        for encoding in ENCODINGS {
            for round in ["compressed anew", "reused"] {
                let response = fetch(&app, path, encoding).await;
                assert_eq!(response.status(), 200, "{path} {encoding} {round}");
                assert_eq!(response.headers()["content-encoding"], encoding, "{path} {round}");
                let vary: Vec<_> =
                    response.headers().get_all("vary").iter().map(|v| v.to_str().expect("ascii")).collect();
                assert!(vary.iter().any(|v| v.contains("accept-encoding")), "{path} {round}: Vary {vary:?}");
                for same in ["content-type", "etag", "cache-control", "content-security-policy"] {
                    assert_eq!(response.headers().get(same), headers.get(same), "{same} of {path} {encoding} {round}");
                }
                let body = response.bytes().await.expect("body");
                assert_eq!(decoded(encoding, &body), plain, "{path} {encoding} {round}");
            }
        }
        if let Some(etag) = headers.get("etag") {
            let again =
                app.client.get(app.url(path)).header("accept-encoding", "br, gzip").header("if-none-match", etag);
            assert_eq!(again.send().await.expect("send").status(), 304, "{path}");
        }
    }
}

/// Reads each path in each encoding (so each has been compressed once), changes the project,
/// and reads them again: every encoding shows the change on the first read after the write.
async fn a_write_shows_in_every_encoding_at_once(app: &TestApp, paths: &[&str]) {
    let project = app.create_project(TestApp::project("Before the write")).await;
    let id = project["id"].as_str().expect("id");
    let slug = project["slug"].as_str().expect("slug");
    let paths: Vec<String> = paths.iter().map(|p| p.replace("{id}", id).replace("{slug}", slug)).collect();
    for path in &paths {
        for encoding in ENCODINGS {
            let (status, body) = read(app, path, encoding).await;
            assert_eq!(status, 200, "{path}");
            assert!(body.contains("Before the write"), "{path} {encoding}: {body}");
        }
    }
    let put = app
        .write(
            Method::PUT,
            &format!("/api/projects/{id}"),
            &json!({"title": "After the write", "description": "About After the write"}),
        )
        .await;
    assert_eq!(put.status(), 200);
    for path in &paths {
        for encoding in ENCODINGS {
            let (_, body) = read(app, path, encoding).await;
            assert!(
                body.contains("After the write") && !body.contains("Before the write"),
                "{path} {encoding}: {body}"
            );
        }
    }
    let deleted = app.write(Method::DELETE, &format!("/api/projects/{id}"), &json!({})).await;
    assert_eq!(deleted.status(), 204);
    for path in &paths {
        for encoding in ENCODINGS {
            let (status, body) = read(app, path, encoding).await;
            assert!(!body.contains("After the write") || status == 404, "{path} {encoding}: {status} {body}");
            if path.ends_with(id) || path.ends_with(slug) {
                assert_eq!(status, 404, "{path} {encoding}");
            }
        }
    }
}

#[tokio::test]
async fn in_serve_a_write_shows_in_compressed_pages_and_api_answers_at_once() {
    let app = crate::common::serve(DatabaseKind::Sqlite, &[]).await;
    a_write_shows_in_every_encoding_at_once(
        &app,
        &["/projects", "/projects/{slug}", "/api/projects", "/api/projects/{id}"],
    )
    .await;
}

#[tokio::test]
async fn in_the_api_a_write_shows_in_compressed_answers_at_once() {
    let app = crate::common::spawn(DatabaseKind::Sqlite, &[]).await;
    a_write_shows_in_every_encoding_at_once(&app, &["/api/projects", "/api/projects/{id}"]).await;
}
