//! A project's photo from the admin's form, as a phone's browser sends it (a plain form, no
//! JavaScript): chosen, shown on the site with its `srcset`, replaced, removed; the photo a
//! project no longer shows is deleted, one still shown cannot be; a refused file stores
//! nothing and keeps what the owner typed.

use folio_media::fixtures;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::admin_projects::{Browser, id_of, ids};
use crate::common::{self, ADMIN_TOKEN, DatabaseKind, TestApp, json_with_status};

/// The images the API lists.
async fn images(app: &TestApp) -> Vec<String> {
    let response = app.client.get(app.url("/api/media")).bearer_auth(ADMIN_TOKEN).send().await.expect("list");
    let list = json_with_status(response, 200).await;
    list.as_array().expect("list").iter().map(|m| m["id"].as_str().expect("id").to_owned()).collect()
}

/// The project's photo as the API answers it.
async fn photo_of(app: &TestApp, title: &str) -> Value {
    let projects = ids(app).await;
    projects.iter().find(|p| p["title"] == title).map(|p| p["image"].clone()).expect("the project")
}

/// The `<img>` tags of a page.
fn img_tags(page: &str) -> Vec<&str> {
    page.match_indices("<img ").map(|(at, _)| &page[at..at + page[at..].find('>').expect("tag end")]).collect()
}

