//! Projects: the portfolio entries the API serves and the site renders, and the validated
//! values a write is made of.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::fields::Invalid;
use super::project_image::{ImageChoice, ProjectImage};
use super::rules;
use super::slug::Slug;
use super::timestamp::Timestamp;

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

/// A stored project, exactly as the API returns it (field names are the earlier platform's).
///
/// Its text is plain `String`s, not the validated types of [`NewProject`]: rows adopted from the
/// earlier platform's table were never held to these rules, and reading them must not fail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Project {
    pub id: Uuid,
    pub title: String,
    /// The readable address, `/projects/{slug}`: unique, made from the title unless written.
    /// Empty only when read from an API older than slugs (during a rolling update).
    #[serde(default)]
    pub slug: String,
    pub description: String,
    /// An image hosted elsewhere (the earlier platform's field), shown when there is no
    /// `image`.
    pub image_url: Option<String>,
    /// The photo the owner uploaded for it, if any. Absent from an API older than images
    /// (during a rolling update).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<super::project_image::ImageJson>))]
    pub image: Option<ProjectImage>,
    pub project_url: Option<String>,
    pub github_url: Option<String>,
    pub technologies: Vec<String>,
    pub is_active: bool,
    pub sort_order: i32,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// Declares a text type that only its `parse` can make.
macro_rules! checked_text {
    ($(#[$doc:meta])* $name:ident, $check:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            /// The text, if it follows the rules.
            pub fn parse(text: &str) -> Result<Self, Invalid> {
                let check: fn(&str) -> Result<(), Invalid> = $check;
                check(text).map(|()| Self(text.to_owned()))
            }

            /// The text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The text, owned.
            pub fn into_inner(self) -> String {
                self.0
            }
        }
    };
}
pub(crate) use checked_text;

checked_text!(
    /// A title: not blank, no NUL, at most [`TITLE_MAX_CHARS`] characters.
    ProjectTitle,
    |text| bounded(text, TITLE_MAX_CHARS)
);
checked_text!(
    /// A description: not blank, no NUL, at most [`DESCRIPTION_MAX_CHARS`] characters.
    ProjectDescription,
    |text| bounded(text, DESCRIPTION_MAX_CHARS)
);
checked_text!(
    /// An absolute http(s) URL of at most [`URL_MAX_CHARS`] characters.
    WebUrl,
    |text| {
        let got = text.chars().count();
        if got > URL_MAX_CHARS {
            Err(Invalid::TooLong { max: URL_MAX_CHARS, got })
        } else if rules::is_web_url(text) {
            Ok(())
        } else {
            Err(Invalid::NotWebUrl)
        }
    }
);
checked_text!(
    /// One technology tag: not blank, no NUL, at most [`TECHNOLOGY_MAX_CHARS`] characters.
    Technology,
    |text| bounded(text, TECHNOLOGY_MAX_CHARS)
);

/// At most [`TECHNOLOGIES_MAX_ITEMS`] technology tags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Technologies(Vec<String>);

/// Why a list of tags was refused: too many, or the tag at `index`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagsInvalid {
    TooMany(Invalid),
    Tag { index: usize, why: Invalid },
}

impl Technologies {
    /// The tags, if there are not too many and each follows the rules (the first bad one is
    /// reported).
    pub fn parse(tags: &[&str]) -> Result<Self, TagsInvalid> {
        if tags.len() > TECHNOLOGIES_MAX_ITEMS {
            return Err(TagsInvalid::TooMany(Invalid::TooMany { max: TECHNOLOGIES_MAX_ITEMS, got: tags.len() }));
        }
        let tags = tags.iter().enumerate().map(|(index, tag)| {
            Technology::parse(tag).map(Technology::into_inner).map_err(|why| TagsInvalid::Tag { index, why })
        });
        tags.collect::<Result<_, _>>().map(Self)
    }

    /// The tags, owned.
    pub fn into_inner(self) -> Vec<String> {
        self.0
    }
}

/// Text must hold something other than blanks, no NUL, and at most `max` characters.
fn bounded(text: &str, max: usize) -> Result<(), Invalid> {
    let got = text.chars().count();
    if rules::is_blank(text) {
        Err(Invalid::Empty)
    } else if rules::has_nul(text) {
        Err(Invalid::Nul)
    } else if got > max {
        Err(Invalid::TooLong { max, got })
    } else {
        Ok(())
    }
}

/// A request to create a project, every value checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProject {
    pub title: ProjectTitle,
    /// `None`: made from the title (numbered when another project has it).
    pub slug: Option<Slug>,
    pub description: ProjectDescription,
    pub image_url: Option<WebUrl>,
    /// The uploaded photo it shows; the store looks it up as it writes.
    pub image: Option<ImageChoice>,
    pub project_url: Option<WebUrl>,
    pub github_url: Option<WebUrl>,
    pub technologies: Technologies,
    pub is_active: bool,
    pub sort_order: i32,
}

/// A partial update, every value checked: `None` leaves a field as it is; for the optional
/// URLs and the photo, `Some(None)` clears the value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectPatch {
    pub title: Option<ProjectTitle>,
    pub slug: Option<Slug>,
    pub description: Option<ProjectDescription>,
    pub image_url: Option<Option<WebUrl>>,
    pub image: Option<Option<ImageChoice>>,
    pub project_url: Option<Option<WebUrl>>,
    pub github_url: Option<Option<WebUrl>>,
    pub technologies: Option<Technologies>,
    pub is_active: Option<bool>,
    pub sort_order: Option<i32>,
}

