//! The bodies of `POST /api/projects` and `PUT /api/projects/{id}`, read into the core's
//! [`NewProject`] and [`ProjectPatch`].

use folio_core::{
    FieldErrors, ImageAlt, ImageChoice, Invalid, NewProject, ProjectDescription, ProjectPatch, ProjectTitle, Slug,
    TagsInvalid, Technologies, WebUrl,
};
use serde_json::Value;

use super::{JsonObject, Nullable};

/// Fields a client may write.
const WRITABLE: &[&str] = &[
    "title",
    "slug",
    "description",
    "imageUrl",
    "image",
    "projectUrl",
    "githubUrl",
    "technologies",
    "isActive",
    "sortOrder",
];
/// Read-only fields a client may send back unchanged after a GET; they are ignored.
const READ_ONLY: &[&str] = &["id", "createdAt", "updatedAt"];

/// `POST /api/projects`: `title` and `description` required, the rest defaulted.
pub fn new_project(body: &Value) -> Result<NewProject, FieldErrors> {
    let fields = read(body, true)?;
    let (Some(title), Some(description)) = (fields.title, fields.description) else {
        // `read` has refused a body without them already.
        return Err(FieldErrors::from(vec!["title and description are required".to_owned()]));
    };
    let defaults = NewProject::new(title, description);
    Ok(NewProject {
        image_url: fields.image_url.flatten(),
        image: fields.image.flatten(),
        project_url: fields.project_url.flatten(),
        github_url: fields.github_url.flatten(),
        technologies: fields.technologies.unwrap_or_default(),
        slug: fields.slug,
        is_active: fields.is_active.unwrap_or(defaults.is_active),
        sort_order: fields.sort_order.unwrap_or(defaults.sort_order),
        ..defaults
    })
}

/// `PUT /api/projects/{id}`: every field optional, none `null` except the three URLs and the
/// photo.
pub fn project_patch(body: &Value) -> Result<ProjectPatch, FieldErrors> {
    read(body, false)
}

/// Reads every writable field, checking each; with `creating`, `title` and `description` must
/// be present.
fn read(body: &Value, creating: bool) -> Result<ProjectPatch, FieldErrors> {
    let mut obj = JsonObject::new(body)?;
    let title = if creating { obj.required_string("title") } else { obj.string("title") };
    let title = obj.parse("title", title, ProjectTitle::parse);
    let slug = obj.string("slug");
    let slug = obj.parse("slug", slug, Slug::parse);
    let description = if creating { obj.required_string("description") } else { obj.string("description") };
    let description = obj.parse("description", description, ProjectDescription::parse);
    let image_url = url(&mut obj, "imageUrl");
    let image = image(&mut obj);
    let project_url = url(&mut obj, "projectUrl");
    let github_url = url(&mut obj, "githubUrl");
    let technologies = technologies(&mut obj);
    let is_active = obj.bool("isActive");
    let sort_order = obj.i32("sortOrder");
    obj.reject_unknown(WRITABLE, READ_ONLY);
    obj.finish()?;
    Ok(ProjectPatch {
        title,
        slug,
        description,
        image_url,
        image,
        project_url,
        github_url,
        technologies,
        is_active,
        sort_order,
    })
}

/// The photo: absent (unchanged), `null` (none) or `{id, alt}`, an uploaded image's id and its
/// description (`alt` may be left out for decoration). The rest of what a GET answers
/// (`width`, `height`, `url`, `srcset`) may be sent back and is ignored.
fn image(obj: &mut JsonObject<'_>) -> Option<Option<ImageChoice>> {
    let read = |image: &mut JsonObject<'_>| {
        let id = image.required_string("id");
        let id = image.parse("id", id, |id| uuid::Uuid::parse_str(id).map_err(|_| Invalid::NotId));
        let alt = image.string("alt");
        let alt = match alt {
            Some(text) => image.parse("alt", Some(text), ImageAlt::parse),
            None => Some(ImageAlt::default()),
        };
        image.reject_unknown(&["id", "alt"], &["width", "height", "url", "srcset"]);
        Some(ImageChoice { id: id?, alt: alt? })
    };
    match obj.nullable_object("image", read)? {
        Nullable::Absent => None,
        Nullable::Null => Some(None),
        Nullable::Value(choice) => Some(Some(choice)),
    }
}

/// An optional URL: absent (unchanged), `null` (cleared) or a valid URL.
fn url(obj: &mut JsonObject<'_>, name: &str) -> Option<Option<WebUrl>> {
    match obj.nullable_string(name)? {
        Nullable::Absent => None,
        Nullable::Null => Some(None),
        Nullable::Value(text) => obj.parse(name, Some(text), WebUrl::parse).map(Some),
    }
}

