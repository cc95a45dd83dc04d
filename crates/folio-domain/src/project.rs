//! Projects: the portfolio entries the API serves and the site renders.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::fields::{FieldErrors, JsonObject, Nullable};
use crate::rules;
use crate::timestamp::Timestamp;

/// Longest title, as in the earlier platform's `varchar(200)`.
pub const TITLE_MAX_CHARS: usize = 200;
/// Longest description; the earlier platform had none, but a bound keeps rows sane.
pub const DESCRIPTION_MAX_CHARS: usize = 10_000;
/// Longest URL, as in the earlier platform's `varchar(500)`.
pub const URL_MAX_CHARS: usize = 500;
/// Most technology tags on one project.
pub const TECHNOLOGIES_MAX_ITEMS: usize = 50;
/// Longest technology tag.
pub const TECHNOLOGY_MAX_CHARS: usize = 100;

/// Fields a client may write.
const WRITABLE: &[&str] =
    &["title", "description", "imageUrl", "projectUrl", "githubUrl", "technologies", "isActive", "sortOrder"];
/// Read-only fields a client may send back unchanged after a GET; they are ignored.
const READ_ONLY: &[&str] = &["id", "createdAt", "updatedAt"];

/// A stored project, exactly as the API returns it (field names are the earlier platform's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Project {
    pub id: Uuid,
    pub title: String,
    pub description: String,
    pub image_url: Option<String>,
    pub project_url: Option<String>,
    pub github_url: Option<String>,
    pub technologies: Vec<String>,
    pub is_active: bool,
    pub sort_order: i32,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// A validated request to create a project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProject {
    pub title: String,
    pub description: String,
    pub image_url: Option<String>,
    pub project_url: Option<String>,
    pub github_url: Option<String>,
    pub technologies: Vec<String>,
    pub is_active: bool,
    pub sort_order: i32,
}

/// A validated partial update: `None` leaves a field as it is; for the optional URLs,
/// `Some(None)` clears the value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectPatch {
    pub title: Option<String>,
    pub description: Option<String>,
    pub image_url: Option<Option<String>>,
    pub project_url: Option<Option<String>>,
    pub github_url: Option<Option<String>>,
    pub technologies: Option<Vec<String>>,
    pub is_active: Option<bool>,
    pub sort_order: Option<i32>,
}

impl NewProject {
    /// Validates a JSON body for `POST /api/projects`: `title` and `description` required, the
    /// rest defaulted.
    pub fn from_json(body: &Value) -> Result<Self, FieldErrors> {
        let fields = ProjectPatch::read(body, true)?;
        let required = "validation records a missing title or description as an error";
        Ok(Self {
            title: fields.title.expect(required),
            description: fields.description.expect(required),
            image_url: fields.image_url.flatten(),
            project_url: fields.project_url.flatten(),
            github_url: fields.github_url.flatten(),
            technologies: fields.technologies.unwrap_or_default(),
            is_active: fields.is_active.unwrap_or(true),
            sort_order: fields.sort_order.unwrap_or(0),
        })
    }

    /// The project this request creates, with a fresh id and both timestamps set to `now`.
    pub fn into_project(self, id: Uuid, now: Timestamp) -> Project {
        Project {
            id,
            title: self.title,
            description: self.description,
            image_url: self.image_url,
            project_url: self.project_url,
            github_url: self.github_url,
            technologies: self.technologies,
            is_active: self.is_active,
            sort_order: self.sort_order,
            created_at: now,
            updated_at: now,
        }
    }
}

impl ProjectPatch {
    /// Validates a JSON body for `PUT /api/projects/{id}`: every field optional, none `null`
    /// except the three URLs.
    pub fn from_json(body: &Value) -> Result<Self, FieldErrors> {
        Self::read(body, false)
    }

