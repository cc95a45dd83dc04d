//! A project as the owner types it in the admin's form: every field text, as a browser sends
//! it, read into the same checked values the API writes ([`NewProject`]).

use serde::Deserialize;

use super::fields::{FieldErrors, Invalid};
use super::project::{
    DESCRIPTION_MAX_CHARS, NewProject, Project, ProjectDescription, ProjectPatch, ProjectTitle, TITLE_MAX_CHARS,
    TagsInvalid, Technologies, URL_MAX_CHARS, WebUrl,
};
use super::project_image::{ALT_MAX_CHARS, ImageAlt, ImageChoice};
use super::slug::{SLUG_MAX_CHARS, Slug};

/// The form's fields, named as the API names them, so an error reads the same in both
/// ("imageUrl must be an absolute http or https URL").
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ProjectForm {
    pub title: String,
    /// The address: empty means made from the title (for a new project) or left as it is.
    pub slug: String,
    /// Markdown, kept as typed.
    pub description: String,
    pub image_url: String,
    /// The uploaded photo's id: empty for none. The admin fills it in (from an upload, or
    /// kept from the stored project); the owner never types it.
    pub image_id: String,
    /// The photo's description, for those who cannot see it.
    pub image_alt: String,
    pub project_url: String,
    pub github_url: String,
    /// One tag per line: a tag may hold a comma ("C, C++"), never a line break.
    pub technologies: String,
    /// A checkbox: sent (as "on") when the project is shown, absent for a draft.
    pub visible: Option<String>,
    /// A whole number; empty means 0.
    pub sort_order: String,
}

impl ProjectForm {
    /// The form filled with a stored project, to edit it.
    pub fn of(project: &Project) -> Self {
        let url = |u: &Option<String>| u.clone().unwrap_or_default();
        Self {
            title: project.title.clone(),
            slug: project.slug.clone(),
            description: project.description.clone(),
            image_url: url(&project.image_url),
            image_id: project.image.as_ref().map(|i| i.id.to_string()).unwrap_or_default(),
            image_alt: project.image.as_ref().map(|i| i.alt.clone()).unwrap_or_default(),
            project_url: url(&project.project_url),
            github_url: url(&project.github_url),
            technologies: project.technologies.join("\n"),
            visible: project.is_active.then(|| "on".to_owned()),
            sort_order: project.sort_order.to_string(),
        }
    }

    /// Every field checked; every problem reported, each naming its field. Single-line fields
    /// are trimmed (a pasted address often carries a space); the description is kept as typed.
    pub fn parse(&self) -> Result<NewProject, FieldErrors> {
        let mut errors = FieldErrors::default();
        let title = errors.check("title", ProjectTitle::parse(self.title.trim()));
        let slug = errors.check("slug", optional(&self.slug, Slug::parse));
        let description = errors.check("description", ProjectDescription::parse(&self.description));
        let image_url = errors.check("imageUrl", optional_url(&self.image_url));
        let image = self.image(&mut errors);
        let project_url = errors.check("projectUrl", optional_url(&self.project_url));
        let github_url = errors.check("githubUrl", optional_url(&self.github_url));
        let technologies = self.tags(&mut errors);
        let sort_order = errors.check("sortOrder", whole_number(&self.sort_order));
        match (title, slug, description, (image_url, image), project_url, github_url, technologies, sort_order) {
            (
                Some(title),
                Some(slug),
                Some(description),
                (Some(image_url), Some(image)),
                Some(project_url),
                Some(github_url),
                Some(tags),
                Some(order),
            ) if errors.is_empty() => Ok(NewProject {
                title,
                slug,
                description,
                image_url,
                image,
                project_url,
                github_url,
                technologies: tags,
                is_active: self.visible.is_some(),
                sort_order: order,
            }),
            _ => Err(errors),
        }
    }

    /// The fields cut to the longest each may be, to show back in the form: the owner keeps
    /// what they typed, and no page echoes more than a project may hold.
    pub fn bounded(&self) -> Self {
        let cut = |text: &str, max: usize| text.chars().take(max).collect::<String>();
        let tags = super::project::TECHNOLOGIES_MAX_ITEMS * (super::project::TECHNOLOGY_MAX_CHARS + 1);
        Self {
            title: cut(&self.title, TITLE_MAX_CHARS),
            slug: cut(&self.slug, SLUG_MAX_CHARS),
            description: cut(&self.description, DESCRIPTION_MAX_CHARS),
            image_url: cut(&self.image_url, URL_MAX_CHARS),
            image_id: cut(&self.image_id, 36),
            image_alt: cut(&self.image_alt, ALT_MAX_CHARS),
            project_url: cut(&self.project_url, URL_MAX_CHARS),
            github_url: cut(&self.github_url, URL_MAX_CHARS),
            technologies: cut(&self.technologies, tags),
            visible: self.visible.as_ref().map(|_| "on".to_owned()),
            sort_order: cut(&self.sort_order, 12),
        }
    }

