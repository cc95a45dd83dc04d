//! A project's readable address, `/projects/{slug}`: made from the title unless the owner
//! writes one, unique among the projects, and never changed by a later edit of the title (an
//! address people have shared keeps working).

use uuid::Uuid;

use super::fields::Invalid;

/// Longest slug: long enough for any title's words, short enough to share.
pub const SLUG_MAX_CHARS: usize = 80;

/// What a title with no letters or digits at all (only emoji, say) is addressed as.
const FALLBACK: &str = "project";

/// Lowercase ASCII letters, digits and single hyphens, neither first nor last, at most
/// [`SLUG_MAX_CHARS`], and never a UUID (`/projects/{uuid}` is the old address, redirected).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Slug(String);

impl Slug {
    /// The slug, if it follows the rules.
    pub fn parse(text: &str) -> Result<Self, Invalid> {
        let got = text.chars().count();
        if text.is_empty() {
            Err(Invalid::Empty)
        } else if got > SLUG_MAX_CHARS {
            Err(Invalid::TooLong { max: SLUG_MAX_CHARS, got })
        } else if !is_slug(text) || Uuid::try_parse(text).is_ok() {
            Err(Invalid::NotSlug)
        } else {
            Ok(Self(text.to_owned()))
        }
    }

    /// The slug a title reads as: transliterated to ASCII ("Café déjà vu" → `cafe-deja-vu`),
    /// cut at a word boundary to fit.
    pub fn from_title(title: &str) -> Self {
        let full = slug::slugify(title);
        let mut text = String::new();
        for word in full.split('-').filter(|w| !w.is_empty()) {
            let word: String = word.chars().take(SLUG_MAX_CHARS).collect();
            if !text.is_empty() && text.len() + 1 + word.len() > SLUG_MAX_CHARS {
                break;
            }
            if !text.is_empty() {
                text.push('-');
            }
            text.push_str(&word);
        }
        if text.is_empty() || Uuid::try_parse(&text).is_ok() {
            text = FALLBACK.to_owned();
        }
        Self(text)
    }

    /// The first of `base`, `base-2`, `base-3`, … that `taken` says is free (each cut to fit).
    pub fn first_free(base: &Slug, taken: impl Fn(&str) -> bool) -> Self {
        if !taken(&base.0) {
            return base.clone();
        }
        (2u32..)
            .map(|n| {
                let suffix = format!("-{n}");
                let stem = base.0[..base.0.len().min(SLUG_MAX_CHARS - suffix.len())].trim_end_matches('-');
                Self(format!("{stem}{suffix}"))
            })
            .find(|candidate| !taken(&candidate.0))
            .expect("some numbered slug is free: there are fewer projects than numbers")
    }

    /// The address of a row stored without one (written by a release before slugs, until the
    /// next start fills it in): unique because the id is.
    pub fn for_unnamed(id: Uuid) -> String {
        format!("{FALLBACK}-{}", id.simple())
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

fn is_slug(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !text.starts_with('-')
        && !text.ends_with('-')
        && !text.contains("--")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_becomes_lowercase_ascii_words() {
        assert_eq!(Slug::from_title("Café déjà vu: Folio 2!").as_str(), "cafe-deja-vu-folio-2");
        assert_eq!(Slug::from_title("  -- ").as_str(), "project");
        assert_eq!(Slug::from_title("¿?").as_str(), "project");
        assert_eq!(Slug::from_title("🚀 launch").as_str(), "rocket-launch", "emoji read as words");
    }

    #[test]
    fn a_long_title_is_cut_at_a_word() {
        let slug = Slug::from_title(&"word ".repeat(40));
        assert!(slug.as_str().len() <= SLUG_MAX_CHARS);
        assert!(slug.as_str().ends_with("word"));
        assert_eq!(Slug::parse(slug.as_str()), Ok(slug));
        let one_long_word = Slug::from_title(&"a".repeat(200));
        assert_eq!(one_long_word.as_str().len(), SLUG_MAX_CHARS);
    }

    #[test]
    fn only_lowercase_words_joined_by_single_hyphens_and_no_uuid() {
        assert!(Slug::parse("folio-2").is_ok());
        for bad in ["Folio", "-folio", "folio-", "fo--lio", "fo lio", "fo/lio", "é"] {
            assert_eq!(Slug::parse(bad), Err(Invalid::NotSlug), "{bad}");
        }
        assert_eq!(Slug::parse(&Uuid::nil().to_string()), Err(Invalid::NotSlug));
        assert_eq!(Slug::parse(""), Err(Invalid::Empty));
        assert_eq!(Slug::parse(&"a".repeat(81)), Err(Invalid::TooLong { max: 80, got: 81 }));
    }

    #[test]
    fn a_taken_slug_gets_the_next_free_number_and_still_fits() {
        let base = Slug::from_title("Folio");
        let taken = ["folio", "folio-2"];
        assert_eq!(Slug::first_free(&base, |s| taken.contains(&s)).as_str(), "folio-3");
        let long = Slug::parse(&"a".repeat(SLUG_MAX_CHARS)).expect("valid");
        let next = Slug::first_free(&long, |s| s == long.as_str());
        assert_eq!(next.as_str().len(), SLUG_MAX_CHARS);
        assert!(next.as_str().ends_with("-2"));
    }

    #[test]
    fn a_row_without_a_slug_reads_as_one_that_is_no_uuid() {
        let text = Slug::for_unnamed(Uuid::nil());
        assert_eq!(Slug::parse(&text).map(Slug::into_inner), Ok(text));
    }
}
