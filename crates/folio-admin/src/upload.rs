//! The project form as a browser sends it: `multipart/form-data` (so a photo can come with
//! it, with no JavaScript), its text fields and at most one file, `photo`. Only the form's own
//! fields are kept, each bounded; the photo is bounded by the upload limit. A form without a
//! photo may also come URL-encoded: a page the previous release served, during an update.

use std::collections::HashMap;

use axum::Form;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{StatusCode, header};
use axum::response::Response;
use folio_core::use_cases::media::{MAX_UPLOAD_BYTES, Refused};
use folio_core::{Kind, ProjectForm};

use crate::pages::message;

/// What the form's body may hold beyond the photo: every text field at its longest, with room.
pub(crate) const FORM_BODY_LIMIT: usize = MAX_UPLOAD_BYTES + 256 * 1024;

/// The longest text field taken, in bytes: the description's 10,000 characters of up to four
/// bytes each, with room.
const FIELD_MAX_BYTES: usize = 64 * 1024;

/// The form's text fields: the project's (as [`ProjectForm`] names them) and the controls.
const FIELDS: &[&str] = &[
    "csrf",
    "action",
    "removeImage",
    "title",
    "slug",
    "description",
    "imageUrl",
    "imageId",
    "imageAlt",
    "projectUrl",
    "githubUrl",
    "technologies",
    "visible",
    "sortOrder",
];

/// A submitted project form.
#[derive(Debug)]
pub(crate) struct Submitted {
    pub(crate) csrf: String,
    /// `preview` shows the form again with the description rendered; anything else saves.
    pub(crate) action: String,
    /// The box "Remove the photo" was ticked.
    pub(crate) remove_image: bool,
    pub(crate) fields: ProjectForm,
    /// A file chosen for the photo, if any.
    pub(crate) photo: Option<Photo>,
}

/// The file chosen for the photo: its bytes, and its type as declared or, when the browser
/// gave none, as its first bytes say.
#[derive(Debug)]
pub(crate) enum Photo {
    Image(Kind, Vec<u8>),
    /// Not a JPEG, PNG or WebP by its declared type.
    NotAnImage,
    TooLarge,
}

impl Photo {
    /// Why this photo cannot be taken, as the form says it beside the field; `None` for one
    /// worth processing.
    pub(crate) fn problem(&self) -> Option<String> {
        match self {
            Photo::Image(..) => None,
            Photo::NotAnImage => Some("Photo must be a JPEG, PNG or WebP image.".to_owned()),
            Photo::TooLarge => Some(refused(&Refused::TooLarge { limit: MAX_UPLOAD_BYTES })),
        }
    }
}

/// What the processing refused, as the form says it.
pub(crate) fn refused(why: &Refused) -> String {
    format!("Photo: {why}. Nothing was stored.")
}

/// Reads the form; a body that is not one answers 400.
pub(crate) async fn read(request: Request) -> Result<Submitted, Response> {
    let bad = |why: &str| message(StatusCode::BAD_REQUEST, "This form could not be read", why);
    let content_type = request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if content_type.to_ascii_lowercase().starts_with("application/x-www-form-urlencoded") {
        let Form(pairs) = Form::<Vec<(String, String)>>::from_request(request, &())
            .await
            .map_err(|_| bad("The form's fields could not be read. Reload the page and try again."))?;
        let text = pairs
            .into_iter()
            .filter_map(|(name, value)| FIELDS.iter().find(|known| **known == name).map(|known| (*known, value)))
            .collect();
        return Ok(submitted(text, None));
    }
    let mut form = Multipart::from_request(request, &())
        .await
        .map_err(|_| bad("The form was not sent as a form (multipart/form-data). Reload the page and try again."))?;
    let broken = |_| bad("The form arrived incomplete. Try again.");
    let mut text: HashMap<&'static str, String> = HashMap::new();
    let mut chosen = None;
    while let Some(mut part) = form.next_field().await.map_err(broken)? {
        let name = part.name().unwrap_or_default();
        if name == "photo" {
            let declared = part.content_type().unwrap_or_default().to_owned();
            let mut bytes = Vec::new();
            let mut too_large = false;
            while let Some(chunk) = part.chunk().await.map_err(broken)? {
                too_large |= bytes.len() + chunk.len() > MAX_UPLOAD_BYTES;
                if !too_large {
                    bytes.extend_from_slice(&chunk);
                }
            }
            // A file input left empty still sends a part: no name, no bytes.
            if too_large {
                chosen = Some(Photo::TooLarge);
            } else if !bytes.is_empty() {
                chosen = Some(photo(&declared, bytes));
            }
            continue;
        }
        let Some(known) = FIELDS.iter().find(|known| **known == name) else { continue };
        let mut value = Vec::new();
        while let Some(chunk) = part.chunk().await.map_err(broken)? {
            if value.len() + chunk.len() > FIELD_MAX_BYTES {
                return Err(bad("A field of the form is far longer than any field may be."));
            }
            value.extend_from_slice(&chunk);
        }
        let value = String::from_utf8(value).map_err(|_| bad("A field of the form is not text (UTF-8)."))?;
        text.insert(known, value);
    }
    Ok(submitted(text, chosen))
}

/// The form of these fields (named as [`FIELDS`] names them) and this photo.
fn submitted(mut text: HashMap<&'static str, String>, photo: Option<Photo>) -> Submitted {
    let visible = text.remove("visible");
    let mut take = |name: &str| text.remove(name).unwrap_or_default();
    let (csrf, action, remove_image) = (take("csrf"), take("action"), !take("removeImage").is_empty());
    let fields = ProjectForm {
        title: take("title"),
        slug: take("slug"),
        description: take("description"),
        image_url: take("imageUrl"),
        image_id: take("imageId"),
        image_alt: take("imageAlt"),
        project_url: take("projectUrl"),
        github_url: take("githubUrl"),
        technologies: take("technologies"),
        visible,
        sort_order: take("sortOrder"),
    };
    Submitted { csrf, action, remove_image, fields, photo }
}

/// The photo as sent: typed by its Content-Type, or by its first bytes when the browser sent
/// none (or the generic `application/octet-stream`).
fn photo(declared: &str, bytes: Vec<u8>) -> Photo {
    let untyped = declared.is_empty() || declared.eq_ignore_ascii_case("application/octet-stream");
    let kind = Kind::from_content_type(declared).or_else(|| if untyped { Kind::sniff(&bytes) } else { None });
    match kind {
        Some(kind) => Photo::Image(kind, bytes),
        None => Photo::NotAnImage,
    }
}
