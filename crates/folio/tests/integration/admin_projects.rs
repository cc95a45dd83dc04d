//! The owner's projects from the admin's forms, in `folio serve` on both databases: create,
//! errors next to their fields with the input kept, the description's preview, edit, hide and
//! show, reorder, delete after a confirmation; each seen at once on the site and in the API.
//! And what must not work: a write from another origin or without the session's forgery token.

use reqwest::header::{self, HeaderValue};
use reqwest::{Response, StatusCode};
use serde_json::Value;

use crate::admin::{client, own_origin, sign_in};
use crate::common::{self, DatabaseKind, TestApp};

/// A signed-in browser: its cookie, and the forgery token its pages carry.
pub(crate) struct Browser<'a> {
    app: &'a TestApp,
    cookie: String,
    csrf: String,
}

impl<'a> Browser<'a> {
    pub(crate) async fn sign_in(app: &'a TestApp) -> Self {
        let cookie = format!("folio_admin={}", sign_in(app, &[]).await);
        let mut browser = Self { app, cookie, csrf: String::new() };
        let page = browser.page("/admin/projects", 200).await;
        let at = page.find("name=\"csrf\" value=\"").expect("a forgery token in the page") + 19;
        browser.csrf = page[at..at + 64].to_owned();
        browser
    }

    pub(crate) async fn get(&self, path: &str) -> Response {
        client().get(self.app.url(path)).header(header::COOKIE, &self.cookie).send().await.expect("get")
    }

    /// The page at `path`, which must answer `status`.
    pub(crate) async fn page(&self, path: &str, status: u16) -> String {
        let response = self.get(path).await;
        assert_eq!(response.status().as_u16(), status, "{path}");
        response.text().await.expect("page")
    }

    /// Posts a form from this admin's own pages, with the forgery token.
    pub(crate) async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let mut form = vec![("csrf", self.csrf.as_str())];
        form.extend_from_slice(fields);
        client()
            .post(self.app.url(path))
            .header(header::COOKIE, &self.cookie)
            .header(header::ORIGIN, own_origin(self.app))
            .form(&form)
            .send()
            .await
            .expect("post")
    }

    /// Posts a form as a browser does when it holds a file input: `multipart/form-data`, the
    /// forgery token first, then `fields`, then `file` (name, file name, type and bytes) if any.
    pub(crate) async fn post_multipart(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        file: Option<(&str, &str, &str, &[u8])>,
    ) -> Response {
        let boundary = "----FolioAdminBoundary0d4Kc7TQpZr9";
        let mut body = Vec::new();
        for (name, value) in [("csrf", self.csrf.as_str())].iter().chain(fields) {
            let part = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n");
            body.extend_from_slice(part.as_bytes());
        }
        if let Some((name, file_name, content_type, bytes)) = file {
            let head = format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\n\
                 Content-Type: {content_type}\r\n\r\n"
            );
            body.extend_from_slice(head.as_bytes());
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        client()
            .post(self.app.url(path))
            .header(header::COOKIE, &self.cookie)
            .header(header::ORIGIN, own_origin(self.app))
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
            .body(body)
            .send()
            .await
            .expect("post")
    }

    /// Posts, and requires the redirect to the project list with `done`.
    pub(crate) async fn done(&self, path: &str, fields: &[(&str, &str)], done: &str) {
        self.done_at(path, fields, &format!("/admin/projects?done={done}")).await;
    }

    /// Posts, and requires the redirect to `location`.
    pub(crate) async fn done_at(&self, path: &str, fields: &[(&str, &str)], location: &str) {
        let response = self.post(path, fields).await;
        let got = response.headers().get(header::LOCATION).cloned();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}: {:?}", response.text().await);
        assert_eq!(got, Some(HeaderValue::from_str(location).expect("value")), "{path}");
    }

    /// A read of the API with the admin token (the API's own way in, beside the session).
    pub(crate) async fn api_get(&self, path: &str) -> Response {
        client().get(self.app.url(path)).bearer_auth(common::ADMIN_TOKEN).send().await.expect("get")
    }
}

