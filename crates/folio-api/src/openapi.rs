//! The OpenAPI 3.1 document, served at `/api/openapi.json`.
//!
//! Operations, parameters, responses and response bodies come from the handlers' annotations
//! and the types they return. Request bodies are read field by field (to name every wrong
//! field), so their schemas are built here from the same limits and patterns the validators
//! use (`folio_core::rules` and the crate's constants). schemathesis fuzzes against this
//! document in `scripts/fuzz`.

use std::sync::OnceLock;

use axum::body::Bytes;
use axum::http::header;
use axum::response::IntoResponse;
use folio_core::domain::contact::{
    EMAIL_MAX_CHARS, HONEYPOT_FIELD, MESSAGE_MAX_CHARS, MESSAGE_MIN_CHARS, NAME_MAX_CHARS, SUBJECT_MAX_CHARS,
};
use folio_core::domain::project::{
    DESCRIPTION_MAX_CHARS, TECHNOLOGIES_MAX_ITEMS, TECHNOLOGY_MAX_CHARS, TITLE_MAX_CHARS, URL_MAX_CHARS,
};
use folio_core::domain::project_image::ALT_MAX_CHARS;
use folio_core::domain::rules::{
    CONTROL_PATTERN, NOT_BLANK_PATTERN, NUL_PATTERN, URL_FORBIDDEN_PATTERN, URL_START_PATTERN,
};
use folio_core::domain::site_content::{BIOGRAPHY_MAX_CHARS, LANGUAGE, LINE_MAX_CHARS, LIST_MAX_ITEMS, TEXT_MAX_CHARS};
use folio_core::domain::slug::SLUG_MAX_CHARS;
use serde_json::{Value, json};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Folio API",
        description = "Projects, site content, images, contact messages, health and metrics. Writes need `Authorization: Bearer <ADMIN_TOKEN>`. \
                       Errors are `{statusCode, error, message}`; `message` names the field at fault (a list when several are)."
    ),
    paths(
        routes::health::health,
        routes::metrics::metrics,
        routes::projects::list,
        routes::projects::get,
        routes::projects::create,
        routes::projects::update,
        routes::projects::delete,
        routes::site::get,
        routes::site::put,
        routes::media::upload,
        routes::media::list,
        routes::media::delete,
        routes::media::file,
        routes::contact::submit,
        routes::contact::list,
        routes::contact::mark_read,
        openapi_json,
    ),
    components(schemas(ProjectInputBody, ProjectPatchBody, SiteContentBody, ContactInputBody, MarkReadBody)),
    modifiers(&BearerToken),
    tags(
        (name = "health", description = "Service health and metrics"),
        (name = "projects", description = "Portfolio projects"),
        (name = "media", description = "The owner's images: uploaded, cleaned of metadata, resized, served as immutable"),
        (name = "site", description = "The owner's site content: who they are, what they do, their links"),
        (name = "contact", description = "Messages from the contact form"),
    )
)]
struct ApiDoc;

/// The body of `POST /api/projects` (its schema is built in [`request_schemas`]).
pub struct ProjectInputBody;
/// The body of `PUT /api/projects/{id}`.
pub struct ProjectPatchBody;
/// The body of `PUT /api/site`.
pub struct SiteContentBody;
/// The body of `POST /api/contact`.
pub struct ContactInputBody;
/// The body of `POST /api/contact-messages/read`.
pub struct MarkReadBody;

/// Names a request body in the document; [`document`] puts the real schema in its place.
macro_rules! request_body_schema {
    ($($ty:ident => $name:literal),*) => {$(
        impl utoipa::PartialSchema for $ty {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::Object::new().into()
            }
        }
        impl utoipa::ToSchema for $ty {
            fn name() -> std::borrow::Cow<'static, str> {
                $name.into()
            }
        }
    )*};
}
request_body_schema!(
    ProjectInputBody => "ProjectInput",
    ProjectPatchBody => "ProjectPatch",
    SiteContentBody => "SiteContentInput",
    ContactInputBody => "ContactInput",
    MarkReadBody => "MarkReadInput"
);

struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}

/// The whole document, as JSON.
pub fn document() -> Value {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).expect("the OpenAPI document serialises");
    let schemas = doc["components"]["schemas"].as_object_mut().expect("components.schemas is an object");
    for (name, schema) in request_schemas() {
        schemas.insert(name.to_owned(), schema);
    }
    doc
}

/// A hyphenated UUID, the only form ids are accepted in.
const UUID_PATTERN: &str = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

/// Non-blank text of at most `max` characters, with no NUL.
fn text(max: usize, min: usize) -> Value {
    json!({"type": "string", "minLength": min, "maxLength": max, "pattern": NOT_BLANK_PATTERN, "not": {"type": "string", "pattern": NUL_PATTERN}})
}