    /// Reads every writable field, checking each; with `creating`, `title` and `description`
    /// must be present.
    fn read(body: &Value, creating: bool) -> Result<Self, FieldErrors> {
        let mut obj = JsonObject::new(body)?;
        let title = text_field(&mut obj, "title", creating);
        let title = obj.check(title, check_title);
        let description = text_field(&mut obj, "description", creating);
        let description = obj.check(description, check_description);
        let image_url = url_field(&mut obj, "imageUrl");
        let project_url = url_field(&mut obj, "projectUrl");
        let github_url = url_field(&mut obj, "githubUrl");
        let technologies = technologies_field(&mut obj);
        let is_active = obj.bool("isActive");
        let sort_order = obj.i32("sortOrder");
        obj.reject_unknown(WRITABLE, READ_ONLY);
        obj.finish()?;
        Ok(Self {
            title: title.map(str::to_owned),
            description: description.map(str::to_owned),
            image_url: image_url.and_then(Nullable::into_change),
            project_url: project_url.and_then(Nullable::into_change),
            github_url: github_url.and_then(Nullable::into_change),
            technologies,
            is_active,
            sort_order,
        })
    }

    /// True when the patch changes nothing.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

impl Project {
    /// Applies a patch; `updated_at` moves to `now` only when something changed.
    pub fn apply(&mut self, patch: ProjectPatch, now: Timestamp) {
        let before = self.clone();
        set(&mut self.title, patch.title);
        set(&mut self.description, patch.description);
        set(&mut self.image_url, patch.image_url);
        set(&mut self.project_url, patch.project_url);
        set(&mut self.github_url, patch.github_url);
        set(&mut self.technologies, patch.technologies);
        set(&mut self.is_active, patch.is_active);
        set(&mut self.sort_order, patch.sort_order);
        if *self != before {
            self.updated_at = now;
        }
    }
}

impl Nullable<String> {
    fn into_change(self) -> Option<Option<String>> {
        match self {
            Nullable::Absent => None,
            Nullable::Null => Some(None),
            Nullable::Value(v) => Some(Some(v)),
        }
    }
}

/// Replaces `slot` when a new value was given.
fn set<T>(slot: &mut T, value: Option<T>) {
    if let Some(value) = value {
        *slot = value;
    }
}

/// A text field, required or not.
fn text_field<'a>(obj: &mut JsonObject<'a>, name: &str, required: bool) -> Option<&'a str> {
    if required { obj.required_string(name) } else { obj.string(name) }
}

fn check_title(title: &str) -> Result<&str, String> {
    check_text("title", title, TITLE_MAX_CHARS)
}

fn check_description(description: &str) -> Result<&str, String> {
    check_text("description", description, DESCRIPTION_MAX_CHARS)
}

/// Text must hold something other than blanks, no NUL, and at most `max` characters.
fn check_text<'a>(name: &str, text: &'a str, max: usize) -> Result<&'a str, String> {
    let chars = text.chars().count();
    if rules::is_blank(text) {
        Err(format!("{name} must not be empty"))
    } else if rules::has_nul(text) {
        Err(format!("{name} must not contain NUL characters"))
    } else if chars > max {
        Err(format!("{name} must be at most {max} characters, got {chars}"))
    } else {
        Ok(text)
    }
}

/// An optional absolute http(s) URL of at most 500 characters; `null` allowed.
fn url_field(obj: &mut JsonObject<'_>, name: &str) -> Option<Nullable<String>> {
    match obj.nullable_string(name)? {
        Nullable::Absent => Some(Nullable::Absent),
        Nullable::Null => Some(Nullable::Null),
        Nullable::Value(text) => obj.check(Some(text), |t| check_url(name, t)).map(|t| Nullable::Value(t.to_owned())),
    }
}

fn check_url<'a>(name: &str, text: &'a str) -> Result<&'a str, String> {
    let chars = text.chars().count();
    if chars > URL_MAX_CHARS {
        return Err(format!("{name} must be at most {URL_MAX_CHARS} characters, got {chars}"));
    }
    if rules::is_web_url(text) { Ok(text) } else { Err(format!("{name} must be an absolute http or https URL")) }
}

