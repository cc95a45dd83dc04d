//! The rules of the owner's content, and where in the document each problem is, so an answer
//! names `links[1].url`, not just "a URL".

use std::fmt;

use super::{BIOGRAPHY_MAX_CHARS, LINE_MAX_CHARS, LIST_MAX_ITEMS, SiteContent, TEXT_MAX_CHARS};
use crate::domain::contact::{EmailAddress, checked};
use crate::domain::project::URL_MAX_CHARS;
use crate::domain::{Invalid, rules};

/// The one language the interface (navigation, the contact form, errors) is written in; a site
/// in another language would mix the two, so others are refused until they are translated.
pub const LANGUAGE: &str = "en";

/// One step from the top of the document to a value: a key (as the API spells it), or an
/// index into a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Key(String),
    Index(usize),
}

/// A value that cannot be used: where it is, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: Vec<Step>,
    pub reason: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", StepPath(&self.path), self.reason)
    }
}

/// The path as the owner would write it: `links[1].url`.
#[derive(Debug)]
pub struct StepPath<'a>(pub &'a [Step]);

impl fmt::Display for StepPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            match step {
                Step::Key(key) if i == 0 => write!(f, "{key}")?,
                Step::Key(key) => write!(f, ".{key}")?,
                Step::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

/// Collects the problems of one document, keeping the path to the value being looked at.
struct Checker {
    path: Vec<Step>,
    problems: Vec<Problem>,
}

impl Checker {
    fn at(&mut self, key: &str, check: impl FnOnce(&mut Self)) {
        self.path.push(Step::Key(key.to_owned()));
        check(self);
        self.path.pop();
    }

    fn each<T>(&mut self, key: &str, items: &[T], max: usize, mut check: impl FnMut(&mut Self, &T)) {
        self.at(key, |c| {
            if items.len() > max {
                c.refuse(Invalid::TooMany { max, got: items.len() }.to_string());
            }
            for (i, item) in items.iter().enumerate().take(max) {
                c.path.push(Step::Index(i));
                check(c, item);
                c.path.pop();
            }
        });
    }

    fn refuse(&mut self, reason: String) {
        self.problems.push(Problem { path: self.path.clone(), reason });
    }

    /// A text that renders: not blank, at most `max` characters, on one line when `single_line`.
    fn text(&mut self, key: &str, text: &str, max: usize, single_line: bool) {
        self.at(key, |c| c.text_here(text, max, single_line));
    }

    /// [`Checker::text`] for the value at the current path (an item of a list).
    fn text_here(&mut self, text: &str, max: usize, single_line: bool) {
        if let Err(why) = checked(text, 1, max, single_line) {
            self.refuse(match why {
                Invalid::Empty => "must not be empty: it would render as an empty element".to_owned(),
                other => other.to_string(),
            });
        }
    }

    fn line(&mut self, key: &str, text: &str) {
        self.text(key, text, LINE_MAX_CHARS, true);
    }

    fn paragraph(&mut self, key: &str, text: &str) {
        self.text(key, text, TEXT_MAX_CHARS, false);
    }
}

pub(super) fn problems(content: &SiteContent) -> Vec<Problem> {
    let mut c = Checker { path: Vec::new(), problems: Vec::new() };
    c.at("site", |c| {
        c.line("title", &content.site.title);
        c.paragraph("description", &content.site.description);
        if content.site.language != LANGUAGE {
            c.at("language", |c| {
                c.refuse(format!(
                    "{:?} is not supported: the pages' own words (navigation, the contact form, errors) are in \
                     English only, so use \"{LANGUAGE}\"",
                    content.site.language
                ));
            });
        }
    });
    c.at("owner", |c| {
        let owner = &content.owner;
        c.line("name", &owner.name);
        c.line("headline", &owner.headline);
        c.paragraph("intro", &owner.intro);
        c.line("location", &owner.location);
        if let Err(why) = EmailAddress::parse(&owner.email) {
            let reason = match why {
                Invalid::NotEmail => format!("{:?} is not an e-mail address", owner.email),
                other => other.to_string(),
            };
            c.at("email", |c| c.refuse(reason));
        }
    });
    c.each("links", &content.links, LIST_MAX_ITEMS, |c, link| {
        c.line("label", &link.label);
        if link.url.chars().count() > URL_MAX_CHARS || !rules::is_web_url(&link.url) {
            let reason =
                format!("{:?} is not an absolute http or https URL of at most {URL_MAX_CHARS} characters", link.url);
            c.at("url", |c| c.refuse(reason));
        }
    });
    c.each("competencies", &content.competencies, LIST_MAX_ITEMS, |c, competency| {
        c.line("title", &competency.title);
        c.paragraph("description", &competency.description);
    });
    c.at("home", |c| {
        c.line("ctaTitle", &content.home.cta_title);
        c.paragraph("ctaText", &content.home.cta_text);
        c.line("ctaLabel", &content.home.cta_label);
    });
    c.at("about", |c| {
        let about = &content.about;
        c.text("biography", &about.biography, BIOGRAPHY_MAX_CHARS, false);
        c.each("expertise", &about.expertise, LIST_MAX_ITEMS, |c, area| {
            c.line("area", &area.area);
            if area.items.is_empty() {
                c.at("items", |c| c.refuse("must list at least one item: it would render as an empty list".to_owned()));
            }
            c.each("items", &area.items, LIST_MAX_ITEMS, |c, item| c.text_here(item, LINE_MAX_CHARS, true));
        });
        c.each("approach", &about.approach, LIST_MAX_ITEMS, |c, principle| {
            c.line("title", &principle.title);
            c.paragraph("text", &principle.text);
        });
    });
    c.problems
}