async fn the_owner_adds_replaces_and_removes_a_photo_from_the_form(kind: DatabaseKind) {
    let app = common::serve(kind, &[]).await;
    let owner = Browser::sign_in(&app).await;
    let form = owner.page("/admin/projects/new", 200).await;
    assert!(form.contains("enctype=\"multipart/form-data\"") && form.contains("type=\"file\""), "{form}");

    // Chosen as the project is created: stored clean, shown on the site.
    let photo = fixtures::phone_photo(2000, 1500);
    let fields = [("title", "Bridge"), ("description", "d"), ("visible", "on"), ("imageAlt", "A bridge at dusk")];
    let created =
        owner.post_multipart("/admin/projects", &fields, Some(("photo", "IMG_0001.JPG", "image/jpeg", &photo)));
    let created = created.await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER, "{:?}", created.text().await);
    let image = photo_of(&app, "Bridge").await;
    let first = image["id"].as_str().expect("an image id").to_owned();
    assert_eq!(
        (image["alt"].as_str(), image["width"].as_u64(), image["height"].as_u64()),
        (Some("A bridge at dusk"), Some(1600), Some(1200))
    );
    let srcset =
        format!("/media/{first}/480w.webp 480w, /media/{first}/960w.webp 960w, /media/{first}/1600w.webp 1600w");
    assert_eq!(image["srcset"], srcset);
    assert_eq!(image["url"], format!("/media/{first}/fallback.jpg"));
    for file in ["fallback.jpg", "480w.webp", "1600w.webp"] {
        let served = app.get(&format!("/media/{first}/{file}")).await;
        assert_eq!(served.status(), StatusCode::OK, "{file}");
        assert!(!fixtures::reveals_metadata(&served.bytes().await.expect("bytes")), "{file} carries no metadata");
    }

    let page = app.get("/projects").await.text().await.expect("page");
    let tags = img_tags(&page);
    assert_eq!(tags.len(), 1, "{page}");
    for attribute in [
        format!("src=\"/media/{first}/fallback.jpg\""),
        format!("srcset=\"{srcset}\""),
        "sizes=\"".to_owned(),
        "width=\"1600\" height=\"1200\"".to_owned(),
        "alt=\"A bridge at dusk\"".to_owned(),
    ] {
        assert!(tags[0].contains(&attribute), "{attribute} in {}", tags[0]);
    }
    assert!(!tags[0].contains("loading=\"lazy\""), "the first card is above the fold: {}", tags[0]);
    let detail = app.get("/projects/bridge").await.text().await.expect("page");
    let preview = format!("/media/{first}/fallback.jpg\">");
    let og = detail.lines().find(|l| l.starts_with("<meta property=\"og:image\" content=\"http")).expect("og:image");
    assert!(og.ends_with(&preview), "{og}");
    assert!(detail.contains("<meta name=\"twitter:card\" content=\"summary_large_image\">"));

    // The form shows it, keeps it through an edit that does not touch it.
    let id = id_of(&ids(&app).await, "Bridge");
    let path = format!("/admin/projects/{id}");
    let edit = owner.page(&path, 200).await;
    assert!(
        edit.contains(&format!("src=\"/media/{first}/480w.webp\"")) && edit.contains("Replace the photo"),
        "{edit}"
    );
    let kept = [
        ("title", "Bridge"),
        ("description", "changed"),
        ("visible", "on"),
        ("imageId", &first),
        ("imageAlt", "A bridge at dusk"),
    ];
    let saved = owner.post_multipart(&path, &kept, None).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(photo_of(&app, "Bridge").await["id"], first.as_str());

    // A file that is not an image: refused next to the field, nothing stored, the rest kept.
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>";
    let refused = owner.post_multipart(&path, &kept, Some(("photo", "x.svg", "image/svg+xml", svg)));
    let refused = refused.await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let refused = refused.text().await.expect("page");
    assert!(
        refused.contains("Photo must be a JPEG, PNG or WebP image.") && refused.contains(">changed</textarea>"),
        "{refused}"
    );
    let polyglot = [b"GIF89a".as_slice(), svg].concat();
    let refused = owner.post_multipart(&path, &kept, Some(("photo", "x.jpg", "image/jpeg", &polyglot)));
    assert_eq!(refused.await.status(), StatusCode::BAD_REQUEST);
    assert_eq!(images(&app).await, [first.as_str()], "nothing stored");

    // Replaced: the new one shown, the old one deleted with its files.
    let newer = fixtures::png_of(700, 500);
    let replaced = owner.post_multipart(&path, &kept, Some(("photo", "new.png", "", &newer)));
    assert_eq!(replaced.await.status(), StatusCode::SEE_OTHER);
    let image = photo_of(&app, "Bridge").await;
    let second = image["id"].as_str().expect("id").to_owned();
    assert_ne!(second, first);
    assert_eq!(image["srcset"], format!("/media/{second}/480w.webp 480w, /media/{second}/700w.webp 700w"));
    assert_eq!(images(&app).await, [second.as_str()], "the replaced photo is gone");
    assert_eq!(app.get(&format!("/media/{first}/fallback.jpg")).await.status(), StatusCode::NOT_FOUND);

    // One the project shows cannot be deleted through the API.
    let delete = app.client.delete(app.url(&format!("/api/media/{second}"))).bearer_auth(ADMIN_TOKEN).send().await;
    let refused = json_with_status(delete.expect("delete"), 409).await;
    assert!(refused["message"].as_str().is_some_and(|m| m.contains("\"Bridge\"")), "{refused}");

    // Removed: gone from the project, the site and the store.
    let removed =
        [("title", "Bridge"), ("description", "d"), ("visible", "on"), ("imageId", &second), ("removeImage", "on")];
    let response = owner.post_multipart(&path, &removed, None).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(photo_of(&app, "Bridge").await, Value::Null);
    assert!(images(&app).await.is_empty());
    assert!(img_tags(&app.get("/projects").await.text().await.expect("page")).is_empty());

    // Deleting a project from the admin deletes its photo.
    let again = owner.post_multipart(&path, &kept, Some(("photo", "again.png", "image/png", &newer))).await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    assert_eq!(images(&app).await.len(), 1);
    let deleted = owner.post(&format!("{path}/delete"), &[]).await;
    assert_eq!(deleted.status(), StatusCode::SEE_OTHER);
    assert!(ids(&app).await.is_empty() && images(&app).await.is_empty(), "the project and its photo are gone");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_adds_replaces_and_removes_a_photo_from_the_form_on_sqlite() {
    the_owner_adds_replaces_and_removes_a_photo_from_the_form(DatabaseKind::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_adds_replaces_and_removes_a_photo_from_the_form_on_postgres() {
    the_owner_adds_replaces_and_removes_a_photo_from_the_form(DatabaseKind::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cards_below_the_first_load_their_photos_lazily_and_the_api_takes_a_photo_by_id() {
    let app = common::serve(DatabaseKind::Sqlite, &[]).await;
    let upload = app.client.post(app.url("/api/media")).bearer_auth(ADMIN_TOKEN);
    let upload = upload.header("content-type", "image/jpeg").body(fixtures::phone_photo(1200, 800)).send().await;
    let image = json_with_status(upload.expect("upload"), 201).await;
    let id = image["id"].as_str().expect("id");
    for n in 0..4 {
        let body = json!({"title": format!("P{n}"), "description": "d", "sortOrder": n, "image": {"id": id, "alt": format!("Photo {n}")}});
        let created = app.create_project(body).await;
        assert_eq!(created["image"]["width"], 1200, "{created}");
    }
    let missing = json!({"title": "x", "description": "d", "image": {"id": uuid::Uuid::new_v4()}});
    let response = app.client.post(app.url("/api/projects")).bearer_auth(ADMIN_TOKEN).json(&missing).send().await;
    let refused = json_with_status(response.expect("post"), 409).await;
    assert!(refused["message"].as_str().is_some_and(|m| m.contains("names no stored image")), "{refused}");

    let page = app.get("/projects").await.text().await.expect("page");
    let lazy: Vec<bool> = img_tags(&page).iter().map(|tag| tag.contains("loading=\"lazy\"")).collect();
    assert_eq!(lazy, [false, false, true, true], "{page}");
}