/// Non-blank single-line text of at most `max` characters.
fn line(max: usize) -> Value {
    json!({"type": "string", "minLength": 1, "maxLength": max, "pattern": NOT_BLANK_PATTERN, "not": {"type": "string", "pattern": CONTROL_PATTERN}})
}

/// Lowercase words of letters and digits joined by single hyphens, as `Slug::parse` takes.
const SLUG_PATTERN: &str = "^[a-z0-9]+(-[a-z0-9]+)*$";
/// The UUID texts a slug must not be (a path segment that parses as one is a project id).
const UUID_TEXT_PATTERN: &str = "^([0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$";

fn url() -> Value {
    json!({
        "type": ["string", "null"],
        "maxLength": URL_MAX_CHARS,
        "pattern": URL_START_PATTERN,
        // A bare `not: {pattern}` would also refuse null (pattern ignores non-strings).
        "not": {"type": "string", "pattern": URL_FORBIDDEN_PATTERN},
        "description": "An absolute http(s) URL; null clears it.",
    })
}

/// An absolute http(s) URL that must be given.
fn required_url() -> Value {
    json!({
        "type": "string",
        "maxLength": URL_MAX_CHARS,
        "pattern": URL_START_PATTERN,
        "not": {"type": "string", "pattern": URL_FORBIDDEN_PATTERN},
    })
}

/// A list of at most [`LIST_MAX_ITEMS`] objects with these properties, all required.
fn list_of(properties: Value) -> Value {
    let required: Vec<&String> = properties.as_object().expect("properties are an object").keys().collect();
    json!({
        "type": "array",
        "maxItems": LIST_MAX_ITEMS,
        "items": {"type": "object", "required": required, "properties": properties, "additionalProperties": false},
    })
}

/// `PUT /api/site`'s body: the whole document, as [`folio_core::SiteContent::problems`] checks it.
fn site_content_schema() -> Value {
    let paragraph = text(TEXT_MAX_CHARS, 1);
    let object = |required: &[&str], properties: Value| json!({"type": "object", "required": required, "properties": properties, "additionalProperties": false});
    object(
        &["site", "owner", "home", "about"],
        json!({
            "site": object(&["title", "description"], json!({
                "title": line(LINE_MAX_CHARS),
                "description": paragraph,
                "language": {"type": "string", "enum": [LANGUAGE], "description": "The pages' own words are in English only."},
            })),
            "owner": object(&["name", "headline", "intro", "location", "email"], json!({
                "name": line(LINE_MAX_CHARS),
                "headline": line(LINE_MAX_CHARS),
                "intro": paragraph,
                "location": line(LINE_MAX_CHARS),
                "email": {"type": "string", "format": "email", "maxLength": EMAIL_MAX_CHARS},
            })),
            "links": list_of(json!({"label": line(LINE_MAX_CHARS), "url": required_url()})),
            "competencies": list_of(json!({"title": line(LINE_MAX_CHARS), "description": paragraph})),
            "home": object(&["ctaTitle", "ctaText", "ctaLabel"], json!({
                "ctaTitle": line(LINE_MAX_CHARS),
                "ctaText": paragraph,
                "ctaLabel": line(LINE_MAX_CHARS),
            })),
            "about": object(&["biography"], json!({
                "biography": text(BIOGRAPHY_MAX_CHARS, 1),
                "expertise": list_of(json!({
                    "area": line(LINE_MAX_CHARS),
                    "items": {"type": "array", "minItems": 1, "maxItems": LIST_MAX_ITEMS, "items": line(LINE_MAX_CHARS)},
                })),
                "approach": list_of(json!({"title": line(LINE_MAX_CHARS), "text": paragraph})),
            })),
        }),
    )
}

