//! The rules of the owner's content that serde cannot express, and where in `site.toml` each
//! value sits, so an error names the right line (the second link's, not the first's).

use std::fmt;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::Content;

/// The one language the interface (navigation, the contact form, errors) is written in; a site
/// in another language would mix the two, so others are refused until they are translated.
pub const LANGUAGE: &str = "en";

/// One step from the top of `site.toml` to a value: a key, or an index into an array.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Key(&'static str),
    Index(usize),
}

/// A value that cannot be used: where it is, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: Vec<Step>,
    pub reason: String,
}

/// The path as the owner would write it: `links[1].url`.
pub struct Path<'a>(pub &'a [Step]);

impl fmt::Display for Path<'_> {
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

/// Everything that renders must hold text, links must be usable, the address an address.
pub fn check(content: &Content) -> Result<(), Problem> {
    use Step::{Index, Key};
    let mut texts: Vec<(Vec<Step>, &str)> = vec![
        (vec![Key("site"), Key("title")], &content.site.title),
        (vec![Key("site"), Key("description")], &content.site.description),
        (vec![Key("owner"), Key("name")], &content.owner.name),
        (vec![Key("owner"), Key("headline")], &content.owner.headline),
        (vec![Key("owner"), Key("intro")], &content.owner.intro),
        (vec![Key("owner"), Key("location")], &content.owner.location),
        (vec![Key("owner"), Key("email")], &content.owner.email),
        (vec![Key("home"), Key("cta_title")], &content.home.cta_title),
        (vec![Key("home"), Key("cta_text")], &content.home.cta_text),
        (vec![Key("home"), Key("cta_label")], &content.home.cta_label),
    ];
    for (i, link) in content.links.iter().enumerate() {
        texts.push((vec![Key("links"), Index(i), Key("label")], &link.label));
        texts.push((vec![Key("links"), Index(i), Key("url")], &link.url));
    }
    for (i, c) in content.competencies.iter().enumerate() {
        texts.push((vec![Key("competencies"), Index(i), Key("title")], &c.title));
        texts.push((vec![Key("competencies"), Index(i), Key("description")], &c.description));
    }
    for (i, e) in content.about.expertise.iter().enumerate() {
        texts.push((vec![Key("about"), Key("expertise"), Index(i), Key("area")], &e.area));
        for (j, item) in e.items.iter().enumerate() {
            texts.push((vec![Key("about"), Key("expertise"), Index(i), Key("items"), Index(j)], item));
        }
    }
    for (i, p) in content.about.approach.iter().enumerate() {
        texts.push((vec![Key("about"), Key("approach"), Index(i), Key("title")], &p.title));
        texts.push((vec![Key("about"), Key("approach"), Index(i), Key("text")], &p.text));
    }
    let problem = |path: Vec<Step>, reason: String| Err(Problem { path, reason });
    if let Some((path, _)) = texts.into_iter().find(|(_, text)| text.trim().is_empty()) {
        return problem(path, "must not be empty: it would render as an empty element".to_owned());
    }
    if content.site.language != LANGUAGE {
        return problem(
            vec![Key("site"), Key("language")],
            format!(
                "{:?} is not supported: the pages' own words (navigation, the contact form, errors) are in \
                 English only, so use \"{LANGUAGE}\"",
                content.site.language
            ),
        );
    }
    if !content.owner.email.contains('@') || content.owner.email.contains(char::is_whitespace) {
        return problem(
            vec![Key("owner"), Key("email")],
            format!("{:?} is not an e-mail address", content.owner.email),
        );
    }
    for (i, link) in content.links.iter().enumerate() {
        if !url::Url::parse(&link.url).is_ok_and(|u| matches!(u.scheme(), "http" | "https" | "mailto")) {
            let reason = format!("{:?} is not an absolute http(s) or mailto URL", link.url);
            return problem(vec![Key("links"), Index(i), Key("url")], reason);
        }
    }
    for (i, e) in content.about.expertise.iter().enumerate() {
        if e.items.is_empty() {
            let reason = "must list at least one item: it would render as an empty list".to_owned();
            return problem(vec![Key("about"), Key("expertise"), Index(i), Key("items")], reason);
        }
    }
    Ok(())
}

/// The 1-based line where the value at `path` is written in `text`.
pub fn line(text: &str, path: &[Step]) -> Option<usize> {
    let root = DeTable::parse(text).ok()?;
    let (Step::Key(first), rest) = path.split_first()? else {
        return None;
    };
    let span = find(entry(root.get_ref(), first)?, rest)?;
    Some(super::line_of(text, span))
}

fn entry<'a, 'i>(table: &'a DeTable<'i>, key: &str) -> Option<&'a Spanned<DeValue<'i>>> {
    table.iter().find(|(k, _)| k.get_ref() == key).map(|(_, v)| v)
}

/// Where the value under `value` at `path` starts.
fn find(value: &Spanned<DeValue<'_>>, path: &[Step]) -> Option<usize> {
    let Some((step, rest)) = path.split_first() else {
        return Some(value.span().start);
    };
    let child = match (step, value.get_ref()) {
        (Step::Key(key), DeValue::Table(table)) => entry(table, key)?,
        (Step::Index(index), DeValue::Array(items)) => items.get(*index)?,
        _ => return None,
    };
    find(child, rest)
}