impl NewProject {
    /// A project with only a title and a description: no URLs, no tags, active, sorted at 0
    /// (the defaults the API documents).
    pub fn new(title: ProjectTitle, description: ProjectDescription) -> Self {
        Self {
            title,
            slug: None,
            description,
            image_url: None,
            image: None,
            project_url: None,
            github_url: None,
            technologies: Technologies::default(),
            is_active: true,
            sort_order: 0,
        }
    }

    /// The project this request creates, with a fresh id and both timestamps set to `now`,
    /// showing `image`: the photo [`NewProject::image`] names, as the store found it.
    pub fn into_project(self, id: Uuid, now: Timestamp, image: Option<ProjectImage>) -> Project {
        let slug = self.slug.unwrap_or_else(|| Slug::from_title(self.title.as_str()));
        Project {
            id,
            slug: slug.into_inner(),
            title: self.title.into_inner(),
            description: self.description.into_inner(),
            image_url: self.image_url.map(WebUrl::into_inner),
            image,
            project_url: self.project_url.map(WebUrl::into_inner),
            github_url: self.github_url.map(WebUrl::into_inner),
            technologies: self.technologies.into_inner(),
            is_active: self.is_active,
            sort_order: self.sort_order,
            created_at: now,
            updated_at: now,
        }
    }
}

impl Project {
    /// The site's page for this project, `/projects/{slug}` (by id when it has no slug: read
    /// from an API older than slugs).
    pub fn page_path(&self) -> String {
        if self.slug.is_empty() { format!("/projects/{}", self.id) } else { format!("/projects/{}", self.slug) }
    }

    /// Applies a patch; `updated_at` moves to `now` only when something changed. `image` is
    /// the photo a patch's `Some(Some(_))` names, as the store found it.
    pub fn apply(&mut self, patch: ProjectPatch, image: Option<ProjectImage>, now: Timestamp) {
        let before = self.clone();
        let url = |u: Option<WebUrl>| u.map(WebUrl::into_inner);
        set(&mut self.title, patch.title.map(ProjectTitle::into_inner));
        set(&mut self.slug, patch.slug.map(Slug::into_inner));
        set(&mut self.description, patch.description.map(ProjectDescription::into_inner));
        set(&mut self.image_url, patch.image_url.map(url));
        set(&mut self.image, patch.image.map(|chosen| chosen.and(image)));
        set(&mut self.project_url, patch.project_url.map(url));
        set(&mut self.github_url, patch.github_url.map(url));
        set(&mut self.technologies, patch.technologies.map(Technologies::into_inner));
        set(&mut self.is_active, patch.is_active);
        set(&mut self.sort_order, patch.sort_order);
        if *self != before {
            self.updated_at = now;
        }
    }
}

/// Replaces `slot` when a new value was given.
fn set<T>(slot: &mut T, value: Option<T>) {
    if let Some(value) = value {
        *slot = value;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(title: &str) -> NewProject {
        NewProject::new(ProjectTitle::parse(title).expect("valid"), ProjectDescription::parse("d").expect("valid"))
    }

    #[test]
    fn a_title_is_bounded_in_characters_not_bytes() {
        assert!(ProjectTitle::parse(&"é".repeat(TITLE_MAX_CHARS)).is_ok());
        let long = ProjectTitle::parse(&"é".repeat(TITLE_MAX_CHARS + 1));
        assert_eq!(long, Err(Invalid::TooLong { max: 200, got: 201 }));
        assert_eq!(long.expect_err("long").to_string(), "must be at most 200 characters, got 201");
    }

    #[test]
    fn blank_or_nul_text_is_refused() {
        assert_eq!(ProjectTitle::parse(" \t"), Err(Invalid::Empty));
        assert_eq!(ProjectDescription::parse("a\0b"), Err(Invalid::Nul));
    }

    #[test]
    fn tags_are_bounded_in_count_and_each_checked() {
        assert_eq!(Technologies::parse(&["rust", " "]), Err(TagsInvalid::Tag { index: 1, why: Invalid::Empty }));
        let many = vec!["x"; TECHNOLOGIES_MAX_ITEMS + 1];
        assert_eq!(Technologies::parse(&many), Err(TagsInvalid::TooMany(Invalid::TooMany { max: 50, got: 51 })));
    }

    #[test]
    fn applying_a_patch_moves_updated_at_only_on_change() {
        let created = Timestamp::parse("2025-01-01T00:00:00Z").expect("valid");
        let later = Timestamp::parse("2025-01-02T00:00:00Z").expect("valid");
        let mut project = new("t").into_project(Uuid::new_v4(), created, None);

        let same_title = ProjectTitle::parse("t").expect("valid");
        project.apply(ProjectPatch { title: Some(same_title), ..Default::default() }, None, later);
        assert_eq!(project.updated_at, created);

        project.apply(ProjectPatch { sort_order: Some(3), ..Default::default() }, None, later);
        assert_eq!((project.sort_order, project.updated_at), (3, later));
    }

    #[test]
    fn projects_serialise_with_the_earlier_platforms_field_names() {
        let at = Timestamp::parse("2025-10-29T20:51:37.578Z").expect("valid");
        let json = serde_json::to_value(new("t").into_project(Uuid::nil(), at, None)).expect("serialise");
        let keys: Vec<&str> = json.as_object().expect("object").keys().map(String::as_str).collect();
        let mut expected = vec![
            "id",
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
            "createdAt",
            "updatedAt",
        ];
        expected.sort_unstable();
        assert_eq!(keys, expected);
        assert_eq!(json["createdAt"], "2025-10-29T20:51:37.578Z");
    }
}