/// Every project the API knows (hidden ones too, with the token), in order: (title, isActive).
async fn stored(app: &TestApp) -> Vec<(String, bool)> {
    let list = ids(app).await;
    list.iter().map(|p| (p["title"].as_str().expect("title").to_owned(), p["isActive"] == true)).collect()
}

/// Titles on the public projects page, in order.
async fn on_the_site(app: &TestApp) -> Vec<String> {
    let page = app.get("/projects").await.text().await.expect("page");
    page.match_indices("<h2><a href=\"/projects/")
        .map(|(at, _)| {
            let rest = &page[at..];
            let start = rest.find("\">").expect("link text") + 2;
            rest[start..start + rest[start..].find("</a>").expect("end")].to_owned()
        })
        .collect()
}

pub(crate) fn id_of(projects: &[Value], title: &str) -> String {
    let project = projects.iter().find(|p| p["title"] == title).unwrap_or_else(|| panic!("{title} in {projects:?}"));
    project["id"].as_str().expect("id").to_owned()
}

/// Every project the API knows, hidden ones too, as the API returns them.
pub(crate) async fn ids(app: &TestApp) -> Vec<Value> {
    let all = client().get(app.url("/api/projects?include=hidden")).bearer_auth(common::ADMIN_TOKEN);
    common::json_with_status(all.send().await.expect("list"), 200).await.as_array().expect("list").clone()
}

