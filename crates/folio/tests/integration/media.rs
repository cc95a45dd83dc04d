//! The owner's images through the API: an upload is stored clean (no EXIF, GPS, XMP or
//! comment in any file), resized into variants and served as immutable; refused uploads store
//! nothing; two replicas and a restart serve the same image.

use folio::config::Role;
use folio_media::fixtures;
use reqwest::header::{ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE};
use serde_json::Value;

use crate::common::{ADMIN_TOKEN, DatabaseKind, TestApp, fresh_database, json_with_status, serve, spawn_with};

/// Sends `body` as the whole upload, declared as `content_type`.
async fn upload(app: &TestApp, content_type: &str, body: Vec<u8>) -> reqwest::Response {
    let request = app.client.post(app.url("/api/media")).bearer_auth(ADMIN_TOKEN).header(CONTENT_TYPE, content_type);
    request.body(body).send().await.expect("request")
}

/// Sends `file` as a browser's form upload does: `multipart/form-data`, one file part.
async fn upload_form(app: &TestApp, content_type: &str, file: &[u8]) -> reqwest::Response {
    let boundary = "----FolioTestBoundary7MA4YWxkTrZu0gW";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"IMG_0001.JPG\"\r\n\
         Content-Type: {content_type}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    upload(app, &format!("multipart/form-data; boundary={boundary}"), body).await
}

async fn listed(app: &TestApp) -> Vec<Value> {
    let response = app.client.get(app.url("/api/media")).bearer_auth(ADMIN_TOKEN).send().await.expect("request");
    json_with_status(response, 200).await.as_array().expect("a list").clone()
}

/// Every file of an image: its master then its variants, each as (url, contentType, width).
fn files(image: &Value) -> Vec<(String, String, u64)> {
    let master = (image["url"].as_str().expect("url").to_owned(), String::new(), image["width"].as_u64().expect("w"));
    let variants = image["variants"].as_array().expect("variants").iter().map(|v| {
        let text = |key: &str| v[key].as_str().expect(key).to_owned();
        (text("url"), text("contentType"), v["width"].as_u64().expect("width"))
    });
    std::iter::once(master).chain(variants).collect()
}

/// The bytes of a file as a browser fetches it (asking for compression).
async fn fetch(app: &TestApp, url: &str) -> (reqwest::StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let response = app.client.get(app.url(url)).header(ACCEPT_ENCODING, "br, gzip").send().await.expect("request");
    let (status, headers) = (response.status(), response.headers().clone());
    (status, headers, response.bytes().await.expect("body").to_vec())
}

async fn an_uploaded_photo_is_stored_without_its_metadata_resized_and_served_as_immutable(kind: DatabaseKind) {
    let app = serve(kind, &[]).await;
    let photo = fixtures::phone_photo(2000, 1500);
    assert!(fixtures::reveals_metadata(&photo), "the fixture carries what a phone writes");

    let response = upload(&app, "image/jpeg", photo).await;
    let location = response.headers().get("location").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let image = json_with_status(response, 201).await;
    let id = image["id"].as_str().expect("id").to_owned();
    assert_eq!(location.as_deref(), Some(format!("/api/media/{id}").as_str()));
    assert_eq!((image["width"].as_u64(), image["height"].as_u64()), (Some(2000), Some(1500)));
    let widths: Vec<(String, u64)> = files(&image).into_iter().skip(1).map(|(_, t, w)| (t, w)).collect();
    let webp = |w| ("image/webp".to_owned(), w);
    assert_eq!(widths, [webp(480), webp(960), webp(1600), ("image/jpeg".to_owned(), 1600)], "{image}");

    for (url, content_type, _) in files(&image) {
        let (status, headers, bytes) = fetch(&app, &url).await;
        assert_eq!(status, 200, "{url}");
        let served = headers[CONTENT_TYPE].to_str().expect("type");
        assert!(content_type.is_empty() || served == content_type, "{url}: {served}");
        assert_eq!(headers[CACHE_CONTROL], "public, max-age=31536000, immutable", "{url}");
        assert!(headers.get(CONTENT_ENCODING).is_none(), "{url}: images are not compressed again");
        assert!(!fixtures::reveals_metadata(&bytes), "{url} carries none of the photo's metadata");
    }
    assert_eq!(listed(&app).await, std::slice::from_ref(&image), "the list says what the upload answered");
    let anonymous = app.get("/api/media").await;
    assert_eq!(anonymous.status(), 401, "only the owner lists images");

    // Addresses Folio never gave out name nothing.
    for url in [
        format!("/media/{id}/1600w.jpg"),
        format!("/media/{id}/2000w.webp"),
        format!("/media/{id}/original.png"),
        "/media/not-a-uuid/480w.webp".to_owned(),
        format!("/media/{}/480w.webp", uuid::Uuid::new_v4()),
    ] {
        assert_eq!(fetch(&app, &url).await.0, 404, "{url}");
    }

    let deleted = app.client.delete(app.url(&format!("/api/media/{id}"))).bearer_auth(ADMIN_TOKEN).send().await;
    assert_eq!(deleted.expect("request").status(), 204);
    for (url, ..) in files(&image) {
        assert_eq!(fetch(&app, &url).await.0, 404, "{url} gone with its image");
    }
    assert_eq!(listed(&app).await, [] as [Value; 0]);
    let again = app.client.delete(app.url(&format!("/api/media/{id}"))).bearer_auth(ADMIN_TOKEN).send().await;
    assert_eq!(again.expect("request").status(), 404);
}

