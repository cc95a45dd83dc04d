//! Reading a document from outside (the API's JSON, the content files' TOML): a field of the
//! wrong type names its path, and so does a field the document does not have (which storage
//! reads skip, for rolling updates, but an owner's edit must not lose silently).

use serde::Deserializer;

use super::SiteContent;
use super::check::{Problem, Step};

/// Why a document could not be read: a field that does not fit, or fields that do not exist.
#[derive(Debug)]
pub enum Unreadable<E> {
    /// What the format's deserializer said, at `path` (empty when the text itself is broken).
    Shape { path: Vec<Step>, error: E },
    /// Every field the document has no place for.
    Unknown(Vec<Problem>),
}

impl SiteContent {
    /// The content `deserializer` holds, refusing fields it does not know, each by its path.
    pub fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, Unreadable<D::Error>> {
        let mut unknown = Vec::new();
        let mut note = |path: serde_ignored::Path<'_>| {
            let reason = "is not a field of the site content".to_owned();
            unknown.push(Problem { path: steps_of_ignored(&path), reason });
        };
        let ignoring = serde_ignored::Deserializer::new(deserializer, &mut note);
        let content: SiteContent = serde_path_to_error::deserialize(ignoring).map_err(|error| {
            let path = error.path().iter().filter_map(step_of_segment).collect();
            Unreadable::Shape { path, error: error.into_inner() }
        })?;
        if unknown.is_empty() { Ok(content) } else { Err(Unreadable::Unknown(unknown)) }
    }
}

fn step_of_segment(segment: &serde_path_to_error::Segment) -> Option<Step> {
    match segment {
        serde_path_to_error::Segment::Seq { index } => Some(Step::Index(*index)),
        serde_path_to_error::Segment::Map { key } => Some(Step::Key(key.clone())),
        _ => None,
    }
}

fn steps_of_ignored(path: &serde_ignored::Path<'_>) -> Vec<Step> {
    let (parent, step) = match path {
        serde_ignored::Path::Root => return Vec::new(),
        serde_ignored::Path::Seq { parent, index } => (parent, Some(Step::Index(*index))),
        serde_ignored::Path::Map { parent, key } => (parent, Some(Step::Key(key.clone()))),
        serde_ignored::Path::Some { parent }
        | serde_ignored::Path::NewtypeStruct { parent }
        | serde_ignored::Path::NewtypeVariant { parent } => (parent, None),
    };
    let mut steps = steps_of_ignored(parent);
    steps.extend(step);
    steps
}