async fn the_owner_manages_projects_from_the_forms(kind: DatabaseKind) {
    let app = common::serve(kind, &[]).await;
    let owner = Browser::sign_in(&app).await;
    assert!(owner.page("/admin/projects", 200).await.contains("There are no projects yet"));

    // Create three; the third as a hidden draft (its box unticked).
    for (title, visible) in [("Alpha", true), ("Beta", true), ("Gamma", false)] {
        let mut fields = vec![("title", title), ("description", "**Bold** words\n\nA second paragraph.")];
        if visible {
            fields.push(("visible", "on"));
        }
        fields.extend([("technologies", "Rust\nC, C++\n\n"), ("projectUrl", " https://example.org/p ")]);
        owner.done("/admin/projects", &fields, "created").await;
    }
    let list = ids(&app).await;
    let alpha = &list[list.iter().position(|p| p["title"] == "Alpha").expect("alpha")];
    assert_eq!(alpha["technologies"], serde_json::json!(["Rust", "C, C++"]), "one tag per line, commas kept");
    assert_eq!(alpha["projectUrl"], "https://example.org/p", "trimmed");
    assert_eq!(alpha["description"], "**Bold** words\n\nA second paragraph.", "kept as typed");
    // Equal orders: newest first. The draft is listed in the admin, not on the site.
    assert_eq!(stored(&app).await, [("Gamma".into(), false), ("Beta".into(), true), ("Alpha".into(), true)]);
    assert_eq!(on_the_site(&app).await, ["Beta", "Alpha"]);
    let admin_list = owner.page("/admin/projects?done=created", 200).await;
    assert!(admin_list.contains("The project was created.") && admin_list.contains("Hidden (draft)"));
    let project_page = app.get("/projects/alpha").await.text().await.expect("page");
    assert!(project_page.contains("<strong>Bold</strong> words"), "Markdown rendered on the site");

    // Reorder: Alpha up to the top, in two moves; the draft keeps its place among them.
    let alpha_id = id_of(&list, "Alpha");
    owner.done(&format!("/admin/projects/{alpha_id}/move"), &[("value", "up")], "moved").await;
    owner.done(&format!("/admin/projects/{alpha_id}/move"), &[("value", "up")], "moved").await;
    assert_eq!(stored(&app).await.iter().map(|p| p.0.as_str()).collect::<Vec<_>>(), ["Alpha", "Gamma", "Beta"]);
    owner.done(&format!("/admin/projects/{alpha_id}/move"), &[("value", "up")], "moved").await;
    assert_eq!(on_the_site(&app).await, ["Alpha", "Beta"], "the top one stays at the top");
    owner.done(&format!("/admin/projects/{alpha_id}/move"), &[("value", "down")], "moved").await;
    assert_eq!(stored(&app).await.iter().map(|p| p.0.as_str()).collect::<Vec<_>>(), ["Gamma", "Alpha", "Beta"]);

    // Show the draft, hide Beta.
    let gamma_id = id_of(&list, "Gamma");
    let beta_id = id_of(&list, "Beta");
    owner.done(&format!("/admin/projects/{gamma_id}/visibility"), &[("value", "show")], "shown").await;
    owner.done(&format!("/admin/projects/{beta_id}/visibility"), &[("value", "hide")], "hidden").await;
    assert_eq!(on_the_site(&app).await, ["Gamma", "Alpha"]);
    let public = common::json_with_status(app.get("/api/projects").await, 200).await;
    assert_eq!(public.as_array().expect("list").len(), 2, "the public API omits the hidden one");

    // Edit: the form holds what is stored; a save replaces every field.
    let form = owner.page(&format!("/admin/projects/{alpha_id}"), 200).await;
    assert!(form.contains("value=\"Alpha\"") && form.contains(">Rust\nC, C++</textarea>"), "{form}");
    let edited = [
        ("title", "Alpha, renamed"),
        ("description", "Now *in italics*"),
        ("technologies", "Go"),
        ("visible", "on"),
        ("sortOrder", "1"),
    ];
    owner.done(&format!("/admin/projects/{alpha_id}"), &edited, "saved").await;
    let after = ids(&app).await;
    let alpha = after.iter().find(|p| p["id"] == alpha_id.as_str()).expect("alpha");
    assert_eq!((alpha["title"].as_str(), alpha["projectUrl"].is_null()), (Some("Alpha, renamed"), true));
    assert_eq!(alpha["technologies"], serde_json::json!(["Go"]));
    assert!(on_the_site(&app).await.contains(&"Alpha, renamed".to_owned()), "seen at once in serve");

    // Delete: a GET only asks; the POST deletes.
    let question = owner.page(&format!("/admin/projects/{beta_id}/delete"), 200).await;
    assert!(question.contains("Delete “Beta”?") && question.contains("cannot be undone"), "{question}");
    assert_eq!(ids(&app).await.len(), 3, "asking deletes nothing");
    owner.done(&format!("/admin/projects/{beta_id}/delete"), &[], "deleted").await;
    assert_eq!(ids(&app).await.len(), 2);
    assert_eq!(owner.get(&format!("/admin/projects/{beta_id}")).await.status(), StatusCode::NOT_FOUND);
    let again = owner.post(&format!("/admin/projects/{beta_id}/delete"), &[]).await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_manages_projects_from_the_forms_on_sqlite() {
    the_owner_manages_projects_from_the_forms(DatabaseKind::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_manages_projects_from_the_forms_on_postgres() {
    the_owner_manages_projects_from_the_forms(DatabaseKind::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_field_is_refused_next_to_it_with_the_input_kept_and_nothing_stored() {
    let app = common::serve(DatabaseKind::Sqlite, &[]).await;
    let owner = Browser::sign_in(&app).await;
    let typed = [
        ("title", "  "),
        ("description", "Kept <b>as typed</b>"),
        ("imageUrl", "javascript:alert(1)"),
        ("technologies", &"x".repeat(101)),
        ("sortOrder", "first"),
        ("visible", "on"),
    ];
    let refused = owner.post("/admin/projects", &typed).await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let page = refused.text().await.expect("page");
    for (id, text) in [
        ("title", "Title must not be empty."),
        ("imageUrl", "Image address must be an absolute http or https URL."),
        ("technologies", "Technologies: the tag on line 1 must be at most 100 characters, got 101."),
        ("sortOrder", "Order must be a whole number from -2147483648 to 2147483647."),
    ] {
        assert!(page.contains(&format!("<p class=\"error\" id=\"{id}-error\">{text}</p>")), "{id}: {page}");
        assert!(page.contains(&format!("id=\"{id}\"")), "{id}");
    }
    assert!(page.contains("aria-invalid=\"true\" aria-describedby=\"title-error\""), "{page}");
    assert!(page.contains(">Kept &#60;b&#62;as typed&#60;/b&#62;</textarea>"), "input kept, escaped: {page}");
    assert!(page.contains("value=\"javascript:alert(1)\"") && page.contains("value=\"first\""), "{page}");
    assert!(page.contains("id=\"visible\" name=\"visible\" type=\"checkbox\" checked"), "{page}");
    assert!(!page.contains("id=\"description-error\""), "a valid field has no error");
    assert!(ids(&app).await.is_empty(), "nothing stored");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_preview_renders_the_description_safely_and_saves_nothing() {
    let app = common::serve(DatabaseKind::Sqlite, &[]).await;
    let owner = Browser::sign_in(&app).await;
    let hostile = "**Bold** [x](javascript:alert(1)) <img src=x onerror=alert(2)>\n\n<script>alert(3)</script>";
    let response =
        owner.post("/admin/projects", &[("title", "T"), ("description", hostile), ("action", "preview")]).await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = response.text().await.expect("page");
    let preview = &page[page.find("<div class=\"rendered\">").expect("a preview")..];
    assert!(preview.contains("<strong>Bold</strong>"), "{preview}");
    for markup in ["<script", "<img", "javascript:"] {
        assert!(!preview.contains(markup), "{markup} in {preview}");
    }
    assert!(preview.contains("&lt;script&gt;alert(3)&lt;/script&gt;"), "raw HTML shown as text: {preview}");
    assert!(ids(&app).await.is_empty(), "a preview stores nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_from_another_origin_or_without_the_forgery_token_changes_nothing() {
    let app = common::serve(DatabaseKind::Sqlite, &[]).await;
    let owner = Browser::sign_in(&app).await;
    owner.done("/admin/projects", &[("title", "Kept"), ("description", "d"), ("visible", "on")], "created").await;
    let id = id_of(&ids(&app).await, "Kept");
    let writes = [
        ("/admin/projects".to_owned(), vec![("title", "New"), ("description", "d")]),
        (format!("/admin/projects/{id}"), vec![("title", "Changed"), ("description", "d")]),
        (format!("/admin/projects/{id}/visibility"), vec![("value", "hide")]),
        (format!("/admin/projects/{id}/move"), vec![("value", "down")]),
        (format!("/admin/projects/{id}/delete"), vec![]),
    ];
    for (path, fields) in &writes {
        let cross = client()
            .post(app.url(path))
            .header(header::COOKIE, &owner.cookie)
            .header(header::ORIGIN, "https://evil.example")
            .form(&[&[("csrf", owner.csrf.as_str())], fields.as_slice()].concat())
            .send()
            .await
            .expect("post");
        assert_eq!(cross.status(), StatusCode::FORBIDDEN, "{path} from another origin");
        let forged = client()
            .post(app.url(path))
            .header(header::COOKIE, &owner.cookie)
            .header(header::ORIGIN, own_origin(&app))
            .form(&[&[("csrf", "0".repeat(64).as_str())], fields.as_slice()].concat())
            .send()
            .await
            .expect("post");
        assert_eq!(forged.status(), StatusCode::FORBIDDEN, "{path} without the token");
        let signed_out = client().post(app.url(path)).header(header::ORIGIN, own_origin(&app)).form(fields);
        let signed_out = signed_out.send().await.expect("post");
        assert_eq!(signed_out.status(), StatusCode::SEE_OTHER, "{path} signed out: to the sign-in page");
    }
    assert_eq!(stored(&app).await, [("Kept".into(), true)]);
    for bogus in ["/admin/projects/not-an-id", "/admin/projects/00000000-0000-0000-0000-000000000000/delete"] {
        assert_eq!(owner.get(bogus).await.status(), StatusCode::NOT_FOUND, "{bogus}");
    }
    let odd = owner.post(&format!("/admin/projects/{id}/visibility"), &[("value", "sideways")]).await;
    assert_eq!(odd.status(), StatusCode::BAD_REQUEST);
}
