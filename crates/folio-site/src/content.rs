//! The owner's content files: `site.toml` (who they are, what they do, links) and `about.md`
//! (the biography), from `CONTENT_DIR`, or the demo content built in. They seed the database
//! on the first start; after that the database holds the content and the admin edits it.
//! Problems stop the start with the file, the line and the reason.

use std::path::{Path, PathBuf};

use folio_core::SiteContent;
use folio_core::domain::site_content::{Problem, Step, StepPath, Unreadable};

mod lines;

/// A content file that cannot be used, and where.
#[derive(Debug, thiserror::Error)]
#[error("{file}{}: {reason}", .line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct ContentError {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub reason: String,
}

const DEMO_SITE: &str = include_str!("../content/site.toml");
const DEMO_ABOUT: &str = include_str!("../content/about.md");

/// The demo content built into the binary.
pub fn demo() -> SiteContent {
    parse(Path::new("<built-in>/site.toml"), DEMO_SITE, Path::new("<built-in>/about.md"), DEMO_ABOUT)
        .expect("the built-in content is valid (tested)")
}

/// Whether `content` is the built-in demo owner's rather than the owner's own.
pub fn is_demo(content: &SiteContent) -> bool {
    *content == demo()
}

/// Reads `site.toml` and `about.md` from `dir`.
pub fn load(dir: &Path) -> Result<SiteContent, ContentError> {
    let read = |name: &str| {
        let path = dir.join(name);
        std::fs::read_to_string(&path).map(|text| (path.clone(), text)).map_err(|e| ContentError {
            file: path,
            line: None,
            reason: format!("cannot be read: {e}"),
        })
    };
    let (site_path, site) = read("site.toml")?;
    let (about_path, about) = read("about.md")?;
    parse(&site_path, &site, &about_path, &about)
}

fn parse(site_path: &Path, site: &str, about_path: &Path, about: &str) -> Result<SiteContent, ContentError> {
    let at = |path: &[Step], reason: String| ContentError {
        file: site_path.to_owned(),
        line: lines::line(site, path),
        reason: format!("{}: {reason}", StepPath(&snake_case(path))),
    };
    let syntax = |e: toml::de::Error| ContentError {
        file: site_path.to_owned(),
        line: e.span().map(|span| line_of(site, span.start)),
        reason: e.message().to_owned(),
    };
    let mut content = match SiteContent::read(toml::de::Deserializer::parse(site).map_err(syntax)?) {
        Ok(content) => content,
        // A value of the wrong type: toml knows where it is, and says so in its own words.
        Err(Unreadable::Shape { path, error }) if path.is_empty() || error.span().is_some() => {
            return Err(syntax(error));
        }
        Err(Unreadable::Shape { path, error }) => return Err(at(&path, error.message().to_owned())),
        Err(Unreadable::Unknown(problems)) => {
            let Problem { path, reason } = &problems[0];
            return Err(at(path, reason.clone()));
        }
    };
    if about.trim().is_empty() {
        return Err(ContentError { file: about_path.to_owned(), line: None, reason: "is empty".to_owned() });
    }
    content.about.biography = about.to_owned();
    match content.problems().into_iter().next() {
        // The biography's rules are about.md's, whole.
        Some(Problem { path, reason }) if path == [Step::Key("about".into()), Step::Key("biography".into())] => {
            Err(ContentError { file: about_path.to_owned(), line: None, reason })
        }
        Some(Problem { path, reason }) => Err(at(&path, reason)),
        None => Ok(content),
    }
}

/// A path with its keys spelled as the content files spell them.
fn snake_case(path: &[Step]) -> Vec<Step> {
    path.iter()
        .map(|step| match step {
            Step::Key(key) => Step::Key(lines::snake_case(key)),
            Step::Index(i) => Step::Index(*i),
        })
        .collect()
}

