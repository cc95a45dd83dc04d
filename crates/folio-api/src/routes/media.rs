//! The owner's images: `POST /api/media` uploads one (the image as the body, or one file of a
//! `multipart/form-data` form), `GET /api/media` lists them, `DELETE /api/media/{id}` removes
//! one; all three need the admin token. `GET /media/{id}/{name}` serves a stored file to
//! anyone, as immutable: a file never changes once stored.

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use folio_core::use_cases::media::{MAX_UPLOAD_BYTES, Refused};
use folio_core::{FileName, Kind, Media, MediaError, StoredFile, Timestamp};
use serde::Serialize;
use uuid::Uuid;

use super::parse_id;
use crate::auth::RequireAdmin;
use crate::error::Body as ErrorBody;
use crate::error::responses::{AdminRefusals, StorageFull, Unavailable};
use crate::{ApiError, ApiState};

/// How a stored file may be cached: by anyone, for a year, without asking again.
const IMMUTABLE: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");

/// The most a form upload's body may hold: the image and its part's headers. (axum's own
/// limit for forms, 2 MB, would refuse most phone photos.)
pub const FORM_LIMIT: usize = MAX_UPLOAD_BYTES + 64 * 1024;

/// An image as the API answers it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MediaBody {
    id: Uuid,
    /// The clean full image (never the upload itself: its metadata is gone).
    url: String,
    width: u32,
    height: u32,
    created_at: Timestamp,
    /// WebP by ascending width for `srcset`, then the fallback (JPEG, or PNG with transparency).
    variants: Vec<VariantBody>,
}

/// One resized file of an image.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VariantBody {
    url: String,
    width: u32,
    height: u32,
    content_type: &'static str,
    /// In bytes.
    size: u64,
}

impl From<&Media> for MediaBody {
    fn from(media: &Media) -> Self {
        let variants = media
            .files
            .iter()
            .filter(|f| !matches!(f.name, FileName::Master(_)))
            .map(|f| VariantBody {
                url: media.url(f.name),
                width: f.width,
                height: f.height,
                content_type: f.name.format().content_type(),
                size: f.size,
            })
            .collect();
        let master = media.files.iter().find(|f| matches!(f.name, FileName::Master(_)));
        Self {
            id: media.id,
            url: master.map(|f| media.url(f.name)).unwrap_or_default(),
            width: media.width,
            height: media.height,
            created_at: media.created_at,
            variants,
        }
    }
}

#[utoipa::path(post, path = "/api/media", tag = "media", operation_id = "upload_media", security(("bearer" = [])),
    request_body(description = "The image itself, or a form whose one file part is the image", content(
        (Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png"), (Vec<u8> = "image/webp"),
        (UploadForm = "multipart/form-data"),
    )),
    responses(
        (status = 201, description = "Stored: the clean master and its variants", body = MediaBody,
            headers(("Location" = String, description = "The new image's URL in the API"))),
        (status = 400, description = "Empty, damaged or truncated, data after the image, too many pixels, or a form without its one part `file`", body = ErrorBody),
        (status = 413, description = "Body over 20 MiB", body = ErrorBody),
        (status = 415, description = "Not a JPEG, PNG or WebP (SVG included), or not what its Content-Type says", body = ErrorBody),
        AdminRefusals, Unavailable, StorageFull,
))]
pub async fn upload(
    State(state): State<ApiState>,
    _admin: RequireAdmin,
    request: Request,
) -> Result<Response, ApiError> {
    let (kind, bytes) = read_upload(request).await?;
    let media = state.media.upload(kind, bytes).await.map_err(|e| match e {
        MediaError::Refused(refused) => refusal(&refused),
        MediaError::Store(error) => error.into(),
    })?;
    let location = HeaderValue::from_str(&format!("/api/media/{}", media.id)).expect("a UUID path is a valid header");
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(MediaBody::from(&media))).into_response())
}

/// A form upload: one part, `file`, and nothing else.
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // Read by the OpenAPI derive only.
pub struct UploadForm {
    /// The image (JPEG, PNG or WebP), with its Content-Type
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

#[utoipa::path(get, path = "/api/media", tag = "media", operation_id = "list_media", security(("bearer" = [])),
    responses(
        (status = 200, description = "Every image, newest first", body = [MediaBody]),
        AdminRefusals, Unavailable,
))]
pub async fn list(State(state): State<ApiState>, _admin: RequireAdmin) -> Result<Json<Vec<MediaBody>>, ApiError> {
    Ok(Json(state.media.list().await?.iter().map(MediaBody::from).collect()))
}

#[utoipa::path(delete, path = "/api/media/{id}", tag = "media", operation_id = "delete_media", security(("bearer" = [])),
    params(MediaId),
    responses(
        (status = 204, description = "Deleted, with every file made of it"),
        (status = 400, description = "id is not a UUID", body = ErrorBody),
        (status = 404, description = "No such image", body = ErrorBody),
        (status = 409, description = "A project shows the image (its message names one): nothing was deleted", body = ErrorBody),
        AdminRefusals, Unavailable,
))]
pub async fn delete(
    State(state): State<ApiState>,
    _admin: RequireAdmin,
    id: Result<Path<String>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    let id = parse_id(id)?;
    if state.media.delete(id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found(format!("Image with ID {id} not found")))
    }
}

/// The path of `DELETE /api/media/{id}`, as the OpenAPI document states it.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)] // Read by the OpenAPI derive only.
struct MediaId {
    /// The image's id (a hyphenated UUID)
    #[param(format = Uuid, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    id: String,
}

