//! The site content as the owner types it in the admin's form: one field per text, and each
//! list as lines of text (a link per line, `Label | https://…`), read into the document the API
//! stores, with every problem placed next to the field it is about.

use serde::Deserialize;

use super::site_content::{
    About, Competency, Expertise, Home, LANGUAGE, Link, Owner, Principle, Problem, SiteContent, SiteInfo, Step,
};

/// What separates the parts of one line of a list.
const BAR: &str = " | ";
/// What separates an area of expertise from its items, and the items from each other.
const AREA: char = ':';
const ITEM: char = ';';

/// The form's fields, as a browser sends them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct SiteForm {
    pub site_title: String,
    pub site_description: String,
    pub name: String,
    pub headline: String,
    pub intro: String,
    pub location: String,
    pub email: String,
    /// `Label | https://…`, one per line.
    pub links: String,
    /// `Title | description`, one per line.
    pub competencies: String,
    pub cta_title: String,
    pub cta_text: String,
    pub cta_label: String,
    /// Markdown, kept as typed.
    pub biography: String,
    /// `Area: item; item; item`, one area per line.
    pub expertise: String,
    /// `Title | text`, one per line.
    pub approach: String,
}

/// A problem of the form: the field it is about (a [`SiteForm`] field's name) and what to say
/// there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormProblem {
    pub field: &'static str,
    pub message: String,
}

impl SiteForm {
    /// The form filled with the stored content.
    pub fn of(content: &SiteContent) -> Self {
        let lines = |parts: Vec<String>| parts.join("\n");
        Self {
            site_title: content.site.title.clone(),
            site_description: content.site.description.clone(),
            name: content.owner.name.clone(),
            headline: content.owner.headline.clone(),
            intro: content.owner.intro.clone(),
            location: content.owner.location.clone(),
            email: content.owner.email.clone(),
            links: lines(content.links.iter().map(|l| format!("{}{BAR}{}", l.label, l.url)).collect()),
            competencies: lines(
                content.competencies.iter().map(|c| format!("{}{BAR}{}", c.title, c.description)).collect(),
            ),
            cta_title: content.home.cta_title.clone(),
            cta_text: content.home.cta_text.clone(),
            cta_label: content.home.cta_label.clone(),
            biography: content.about.biography.clone(),
            expertise: lines(
                content
                    .about
                    .expertise
                    .iter()
                    .map(|e| format!("{}{AREA} {}", e.area, e.items.join(&format!("{ITEM} "))))
                    .collect(),
            ),
            approach: lines(content.about.approach.iter().map(|p| format!("{}{BAR}{}", p.title, p.text)).collect()),
        }
    }

    /// The document the form describes, or every problem, by field. One-line texts are
    /// trimmed; the biography is kept as typed.
    pub fn parse(&self) -> Result<SiteContent, Vec<FormProblem>> {
        let mut problems = Vec::new();
        let links = pairs(&self.links, "links", "a label", "its address", &mut problems);
        let competencies = pairs(&self.competencies, "competencies", "a title", "a description", &mut problems);
        let approach = pairs(&self.approach, "approach", "a title", "its text", &mut problems);
        let expertise = areas(&self.expertise, &mut problems);
        let t = |text: &str| text.trim().to_owned();
        let content = SiteContent {
            site: SiteInfo {
                title: t(&self.site_title),
                description: t(&self.site_description),
                language: LANGUAGE.to_owned(),
            },
            owner: Owner {
                name: t(&self.name),
                headline: t(&self.headline),
                intro: t(&self.intro),
                location: t(&self.location),
                email: t(&self.email),
            },
            links: links.into_iter().map(|(label, url)| Link { label, url }).collect(),
            competencies: competencies
                .into_iter()
                .map(|(title, description)| Competency { title, description })
                .collect(),
            home: Home { cta_title: t(&self.cta_title), cta_text: t(&self.cta_text), cta_label: t(&self.cta_label) },
            about: About {
                biography: self.biography.clone(),
                expertise,
                approach: approach.into_iter().map(|(title, text)| Principle { title, text }).collect(),
            },
        };
        problems.extend(content.problems().iter().map(Self::place));
        if problems.is_empty() { Ok(content) } else { Err(problems) }
    }