fn request_schemas() -> [(&'static str, Value); 5] {
    let ignored = json!({"description": "Read-only; accepted and ignored, so a client may send back what it read."});
    let project_properties = json!({
        "title": text(TITLE_MAX_CHARS, 1),
        "slug": {
            "type": "string",
            "maxLength": SLUG_MAX_CHARS,
            "pattern": SLUG_PATTERN,
            "not": {"pattern": UUID_TEXT_PATTERN},
            "description": "The page's address, /projects/{slug}; unique. Left out when creating: made from the title.",
        },
        "description": text(DESCRIPTION_MAX_CHARS, 1),
        "imageUrl": url(),
        "image": {
            "type": ["object", "null"],
            "description": "The photo: an uploaded image's id (POST /api/media) and its description (empty for decoration); null for none. An id no image has is a 409.",
            "required": ["id"],
            "properties": {
                "id": {"type": "string", "format": "uuid", "pattern": UUID_PATTERN},
                "alt": {"type": "string", "maxLength": ALT_MAX_CHARS, "not": {"type": "string", "pattern": CONTROL_PATTERN}},
                "width": ignored,
                "height": ignored,
                "url": ignored,
                "srcset": ignored,
            },
            "additionalProperties": false,
        },
        "projectUrl": url(),
        "githubUrl": url(),
        "technologies": {"type": "array", "maxItems": TECHNOLOGIES_MAX_ITEMS, "items": text(TECHNOLOGY_MAX_CHARS, 1)},
        "isActive": {"type": "boolean"},
        "sortOrder": {"type": "integer", "format": "int32", "minimum": i32::MIN, "maximum": i32::MAX},
        "id": ignored,
        "createdAt": ignored,
        "updatedAt": ignored,
    });
    [
        (
            "ProjectInput",
            json!({
                "type": "object",
                "required": ["title", "description"],
                "properties": project_properties,
                "additionalProperties": false,
            }),
        ),
        (
            "ProjectPatch",
            json!({
                "type": "object",
                "description": "Only the fields given change.",
                "properties": project_properties,
                "additionalProperties": false,
            }),
        ),
        ("SiteContentInput", site_content_schema()),
        (
            "ContactInput",
            json!({
                "type": "object",
                "required": ["name", "email", "subject", "message"],
                "properties": {
                    "name": line(NAME_MAX_CHARS),
                    "email": {"type": "string", "format": "email", "maxLength": EMAIL_MAX_CHARS},
                    "subject": line(SUBJECT_MAX_CHARS),
                    "message": text(MESSAGE_MAX_CHARS, MESSAGE_MIN_CHARS),
                    HONEYPOT_FIELD: {"type": "string", "description": "Leave empty: a filled value marks a bot."},
                },
                "additionalProperties": false,
            }),
        ),
        (
            "MarkReadInput",
            json!({
                "type": "object",
                "required": ["ids"],
                "properties": {
                    "ids": {
                        "type": "array",
                        "minItems": 1,
                        "maxItems": routes::contact::MAX_IDS,
                        "items": {"type": "string", "format": "uuid", "pattern": UUID_PATTERN},
                    },
                },
                "additionalProperties": false,
            }),
        ),
    ]
}

/// `GET /api/openapi.json`.
#[utoipa::path(get, path = "/api/openapi.json", tag = "health", responses((status = 200, description = "This document", content_type = "application/json")))]
pub async fn openapi_json() -> impl IntoResponse {
    static DOCUMENT: OnceLock<Bytes> = OnceLock::new();
    let body = DOCUMENT.get_or_init(|| Bytes::from(serde_json::to_vec(&document()).expect("JSON")));
    ([(header::CONTENT_TYPE, "application/json")], body.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_is_documented_with_its_statuses() {
        let doc = document();
        let ops = |path: &str, method: &str| {
            let mut statuses: Vec<String> = doc["paths"][path][method]["responses"]
                .as_object()
                .map(|r| r.keys().cloned().collect())
                .unwrap_or_default();
            statuses.sort();
            statuses
        };
        assert_eq!(ops("/api/health", "get"), ["200", "503"]);
        assert_eq!(ops("/api/projects", "get"), ["200", "400", "401", "403", "429", "503"]);
        let include = &doc["paths"]["/api/projects"]["get"]["parameters"][0];
        assert_eq!((include["name"].as_str(), include["in"].as_str()), (Some("include"), Some("query")));
        assert_eq!(
            ops("/api/projects", "post"),
            ["201", "400", "401", "403", "409", "413", "415", "429", "503", "507"]
        );
        assert_eq!(ops("/api/projects/{id}", "delete"), ["204", "400", "401", "403", "404", "429", "503"]);
        assert_eq!(ops("/api/site", "get"), ["200", "404", "503"]);
        assert_eq!(ops("/api/site", "put"), ["200", "400", "401", "403", "413", "415", "429", "503", "507"]);
        assert_eq!(ops("/api/contact", "post"), ["201", "400", "413", "415", "429", "503", "507"]);
        assert_eq!(
            ops("/api/contact-messages/read", "post"),
            ["200", "400", "401", "403", "413", "415", "429", "503", "507"]
        );
        assert!(doc["paths"]["/api/metrics"]["get"].is_object());
        // Links (schemathesis infers them) name operations by id: one id, one operation.
        let mut ids: Vec<&str> = doc["paths"]
            .as_object()
            .expect("paths")
            .values()
            .flat_map(|methods| methods.as_object().expect("methods").values())
            .filter_map(|operation| operation["operationId"].as_str())
            .collect();
        let count = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), count, "operation ids are unique: {ids:?}");
        assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
        assert_eq!(doc["components"]["schemas"]["ProjectInput"]["properties"]["title"]["maxLength"], TITLE_MAX_CHARS);
        assert_eq!(doc["paths"]["/api/projects"]["post"]["security"], json!([{"bearer": []}]));
    }
}