/// Technology tags: an array of strings, each checked, the first bad one named by its index.
fn technologies(obj: &mut JsonObject<'_>) -> Option<Technologies> {
    let tags = obj.string_array("technologies")?;
    match Technologies::parse(&tags) {
        Ok(tags) => Some(tags),
        Err(TagsInvalid::TooMany(why)) => {
            obj.error(format!("technologies {why}"));
            None
        }
        Err(TagsInvalid::Tag { index, why }) => {
            obj.error(format!("technologies[{index}] {why}"));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use folio_core::{Project, Timestamp};
    use serde_json::json;
    use uuid::Uuid;

    use super::*;

    fn messages(body: Value) -> Vec<String> {
        new_project(&body).expect_err("invalid").into_messages()
    }

    #[test]
    fn a_minimal_project_gets_the_documented_defaults() {
        let new = new_project(&json!({"title": "Folio", "description": "A site"})).expect("valid");
        let project: Project = new.into_project(Uuid::nil(), Timestamp::now(), None);
        assert_eq!(project.technologies, Vec::<String>::new());
        assert!(project.is_active);
        assert_eq!(project.sort_order, 0);
        assert_eq!(project.image_url, None);
    }

    #[test]
    fn title_and_description_are_required() {
        assert_eq!(messages(json!({})), ["title is required", "description is required"]);
    }

    #[test]
    fn title_length_is_bounded_in_characters_not_bytes() {
        let ok = "é".repeat(folio_core::domain::project::TITLE_MAX_CHARS);
        assert!(new_project(&json!({"title": ok, "description": "d"})).is_ok());
        let long = "é".repeat(folio_core::domain::project::TITLE_MAX_CHARS + 1);
        assert_eq!(
            messages(json!({"title": long, "description": "d"})),
            ["title must be at most 200 characters, got 201"]
        );
    }

    #[test]
    fn blank_text_is_refused() {
        assert_eq!(
            messages(json!({"title": "  ", "description": ""})),
            ["title must not be empty", "description must not be empty"]
        );
    }

    #[test]
    fn urls_must_be_absolute_http_and_bounded() {
        let long = format!("https://example.com/{}", "a".repeat(folio_core::domain::project::URL_MAX_CHARS));
        let errors = messages(json!({
            "title": "t", "description": "d",
            "imageUrl": "javascript:alert(1)", "projectUrl": "/relative", "githubUrl": long,
        }));
        assert_eq!(
            errors,
            [
                "imageUrl must be an absolute http or https URL",
                "projectUrl must be an absolute http or https URL",
                "githubUrl must be at most 500 characters, got 520",
            ]
        );
    }

    #[test]
    fn read_only_fields_are_ignored_and_unknown_ones_refused() {
        let body = json!({"title": "t", "description": "d", "id": "x", "createdAt": "y", "owner": 1});
        assert_eq!(messages(body), ["property owner should not exist"]);
    }

    #[test]
    fn a_patch_distinguishes_absent_null_and_value() {
        let patch = project_patch(&json!({"imageUrl": null, "githubUrl": "https://github.com/x"})).expect("valid");
        assert_eq!(patch.image_url, Some(None));
        assert_eq!(patch.project_url, None);
        assert_eq!(patch.github_url, Some(Some(WebUrl::parse("https://github.com/x").expect("valid"))));
    }

    #[test]
    fn a_photo_is_an_id_and_its_description_or_null() {
        let id = Uuid::new_v4();
        let patch = project_patch(&json!({"image": {"id": id, "alt": " A bridge ", "url": "/ignored"}})).expect("ok");
        assert_eq!(patch.image, Some(Some(ImageChoice { id, alt: ImageAlt::parse("A bridge").expect("valid") })));
        assert_eq!(project_patch(&json!({"image": null})).expect("valid").image, Some(None));
        assert_eq!(project_patch(&json!({})).expect("valid").image, None);
        let errors = project_patch(&json!({"image": {"id": "x", "alt": "a\nb", "size": 1}})).expect_err("invalid");
        assert_eq!(
            errors.into_messages(),
            [
                "image.id must be an id (a UUID)",
                "image.alt must be a single line",
                "property image.size should not exist"
            ]
        );
        let errors = project_patch(&json!({"image": "x"})).expect_err("invalid").into_messages();
        assert_eq!(errors, ["image must be an object or null, not a string"]);
    }

    #[test]
    fn a_patch_refuses_null_for_required_fields() {
        let errors = project_patch(&json!({"title": null, "isActive": null})).expect_err("invalid").into_messages();
        assert_eq!(errors, ["title must be a string, not null", "isActive must be a boolean, not null"]);
    }
}