/// The 1-based line holding byte `offset`.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, site: &str, about: &str) {
        std::fs::write(dir.join("site.toml"), site).expect("write");
        std::fs::write(dir.join("about.md"), about).expect("write");
    }

    #[test]
    fn the_demo_content_is_valid() {
        let content = demo();
        assert_eq!(content.owner.name, "Jordan Avery");
        assert!(content.about.biography.contains("**infrastructure as code"));
    }

    #[test]
    fn a_syntax_error_names_the_file_and_line() {
        let dir = tempfile::tempdir().expect("dir");
        let broken = DEMO_SITE.replacen("name = \"Jordan Avery\"", "name = \"Jordan Avery", 1);
        write(dir.path(), &broken, "bio");
        let err = load(dir.path()).expect_err("broken").to_string();
        let line = DEMO_SITE.lines().position(|l| l.starts_with("name = ")).expect("line") + 1;
        assert!(err.starts_with(&format!("{}:{line}: ", dir.path().join("site.toml").display())), "{err}");
    }

    #[test]
    fn a_missing_section_or_unknown_key_is_named() {
        let dir = tempfile::tempdir().expect("dir");
        write(dir.path(), "[site]\ntitle = \"t\"\ndescription = \"d\"\n", "bio");
        let err = load(dir.path()).expect_err("incomplete").to_string();
        assert!(err.contains("missing field `owner`"), "{err}");
        let extra = DEMO_SITE.replacen("[owner]\n", "[owner]\nnickname = \"J\"\n", 1);
        write(dir.path(), &extra, "bio");
        let err = load(dir.path()).expect_err("unknown key").to_string();
        let line = DEMO_SITE.lines().position(|l| l == "[owner]").expect("line") + 2;
        assert!(err.ends_with(&format!(":{line}: owner.nickname: is not a field of the site content")), "{err}");
    }

    #[test]
    fn a_bad_value_names_the_key_and_its_line() {
        let dir = tempfile::tempdir().expect("dir");
        write(dir.path(), &DEMO_SITE.replacen("hello@jordan-avery.example", "not an address", 1), "bio");
        let err = load(dir.path()).expect_err("bad email").to_string();
        let line = DEMO_SITE.lines().position(|l| l.starts_with("email = ")).expect("line") + 1;
        assert!(err.ends_with(&format!(":{line}: owner.email: \"not an address\" is not an e-mail address")), "{err}");
    }

    /// The line of the `n`-th (from 0) line of the demo starting with `prefix`.
    fn demo_line(prefix: &str, n: usize) -> usize {
        DEMO_SITE.lines().enumerate().filter(|(_, l)| l.starts_with(prefix)).nth(n).expect("in the demo").0 + 1
    }

    fn error_for(site: &str) -> String {
        let dir = tempfile::tempdir().expect("dir");
        write(dir.path(), site, "bio");
        let err = load(dir.path()).expect_err("refused").to_string();
        err.split_once("site.toml").map(|(_, rest)| rest.to_owned()).unwrap_or(err)
    }

    #[test]
    fn a_bad_url_in_the_second_link_is_reported_on_its_own_line() {
        let site = DEMO_SITE.replacen("https://www.linkedin.com/in/jordan-avery-example", "linkedin", 1);
        let line = demo_line("url = ", 1);
        assert_eq!(
            error_for(&site),
            format!(
                ":{line}: links[1].url: \"linkedin\" is not an absolute http or https URL of at most 500 characters"
            )
        );
    }

    #[test]
    fn what_would_render_empty_is_refused_on_its_line() {
        let empty_title = DEMO_SITE.replacen("title = \"Delivery pipelines\"", "title = \" \"", 1);
        let line = DEMO_SITE.lines().position(|l| l == "title = \"Delivery pipelines\"").expect("line") + 1;
        assert_eq!(
            error_for(&empty_title),
            format!(":{line}: competencies[1].title: must not be empty: it would render as an empty element")
        );
        let empty_label = DEMO_SITE.replacen("cta_label = \"Get in touch\"", "cta_label = \"\"", 1);
        let line = demo_line("cta_label = ", 0);
        assert_eq!(
            error_for(&empty_label),
            format!(":{line}: home.cta_label: must not be empty: it would render as an empty element")
        );
        let no_items = DEMO_SITE.replacen(
            "items = [\"Rust\", \"TypeScript and Node.js\", \"PostgreSQL\", \"HTTP API design\"]",
            "items = []",
            1,
        );
        let line = demo_line("items = ", 1);
        assert_eq!(
            error_for(&no_items),
            format!(":{line}: about.expertise[1].items: must list at least one item: it would render as an empty list")
        );
    }

    #[test]
    fn a_language_the_interface_is_not_written_in_is_refused() {
        let french = DEMO_SITE.replacen("language = \"en\"", "language = \"fr\"", 1);
        let line = demo_line("language = ", 0);
        assert!(error_for(&french).starts_with(&format!(":{line}: site.language: \"fr\" is not supported")));
    }

    #[test]
    fn a_missing_file_is_named() {
        let dir = tempfile::tempdir().expect("dir");
        std::fs::write(dir.path().join("site.toml"), DEMO_SITE).expect("write");
        let err = load(dir.path()).expect_err("no about.md").to_string();
        assert!(err.starts_with(&format!("{}: cannot be read", dir.path().join("about.md").display())), "{err}");
    }
}