/// The path of `GET /media/{id}/{name}`.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)] // Read by the OpenAPI derive only.
struct MediaFilePath {
    /// The image's id (a hyphenated UUID)
    id: String,
    /// One of the names the image's `url` and `variants` give: `original.{jpg,png,webp}`,
    /// `{width}w.webp`, `fallback.{jpg,png}`
    name: String,
}

/// `GET /media/{id}/{name}`: a stored file, or 404 for any address Folio did not give out.
#[utoipa::path(get, path = "/media/{id}/{name}", tag = "media", operation_id = "get_media_file",
    params(MediaFilePath),
    responses(
        (status = 200, description = "The file, cacheable for a year (`immutable`)", content(
            (Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png"), (Vec<u8> = "image/webp"),
        )),
        (status = 404, description = "No such image or file", body = ErrorBody),
        Unavailable,
))]
pub async fn file(
    State(state): State<ApiState>,
    Path((id, name)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let gone = || ApiError::not_found("No such image file");
    let (Ok(id), Some(name)) = (Uuid::try_parse(&id), FileName::parse(&name)) else {
        return Err(gone());
    };
    let stored = state.media.file(id, name).await?.ok_or_else(gone)?;
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static(stored.format.content_type())),
        (header::CACHE_CONTROL, IMMUTABLE),
    ];
    Ok((headers, Body::from(Bytes::from_owner(Shared(stored)))).into_response())
}

/// A cached file's bytes as a body, without a copy.
struct Shared(std::sync::Arc<StoredFile>);

impl AsRef<[u8]> for Shared {
    fn as_ref(&self) -> &[u8] {
        &self.0.bytes
    }
}

/// The upload's declared kind and bytes: the body itself when its Content-Type is an image
/// type, else the one file part of a `multipart/form-data` body.
async fn read_upload(request: Request) -> Result<(Kind, Vec<u8>), ApiError> {
    let content_type = request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if let Some(kind) = Kind::from_content_type(content_type) {
        let declared =
            request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
        if declared.is_some_and(|n| n > MAX_UPLOAD_BYTES) {
            return Err(refusal(&Refused::TooLarge { limit: MAX_UPLOAD_BYTES }));
        }
        let bytes = axum::body::to_bytes(request.into_body(), MAX_UPLOAD_BYTES)
            .await
            .map_err(|_| refusal(&Refused::TooLarge { limit: MAX_UPLOAD_BYTES }))?;
        return Ok((kind, bytes.to_vec()));
    }
    if content_type.to_ascii_lowercase().starts_with("multipart/form-data") {
        return read_form(request).await;
    }
    Err(not_an_image(content_type))
}

/// The one part of a form, `file`, within the upload limit. A part without a type (or sent
/// as `application/octet-stream`, as some clients do) is taken for what its first bytes say.
async fn read_form(request: Request) -> Result<(Kind, Vec<u8>), ApiError> {
    let bad_form = |why: String| ApiError::new(StatusCode::BAD_REQUEST, "bad_form", why);
    let unreadable = |e: axum::extract::multipart::MultipartError| bad_form(e.body_text());
    let mut form = Multipart::from_request(request, &()).await.map_err(|e| bad_form(e.body_text()))?;
    let mut upload = None;
    while let Some(mut part) = form.next_field().await.map_err(unreadable)? {
        if part.name() != Some("file") || upload.is_some() {
            let name: String = part.name().unwrap_or("").chars().take(40).collect();
            return Err(bad_form(format!("the form has a part {name:?} besides its one file: send only `file`")));
        }
        let content_type = part.content_type().unwrap_or("").to_owned();
        let declared = Kind::from_content_type(&content_type);
        let untyped = content_type.is_empty() || content_type.eq_ignore_ascii_case("application/octet-stream");
        if declared.is_none() && !untyped {
            return Err(not_an_image(&content_type));
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = part.chunk().await.map_err(unreadable)? {
            if bytes.len() + chunk.len() > MAX_UPLOAD_BYTES {
                return Err(refusal(&Refused::TooLarge { limit: MAX_UPLOAD_BYTES }));
            }
            bytes.extend_from_slice(&chunk);
        }
        let kind = declared.or_else(|| Kind::sniff(&bytes)).ok_or_else(|| not_an_image(&content_type))?;
        upload = Some((kind, bytes));
    }
    upload.ok_or_else(|| bad_form("the form has no file: send the image as its part `file`".to_owned()))
}

fn not_an_image(content_type: &str) -> ApiError {
    let shown: String = content_type.chars().take(64).collect();
    let given = if shown.is_empty() { "none was given".to_owned() } else { format!("got {shown:?}") };
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        format!("Send a JPEG, PNG or WebP image (image/jpeg, image/png or image/webp), or a form with one ({given})"),
    )
}

/// The answer to an upload the processing refused; nothing was stored.
fn refusal(refused: &Refused) -> ApiError {
    let (status, error_type) = match refused {
        Refused::TooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
        Refused::NotThatType { .. } => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
        Refused::Empty => (StatusCode::BAD_REQUEST, "empty_image"),
        Refused::TooManyPixels { .. } | Refused::TooDeep { .. } => (StatusCode::BAD_REQUEST, "too_many_pixels"),
        Refused::Corrupt(_) => (StatusCode::BAD_REQUEST, "damaged_image"),
        Refused::TrailingData => (StatusCode::BAD_REQUEST, "trailing_data"),
        Refused::Internal(_) => {
            tracing::error!(error = %refused, "image processing failed");
            return ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "image_processing", "Internal server error");
        }
    };
    ApiError::new(status, error_type, refused.to_string())
}