    /// The photo: none without an id; with one, the id and the description checked.
    fn image(&self, errors: &mut FieldErrors) -> Option<Option<ImageChoice>> {
        let alt = errors.check("imageAlt", ImageAlt::parse(&self.image_alt));
        let id = self.image_id.trim();
        if id.is_empty() {
            return Some(None);
        }
        let id = errors.check("imageId", uuid::Uuid::parse_str(id).map_err(|_| Invalid::NotId));
        Some(Some(ImageChoice { id: id?, alt: alt? }))
    }

    /// The tags, one per non-blank line, trimmed.
    fn tags(&self, errors: &mut FieldErrors) -> Option<Technologies> {
        let lines: Vec<&str> = self.technologies.lines().map(str::trim).filter(|line| !line.is_empty()).collect();
        match Technologies::parse(&lines) {
            Ok(tags) => Some(tags),
            Err(TagsInvalid::TooMany(why)) => {
                errors.invalid("technologies", why);
                None
            }
            Err(TagsInvalid::Tag { index, why }) => {
                errors.push(format!("technologies: the tag on line {} {why}", index + 1));
                None
            }
        }
    }
}

impl NewProject {
    /// The update that makes a stored project exactly this (every field replaced, the URLs
    /// left empty cleared), except that no slug keeps the stored one.
    pub fn into_patch(self) -> ProjectPatch {
        ProjectPatch {
            title: Some(self.title),
            slug: self.slug,
            description: Some(self.description),
            image_url: Some(self.image_url),
            image: Some(self.image),
            project_url: Some(self.project_url),
            github_url: Some(self.github_url),
            technologies: Some(self.technologies),
            is_active: Some(self.is_active),
            sort_order: Some(self.sort_order),
        }
    }
}

/// An empty field is no URL; anything else must be a valid one.
fn optional_url(text: &str) -> Result<Option<WebUrl>, Invalid> {
    optional(text, WebUrl::parse)
}

/// An empty (or blank) single-line field is no value; anything else, trimmed, must parse.
fn optional<T>(text: &str, parse: fn(&str) -> Result<T, Invalid>) -> Result<Option<T>, Invalid> {
    let text = text.trim();
    if text.is_empty() { Ok(None) } else { parse(text).map(Some) }
}

fn whole_number(text: &str) -> Result<i32, Invalid> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(0);
    }
    text.parse().map_err(|_| Invalid::NotWholeNumber { min: i32::MIN.into(), max: i32::MAX.into() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Timestamp;

    fn form(title: &str, description: &str) -> ProjectForm {
        ProjectForm { title: title.into(), description: description.into(), ..ProjectForm::default() }
    }

    #[test]
    fn empty_optional_fields_mean_none_and_an_unchecked_box_a_draft() {
        let new = form(" Folio ", "**A** site\n\nwith two paragraphs").parse().expect("valid");
        assert_eq!(new.title.as_str(), "Folio");
        assert_eq!(new.description.as_str(), "**A** site\n\nwith two paragraphs");
        assert_eq!((new.image_url, new.sort_order, new.is_active), (None, 0, false));
    }

    #[test]
    fn every_problem_is_reported_and_names_its_field() {
        let bad = ProjectForm {
            slug: "Not A Slug".into(),
            image_url: "javascript:alert(1)".into(),
            technologies: format!("Rust\n\n{}", "x".repeat(101)),
            sort_order: "first".into(),
            ..form("", " ")
        };
        assert_eq!(
            bad.parse().expect_err("invalid").into_messages(),
            [
                "title must not be empty",
                "slug must be lowercase letters a-z, digits and single hyphens between them, and not a UUID",
                "description must not be empty",
                "imageUrl must be an absolute http or https URL",
                "technologies: the tag on line 2 must be at most 100 characters, got 101",
                "sortOrder must be a whole number from -2147483648 to 2147483647",
            ]
        );
    }

    #[test]
    fn a_stored_project_round_trips_through_the_form() {
        let mut new = form("Folio", "d").parse().expect("valid");
        new.technologies = Technologies::parse(&["C, C++", "Rust"]).expect("valid");
        new.project_url = Some(WebUrl::parse("https://example.org").expect("valid"));
        new.is_active = true;
        new.sort_order = -3;
        new.slug = Some(crate::domain::Slug::parse("folio").expect("valid"));
        let project = new.clone().into_project(uuid::Uuid::nil(), Timestamp::now(), None);
        assert_eq!(ProjectForm::of(&project).parse().expect("valid"), new);
    }

    #[test]
    fn what_is_shown_back_is_bounded() {
        let long = form(&"t".repeat(TITLE_MAX_CHARS * 3), "d").bounded();
        assert_eq!(long.title.chars().count(), TITLE_MAX_CHARS);
    }
}