async fn refused_uploads_say_why_and_store_nothing(kind: DatabaseKind) {
    let app = serve(kind, &[]).await;
    let photo = fixtures::phone_photo(64, 48);
    let png = fixtures::png_of(64, 48);
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"><circle r=\"9\"/></svg>".to_vec();
    let cases: Vec<(&str, &str, Vec<u8>, u16, &str)> = vec![
        ("an SVG", "image/svg+xml", svg.clone(), 415, "Send a JPEG, PNG or WebP image"),
        ("an SVG declared as PNG", "image/png", svg, 415, "is not a JPEG, PNG or WebP image"),
        ("a PNG declared as JPEG", "image/jpeg", png.clone(), 415, "is a PNG image"),
        ("a truncated JPEG", "image/jpeg", photo[..photo.len() / 2].to_vec(), 400, "damaged or incomplete"),
        ("a truncated PNG", "image/png", png[..png.len() - 20].to_vec(), 400, "damaged or incomplete"),
        (
            "a PNG with a page after it",
            "image/png",
            [png.clone(), b"<html><script>x</script>".to_vec()].concat(),
            400,
            "data after the end of its image",
        ),
        (
            "a decompression bomb",
            "image/png",
            fixtures::png_claiming(100_000, 100_000, fixtures::RGBA8),
            400,
            "100000 × 100000 pixels",
        ),
        ("an empty body", "image/jpeg", Vec::new(), 400, "empty"),
        ("no type", "", png.clone(), 415, "none was given"),
        ("over the limit", "image/png", vec![0; folio_media::MAX_UPLOAD_BYTES + 1], 413, "larger than 20 MiB"),
    ];
    for (what, content_type, body, status, says) in cases {
        let answer = json_with_status(upload(&app, content_type, body).await, status).await;
        let message = answer["message"].as_str().unwrap_or_default();
        assert!(message.contains(says), "{what}: {message}");
    }
    let form = json_with_status(upload_form(&app, "image/svg+xml", b"<svg/>").await, 415).await;
    assert!(form["message"].as_str().is_some_and(|m| m.contains("got \"image/svg+xml\"")), "{form}");
    let untyped = json_with_status(upload_form(&app, "application/octet-stream", b"PK\x03\x04zip").await, 415).await;
    assert!(untyped["message"].as_str().is_some_and(|m| m.contains("Send a JPEG, PNG or WebP")), "{untyped}");
    let boundary = "b0undary";
    let extra =
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n--{boundary}--\r\n");
    let extra = upload(&app, &format!("multipart/form-data; boundary={boundary}"), extra.into_bytes()).await;
    let extra = json_with_status(extra, 400).await;
    assert!(extra["message"].as_str().is_some_and(|m| m.contains("part \"note\" besides its one file")), "{extra}");
    let unauthorised = app.client.post(app.url("/api/media")).header(CONTENT_TYPE, "image/png").body(png.clone());
    assert_eq!(unauthorised.send().await.expect("request").status(), 401);
    assert_eq!(listed(&app).await, [] as [Value; 0], "nothing refused was stored");

    // The same photo from a browser's form is taken, and its metadata dropped as well; a part
    // without a type is what its bytes say.
    let image = json_with_status(upload_form(&app, "image/jpeg", &photo).await, 201).await;
    let (_, _, master) = fetch(&app, image["url"].as_str().expect("url")).await;
    assert!(!fixtures::reveals_metadata(&master));
    let untyped = json_with_status(upload_form(&app, "application/octet-stream", &png).await, 201).await;
    assert!(untyped["url"].as_str().is_some_and(|u| u.ends_with("/original.png")), "{untyped}");
    assert_eq!(listed(&app).await.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_replicas_serve_the_same_image_and_a_restart_keeps_it() {
    for kind in [DatabaseKind::Sqlite, DatabaseKind::Postgres] {
        let (mut env, _database) = fresh_database(kind);
        env.push(("ADMIN_TOKEN".into(), ADMIN_TOKEN.into()));
        let a = spawn_with(Role::Api, env.clone(), Box::new(()), &[]).await;
        let b = spawn_with(Role::Api, env.clone(), Box::new(()), &[]).await;
        let image = json_with_status(upload(&a, "image/jpeg", fixtures::phone_photo(800, 600)).await, 201).await;
        let urls: Vec<String> = files(&image).into_iter().map(|(url, ..)| url).collect();
        let mut served = Vec::new();
        for url in &urls {
            let (status, _, bytes) = fetch(&b, url).await;
            assert_eq!(status, 200, "{kind:?}: the other replica serves {url}");
            served.push(bytes);
        }
        assert_eq!(listed(&b).await, std::slice::from_ref(&image), "{kind:?}");
        a.stop().await;
        b.stop().await;

        let restarted = spawn_with(Role::Api, env, Box::new(()), &[]).await;
        for (url, bytes) in urls.iter().zip(&served) {
            let (status, _, again) = fetch(&restarted, url).await;
            assert_eq!((status, &again), (reqwest::StatusCode::OK, bytes), "{kind:?}: {url} after a restart");
        }
    }
}

on_both_databases!(
    an_uploaded_photo_is_stored_without_its_metadata_resized_and_served_as_immutable,
    refused_uploads_say_why_and_store_nothing,
);