    /// A problem of the document, next to the form's field that holds the value.
    pub fn place(problem: &Problem) -> FormProblem {
        let key = |i: usize| match problem.path.get(i) {
            Some(Step::Key(key)) => key.as_str(),
            _ => "",
        };
        let field = match (key(0), key(1)) {
            ("site", "title") => "site_title",
            ("site", "description") => "site_description",
            ("owner", "name") => "name",
            ("owner", "headline") => "headline",
            ("owner", "intro") => "intro",
            ("owner", "location") => "location",
            ("owner", "email") => "email",
            ("links", _) => "links",
            ("competencies", _) => "competencies",
            ("home", "ctaTitle") => "cta_title",
            ("home", "ctaText") => "cta_text",
            ("home", "ctaLabel") => "cta_label",
            ("about", "expertise") => "expertise",
            ("about", "approach") => "approach",
            _ => "biography",
        };
        // In a list, the line (counting the lines with something on them) comes first.
        let line = problem.path.iter().find_map(|step| match step {
            Step::Index(i) => Some(*i),
            Step::Key(_) => None,
        });
        let message = match line {
            Some(i) if matches!(field, "links" | "competencies" | "expertise" | "approach") => {
                format!("Line {}: {}.", i + 1, problem.reason)
            }
            _ => format!("{}.", capitalised(&problem.reason)),
        };
        FormProblem { field, message }
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// The lines of a list with something on them.
fn entries(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|line| !line.is_empty())
}

/// Lines of `first | second`; a line without the bar is a problem of `field`.
fn pairs(
    text: &str,
    field: &'static str,
    first: &str,
    second: &str,
    problems: &mut Vec<FormProblem>,
) -> Vec<(String, String)> {
    let mut parsed = Vec::new();
    for (i, line) in entries(text).enumerate() {
        match line.split_once(BAR.trim()) {
            Some((a, b)) => parsed.push((a.trim().to_owned(), b.trim().to_owned())),
            None => problems
                .push(FormProblem { field, message: format!("Line {}: write {first}, then |, then {second}.", i + 1) }),
        }
    }
    parsed
}

/// Lines of `Area: item; item`.
fn areas(text: &str, problems: &mut Vec<FormProblem>) -> Vec<Expertise> {
    let mut parsed = Vec::new();
    for (i, line) in entries(text).enumerate() {
        match line.split_once(AREA) {
            Some((area, items)) => parsed.push(Expertise {
                area: area.trim().to_owned(),
                items: items.split(ITEM).map(str::trim).filter(|item| !item.is_empty()).map(str::to_owned).collect(),
            }),
            None => problems.push(FormProblem {
                field: "expertise",
                message: format!("Line {}: write the area, then :, then its items separated by ;.", i + 1),
            }),
        }
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content() -> SiteContent {
        let form = SiteForm {
            site_title: "Ada Quill".into(),
            site_description: "Ada builds things.".into(),
            name: " Ada Quill ".into(),
            headline: "Engineer".into(),
            intro: "Hello.".into(),
            location: "Porto".into(),
            email: "ada@quill.example".into(),
            links: "GitHub | https://github.com/ada\n\n  Blog | https://ada.example/blog  ".into(),
            competencies: "Rust | Fast services, small images.".into(),
            cta_title: "Write to me".into(),
            cta_text: "I answer.".into(),
            cta_label: "Get in touch".into(),
            biography: "I *build*.\n".into(),
            expertise: "Software: Rust; AWS (ECS, RDS); SQL".into(),
            approach: "Boring | Production should be boring.".into(),
        };
        form.parse().expect("valid")
    }

    #[test]
    fn a_filled_form_reads_into_the_document_and_back_unchanged() {
        let content = content();
        assert_eq!(content.owner.name, "Ada Quill");
        assert_eq!(content.links[1], Link { label: "Blog".into(), url: "https://ada.example/blog".into() });
        assert_eq!(content.about.expertise[0].items, ["Rust", "AWS (ECS, RDS)", "SQL"]);
        assert_eq!(content.about.biography, "I *build*.\n");
        assert_eq!(SiteForm::of(&content).parse().expect("valid"), content);
    }

    #[test]
    fn each_problem_is_placed_next_to_its_field_with_its_line() {
        let mut form = SiteForm::of(&content());
        form.name = "  ".into();
        form.links = "GitHub | https://github.com/ada\nBlog | blog.example".into();
        form.competencies = "Rust without a bar".into();
        form.email = "ada at quill".into();
        let problems = form.parse().expect_err("refused");
        let at =
            |field: &str| problems.iter().filter(|p| p.field == field).map(|p| p.message.as_str()).collect::<Vec<_>>();
        assert_eq!(at("competencies"), ["Line 1: write a title, then |, then a description."]);
        assert_eq!(at("name"), ["Must not be empty: it would render as an empty element."]);
        assert_eq!(at("email"), ["\"ada at quill\" is not an e-mail address."]);
        assert_eq!(
            at("links"),
            ["Line 2: \"blog.example\" is not an absolute http or https URL of at most 500 characters."]
        );
    }
}