/// Technology tags: an array of non-empty strings, bounded in count and length.
fn technologies_field(obj: &mut JsonObject<'_>) -> Option<Vec<String>> {
    let tags = obj.string_array("technologies");
    obj.check(tags, |tags| {
        if tags.len() > TECHNOLOGIES_MAX_ITEMS {
            return Err(format!("technologies must have at most {TECHNOLOGIES_MAX_ITEMS} items, got {}", tags.len()));
        }
        for (i, tag) in tags.iter().enumerate() {
            check_text(&format!("technologies[{i}]"), tag, TECHNOLOGY_MAX_CHARS)?;
        }
        Ok(tags)
    })
    .map(|tags| tags.into_iter().map(str::to_owned).collect())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn messages(body: Value) -> Vec<String> {
        NewProject::from_json(&body).expect_err("invalid").into_messages()
    }

    #[test]
    fn a_minimal_project_gets_the_documented_defaults() {
        let new = NewProject::from_json(&json!({"title": "Folio", "description": "A site"})).expect("valid");
        assert_eq!(new.technologies, Vec::<String>::new());
        assert!(new.is_active);
        assert_eq!(new.sort_order, 0);
        assert_eq!(new.image_url, None);
    }

    #[test]
    fn title_and_description_are_required() {
        assert_eq!(messages(json!({})), ["title is required", "description is required"]);
    }

    #[test]
    fn title_length_is_bounded_in_characters_not_bytes() {
        let ok = "é".repeat(TITLE_MAX_CHARS);
        assert!(NewProject::from_json(&json!({"title": ok, "description": "d"})).is_ok());
        let long = "é".repeat(TITLE_MAX_CHARS + 1);
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
        let long = format!("https://example.com/{}", "a".repeat(URL_MAX_CHARS));
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
        let patch =
            ProjectPatch::from_json(&json!({"imageUrl": null, "githubUrl": "https://github.com/x"})).expect("valid");
        assert_eq!(patch.image_url, Some(None));
        assert_eq!(patch.project_url, None);
        assert_eq!(patch.github_url, Some(Some("https://github.com/x".to_owned())));
    }

    #[test]
    fn a_patch_refuses_null_for_required_fields() {
        let errors =
            ProjectPatch::from_json(&json!({"title": null, "isActive": null})).expect_err("invalid").into_messages();
        assert_eq!(errors, ["title must be a string, not null", "isActive must be a boolean, not null"]);
    }

    #[test]
    fn applying_a_patch_moves_updated_at_only_on_change() {
        let created = Timestamp::parse("2025-01-01T00:00:00Z").expect("valid");
        let later = Timestamp::parse("2025-01-02T00:00:00Z").expect("valid");
        let new = NewProject::from_json(&json!({"title": "t", "description": "d"})).expect("valid");
        let mut project = new.into_project(Uuid::new_v4(), created);

        project.apply(ProjectPatch { title: Some("t".into()), ..Default::default() }, later);
        assert_eq!(project.updated_at, created);

        project.apply(ProjectPatch { sort_order: Some(3), ..Default::default() }, later);
        assert_eq!((project.sort_order, project.updated_at), (3, later));
    }

    #[test]
    fn projects_serialise_with_the_earlier_platforms_field_names() {
        let at = Timestamp::parse("2025-10-29T20:51:37.578Z").expect("valid");
        let new = NewProject::from_json(&json!({"title": "t", "description": "d"})).expect("valid");
        let json = serde_json::to_value(new.into_project(Uuid::nil(), at)).expect("serialise");
        let keys: Vec<&str> = json.as_object().expect("object").keys().map(String::as_str).collect();
        let mut expected = vec![
            "id",
            "title",
            "description",
            "imageUrl",
            "projectUrl",
            "githubUrl",
            "technologies",
            "isActive",
            "sortOrder",
            "createdAt",
            "updatedAt",
        ];
        expected.sort_unstable();
        assert_eq!(keys, expected);
        assert_eq!(json["createdAt"], "2025-10-29T20:51:37.578Z");
    }
}
